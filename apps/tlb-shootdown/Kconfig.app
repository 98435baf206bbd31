config APP_TLB_SHOOTDOWN
	bool "tlb-shootdown: tasks of one space on every hart never read an unmapped page's old data"
	depends on SMP && PAGING
	select ADDR_SPACE
	select TASK
	help
	  A kernel-level test of remote TLB invalidation: tasks sharing one
	  address space read one of its pages on every hart but the boot
	  one, while a task on the boot hart unmaps the page and maps a new
	  frame there, round after round. A read after a remap must see the
	  new frame (or fault while the page is unmapped), never the old
	  one. Booted at 2 and 4 harts by tests/boot. A test, not an app to
	  use.
