# The host's compiler flags, on kit_config (cmake/kit.cmake includes the
# configured architecture's arch.cmake): a hosted Linux build, optionally
# with AddressSanitizer and UBSan (KIT_SANITIZE=ON: the unit tests) or
# ThreadSanitizer (KIT_SANITIZE=thread: tests/unit/matrix.py's tsan
# variant, CPUs as threads).
set(KIT_SANITIZE OFF CACHE STRING "Build host code with sanitizers: ON (ASan+UBSan), thread (TSan), OFF")
target_compile_definitions(kit_config INTERFACE _GNU_SOURCE)
if(KIT_SANITIZE STREQUAL "thread")
  set(_san -fsanitize=thread -fno-omit-frame-pointer)
elseif(KIT_SANITIZE)
  set(_san -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
endif()
if(_san)
  target_compile_options(kit_config INTERFACE ${_san})
  target_link_options(kit_config INTERFACE ${_san})
endif()
