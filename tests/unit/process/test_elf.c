/*
 * The ELF front end on images built here field by field: a good static
 * program and a static-pie, every malformed case with its reason, every
 * single-bit flip of the headers and every truncation (never a read outside
 * the image: ASan), and a real static program from Debian's riscv64 gcc.
 */
#include "kit_test.h"
#include <klib/errno.h>
#include <process/elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE     0x1000ull
#define USER_TOP (1ull << 38) /* Sv39's user half */
#define IMG_SIZE 0x3000

#define PT_LOAD      1
#define PT_INTERP    3
#define PT_NOTE      4
#define PT_GNU_STACK 0x6474e551u
#define PF_X         1
#define PF_W         2
#define PF_R         4

static void put(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void ehdr(uint8_t *f, uint16_t type, uint64_t entry, uint64_t phoff, uint16_t phnum)
{
	memcpy(f,
	       "\x7f"
	       "ELF",
	       4);
	f[4] = 2; /* ELFCLASS64 */
	f[5] = 1; /* little-endian */
	f[6] = 1; /* EV_CURRENT */
	put(f + 16, type, 2);
	put(f + 18, ELF_MACHINE, 2);
	put(f + 20, 1, 4);
	put(f + 24, entry, 8);
	put(f + 32, phoff, 8);
	put(f + 48, 0x5, 4); /* RVC, double-float ABI */
	put(f + 52, 64, 2);
	put(f + 54, ELF_PHDR_SIZE, 2);
	put(f + 56, phnum, 2);
}

static uint8_t *ph(uint8_t *f, unsigned i)
{
	return f + 64 + i * ELF_PHDR_SIZE;
}

static void phdr(uint8_t *f, unsigned i, uint32_t type, uint32_t flags, uint64_t off,
                 uint64_t vaddr, uint64_t filesz, uint64_t memsz, uint64_t align)
{
	uint8_t *p = ph(f, i);

	put(p, type, 4);
	put(p + 4, flags, 4);
	put(p + 8, off, 8);
	put(p + 16, vaddr, 8);
	put(p + 24, vaddr, 8);
	put(p + 32, filesz, 8);
	put(p + 40, memsz, 8);
	put(p + 48, align, 8);
}

/* text R-X [0x10000, 0x11800) from offset 0 (holding the headers), data RW-
 * [0x12000, 0x15000) with 0x800 bytes from offset 0x2000, a non-exec stack. */
static void good_exec(uint8_t *f)
{
	memset(f, 0, IMG_SIZE);
	ehdr(f, ELF_ET_EXEC, 0x10100, 64, 3);
	phdr(f, 0, PT_LOAD, PF_R | PF_X, 0, 0x10000, 0x1800, 0x1800, PAGE);
	phdr(f, 1, PT_LOAD, PF_R | PF_W, 0x2000, 0x12000, 0x800, 0x3000, PAGE);
	phdr(f, 2, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16);
}

static int parse(const uint8_t *f, size_t size, struct elf_image *img, const char **why)
{
	return elf_parse(f, size, PAGE, USER_TOP, img, why);
}

static void test_static_exec(void **state)
{
	uint8_t f[IMG_SIZE];
	struct elf_image img;
	const char *why = "unset";
	(void)state;

	good_exec(f);
	assert_int_equal(parse(f, sizeof(f), &img, &why), 0);
	assert_null(why);
	assert_int_equal(img.type, ELF_ET_EXEC);
	assert_int_equal(img.entry, 0x10100);
	assert_int_equal(img.phdr, 0x10040);
	assert_int_equal(img.phnum, 3);
	assert_int_equal(img.flags, 0x5);
	assert_int_equal(img.lo, 0x10000);
	assert_int_equal(img.hi, 0x15000);
	assert_int_equal(img.max_align, PAGE);
	assert_false(img.exec_stack);
	assert_int_equal(img.nloads, 2);
	assert_int_equal(img.loads[0].vaddr, 0x10000);
	assert_int_equal(img.loads[0].filesz, 0x1800);
	assert_int_equal(img.loads[0].prot, ELF_PROT_READ | ELF_PROT_EXEC);
	assert_int_equal(img.loads[1].vaddr, 0x12000);
	assert_int_equal(img.loads[1].offset, 0x2000);
	assert_int_equal(img.loads[1].filesz, 0x800);
	assert_int_equal(img.loads[1].memsz, 0x3000);
	assert_int_equal(img.loads[1].prot, ELF_PROT_READ | ELF_PROT_WRITE);

	/* An executable stack, a big alignment, an empty PT_LOAD (skipped). */
	put(ph(f, 2) + 4, PF_R | PF_W | PF_X, 4);
	put(ph(f, 1) + 48, 0x10000, 8);
	assert_int_equal(parse(f, sizeof(f), &img, NULL), 0);
	assert_true(img.exec_stack);
	assert_int_equal(img.max_align, 0x10000);
	phdr(f, 2, PT_LOAD, PF_R, 0, 0x5000, 0, 0, PAGE);
	assert_int_equal(parse(f, sizeof(f), &img, NULL), 0);
	assert_int_equal(img.nloads, 2);
}

/* static-pie: ET_DYN linked at 0, no PT_INTERP. */
static void test_static_pie(void **state)
{
	uint8_t f[IMG_SIZE];
	struct elf_image img;
	(void)state;

	good_exec(f);
	put(f + 16, ELF_ET_DYN, 2);
	put(f + 24, 0x100, 8);
	phdr(f, 0, PT_LOAD, PF_R | PF_X, 0, 0, 0x1800, 0x1800, PAGE);
	phdr(f, 1, PT_LOAD, PF_R | PF_W, 0x2000, 0x2000, 0x800, 0x3000, PAGE);
	assert_int_equal(parse(f, sizeof(f), &img, NULL), 0);
	assert_int_equal(img.type, ELF_ET_DYN);
	assert_int_equal(img.lo, 0);
	assert_int_equal(img.hi, 0x5000);
	assert_int_equal(img.phdr, 0x40);
	assert_int_equal(img.entry, 0x100);
}

struct bad_case {
	const char *name;
	void (*mutate)(uint8_t *f, size_t *size, uint64_t *top);
	const char *why;
};

#define BAD(fn, body)                                                                              \
	static void fn(uint8_t *f, size_t *size, uint64_t *top)                                    \
	{                                                                                          \
		(void)f;                                                                           \
		(void)size;                                                                        \
		(void)top;                                                                         \
		body;                                                                              \
	}

BAD(short_file, *size = 63)
BAD(bad_magic, f[1] = 'e')
BAD(class32, f[4] = 1)
BAD(big_endian, f[5] = 2)
BAD(bad_version, put(f + 20, 2, 4))
BAD(relocatable, put(f + 16, 1, 2))
BAD(core_file, put(f + 16, 4, 2))
BAD(x86_64, put(f + 18, 62, 2))
BAD(phentsize, put(f + 54, 32, 2))
BAD(no_phdrs, put(f + 56, 0, 2))
BAD(too_many_phdrs, put(f + 56, 1171, 2))
BAD(phoff_past_end, put(f + 32, IMG_SIZE + 8, 8))
BAD(phdrs_cut, put(f + 32, IMG_SIZE - 2 * ELF_PHDR_SIZE, 8))
BAD(phoff_huge, put(f + 32, UINT64_MAX - 8, 8))
BAD(data_cut, *size = 0x2400)
/* p_offset + p_filesz wraps to a small number */
BAD(offset_huge, put(ph(f, 1) + 8, UINT64_MAX - 0x6ff, 8))
BAD(filesz_gt_memsz, put(ph(f, 1) + 32, 0x3001, 8))
BAD(align_not_pow2, put(ph(f, 1) + 48, 0x1800, 8))
BAD(not_congruent, put(ph(f, 1) + 16, 0x12100, 8))
BAD(wraps, put(ph(f, 1) + 16, UINT64_MAX - 0xfff, 8); put(ph(f, 1) + 8, 0x2000 - 0x1000, 8))
/* [0x11900, ...) shares the page 0x11000 with [0x10000, 0x11800) */
BAD(share_page, put(ph(f, 1) + 16, 0x11900, 8); put(ph(f, 1) + 8, 0x2900, 8);
    put(ph(f, 1) + 32, 0x600, 8))
BAD(overlap, put(ph(f, 1) + 16, 0x10000, 8))
BAD(unsorted, put(ph(f, 1) + 16, 0x8000, 8))
BAD(interp, put(ph(f, 2), PT_INTERP, 4))
BAD(no_load, put(ph(f, 0), PT_NOTE, 4); put(ph(f, 1), PT_NOTE, 4))
BAD(phdrs_unmapped, memcpy(f + 0x1c00, f + 64, 3 * ELF_PHDR_SIZE); put(f + 32, 0x1c00, 8))
BAD(entry_in_data, put(f + 24, 0x12000, 8))
BAD(entry_nowhere, put(f + 24, 0x40000, 8))
BAD(page_zero, put(ph(f, 0) + 16, 0, 8); put(f + 24, 0x100, 8))
BAD(above_user, *top = 0x14000)

static const struct bad_case bad_cases[] = {
    {"short file", short_file, "too short"},
    {"bad magic", bad_magic, "bad magic"},
    {"32-bit", class32, "64-bit"},
    {"big-endian", big_endian, "little-endian"},
    {"version", bad_version, "version"},
    {"ET_REL", relocatable, "e_type"},
    {"ET_CORE", core_file, "e_type"},
    {"x86_64", x86_64, "e_machine"},
    {"e_phentsize", phentsize, "e_phentsize"},
    {"e_phnum 0", no_phdrs, "no program headers"},
    {"e_phnum too big", too_many_phdrs, "too many"},
    {"e_phoff past the end", phoff_past_end, "beyond the end"},
    {"headers cut", phdrs_cut, "beyond the end"},
    {"e_phoff near 2^64", phoff_huge, "beyond the end"},
    {"data cut", data_cut, "data beyond the end"},
    {"p_offset near 2^64", offset_huge, "data beyond the end"},
    {"p_filesz > p_memsz", filesz_gt_memsz, "p_filesz > p_memsz"},
    {"p_align", align_not_pow2, "power of two"},
    {"vaddr/offset", not_congruent, "modulo the page size"},
    {"wrap", wraps, "wraps"},
    {"shared page", share_page, "share a page"},
    {"overlap", overlap, "overlap"},
    {"unsorted", unsorted, "not sorted"},
    {"PT_INTERP", interp, "PT_INTERP"},
    {"no PT_LOAD", no_load, "no PT_LOAD"},
    {"headers not loaded", phdrs_unmapped, "AT_PHDR"},
    {"entry in data", entry_in_data, "entry point"},
    {"entry nowhere", entry_nowhere, "entry point"},
    {"page zero", page_zero, "outside user space"},
    {"above user space", above_user, "outside user space"},
};

static void test_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		uint8_t f[IMG_SIZE];
		size_t size = sizeof(f);
		uint64_t top = USER_TOP;
		struct elf_image img;
		const char *why = NULL;

		good_exec(f);
		bad_cases[i].mutate(f, &size, &top);
		int r = elf_parse(f, size, PAGE, top, &img, &why);
		if (r != -ENOEXEC || !why || !strstr(why, bad_cases[i].why))
			fail_msg("%s: got %d '%s', want ENOEXEC '%s'", bad_cases[i].name, r,
			         why ? why : "(none)", bad_cases[i].why);
	}
}

