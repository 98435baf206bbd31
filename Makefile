# unikit's front end: a thin layer over CMake; everything here is also
# reachable with cmake directly (docs/getting-started.md). `make help` prints
# this comment.
#
#   make run                         build and boot the default image in QEMU
#   make build                       build it only (build/<platform>_<app>/)
#   make run PLATFORM=host APP=hello pick another platform/app (make list shows them)
#   make run-uboot                   the same image through OpenSBI -> U-Boot -> booti
#   make run APP=linux PROG=./prog ARGS="a b"   a static Linux program in an initrd
#                                    (build/<config>/initrd.cpio, /prog), command line
#                                    "init=/prog -- a b"
#   make run INITRD=x.cpio APPEND="..."          any initrd and kernel command line
#                                    (APPEND also overrides PROG's command line)
#   make run SMP=4                   a machine with 4 CPUs (QEMU -smp); also for test, bench-*
#   make debug                       start halted, wait for gdb-multiarch on GDB_PORT
#                                    (the host image: under gdbserver)
#   make test                        every unit and boot test (what CI runs)
#   make randconfig-test [N=10] [SEED=s]  random valid configurations, built and booted
#   make fuzz [FUZZ_SECONDS=600]     every fuzz target, that long each
#   make mutate COMPONENT=sync [SEED=n] [N=50] [RECHECK=1]   mutation testing (docs/testing.md)
#   make unit-test LABEL=klib        one label's tests (a component's), building only those
#   make bench                       host micro-benchmarks (docs/benchmarks.md)
#   make bench-shm [BENCH_ARGS=n]    ipc-shm and Linux's shm syscalls side by side
#   make bench-shm-scale             shmat+shmdt from 1, 2, 4 CPUs, per-CPU caches off/on
#   make bench-linux [ROUNDS=n]      the kit against Linux 6.12 on the same QEMU machine
#   make menuconfig|guiconfig|savedefconfig|olddefconfig   edit the build's configuration
#   make defconfig CONFIG=configs/x_defconfig    (re)load a configuration into its build dir
#   make run EXTRA_CONFIG=frag.config            a fragment applied to the build's .config
#   make run CONFIG_LOG_LEVEL=3                  one option applied to it (any CONFIG_X=...)
#   make run APP_DIR=/path/to/app    an app outside the tree (its app.config on the board's)
#   make new-app NAME=x [DIR=../x]   the skeleton of such an app, for every board
#   make check-app APP_DIR=dir [PLATFORMS="a b"]  build and boot it on every board,
#                                    matching its expected.txt (docs/apps.md)
#   make list                        boards, apps, defconfigs, build directories
#   make size                        ROM and RAM per component of the image (its linker map)
#   make clean                       remove build/
#
# Variables: PLATFORM (board), APP (app fragment), CONFIG (a defconfig, or
# fragments a.config,b.config), APP_DIR (an app outside the tree), BUILD (the
# build directory), EXTRA_CONFIG, CONFIG_<X>=<value>, JOBS (parallel jobs),
# GDB_PORT, LABEL and CTEST_ARGS (tests), PROG/ARGS/INITRD/APPEND (what the
# image boots with), BENCH_ARGS.

PLATFORM ?= riscv64-qemu-virt
APP      ?= shm-demo
comma    := ,
ifdef APP_DIR
# An app outside the tree (docs/apps.md): the board's fragment plus the app's
# app.config, or <dir>/<platform>_defconfig where the app has one.
CONFIG   ?= $(if $(wildcard $(APP_DIR)/$(PLATFORM)_defconfig),$(APP_DIR)/$(PLATFORM)_defconfig,\
	configs/boards/$(PLATFORM).config$(comma)$(APP_DIR)/app.config)
NAME     ?= $(PLATFORM)_$(notdir $(abspath $(APP_DIR)))
else
CONFIG   ?= configs/$(PLATFORM)_$(APP)_defconfig
NAME     ?= $(patsubst %_defconfig,%,$(notdir $(CONFIG)))
endif
# A configuration is the board's fragment plus the app's (configs/boards/,
# configs/apps/): configs grow as boards + apps. configs/<board>_<app>_defconfig
# names that pair unless such a file exists (a pair that needs more); any
# other CONFIG is a defconfig file, or fragments separated by commas.
# The app is the part after the last '_' (a board's name may hold one: x86_64-qemu).
pair_name  = $(patsubst %_defconfig,%,$(notdir $(1)))
pair_app   = $(lastword $(subst _, ,$(call pair_name,$(1))))
pair_board = $(patsubst %_$(call pair_app,$(1)),%,$(call pair_name,$(1)))
CONFIG_FILES := $(if $(or $(wildcard $(CONFIG)),$(findstring $(comma),$(CONFIG)),$(filter-out configs/%_defconfig,$(CONFIG))),\
	$(subst $(comma), ,$(CONFIG)),\
	configs/boards/$(call pair_board,$(CONFIG)).config configs/apps/$(call pair_app,$(CONFIG)).config)
