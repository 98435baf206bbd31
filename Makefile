# Thin front end over CMake. Everything here is also reachable with cmake
# directly; see docs/getting-started.md.
#
#   make run                         boot the default image in QEMU
#   make run PLATFORM=host APP=hello pick another platform/app
#   make run-uboot                   the same image through OpenSBI -> U-Boot -> booti
#   make debug                       start halted, wait for gdb-multiarch on GDB_PORT
#   make test                        every unit and boot test (what CI runs)
#   make bench                       host micro-benchmarks (docs/benchmarks.md)
#   make bench-shm [BENCH_ARGS=n]    ipc-shm and Linux's shm syscalls side by side
#   make menuconfig|savedefconfig|olddefconfig   edit the build's configuration
#   make defconfig CONFIG=configs/x_defconfig    (re)load a defconfig into its build dir
#   make APP_DIR=/path/to/app CONFIG=/path/to/app/defconfig run   an app outside the tree

PLATFORM ?= riscv64-qemu-virt
APP      ?= hello
ifdef APP_DIR
CONFIG   ?= $(APP_DIR)/$(PLATFORM)_defconfig
NAME     ?= $(PLATFORM)_$(notdir $(abspath $(APP_DIR)))
else
CONFIG   ?= configs/$(PLATFORM)_$(APP)_defconfig
NAME     ?= $(patsubst %_defconfig,%,$(notdir $(CONFIG)))
endif
BUILD    ?= build/$(NAME)
GDB_PORT ?= 1234
PY       := /usr/bin/python3
GENERATOR := $(if $(shell command -v ninja),-G Ninja,)
JOBS     ?= $(shell nproc)

.PHONY: all build configure run run-uboot debug test unit-test bench bench-shm setup menuconfig guiconfig \
	savedefconfig olddefconfig defconfig clean help

all: build

help:
	@sed -n '2,13p' Makefile | sed 's/^# \{0,1\}//'

setup:
	@scripts/setup.sh

configure: setup
	@mkdir -p build
	@test -f $(CONFIG) || { echo "make: no such defconfig: $(CONFIG) (see configs/)"; exit 2; }
	@cmake -S . -B $(BUILD) $(GENERATOR) -DKIT_DEFCONFIG=$(abspath $(CONFIG)) \
		$(if $(APP_DIR),-DKIT_APP_DIR=$(abspath $(APP_DIR))) > $(BUILD).configure.log 2>&1 \
		|| { cat $(BUILD).configure.log; exit 1; }

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@$(PY) scripts/run.py $(BUILD)

run-uboot: build
	@$(PY) scripts/run.py --boot uboot $(BUILD)

debug: build
	@$(PY) scripts/run.py --gdb $(GDB_PORT) $(BUILD)

# Unit tests (host, ASan+UBSan) and boot tests of every configs/*_defconfig.
test: setup
	@mkdir -p build
	@cmake -S . -B build/tests $(GENERATOR) -DKIT_DEFCONFIG=$(abspath tests/unit/defconfig) \
		-DKIT_TESTS=ON -DKIT_SANITIZE=ON > build/tests.configure.log 2>&1 \
		|| { cat build/tests.configure.log; exit 1; }
	@cmake --build build/tests -j $(JOBS)
	@ctest --test-dir build/tests --output-on-failure -j $(JOBS) $(CTEST_ARGS)

# Host micro-benchmarks, without sanitizers (figures in docs/benchmarks.md).
bench: setup
	@mkdir -p build
	@cmake -S . -B build/bench $(GENERATOR) -DKIT_DEFCONFIG=$(abspath tests/unit/defconfig) \
		-DKIT_BENCH=ON > build/bench.configure.log 2>&1 || { cat build/bench.configure.log; exit 1; }
	@cmake --build build/bench -j $(JOBS) --target bench-memory
	@build/bench/bench/memory/bench-memory

# ipc-shm against Linux's syscalls in one run, without sanitizers or debug
# checks (bench/defconfig); as root, Linux's side gets its own IPC namespace.
bench-shm: setup
	@mkdir -p build
	@cmake -S . -B build/bench-shm $(GENERATOR) -DKIT_DEFCONFIG=$(abspath bench/defconfig) \
		-DKIT_BENCH=ON > build/bench-shm.configure.log 2>&1 || { cat build/bench-shm.configure.log; exit 1; }
	@cmake --build build/bench-shm -j $(JOBS) --target bench-ipc-shm
	@build/bench-shm/bench/ipc-shm/bench-ipc-shm $(BENCH_ARGS)

# Only the unit tests of one component: make unit-test LABEL=klib
unit-test: setup
	@mkdir -p build
	@cmake -S . -B build/tests $(GENERATOR) -DKIT_DEFCONFIG=$(abspath tests/unit/defconfig) \
		-DKIT_TESTS=ON -DKIT_SANITIZE=ON > build/tests.configure.log 2>&1 \
		|| { cat build/tests.configure.log; exit 1; }
	@cmake --build build/tests -j $(JOBS)
	@ctest --test-dir build/tests --output-on-failure -j $(JOBS) -L '$(or $(LABEL),unit)'

menuconfig guiconfig savedefconfig olddefconfig: configure
	@cmake --build $(BUILD) --target $@

# Load CONFIG into its build directory, replacing local menuconfig changes.
defconfig: setup
	@rm -f $(BUILD)/.config $(BUILD)/.defconfig-loaded
	@$(MAKE) --no-print-directory configure

clean:
	rm -rf build
