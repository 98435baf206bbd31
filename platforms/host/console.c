/* Console = the process's stdout (and stdin for input). */
#include <hal/console.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

void hal_console_write(const char *s, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, s, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return; /* stdout is gone; nothing sensible to do */
		}
		s += n;
		len -= (size_t)n;
	}
}

void hal_console_putc(char c)
{
	hal_console_write(&c, 1);
}

int hal_console_getc(void)
{
	struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
	unsigned char c;

	if (poll(&p, 1, 0) != 1 || read(STDIN_FILENO, &c, 1) != 1)
		return -1;
	return c;
}
