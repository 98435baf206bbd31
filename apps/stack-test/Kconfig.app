config APP_STACK_TEST
	bool "stack-test: overflows the boot stack (the overflow must be caught and reported)"
	depends on PAGING
