#include "fake_env.h"
#include <hal/boot.h>
#include <hal/cpu.h>
#include <hal/time.h>
#include <string.h>

enum fake_clock fake_clock_mode = FAKE_CLOCK_JITTERY;
uint64_t fake_clock_ns = 1000000;
unsigned fake_cpu;
uint8_t fake_seed[64];
size_t fake_seed_len;
static uint32_t lcg = 12345;

uint64_t hal_time_ns(void)
{
	uint64_t now = fake_clock_ns;

	if (fake_clock_mode == FAKE_CLOCK_METRONOME) {
		fake_clock_ns += 100;
	} else if (fake_clock_mode == FAKE_CLOCK_JITTERY) {
		lcg = lcg * 1103515245u + 12345u;
		fake_clock_ns += 1 + (lcg >> 16) % 400;
	}
	return now;
}

size_t hal_boot_entropy(void *buf, size_t len)
{
	size_t n = len < fake_seed_len ? len : fake_seed_len;

	memcpy(buf, fake_seed, n);
	memset(fake_seed, 0, sizeof(fake_seed));
	fake_seed_len = 0;
	return n;
}

unsigned fake_cpu_id(void)
{
	return fake_cpu;
}

/* The host architecture's inline interrupt flag (arch/host/include/arch/cpu.h):
 * per CPU thread with SMP, one variable without. */
#ifdef CONFIG_SMP
__thread int host_irq_off;
/* hal_cpu_id() reads the CPU thread's struct: this test's one thread is CPU 0. */
static struct host_cpu fake_host_cpu;
__thread struct host_cpu *host_cpu_tls = &fake_host_cpu;
#else
volatile int host_irq_off;
#endif

void host_irq_enable_and_replay(void)
{
	host_irq_off = 0; /* nothing is ever pending */
}
