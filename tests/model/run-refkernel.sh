#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Run the io_pagetable model test (model_ioas) on the real kernel, to check
# the model itself: built -static with MODEL_REFKERNEL, it talks to the
# kernel's /dev/iommu (iommufd and its test module) under refkernel.
#
#   tests/model/run-refkernel.sh [--steps N] [--seed S] [--seeds K]
#
# Environment: CC (gcc), REFKERNEL (/work/shared/tools/refkernel or PATH).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
refkernel=${REFKERNEL:-$(command -v refkernel || echo /work/shared/tools/refkernel)}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"${CC:-gcc}" -O2 -Wall -static -DMODEL_REFKERNEL -I "$top/include" \
	"$here/model_ioas.c" "$here/ioas_ops.c" "$here/ioas_model.c" \
	-o "$tmp/model_ioas"
"$refkernel" run "$tmp/model_ioas" "$@"
