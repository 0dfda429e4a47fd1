#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The C API three ways: exported, declared, documented.

Checks that the symbols libuiommufd exports are exactly the global list of
src/libuiommufd.map, each with that version node; that the public header
declares every one of them and no other uiommufd_ function; and that each
has a man3 page (man/man3/NAME.3, naming it in its NAME section).

Usage: check-api.py --root SRC --lib BUILD/src/libuiommufd.so
"""
import argparse
import os
import re
import subprocess
import sys


def map_symbols(path):
    text = open(path).read()
    node = re.search(r'^([\w.]+)\s*\{', text, re.M).group(1)
    glob = re.search(r'global:(.*?)local:', text, re.S).group(1)
    return node, set(re.findall(r'(\w+);', glob))


def exported(lib):
    out = subprocess.run(['objdump', '-T', lib], check=True,
                         capture_output=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        f = line.split()
        # defined functions: "... .text ... VERSION NAME"
        if len(f) >= 7 and '.text' in f and f[-1].startswith('uiommufd_'):
            syms[f[-1]] = f[-2]
    return syms


def declared(header):
    text = open(header).read()
    return set(re.findall(r'\b(uiommufd_\w+)\s*\(', text))


def documented(man3, name):
    path = os.path.join(man3, name + '.3')
    if not os.path.exists(path):
        return False
    text = open(path).read()
    m = re.match(r'\.so man3/(\w+)\.3', text)
    if m:
        text = open(os.path.join(man3, m.group(1) + '.3')).read()
    head = text.split('.SH SYNOPSIS')[0]
    return re.search(r'\b%s\b' % re.escape(name), head) is not None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--root', required=True)
    ap.add_argument('--lib', required=True)
    args = ap.parse_args()
    node, wanted = map_symbols(os.path.join(args.root, 'src',
                                            'libuiommufd.map'))
    errors = []
    syms = exported(args.lib)
    for name in sorted(set(syms) ^ wanted):
        errors.append('%s: %s' % (name, 'exported, not in the map'
                                  if name in syms else 'in the map, not '
                                  'exported'))
    for name, ver in sorted(syms.items()):
        if ver != node:
            errors.append('%s: version %s, not %s' % (name, ver, node))
    decl = declared(os.path.join(args.root, 'include', 'uiommufd',
                                 'uiommufd.h'))
    for name in sorted(decl ^ wanted):
        errors.append('%s: %s' % (name, 'declared, not exported'
                                  if name in decl else 'exported, not '
                                  'declared in <uiommufd/uiommufd.h>'))
    man3 = os.path.join(args.root, 'man', 'man3')
    for name in sorted(wanted):
        if not documented(man3, name):
            errors.append('%s: no man3 page naming it' % name)
    for e in errors:
        print('check-api: ' + e, file=sys.stderr)
    if not errors:
        print('check-api: %d symbols of %s exported, declared and '
              'documented' % (len(wanted), node))
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
