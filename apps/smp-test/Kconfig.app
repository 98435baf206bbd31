config APP_SMP_TEST
	bool "smp-test: every CPU reports in, answers cross-CPU calls and remote TLB flushes"
	depends on SMP && PAGING
