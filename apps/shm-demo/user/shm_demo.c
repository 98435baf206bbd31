/*
 * shm_demo: the parent. It creates the segment (IPC_PRIVATE), lays out the
 * ring in it, forks the producers and consumers (who inherit the
 * attachment), starts them together, waits for all of them, checks what
 * arrived (verify.c), then detaches, removes the segment and checks that
 * the kernel agrees it is gone. See shm_demo.h for the whole picture.
 *
 *   shm_demo [-p producers] [-c consumers] [-n messages] [-s slots]
 *            [-b max-payload] [-x fault]
 *
 * Without -x, every line it prints is a function of the arguments alone,
 * the same on every run and kernel, except the one marked "timing", which
 * no test matches. -x injects a fault (see enum demo_fault): the run must
 * then FAIL. Exit status: 0 PASS, 1 FAIL, 2 bad arguments.
 */
#define _GNU_SOURCE
#include "shm_demo.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct worker {
	pid_t pid;
	bool producer;
	uint32_t index; /* among the producers or the consumers */
};

/* What the parent learnt about the segment's life. */
struct seg_facts {
	size_t size;
	long nattch_running, nattch_after, nattch_detached;
	bool removed;
	long left;    /* segments in the namespace, compared to before */
	int info_err; /* SHM_INFO failed with this errno */
	int workers_ok, workers;
	double seconds;
};

static const char *const fault_names[] = {
    [FAULT_NONE] = "none",           [FAULT_DROP] = "drop",       [FAULT_CORRUPT] = "corrupt",
    [FAULT_DUPLICATE] = "duplicate", [FAULT_REORDER] = "reorder", [FAULT_KEEP] = "keep",
    [FAULT_CRASH] = "crash",
};

__attribute__((noreturn)) static void usage(const char *why)
{
	fprintf(
	    stderr,
	    "shm_demo: %s\n"
	    "usage: shm_demo [-p producers 1-%d] [-c consumers 1-%d] [-n messages per producer]\n"
	    "                [-s ring slots 1-%d] [-b max payload bytes 1-%d]\n"
	    "                [-x fault: drop|corrupt|duplicate|reorder|keep|crash]\n"
	    "producers * messages is at most %u\n",
	    why, DEMO_MAX_PRODUCERS, DEMO_MAX_CONSUMERS, DEMO_MAX_SLOTS, DEMO_MAX_PAYLOAD,
	    DEMO_MAX_MESSAGES);
	exit(2);
}

static uint32_t number(const char *arg, char opt, uint32_t max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v < 1 || v > max) {
		char why[80];

		snprintf(why, sizeof(why), "-%c wants a number from 1 to %u, not '%s'", opt, max,
		         arg);
		usage(why);
	}
	return (uint32_t)v;
}

static uint32_t fault_of(const char *arg)
{
	for (uint32_t f = FAULT_DROP; f < sizeof(fault_names) / sizeof(fault_names[0]); f++)
		if (strcmp(arg, fault_names[f]) == 0)
			return f;
	usage("unknown fault for -x");
}

static struct demo_config parse_args(int argc, char **argv)
{
	struct demo_config cfg = {.producers = 2,
	                          .consumers = 2,
	                          .messages = 1000,
	                          .slots = 16,
	                          .payload_max = 256,
	                          .fault = FAULT_NONE};
	int opt;

	while ((opt = getopt(argc, argv, "p:c:n:s:b:x:")) != -1) {
		switch (opt) {
		case 'p':
			cfg.producers = number(optarg, 'p', DEMO_MAX_PRODUCERS);
			break;
		case 'c':
			cfg.consumers = number(optarg, 'c', DEMO_MAX_CONSUMERS);
			break;
		case 'n':
			cfg.messages = number(optarg, 'n', DEMO_MAX_MESSAGES);
			break;
		case 's':
			cfg.slots = number(optarg, 's', DEMO_MAX_SLOTS);
			break;
		case 'b':
			cfg.payload_max = number(optarg, 'b', DEMO_MAX_PAYLOAD);
			break;
		case 'x':
			cfg.fault = fault_of(optarg);
			break;
		default:
			usage("unknown option");
		}
	}
	if (optind < argc)
		usage("unexpected argument");
	if ((uint64_t)cfg.producers * cfg.messages > DEMO_MAX_MESSAGES)
		usage("too many messages in all");
	if (cfg.fault != FAULT_NONE && cfg.messages < 4)
		usage("faults need at least 4 messages per producer");
	return cfg;
}

static size_t log_offset(const struct demo_config *cfg)
{
	size_t end = offsetof(struct demo_shared, ring) + ring_size(cfg->slots, cfg->payload_max);

	return (end + 7) & ~(size_t)7;
}

