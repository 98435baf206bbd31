/*
 * The file system type, mount options, statfs, and inodes' birth and
 * death (shmem_fill_super, shmem_parse_one, shmem_statfs, shmem_get_inode).
 */
#include <klib/errno.h>
#include <klib/printf.h>
#include <klib/string.h>
#include "tmpfs_internal.h"

struct opts {
	uint64_t blocks, inodes;
	uint32_t mode, uid, gid;
};

bool tmpfs_charge(uint64_t *used, uint64_t max, uint64_t n)
{
	uint64_t old = __atomic_load_n(used, __ATOMIC_RELAXED);

	do {
		if (max && (old + n > max || old + n < old))
			return false;
	} while (!__atomic_compare_exchange_n(used, &old, old + n, false, __ATOMIC_RELAXED,
	                                      __ATOMIC_RELAXED));
	return true;
}

void tmpfs_uncharge(uint64_t *used, uint64_t n)
{
	__atomic_fetch_sub(used, n, __ATOMIC_RELAXED);
}

/* Every mount's pages together: what Linux counts as the tmpfs part of Shmem. */
static uint64_t all_blocks;

bool tmpfs_charge_blocks(struct tmpfs_sb *ts, uint64_t n)
{
	if (!tmpfs_charge(&ts->used_blocks, ts->max_blocks, n))
		return false;
	__atomic_fetch_add(&all_blocks, n, __ATOMIC_RELAXED);
	return true;
}

void tmpfs_uncharge_blocks(struct tmpfs_sb *ts, uint64_t n)
{
	tmpfs_uncharge(&ts->used_blocks, n);
	__atomic_fetch_sub(&all_blocks, n, __ATOMIC_RELAXED);
}

uint64_t tmpfs_pages_used(void)
{
	return __atomic_load_n(&all_blocks, __ATOMIC_RELAXED);
}

/* memparse: a number with an optional k/m/g suffix (and % for size). */
static int parse_amount(const char *v, bool percent, uint64_t *bytes, bool *is_percent)
{
	unsigned long long n;
	const char *end;
	unsigned shift = 0;

	if (kstrtou64(v, 0, &n, &end) < 0)
		return -EINVAL;
	*is_percent = false;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	case '%':
		if (!percent || n > 100)
			return -EINVAL;
		*is_percent = true;
		end++;
		break;
	}
	if (*end || (shift && n > (~0ull >> shift)))
		return -EINVAL;
	*bytes = n << shift;
	return 0;
}

static int parse_id(const char *v, uint32_t *out, int base)
{
	unsigned long long n;

	if (kstrtou64(v, base, &n, NULL) < 0 || n > 0xffffffffull)
		return -EINVAL;
	*out = (uint32_t)n;
	return 0;
}

static int parse_one(struct opts *o, char *key)
{
	char *v = strchr(key, '=');
	uint64_t ram = page_total_count(), n;
	bool pct;

	if (!v)
		return -EINVAL;
	*v++ = '\0';
	if (strcmp(key, "size") == 0) {
		if (parse_amount(v, true, &n, &pct) < 0)
			return -EINVAL;
		o->blocks = pct ? (ram * n + 99) / 100 : (n + PAGE_SIZE - 1) / PAGE_SIZE;
		if (n && !o->blocks)
			o->blocks = 1;
		return 0;
	}
	if (strcmp(key, "nr_inodes") == 0)
		return parse_amount(v, false, &o->inodes, &pct);
	if (strcmp(key, "mode") == 0)
		return parse_id(v, &o->mode, 8) < 0 || o->mode > 07777 ? -EINVAL : 0;
	if (strcmp(key, "uid") == 0)
		return parse_id(v, &o->uid, 10);
	if (strcmp(key, "gid") == 0)
		return parse_id(v, &o->gid, 10);
	return -EINVAL;
}

/* The limits of a mount without size= and nr_inodes= (shmem_default_max_blocks, _inodes). */
static uint64_t default_blocks(void)
{
	return (page_total_count() * CONFIG_TMPFS_SIZE_PERCENT + 99) / 100;
}

static uint64_t default_inodes(void)
{
	return page_total_count() / 2;
}

static int parse_options(const char *options, struct opts *o)
{
	char *buf, *s;
	int rc = 0;

	*o = (struct opts){.blocks = default_blocks(), .inodes = default_inodes(), .mode = 01777};
	if (!options || !*options)
		return 0;
	if (!(buf = kmalloc(strlen(options) + 1)))
		return -ENOMEM;
	memcpy(buf, options, strlen(options) + 1);
	for (s = buf; rc == 0 && s;) {
		char *comma = strchr(s, ',');

		if (comma)
			*comma = '\0';
		if (*s)
			rc = parse_one(o, s);
		s = comma ? comma + 1 : NULL;
	}
	kfree(buf);
	return rc;
}

