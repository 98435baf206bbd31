/*
 * The boot page table.
 *
 * start.S calls riscv_early_map() with translation off, at the image's load
 * address, which is not the address it is linked at. So this file reaches
 * everything PC-relative (medany), and nothing in it may load an absolute
 * address from memory and use it: no pointer tables, no jump tables (it is
 * built with -fno-jump-tables), no calls out of the file. The one absolute
 * address read on purpose is linked_start, to learn the offset.
 *
 * The table is Sv39, which every RV64 hart with paging has, and maps:
 * - the image at its linked address in 2 MiB pages, read, write and
 *   execute (with paging, arch/common/kmap.c replaces the whole table by a
 *   W^X one);
 * - the direct map's two gigapages from the device tree's start, which
 *   hold any tree.
 * Once the board has read its memory map, arch_memmap_ready() adds, at the
 * linked addresses, the direct map's gigapages of every RAM bank and the
 * I/O window's gigapages of every device. Without paging this table is the
 * kernel's for good.
 */
#include <arch/board.h>
#include <arch/csr.h>
#include <arch/memory.h>
#include <arch/sbi.h>
#include <hal/memmap.h>
#include <kit/board.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* clang-format off */
#define PTE_V (1ul << 0)
#define PTE_R (1ul << 1)
#define PTE_W (1ul << 2)
#define PTE_X (1ul << 3)
#define PTE_G (1ul << 5)
#define PTE_A (1ul << 6)
#define PTE_D (1ul << 7)
/* clang-format on */
#define SIZE_2M (1ul << 21)
#define SIZE_1G (1ul << 30)

extern char _start[], __kernel_end[], __bss_start[], __bss_end[];

/* The root, and the table of the image's gigabyte (2 MiB pages). */
static uint64_t boot_root[512] __attribute__((aligned(4096)));
static uint64_t boot_image[512] __attribute__((aligned(4096)));

uintptr_t riscv_kernel_offset;
unsigned long riscv_kernel_satp;

/* The linked address of _start, as data: the compiler cannot turn this read into auipc. */
static const volatile uintptr_t linked_start = (uintptr_t)_start;

struct early_map {
	unsigned long satp, offset; /* returned in a0 and a1 */
};
struct early_map riscv_early_map(uint64_t fdt_pa);
void riscv_early_check(uint64_t fdt_pa);

static unsigned vpn(uintptr_t va, unsigned level)
{
	return (unsigned)(va >> (12 + 9 * level)) & 511;
}

static uint64_t leaf(uint64_t pa, uint64_t prot)
{
	return pa >> 12 << 10 | prot | PTE_V | PTE_A | PTE_D | PTE_G;
}

void riscv_boot_fail(const char *msg)
{
	for (; *msg; msg++)
		sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (unsigned char)*msg, 0, 0);
	sbi_call(SBI_EXT_SRST, 0, SBI_SRST_SHUTDOWN, SBI_SRST_REASON_FAILURE, 0);
	for (;;)
		__asm__ __volatile__("wfi");
}

static void early_puts(const char *s)
{
	for (; *s; s++)
		sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (unsigned char)*s, 0, 0);
}

static void early_puthex(uint64_t v)
{
	char buf[19];
	int i = 18;

	buf[i] = '\0';
	do {
		unsigned d = (unsigned)(v & 15);
		buf[--i] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v >>= 4;
	} while (v);
	buf[--i] = 'x';
	buf[--i] = '0';
	early_puts(buf + i);
}

static uint32_t fdt32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t fdt_cells(const uint8_t *p, uint32_t n)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < n; i++)
		v = v << 32 | fdt32(p + 4 * i);
	return v;
}

/* The tree's strings block, for property names. */
struct early_strings {
	const uint8_t *s;
	uint32_t len;
};

static bool name_is(const struct early_strings *st, uint32_t off, const char *name)
{
	uint32_t i = 0;

	for (; off + i < st->len && name[i]; i++)
		if (st->s[off + i] != (uint8_t)name[i])
			return false;
	return !name[i] && off + i < st->len && st->s[off + i] == 0;
}

static bool is_memory(const uint8_t *v, uint32_t len)
{
	const char *m = "memory";

	for (uint32_t i = 0; i < 7; i++)
		if (len != 7 || v[i] != (uint8_t)m[i])
			return false;
	return true;
}

/* A top-level node's reg: the end of the range holding pa, or 0. */
static uint64_t reg_end(const uint8_t *reg, uint32_t len, uint32_t ac, uint32_t sc, uint64_t pa)
{
	uint32_t step = 4 * (ac + sc);

	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return 0;
	for (uint32_t i = 0; i + step <= len; i += step) {
		uint64_t base = fdt_cells(reg + i, ac), size = fdt_cells(reg + i + 4 * ac, sc);

		if (pa >= base && pa - base < size)
			return base + size;
	}
	return 0;
}

