/*
 * The boot loader's hand-over on the host (hal/boot.h): the command line is
 * the environment variable KIT_CMDLINE, the initrd the file KIT_INITRD
 * names, read into memory once at start-up (host_boot_init). Both stay put
 * for the life of the process. Boot entropy is the host's getrandom(2).
 */
#include <errno.h>
#include <hal/boot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include "host.h"

static const char *cmdline = "";
static void *initrd;
static size_t initrd_size;

/* The whole of a file (a pipe too: it is read to the end); NULL with errno set. */
static void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 0, len = 0, n;
	char *buf = NULL, *grown;

	if (!f)
		return NULL;
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 1 << 16;
			if (!(grown = realloc(buf, cap))) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = grown;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		int e = errno ? errno : EIO;

		free(buf);
		fclose(f);
		errno = e;
		return NULL;
	}
	fclose(f);
	*size = len;
	return buf;
}

void host_boot_init(void)
{
	const char *c = getenv("KIT_CMDLINE"), *path = getenv("KIT_INITRD");

	if (c && !(cmdline = strdup(c))) {
		fprintf(stderr, "host: no memory for KIT_CMDLINE\n");
		exit(2);
	}
	if (!path || !*path)
		return;
	if (!(initrd = read_file(path, &initrd_size)))
		fprintf(stderr, "host: KIT_INITRD=%s: %s: running without an initrd\n", path,
		        strerror(errno));
}

const char *hal_boot_cmdline(void)
{
	return cmdline;
}

int hal_boot_initrd(const void **data, size_t *size)
{
	if (!initrd)
		return -ENOENT;
	*data = initrd;
	*size = initrd_size;
	return 0;
}

size_t hal_boot_entropy(void *buf, size_t len)
{
	ssize_t n;

	/* Non-blocking: a host that is not seeded yet gives nothing rather than stall the boot. */
	do
		n = getrandom(buf, len, GRND_NONBLOCK);
	while (n < 0 && errno == EINTR);
	return n < 0 ? 0 : (size_t)n;
}
