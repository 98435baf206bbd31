config APP_LOCKDEP_SMP
	bool "lockdep-smp: an AB/BA lock order taken on two harts must be reported"
	depends on SMP
	select TASK
	select SYNC
	help
	  A task pinned to CPU 0 takes mutex A then B; once it is done, a
	  task pinned to CPU 1 takes B then A. The lock-order checker keeps
	  one graph for every CPU, so the second order is reported (and,
	  with SYNC_DEBUG_PANIC, the run ends with the panic status). In a
	  build without the checker (release) the orders still run, then
	  the app panics saying so. A test of the checker across CPUs, not
	  an app to use.
