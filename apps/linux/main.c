/*
 * apps/linux: a kernel that runs one static Linux riscv64 program (and
 * whatever it forks and execs), then powers off with its exit status. The
 * initrd is unpacked into the root tmpfs; programs run from there. It
 * reports the free page frames before the file system is set up (the
 * initrd's among them: they are freed once it is unpacked, those its files
 * kept when the files go) and after the last process is gone and
 * everything is unmounted, so a leak shows as a difference.
 */
#include <kit/kit.h>
#include <hal/boot.h>
#include <hal/platform.h>
#include <klib/errno.h>
#include <klib/printf.h>
#include <klib/string.h>
#include <linux-abi/linux_abi.h>
#include <page-alloc/page_alloc.h>
#include <process/process.h>
#include <process/cmdline.h>

static const void *initrd;
static size_t initrd_size;

static void describe(int st, char *buf, size_t n)
{
	if ((st & 0x7f) == 0)
		ksnprintf(buf, n, "exited with status %d", (st >> 8) & 0xff);
	else
		ksnprintf(buf, n, "killed by signal %d", st & 0x7f);
}

int app_main(void)
{
	char *cmdbuf;
	static struct cmdline cl; /* CONFIG_PROCESS_CMDLINE_MAX_ARGS pointers: not on the stack */
	size_t free_boot, free_end, len, segs;
	int rc, st = 0;
	char how[48];

	len = strlen(hal_boot_cmdline());
	if (!(cmdbuf = kmalloc(len + 1))) { /* split in place, kept for the program's life */
		kprintf("linux: no memory for the kernel command line (%zu bytes)\n", len);
		return 1;
	}
	memcpy(cmdbuf, hal_boot_cmdline(), len + 1);
	if ((rc = cmdline_parse(cmdbuf, &cl)) < 0) {
		kprintf(rc == -E2BIG
		            ? "linux: more than %d program arguments on the command line\n"
		            : "linux: no program to run: the kernel command line needs init=/path "
		              "(make run APP=linux PROG=...)\n",
		        CMDLINE_MAX_ARGS);
		return 1;
	}
	if (cl.norandmaps)
		process_set_randomize_va_space(0);
	if (hal_boot_initrd(&initrd, &initrd_size) < 0) {
		kprintf("linux: no initrd: boot with -initrd (make run APP=linux PROG=...)\n");
		return 1;
	}
	free_boot = page_free_count();
	if ((rc = linux_abi_init()) < 0) {
		kprintf("linux: setting up the system-call layer failed: %s\n", kstrerror(rc));
		return 1;
	}
	rc = linux_abi_load_initrd(initrd, initrd_size);
	/* The initrd's frames the files did not keep are free from here on (Linux's
	 * free_initrd_mem), the others once their files are gone: all of them by shutdown. */
	free_boot += page_alloc_release_held();
	if (rc < 0) {
		kprintf("linux: the initrd is not a cpio newc archive this kernel can unpack\n");
		linux_abi_shutdown();
		return 1;
	}
	kprintf("linux: initrd %zu bytes; running %s; frames free at boot: %zu\n", initrd_size,
	        cl.init, free_boot);
	if (process_start_init(cl.init, cl.argv, cl.envp, &rc)) {
		process_wait_all(&st);
		describe(st, how, sizeof(how));
	} else {
		kprintf("linux: cannot run %s: %s (%s)\n", cl.init, kstrerror(rc),
		        kstrerrorname(rc));
		st = 127 << 8; /* a shell's "command not found" */
		ksnprintf(how, sizeof(how), "did not start");
	}
	segs = linux_abi_shm_segments();
	linux_abi_shutdown();
	free_end = page_free_count();
	kprintf("linux: %s %s; shm segments left: %zu; frames free at shutdown: %zu (%s)\n",
	        cl.init, how, segs, free_end,
	        free_end == free_boot ? "all returned" : "DIFFERENT FROM BOOT");
	if ((st & 0x7f) == 0)
		return (st >> 8) & 0xff;
	return 128 + (st & 0x7f);
}
