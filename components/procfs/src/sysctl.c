/*
 * /proc/sys: the registered sysctls as a tree of directories (named by
 * their paths, listed in name order as Linux's rbtree lists them), read
 * and written with Linux 6.12's rules (kernel/sysctl.c proc_dointvec,
 * proc_dointvec_minmax, proc_doulongvec_minmax, proc_dostring with
 * sysctl_writes_strict = 1; fs/proc/proc_sysctl.c proc_sys_call_handler,
 * sysctl_perm).
 */
#include <klib/errno.h>
#include <klib/printf.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include "procfs_internal.h"

#define TMPBUFLEN 22          /* proc_get_long's buffer */
#define WRITE_MAX (4ul << 20) /* a write this large is -ENOMEM (KMALLOC_MAX_SIZE) */
#define INT_MAX_  0x7fffffffl

static const struct procfs_sysctl **table;
static size_t nsysctls, cap;

/* "dir/.../name": components that are not empty. */
static bool path_ok(const char *path)
{
	const char *slash = strchr(path, '/');

	if (!slash || path[0] == '/' || path[strlen(path) - 1] == '/')
		return false;
	for (; *path; path++)
		if (path[0] == '/' && path[1] == '/')
			return false;
	return true;
}

static const struct procfs_sysctl *find(const char *path)
{
	for (size_t i = 0; i < nsysctls; i++)
		if (strcmp(table[i]->path, path) == 0)
			return table[i];
	return NULL;
}

int procfs_sysctl_register(const struct procfs_sysctl *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!path_ok(t[i].path) || !t[i].get || !t[i].set ||
		    (t[i].kind == PROCFS_SYSCTL_STRING && t[i].maxlen < 1))
			return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (find(t[i].path))
			return -EEXIST;
	if (nsysctls + n > cap) {
		size_t ncap = MAX(cap * 2, nsysctls + n + 16);
		const struct procfs_sysctl **nt = kcalloc(ncap, sizeof(*nt));

		if (!nt)
			return -ENOMEM;
		memcpy(nt, table, nsysctls * sizeof(*nt));
		kfree(table);
		table = nt;
		cap = ncap;
	}
	for (size_t i = 0; i < n; i++)
		table[nsysctls++] = &t[i];
	return 0;
}

void pfs_sysctl_fini(void)
{
	kfree(table);
	table = NULL;
	nsysctls = cap = 0;
}

/* The part of path below dir (the empty string: the top), or NULL if it is not below. */
static const char *below(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 0)
		return path;
	return strncmp(path, dir, n) == 0 && path[n] == '/' ? path + n + 1 : NULL;
}

static size_t first_len(const char *rest)
{
	const char *slash = strchr(rest, '/');

	return slash ? (size_t)(slash - rest) : strlen(rest);
}

static int name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = strncmp(a, b, MIN(alen, blen));

	return c ? c : (alen > blen) - (alen < blen);
}

/*
 * The child of dir that comes right after (name, len) in name order (NULL
 * name: the first): its name in *out (*olen bytes), and whether it is a directory.
 */
static bool next_child(const char *dir, const char *name, size_t len, const char **out,
                       size_t *olen, bool *is_dir)
{
	bool found = false;

	for (size_t i = 0; i < nsysctls; i++) {
		const char *rest = below(table[i]->path, dir);
		size_t n;

		if (!rest)
			continue;
		n = first_len(rest);
		if (name && name_cmp(rest, n, name, len) <= 0)
			continue;
		if (!found || name_cmp(rest, n, *out, *olen) < 0) {
			*out = rest;
			*olen = n;
			*is_dir = rest[n] == '/';
			found = true;
		} else if (name_cmp(rest, n, *out, *olen) == 0 && rest[n] == '/') {
			*is_dir = true;
		}
	}
	return found;
}

static uint64_t child_ino(const struct pfs_inode *dir, const char *name, size_t len)
{
	uint64_t h = dir->v.ino ^ 0x5c5c5c5cull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 0x100000001b3ull;
	return h | 0x100;
}

long pfs_sysctl_readdir(struct pfs_inode *dir, uint64_t *pos, vfs_filldir_t emit, void *ctx)
{
	const char *name = NULL;
	size_t len = 0;
	uint64_t i = 2;
	bool is_dir;
	long n = 0;

	while (next_child(dir->sysdir, name, len, &name, &len, &is_dir)) {
		if (i++ < *pos)
			continue;
		if (!emit(ctx, name, len, child_ino(dir, name, len), is_dir ? 4 : 8, i))
			break;
		*pos = i;
		n++;
	}
	return n;
}

static const struct pfs_entry sysctl_dir = {
    .name = "", .mode = VFS_S_IFDIR | 0555, .kind = PFS_SYSCTL_DIR};
static const struct pfs_entry sysctl_file = {.name = "", .mode = VFS_S_IFREG, .kind = PFS_SYSCTL};

