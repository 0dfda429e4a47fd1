#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check the #include "..." graph of the tree against src/LAYERS.

Every quoted include of every C file under the scanned folders is resolved
relative to the including file (the tree uses no include path for its own
headers). The folder of the including file and the folder of the header
form an edge; an edge between two folders must be allowed by a rule of
src/LAYERS, or be one of its named exceptions (one file including one
header, with the reason written next to it).

It also checks that the rules themselves have no cycle, that every folder
with C files has a rule, and that every exception is still used.

    check-layers.py [--root DIR] [--graph]

--graph prints the folder graph the includes form (edges with counts) and
checks nothing. Exit status 0 when the tree obeys the rules, 1 otherwise.
"""
import argparse
import fnmatch
import os
import re
import sys

SCANNED = ("src", "preload", "tools", "tests", "bench", "examples", "fuzz")
INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def c_files(root):
    for top in SCANNED:
        base = os.path.join(root, top)
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(dirpath, name), root)


def includes(root, path):
    """(line number, text, resolved path or None) of each quoted include"""
    with open(os.path.join(root, path), encoding="utf-8") as f:
        text = f.read()
    for m in INCLUDE_RE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        target = os.path.normpath(os.path.join(os.path.dirname(path),
                                               m.group(1)))
        ok = os.path.isfile(os.path.join(root, target))
        yield line, m.group(1), target if ok else None


def folder(path):
    return os.path.dirname(path) or "."


class Rules:
    def __init__(self, path):
        self.allow = {}       # folder pattern -> set of folder patterns
        self.order = []       # folder patterns, as written
        self.exceptions = {}  # (from file, to file) -> reason
        self.errors = []
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        for n, raw in enumerate(lines, 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith("!"):
                self._exception(path, n, line[1:])
            else:
                self._rule(path, n, line)

    def _rule(self, path, n, line):
        if "->" not in line:
            self.errors.append(f"{path}:{n}: expected 'folder -> folders'")
            return
        src, dsts = line.split("->", 1)
        src = src.strip()
        if src in self.allow:
            self.errors.append(f"{path}:{n}: {src} has two rules")
        self.order.append(src)
        self.allow[src] = set(d for d in dsts.split() if d != "-")

    def _exception(self, path, n, line):
        m = re.match(r"\s*(\S+)\s*->\s*(\S+)\s*:\s*(.+)$", line)
        if not m:
            self.errors.append(f"{path}:{n}: expected "
                               "'!file -> header : reason'")
            return
        self.exceptions[(m.group(1), m.group(2))] = m.group(3).strip()

    def node(self, directory):
        """The rule pattern a folder falls under, or None"""
        if directory in self.allow:
            return directory
        for pat in self.order:
            if fnmatch.fnmatchcase(directory, pat):
                return pat
        return None

    def allowed(self, src_dir, dst_dir):
        """A folder includes itself freely; any other folder by a rule"""
        if src_dir == dst_dir:
            return True
        src = self.node(src_dir)
        if src is None or self.node(dst_dir) is None:
            return False
        return any(fnmatch.fnmatchcase(dst_dir, d)
                   for d in self.allow[src])

    def cycles(self):
        """Cycles of the allowed folder graph (exceptions left out)"""
        graph = {s: sorted(d for d in ds if d in self.allow and d != s)
                 for s, ds in self.allow.items()}
        found, state, stack = [], {}, []

        def visit(n):
            state[n] = 1
            stack.append(n)
            for m in graph[n]:
                if state.get(m) == 1:
                    found.append(stack[stack.index(m):] + [m])
                elif not state.get(m):
                    visit(m)
            stack.pop()
            state[n] = 2

        for n in sorted(graph):
            if not state.get(n):
                visit(n)
        return found


def graph(root):
    edges = {}
    for path in c_files(root):
        for _, _, target in includes(root, path):
            if target and folder(target) != folder(path):
                key = (folder(path), folder(target))
                edges[key] = edges.get(key, 0) + 1
    return edges


def print_graph(edges):
    by_src = {}
    for (s, d), count in sorted(edges.items()):
        by_src.setdefault(s, []).append(f"{d}({count})")
    for s in sorted(by_src):
        print(f"{s} -> {' '.join(by_src[s])}")


def check(root, rules):
    errors = list(rules.errors)
    used = set()
    for cycle in rules.cycles():
        errors.append("src/LAYERS: the rules form a cycle: " +
                      " -> ".join(cycle))
    dirs = sorted(set(folder(p) for p in c_files(root)))
    for d in dirs:
        if rules.node(d) is None:
            errors.append(f"{d}/: no rule in src/LAYERS says where this "
                          "folder sits")
    for path in c_files(root):
        for line, text, target in includes(root, path):
            if target is None:
                errors.append(f'{path}:{line}: #include "{text}" is not a '
                              "file relative to the includer")
                continue
            if rules.allowed(folder(path), folder(target)):
                continue
            if (path, target) in rules.exceptions:
                used.add((path, target))
                continue
            errors.append(f'{path}:{line}: #include "{text}": '
                          f"{folder(path)} may not include {folder(target)} "
                          "(src/LAYERS)")
    for key in sorted(set(rules.exceptions) - used):
        errors.append(f"src/LAYERS: exception {key[0]} -> {key[1]} is not "
                      "used any more: remove it")
    return errors


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), ".."))
    ap.add_argument("--graph", action="store_true",
                    help="print the folder graph of the includes")
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    if args.graph:
        print_graph(graph(root))
        return 0
    rules = Rules(os.path.join(root, "src", "LAYERS"))
    errors = check(root, rules)
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        print(f"check-layers: {len(errors)} include(s) against src/LAYERS",
              file=sys.stderr)
        return 1
    print(f"check-layers: the includes of {len(list(c_files(root)))} files "
          f"obey src/LAYERS ({len(rules.exceptions)} named exceptions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
