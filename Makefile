# uiommufd - thin wrapper over meson. Every target installs its own
# missing Debian build dependencies first.
#
#   make            build (build/)
#   make check      unit + ioctl + stress tests, then the same under
#                   ASan+UBSan and TSan, then the kernel selftest under the
#                   shim against conformance/must-pass.txt
#   make demo       run the demo
#   make bench      run the benchmarks
#   make conformance  the kernel's iommufd selftest under the shim, per fixture
#   make fuzz       the fuzz targets (clang), FUZZ_SECONDS each (fuzz/README.md)

BUILD ?= build
MESON_OPTS ?=
JOBS ?= $(shell nproc)

.PHONY: all deps build check test test-asan test-tsan conformance demo bench clean format \
	fuzz fuzz-build fuzz-check

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

build-asan/build.ninja:
	@scripts/install-deps.sh
	meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug

test-asan: deps build-asan/build.ninja
	ninja -C build-asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C build-asan --print-errorlogs --num-processes $(JOBS)

build-tsan/build.ninja:
	@scripts/install-deps.sh
	meson setup build-tsan -Db_sanitize=thread -Db_lundef=false -Dbuildtype=debug

# errno_matrix maps its buffers at fixed addresses (for output identical to
# the kernel run), which collide with the TSan shadow: not run under TSan.
test-tsan: deps build-tsan/build.ninja
	ninja -C build-tsan
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
		meson test -C build-tsan --print-errorlogs --num-processes $(JOBS) --suite stress --suite ioctl --suite demo --suite flows --suite vfio

conformance: build
	@scripts/reserve-hugepages.sh || true
	@scripts/fetch-kernel-selftest.sh
	conformance/run.sh --preload $(CURDIR)/$(BUILD)/preload/libuiommufd-preload.so \
		-j $(JOBS) --must-pass conformance/must-pass.txt

# The fuzz targets are built by clang in their own directory; the gcc
# build above never needs it. FUZZ_SECONDS is per target (make fuzz),
# FUZZ_CHECK_SECONDS the bounded run of make check; FUZZ_JOBS processes.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 3600
FUZZ_CHECK_SECONDS ?= 60
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
	fuzz/run.sh --build $(FUZZ_BUILD) --seconds $(FUZZ_CHECK_SECONDS) --jobs $(FUZZ_JOBS)

check: test test-asan test-tsan fuzz-check conformance

demo: build
	$(BUILD)/examples/demo

bench: build
	bench/run.sh $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) build-asan build-tsan $(FUZZ_BUILD)
