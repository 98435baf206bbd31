/*
 * shm_stress: System V shared memory from several processes per CPU at
 * once (issue 10's SMP proof). A plain Linux program: it runs the same on
 * Linux.
 *
 *   shm_stress [workers-per-cpu [iterations]]     (default 3 and 40)
 *
 * Each worker is pinned to one CPU (sched_setaffinity) and loops:
 * shmget(IPC_PRIVATE) of 1 to 4 pages, shmat, IPC_STAT, touch every page,
 * fork a child that checks the contents and writes its own mark, shmdt in
 * the child and its exit, IPC_SET, SHM_LOCK/SHM_UNLOCK, IPC_RMID while
 * attached, shmdt. One racer per CPU walks every segment the kernel has
 * (SHM_INFO, SHM_STAT) meanwhile with IPC_STAT, an IPC_SET that changes
 * nothing, and SHM_LOCK/SHM_UNLOCK. What can be known is checked: nattch
 * (1 after shmat, 2 with the child, 1 after it), sizes, creator and last
 * pids, owners, modes (a racer's IPC_SET may write back the mode it read
 * before a worker's, but never another), SHM_DEST after IPC_RMID, the contents on both sides of the
 * fork, that a removed segment is gone after the last detach (EINVAL),
 * that no two live segments share an id (a board every process sees), the
 * errnos a racer may meet (EINVAL, EIDRM: a segment going), and that the
 * kernel's totals are back at the start at the end. Prints one summary
 * line; exits 0 when nothing was wrong.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WORKERS 64
#define PAGE        4096

/* The board: one segment every process attaches (inherited over fork). */
struct board {
	int ids[MAX_WORKERS]; /* each worker's live segment, -1: none */
	unsigned long done[MAX_WORKERS];
	unsigned long racer_ops;
	int failures;
	int stop;
	char first[200]; /* the first failure, for the summary */
};

static struct board *board;

static void fail(const char *fmt, ...)
{
	va_list ap;

	if (__atomic_fetch_add(&board->failures, 1, __ATOMIC_SEQ_CST) == 0) {
		va_start(ap, fmt);
		vsnprintf(board->first, sizeof(board->first), fmt, ap);
		va_end(ap);
	}
}

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fail(__VA_ARGS__);                                                         \
	} while (0)

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	CHECK(sched_setaffinity(0, sizeof(set), &set) == 0, "sched_setaffinity(cpu %d): %s", cpu,
	      strerror(errno));
}

static void fill(unsigned char *p, size_t len, unsigned tag)
{
	for (size_t off = 0; off < len; off += PAGE)
		memset(p + off, (int)(tag & 0xff), 64);
}

static int filled(const unsigned char *p, size_t len, unsigned tag)
{
	for (size_t off = 0; off < len; off += PAGE)
		for (int i = 0; i < 64; i++)
			if (p[off + i] != (tag & 0xff))
				return 0;
	return 1;
}

/* No other worker holds this id now (its slot is cleared before its segment can go). */
static void check_unique(int me, int nworkers, int id)
{
	for (int w = 0; w < nworkers; w++)
		if (w != me)
			CHECK(__atomic_load_n(&board->ids[w], __ATOMIC_SEQ_CST) != id,
			      "workers %d and %d hold segment id %d at once", me, w, id);
}

static void child_side(int id, unsigned char *p, size_t len, unsigned tag)
{
	struct shmid_ds ds;

	if (!filled(p, len, tag))
		_exit(10);
	if (shmctl(id, IPC_STAT, &ds) != 0 || ds.shm_nattch != 2)
		_exit(11);
	p[len - 1] = 0xc5;
	if (shmdt(p) != 0)
		_exit(12);
	_exit(0);
}

