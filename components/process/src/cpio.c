/*
 * cpio newc reader. The format is all ASCII hex and 4-byte padding; the only
 * traps are sizes that point past the end and names that are not terminated,
 * and each is checked before it is used.
 */
#include <process/cpio.h>
#include <klib/compiler.h>
#include <klib/errno.h>
#include <klib/string.h>

#define HDR_SIZE 110
#define TRAILER  "TRAILER!!!"

/* Field i (0..12) of the header: ino, mode, uid, gid, nlink, mtime,
 * filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check. */
enum {
	F_INO,
	F_MODE,
	F_UID,
	F_GID,
	F_NLINK,
	F_MTIME,
	F_SIZE,
	F_RDEVMAJOR = 9,
	F_RDEVMINOR,
	F_NAMESIZE,
	F_CHECK
};

static int hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;

	/* Digits, then either case of a-f (c | 0x20 makes 'A' 'a'); unsigned: below is huge. */
	for (int i = 0; i < 8; i++) {
		uint32_t c = p[i], d = c - '0';

		if (d > 9) {
			d = (c | 0x20) - 'a';
			if (d > 5)
				return -EINVAL;
			d += 10;
		}
		v = (v << 4) | d;
	}
	*out = v;
	return 0;
}

void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t size)
{
	it->base = archive;
	it->size = archive ? size : 0;
	it->off = 0;
	it->done = false;
	it->why = NULL;
}

static int bad(struct cpio_iter *it, const char *why)
{
	it->why = why;
	return -EINVAL;
}

/* 070702 archives carry the sum of the data bytes. */
static uint32_t data_sum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

int cpio_next(struct cpio_iter *it, struct cpio_entry *e)
{
	uint32_t f[13];
	const uint8_t *h;

	if (it->why)
		return -EINVAL;
	if (it->done)
		return 0;
	if (it->size - it->off < HDR_SIZE)
		return bad(it, "archive ends inside a header (no TRAILER!!!)");
	h = it->base + it->off;
	if (memcmp(h, "07070", 5) != 0 || (h[5] != '1' && h[5] != '2'))
		return bad(it, "bad header magic (not a newc cpio archive)");
	for (int i = 0; i < 13; i++)
		if (hex8(h + 6 + 8 * i, &f[i]) < 0)
			return bad(it, "header field is not hexadecimal");

	size_t name_off = it->off + HDR_SIZE, namesize = f[F_NAMESIZE];
	if (namesize == 0 || it->size - name_off < namesize)
		return bad(it, "entry name runs past the end of the archive");
	/* The name ends at its first NUL; more may pad it to its size, which puts the data where
	 * the archive's maker wants it (page-aligned: scripts/mkinitrd.py), as Linux's unpacker
	 * allows: it only checks the last byte. */
	const char *name = (const char *)it->base + name_off;
	if (name[namesize - 1] != '\0')
		return bad(it, "entry name is not NUL-terminated where its size says");

	size_t data_off = ALIGN_UP(name_off + namesize, 4);
	if (data_off > it->size || it->size - data_off < f[F_SIZE])
		return bad(it, "entry data runs past the end of the archive");
	if (h[5] == '2' && data_sum(it->base + data_off, f[F_SIZE]) != f[F_CHECK])
		return bad(it, "entry data does not match its checksum");
	if (strcmp(name, TRAILER) == 0) {
		it->done = true;
		return 0;
	}

	*e = (struct cpio_entry){
	    .name = name,
	    .data = it->base + data_off,
	    .size = f[F_SIZE],
	    .mode = f[F_MODE],
	    .uid = f[F_UID],
	    .gid = f[F_GID],
	    .nlink = f[F_NLINK],
	    .mtime = f[F_MTIME],
	    .ino = f[F_INO],
	    .rdev_major = f[F_RDEVMAJOR],
	    .rdev_minor = f[F_RDEVMINOR],
	};
	/* The next header starts 4-aligned after the data. next <= size, and
	 * an archive in memory is far below SIZE_MAX, so this cannot wrap. */
	size_t next = data_off + f[F_SIZE];
	it->off = MIN(ALIGN_UP(next, 4), it->size);
	return 1;
}

static const char *strip(const char *p)
{
	for (;;) {
		if (p[0] == '/')
			p++;
		else if (p[0] == '.' && p[1] == '/')
			p += 2;
		else
			return p;
	}
}

int cpio_find(const void *archive, size_t size, const char *path, struct cpio_entry *e,
              const char **why)
{
	struct cpio_iter it;
	struct cpio_entry cur;
	int r;

	if (why)
		*why = NULL;
	if (!path || !e)
		return -EINVAL;
	cpio_iter_init(&it, archive, size);
	path = strip(path);
	while ((r = cpio_next(&it, &cur)) > 0) {
		if (strcmp(strip(cur.name), path) == 0) {
			*e = cur;
			return 0;
		}
	}
	if (r < 0 && why)
		*why = it.why;
	return r < 0 ? r : -ENOENT;
}
