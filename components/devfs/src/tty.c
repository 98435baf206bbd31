/*
 * The console as a terminal (drivers/tty/tty_io.c, n_tty): output goes to
 * hal's console; input is what has arrived (there is no receive interrupt
 * to sleep on yet, so an empty line reads as end of file); the termios and
 * window-size ioctls keep the settings (Linux's tty_std_termios to begin
 * with, a 0x0 window as a serial line has). The settings are guarded by
 * the "devfs_tty" lock, taken alone.
 */
#include <hal/console.h>
#include <klib/compiler.h>
#include <klib/errno.h>
#include <klib/string.h>
#include "devfs_internal.h"

/* struct termios of asm-generic: four flag words, c_line, 19 control characters. */
struct termios {
	uint32_t iflag, oflag, cflag, lflag;
	uint8_t line;
	uint8_t cc[19];
};

_Static_assert(sizeof(struct termios) == DEVFS_TERMIOS_SIZE, "struct termios is 36 bytes");

static struct termios termios;
static uint16_t winsize[4]; /* rows, columns, x pixels, y pixels */
static void *tty_lock;

int devfs_tty_init(void)
{
	static const uint8_t cc[] = {003, 034, 0177, 025, 004, 0,   1,   0, 021,
	                             023, 032, 0,    022, 017, 027, 026, 0};

	if (!(tty_lock = vfs_lock_new("devfs_tty")))
		return -ENOMEM;
	termios = (struct termios){
	    .iflag = 0002400, /* ICRNL | IXON */
	    .oflag = 0000005, /* OPOST | ONLCR */
	    .cflag = 0002277, /* B38400 | CS8 | CREAD | HUPCL */
	    .lflag = 0105073, /* ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN */
	};
	memcpy(termios.cc, cc, sizeof(cc));
	memset(winsize, 0, sizeof(winsize));
	return 0;
}

void devfs_tty_fini(void)
{
	vfs_lock_free(tty_lock);
	tty_lock = NULL;
}

static long console_read(struct vfs_file *f, struct vfs_iter *it, uint64_t *pos)
{
	char chunk[64];
	size_t done = 0;

	(void)f, (void)pos;
	while (done < it->len) {
		size_t n = 0;
		int c;

		while (n < sizeof(chunk) && done + n < it->len && (c = hal_console_getc()) >= 0)
			chunk[n++] = (char)c;
		if (n == 0)
			break;
		if (it->copy(it, done, chunk, n, true) < 0)
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return (long)done;
}

static long console_write(struct vfs_file *f, struct vfs_iter *it, uint64_t *pos,
                          const struct vfs_cred *cr, bool *xfsz)
{
	char chunk[256];
	size_t done = 0;

	(void)f, (void)pos, (void)cr, (void)xfsz;
	while (done < it->len) {
		size_t n = MIN(sizeof(chunk), it->len - done);

		if (it->copy(it, done, chunk, n, false) < 0)
			return done ? (long)done : -EFAULT;
		hal_console_write(chunk, n);
		done += n;
	}
	return (long)done;
}

static long console_ioctl(struct vfs_file *f, unsigned cmd, void *arg)
{
	long rc = 0;

	(void)f;
	vfs_lock(tty_lock);
	switch (cmd) {
	case DEVFS_TCGETS:
		memcpy(arg, &termios, sizeof(termios));
		break;
	case DEVFS_TCSETS:
	case DEVFS_TCSETSW: /* nothing queued to drain or flush */
	case DEVFS_TCSETSF:
		memcpy(&termios, arg, sizeof(termios));
		break;
	case DEVFS_TIOCGWINSZ:
		memcpy(arg, winsize, sizeof(winsize));
		break;
	case DEVFS_TIOCSWINSZ:
		memcpy(winsize, arg, sizeof(winsize));
		break;
	default:
		rc = -ENOTTY;
	}
	vfs_unlock(tty_lock);
	return rc;
}

const struct vfs_file_ops devfs_console_fops = {
    .read = console_read,
    .write = console_write,
    .ioctl = console_ioctl,
    .stream = true,
    .tty = true,
};
