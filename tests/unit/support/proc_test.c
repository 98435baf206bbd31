/* The environment of the process tests (proc_test.h). */
#include "proc_test.h"
#include <hal/time.h>
#include <klib/errno.h>
#include <page-alloc/page_alloc.h>
#include <paging/paging.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <task/task.h>
#include "host.h"

#define RAM_MIB   64
#define MAX_FILES 16

static void *elf;
static size_t elf_size;
static struct {
	const char *path;
	const void *data;
	size_t size;
} files[MAX_FILES];
static unsigned nfiles;

static void *read_all(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	void *buf;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*size = (size_t)ftell(f);
	rewind(f);
	buf = malloc(*size);
	if (buf && fread(buf, 1, *size, f) != *size) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static int find(const char *path, const void **data, size_t *size)
{
	for (unsigned i = 0; i < nfiles; i++)
		if (strcmp(files[i].path, path) == 0) {
			*data = files[i].data;
			*size = files[i].size;
			return 0;
		}
	return -ENOENT;
}

void proc_test_boot(void)
{
	size_t ram = (size_t)RAM_MIB << 20, align = 2u << 20;
	char *p = mmap(NULL, ram + align, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t base = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);

	struct pt *kernel;

	if (p == MAP_FAILED || page_alloc_add_range((paddr_t)base, ram) != 0) {
		fprintf(stderr, "proc_test_boot: no RAM\n");
		exit(2);
	}
	/*
	 * A kernel table, as a riscv64 kernel has: what as_activate(NULL)
	 * switches to when an exiting process gives up its space (with no
	 * kernel table, its own would stay active and could not be destroyed).
	 * Empty: the host kernel needs no mappings.
	 */
	if (pt_create(&pt_format_sv39, &kernel) != 0) {
		fprintf(stderr, "proc_test_boot: no kernel table\n");
		exit(2);
	}
	pt_set_kernel(kernel);
	pt_activate(kernel);
	if (!(elf = read_all(STATIC_PROG, &elf_size))) {
		fprintf(stderr, "proc_test_boot: cannot read %s\n", STATIC_PROG);
		exit(2);
	}
	host_time_init();
	if (task_set_stack_ops(&host_task_stack_ops) != 0 || task_init() != 0) {
		fprintf(stderr, "proc_test_boot: task_init failed\n");
		exit(2);
	}
	process_set_files(find);
}

void proc_test_reset(void)
{
	nfiles = 0;
	fake_user_reset();
}

void proc_test_file(const char *path, const void *data, size_t size)
{
	assert_true(nfiles < MAX_FILES);
	files[nfiles].path = path;
	files[nfiles].data = data;
	files[nfiles++].size = size;
}

void proc_test_program(const char *path, fake_user_fn fn)
{
	proc_test_file(path, elf, elf_size);
	fake_user_program(path, fn);
}

/* One newc header, name and data, each padded to 4 bytes (scripts/mkinitrd.py's format). */
static size_t cpio_entry(char *out, const char *name, uint32_t mode, const void *data, size_t size,
                         uint32_t ino)
{
	size_t n = (size_t)sprintf(
	    out, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ino, mode, 0u, 0u,
	    1u, 0u, (unsigned)size, 0u, 0u, 0u, 0u, (unsigned)strlen(name) + 1, 0u);

	memcpy(out + n, name, strlen(name) + 1);
	n += strlen(name) + 1;
	while (n % 4)
		out[n++] = 0;
	if (size)
		memcpy(out + n, data, size);
	n += size;
	while (n % 4)
		out[n++] = 0;
	return n;
}

void *proc_test_cpio(size_t *size)
{
	size_t cap = 4096, n = 0;
	char *buf, *p;
	uint32_t ino = 1;

	for (unsigned i = 0; i < nfiles; i++)
		cap += 2 * (files[i].size + strlen(files[i].path) + 256);
	if (!(buf = malloc(cap)))
		return NULL;
	for (unsigned i = 0; i < nfiles; i++) {
		char name[256];

		/* The directories above it first, as an unpacker needs them. */
		snprintf(name, sizeof(name), "%s", files[i].path + (files[i].path[0] == '/'));
		for (p = strchr(name, '/'); p; p = strchr(p + 1, '/')) {
			*p = '\0';
			n += cpio_entry(buf + n, name, 040755, NULL, 0, ino++);
			*p = '/';
		}
		n += cpio_entry(buf + n, name, 0100755, files[i].data, files[i].size, ino++);
	}
	n += cpio_entry(buf + n, "TRAILER!!!", 0, NULL, 0, 0);
	*size = n;
	return buf;
}

const void *proc_test_elf(size_t *size)
{
	*size = elf_size;
	return elf;
}

struct process *proc_test_start(const char *path, const char *const *argv)
{
	static const char *const envp[] = {NULL};
	const char *const none[] = {path, NULL};
	struct process *p;
	int err = 0;

	p = process_start_init(path, argv ? argv : none, envp, &err);
	if (!p)
		fail_msg("process_start_init(%s): %d", path, err);
	return p;
}

int proc_test_wait_all(void)
{
	int status = -1;

	/* The watchdog ends the test binary if they never do. */
	KIT_TEST_WAIT("every process to end", while (process_count() != 0) task_sleep_ns(1000000));
	process_wait_all(&status);
	return status;
}

bool proc_test_ended(int32_t pid)
{
	unsigned long flags = process_lock();
	struct process *p = process_find(pid);
	bool ended = !p || p->state == PROCESS_ZOMBIE;

	process_unlock(flags);
	return ended;
}
