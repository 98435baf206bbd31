# x86-64 freestanding image with clang + lld (works on any machine with clang).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER clang)
set(CMAKE_ASM_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET x86_64-unknown-elf)
set(CMAKE_ASM_COMPILER_TARGET x86_64-unknown-elf)
find_program(KIT_OBJCOPY NAMES llvm-objcopy llvm-objcopy-14 llvm-objcopy-15 llvm-objcopy-16 REQUIRED)
find_program(KIT_OBJDUMP NAMES llvm-objdump llvm-objdump-14 llvm-objdump-15 llvm-objdump-16)
find_program(KIT_SIZE NAMES llvm-size llvm-size-14 llvm-size-15 llvm-size-16)
set(CMAKE_OBJCOPY ${KIT_OBJCOPY})
set(KIT_LINKER_FLAGS "-fuse-ld=lld")
# The compiler cannot link a test program without our linker script.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