int tmpfs_inode_new(struct vfs_sb *sb, uint32_t mode, struct tmpfs_inode **out)
{
	struct tmpfs_sb *ts = sb->priv;
	const struct vfs_inode_ops *ops = &tmpfs_special_ops;
	const struct vfs_file_ops *fops = NULL;
	struct tmpfs_inode *ti;
	int rc;

	if (!tmpfs_charge(&ts->used_inodes, ts->max_inodes, 1))
		return -ENOSPC;
	if (!(ti = kzalloc(sizeof(*ti)))) {
		tmpfs_uncharge(&ts->used_inodes, 1);
		return -ENOMEM;
	}
	if (VFS_S_ISDIR(mode)) {
		ops = &tmpfs_dir_ops;
		fops = &tmpfs_dir_fops;
	} else if (VFS_S_ISREG(mode)) {
		ops = &tmpfs_file_ops;
		fops = &tmpfs_file_fops;
		if (!(ti->file.pages_lock = vfs_lock_new("tmpfs_pages"))) {
			rc = -ENOMEM;
			goto fail;
		}
	} else if (VFS_S_ISLNK(mode)) {
		ops = &tmpfs_link_ops;
	}
	rc = vfs_inode_init(&ti->v, sb, __atomic_add_fetch(&ts->next_ino, 1, __ATOMIC_RELAXED),
	                    mode, ops, fops);
	if (rc == 0) {
		*out = ti;
		return 0;
	}
	vfs_lock_free(ti->file.pages_lock);
fail:
	kfree(ti);
	tmpfs_uncharge(&ts->used_inodes, 1);
	return rc;
}

void tmpfs_destroy_inode(struct vfs_inode *inode)
{
	struct tmpfs_inode *ti = TI(inode);
	struct tmpfs_sb *ts = TSB(inode);

	if (VFS_S_ISDIR(inode->mode)) {
		tmpfs_dir_destroy(ti);
	} else if (VFS_S_ISREG(inode->mode)) {
		tmpfs_file_destroy(ti);
		vfs_lock_free(ti->file.pages_lock);
	} else if (VFS_S_ISLNK(inode->mode)) {
		if (inode->blocks) /* a long target's page */
			tmpfs_uncharge_blocks(ts, 1);
		kfree(ti->link.target);
	}
	tmpfs_uncharge(&ts->used_inodes, 1);
	vfs_inode_fini(inode);
	kfree(ti);
}

static int tmpfs_statfs(struct vfs_sb *sb, struct vfs_statfs *out)
{
	struct tmpfs_sb *ts = sb->priv;
	uint64_t used = __atomic_load_n(&ts->used_blocks, __ATOMIC_RELAXED);
	uint64_t inodes = __atomic_load_n(&ts->used_inodes, __ATOMIC_RELAXED);

	out->bsize = out->frsize = PAGE_SIZE;
	out->namelen = VFS_NAME_MAX;
	if (ts->max_blocks) {
		out->blocks = ts->max_blocks;
		out->bfree = out->bavail = ts->max_blocks > used ? ts->max_blocks - used : 0;
	}
	if (ts->max_inodes) {
		out->files = ts->max_inodes;
		out->ffree = ts->max_inodes > inodes ? ts->max_inodes - inodes : 0;
	}
	return 0;
}

static void tmpfs_put_super(struct vfs_sb *sb)
{
	kfree(sb->priv);
	sb->priv = NULL;
}

static void show(vfs_sink_t sink, void *ctx, const char *fmt, unsigned long long v)
{
	char buf[48];
	int n = ksnprintf(buf, sizeof(buf), fmt, v);

	sink(ctx, buf, (size_t)n);
}

/* shmem_show_options: what differs from the defaults; inode numbers are 64-bit. */
static void tmpfs_show_options(struct vfs_sb *sb, vfs_sink_t sink, void *ctx)
{
	const struct tmpfs_sb *ts = sb->priv;

	if (ts->max_blocks != default_blocks())
		show(sink, ctx, ",size=%lluk", ts->max_blocks * (PAGE_SIZE / 1024));
	if (ts->max_inodes != default_inodes())
		show(sink, ctx, ",nr_inodes=%llu", ts->max_inodes);
	if (ts->mode != 01777)
		show(sink, ctx, ",mode=%03llo", ts->mode);
	if (ts->uid)
		show(sink, ctx, ",uid=%llu", ts->uid);
	if (ts->gid)
		show(sink, ctx, ",gid=%llu", ts->gid);
	sink(ctx, ",inode64", 8);
}

static const struct vfs_sb_ops tmpfs_sb_ops = {
    .destroy_inode = tmpfs_destroy_inode,
    .statfs = tmpfs_statfs,
    .put_super = tmpfs_put_super,
    .show_options = tmpfs_show_options,
};

static int tmpfs_fill_super(struct vfs_sb *sb, const char *options)
{
	struct tmpfs_sb *ts = kzalloc(sizeof(*ts));
	struct tmpfs_inode *root;
	struct opts o;
	int rc;

	if (!ts)
		return -ENOMEM;
	if ((rc = parse_options(options, &o)) < 0) {
		kfree(ts);
		return rc;
	}
	ts->max_blocks = o.blocks;
	ts->max_inodes = o.inodes;
	ts->mode = o.mode;
	ts->uid = o.uid;
	ts->gid = o.gid;
	sb->priv = ts;
	sb->ops = &tmpfs_sb_ops;
	sb->magic = TMPFS_MAGIC;
	if ((rc = tmpfs_inode_new(sb, VFS_S_IFDIR | o.mode, &root)) < 0) {
		kfree(ts);
		sb->priv = NULL;
		return rc;
	}
	root->v.uid = o.uid;
	root->v.gid = o.gid;
	tmpfs_dir_init(root, root);
	sb->root = &root->v;
	return 0;
}

static struct vfs_fstype tmpfs_type = {
    .name = "tmpfs",
    .fill_super = tmpfs_fill_super,
};

int tmpfs_register(void)
{
	return vfs_register_fs(&tmpfs_type);
}
