/* The drivers' registration and the nodes of /dev. */
#include <klib/errno.h>
#include <klib/printf.h>
#include <page-alloc/page_alloc.h>
#include "devfs_internal.h"

struct node {
	const char *name;
	uint32_t major, minor, mode;
	const struct vfs_file_ops *fops;
};

/* Linux's numbers (Documentation/admin-guide/devices.txt) and devtmpfs's modes. */
static const struct node nodes[] = {
    {"null", 1, 3, 0666, &devfs_null_fops},       {"zero", 1, 5, 0666, &devfs_zero_fops},
    {"full", 1, 7, 0666, &devfs_full_fops},       {"random", 1, 8, 0666, &devfs_random_fops},
    {"urandom", 1, 9, 0666, &devfs_random_fops},  {"tty", 5, 0, 0666, &devfs_console_fops},
    {"console", 5, 1, 0600, &devfs_console_fops},
};

int devfs_init(void (*random)(void *buf, size_t len))
{
	int rc;

	devfs_random = random;
	if ((rc = devfs_tty_init()) < 0)
		return rc;
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
		if ((rc = vfs_chrdev_register(nodes[i].major, nodes[i].minor, 1, nodes[i].fops)) <
		    0)
			return rc;
	return 0;
}

int devfs_populate(struct vfs_fs *fs, const char *dir, const struct vfs_cred *cr)
{
	char *path = kmalloc(VFS_PATH_MAX);
	uint32_t umask;
	int rc = 0;

	if (!path)
		return -ENOMEM;
	umask = vfs_fs_umask(fs, 0); /* devtmpfs's modes, whatever the umask */

	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]) && rc == 0; i++) {
		const struct node *n = &nodes[i];

		if ((size_t)ksnprintf(path, VFS_PATH_MAX, "%s/%s", dir, n->name) >= VFS_PATH_MAX) {
			rc = -ENAMETOOLONG;
			break;
		}
		rc = vfs_mknod(fs, NULL, path, VFS_S_IFCHR | n->mode, VFS_MKDEV(n->major, n->minor),
		               cr);
		if (rc == -EEXIST)
			rc = 0;
	}
	vfs_fs_umask(fs, umask);
	kfree(path);
	return rc;
}

void devfs_fini(void)
{
	devfs_tty_fini();
}
