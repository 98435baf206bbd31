# riscv64's compiler and linker flags, on kit_config (cmake/kit.cmake
# includes the configured architecture's arch.cmake).
#
# Kernel code keeps off the FPU (user FP state is saved explicitly), uses the
# medany model (PC-relative addressing: the image runs at its load address
# until translation is on, start.S), and does not rely on linker relaxation
# (lld does not implement it).
if(CMAKE_C_COMPILER_ID STREQUAL "GNU")
  set(_march rv64imac_zicsr_zifencei)
  set(KIT_RISCV_MARCH_FPU rv64imafdc_zicsr_zifencei)
else()
  set(_march rv64imac)
  set(KIT_RISCV_MARCH_FPU rv64imafdc)
endif()
# Only the code that saves and restores user FP registers is built with it.
set(KIT_RISCV_MARCH_FPU ${KIT_RISCV_MARCH_FPU} CACHE INTERNAL "-march of the user-mode entry")
target_compile_options(kit_config INTERFACE
  -ffreestanding -fno-pic -fno-pie
  -ffunction-sections -fdata-sections
  -march=${_march} -mabi=lp64 -mcmodel=medany -mno-relax)
target_link_options(kit_config INTERFACE
  ${KIT_LINKER_FLAGS} -nostdlib -static -Wl,--gc-sections
  -march=${_march} -mabi=lp64)
