config APP_WX_TEST
	bool "wx-test: shows the kernel's W^X layout, then writes to kernel text (must be caught)"
	depends on PAGING
