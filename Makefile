# Thin front end over CMake. Everything here is also reachable with cmake
# directly; see docs/getting-started.md.
#
#   make run                         boot the default image in QEMU
#   make run PLATFORM=host APP=hello pick another platform/app
#   make run-uboot                   the same image through OpenSBI -> U-Boot -> booti
#   make run APP=linux PROG=./prog ARGS="a b"   a static Linux program in an initrd
#                                    (build/<config>/initrd.cpio, /prog), command line
#                                    "init=/prog -- a b"
#   make run INITRD=x.cpio APPEND="..."          any initrd and kernel command line
#                                    (APPEND also overrides PROG's command line)
#   make debug                       start halted, wait for gdb-multiarch on GDB_PORT
#   make test                        every unit and boot test (what CI runs)
#   make mutate COMPONENT=sync [SEED=n] [N=50] [RECHECK=1]   mutation testing (docs/testing.md)
#   make bench                       host micro-benchmarks (docs/benchmarks.md)
#   make bench-shm [BENCH_ARGS=n]    ipc-shm and Linux's shm syscalls side by side
#   make bench-linux [ROUNDS=n]      the kit against Linux 6.12 on the same QEMU machine
#   make menuconfig|savedefconfig|olddefconfig   edit the build's configuration
#   make defconfig CONFIG=configs/x_defconfig    (re)load a configuration into its build dir
#   make APP_DIR=/path/to/app CONFIG=/path/to/app/defconfig run   an app outside the tree

PLATFORM ?= riscv64-qemu-virt
APP      ?= shm-demo
ifdef APP_DIR
CONFIG   ?= $(APP_DIR)/$(PLATFORM)_defconfig
NAME     ?= $(PLATFORM)_$(notdir $(abspath $(APP_DIR)))
else
CONFIG   ?= configs/$(PLATFORM)_$(APP)_defconfig
NAME     ?= $(patsubst %_defconfig,%,$(notdir $(CONFIG)))
endif
# A configuration is the board's fragment plus the app's (configs/boards/,
# configs/apps/): configs grow as boards + apps. configs/<board>_<app>_defconfig
# names that pair unless such a file exists (a pair that needs more); any
# other CONFIG is a defconfig file, or fragments separated by commas.
comma    := ,
pair      = $(subst _, ,$(patsubst %_defconfig,%,$(notdir $(1))))
CONFIG_FILES := $(if $(or $(wildcard $(CONFIG)),$(findstring $(comma),$(CONFIG)),$(filter-out configs/%_defconfig,$(CONFIG))),\
	$(subst $(comma), ,$(CONFIG)),\
	configs/boards/$(word 1,$(call pair,$(CONFIG))).config configs/apps/$(word 2,$(call pair,$(CONFIG))).config)
BUILD    ?= build/$(NAME)
GDB_PORT ?= 1234
PY       := /usr/bin/python3
GENERATOR := $(if $(shell command -v ninja),-G Ninja,)
JOBS     ?= $(shell nproc)

# What the image gets besides itself: an initrd and a kernel command line
# (run.py hands them to QEMU, or to the host image as KIT_INITRD/KIT_CMDLINE).
# PROG puts one program in a fresh initrd and names it as init.
ifdef PROG
ifdef INITRD
$(error give PROG (a program, put into an initrd here) or INITRD (a ready initrd), not both)
endif
INITRD   := $(BUILD)/initrd.cpio
APPEND   ?= $(strip init=/$(notdir $(PROG)) -- $(ARGS))
else ifeq ($(origin ARGS),command line)
$(error ARGS are the arguments of PROG: give PROG too, or the whole command line as APPEND)
endif
squote    = '$(subst ','\'',$(1))'
RUN_ARGS := $(if $(INITRD),--initrd $(call squote,$(INITRD))) \
	$(if $(APPEND),--append $(call squote,$(APPEND)))

