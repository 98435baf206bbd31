/* riscv64 platform internals: CSR access, SBI calls, the trap frame. */
#ifndef RISCV_PLATFORM_H
#define RISCV_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>
#include <klib/fdt.h>
#include <hal/memmap.h>

#define csr_read(csr)                                              \
	({                                                         \
		unsigned long v_;                                  \
		__asm__ __volatile__("csrr %0, " #csr : "=r"(v_)); \
		v_;                                                \
	})
#define csr_write(csr, val) __asm__ __volatile__("csrw " #csr ", %0" ::"rK"(val) : "memory")
#define csr_set(csr, bits)  __asm__ __volatile__("csrs " #csr ", %0" ::"rK"(bits) : "memory")
#define csr_clear(csr, bits) __asm__ __volatile__("csrc " #csr ", %0" ::"rK"(bits) : "memory")

#define SSTATUS_SIE  (1UL << 1)
#define SSTATUS_SPIE (1UL << 5)
#define SSTATUS_SPP  (1UL << 8)
#define SIE_STIE     (1UL << 5)
#define SCAUSE_INTERRUPT (1UL << 63)
#define IRQ_S_TIMER  5

/* Saved by trap.S; x[2] is the interrupted sp. */
struct riscv_trap_frame {
	unsigned long x[32];
	unsigned long sepc, sstatus, scause, stval;
};
_Static_assert(sizeof(struct riscv_trap_frame) == 36 * 8, "trap.S frame layout");

static inline uint64_t rdtime(void)
{
	uint64_t t;

	__asm__ __volatile__("rdtime %0" : "=r"(t));
	return t;
}

/* SBI (Supervisor Binary Interface) calls into OpenSBI. */
struct sbiret {
	long error;
	long value;
};
struct sbiret sbi_call(unsigned long ext, unsigned long fid, unsigned long a0, unsigned long a1,
		       unsigned long a2);
void sbi_legacy_putchar(char c);
void sbi_set_timer(uint64_t stime);
bool sbi_probe(unsigned long ext);
void sbi_shutdown(bool failure);

/* /chosen's properties as the device tree has them (dt.c); chosen.c checks them. */
struct riscv_chosen {
	const void *bootargs, *initrd_start, *initrd_end; /* NULL: absent */
	int bootargs_len, initrd_start_len, initrd_end_len;
	void *rng_seed, *kaslr_seed; /* written over once read: seeds must not outlive their use */
	int rng_seed_len, kaslr_seed_len;
};

/* Set up by boot.c from the device tree. */
struct riscv_board {
	struct fdt fdt;
	uint64_t fdt_pa;
	uint64_t timebase_hz;
	uintptr_t uart_base; /* 0: none, console falls back to SBI */
	unsigned uart_shift;
	uintptr_t test_base; /* sifive,test finisher: pass/fail exit codes */
	uintptr_t rtc_base;  /* goldfish RTC: wall clock */
	unsigned long boot_hart;
	uint64_t entry_ticks;
	struct riscv_chosen chosen;
};
extern struct riscv_board riscv_board;

int riscv_dt_scan(void);
void riscv_memmap_init(void);
void riscv_memmap_add(uint64_t base, uint64_t size, enum hal_mem_type type);
void riscv_memmap_claim(uint64_t base, uint64_t size, enum hal_mem_type type);
void riscv_chosen_init(void);
void riscv_kstack_init(uintptr_t base);
void riscv_console_flush(void);
void riscv_timer_interrupt(void);

/* What the kernel table has at addr (for fault reports). */
const char *riscv_mmu_describe(uintptr_t addr);

#endif
