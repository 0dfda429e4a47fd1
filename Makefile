# SPDX-License-Identifier: MIT
# uiommufd - thin wrapper over meson. Every target installs its own
# missing Debian build dependencies first.
#
#   make            build (build/)
#   make check      what CI runs: the layer check, unit + ioctl + stress
#                   tests (gcc, -Werror), the same under ASan+UBSan and TSan
#                   (debug builds: the lock checker on), a clang build with
#                   its tests, the install test, the fuzz targets for a
#                   minute, coverage, then the kernel selftest
#                   under the shim against conformance/must-pass.txt, then
#                   make qemu-check
#   make qemu-check  Debian unstable's QEMU boots a guest with an emulated
#                   device assigned; the guest checks its DMA (root, and the
#                   Debian mirror the first time; UIOMMUFD_SKIP_QEMU=1 skips
#                   it; docs/qemu-check.md)
#   make demo       run the demo
#   make bench      run the benchmarks
#   make conformance  the kernel's iommufd selftest under the shim, per fixture,
#                   and its VFIO selftests under uiommufd-run (conformance/vfio-run.sh)
#   make layers     check the include graph against src/LAYERS
#   make fuzz       the fuzz targets (clang), FUZZ_SECONDS each (fuzz/README.md)
#   make coverage   line coverage of src/ and preload/ by the in-tree tests,
#                   per folder; fails below tests/coverage-threshold.txt
#   make deb        Debian packages (library, -dev, tools) into build-deb/
#   make deb-check  make deb, then the packages installed and used in a
#                   clean debootstrap root of this release (root;
#                   UIOMMUFD_SKIP_DEB=1 skips it)
#
# CONTRIBUTING.md says which of these to run for which change.

BUILD ?= build
MESON_OPTS ?=
JOBS ?= $(shell nproc)
# The builds of make check fail on any warning
CHECK_OPTS = -Dwerror=true

.PHONY: all deps build check check-build test test-asan test-tsan test-clang \
	install-test layers conformance demo bench clean format fuzz fuzz-build \
	fuzz-check coverage qemu-check deb deb-check

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	@scripts/install-deps.sh
	meson setup $(BUILD) $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

test: build
	meson test -C $(BUILD) --print-errorlogs --num-processes $(JOBS)

# The default build, with -Werror: make check's first build
check-build: deps $(BUILD)/build.ninja
	meson configure $(BUILD) $(CHECK_OPTS)
	ninja -C $(BUILD)

build-asan/build.ninja:
	@scripts/install-deps.sh
	meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug $(CHECK_OPTS)

test-asan: deps build-asan/build.ninja
	meson configure build-asan $(CHECK_OPTS)
	ninja -C build-asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C build-asan --print-errorlogs --num-processes $(JOBS)

build-tsan/build.ninja:
	@scripts/install-deps.sh
	meson setup build-tsan -Db_sanitize=thread -Db_lundef=false -Dbuildtype=debug $(CHECK_OPTS)

# errno_matrix maps its buffers at fixed addresses (for output identical to
# the kernel run), which collide with the TSan shadow: not run under TSan.
# A process that owns a context and forks has a server thread
# (docs/multiprocess.md); its children may start threads of their own,
# which TSan refuses by default (die_after_fork).
test-tsan: deps build-tsan/build.ninja
	meson configure build-tsan $(CHECK_OPTS)
	ninja -C build-tsan
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:die_after_fork=0 \
		meson test -C build-tsan --print-errorlogs --num-processes $(JOBS) --suite stress --suite ioctl --suite regress --suite demo --suite flows --suite vfio --suite model-mt --suite tools

# The library and the tests with Debian's clang, besides gcc
build-clang/build.ninja:
	@scripts/install-deps.sh clang
	CC=clang meson setup build-clang $(CHECK_OPTS)

test-clang: build-clang/build.ninja
	@scripts/install-deps.sh clang
	meson configure build-clang $(CHECK_OPTS)
	ninja -C build-clang
	meson test -C build-clang --print-errorlogs --num-processes $(JOBS)

# meson install into a scratch DESTDIR, and a program built against it
install-test: build
	scripts/install-test.sh $(BUILD)

layers:
	scripts/check-layers.py

build-cov/build.ninja:
	meson setup build-cov -Db_coverage=true -Dbuildtype=debug

# gcov counters of the library, the shim (written when the programs run
# under uiommufd-run exit) and the tests; the kernel selftest is not counted
coverage: deps build-cov/build.ninja
	@scripts/install-deps.sh gcovr
	ninja -C build-cov
	JOBS=$(JOBS) scripts/coverage.sh build-cov tests/coverage-threshold.txt

conformance: build
	@scripts/reserve-hugepages.sh || true
	@scripts/fetch-kernel-selftest.sh
	conformance/run.sh --preload $(CURDIR)/$(BUILD)/preload/libuiommufd-preload.so \
		-j $(JOBS) --must-pass conformance/must-pass.txt
	conformance/vfio-run.sh --build $(BUILD) --must-pass conformance/vfio-must-pass.txt

# The fuzz targets are built by clang in their own directory; the gcc
# build above never needs it. FUZZ_SECONDS is per target (make fuzz),
# FUZZ_CHECK_SECONDS the bounded run of make check; FUZZ_JOBS processes.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 3600
FUZZ_CHECK_SECONDS ?= 60
# Fixed: make check replays the same campaign on every machine; make fuzz
# explores with random seeds
FUZZ_CHECK_SEED ?= 1000
FUZZ_JOBS ?= 2
FUZZ_DEPS = clang-14 libclang-rt-14-dev llvm-14

$(FUZZ_BUILD)/build.ninja:
	@scripts/install-deps.sh $(FUZZ_DEPS)
	CC=clang-14 meson setup $(FUZZ_BUILD) -Dfuzz=true

fuzz-build: deps $(FUZZ_BUILD)/build.ninja
	@scripts/install-deps.sh $(FUZZ_DEPS)
	ninja -C $(FUZZ_BUILD) fuzz/fuzz_ioctl fuzz/fuzz_race

fuzz: fuzz-build
	fuzz/run.sh --build $(FUZZ_BUILD) --seconds $(FUZZ_SECONDS) --jobs $(FUZZ_JOBS)

fuzz-check: fuzz-build
	fuzz/run.sh --build $(FUZZ_BUILD) --seconds $(FUZZ_CHECK_SECONDS) --jobs $(FUZZ_JOBS) \
		--seed $(FUZZ_CHECK_SEED) --fresh --out $(FUZZ_BUILD)/fuzz-check-out

check: check-build
	$(MAKE) test test-asan test-tsan test-clang install-test fuzz-check \
		coverage conformance
	$(MAKE) deb-check
	$(MAKE) qemu-check

# Debian's own tooling (debian/), from a copy of the tree
deb:
	scripts/make-deb.sh $(CURDIR)/build-deb

deb-check:
	@if [ -n "$$UIOMMUFD_SKIP_DEB" ]; then echo "deb-check: skipped"; \
	else $(MAKE) deb && scripts/deb-test.sh $(CURDIR)/build-deb; fi

# Builds uiommufd itself inside its Debian sid chroot, so it needs no build here
qemu-check:
	UIOMMUFD_QEMU_LOGS=$(CURDIR)/$(BUILD)/qemu-check tests/qemu/qemu-check.sh

demo: build
	$(BUILD)/examples/demo

bench: build
	@scripts/install-deps.sh gnuplot-nox
	bench/run.sh $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) build-asan build-tsan build-clang build-cov $(FUZZ_BUILD)
