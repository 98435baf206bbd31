/* hal's console for devfs's tests: output captured, input from a queue the test fills. */
#include <hal/console.h>
#include <string.h>

char fake_console_out[4096];
size_t fake_console_out_len;
const char *fake_console_in;

void hal_console_putc(char c)
{
	hal_console_write(&c, 1);
}

void hal_console_write(const char *s, size_t len)
{
	if (fake_console_out_len + len > sizeof(fake_console_out))
		len = sizeof(fake_console_out) - fake_console_out_len;
	memcpy(fake_console_out + fake_console_out_len, s, len);
	fake_console_out_len += len;
}

int hal_console_getc(void)
{
	return fake_console_in && *fake_console_in ? (unsigned char)*fake_console_in++ : -1;
}
