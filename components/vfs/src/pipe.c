/*
 * Pipes and FIFOs, after Linux's fs/pipe.c: a ring of page buffers with
 * free-running head and tail slot numbers, readers and writers counted,
 * one mutex ("vfs_pipe") held across the user copies, and one wait object
 * every sleeper (reader, writer, FIFO opener) waits on. Each check and
 * its order is Linux's (pipe_read, pipe_write, pipe_poll, fifo_open,
 * pipe_release, pipe_set_size), so that what a program sees -- short
 * counts, EAGAIN, merging, EOF, EPIPE -- is what it sees on Linux.
 */
#include <klib/errno.h>
#include <klib/printf.h>
#include <klib/string.h>
#include <page-alloc/page_alloc.h>
#include <vfs/pipe.h>
#include <vfs/poll.h>
#include "vfs_internal.h"

struct pipe_buf {
	uint8_t *page;
	uint32_t offset, len;
	bool packet; /* written in O_DIRECT mode: never merged, read whole */
};

struct vfs_pipe {
	void *lock; /* "vfs_pipe": everything below */
	void *wait; /* readers, writers and FIFO openers */
	struct vfs_poll_head poll;
	struct pipe_buf *bufs;
	unsigned slots; /* a power of two: capacity in pages (max_usage = ring_size) */
	unsigned head, tail;
	unsigned readers, writers;
	unsigned r_counter, w_counter; /* opens so far (FIFO partners) */
	unsigned files;                /* open files; guarded by the inode's lock */
	uint8_t *spare;                /* a page a reader freed, for the next write */
};

