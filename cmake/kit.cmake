# Build conventions shared by every component, platform and app: the common
# compiler flags (the architecture adds its own), and the helpers
# kit_component(), kit_app(), kit_image() and kit_sources_ifdef() that keep
# each CMakeLists.txt a few lines long.

set(CMAKE_C_STANDARD 11)
set(CMAKE_C_STANDARD_REQUIRED ON)
set(CMAKE_C_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)

# Every target links kit_config: it carries the generated configuration
# (-imacros, like Zephyr, so no file can forget it) and the common flags.
add_library(kit_config INTERFACE)
target_include_directories(kit_config INTERFACE ${KIT_GEN_DIR})
target_compile_options(kit_config INTERFACE
  -imacros ${KIT_GEN_DIR}/kit/config.h
  -Wall -Wextra -Werror -g -fno-common
  -fmacro-prefix-map=${KIT_ROOT}/=
  $<$<COMPILE_LANGUAGE:C>:-Wstrict-prototypes -Wmissing-prototypes -Wshadow>)

if(CONFIG_OPTIMIZE_SIZE)
  target_compile_options(kit_config INTERFACE -Os)
elseif(CONFIG_OPTIMIZE_DEBUG)
  target_compile_options(kit_config INTERFACE -Og)
else()
  target_compile_options(kit_config INTERFACE -O2)
endif()

# Frame records (Kconfig FRAME_POINTER) before the architecture's flags, so
# that the host's sanitizer builds, which need them, keep them.
if(CONFIG_FRAME_POINTER)
  target_compile_options(kit_config INTERFACE -fno-omit-frame-pointer)
else()
  target_compile_options(kit_config INTERFACE -fomit-frame-pointer)
endif()

# The architecture's own flags (arch/<arch>/arch.cmake): -march, the code
# model, freestanding or hosted, sanitizers.
include(${KIT_ROOT}/arch/${CONFIG_ARCH_NAME}/arch.cmake)

# The command that partial-links objects for cmake/kit_exports.py: the
# compiler driver with the target's and the linker's flags.
set(KIT_PARTIAL_LINK ${CMAKE_C_COMPILER})
if(CMAKE_C_COMPILER_TARGET)
  list(APPEND KIT_PARTIAL_LINK --target=${CMAKE_C_COMPILER_TARGET})
endif()
if(KIT_LINKER_FLAGS)
  list(APPEND KIT_PARTIAL_LINK ${KIT_LINKER_FLAGS})
endif()

# After the architecture's flags, so that the option is what decides
# (klib's stack_protector.c has the failure path and, freestanding, the guard).
if(CONFIG_STACK_PROTECTOR_STRONG)
  target_compile_options(kit_config INTERFACE -fstack-protector-strong)
elseif(CONFIG_STACK_PROTECTOR)
  target_compile_options(kit_config INTERFACE -fstack-protector)
else()
  target_compile_options(kit_config INTERFACE -fno-stack-protector)
endif()

