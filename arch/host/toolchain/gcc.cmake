# The host platform: a Linux user-space process built by GCC.
set(CMAKE_C_COMPILER gcc)
set(CMAKE_ASM_COMPILER gcc)
find_program(KIT_SIZE NAMES size)
find_program(KIT_OBJDUMP NAMES objdump)
