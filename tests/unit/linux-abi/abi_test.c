/* The environment of the system-call tests (abi_test.h). */
#include "abi_test.h"
#include <stdlib.h>

int abi_run(const char *path, size_t *segments_left)
{
	size_t free0 = page_free_count(), segs, size;
	void *initrd;
	int status;

	assert_int_equal(linux_abi_init(), 0);
	/* The programs come from the file system, as in the kernel: an initrd of them. */
	assert_non_null(initrd = proc_test_cpio(&size));
	assert_int_equal(linux_abi_load_initrd(initrd, size), 0);
	free(initrd);
	proc_test_start(path, NULL);
	status = proc_test_wait_all();
	segs = linux_abi_shm_segments();
	if (segments_left)
		*segments_left = segs;
	linux_abi_shutdown();
	assert_int_equal(page_free_count(), free0);
	return status;
}

uint32_t abi_read_u32(uintptr_t va)
{
	uint32_t v = 0xdeadbeef;

	fake_user_read(&v, va, sizeof(v));
	return v;
}
