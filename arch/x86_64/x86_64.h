/* x86-64 architecture internals, shared by the files of arch/x86_64. */
#ifndef X86_64_ARCH_H
#define X86_64_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <arch/cpu.h>

/* clang-format off */
/* Segment selectors (gdt in start.S), in Linux's places: the ring-3 ones are what
 * syscall/sysret derive from IA32_STAR. */
#define SEL_KERNEL_CS 0x10
#define SEL_KERNEL_DS 0x18
#define SEL_USER32_CS 0x23 /* IA32_STAR's sysret base: user data is +8, 64-bit user code +16 */
#define SEL_USER_DS   0x2b
#define SEL_USER_CS   0x33
#define SEL_TSS       0x40

#define MSR_APIC_BASE    0x1b
#define MSR_TSC_DEADLINE 0x6e0
#define MSR_EFER         0xc0000080
#define MSR_STAR         0xc0000081
#define MSR_LSTAR        0xc0000082
#define MSR_FMASK        0xc0000084
#define MSR_FS_BASE      0xc0000100
#define MSR_GS_BASE      0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define EFER_SCE         (1u << 0)

#define CPUID1_ECX_X2APIC       (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID1_ECX_RDRAND       (1u << 30)
#define CPUID1_EDX_APIC         (1u << 9)
#define CPUID81_EDX_PDPE1GB     (1u << 26)
#define CPUID7_EBX_SMEP         (1u << 7)
#define CPUID7_EBX_SMAP         (1u << 20)

/* Vectors: 0-31 exceptions; the PIC's lines, should one slip through, at 32-47
 * (i8259.c); the local APIC's. */
#define VEC_DE       0
#define VEC_DB       1
#define VEC_BP       3
#define VEC_UD       6
#define VEC_NM       7
#define VEC_DF       8
#define VEC_GP       13
#define VEC_PF       14
#define VEC_MF       16
#define VEC_AC       17
#define VEC_XM       19
#define VEC_TIMER    0xec
#define VEC_IPI      0xf0 /* cross-CPU calls and kicks (smp.c): a class above the timer's */
#define VEC_SPURIOUS 0xff
/* clang-format on */

/* Saved by trap.S: the general registers, then what the CPU pushed. */
struct x86_64_trap_frame {
	unsigned long r15, r14, r13, r12, r11, r10, r9, r8;
	unsigned long rbp, rdi, rsi, rdx, rcx, rbx, rax;
	unsigned long vector, error;
	unsigned long rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct x86_64_trap_frame) == 22 * 8, "trap.S frame layout");

struct cpuid {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid cpuid(uint32_t leaf, uint32_t sub)
{
	struct cpuid r;

	__asm__ __volatile__("cpuid"
	                     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
	                     : "a"(leaf), "c"(sub));
	return r;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ __volatile__("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
	                     : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr3" ::"r"(v) : "memory");
}

/* Each CPU's data (boot.c), by logical id: its GS base points at its own. */
extern struct x86_64_cpu x86_64_cpus[];
/* start.S's GDT, the boot CPU's; the others copy it (boot.c). */
extern uint64_t x86_64_gdt[];
/* The boot page tables (start.S): root, the low/direct-map GiBs, the image's GiB. */
extern uint64_t x86_64_boot_pml4[512], x86_64_boot_pdpt_low[512];
#ifdef CONFIG_X86_64_LA57
/* 5-level paging: the PML5 is the root, its entries 0 and 511 are the boot PML4 (start.S). */
extern uint64_t x86_64_boot_pml5[512];
#define X86_64_BOOT_ROOT x86_64_boot_pml5
#define X86_64_VA_BITS   57
#else
#define X86_64_BOOT_ROOT x86_64_boot_pml4
#define X86_64_VA_BITS   48
#endif
/* rdtsc at the first instruction (start.S). */
extern uint64_t x86_64_entry_tsc;

/* The calling CPU's double fault stack (boot.c): the lowest address, for the stack check. */
uintptr_t x86_64_overflow_stack_bottom(void);
/* The calling CPU's data, GDT, TSS, IDT and user-mode setup (boot.c). Interrupts off. */
void x86_64_cpu_setup(unsigned cpu);
/* The IDT, every vector to trap.S's stubs, built once (trap.c); loaded on the calling CPU. */
void x86_64_trap_init(void);
void x86_64_trap_load(void);
/* The local APIC (apic.c): on for the calling CPU, spurious vector set, everything masked. */
int x86_64_apic_init(void);
uint32_t x86_64_apic_read(unsigned reg);
void x86_64_apic_write(unsigned reg, uint32_t v);
void x86_64_apic_eoi(void);
/*
 * Send an interrupt command (SDM vol. 3, 11.6.1): icr's low word (vector,
 * delivery mode, level, shorthand) to the local APIC whose id is dest. Waits
 * until an xAPIC has taken the previous one. Interrupts off.
 */
void x86_64_apic_send(uint32_t dest, uint32_t icr);
/* The local APIC timer on an application processor, as x86_64_time_init left the boot CPU's. */
void x86_64_time_cpu_init(void);
/* The IPI (smp.c), after its end of interrupt, interrupts off. */
void x86_64_ipi_interrupt(void);
/* Flush a range on other CPUs by a cross-CPU call of invlpg (smp.c); interrupts off. */
void x86_64_flush_remote(uint64_t cpus, unsigned asid, uintptr_t va, size_t len);
/* The kernel's page table (the boot one until it has its own), for CR3, PCID 0 (mmu.c). */
uint64_t x86_64_mmu_kernel_cr3(void);
/* An application processor's first flush on the kernel's page table, and its PCIDs (mmu.c). */
void x86_64_mmu_cpu_init(void);
/* The page an application processor starts at (trampoline.S, below 1 MiB); copied by early.c. */
#define X86_64_TRAMPOLINE_PA 0x8000ul
extern const char x86_64_trampoline[], x86_64_trampoline_end[];
/* The timer's interrupt (time.c), after its end of interrupt, interrupts off. */
void x86_64_timer_interrupt(void);
/* What a halt with interrupts off held back (struct x86_64_cpu's deferred). */
#define X86_64_DEFER_TIMER 1
#define X86_64_DEFER_KICK  2
/* Make the held-back timer interrupt come again (time.c); interrupts off. */
bool x86_64_timer_refire(void);
/*
 * An interrupt's handling, from ring 0 or ring 3 alike (trap.c), interrupts
 * off; it may switch tasks. False for a vector that is no known interrupt.
 */
bool x86_64_interrupt(unsigned long vector);
/* The per-CPU user-mode setup (user.c): syscall's MSRs, SSE, XSAVE, SMEP, SMAP. Interrupts off. */
void x86_64_user_cpu_init(void);

#endif
