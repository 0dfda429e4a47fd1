#!/usr/bin/env bash
# Install the Debian packages uiommufd needs to build and test, if missing.
# Safe to run again: it does nothing when everything is there.
set -euo pipefail

pkgs=(meson ninja-build pkg-config libcmocka-dev libcap-dev xz-utils graphviz)
[ $# -gt 0 ] && pkgs+=("$@")

missing=()
for p in "${pkgs[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
((${#missing[@]})) || exit 0

SUDO=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
	SUDO=sudo
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Another apt (a parallel build, unattended upgrades) may hold the lock: wait
APT=(apt-get -o DPkg::Lock::Timeout=900)
$SUDO "${APT[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
	{ $SUDO "${APT[@]}" update >/dev/null && $SUDO "${APT[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null; }
