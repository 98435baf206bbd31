/* CRC-32 as IEEE 802.3, gzip and zlib define it (reflected, polynomial 0xedb88320). */
#ifndef KLIB_CRC32_H
#define KLIB_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* The CRC of n bytes at p, continuing from crc (0 to start). Any context. */
uint32_t kcrc32(uint32_t crc, const void *p, size_t n);

#endif
