config APP_STACK_TEST
	bool "stack-test: overflows the boot stack (the overflow must be caught and reported)"
	depends on PAGING
	help
	  Recurses until it runs off its stack: the trap entry must see the
	  overflow, switch to the emergency stack and report it (exit status
	  3). A test of the guard pages, not an app to use.