static void test_too_many_loads(void **state)
{
	enum { N = CONFIG_PROCESS_ELF_MAX_LOADS + 1 };
	static uint8_t f[64 + N * ELF_PHDR_SIZE + PAGE];
	struct elf_image img;
	const char *why;
	(void)state;

	memset(f, 0, sizeof(f));
	ehdr(f, ELF_ET_EXEC, 0x10000, 64, N);
	for (unsigned i = 0; i < N; i++)
		phdr(f, i, PT_LOAD, PF_R | PF_X, 0, 0x10000 + i * 2 * PAGE, 0x800, 0x800, PAGE);
	assert_int_equal(elf_parse(f, sizeof(f), PAGE, USER_TOP, &img, &why), -ENOEXEC);
	assert_non_null(strstr(why, "CONFIG_PROCESS_ELF_MAX_LOADS"));
	put(f + 56, N - 1, 2);
	assert_int_equal(elf_parse(f, sizeof(f), PAGE, USER_TOP, &img, &why), 0);
	assert_int_equal(img.nloads, N - 1);
}

static void test_bad_arguments(void **state)
{
	uint8_t f[IMG_SIZE];
	struct elf_image img;
	const char *why;
	(void)state;

	good_exec(f);
	assert_int_equal(elf_parse(NULL, 100, PAGE, USER_TOP, &img, &why), -EINVAL);
	assert_non_null(why);
	assert_int_equal(elf_parse(f, sizeof(f), PAGE, USER_TOP, NULL, NULL), -EINVAL);
	assert_int_equal(elf_parse(f, sizeof(f), 3000, USER_TOP, &img, NULL), -EINVAL);
	assert_int_equal(elf_parse(f, sizeof(f), PAGE, USER_TOP + 1, &img, NULL), -EINVAL);
}

