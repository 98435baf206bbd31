config APP_HELLO
	bool "hello: banner, then three timer interrupts"
	help
	  The smallest app: prints a banner with the platform, the
	  components linked in and the time since boot, then waits for
	  three timer interrupts. What every board must pass first.
