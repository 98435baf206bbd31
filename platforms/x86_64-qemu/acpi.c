/*
 * ACPI, read at boot: the CPUs of the MADT (with SMP: board_cpu_hwids) and
 * the soft-off (S5) (ACPI 6.5: 5.2.5 RSDP, 5.2.7 RSDT, 5.2.8 XSDT, 5.2.9
 * FADT, 5.2.12 MADT, 7.4.2 \_S5; 4.8.3.2.1 PM1 control): the RSDP in
 * the BIOS area, the root table, the FADT's PM1a control block and the
 * DSDT's \_S5 package, whose first element is SLP_TYPa. Powering off
 * writes SLP_TYPa | SLP_EN there. Read before kit_start(): the tables are
 * in memory the loader marks as not RAM, which the kernel's own page table
 * leaves unmapped, and the BIOS area is in the reserved low MiB.
 *
 * The AML is not interpreted: \_S5 is a Name of a Package of constants in
 * every firmware this board meets (QEMU's: Package {0, 0, 0, 0}), and
 * anything else leaves ACPI off (acpi_s5_found() false).
 */
#include <drivers/ioport.h>
#include <hal/memmap.h>
#include <hal/smp.h>
#include <kit/board.h>
#include <klib/string.h>
#include "board.h"

/* clang-format off */
#define BIOS_AREA      0xe0000
#define BIOS_AREA_END  0x100000
#define EBDA_SEGMENT   0x40e  /* the BIOS data area's word: the EBDA's segment */
#define SDT_HEADER     36
#define FADT_DSDT      40
#define FADT_PM1A_CNT  64
#define FADT_X_DSDT    140
#define AML_PACKAGE    0x12
#define AML_BYTE       0x0a
#define AML_ONE        0x01
#define SLP_EN         (1u << 13)
#define SLP_TYP_SHIFT  10
/* clang-format on */

#define MADT_ENTRIES        44 /* past the header, the local APIC address and the flags */
#define MADT_LAPIC          0
#define MADT_X2APIC         9
#define MADT_ENABLED        (1u << 0)
#define MADT_ONLINE_CAPABLE (1u << 1)

static uint16_t pm1a_cnt;
static uint8_t slp_typa;
static bool s5_found;
#ifdef CONFIG_SMP
static uint32_t cpu_ids[HAL_NR_CPUS];
static unsigned ncpus;
#endif

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static bool sums_to_zero(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s == 0;
}

static const uint8_t *rsdp_in(uint64_t start, uint64_t end)
{
	for (uint64_t a = start; a + 20 <= end; a += 16) {
		const uint8_t *p = hal_phys_to_virt(a);

		if (memcmp(p, "RSD PTR ", 8) == 0 && sums_to_zero(p, 20))
			return p;
	}
	return NULL;
}

/* A table at pa with a valid header and checksum, or NULL. */
static const uint8_t *sdt(uint64_t pa, const char *sig)
{
	const uint8_t *t;
	uint32_t len;

	if (!pa || pa >= HAL_PHYS_LIMIT)
		return NULL;
	t = hal_phys_to_virt(pa);
	len = rd32(t + 4);
	if ((sig && memcmp(t, sig, 4) != 0) || len < SDT_HEADER || len > (1u << 20) ||
	    !sums_to_zero(t, len))
		return NULL;
	return t;
}

/* The first table with signature sig that the root table lists, or NULL. */
static const uint8_t *find_table(const uint8_t *rsdp, const char *sig)
{
	bool x = rsdp[15] >= 2 && rd64(rsdp + 24);
	const uint8_t *root = x ? sdt(rd64(rsdp + 24), "XSDT") : sdt(rd32(rsdp + 16), "RSDT");
	unsigned width = x ? 8 : 4;

	if (!root)
		return NULL;
	for (uint32_t off = SDT_HEADER; off + width <= rd32(root + 4); off += width) {
		const uint8_t *t = sdt(width == 8 ? rd64(root + off) : rd32(root + off), sig);

		if (t)
			return t;
	}
	return NULL;
}

