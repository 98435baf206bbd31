# The host platform: a Linux user-space process built by clang.
set(CMAKE_C_COMPILER clang)
set(CMAKE_ASM_COMPILER clang)
find_program(KIT_SIZE NAMES llvm-size llvm-size-14 size)
find_program(KIT_OBJDUMP NAMES llvm-objdump llvm-objdump-14 objdump)
