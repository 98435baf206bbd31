#include "kit_test.h"
#include <klib/port.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char kit_test_output[1 << 16];
size_t kit_test_output_len;
jmp_buf *kit_test_panic_jmp;

void kit_test_output_reset(void)
{
	kit_test_output_len = 0;
	kit_test_output[0] = '\0';
}

int kit_test_output_has(const char *needle)
{
	return strstr(kit_test_output, needle) != NULL;
}

void klib_port_write(const char *s, size_t len)
{
	size_t room = sizeof(kit_test_output) - 1 - kit_test_output_len;

	if (getenv("KIT_TEST_VERBOSE"))
		fwrite(s, 1, len, stderr);
	if (len > room)
		len = room;
	memcpy(kit_test_output + kit_test_output_len, s, len);
	kit_test_output_len += len;
	kit_test_output[kit_test_output_len] = '\0';
}

void klib_port_panic(void)
{
	if (kit_test_panic_jmp)
		longjmp(*kit_test_panic_jmp, 1);
	/* An unexpected panic: show what it said and fail the test binary. */
	fprintf(stderr, "unexpected panic; console output:\n%s\n", kit_test_output);
	abort();
}
