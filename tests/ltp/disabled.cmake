# LTP cases that cannot pass yet: KIT_LTP_DISABLED_<test> says what is missing.
# CTest lists them as disabled (ctest -N shows them); remove a line when its
# test passes.