.PHONY: all build configure initrd run run-uboot debug test unit-test mutate bench bench-shm bench-linux \
	setup menuconfig guiconfig \
	savedefconfig olddefconfig defconfig clean help

all: build

help:
	@sed -n '2,20p' Makefile | sed 's/^# \{0,1\}//'

setup:
	@scripts/setup.sh

configure: setup
	@mkdir -p build
	@for f in $(CONFIG_FILES); do test -f $$f || { echo "make: no such configuration: $$f" \
		"(boards: configs/boards/, apps: configs/apps/)"; exit 2; }; done
	@cmake -S . -B $(BUILD) $(GENERATOR) -DKIT_DEFCONFIG=$(subst $() ,$(comma),$(abspath $(CONFIG_FILES))) \
		$(if $(APP_DIR),-DKIT_APP_DIR=$(abspath $(APP_DIR))) > $(BUILD).configure.log 2>&1 \
		|| { cat $(BUILD).configure.log; exit 1; }

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# PROG's initrd, written at every run (a few ms): PROG may be another file
# of the same name since the last one.
initrd: build
ifdef PROG
	@test -f $(call squote,$(PROG)) || { echo "make: PROG=$(PROG): no such file"; exit 2; }
	@python3 scripts/mkinitrd.py -o $(call squote,$(INITRD)) $(call squote,$(PROG))
endif

run: initrd
	@$(PY) scripts/run.py $(RUN_ARGS) $(BUILD)

run-uboot: initrd
	@$(PY) scripts/run.py --boot uboot $(RUN_ARGS) $(BUILD)

debug: initrd
	@$(PY) scripts/run.py --gdb $(GDB_PORT) $(RUN_ARGS) $(BUILD)

# Unit tests (host, ASan+UBSan) and boot tests of every configs/*_defconfig.
test: setup
	@mkdir -p build
	@cmake -S . -B build/tests $(GENERATOR) -DKIT_DEFCONFIG=$(abspath tests/unit/defconfig) \
		-DKIT_TESTS=ON -DKIT_SANITIZE=ON > build/tests.configure.log 2>&1 \
		|| { cat build/tests.configure.log; exit 1; }
	@cmake --build build/tests -j $(JOBS)
	@ctest --test-dir build/tests --output-on-failure -j $(JOBS) $(CTEST_ARGS)

# Mutation testing of one component against the unit tests that link it, in
# build/mutate (minutes per component; not part of make test).
mutate: setup
	@test -n "$(COMPONENT)" || { echo "make mutate: name a COMPONENT= (a directory of components/)"; exit 2; }
	@$(PY) scripts/mutate.py $(COMPONENT) --jobs $(JOBS) $(if $(SEED),--seed $(SEED)) $(if $(N),-n $(N)) \
		$(if $(RECHECK),--recheck)

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

# The shm-demo image, debug and release (bench/linux/release.config), against
# the Linux Image of ../shared/linux-anchor (or KIT_LINUX_ANCHOR) booted with
# the same QEMU command line and initrd; says so and stops if there is none.
BENCH_LINUX := build/bench-linux
bench-linux: setup
	@if $(PY) bench/linux/bench_linux.py --probe; then \
	mkdir -p $(BENCH_LINUX) && \
	$(MAKE) --no-print-directory build BUILD=$(BENCH_LINUX)/kit-debug \
		CONFIG=configs/boards/riscv64-qemu-virt.config,configs/apps/shm-demo.config && \
	$(MAKE) --no-print-directory build BUILD=$(BENCH_LINUX)/kit-release \
		CONFIG=configs/boards/riscv64-qemu-virt.config,configs/apps/shm-demo.config,bench/linux/release.config && \
	$(PY) bench/linux/bench_linux.py --out $(BENCH_LINUX) --rounds $(or $(ROUNDS),3) \
		--kit debug=$(BENCH_LINUX)/kit-debug --kit release=$(BENCH_LINUX)/kit-release; fi

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