/* \_S5: NameOp "_S5_" PackageOp PkgLength NumElements, then SLP_TYPa as a constant. */
static bool find_s5(const uint8_t *dsdt)
{
	uint32_t len = rd32(dsdt + 4);

	for (uint32_t i = SDT_HEADER; i + 10 <= len; i++) {
		const uint8_t *p = dsdt + i;

		if (memcmp(p, "_S5_", 4) != 0 || p[4] != AML_PACKAGE)
			continue;
		p += 5 + 1 + (p[5] >> 6) + 1; /* PkgLength's extra bytes, then NumElements */
		if (p >= dsdt + len - 1)
			return false;
		if (*p == AML_BYTE)
			slp_typa = p[1];
		else if (*p <= AML_ONE)
			slp_typa = *p; /* ZeroOp, OneOp */
		else
			return false;
		return true;
	}
	return false;
}

#ifdef CONFIG_SMP
/*
 * The MADT's processors (ACPI 6.5, 5.2.12.2 and 5.2.12.12): a processor
 * local APIC entry (type 0) or a local x2APIC one (type 9) each, in the
 * firmware's order, the boot CPU's among them. A CPU that is neither
 * enabled nor online-capable (flags bits 0 and 1) cannot be started.
 * Ids past CONFIG_NR_CPUS are counted, not kept.
 */
static void read_madt(const uint8_t *madt)
{
	uint32_t len;

	if (!madt)
		return;
	len = rd32(madt + 4);
	for (uint32_t off = MADT_ENTRIES; off + 2 <= len && madt[off + 1] >= 2;
	     off += madt[off + 1]) {
		const uint8_t *e = madt + off;
		uint32_t id, flags;

		if (off + e[1] > len)
			break;
		if (e[0] == MADT_LAPIC && e[1] >= 8) {
			id = e[3];
			flags = rd32(e + 4);
		} else if (e[0] == MADT_X2APIC && e[1] >= 16) {
			id = rd32(e + 4);
			flags = rd32(e + 8);
		} else {
			continue;
		}
		if (!(flags & (MADT_ENABLED | MADT_ONLINE_CAPABLE)))
			continue;
		if (ncpus < HAL_NR_CPUS)
			cpu_ids[ncpus] = id;
		ncpus++;
	}
}

unsigned board_cpu_hwids(uint64_t *ids, unsigned max)
{
	for (unsigned i = 0; i < ncpus && i < max && i < HAL_NR_CPUS; i++)
		ids[i] = cpu_ids[i];
	return ncpus;
}
#endif

void acpi_init(void)
{
	const uint16_t *ebda_seg = hal_phys_to_virt(EBDA_SEGMENT);
	uint64_t ebda = (uint64_t)*ebda_seg << 4;
	const uint8_t *rsdp = NULL, *fadt, *dsdt;

	if (ebda >= 0x80000 && ebda < 0xa0000)
		rsdp = rsdp_in(ebda, ebda + 1024);
	if (!rsdp)
		rsdp = rsdp_in(BIOS_AREA, BIOS_AREA_END);
	if (!rsdp)
		return;
#ifdef CONFIG_SMP
	read_madt(find_table(rsdp, "APIC"));
#endif
	if (!(fadt = find_table(rsdp, "FACP")) || rd32(fadt + 4) < FADT_PM1A_CNT + 4)
		return;
	dsdt = rd32(fadt + 4) >= FADT_X_DSDT + 8 && rd64(fadt + FADT_X_DSDT)
	           ? sdt(rd64(fadt + FADT_X_DSDT), "DSDT")
	           : sdt(rd32(fadt + FADT_DSDT), "DSDT");
	pm1a_cnt = (uint16_t)rd32(fadt + FADT_PM1A_CNT);
	s5_found = pm1a_cnt && dsdt && find_s5(dsdt);
}

bool acpi_s5_found(void)
{
	return s5_found;
}

void acpi_power_off(void)
{
	if (s5_found)
		ioport_out16(pm1a_cnt, (uint16_t)(slp_typa << SLP_TYP_SHIFT | SLP_EN));
}
