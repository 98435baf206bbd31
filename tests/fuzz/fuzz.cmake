# libFuzzer targets (clang only). Included by tests/CMakeLists.txt before
# the unit tests, so a component's tests can add one next to their model.
#
# kit_fuzz(<name> SOURCES ... [LIBS ...] [INSTRUMENT targets...] SECONDS s
#          [MAX_LEN n] [ARGS libFuzzer options...])
# builds fuzz-<name> and adds the test fuzz.<name>: the fuzzer runs for s
# seconds (KIT_FUZZ_SECONDS in the environment overrides: make fuzz) over
# tests/fuzz/corpus/<name>/, the checked-in seeds, and its own corpus in the
# build tree. The harness is compiled with -fsanitize=fuzzer; INSTRUMENT
# lists the libraries whose code it explores, compiled with coverage
# (-fsanitize=fuzzer-no-link) so that the fuzzer sees their branches.
if(CMAKE_C_COMPILER_ID STREQUAL "Clang")
  include(CheckCSourceCompiles)
  set(CMAKE_REQUIRED_FLAGS -fsanitize=fuzzer)
  check_c_source_compiles([[
    #include <stddef.h>
    #include <stdint.h>
    int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
    int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }
  ]] KIT_HAVE_LIBFUZZER)
  unset(CMAKE_REQUIRED_FLAGS)
endif()
if(NOT KIT_HAVE_LIBFUZZER)
  message(STATUS "no libFuzzer (needs clang and libclang-rt-dev): the fuzz targets are not built")
endif()

function(kit_fuzz name)
  if(NOT KIT_HAVE_LIBFUZZER)
    return()
  endif()
  cmake_parse_arguments(F "" "SECONDS;MAX_LEN;LABEL" "SOURCES;LIBS;INSTRUMENT;ARGS" ${ARGN})
  if(NOT F_MAX_LEN)
    set(F_MAX_LEN 4096)
  endif()
  add_executable(fuzz-${name} ${F_SOURCES})
  target_link_libraries(fuzz-${name} PRIVATE ${F_LIBS})
  target_compile_options(fuzz-${name} PRIVATE -fsanitize=fuzzer)
  target_link_options(fuzz-${name} PRIVATE -fsanitize=fuzzer)
  foreach(lib IN LISTS F_INSTRUMENT)
    get_target_property(_done ${lib} KIT_FUZZ_INSTRUMENTED)
    if(NOT _done)
      target_compile_options(${lib} PRIVATE -fsanitize=fuzzer-no-link)
      set_target_properties(${lib} PROPERTIES KIT_FUZZ_INSTRUMENTED ON)
    endif()
  endforeach()
  add_test(NAME fuzz.${name}
    COMMAND ${KIT_PYTHON} ${KIT_ROOT}/tests/fuzz/run_fuzz.py --name ${name} --fuzzer $<TARGET_FILE:fuzz-${name}>
            --seeds ${KIT_ROOT}/tests/fuzz/corpus/${name} --work ${CMAKE_BINARY_DIR}/fuzz/${name}
            --seconds ${F_SECONDS} --max-len ${F_MAX_LEN} -- ${F_ARGS})
  # run_fuzz.py bounds the run itself (its time plus 300 s): make fuzz runs longer ones.
  set_tests_properties(fuzz.${name} PROPERTIES LABELS "fuzz;${F_LABEL}" TIMEOUT 7200
    ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1;UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
endfunction()
