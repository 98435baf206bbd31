/*
 * CMOS RTC (drivers/mc146818.h; the MC146818A data sheet). Registers 0, 2,
 * 4, 7, 8, 9 hold seconds, minutes, hours, day, month and year, in BCD
 * unless status register B's bit 2 says binary, hours in 24-hour form if
 * its bit 1 says so (else bit 7 of the hour is PM); 0x32 the century where
 * firmware keeps it (QEMU does). An update in progress (register A bit 7)
 * can tear a read: read until two agree.
 */
#include <drivers/ioport.h>
#include <drivers/mc146818.h>
#include <stdbool.h>

/* clang-format off */
#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71
#define NMI_OFF    0x80 /* keep NMIs masked while the index is set, as firmware does */
#define REG_A_UIP  0x80
#define REG_B_24H  0x02
#define REG_B_BIN  0x04
/* clang-format on */

struct rtc_time {
	unsigned sec, min, hour, day, mon, year, century;
};

static uint8_t cmos(uint8_t reg)
{
	ioport_out8(CMOS_INDEX, NMI_OFF | reg);
	return ioport_in8(CMOS_DATA);
}

static void read_once(struct rtc_time *t)
{
	while (cmos(0x0a) & REG_A_UIP)
		;
	*t = (struct rtc_time){cmos(0), cmos(2), cmos(4), cmos(7), cmos(8), cmos(9), cmos(0x32)};
}

static unsigned bcd(unsigned v)
{
	return (v >> 4) * 10 + (v & 15);
}

/* Days from 1970-01-01 to y-m-d (the proleptic Gregorian calendar's civil-from-days inverse). */
static uint64_t days_from_civil(unsigned y, unsigned m, unsigned d)
{
	uint64_t yy = m <= 2 ? y - 1 : y;
	uint64_t era = yy / 400, yoe = yy - era * 400;
	uint64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	uint64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

uint64_t mc146818_read_s(void)
{
	struct rtc_time a, b;
	uint8_t regb = cmos(0x0b);
	bool pm;

	do {
		read_once(&a);
		read_once(&b);
	} while (a.sec != b.sec || a.min != b.min || a.hour != b.hour || a.day != b.day ||
	         a.mon != b.mon || a.year != b.year);
	pm = !(regb & REG_B_24H) && (a.hour & 0x80);
	a.hour &= 0x7f;
	if (!(regb & REG_B_BIN)) {
		a.sec = bcd(a.sec), a.min = bcd(a.min), a.hour = bcd(a.hour);
		a.day = bcd(a.day), a.mon = bcd(a.mon), a.year = bcd(a.year);
		a.century = bcd(a.century);
	}
	if (!(regb & REG_B_24H))
		a.hour = a.hour % 12 + (pm ? 12 : 0);
	a.year += (a.century >= 19 && a.century <= 99 ? a.century : 20) * 100;
	if (a.mon < 1 || a.mon > 12 || a.day < 1 || a.day > 31 || a.hour > 23 || a.min > 59 ||
	    a.sec > 59 || a.year < 1970)
		return 0;
	return days_from_civil(a.year, a.mon, a.day) * 86400 + a.hour * 3600 + a.min * 60 + a.sec;
}
