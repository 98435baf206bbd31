config APP_LINUX
	bool "linux: run a static Linux riscv64 program from the initrd"
	depends on HAL_USER && PAGING
	select ADDR_SPACE
	select TASK
	select SYNC
	select PROCESS
	select PROCESS_RUN
	select LINUX_ABI
	help
	  The first process is the program the kernel command line names
	  (init=/path -- args), read from the cpio initrd QEMU loads with
	  -initrd. The kernel reports the page allocator's free frames at boot
	  and at shutdown, and exits with the program's status. See
	  docs/linux-programs.md; `make run APP=linux PROG=... ARGS=...`.
