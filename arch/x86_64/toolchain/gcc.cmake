# x86-64 freestanding image with GCC: the host's own gcc on an amd64 machine,
# else Debian's x86_64-linux-gnu-gcc cross compiler (package
# gcc-x86-64-linux-gnu). It targets Linux, but with -ffreestanding -nostdlib
# and our linker script it builds a bare image.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(KIT_GCC_PREFIX x86_64-linux-gnu- CACHE STRING "prefix of the GCC cross tools")
find_program(CMAKE_C_COMPILER ${KIT_GCC_PREFIX}gcc REQUIRED)
set(CMAKE_ASM_COMPILER ${CMAKE_C_COMPILER})
find_program(KIT_OBJCOPY ${KIT_GCC_PREFIX}objcopy REQUIRED)
find_program(KIT_OBJDUMP ${KIT_GCC_PREFIX}objdump)
find_program(KIT_SIZE ${KIT_GCC_PREFIX}size)
set(CMAKE_OBJCOPY ${KIT_OBJCOPY})
set(KIT_LINKER_FLAGS "")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
