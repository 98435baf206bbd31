config APP_STACK_SMASH
	bool "stack-smash: writes past a local array (the stack protector must stop it)"
	depends on STACK_PROTECTOR
	help
	  A function writes past the end of its local array, over the
	  guard CONFIG_STACK_PROTECTOR puts in its frame: it must panic
	  with "stack smashing detected" (exit status 3) instead of
	  returning. A test of the stack protector, not an app to use.
