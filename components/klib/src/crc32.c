/*
 * CRC-32, four bits a step from a 16-entry table: /proc/config.gz's gzip
 * trailer is its one user, made at boot; bit by bit it cost ~32
 * instructions a byte, a 1 KiB byte table would take more room than the
 * few hundred instructions it saves over this.
 */
#include <klib/crc32.h>

/* The CRC of each nibble value shifted through four steps of the reflected polynomial. */
static const uint32_t nibble[16] = {
    0x00000000u, 0x1db71064u, 0x3b6e20c8u, 0x26d930acu, 0x76dc4190u, 0x6b6b51f4u,
    0x4db26158u, 0x5005713cu, 0xedb88320u, 0xf00f9344u, 0xd6d6a3e8u, 0xcb61b38cu,
    0x9b64c2b0u, 0x86d3d2d4u, 0xa00ae278u, 0xbdbdf21cu,
};

uint32_t kcrc32(uint32_t crc, const void *p, size_t n)
{
	const uint8_t *b = p;

	crc = ~crc;
	while (n--) {
		crc ^= *b++;
		crc = (crc >> 4) ^ nibble[crc & 15];
		crc = (crc >> 4) ^ nibble[crc & 15];
	}
	return ~crc;
}