# kit_component(<name> [SOURCES ...] [DEPS ...])
# A component is a static library (an interface library when it has no
# sources) with its public headers in include/<name>/. DEPS are the components
# whose headers it may include; nothing else is visible to it. The library
# shows only what those headers declare: after it is built, its objects are
# linked into one and every other global becomes local (cmake/kit_exports.py),
# so a component cannot call another's internals, even by declaring them.
function(kit_component name)
  cmake_parse_arguments(C "" "" "SOURCES;DEPS" ${ARGN})
  if(C_SOURCES)
    add_library(${name} STATIC ${C_SOURCES})
    target_include_directories(${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
    target_link_libraries(${name} PUBLIC kit_config ${C_DEPS})
    add_custom_command(TARGET ${name} POST_BUILD
      COMMAND ${KIT_PYTHON} ${KIT_ROOT}/cmake/kit_exports.py localize $<TARGET_FILE:${name}>
              ${CMAKE_CURRENT_SOURCE_DIR}/include --nm ${CMAKE_NM} --ar ${CMAKE_AR}
              --objcopy ${CMAKE_OBJCOPY} -- ${KIT_PARTIAL_LINK}
      VERBATIM)
    set_property(GLOBAL APPEND PROPERTY KIT_LINKED_COMPONENTS ${name})
    set_property(GLOBAL PROPERTY KIT_COMPONENT_DEPS_${name} ${C_DEPS})
  else()
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${CMAKE_CURRENT_SOURCE_DIR}/include)
    target_link_libraries(${name} INTERFACE kit_config ${C_DEPS})
  endif()
  set_property(GLOBAL APPEND PROPERTY KIT_ENABLED_COMPONENTS ${name})
  set_property(GLOBAL APPEND PROPERTY KIT_REQUIRED_TARGETS ${C_DEPS})
  # Its own log level (Kconfig.log: <NAME>_LOG_LEVEL, -1 for LOG_LEVEL).
  string(TOUPPER ${name} sym)
  string(REPLACE "-" "_" sym ${sym})
  if(C_SOURCES AND DEFINED CONFIG_${sym}_LOG_LEVEL AND NOT CONFIG_${sym}_LOG_LEVEL EQUAL -1)
    target_compile_definitions(${name} PRIVATE KLOG_LEVEL=${CONFIG_${sym}_LOG_LEVEL})
  endif()
endfunction()

# kit_app(SOURCES ... [DEPS ...]): the application, linked into the image.
# DEPS names the components the app calls; a disabled one is a clear error.
# kit_app(SOURCES ... DEPS ... [INITRD file APPEND "command line"]): INITRD and
# APPEND are what the image boots with by default (run.json; make run).
function(kit_app)
  cmake_parse_arguments(A "" "INITRD;APPEND" "SOURCES;DEPS" ${ARGN})
  set_property(GLOBAL PROPERTY KIT_RUN_INITRD "${A_INITRD}")
  set_property(GLOBAL PROPERTY KIT_RUN_APPEND "${A_APPEND}")
  add_library(app STATIC ${A_SOURCES})
  target_link_libraries(app PUBLIC kit_config kit_start ${A_DEPS})
  set_property(GLOBAL APPEND PROPERTY KIT_REQUIRED_TARGETS ${A_DEPS})
endfunction()

# Fail early, naming the missing piece, if anything links a component the
# configuration left out (Kconfig 'depends on' should already prevent it).
function(kit_check_targets)
  get_property(req GLOBAL PROPERTY KIT_REQUIRED_TARGETS)
  list(REMOVE_DUPLICATES req)
  foreach(t IN LISTS req)
    if(NOT TARGET ${t})
      string(TOUPPER ${t} sym)
      string(REPLACE "-" "_" sym ${sym})
      message(FATAL_ERROR "'${t}' is needed (DEPS) but not enabled in the configuration: set "
                          "CONFIG_${sym}=y (an app outside the tree: in its app.config; or make menuconfig), "
                          "or fix the Kconfig dependency")
    endif()
  endforeach()
endfunction()

# kit_sources_ifdef(<target> <CONFIG_X> <files...>): sources built only when
# the option is set, one line per option (as Zephyr's
# zephyr_library_sources_ifdef).
macro(kit_sources_ifdef target option)
  if(${option})
    target_sources(${target} PRIVATE ${ARGN})
  endif()
endmacro()

# kit_image(): the app, the board, the architecture, the drivers and every
# linked component in one binary.
# The platform's kit_platform_image() adds the linker script, the flat binary
# and the description of how to run it (run.json).
function(kit_image)
  get_property(comps GLOBAL PROPERTY KIT_ENABLED_COMPONENTS)
  get_property(linked GLOBAL PROPERTY KIT_LINKED_COMPONENTS)
  list(JOIN comps " " KIT_COMPONENT_LIST)
  configure_file(${KIT_ROOT}/cmake/components.c.in ${KIT_GEN_DIR}/kit_components.c @ONLY)
  add_executable(image ${KIT_GEN_DIR}/kit_components.c)
  # klib calls back into the start-up code (klib_port_*), which calls the
  # platform: a group lets GNU ld resolve those cycles (lld needs no help).
  set(base)
  foreach(t platform arch drivers boot_fdt)
    if(TARGET ${t})
      list(APPEND base ${t})
    endif()
  endforeach()
  target_link_libraries(image PRIVATE kit_config
    -Wl,--start-group app kit_start ${base} ${linked} -Wl,--end-group)
  target_link_options(image PRIVATE -Wl,-Map=${CMAKE_BINARY_DIR}/image.map)
  kit_platform_image(image)
endfunction()

# The app's expected output: apps/<app>/expected-<platform>.txt if present,
# else apps/<app>/expected.txt (empty if the app has none).
function(kit_expected_file out)
  set(f ${KIT_APP_SOURCE_DIR}/expected-${CONFIG_PLATFORM_NAME}.txt)
  if(NOT EXISTS ${f})
    set(f ${KIT_APP_SOURCE_DIR}/expected.txt)
  endif()
  if(NOT EXISTS ${f})
    set(f "")
  endif()
  set(${out} ${f} PARENT_SCOPE)
endfunction()
