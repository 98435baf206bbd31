# The host's compiler flags, on kit_config (cmake/kit.cmake includes the
# configured architecture's arch.cmake): a hosted Linux build, optionally
# with AddressSanitizer and UBSan (the unit tests).
option(KIT_SANITIZE "Build host code with AddressSanitizer and UBSan" OFF)
target_compile_definitions(kit_config INTERFACE _GNU_SOURCE)
if(KIT_SANITIZE)
  set(_san -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_compile_options(kit_config INTERFACE ${_san})
  target_link_options(kit_config INTERFACE ${_san})
endif()
