#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make-deb.sh [OUTDIR]: the Debian packages (libuiommufd0, libuiommufd-dev,
# uiommufd-tools) built with Debian's own tooling (dpkg-buildpackage,
# debhelper, debian/) from a copy of the source tree (the files git knows
# or would add, so build directories stay out). The .deb files go to
# OUTDIR (default build-deb/).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/build-deb}
"$here/scripts/install-deps.sh" debhelper dpkg-dev python3

version=$(dpkg-parsechangelog -l "$here/debian/changelog" -S Version)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=$tmp/uiommufd-$version
mkdir -p "$src"
if git -C "$here" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$here" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 tar -cf - --no-recursion) | tar -xf - -C "$src"
else
	tar -C "$here" --exclude='./build*' --exclude=./.cache -cf - . |
		tar -xf - -C "$src"
fi
(cd "$src" && dpkg-buildpackage -us -uc -b >"$tmp/build.log" 2>&1) || {
	tail -n 40 "$tmp/build.log" >&2
	echo "make-deb: dpkg-buildpackage failed" >&2
	exit 1
}
mkdir -p "$out"
rm -f "$out"/*.deb
mv "$tmp"/*.deb "$out"/
ls -l "$out"/*.deb
