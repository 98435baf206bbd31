# Processes and the Linux system-call layer on the host, for the unit tests
# of tests/unit/process and tests/unit/linux-abi. Kconfig keeps PROCESS_RUN
# off on the host (it needs HAL_USER: the host has no user mode), so the
# components leave those sources out; here they are built anyway, as
# process-run and linux-abi-run, over:
#   - a fake hal/user.h (support/fake_user.c): user programs are C functions;
#   - real tasks on the host platform (host_hal: context switches, the tick);
#   - the real page-alloc, paging and addr-space over host memory, and the
#     real ipc-shm.
# Real builds are untouched: only these test libraries get the sources.
get_target_property(_dir process SOURCE_DIR)
get_target_property(_src process SOURCES)
list(TRANSFORM _src PREPEND ${_dir}/ REGEX "^[^/]")
get_property(_run GLOBAL PROPERTY PROCESS_RUN_SOURCES)
list(APPEND _src ${_run})
list(REMOVE_DUPLICATES _src)
add_library(process-run STATIC ${_src})
get_target_property(_inc process INTERFACE_INCLUDE_DIRECTORIES)
target_include_directories(process-run PUBLIC ${_inc})
target_link_libraries(process-run PUBLIC kit_config klib hal random page-alloc addr-space task)

get_target_property(_dir linux-abi SOURCE_DIR)
get_target_property(_src linux-abi SOURCES)
list(TRANSFORM _src PREPEND ${_dir}/ REGEX "^[^/]")
get_property(_run GLOBAL PROPERTY LINUX_ABI_RUN_SOURCES)
list(APPEND _src ${_run})
list(REMOVE_DUPLICATES _src)
add_library(linux-abi-run STATIC ${_src})
target_include_directories(linux-abi-run PUBLIC ${_dir}/include)
target_link_libraries(linux-abi-run PUBLIC kit_config klib hal random page-alloc addr-space task
  process-run ipc-shm vfs tmpfs devfs procfs)
if(TARGET sync)
  target_link_libraries(linux-abi-run PUBLIC sync) # ipc-shm's locks are sync mutexes then
endif()

# The fake user mode and the tests' environment (support/proc_test.h). An
# object library: process-run calls the fake's hal_user_*(), the fake calls
# process, so no order of static libraries would do.
add_library(kit_proc_test OBJECT support/fake_user.c support/proc_test.c)
target_include_directories(kit_proc_test PUBLIC support ${CMOCKA_INCLUDE_DIR})
target_link_libraries(kit_proc_test PUBLIC kit_config process-run addr-space paging page-alloc
  task host_task_stack host_hal klib)
# The static riscv64 program that exec loads: tests/unit/process builds it.
set(KIT_STATIC_PROG ${CMAKE_CURRENT_BINARY_DIR}/process/static_prog.riscv64)
target_compile_definitions(kit_proc_test PRIVATE STATIC_PROG="${KIT_STATIC_PROG}")
add_dependencies(kit_proc_test process-static-prog)
