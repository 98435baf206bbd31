/* x86-64's I/O port instructions (drivers/ioport.h), inline. */
#ifndef ARCH_IOPORT_H
#define ARCH_IOPORT_H

#include <stdint.h>

static inline uint8_t ioport_in8(uint16_t port)
{
	uint8_t v;

	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline void ioport_out8(uint16_t port, uint8_t v)
{
	__asm__ __volatile__("outb %0, %1" ::"a"(v), "Nd"(port) : "memory");
}

static inline uint16_t ioport_in16(uint16_t port)
{
	uint16_t v;

	__asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline void ioport_out16(uint16_t port, uint16_t v)
{
	__asm__ __volatile__("outw %0, %1" ::"a"(v), "Nd"(port) : "memory");
}

static inline uint32_t ioport_in32(uint16_t port)
{
	uint32_t v;

	__asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline void ioport_out32(uint16_t port, uint32_t v)
{
	__asm__ __volatile__("outl %0, %1" ::"a"(v), "Nd"(port) : "memory");
}

#endif