static size_t segment_size(const struct demo_config *cfg)
{
	return log_offset(cfg) + sizeof(struct demo_log) * cfg->producers * cfg->messages;
}

/* shm_nattch of the segment, or -errno. */
static long nattch(int id)
{
	struct shmid_ds ds;

	if (shmctl(id, IPC_STAT, &ds) < 0)
		return -errno;
	return (long)ds.shm_nattch;
}

/* Segments in use in this IPC namespace, or -errno. */
static long segments_in_use(void)
{
	struct shm_info info;

	if (shmctl(0, SHM_INFO, (struct shmid_ds *)&info) < 0)
		return -errno;
	return (long)info.used_ids;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Fork one worker; it runs its role on the inherited attachment. */
static pid_t spawn(struct demo_shared *sh, struct worker *w)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(w->producer ? producer_main(sh, w->index) : consumer_main(sh, w->index));
	return pid;
}

static const char *role(const struct worker *w)
{
	return w->producer ? "producer" : "consumer";
}

static struct worker *find(struct worker *w, int n, pid_t pid)
{
	for (int i = 0; i < n; i++)
		if (w[i].pid == pid)
			return &w[i];
	return NULL;
}

/* Wait for every worker, in whatever order they end. One that fails stops
 * the ring, so the others stop waiting for it. Returns how many exited 0. */
static int reap(struct demo_shared *sh, struct worker *w, int n)
{
	int ok = 0;

	for (int left = n; left > 0;) {
		int st;
		pid_t pid = wait4(-1, &st, 0, NULL);
		struct worker *x;

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			say("shm_demo: wait4 -> %s with %d workers left", errno_name(errno), left);
			break;
		}
		x = find(w, n, pid);
		if (!x)
			continue;
		left--;
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			ok++;
			continue;
		}
		ring_stop(&sh->ring);
		if (WIFSIGNALED(st))
			say("shm_demo: %s %u killed by SIG%s", role(x), x->index,
			    sigabbrev_np(WTERMSIG(st)) ? sigabbrev_np(WTERMSIG(st)) : "?");
		else
			say("shm_demo: %s %u exited with status %d", role(x), x->index,
			    WEXITSTATUS(st));
	}
	return ok;
}

/* Fork the workers, start them, wait for them. Returns how many exited 0. */
static int run_workers(struct demo_shared *sh, int id, struct seg_facts *f)
{
	const struct demo_config *cfg = &sh->cfg;
	int n = (int)(cfg->producers + cfg->consumers), forked = 0;
	struct worker *w = calloc((size_t)n, sizeof(*w));

	if (!w) {
		say("shm_demo: out of memory");
		return 0;
	}
	for (int i = 0; i < n; i++) {
		w[i].producer = (uint32_t)i < cfg->producers;
		w[i].index = w[i].producer ? (uint32_t)i : (uint32_t)i - cfg->producers;
		w[i].pid = spawn(sh, &w[i]);
		if (w[i].pid < 0) {
			say("shm_demo: fork of %s %u -> %s", role(&w[i]), w[i].index,
			    errno_name(errno));
			break;
		}
		forked++;
	}
	/* Every child holds the attachment it inherited: it waits for 'go'. */
	f->nattch_running = nattch(id);
	double t0 = now();
	atomic_store_explicit(&sh->go, forked == n ? 1 : 2, memory_order_release);
	int ok = reap(sh, w, forked);
	f->seconds = now() - t0;
	free(w);
	return forked == n ? ok : 0;
}

/* Create, attach and lay out the segment; NULL (and a message) on error. */
static struct demo_shared *create(const struct demo_config *cfg, size_t size, int *id)
{
	struct demo_shared *sh;

	*id = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);
	if (*id < 0) {
		say("shm_demo: shmget(IPC_PRIVATE, %zu bytes) -> %s", size, errno_name(errno));
		return NULL;
	}
	sh = shmat(*id, NULL, 0);
	if (sh == (void *)-1) {
		say("shm_demo: shmat -> %s", errno_name(errno));
		shmctl(*id, IPC_RMID, NULL);
		return NULL;
	}
	/* A new segment reads as zeros: only the non-zero fields are set. */
	sh->cfg = *cfg;
	sh->log_off = log_offset(cfg);
	ring_init(&sh->ring, cfg->slots, cfg->payload_max);
	return sh;
}

