# Configure and build one defconfig into its own directory (cmake -P script,
# run as the build.<name> test so a broken config fails loudly, by name).
set(app_arg)
if(APP_DIR)
  set(app_arg -DKIT_APP_DIR=${APP_DIR})
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SRC} -B ${BIN} ${GEN} -DKIT_DEFCONFIG=${DEFCONFIG} ${app_arg}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configuring ${DEFCONFIG} failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BIN} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building ${DEFCONFIG} failed")
endif()
