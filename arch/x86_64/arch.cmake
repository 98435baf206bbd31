# x86-64's compiler and linker flags, on kit_config (cmake/kit.cmake
# includes the configured architecture's arch.cmake).
#
# The kernel code model: the image is linked in the top 2 GiB
# (0xffffffff80000000, arch/memory.h), so symbols are sign-extended 32-bit
# immediates. No red zone: an interrupt pushes its frame right under the
# interrupted rsp, over anything a leaf function kept there. Kernel C keeps
# off the x87, MMX and SSE registers: user FP state is saved explicitly.
# The stack protector's guard is klib's global __stack_chk_guard, not the
# %fs:0x28 slot of a Linux thread (x86-64 compilers' default even
# freestanding): FS belongs to user programs.
target_compile_options(kit_config INTERFACE
  -ffreestanding -fno-stack-protector -fno-pic -fno-pie
  -ffunction-sections -fdata-sections
  -mcmodel=kernel -mno-red-zone -mno-mmx -mno-sse -mno-sse2 -mno-80387
  -mstack-protector-guard=global)
target_link_options(kit_config INTERFACE
  ${KIT_LINKER_FLAGS} -nostdlib -static -Wl,--gc-sections -Wl,-z,max-page-size=4096)