static void one_round(int me, int nworkers, unsigned it)
{
	size_t len = (size_t)(1 + (me + it) % 4) * PAGE;
	unsigned tag = (unsigned)(me * 131 + it);
	struct shmid_ds ds;
	unsigned char *p;
	int id, st;
	pid_t c;

	id = shmget(IPC_PRIVATE, len, IPC_CREAT | 0600);
	if (id < 0) {
		fail("worker %d: shmget: %s", me, strerror(errno));
		return;
	}
	p = shmat(id, NULL, 0);
	if (p == (void *)-1) {
		fail("worker %d: shmat: %s", me, strerror(errno));
		shmctl(id, IPC_RMID, NULL);
		return;
	}
	__atomic_store_n(&board->ids[me], id, __ATOMIC_SEQ_CST);
	check_unique(me, nworkers, id);
	CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 1 && ds.shm_segsz == len &&
	          ds.shm_cpid == getpid() && ds.shm_lpid == getpid(),
	      "worker %d: after shmat: nattch %lu, size %zu of %zu, cpid/lpid %d/%d (me %d)", me,
	      (unsigned long)ds.shm_nattch, (size_t)ds.shm_segsz, len, ds.shm_cpid, ds.shm_lpid,
	      getpid());
	CHECK(filled(p, len, 0), "worker %d: a new segment is not zeroed", me);
	fill(p, len, tag);

	fflush(stdout);
	c = fork();
	if (c == 0)
		child_side(id, p, len, tag);
	CHECK(c > 0, "worker %d: fork: %s", me, strerror(errno));
	if (c > 0) {
		CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "worker %d: the child's checks failed (status 0x%x)", me, st);
		CHECK(p[len - 1] == 0xc5, "worker %d: the child's write is not seen", me);
	}
	CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 1,
	      "worker %d: after the child: nattch %lu", me, (unsigned long)ds.shm_nattch);

	ds.shm_perm.mode = 0640;
	CHECK(shmctl(id, IPC_SET, &ds) == 0, "worker %d: IPC_SET: %s", me, strerror(errno));
	/* 0600 too: a racer may write back the mode it read before this IPC_SET. */
	CHECK(shmctl(id, IPC_STAT, &ds) == 0 &&
	          ((ds.shm_perm.mode & 0777) == 0640 || (ds.shm_perm.mode & 0777) == 0600) &&
	          ds.shm_perm.uid == getuid() && ds.shm_perm.cuid == getuid(),
	      "worker %d: after IPC_SET: mode 0%o, uid %u", me, ds.shm_perm.mode, ds.shm_perm.uid);
	CHECK(shmctl(id, SHM_LOCK, NULL) == 0 && shmctl(id, SHM_UNLOCK, NULL) == 0,
	      "worker %d: SHM_LOCK/SHM_UNLOCK: %s", me, strerror(errno));

	CHECK(shmctl(id, IPC_RMID, NULL) == 0, "worker %d: IPC_RMID: %s", me, strerror(errno));
	CHECK(shmctl(id, IPC_STAT, &ds) == 0 && (ds.shm_perm.mode & SHM_DEST) && ds.shm_nattch == 1,
	      "worker %d: after IPC_RMID: mode 0%o, nattch %lu", me, ds.shm_perm.mode,
	      (unsigned long)ds.shm_nattch);
	CHECK(filled(p, len, tag), "worker %d: contents changed under it", me);
	__atomic_store_n(&board->ids[me], -1, __ATOMIC_SEQ_CST);
	CHECK(shmdt(p) == 0, "worker %d: shmdt: %s", me, strerror(errno));
	errno = 0;
	CHECK(shmctl(id, IPC_STAT, &ds) == -1 && errno == EINVAL,
	      "worker %d: a removed segment after its last detach: %s", me, strerror(errno));
}

static void worker(int me, int nworkers, int cpu, unsigned iterations)
{
	pin(cpu);
	for (unsigned it = 0; it < iterations; it++) {
		one_round(me, nworkers, it);
		__atomic_store_n(&board->done[me], it + 1, __ATOMIC_SEQ_CST);
	}
	_exit(0);
}

/* A racer may meet a segment as it goes: EINVAL or EIDRM, nothing else. */
static void racer_errno(const char *what, int idx)
{
	CHECK(errno == EINVAL || errno == EIDRM, "racer: %s of index %d: %s", what, idx,
	      strerror(errno));
}

static void race_one(int idx)
{
	struct shmid_ds ds;
	int id = shmctl(idx, SHM_STAT, &ds);

	if (id < 0) {
		racer_errno("SHM_STAT", idx);
		return;
	}
	CHECK(ds.shm_nattch <= 2 || ds.shm_segsz == sizeof(struct board),
	      "racer: segment %d has %lu attachments", id, (unsigned long)ds.shm_nattch);
	CHECK(ds.shm_segsz % PAGE == 0 || ds.shm_segsz == sizeof(struct board),
	      "racer: segment %d has size %zu", id, (size_t)ds.shm_segsz);
	if (shmctl(id, IPC_SET, &ds) != 0)
		racer_errno("IPC_SET", idx);
	if (shmctl(id, SHM_LOCK, NULL) != 0)
		racer_errno("SHM_LOCK", idx);
	if (shmctl(id, SHM_UNLOCK, NULL) != 0)
		racer_errno("SHM_UNLOCK", idx);
	__atomic_fetch_add(&board->racer_ops, 1, __ATOMIC_RELAXED);
}