/* Whatever elf_parse accepts must be safe to map as described. */
static void check_sane(const struct elf_image *img, size_t size)
{
	bool entry_ok = false, phdr_ok = false;

	assert_true(img->nloads >= 1 && img->nloads <= CONFIG_PROCESS_ELF_MAX_LOADS);
	for (unsigned i = 0; i < img->nloads; i++) {
		const struct elf_load *l = &img->loads[i];
		assert_true(l->filesz <= l->memsz);
		assert_true(l->offset <= size && size - l->offset >= l->filesz);
		assert_true((l->vaddr - l->offset) % PAGE == 0);
		if (i > 0)
			assert_true(l->vaddr >= img->loads[i - 1].vaddr + img->loads[i - 1].memsz);
		if ((l->prot & ELF_PROT_EXEC) && img->entry - l->vaddr < l->memsz)
			entry_ok = true;
		if (img->phdr - l->vaddr < l->filesz)
			phdr_ok = true;
	}
	assert_true(entry_ok && phdr_ok);
	assert_true(img->lo < img->hi);
}

/* A program read from a file: only its head in memory; loads checked against the whole file. */
static void test_head_of_file(void **state)
{
	uint8_t f[IMG_SIZE];
	struct elf_image img;
	const char *why;
	size_t need = 0;
	(void)state;

	good_exec(f);
	/* The headers are in the first 300 bytes; the data segment is past them, in the file. */
	assert_int_equal(elf_parse_head(f, 300, sizeof(f), PAGE, USER_TOP, &img, &why, &need), 0);
	assert_int_equal(img.nloads, 2);
	/* Headers past the head: how much to read, then success with that much. */
	assert_int_equal(elf_parse_head(f, 100, sizeof(f), PAGE, USER_TOP, &img, &why, &need),
	                 -EAGAIN);
	assert_int_equal(need, 64 + 3 * ELF_PHDR_SIZE);
	assert_int_equal(elf_parse_head(f, need, sizeof(f), PAGE, USER_TOP, &img, &why, &need), 0);
	/* Without 'need' that is a malformed file; a load past the file's end is one too. */
	assert_int_equal(elf_parse_head(f, 100, sizeof(f), PAGE, USER_TOP, &img, &why, NULL),
	                 -ENOEXEC);
	assert_int_equal(elf_parse_head(f, 300, 0x2400, PAGE, USER_TOP, &img, &why, &need),
	                 -ENOEXEC);
	assert_string_equal(why, "PT_LOAD data beyond the end of the file");
	assert_int_equal(elf_parse_head(f, 300, 200, PAGE, USER_TOP, &img, &why, &need), -EINVAL);
}

