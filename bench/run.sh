#!/usr/bin/env bash
# Run every benchmark of the build dir given (default: build).
set -euo pipefail
B=${1:-build}
echo "== bench_map"; "$B/bench/bench_map" "${BENCH_MB:-1024}"
echo "== bench_access"; "$B/bench/bench_access"
echo "== bench_dma"; "$B/bench/bench_dma" "${BENCH_DMA_MB:-256}"
echo "== bench_share"; "$B/bench/bench_share"
echo "== bench_mmio"; "$B/bench/bench_mmio"
