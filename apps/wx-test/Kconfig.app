config APP_WX_TEST
	bool "wx-test: shows the kernel's W^X layout, then writes to kernel text (must be caught)"
	depends on PAGING
	help
	  Prints the kernel's sections with their permissions, then writes to
	  its own text: the write must fault and be reported (exit status 3).
	  A test of the W^X kernel table, not an app to use.