/* Detach, remove, and see what the kernel says about the segment now. */
static void finish(struct demo_shared *sh, int id, long before, struct seg_facts *f)
{
	bool keep = sh->cfg.fault == FAULT_KEEP; /* sh is gone after shmdt */

	f->nattch_after = nattch(id);
	if (shmdt(sh) < 0)
		say("shm_demo: shmdt -> %s", errno_name(errno));
	f->nattch_detached = nattch(id);
	if (!keep && shmctl(id, IPC_RMID, NULL) < 0)
		say("shm_demo: shmctl(IPC_RMID) -> %s", errno_name(errno));
	f->removed = nattch(id) == -EINVAL;
	long after = segments_in_use();
	f->info_err = before < 0 ? (int)-before : after < 0 ? (int)-after : 0;
	f->left = f->info_err ? -1 : after - before;
}

static bool report(const struct demo_verdict *v, const struct seg_facts *f)
{
	long procs = 1 + f->workers;
	bool nattch_ok =
	    f->nattch_running == procs && f->nattch_after == 1 && f->nattch_detached == 0;
	bool workers_ok = f->workers_ok == f->workers;
	bool seg_ok = f->removed && f->left == 0;
	bool pass = workers_ok && v->delivered && v->sums_match && nattch_ok && seg_ok;

	say("shm_demo: workers: %d of %d exited with status 0", f->workers_ok, f->workers);
	say("shm_demo: messages: %llu of %llu delivered; %llu lost, %llu duplicated, "
	    "%llu out of order, %llu corrupt",
	    (unsigned long long)v->received, (unsigned long long)v->expected,
	    (unsigned long long)v->lost, (unsigned long long)v->duplicated,
	    (unsigned long long)v->out_of_order, (unsigned long long)(v->bad_sum + v->bad_header));
	say("shm_demo: bytes moved: %llu sent, %llu received, %llu expected",
	    (unsigned long long)v->bytes_sent, (unsigned long long)v->bytes_received,
	    (unsigned long long)v->bytes_expected);
	say("shm_demo: checksums match: %s (sent %016llx, received %016llx, expected %016llx)",
	    v->sums_match ? "yes" : "no", (unsigned long long)v->sum_sent,
	    (unsigned long long)v->sum_received, (unsigned long long)v->sum_expected);
	say("shm_demo: nattch: %ld while running, %ld after the workers exited, %ld after shmdt",
	    f->nattch_running, f->nattch_after, f->nattch_detached);
	if (f->info_err)
		say("shm_demo: segment removed: %s, segments left: unknown (SHM_INFO -> %s)",
		    f->removed ? "yes" : "no", errno_name(f->info_err));
	else
		say("shm_demo: segment removed: %s, segments left: %ld", f->removed ? "yes" : "no",
		    f->left);
	if (pass)
		say("shm_demo: PASS");
	else
		say("shm_demo: FAIL:%s%s%s%s%s", workers_ok ? "" : " workers",
		    v->delivered ? "" : " messages", v->sums_match ? "" : " checksums",
		    nattch_ok ? "" : " nattch", seg_ok ? "" : " segment");
	if (v->received)
		say("shm_demo: timing (varies, not checked): %.1f ms, %.2f us per message",
		    f->seconds * 1e3, f->seconds * 1e6 / (double)v->received);
	return pass;
}

static const char *plural(uint32_t n)
{
	return n == 1 ? "" : "s";
}

int main(int argc, char **argv)
{
	struct demo_config cfg = parse_args(argc, argv);
	struct seg_facts f = {.size = segment_size(&cfg)};
	struct demo_verdict v;
	struct demo_shared *sh;
	int id;

	f.workers = (int)(cfg.producers + cfg.consumers);
	say("shm_demo: %d processes (parent, %u producer%s, %u consumer%s), %u message%s per "
	    "producer, ring of %u slot%s, payloads of 1-%u bytes",
	    1 + f.workers, cfg.producers, plural(cfg.producers), cfg.consumers,
	    plural(cfg.consumers), cfg.messages, plural(cfg.messages), cfg.slots, plural(cfg.slots),
	    cfg.payload_max);
	if (cfg.fault != FAULT_NONE)
		say("shm_demo: injecting fault '%s': this run must FAIL", fault_names[cfg.fault]);
	if (cfg.fault == FAULT_CRASH)
		setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0}); /* no core file of the crash */
	long before = segments_in_use();
	sh = create(&cfg, f.size, &id);
	if (!sh) {
		say("shm_demo: FAIL: segment");
		return 1;
	}
	say("shm_demo: segment of %zu bytes (IPC_PRIVATE), shared by every process", f.size);
	f.workers_ok = run_workers(sh, id, &f);
	if (demo_verify(sh, &v) < 0) {
		say("shm_demo: no memory to check the results");
		memset(&v, 0, sizeof(v));
	}
	finish(sh, id, before, &f);
	bool pass = report(&v, &f);
	if (cfg.fault == FAULT_KEEP)
		shmctl(id, IPC_RMID, NULL); /* checked without it; now clean up */
	return pass ? 0 : 1;
}