/* Whether the string at v (len bytes left) is name, NUL included. */
static bool string_is(const uint8_t *v, uint32_t len, const char *name)
{
	uint32_t k = 0;

	while (k < len && name[k] && v[k] == (uint8_t)name[k])
		k++;
	return !name[k] && k < len && v[k] == 0;
}

/*
 * A compatible list (NUL-separated strings) naming QEMU's test finisher.
 * The names are passed as literals, not kept in a table: a table of
 * pointers would hold linked addresses, and this runs at the load address.
 */
static bool is_finisher(const uint8_t *v, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++) {
		if (string_is(v + i, len - i, "sifive,test0") ||
		    string_is(v + i, len - i, "sifive,test1"))
			return true;
		while (i < len && v[i]) /* on to the next string */
			i++;
	}
	return false;
}

/* What one walk of the tree looks for. */
enum early_want {
	WANT_RAM_END,  /* the end of the RAM bank holding pa (a top-level memory node) */
	WANT_FINISHER, /* the physical address of the sifive,test finisher (at depth 1 or 2) */
};

/*
 * One walk of the tree for 'want'; 0 if not found or the tree cannot be
 * read (then the board reports the tree). Its own small reader: klib's may
 * not run before .bss is cleared, at the load address. cells[d] holds the
 * #address-cells and #size-cells a node at depth d gives its children.
 */
static uint64_t early_walk(const uint8_t *t, enum early_want want, uint64_t pa)
{
	uint32_t size, off, ac[3], sc[3], reg_len = 0;
	struct early_strings st;
	const uint8_t *reg = NULL;
	bool memory = false, finisher = false;
	int depth = 0;

	if (fdt32(t) != 0xd00dfeed)
		return 0;
	size = fdt32(t + 4);
	off = fdt32(t + 8);
	st.len = fdt32(t + 12);
	if (size < 40 || off >= size || st.len >= size)
		return 0;
	st.s = t + st.len;
	st.len = size - st.len;
	while (off + 4 <= size) {
		uint32_t tok = fdt32(t + off), len, name;
		uint64_t end;

		off += 4;
		if (tok == 1) { /* FDT_BEGIN_NODE: its name, padded to 4 bytes */
			while (off < size && t[off])
				off++;
			off = (off + 4) & ~3u;
			if (++depth <= 3)
				ac[depth - 1] = 2, sc[depth - 1] = 1; /* the defaults */
			memory = finisher = false;
			reg = NULL;
		} else if (tok == 2) { /* FDT_END_NODE: depth 1 is the root */
			if (want == WANT_RAM_END && depth == 2 && memory && reg &&
			    (end = reg_end(reg, reg_len, ac[0], sc[0], pa)))
				return end;
			if (want == WANT_FINISHER && (depth == 2 || depth == 3) && finisher &&
			    reg && ac[depth - 2] >= 1 && ac[depth - 2] <= 2 &&
			    reg_len >= 4 * ac[depth - 2])
				return fdt_cells(reg, ac[depth - 2]);
			if (--depth <= 0)
				return 0;
			memory = finisher =
			    false; /* the parent's own properties came before its children */
			reg = NULL;
		} else if (tok == 3) { /* FDT_PROP: length, name offset, value */
			const uint8_t *v = t + off + 8;

			if (off + 8 > size || (len = fdt32(t + off)) > size - off - 8)
				return 0;
			name = fdt32(t + off + 4);
			if (depth >= 1 && depth <= 3 && len == 4 &&
			    name_is(&st, name, "#address-cells"))
				ac[depth - 1] = fdt32(v);
			else if (depth >= 1 && depth <= 3 && len == 4 &&
			         name_is(&st, name, "#size-cells"))
				sc[depth - 1] = fdt32(v);
			else if (name_is(&st, name, "device_type"))
				memory = is_memory(v, len);
			else if (name_is(&st, name, "compatible"))
				finisher = is_finisher(v, len);
			else if (name_is(&st, name, "reg"))
				reg = v, reg_len = len;
			off = (off + 8 + len + 3) & ~3u;
		} else if (tok != 4) { /* FDT_END, or not a token */
			return 0;
		}
	}
	return 0;
}

/*
 * riscv_boot_fail() with translation off: QEMU's test finisher, if the tree
 * has one, is written first, because OpenSBI 1.1 turns every SBI shutdown
 * into the finisher's "pass" (exit status 0) whatever reason it is given.
 * Status 1, as the board's power-off gives a failed run (drivers/power).
 */
