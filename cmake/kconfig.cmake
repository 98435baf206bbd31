# Kconfig glue, included by CMakeLists.txt before project(): the configuration
# decides the platform, and the platform decides the toolchain.
#
# A build directory owns its .config. It is created from KIT_DEFCONFIG, and
# loaded again only when that defconfig's content changes, so menuconfig edits
# in the build directory survive re-runs of CMake.

set(KIT_ROOT ${CMAKE_CURRENT_LIST_DIR}/.. CACHE INTERNAL "")
get_filename_component(KIT_ROOT ${KIT_ROOT} ABSOLUTE)
set(KIT_PYTHON /usr/bin/python3 CACHE FILEPATH "Python that sees Debian's python3-kconfiglib")
set(KIT_DEFCONFIG "" CACHE FILEPATH "defconfig loaded into a new build directory")
set(KIT_APP_DIR "" CACHE PATH "an application directory outside the tree (selects APP_EXTERNAL)")
set(KIT_DOTCONFIG ${CMAKE_BINARY_DIR}/.config)
set(KIT_GEN_DIR ${CMAKE_BINARY_DIR}/generated)

if(KIT_APP_DIR)
  get_filename_component(KIT_APP_DIR ${KIT_APP_DIR} ABSOLUTE)
endif()
set(ENV{KIT_APP_DIR} "${KIT_APP_DIR}")

if(NOT EXISTS ${KIT_PYTHON})
  message(FATAL_ERROR "${KIT_PYTHON} not found: run scripts/setup.sh first")
endif()

function(kit_kconfig)
  execute_process(
    COMMAND ${KIT_PYTHON} ${KIT_ROOT}/cmake/kconfig.py ${ARGN}
            --srctree ${KIT_ROOT} --config ${KIT_DOTCONFIG}
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "Kconfig step '${ARGV0}' failed (see the message above)")
  endif()
endfunction()

# KIT_DEFCONFIG is one defconfig, or fragments separated by commas (or
# semicolons) loaded in order, a later one overriding an earlier one: the
# board's and the app's (configs/boards/, configs/apps/).
set(_stamp ${CMAKE_BINARY_DIR}/.defconfig-loaded)
if(KIT_DEFCONFIG)
  string(REPLACE "," ";" _fragments "${KIT_DEFCONFIG}")
  set(_want "${KIT_APP_DIR}")
  set(_args)
  set(_files)
  foreach(f IN LISTS _fragments)
    get_filename_component(f ${f} ABSOLUTE)
    if(NOT EXISTS ${f})
      message(FATAL_ERROR "KIT_DEFCONFIG: ${f} does not exist")
    endif()
    file(SHA256 ${f} _hash)
    string(APPEND _want " ${f} ${_hash}")
    list(APPEND _args --defconfig ${f})
    list(APPEND _files ${f})
  endforeach()
  set(_have "")
  if(EXISTS ${_stamp})
    file(READ ${_stamp} _have)
  endif()
  if(NOT EXISTS ${KIT_DOTCONFIG} OR NOT _have STREQUAL _want)
    kit_kconfig(defconfig ${_args})
    file(WRITE ${_stamp} "${_want}")
  endif()
elseif(NOT EXISTS ${KIT_DOTCONFIG})
  message(FATAL_ERROR
    "No .config in ${CMAKE_BINARY_DIR}.\n"
    "Configure with -DKIT_DEFCONFIG=configs/boards/<board>.config,configs/apps/<app>.config "
    "(or any defconfig), or use the Makefile: make PLATFORM=... APP=...")
endif()

# Fragments on top of the loaded configuration: KIT_EXTRA_CONFIG (files,
# separated by commas; make EXTRA_CONFIG=...) and CONFIG_<X> given with -D
# (make CONFIG_X=y). They are applied to .config once and then dropped from
# the cache: like a menuconfig change, they stay in .config until the
# configuration is loaded again. (Left in the cache, a -DCONFIG_X would be
# shadowed by the generated value and ignored without a word.)
set(KIT_EXTRA_CONFIG "" CACHE STRING "configuration fragments applied on top of .config (once)")
set(_extra)
string(REPLACE "," ";" _extra_files "${KIT_EXTRA_CONFIG}")
foreach(f IN LISTS _extra_files)
  get_filename_component(f ${f} ABSOLUTE)
  list(APPEND _extra --defconfig ${f})
endforeach()
get_cmake_property(_cache_vars CACHE_VARIABLES)
foreach(v IN LISTS _cache_vars)
  if(v MATCHES "^CONFIG_[A-Za-z0-9_]+$")
    list(APPEND _extra --set "${v}=${${v}}")
    unset(${v} CACHE)
  endif()
endforeach()
if(_extra)
  kit_kconfig(merge ${_extra})
endif()
set(KIT_EXTRA_CONFIG "" CACHE STRING "configuration fragments applied on top of .config (once)" FORCE)

kit_kconfig(sync --header ${KIT_GEN_DIR}/kit/config.h --cmake ${KIT_GEN_DIR}/config.cmake)
include(${KIT_GEN_DIR}/config.cmake)

execute_process(
  COMMAND ${KIT_PYTHON} ${KIT_ROOT}/cmake/kconfig.py deps --srctree ${KIT_ROOT} --config ${KIT_DOTCONFIG}
  OUTPUT_VARIABLE _kconfig_files OUTPUT_STRIP_TRAILING_WHITESPACE)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${_kconfig_files} ${KIT_DOTCONFIG} ${KIT_ROOT}/cmake/kconfig.py)
if(KIT_DEFCONFIG)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_files})
endif()

# The toolchain follows the configured architecture. A build directory keeps
# the toolchain it was created with, so switching the platform of an existing
# build directory is refused with a clear message.
set(_tc_compiler clang)
if(CONFIG_TOOLCHAIN_GCC)
  set(_tc_compiler gcc)
endif()
set(_tc ${KIT_ROOT}/arch/${CONFIG_ARCH_NAME}/toolchain/${_tc_compiler}.cmake)
if(NOT CMAKE_TOOLCHAIN_FILE)
  set(CMAKE_TOOLCHAIN_FILE ${_tc} CACHE FILEPATH "toolchain chosen from the Kconfig arch")
elseif(DEFINED KIT_TOOLCHAIN_CHOSEN AND NOT KIT_TOOLCHAIN_CHOSEN STREQUAL _tc)
  message(FATAL_ERROR
    "This build directory was configured with ${KIT_TOOLCHAIN_CHOSEN}, but the "
    "configuration now asks for ${_tc}. Use a fresh build directory for another "
    "platform or compiler.")
endif()
set(KIT_TOOLCHAIN_CHOSEN ${_tc} CACHE INTERNAL "")
