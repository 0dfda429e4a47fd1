#!/usr/bin/env bash
# debian-mirror.sh: print the Debian mirror this machine's own apt sources use
# (e.g. http://host/debian), for scripts that fetch from Debian unstable with
# a private apt configuration. No host name is written in the tree: the
# machine's configuration decides.
set -euo pipefail

mirror=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)\/\{0,1\}[[:space:]]*$/\1/p' \
	/etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ { sub(/\/$/, "", $2); print $2; exit }' \
	/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null)
if [ -z "$mirror" ]; then
	echo "debian-mirror: no Debian mirror in this machine's apt sources" >&2
	exit 2
fi
echo "$mirror"