int pfs_sysctl_lookup(struct pfs_inode *dir, const char *name, struct pfs_inode **out)
{
	size_t dlen = strlen(dir->sysdir), nlen = strlen(name);
	char *path = kmalloc(dlen + nlen + 2);
	const struct procfs_sysctl *sc;
	bool is_dir = false;
	int rc;

	if (!path)
		return -ENOMEM;
	ksnprintf(path, dlen + nlen + 2, dlen ? "%s/%s" : "%s%s", dir->sysdir, name);
	if (!(sc = find(path)))
		for (size_t i = 0; i < nsysctls && !is_dir; i++)
			is_dir = below(table[i]->path, path) != NULL;
	if (!sc && !is_dir) {
		kfree(path);
		return -ENOENT;
	}
	if ((rc = pfs_inode_new(dir->v.sb, sc ? &sysctl_file : &sysctl_dir, 0,
	                        child_ino(dir, name, nlen), out)) < 0) {
		kfree(path);
		return rc;
	}
	if (sc) {
		(*out)->sc = sc;
		(*out)->v.mode = VFS_S_IFREG | (sc->mode & 07777);
		kfree(path);
	} else {
		(*out)->sysdir = path;
	}
	return 0;
}

static bool in_root_group(const struct vfs_cred *cr)
{
	if (cr->gid == 0)
		return true;
	for (size_t i = 0; i < cr->ngroups; i++)
		if (cr->groups[i] == 0)
			return true;
	return false;
}

/* test_perm over the sysctl's mode (ipc_permissions for admin_writable). */
static int test_perm(uint32_t mode, unsigned mask, const struct vfs_cred *cr)
{
	if (cr->uid == 0)
		mode >>= 6;
	else if (in_root_group(cr))
		mode >>= 3;
	return (mask & ~mode & 7) ? -EACCES : 0;
}

int pfs_sysctl_permission(struct pfs_inode *pi, unsigned mask, const struct vfs_cred *cr)
{
	uint32_t mode = 0555;

	if (pi->sc) {
		if (mask & VFS_MAY_EXEC)
			return -EACCES; /* nothing under /proc/sys runs */
		mode = pi->sc->mode;
		if (pi->sc->admin_writable && (cr->caps & VFS_CAP_SYS_ADMIN))
			mode = 0666;
	}
	return test_perm(mode, mask, cr);
}

/* ---- Values as text ---- */

static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* proc_get_long: a number ending at a blank or at the end; 21 characters at most. */
static int get_long(const char **buf, size_t *size, unsigned long long *val, bool *neg)
{
	char tmp[TMPBUFLEN];
	size_t len = MIN(*size, (size_t)TMPBUFLEN - 1);
	const char *p = tmp, *end;

	if (*size == 0)
		return -EINVAL;
	memcpy(tmp, *buf, len);
	tmp[len] = '\0';
	*neg = *p == '-' && *size > 1;
	if (*neg)
		p++;
	if (*p < '0' || *p > '9' || kstrtou64(p, 0, val, &end) < 0)
		return -EINVAL;
	len = (size_t)(end - tmp);
	if (len == TMPBUFLEN - 1)
		return -EINVAL;
	if (len < *size && *end != ' ' && *end != '\t' && *end != '\n')
		return -EINVAL;
	*buf += len;
	*size -= len;
	return 0;
}

/* The one number of an INT or ULONG write, checked: 0 and *v, or -EINVAL. */
static int parse_number(const struct procfs_sysctl *sc, const char **p, size_t *left, long *v)
{
	unsigned long long lval;
	bool neg;
	int rc;

	while (*left && is_space(**p))
		(*p)++, (*left)--;
	if (!*left)
		return -EINVAL;
	if ((rc = get_long(p, left, &lval, &neg)) < 0)
		return rc;
	if (sc->kind == PROCFS_SYSCTL_ULONG) {
		if (neg ||
		    (sc->range && (lval < (unsigned long)sc->min || lval > (unsigned long)sc->max)))
			return -EINVAL;
		*v = (long)lval;
		return 0;
	}
	if (lval > (unsigned long long)INT_MAX_ + (neg ? 1 : 0))
		return -EINVAL;
	*v = neg ? -(long)lval : (long)lval;
	if (sc->range && (*v < sc->min || *v > sc->max))
		return -EINVAL;
	return 0;
}

/* __do_proc_dointvec / __do_proc_doulongvec_minmax for one value: the bytes taken. */
static long write_number(const struct procfs_sysctl *sc, const char *buf, size_t len, uint64_t pos)
{
	size_t left = MIN(len, (size_t)PAGE_SIZE - 1);
	const char *p = buf;
	long v;
	int rc;

	if (pos)
		return (long)len; /* sysctl_writes_strict: a write past 0 is ignored */
	if ((rc = parse_number(sc, &p, &left, &v)) < 0 || (rc = sc->set(sc->ctx, &v)) < 0)
		return rc;
	while (left && is_space(*p))
		p++, left--;
	return (long)(len - left);
}

