/*
 * pcprof: a QEMU TCG plugin (API version 1, as QEMU 7.2 has it) that counts
 * how often each guest instruction at or above a given address runs, and
 * writes "address count" lines to a file when QEMU exits. pcprof.py turns
 * them into instructions per function of the image's ELF: a profile of the
 * kernel in instructions, which load on the host does not move.
 *
 *   gcc -shared -fPIC -O2 -o pcprof.so bench/profile/pcprof.c
 *   qemu-system-... -accel tcg,thread=single \
 *     -plugin ./pcprof.so,from=0xffffffff80000000,out=prof.txt ...
 *
 * from= (default 0: everything) keeps the table to the kernel's addresses;
 * until=ADDR writes the counts as they stand when the instruction at ADDR
 * first runs (at any address, counted or not: a user program's entry gives
 * a profile of the boot up to it) instead of at exit;
 * thread=single, so the counters are not raced by several vCPU threads.
 * The declarations are those of qemu/include/qemu/qemu-plugin.h (v1).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))
QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;
typedef struct qemu_info_t qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
                                            qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn,
                                                enum qemu_plugin_op op, void *ptr, uint64_t imm);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);

/* One counter per instruction address, in an open-addressed table that only grows. */
struct slot {
	uint64_t va, count;
};

static struct slot *table;
static size_t size = 1 << 16, used;
static uint64_t from, until;
static int written; /* the counts went out at until= */
static const char *out = "pcprof.txt";

static struct slot *lookup(struct slot *t, size_t n, uint64_t va)
{
	size_t i = (size_t)(va * 0x9e3779b97f4a7c15ull >> 20) & (n - 1);

	while (t[i].va && t[i].va != va)
		i = (i + 1) & (n - 1);
	return &t[i];
}

/*
 * Growing would move the counters the translated code adds to, so the
 * table is never moved: when it is half full, new addresses go uncounted
 * and the output says how many were dropped.
 */
static uint64_t dropped;

static void write_counts(void)
{
	FILE *f = fopen(out, "w");

	if (!f) {
		perror(out);
		return;
	}
	for (size_t i = 0; i < size; i++)
		if (table[i].va && table[i].count)
			fprintf(f, "%#" PRIx64 " %" PRIu64 "\n", table[i].va, table[i].count);
	if (dropped)
		fprintf(f, "# dropped %" PRIu64 " addresses: the table (size=) is too small\n",
		        dropped);
	if (until && !written)
		fprintf(f, "# until=%#" PRIx64 " never ran: counts at exit\n", until);
	fclose(f);
}

/* The first run of until=: the instructions before it, and none after. */
static void on_until(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	(void)udata;
	if (!written) {
		written = 1;
		write_counts();
	}
}

static void plugin_exit(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	if (!written)
		write_counts();
}

static void on_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	for (size_t k = 0; k < n; k++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, k);
		uint64_t va = qemu_plugin_insn_vaddr(insn);
		struct slot *s;

		if (until && va == until && !written) /* before its own count: what ran before it */
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_until,
			                                       QEMU_PLUGIN_CB_NO_REGS, NULL);
		if (va < from)
			continue;
		s = lookup(table, size, va);
		if (!s->va) {
			if (used * 2 >= size) {
				dropped++;
				continue;
			}
			s->va = va;
			used++;
		}
		qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
		                                           &s->count, 1);
	}
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                           char **argv)
{
	(void)info;
	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "from=", 5))
			from = strtoull(argv[i] + 5, NULL, 0);
		else if (!strncmp(argv[i], "until=", 6))
			until = strtoull(argv[i] + 6, NULL, 0);
		else if (!strncmp(argv[i], "out=", 4))
			out = argv[i] + 4;
		else if (!strncmp(argv[i], "size=", 5))
			size = (size_t)1 << strtoul(argv[i] + 5, NULL, 0);
	}
	table = calloc(size, sizeof(*table));
	if (!table)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_trans);
	qemu_plugin_register_atexit_cb(id, plugin_exit, NULL);
	return 0;
}