static void test_every_bit_flip_and_cut(void **state)
{
	uint8_t good[IMG_SIZE];
	struct elf_image img;
	const char *why;
	(void)state;

	good_exec(good);
	/* Every bit of the ELF header and the program headers. */
	for (size_t i = 0; i < 64 + 3 * ELF_PHDR_SIZE; i++) {
		for (int bit = 0; bit < 8; bit++) {
			uint8_t *bad = malloc(IMG_SIZE);
			memcpy(bad, good, IMG_SIZE);
			bad[i] ^= (uint8_t)(1u << bit);
			int r = parse(bad, IMG_SIZE, &img, &why);
			if (r == 0)
				check_sane(&img, IMG_SIZE);
			else
				assert_true(r == -ENOEXEC && why != NULL);
			free(bad);
		}
	}
	/* Every length, each in an exact-size copy so ASan sees overreads. */
	for (size_t n = 0; n <= IMG_SIZE; n++) {
		uint8_t *cut = malloc(n ? n : 1);
		memcpy(cut, good, n);
		int r = parse(cut, n, &img, &why);
		if (n < 0x2800)
			assert_int_equal(r, -ENOEXEC);
		else
			check_sane(&img, n);
		free(cut);
	}
}

/* What Debian's riscv64-linux-gnu-gcc -static makes (built by CMake). */
static void test_real_static_program(void **state)
{
	FILE *fp = fopen(STATIC_PROG, "rb");
	struct elf_image img;
	const char *why = NULL;
	(void)state;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	size_t size = (size_t)ftell(fp);
	uint8_t *f = malloc(size);
	rewind(fp);
	assert_int_equal(fread(f, 1, size, fp), size);
	fclose(fp);
	int r = parse(f, size, &img, &why);
	if (r != 0)
		fail_msg("%s: %s", STATIC_PROG, why);
	check_sane(&img, size);
	assert_int_equal(img.type, ELF_ET_EXEC);
	assert_true(img.nloads >= 2);
	assert_int_equal(img.loads[0].prot, ELF_PROT_READ | ELF_PROT_EXEC);
	assert_int_equal(img.loads[0].offset, 0);
	/* The headers sit in the text segment, right after the ELF header. */
	assert_int_equal(img.phdr, img.loads[0].vaddr + 64);
	assert_false(img.exec_stack);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_static_exec),
	    cmocka_unit_test(test_static_pie),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_too_many_loads),
	    cmocka_unit_test(test_bad_arguments),
	    cmocka_unit_test(test_head_of_file),
	    cmocka_unit_test(test_every_bit_flip_and_cut),
	    cmocka_unit_test(test_real_static_program),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
