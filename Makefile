# uiommufd - thin wrapper over meson. Every target installs its own
# missing Debian build dependencies first.
#
#   make            build (build/)
#   make check      unit + ioctl + stress tests, then the same under
#                   ASan+UBSan and TSan, then the kernel selftest under the
#                   shim against conformance/must-pass.txt, then
#                   make qemu-check
#   make qemu-check  Debian unstable's QEMU boots a guest with an emulated
#                   device assigned; the guest checks its DMA (root, and the
#                   Debian mirror the first time; UIOMMUFD_SKIP_QEMU=1 skips
#                   it; docs/qemu-check.md)
#   make demo       run the demo
#   make bench      run the benchmarks
#   make conformance  the kernel's iommufd selftest under the shim, per fixture

BUILD ?= build
MESON_OPTS ?=
JOBS ?= $(shell nproc)

.PHONY: all deps build check test test-asan test-tsan conformance qemu-check demo bench clean format

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

# Builds uiommufd itself inside its Debian sid chroot, so it needs no build here
qemu-check:
	UIOMMUFD_QEMU_LOGS=$(CURDIR)/$(BUILD)/qemu-check tests/qemu/qemu-check.sh

# The QEMU boot last, after the other tests, even under make -j
check: test test-asan test-tsan conformance
	$(MAKE) qemu-check

demo: build
	$(BUILD)/examples/demo

bench: build
	bench/run.sh $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) build-asan build-tsan
