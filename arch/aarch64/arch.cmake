# aarch64's compiler and linker flags, on kit_config (cmake/kit.cmake
# includes the configured architecture's arch.cmake).
#
# Kernel C keeps off the FP/SIMD registers (-mgeneral-regs-only: user FP
# state is saved explicitly, user_entry.S), uses the small code model
# (adrp-relative addressing: the image runs at its load address until
# translation is on, start.S), and calls no out-of-line atomics helpers
# (GCC's default on Linux targets; there is no libgcc here).
target_compile_options(kit_config INTERFACE
  -ffreestanding -fno-stack-protector -fno-pic -fno-pie
  -ffunction-sections -fdata-sections
  -march=armv8-a -mgeneral-regs-only -mcmodel=small
  $<$<C_COMPILER_ID:GNU>:-mno-outline-atomics>)
target_link_options(kit_config INTERFACE
  ${KIT_LINKER_FLAGS} -nostdlib -static -Wl,--gc-sections -march=armv8-a)
