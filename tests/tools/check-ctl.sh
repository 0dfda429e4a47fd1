#!/bin/sh
# SPDX-License-Identifier: MIT
# uiommufdctl on a running program: trace_prog serve (an IOAS with a map,
# a udma device attached) under uiommufd-run --ctl, listed, shown as text
# and JSON, drawn as Graphviz source and as SVG.
#   check-ctl.sh LAUNCHER TRACE_PROG UIOMMUFDCTL
set -eu

run=$1 prog=$2 ctl=$3
tmp=$(mktemp -d)
XDG_RUNTIME_DIR=$tmp/run
export XDG_RUNTIME_DIR
mkdir -m 0700 "$XDG_RUNTIME_DIR"
mkfifo "$tmp/in"
pid=
cleanup() {
	exec 3>&- || true
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

"$run" --ctl --device udma -- "$prog" serve < "$tmp/in" > "$tmp/out" &
pid=$!
exec 3> "$tmp/in"
for _ in $(seq 100); do
	grep -q ready "$tmp/out" && break
	sleep 0.1
done
grep -q ready "$tmp/out"

"$ctl" list > "$tmp/list"
cat "$tmp/list"
line=$(grep "^$pid " "$tmp/list")
echo "$line" | grep -Eq "^$pid +trace_prog +[0-9]+ +iommufd +3$"
fd=$(echo "$line" | awk '{ print $3 }')

"$ctl" show "$pid" > "$tmp/show"
grep -q "^iommufd fd $fd " "$tmp/show"
grep -q '^object 2 device users 3$' "$tmp/show"
grep -Eq '^  dev [0-9a-f:.]+ group 100 attached 3$' "$tmp/show"
grep -Eq '^  area 0x100000-0x10ffff prot rw va 0x[0-9a-f]+ pages [0-9]+ pinned [1-9]' "$tmp/show"
grep -Eq '^  ioas 1 auto coherent tables [0-9]+/[0-9]+$' "$tmp/show"

"$ctl" show "$pid" "$fd" --json > "$tmp/json"
python3 - "$tmp/json" <<'PY'
import json, sys
ctx = json.load(open(sys.argv[1]))[0]
types = {o["id"]: o["type"] for o in ctx["objects"]}
assert types == {1: "ioas", 2: "device", 3: "hwpt_paging"}, types
dev = ctx["objects"][1]["details"][0]
assert dev["group"] == 100 and dev["attached"] == 3, dev
hwpt = ctx["objects"][2]["details"][0]
assert hwpt["ioas"] == 1 and hwpt["auto"] is True, hwpt
PY

"$ctl" graph "$pid" "$fd" -o "$tmp/graph.dot"
grep -q 'o2 -> o3 \[label="attached"\];' "$tmp/graph.dot"
grep -q 'o3 -> o1 \[label="ioas"\];' "$tmp/graph.dot"
"$ctl" graph "$pid" "$fd" -o "$tmp/graph.svg"
grep -q '<svg' "$tmp/graph.svg"
grep -q 'hwpt_paging' "$tmp/graph.svg"

# What the socket answers to requests uiommufdctl does not make
python3 - "$XDG_RUNTIME_DIR/uiommufd/$pid.sock" <<'PY'
import socket, sys
def ask(req):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    s.sendall(req)
    out = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            return out.decode()
        out += chunk
assert ask(b"bogus\n") == "error: unknown request\n"
assert ask(b"dump 0\n") == "error: descriptor 0 is not a context\n"
assert ask(b"list\r\n").startswith("fd ")
PY
test "$(stat -c %a "$XDG_RUNTIME_DIR/uiommufd")" = 700

# No such process, no such context, bad usage
! "$ctl" show 999999999 2>/dev/null
! "$ctl" graph "$pid" 999 -o "$tmp/none.svg" 2>/dev/null
set +e
"$ctl" graph "$pid" 2>/dev/null
test $? -eq 2 || exit 1
set -e

# The program ends: its socket goes with it
exec 3>&-
wait "$pid"
pid=
test -z "$(ls "$XDG_RUNTIME_DIR/uiommufd")"