static long read_number(const struct procfs_sysctl *sc, char *out, size_t size)
{
	long v;
	int rc;

	if ((rc = sc->get(sc->ctx, &v)) < 0)
		return rc;
	if (sc->kind == PROCFS_SYSCTL_ULONG)
		return ksnprintf(out, size, "%lu\n", (unsigned long)v);
	return ksnprintf(out, size, "%ld\n", v);
}

/* _proc_do_string, strict: writing at pos continues the string from there. */
static long write_string(const struct procfs_sysctl *sc, const char *buf, size_t n, uint64_t pos)
{
	char *data = kzalloc(sc->maxlen + 1);
	size_t len;
	long rc;

	if (!data)
		return -ENOMEM;
	if ((rc = sc->get(sc->ctx, data)) < 0)
		goto out;
	len = MIN(strlen(data), sc->maxlen - 1);
	rc = (long)n;
	if (pos > len)
		goto out;
	len = (size_t)pos;
	for (const char *p = buf; (size_t)(p - buf) < n && len < sc->maxlen - 1; p++) {
		if (*p == '\0' || *p == '\n')
			break;
		data[len++] = *p;
	}
	data[len] = '\0';
	if ((rc = sc->set(sc->ctx, data)) == 0)
		rc = (long)n;
out:
	kfree(data);
	return rc;
}

/* The text a read at pos gets, at most size bytes: its length (0 past the end). */
static long read_value(const struct procfs_sysctl *sc, char *out, size_t size, uint64_t pos)
{
	char *data;
	size_t len;
	long rc;

	if (sc->kind != PROCFS_SYSCTL_STRING) {
		char text[32];

		if (pos || (rc = read_number(sc, text, sizeof(text))) < 0)
			return pos ? 0 : rc;
		len = MIN((size_t)rc, size);
		memcpy(out, text, len);
		return (long)len;
	}
	if (!(data = kzalloc(sc->maxlen + 1)))
		return -ENOMEM;
	if ((rc = sc->get(sc->ctx, data)) == 0) {
		len = MIN(strlen(data), sc->maxlen);
		if (pos > len) {
			rc = 0;
		} else {
			rc = (long)MIN(len - (size_t)pos, size);
			memcpy(out, data + pos, (size_t)rc);
			if ((size_t)rc < size)
				out[rc++] = '\n';
		}
	}
	kfree(data);
	return rc;
}

static long sysctl_read(struct vfs_file *f, struct vfs_iter *it, uint64_t *pos)
{
	const struct procfs_sysctl *sc = PI(f->inode)->sc;
	size_t size = MIN(it->len, (size_t)PAGE_SIZE);
	char *buf;
	long rc;

	if (it->bad)
		return it->bad;
	if (!it->len)
		return 0;
	if (it->len >= WRITE_MAX)
		return -ENOMEM;
	if (!(buf = kmalloc(size)))
		return -ENOMEM;
	if ((rc = read_value(sc, buf, size, *pos)) > 0 &&
	    it->copy(it, 0, buf, (size_t)rc, true) < 0)
		rc = -EFAULT;
	if (rc > 0)
		*pos += (uint64_t)rc;
	kfree(buf);
	return rc;
}

static long sysctl_write(struct vfs_file *f, struct vfs_iter *it, uint64_t *pos,
                         const struct vfs_cred *cr, bool *xfsz)
{
	struct pfs_inode *pi = PI(f->inode);
	const struct procfs_sysctl *sc = pi->sc;
	char *buf;
	long rc;

	(void)xfsz;
	/* The caller's right may have gone since open (a setuid): EPERM then. */
	if (pfs_sysctl_permission(pi, VFS_MAY_WRITE, cr) < 0)
		return -EPERM;
	if (it->len >= WRITE_MAX)
		return -ENOMEM;
	if (!(buf = kmalloc(it->len + 1)))
		return -ENOMEM;
	if (it->copy(it, 0, buf, it->len, false) < 0) {
		kfree(buf);
		return -EFAULT;
	}
	buf[it->len] = '\0';
	if (!it->len)
		rc = 0;
	else if (sc->kind == PROCFS_SYSCTL_STRING)
		rc = write_string(sc, buf, it->len, *pos);
	else
		rc = write_number(sc, buf, it->len, *pos);
	kfree(buf);
	if (rc > 0)
		*pos += sc->kind == PROCFS_SYSCTL_STRING ? it->len : (uint64_t)rc;
	return rc;
}

const struct vfs_file_ops pfs_sysctl_fops = {
    .read = sysctl_read,
    .write = sysctl_write,
    .llseek = pfs_llseek, /* as seq files: set or move the offset */
};
