config APP_SHM_DEMO
	bool "shm-demo: Linux processes exchanging data through a System V shared-memory ring"
	depends on HAL_USER && PAGING
	select ADDR_SPACE
	select TASK
	select SYNC
	select IPC_SHM
	select PROCESS
	select PROCESS_RUN
	select LINUX_ABI
	help
	  The linux app's kernel with an initrd of its own: apps/shm-demo/user's
	  static riscv64 programs (shm_demo, shm_bench), built with Debian's
	  riscv64-linux-gnu-gcc. By default it runs shm_demo: producers and
	  consumers in separate processes move messages through a ring in one
	  segment, and the parent verifies every byte.
