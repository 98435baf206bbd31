/*
 * /proc/config.gz (kernel/configs.c, CONFIG_IKCONFIG_PROC): in Linux's
 * Kconfig form, the Linux options whose behaviour this kernel provides,
 * chosen by this build's own configuration; gzip-compressed. The stream
 * is made once, at start-up: stored (uncompressed) deflate blocks, with
 * the CRC-32 and length gzip checks (RFC 1951, RFC 1952), which zcat and
 * every gzip reader take.
 *
 * What is listed is what a program can rely on, not how it is done here:
 * CONFIG_SYSVIPC stands for shared memory only (msgget and semget are
 * ENOSYS), CONFIG_CHECKPOINT_RESTORE for kernel.shm_next_id only,
 * CONFIG_HUGETLBFS and CONFIG_HUGETLB_PAGE for a kernel whose huge page
 * pool is empty (SHM_HUGETLB and MAP_HUGETLB fail as Linux's do then,
 * /sys/kernel/mm/hugepages and vm.nr_hugepages exist; no hugetlbfs can be
 * mounted), and
 * debugging facilities (the lock-order checker) are not Linux's
 * CONFIG_LOCKDEP, which tools like LTP read as "slow kernel".
 */
#include <klib/crc32.h>
#include <klib/errno.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include "procfs_internal.h"

#define STORED_MAX 65535 /* bytes in one stored block */

static const char config_text[] =
    "#\n"
    "# Automatically generated file; DO NOT EDIT.\n"
    "# unikit: the Linux options whose behaviour this kernel provides\n"
    "#\n"
    "CONFIG_64BIT=y\n"
    "CONFIG_MMU=y\n"
    "CONFIG_MULTIUSER=y\n"
    "CONFIG_BINFMT_ELF=y\n"
    "CONFIG_BLK_DEV_INITRD=y\n"
    "CONFIG_PROC_FS=y\n"
    "CONFIG_PROC_SYSCTL=y\n"
    "CONFIG_SYSCTL=y\n"
    "CONFIG_SYSFS=y\n"
    "CONFIG_IKCONFIG=y\n"
    "CONFIG_IKCONFIG_PROC=y\n"
    "CONFIG_TMPFS=y\n"
    "CONFIG_SHMEM=y\n"
    "CONFIG_DEVTMPFS=y\n"
#ifdef CONFIG_IPC_SHM
    "CONFIG_SYSVIPC=y\n"
    "CONFIG_SYSVIPC_SYSCTL=y\n"
    "CONFIG_CHECKPOINT_RESTORE=y\n"
#else
    "# CONFIG_SYSVIPC is not set\n"
    "# CONFIG_CHECKPOINT_RESTORE is not set\n"
#endif
    "# CONFIG_SMP is not set\n"
    "# CONFIG_MODULES is not set\n"
    "# CONFIG_SWAP is not set\n"
    "CONFIG_HUGETLBFS=y\n"
    "CONFIG_HUGETLB_PAGE=y\n"
    "# CONFIG_TRANSPARENT_HUGEPAGE is not set\n"
    "# CONFIG_POSIX_MQUEUE is not set\n"
    "# CONFIG_NAMESPACES is not set\n"
    "# CONFIG_IPC_NS is not set\n"
    "# CONFIG_PID_NS is not set\n"
    "# CONFIG_SECCOMP is not set\n"
    "# CONFIG_CPUSETS is not set\n"
    "# CONFIG_NET is not set\n"
    "# CONFIG_BLOCK is not set\n"
    "# CONFIG_ELF_CORE is not set\n";

static uint8_t *gz;
static size_t gz_len;

static uint8_t *put_le(uint8_t *o, uint32_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		*o++ = (uint8_t)(v >> (8 * i));
	return o;
}

int pfs_config_init(void)
{
	size_t len = sizeof(config_text) - 1, blocks = len / STORED_MAX + 1;
	const uint8_t *in = (const uint8_t *)config_text;
	uint8_t *o;

	if (gz)
		return 0;
	/* Header (10), a 5-byte head per block, the text, CRC-32 and size (8). */
	if (!(gz = kmalloc(10 + 5 * blocks + len + 8)))
		return -ENOMEM;
	o = gz;
	*o++ = 0x1f, *o++ = 0x8b, *o++ = 8; /* magic, deflate */
	*o++ = 0;                           /* no name, comment or extra field */
	o = put_le(o, 0, 4);                /* no modification time */
	*o++ = 0, *o++ = 3;                 /* no extra flags; made on Unix */
	for (size_t done = 0, b = 0; b < blocks; b++) {
		uint32_t n = (uint32_t)MIN(len - done, (size_t)STORED_MAX);

		*o++ = b + 1 == blocks; /* BFINAL on the last, BTYPE 00: stored */
		o = put_le(o, n, 2);
		o = put_le(o, ~n & 0xffff, 2);
		memcpy(o, in + done, n);
		o += n;
		done += n;
	}
	o = put_le(o, kcrc32(0, in, len), 4);
	o = put_le(o, (uint32_t)len, 4);
	gz_len = (size_t)(o - gz);
	return 0;
}

void pfs_config_fini(void)
{
	kfree(gz);
	gz = NULL;
	gz_len = 0;
}

uint64_t pfs_config_size(void)
{
	return gz_len;
}

bool pfs_show_config(struct pfs_seq *s, uint64_t *idx)
{
	if (!pfs_once(idx))
		return false;
	pfs_write(s, gz, gz_len);
	return true;
}