static void racer(int cpu)
{
	struct shm_info info;
	int max;

	pin(cpu);
	while (!__atomic_load_n(&board->stop, __ATOMIC_SEQ_CST)) {
		max = shmctl(0, SHM_INFO, (struct shmid_ds *)&info);
		CHECK(max >= 0, "racer: SHM_INFO: %s", strerror(errno));
		for (int idx = 0; idx <= max; idx++)
			race_one(idx);
		usleep(1000); /* leave the hart to the workers between passes */
	}
	_exit(0);
}

static int online_cpus(int *cpus, int max)
{
	cpu_set_t set;
	int n = 0;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return -1;
	for (int c = 0; c < CPU_SETSIZE && n < max; c++)
		if (CPU_ISSET(c, &set))
			cpus[n++] = c;
	return n;
}

int main(int argc, char **argv)
{
	int per_cpu = argc > 1 ? atoi(argv[1]) : 3, cpus[MAX_WORKERS], ncpus, nworkers, board_id,
	    st;
	unsigned iterations = argc > 2 ? (unsigned)atoi(argv[2]) : 40;
	pid_t racers[MAX_WORKERS], workers[MAX_WORKERS];
	struct shm_info before, after;
	unsigned long total = 0;

	ncpus = online_cpus(cpus, MAX_WORKERS);
	nworkers = ncpus * per_cpu;
	if (ncpus < 1 || per_cpu < 1 || nworkers > MAX_WORKERS) {
		fprintf(stderr, "shm_stress: %d cpus x %d workers per cpu: bad\n", ncpus, per_cpu);
		return 2;
	}
	if (shmctl(0, SHM_INFO, (struct shmid_ds *)&before) < 0)
		return 2;
	board_id = shmget(IPC_PRIVATE, sizeof(*board), IPC_CREAT | 0600);
	board = board_id < 0 ? (void *)-1 : shmat(board_id, NULL, 0);
	if (board == (void *)-1 || shmctl(board_id, IPC_RMID, NULL) != 0) {
		perror("shm_stress: the board");
		return 2;
	}
	for (int w = 0; w < MAX_WORKERS; w++)
		board->ids[w] = -1;
	printf("shm_stress: %d cpus (sysconf says %ld), %d workers, %u iterations each\n", ncpus,
	       sysconf(_SC_NPROCESSORS_ONLN), nworkers, iterations);
	fflush(stdout);
	for (int c = 0; c < ncpus; c++)
		if ((racers[c] = fork()) == 0)
			racer(cpus[c]);
	for (int w = 0; w < nworkers; w++)
		if ((workers[w] = fork()) == 0)
			worker(w, nworkers, cpus[w % ncpus], iterations);
	for (int w = 0; w < nworkers; w++) {
		CHECK(waitpid(workers[w], &st, 0) == workers[w] && WIFEXITED(st) &&
		          WEXITSTATUS(st) == 0,
		      "worker %d ended with status 0x%x", w, st);
		total += board->done[w];
	}
	__atomic_store_n(&board->stop, 1, __ATOMIC_SEQ_CST);
	for (int c = 0; c < ncpus; c++)
		CHECK(waitpid(racers[c], &st, 0) == racers[c] && WIFEXITED(st) &&
		          WEXITSTATUS(st) == 0,
		      "racer %d ended with status 0x%x", c, st);
	CHECK(total == (unsigned long)nworkers * iterations, "%lu of %lu rounds done", total,
	      (unsigned long)nworkers * iterations);
	printf("shm_stress: %lu rounds, %lu racer operations, %d failures%s%s\n", total,
	       board->racer_ops, board->failures, board->failures ? ", first: " : "", board->first);
	st = board->failures;
	shmdt(board);
	if (shmctl(0, SHM_INFO, (struct shmid_ds *)&after) < 0 ||
	    after.used_ids != before.used_ids || after.shm_tot != before.shm_tot) {
		printf("shm_stress: segments %d -> %d, pages %lu -> %lu\n", before.used_ids,
		       after.used_ids, before.shm_tot, after.shm_tot);
		st++;
	}
	return st != 0;
}