static unsigned pow2_at_least(unsigned long n)
{
	unsigned p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

static struct vfs_pipe *pipe_new(void)
{
	struct vfs_pipe *pp = kzalloc(sizeof(*pp));

	if (!pp)
		return NULL;
	pp->slots = pow2_at_least(CONFIG_VFS_PIPE_PAGES);
	pp->lock = vfs_lock_new("vfs_pipe");
	pp->wait = vfs_wait_new();
	pp->bufs = kcalloc(pp->slots, sizeof(*pp->bufs));
	if (!pp->lock || !pp->wait || !pp->bufs || vfs_poll_head_init(&pp->poll) < 0) {
		vfs_lock_free(pp->lock);
		vfs_wait_free(pp->wait);
		kfree(pp->bufs);
		kfree(pp);
		return NULL;
	}
	return pp;
}

static void pipe_free(struct vfs_pipe *pp)
{
	for (unsigned t = pp->tail; t != pp->head; t++)
		kfree(pp->bufs[t & (pp->slots - 1)].page);
	kfree(pp->spare);
	kfree(pp->bufs);
	vfs_poll_head_fini(&pp->poll);
	vfs_wait_free(pp->wait);
	vfs_lock_free(pp->lock);
	kfree(pp);
}

static bool pipe_empty(const struct vfs_pipe *pp)
{
	return pp->head == pp->tail;
}

static bool pipe_full(const struct vfs_pipe *pp)
{
	return pp->head - pp->tail >= pp->slots;
}

/* Something changed for readers, writers and pollers. */
static void pipe_wake(struct vfs_pipe *pp)
{
	vfs_wake(pp->wait);
	vfs_poll_wake(&pp->poll);
}

static long pipe_read(struct vfs_file *f, struct vfs_iter *it, uint64_t *pos)
{
	struct vfs_pipe *pp = f->priv;
	size_t total = it->len, done = 0;
	long rc = 0;

	(void)pos;
	if (total == 0)
		return 0;
	vfs_lock(pp->lock);
	for (;;) {
		if (!pipe_empty(pp)) {
			struct pipe_buf *b = &pp->bufs[pp->tail & (pp->slots - 1)];
			size_t n = b->len < total - done ? b->len : total - done;

			if (it->copy(it, done, b->page + b->offset, n, true) < 0) {
				rc = -EFAULT;
				break;
			}
			done += n;
			b->offset += (uint32_t)n;
			b->len -= (uint32_t)n;
			if (b->packet) { /* the rest of a packet goes with it */
				b->len = 0;
				total = done;
			}
			if (b->len == 0) {
				if (pp->spare)
					kfree(b->page);
				else
					pp->spare = b->page;
				b->page = NULL;
				pp->tail++;
				pipe_wake(pp);
			}
			if (done == total)
				break;
			if (!pipe_empty(pp))
				continue;
		}
		if (!pp->writers || done)
			break;
		if (vfs_file_flags(f) & VFS_O_NONBLOCK) {
			rc = -EAGAIN;
			break;
		}
		if (vfs_wait(pp->wait, pp->lock, VFS_WAIT_FOREVER) == -EINTR) {
			rc = -ERESTARTSYS;
			break;
		}
	}
	vfs_unlock(pp->lock);
	return done ? (long)done : rc;
}

/* Linux merges only the sub-page tail of a write, and only whole, into the last buffer. */
static int pipe_merge(struct vfs_pipe *pp, struct vfs_iter *it, size_t *done, bool packet)
{
	size_t chars = it->len & (PAGE_SIZE - 1);
	struct pipe_buf *b;

	if (!chars || pipe_empty(pp) || packet)
		return 0;
	b = &pp->bufs[(pp->head - 1) & (pp->slots - 1)];
	if (b->packet || b->offset + b->len + chars > PAGE_SIZE)
		return 0;
	if (it->copy(it, 0, b->page + b->offset + b->len, chars, false) < 0)
		return -EFAULT;
	b->len += (uint32_t)chars;
	*done = chars;
	return 0;
}

static long pipe_write(struct vfs_file *f, struct vfs_iter *it, uint64_t *pos,
                       const struct vfs_cred *cr, bool *xfsz)
{
	struct vfs_pipe *pp = f->priv;
	bool packet = vfs_file_flags(f) & VFS_O_DIRECT;
	size_t done = 0;
	long rc = 0;

	(void)pos, (void)cr, (void)xfsz;
	if (it->len == 0)
		return 0;
	vfs_lock(pp->lock);
	if (!pp->readers) {
		vfs_unlock(pp->lock);
		it->sigpipe = true;
		return -EPIPE;
	}
	if ((rc = pipe_merge(pp, it, &done, packet)) < 0 || done == it->len)
		goto out;
	for (;;) {
		if (!pp->readers) { /* SIGPIPE even when part was written */
			it->sigpipe = true;
			rc = -EPIPE;
			break;
		}
		if (!pipe_full(pp)) {
			struct pipe_buf *b = &pp->bufs[pp->head & (pp->slots - 1)];
			size_t n = it->len - done < PAGE_SIZE ? it->len - done : PAGE_SIZE;
			uint8_t *page = pp->spare;

			if (!page && !(page = kmalloc(PAGE_SIZE))) {
				rc = -ENOMEM;
				break;
			}
			pp->spare = NULL;
			/* The slot is taken first: a failed copy leaves an empty buffer behind. */
			*b = (struct pipe_buf){.page = page, .packet = packet};
			pp->head++;
			if (it->copy(it, done, page, n, false) < 0) {
				rc = -EFAULT;
				break;
			}
			b->len = (uint32_t)n;
			done += n;
			if (done == it->len)
				break;
			continue;
		}
		if (vfs_file_flags(f) & VFS_O_NONBLOCK) {
			rc = -EAGAIN;
			break;
		}
		pipe_wake(pp); /* readers may be asleep on data already here */
		if (vfs_wait(pp->wait, pp->lock, VFS_WAIT_FOREVER) == -EINTR) {
			rc = -ERESTARTSYS;
			break;
		}
	}
out:
	pipe_wake(pp);
	vfs_unlock(pp->lock);
	return done ? (long)done : rc;
}

static unsigned pipe_poll(struct vfs_file *f, struct vfs_poll_table *pt)
{
	struct vfs_pipe *pp = f->priv;
	unsigned mask = 0;

	vfs_poll_wait(f, &pp->poll, pt);
	vfs_lock(pp->lock);
	if (f->mode & VFS_FMODE_READ) {
		if (!pipe_empty(pp))
			mask |= VFS_POLLIN | VFS_POLLRDNORM;
		if (!pp->writers && f->pipe_seen != pp->w_counter)
			mask |= VFS_POLLHUP;
	}
	if (f->mode & VFS_FMODE_WRITE) {
		if (!pipe_full(pp))
			mask |= VFS_POLLOUT | VFS_POLLWRNORM;
		/* Linux: FIFOs behave like pipes here, unlike most Unices. */
		if (!pp->readers)
			mask |= VFS_POLLERR;
	}
	vfs_unlock(pp->lock);
	return mask;
}

static long pipe_ioctl(struct vfs_file *f, unsigned cmd, void *arg)
{
	struct vfs_pipe *pp = f->priv;
	unsigned count = 0;

	if (cmd != VFS_FIONREAD)
		return -ENOTTY;
	vfs_lock(pp->lock);
	for (unsigned t = pp->tail; t != pp->head; t++)
		count += pp->bufs[t & (pp->slots - 1)].len;
	vfs_unlock(pp->lock);
	*(int *)arg = (int)count;
	return 0;
}

/* put_pipe_info: the last file of the pipe frees it (and a FIFO's inode forgets it). */
static void pipe_put(struct vfs_inode *inode, struct vfs_pipe *pp)
{
	bool last;

	vfs_inode_lock(inode);
	last = --pp->files == 0;
	if (last)
		inode->pipe = NULL;
	vfs_inode_unlock(inode);
	if (last)
		pipe_free(pp);
}

static void pipe_release(struct vfs_file *f)
{
	struct vfs_pipe *pp = f->priv;

	vfs_lock(pp->lock);
	if (f->mode & VFS_FMODE_READ)
		pp->readers--;
	if (f->mode & VFS_FMODE_WRITE)
		pp->writers--;
	pipe_wake(pp);
	vfs_unlock(pp->lock);
	pipe_put(f->inode, pp);
}

/* wait_for_partner: until the other end's open count moves. */
static int fifo_wait_partner(struct vfs_pipe *pp, const unsigned *counter)
{
	unsigned cur = *counter;

	while (cur == *counter)
		if (vfs_wait(pp->wait, pp->lock, VFS_WAIT_FOREVER) == -EINTR)
			return -ERESTARTSYS;
	return 0;
}

static int fifo_open(struct vfs_inode *inode, struct vfs_file *f)
{
	bool nonblock = f->flags & VFS_O_NONBLOCK;
	struct vfs_pipe *pp, *fresh = NULL;
	int rc = 0;

	vfs_inode_lock(inode);
	if (!inode->pipe) {
		vfs_inode_unlock(inode);
		if (!(fresh = pipe_new()))
			return -ENOMEM;
		vfs_inode_lock(inode);
		if (!inode->pipe)
			inode->pipe = fresh, fresh = NULL;
	}
	pp = inode->pipe;
	pp->files++;
	vfs_inode_unlock(inode);
	if (fresh)
		pipe_free(fresh); /* another opener was first */
	f->priv = pp;
	f->pipe_seen = 0;

	vfs_lock(pp->lock);
	switch (f->mode & (VFS_FMODE_READ | VFS_FMODE_WRITE)) {
	case VFS_FMODE_READ:
		pp->r_counter++;
		if (pp->readers++ == 0)
			pipe_wake(pp);
		if (!pp->writers) {
			if (nonblock)
				f->pipe_seen = pp->w_counter; /* no POLLHUP until a writer came */
			else if ((rc = fifo_wait_partner(pp, &pp->w_counter)) < 0)
				pp->readers--;
		}
		break;
	case VFS_FMODE_WRITE:
		if (nonblock && !pp->readers) {
			rc = -ENXIO;
			break;
		}
		pp->w_counter++;
		if (pp->writers++ == 0)
			pipe_wake(pp);
		if (!pp->readers && (rc = fifo_wait_partner(pp, &pp->r_counter)) < 0)
			pp->writers--;
		break;
	case VFS_FMODE_READ | VFS_FMODE_WRITE:
		/* Never waits: the opener can talk to itself. */
		pp->readers++;
		pp->writers++;
		pp->r_counter++;
		pp->w_counter++;
		if (pp->readers == 1 || pp->writers == 1)
			pipe_wake(pp);
		break;
	default:
		rc = -EINVAL;
	}
	if (rc < 0)
		pipe_wake(pp);
	vfs_unlock(pp->lock);
	if (rc < 0)
		pipe_put(inode, pp);
	return rc;
}

static const struct vfs_file_ops pipe_fops = {
    .read = pipe_read,
    .write = pipe_write,
    .release = pipe_release,
    .poll = pipe_poll,
    .ioctl = pipe_ioctl,
    .stream = true,
};

const struct vfs_file_ops vfs_fifo_fops = {
    .open = fifo_open,
    .read = pipe_read,
    .write = pipe_write,
    .release = pipe_release,
    .poll = pipe_poll,
    .ioctl = pipe_ioctl,
    .stream = true,
};

bool vfs_file_is_pipe(const struct vfs_file *f)
{
	return f->ops == &pipe_fops || f->ops == &vfs_fifo_fops;
}

int vfs_pipe(unsigned flags, const struct vfs_cred *cr, struct vfs_file **rd, struct vfs_file **wr)
{
	const unsigned ok = VFS_O_NONBLOCK | VFS_O_DIRECT | VFS_O_CLOEXEC;
	struct vfs_inode *inode;
	struct vfs_pipe *pp;
	char name[32];
	int rc;

	if (flags & ~ok)
		return -EINVAL;
	flags &= ~VFS_O_CLOEXEC;
	if (!(pp = pipe_new()))
		return -ENOMEM;
	if (!(inode = vfs_anon_inode(VFS_S_IFIFO | 0600, cr->uid, cr->gid))) {
		pipe_free(pp);
		return -ENOMEM;
	}
	inode->pipe = pp;
	pp->readers = pp->writers = 1;
	pp->r_counter = pp->w_counter = 1;
	ksnprintf(name, sizeof(name), "pipe:[%llu]", (unsigned long long)inode->ino);
	if ((rc = vfs_anon_file(inode, name, VFS_O_RDONLY | flags, &pipe_fops, pp, rd)) < 0) {
		vfs_inode_put(inode);
		pipe_free(pp);
		return rc;
	}
	pp->files = 2; /* the write end is made with the read end's reference */
	if ((rc = vfs_anon_file(inode, name, VFS_O_WRONLY | flags, &pipe_fops, pp, wr)) < 0) {
		pp->writers = 0;
		pp->files = 1;
		vfs_file_put(*rd);
	}
	vfs_inode_put(inode);
	return rc;
}

/* round_pipe_size: a power of two of pages, at least one; 0 for sizes Linux refuses. */
static unsigned long round_size(unsigned long size)
{
	if (size > (1ul << 31))
		return 0;
	if (size < PAGE_SIZE)
		return PAGE_SIZE;
	return (unsigned long)pow2_at_least(size);
}

long vfs_pipe_get_size(struct vfs_file *f)
{
	struct vfs_pipe *pp = f->priv;
	long rc;

	if (!vfs_file_is_pipe(f))
		return -EBADF;
	vfs_lock(pp->lock);
	rc = (long)pp->slots * PAGE_SIZE;
	vfs_unlock(pp->lock);
	return rc;
}

/* pipe_resize_ring: the buffers held move to the front of a new ring. */
static int pipe_resize(struct vfs_pipe *pp, unsigned slots)
{
	unsigned n = pp->head - pp->tail;
	struct pipe_buf *bufs;

	if (n > slots)
		return -EBUSY;
	if (!(bufs = kcalloc(slots, sizeof(*bufs))))
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++)
		bufs[i] = pp->bufs[(pp->tail + i) & (pp->slots - 1)];
	kfree(pp->bufs);
	pp->bufs = bufs;
	pp->slots = slots;
	pp->tail = 0;
	pp->head = n;
	return 0;
}

long vfs_pipe_set_size(struct vfs_file *f, unsigned long size, bool privileged)
{
	struct vfs_pipe *pp = f->priv;
	unsigned long bytes = round_size(size);
	unsigned slots = (unsigned)(bytes / PAGE_SIZE);
	long rc;

	if (!vfs_file_is_pipe(f))
		return -EBADF;
	if (!slots)
		return -EINVAL;
	vfs_lock(pp->lock);
	if (slots > pp->slots && bytes > vfs_pipe_max_size() && !privileged)
		rc = -EPERM;
	else if ((rc = pipe_resize(pp, slots)) == 0)
		rc = (long)bytes;
	if (rc > 0)
		pipe_wake(pp); /* more room, or less */
	vfs_unlock(pp->lock);
	return rc;
}

unsigned vfs_pipe_max_size(void)
{
	return __atomic_load_n(&vfs_g.pipe_max_size, __ATOMIC_RELAXED);
}

int vfs_pipe_set_max_size(unsigned long size)
{
	unsigned long bytes = size ? round_size(size) : 0;

	if (!bytes)
		return -EINVAL;
	__atomic_store_n(&vfs_g.pipe_max_size, (unsigned)bytes, __ATOMIC_RELAXED);
	return 0;
}
