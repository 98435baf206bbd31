/*
 * Run a function on a host thread that plays another CPU, for the per-CPU
 * cache tests (test_pcp.c, test_heap_pcp.c). The fake hal's CPU is the
 * thread's struct host_cpu (host_cpu_tls): the test is CPU 0, and a thread
 * that points its own at another id is that CPU.
 */
#ifndef PAGE_ALLOC_TEST_ON_CPU_H
#define PAGE_ALLOC_TEST_ON_CPU_H

#include "kit_test.h"
#include <hal/cpu.h>
#include <pthread.h>

struct on_cpu {
	unsigned id;
	void (*fn)(void *);
	void *arg;
};

static inline void *on_cpu_thread(void *p)
{
	struct on_cpu *o = p;
	struct host_cpu cpu = {.id = o->id};

	host_cpu_tls = &cpu;
	o->fn(o->arg);
	host_cpu_tls = NULL;
	return NULL;
}

/* Start fn(arg) on a thread that is CPU o->id; the caller joins it. */
static inline pthread_t start_on_cpu(struct on_cpu *o)
{
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, on_cpu_thread, o), 0);
	return t;
}

/* Run fn(arg) on a thread that is CPU 'id', and wait for it. */
static inline void run_on_cpu(unsigned id, void (*fn)(void *), void *arg)
{
	struct on_cpu o = {id, fn, arg};

	KIT_TEST_WAIT("a CPU thread", pthread_join(start_on_cpu(&o), NULL));
}

#endif
