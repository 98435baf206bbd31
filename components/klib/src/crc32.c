/*
 * CRC-32, bit by bit: /proc/config.gz's gzip trailer is its one user and
 * it runs once, so a 1 KiB table would buy nothing.
 */
#include <klib/crc32.h>

uint32_t kcrc32(uint32_t crc, const void *p, size_t n)
{
	const uint8_t *b = p;

	crc = ~crc;
	while (n--) {
		crc ^= *b++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}
