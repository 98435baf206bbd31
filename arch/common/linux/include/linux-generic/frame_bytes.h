/*
 * Little-endian fields of a signal frame being built or read in a kernel
 * buffer (arch/<arch>/linux/sigframe.c): stores and loads at any byte
 * offset, memcpy so that no alignment is assumed. Pure: any context.
 */
#ifndef LINUX_GENERIC_FRAME_BYTES_H
#define LINUX_GENERIC_FRAME_BYTES_H

#include <klib/string.h>
#include <stddef.h>
#include <stdint.h>

static inline void put64(uint8_t *buf, size_t off, uint64_t v)
{
	memcpy(buf + off, &v, sizeof(v));
}

static inline void put32(uint8_t *buf, size_t off, uint32_t v)
{
	memcpy(buf + off, &v, sizeof(v));
}

static inline void put16(uint8_t *buf, size_t off, uint16_t v)
{
	memcpy(buf + off, &v, sizeof(v));
}

static inline uint64_t get64(const uint8_t *buf, size_t off)
{
	uint64_t v;

	memcpy(&v, buf + off, sizeof(v));
	return v;
}

static inline uint32_t get32(const uint8_t *buf, size_t off)
{
	uint32_t v;

	memcpy(&v, buf + off, sizeof(v));
	return v;
}

#endif
