config APP_HELLO
	bool "hello: banner, then three timer interrupts"
