config APP_SMP_TEST
	bool "smp-test: every CPU reports in, answers cross-CPU calls and remote TLB flushes"
	depends on SMP && PAGING
	help
	  A kernel-level test of the hal's SMP primitives: every CPU the
	  device tree lists comes up and reports its hart id, answers
	  waited and unwaited cross-CPU calls, and after a remote TLB flush
	  of a page remapped to a new frame reads the new frame. Booted at
	  1, 2, 4 and 8 harts by tests/boot.
