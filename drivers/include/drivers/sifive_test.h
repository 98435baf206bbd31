/*
 * SiFive's test finisher ("sifive,test0"/"sifive,test1"), which QEMU's virt
 * machines use to end the run with an exit status. Any context; does not
 * return when the machine honours it.
 */
#ifndef DRIVERS_SIFIVE_TEST_H
#define DRIVERS_SIFIVE_TEST_H

/* End the run: status 0 passes, 1..65535 fails with that code (QEMU's exit status is it, masked to
 * 8 bits). */
void sifive_test_finish(void *base, unsigned status);

#endif