KIT_NORETURN static void early_fail(uint64_t fdt_pa, const char *msg)
{
	uint64_t test = early_walk((const uint8_t *)(uintptr_t)fdt_pa, WANT_FINISHER, 0);

	early_puts(msg);
	if (test)
		*(volatile uint32_t *)(uintptr_t)test = 1u << 16 | 0x3333; /* FINISHER_FAIL */
	riscv_boot_fail("");
}

/*
 * From start.S, translation off, on the boot stack, before .bss is cleared:
 * nothing in .bss may be touched yet. The loader wrote only text and data,
 * so two things are checked here: that .bss is in RAM (clearing it would
 * fault before anything could say why), and that the firmware did not put
 * the device tree where .bss goes (clearing it would erase the tree:
 * OpenSBI's fw_jump puts it at 0x82200000, fw_dynamic near the end of RAM,
 * whatever the image's size). Addresses here are load addresses.
 */
void riscv_early_check(uint64_t fdt_pa)
{
	uintptr_t start = (uintptr_t)_start, end = (uintptr_t)__kernel_end;
	uintptr_t bss = (uintptr_t)__bss_start;
	const uint8_t *t = (const uint8_t *)(uintptr_t)fdt_pa;
	uint64_t ram_end = early_walk(t, WANT_RAM_END, start);

	if (ram_end && ram_end < end) {
		early_puts("riscv64: the image does not fit in RAM: it spans ");
		early_puthex(start);
		early_puts("-");
		early_puthex(end);
		early_puts(" (.bss ");
		early_puthex((uint64_t)(__bss_end - __bss_start));
		early_puts(" bytes), RAM there ends at ");
		early_puthex(ram_end);
		early_fail(fdt_pa,
		           ". Give the machine more memory (CONFIG_QEMU_MEMORY_MB) or make .bss "
		           "smaller (a static stack pool?).\n");
	}
	if (ram_end && fdt_pa < end && fdt_pa + fdt32(t + 4) > bss) {
		early_puts("riscv64: the firmware put the device tree at ");
		early_puthex(fdt_pa);
		early_puts(", inside the image's .bss (");
		early_puthex(bss);
		early_puts("-");
		early_puthex(end);
		early_fail(fdt_pa,
		           "), which is about to be cleared. Give the machine more memory, boot "
		           "with fw_dynamic (CONFIG_QEMU_FW_DYNAMIC) or make .bss smaller.\n");
	}
}

/* The gigapages of the window at 'base' that cover physical [pa, pa + size). */
static void map_gigapages(uintptr_t base, uint64_t pa, uint64_t size)
{
	for (uint64_t g = pa & ~(SIZE_1G - 1); g < pa + size; g += SIZE_1G)
		boot_root[vpn(base + g, 2)] = leaf(g, PTE_R | PTE_W);
}

struct early_map riscv_early_map(uint64_t fdt_pa)
{
	uintptr_t pa = (uintptr_t)_start, va = linked_start;
	uintptr_t size = (uintptr_t)(__kernel_end - _start);

	if ((va - pa) & (SIZE_2M - 1))
		early_fail(fdt_pa, "riscv64: the image must be loaded at a 2 MiB boundary\n");
	if (size > SIZE_1G - (va & (SIZE_1G - 1)))
		early_fail(fdt_pa,
		           "riscv64: the image does not fit its gigabyte of address space\n");
	boot_root[vpn(va, 2)] = (uintptr_t)boot_image >> 12 << 10 | PTE_V;
	for (uintptr_t off = 0; off < size; off += SIZE_2M)
		boot_image[vpn(va + off, 1)] = leaf(pa + off, PTE_R | PTE_W | PTE_X);
	/* A tree is far smaller than a gigabyte: two gigapages hold it wherever it starts. */
	if (fdt_pa > ARCH_DMAP_SIZE - SIZE_1G)
		early_fail(fdt_pa, "riscv64: the device tree (a1) is beyond the direct map\n");
	map_gigapages(ARCH_DMAP_BASE, fdt_pa, SIZE_1G);
	riscv_kernel_offset = va - pa;
	riscv_kernel_satp = SATP_MODE_SV39 << SATP_MODE_SHIFT | (uintptr_t)boot_root >> 12;
	return (struct early_map){riscv_kernel_satp, va - pa};
}

void arch_memmap_ready(void)
{
	const struct hal_mem_region *r;
	size_t n = hal_mem_regions(&r);

	/* The board's memory map keeps RAM and devices inside their windows (hal/memmap.h). */
	for (size_t i = 0; i < n; i++)
		if (r[i].type == HAL_MEM_RAM || r[i].type == HAL_MEM_MMIO)
			map_gigapages(r[i].type == HAL_MEM_RAM ? ARCH_DMAP_BASE : ARCH_IO_BASE,
			              r[i].base, r[i].size);
	/* Invalid entries may have been cached: the new ones must be seen. */
	__asm__ __volatile__("sfence.vma" ::: "memory");
}
