#!/usr/bin/env bash
# The kernel selftest's huge page variants need 2 MiB huge pages reserved,
# as the reference kernel's test VM does. Reserve some when running as root
# and fewer are available; otherwise say so and leave the system alone.
set -u
want=${UIOMMUFD_HUGEPAGES:-128}
f=/proc/sys/vm/nr_hugepages
cur=$(cat "$f" 2>/dev/null || echo 0)
if [ "$cur" -ge "$want" ]; then
	exit 0
fi
if [ "$(id -u)" = 0 ] && echo "$want" >"$f" 2>/dev/null; then
	echo "reserve-hugepages: nr_hugepages $cur -> $(cat "$f")" >&2
	exit 0
fi
echo "reserve-hugepages: only $cur huge pages reserved; the selftest's hugepage variants will fail" >&2
exit 1