BUILD    ?= build/$(NAME)
BOARDS    = $(sort $(patsubst configs/boards/%.config,%,$(wildcard configs/boards/*.config)))
APPS      = $(sort $(patsubst configs/apps/%.config,%,$(wildcard configs/apps/*.config)))
# CONFIG_X=value on the make command line: applied to the build's .config
# (cmake -DCONFIG_X=value; cmake/kconfig.cmake).
CMDLINE_CONFIG  = $(foreach v,$(filter CONFIG_%,$(.VARIABLES)),\
	$(if $(filter command line,$(origin $(v))),$(call squote,-D$(v)=$($(v)))))
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
	$(if $(APPEND),--append $(call squote,$(APPEND))) $(if $(SMP),--smp $(call squote,$(SMP)))

# SMP=N: the machine's CPU count (QEMU -smp) instead of the configured
# CONFIG_QEMU_HARTS, or a host image's CPU threads (KIT_CPUS; it must be
# built with CONFIG_SMP), for run and debug (run.py --smp) and, through
# run.py's KIT_SMP, for every boot in test and the benchmarks (one-CPU host
# images are left as they are there).
ifdef SMP
export KIT_SMP := $(SMP)
endif

.PHONY: all build configure initrd run run-uboot debug test unit-test randconfig-test fuzz mutate bench \
	bench-shm bench-shm-scale bench-linux setup menuconfig guiconfig savedefconfig olddefconfig defconfig clean help list size \
	new-app check-app

all: build

help:
	@sed -n '1,/^$$/s/^# \{0,1\}//p' Makefile

setup:
	@scripts/setup.sh

configure: setup
	@mkdir -p build
	@$(if $(APP_DIR),test -f $(APP_DIR)/CMakeLists.txt || { echo "make: APP_DIR=$(APP_DIR) has no" \
		"CMakeLists.txt (docs/apps.md; make new-app NAME=x makes an app)"; exit 2; })
	@for f in $(CONFIG_FILES); do test -f $$f || { echo "make: no such configuration: $$f"; \
		echo "  boards (PLATFORM=):" $(BOARDS); echo "  apps (APP=):" $(APPS); \
		echo "  (make list shows every configuration; an app outside the tree needs an" \
		"app.config: docs/apps.md)"; exit 2; }; done
	@for f in $(subst $(comma), ,$(EXTRA_CONFIG)); do test -f $$f || { \
		echo "make: EXTRA_CONFIG: no such file: $$f"; exit 2; }; done
	@cmake -S . -B $(BUILD) $(GENERATOR) -DKIT_DEFCONFIG=$(subst $() ,$(comma),$(abspath $(CONFIG_FILES))) \
		$(if $(APP_DIR),-DKIT_APP_DIR=$(abspath $(APP_DIR))) $(CMDLINE_CONFIG) \
		$(if $(EXTRA_CONFIG),-DKIT_EXTRA_CONFIG=$(subst $() ,$(comma),$(abspath $(subst $(comma), ,$(EXTRA_CONFIG))))) \
		> $(BUILD).configure.log 2>&1 || { cat $(BUILD).configure.log; exit 1; }
	@grep -h '^kconfig: \(applied\|the app\)' $(BUILD).configure.log || true

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

# The test tree: unit tests (host, ASan+UBSan), fuzz targets, boot tests of
# every configs/*_defconfig (debug and release), RANDCONFIG_N random
# configurations (default 10, seeds from RANDCONFIG_SEED, default 1000;
# RANDCONFIG_SEED=random draws new ones).
TEST_CONFIGURE = mkdir -p build && cmake -S . -B build/tests $(GENERATOR) \
	-DKIT_DEFCONFIG=$(abspath tests/unit/defconfig) -DKIT_TESTS=ON -DKIT_SANITIZE=ON \
	-DKIT_RANDCONFIG_N=$(or $(RANDCONFIG_N),10) -DKIT_RANDCONFIG_SEED=$(or $(RANDCONFIG_SEED),1000) \
	> build/tests.configure.log 2>&1 || { cat build/tests.configure.log; exit 1; }

test: setup
	@$(TEST_CONFIGURE)
	@cmake --build build/tests -j $(JOBS)
	@ctest --test-dir build/tests --output-on-failure -j $(JOBS) $(CTEST_ARGS)

# Every libFuzzer target for FUZZ_SECONDS each (default 600), JOBS at a time;
# one summary line per target (docs/reliability.md).
fuzz: setup
	@$(TEST_CONFIGURE)
	@cmake --build build/tests -j $(JOBS)
	@rm -f build/tests/fuzz/*/summary.txt
	@KIT_FUZZ_SECONDS=$(or $(FUZZ_SECONDS),600) ctest --test-dir build/tests -L '^fuzz$$' \
		--output-on-failure -j $(JOBS); status=$$?; cat build/tests/fuzz/*/summary.txt; exit $$status

# N random but valid configurations, each built and, where its app has a
# known check, booted (scripts/randconfig.py; docs/reliability.md). A failure
# prints its seed: make randconfig-test SEED=<seed> N=1 replays it.
randconfig-test: setup
	@$(PY) scripts/randconfig.py -n $(or $(N),10) $(if $(SEED),--seed $(SEED)) --jobs $(JOBS)
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
	@cmake --build build/bench -j $(JOBS) --target bench-memory bench-placement
	@build/bench/bench/memory/bench-memory
	@build/bench/bench/addr-space/bench-placement

# ipc-shm against Linux's syscalls in one run, without sanitizers or debug
# checks (bench/defconfig); as root, Linux's side gets its own IPC namespace.
bench-shm: setup
	@mkdir -p build
	@cmake -S . -B build/bench-shm $(GENERATOR) -DKIT_DEFCONFIG=$(abspath bench/defconfig) \
		-DKIT_BENCH=ON > build/bench-shm.configure.log 2>&1 || { cat build/bench-shm.configure.log; exit 1; }
	@cmake --build build/bench-shm -j $(JOBS) --target bench-ipc-shm
	@build/bench-shm/bench/ipc-shm/bench-ipc-shm $(BENCH_ARGS)

# shmat+shmdt from 1, 2, 4 CPUs (host threads), page-alloc's per-CPU caches
# (frame lists and heap arrays) off and on, alternately (bench/ipc-shm/shm_scale.py; SCALE_ARGS, e.g.
# --rounds 5 --pairs 100000 --cpus 1 2).
BENCH_SCALE_CONFIG := $(abspath bench/defconfig),$(abspath bench/smp.config)
bench-shm-scale: setup
	@mkdir -p build
	@cmake -S . -B build/bench-scale0 $(GENERATOR) -DKIT_DEFCONFIG=$(BENCH_SCALE_CONFIG),$(abspath \
		bench/pcp0.config) -DKIT_BENCH=ON > build/bench-scale0.configure.log 2>&1 || \
		{ cat build/bench-scale0.configure.log; exit 1; }
	@cmake -S . -B build/bench-scale $(GENERATOR) -DKIT_DEFCONFIG=$(BENCH_SCALE_CONFIG) \
		-DKIT_BENCH=ON > build/bench-scale.configure.log 2>&1 || \
		{ cat build/bench-scale.configure.log; exit 1; }
	@cmake --build build/bench-scale0 -j $(JOBS) --target bench-shm-scale
	@cmake --build build/bench-scale -j $(JOBS) --target bench-shm-scale
	@$(PY) bench/ipc-shm/shm_scale.py build/bench-scale0/bench/ipc-shm/bench-shm-scale \
		build/bench-scale/bench/ipc-shm/bench-shm-scale $(SCALE_ARGS)

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

# Only the tests of one label: make unit-test LABEL=klib. A component's
# label builds only its tests (the unit-<component> target); another label
# (boot, linux, kconfig, ...) builds the whole test tree.
unit-test: setup
	@$(TEST_CONFIGURE)
	@if grep -qx '$(LABEL)' build/tests/unit-labels.txt; then \
		cmake --build build/tests -j $(JOBS) --target unit-$(LABEL); \
	else cmake --build build/tests -j $(JOBS); fi
	@ctest --test-dir build/tests --output-on-failure -j $(JOBS) -L '^$(or $(LABEL),unit)$$'

menuconfig guiconfig savedefconfig olddefconfig: configure
	@$(if $(filter guiconfig,$@),test -n "$$DISPLAY$$WAYLAND_DISPLAY" || { echo "make guiconfig:" \
		"no display (DISPLAY is not set); make menuconfig works in a terminal"; exit 2; })
	@cmake --build $(BUILD) --target $@

# Load CONFIG into its build directory, replacing local menuconfig changes.
defconfig: setup
	@rm -f $(BUILD)/.config $(BUILD)/.defconfig-loaded
	@$(MAKE) --no-print-directory configure

list:
	@$(PY) scripts/list.py .

size: build
	@$(PY) scripts/size.py $(BUILD)

new-app:
	@test -n "$(NAME)" -a "$(origin NAME)" = "command line" || { echo "make new-app: give the app's NAME="; exit 2; }
	@$(PY) scripts/new_app.py --root . --name $(NAME) $(if $(DIR),--dir $(DIR))

check-app: setup
	@test -n "$(APP_DIR)" || { echo "make check-app: give the app's folder, APP_DIR="; exit 2; }
	@$(PY) scripts/check_app.py --root . --app-dir $(APP_DIR) --jobs $(JOBS) $(if $(PLATFORMS),--boards '$(PLATFORMS)')

clean:
	rm -rf build
