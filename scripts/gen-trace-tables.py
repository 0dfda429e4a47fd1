#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate the ioctl decoding tables of the trace from the uAPI headers.

The trace (src/api/trace_ioctl.c) prints every field of an ioctl's struct
by name. Rather than a hand-kept copy of every struct, this reads the
project's own uAPI headers (include/uiommufd/*.h, the kernel's layout and
kernel-doc style) and writes C tables whose offsets and sizes the compiler
computes (offsetof, sizeof): a field added to a header is traced with no
other change, and a table can never disagree with the struct.

For each "#define NAME _IO(...)" the struct is the one defined just before
it, unless ARG below says otherwise. A field's flag or value names come
from its kernel-doc line: "enum NAME" gives that enum's members, "PREFIX_*"
the #defines with that prefix; HINTS covers fields whose text names none.

Usage: gen-trace-tables.py OUTPUT HEADER...
"""
import re
import sys

# ioctls whose argument is not the preceding struct: by value, a pointer to
# an int or a string, or none at all
ARG = {
    'VFIO_GET_API_VERSION': 'none',
    'VFIO_CHECK_EXTENSION': 'value',
    'VFIO_SET_IOMMU': 'value',
    'VFIO_IOMMU_ENABLE': 'none',
    'VFIO_IOMMU_DISABLE': 'none',
    'VFIO_GROUP_SET_CONTAINER': 'intptr',
    'VFIO_GROUP_UNSET_CONTAINER': 'none',
    'VFIO_GROUP_GET_DEVICE_FD': 'string',
    'VFIO_DEVICE_RESET': 'none',
}

# Which file an ioctl is for: its number may mean another call on another
# kind of file (VFIO_BASE + 12 is a container's GET_INFO and a device's
# GET_PCI_HOT_RESET_INFO)
def file_class(name):
    if name.startswith('VFIO_GROUP_'):
        return 'TRACE_ON_GROUP'
    if name.startswith('VFIO_DEVICE_') or name.startswith('VFIO_MIG_'):
        return 'TRACE_ON_DEVICE'
    return 'TRACE_ON_IOMMUFD'

# Arrays a struct points to, decoded element by element:
#   ioctl -> (pointer field, count field, direction, stride field or None,
#             selector field or None, {selector value: element struct})
# "out" arrays are filled by the call (read after it, as many elements as
# both the caller's count and the count returned), "in" arrays are read
# before it. With a selector the element struct depends on a field's value.
ARRAYS = {
    'IOMMU_IOAS_IOVA_RANGES': ('allowed_iovas', 'num_iovas', 'out', None,
                               None, {None: 'iommu_iova_range'}),
    'IOMMU_IOAS_ALLOW_IOVAS': ('allowed_iovas', 'num_iovas', 'in', None,
                               None, {None: 'iommu_iova_range'}),
    'IOMMU_HWPT_INVALIDATE': (
        'data_uptr', 'entry_num', 'in', 'entry_len', 'data_type', {
            'IOMMU_HWPT_INVALIDATE_DATA_VTD_S1':
                'iommu_hwpt_vtd_s1_invalidate',
            'IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3':
                'iommu_viommu_arm_smmuv3_invalidate',
        }),
}

# Capability chains in the buffer after an INFO struct: ioctl -> (the
# offset field, {cap id: (cap struct, flexible array, its count, element
# struct) or (cap struct,)}). Cap IDs are a name space per ioctl.
CAPS = {
    'VFIO_DEVICE_GET_REGION_INFO': ('cap_offset', {
        'VFIO_REGION_INFO_CAP_SPARSE_MMAP': (
            'vfio_region_info_cap_sparse_mmap', 'areas', 'nr_areas',
            'vfio_region_sparse_mmap_area'),
        'VFIO_REGION_INFO_CAP_TYPE': ('vfio_region_info_cap_type',),
        'VFIO_REGION_INFO_CAP_MSIX_MAPPABLE': ('vfio_info_cap_header',),
    }),
    'VFIO_IOMMU_GET_INFO': ('cap_offset', {
        'VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE': (
            'vfio_iommu_type1_info_cap_iova_range', 'iova_ranges',
            'nr_iovas', 'vfio_iova_range'),
        'VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION': (
            'vfio_iommu_type1_info_cap_migration',),
        'VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL': (
            'vfio_iommu_type1_info_dma_avail',),
    }),
    'VFIO_DEVICE_GET_INFO': ('cap_offset', {
        'VFIO_DEVICE_INFO_CAP_PCI_ATOMIC_COMP': (
            'vfio_device_info_cap_pci_atomic_comp',),
    }),
}

# Fields whose kernel-doc names no enum or prefix: (struct, field) -> spec
HINTS = {
    ('iommu_test_cmd', 'op'): 'prefix:IOMMU_TEST_OP_',
    ('iommu_ioas_map_file', 'flags'): 'enum:iommufd_ioas_map_flags',
    ('iommu_option', 'option_id'): 'enum:iommufd_option',
    ('iommu_option', 'op'): 'enum:iommufd_option_ops',
    ('iommu_vfio_ioas', 'op'): 'enum:iommufd_vfio_ioas_op',
}

SCALARS = {'__u8': 1, '__u16': 2, '__u32': 4, '__u64': 8,
           '__aligned_u64': 8, '__s8': 1, '__s16': 2, '__s32': 4,
           '__s64': 8, '__aligned_le64': 8, '__le64': 8, '__le32': 4}


def strip_comments(text):
    return re.sub(r'/\*.*?\*/', '', text, flags=re.S)


def parse_enums(text):
    """enum name -> [member names], for named enums"""
    enums = {}
    for m in re.finditer(r'^enum (\w+) \{(.*?)\};', text, re.M | re.S):
        body = strip_comments(m.group(2))
        names = re.findall(r'^\s*(\w+)\s*(?:=[^,]*)?,?\s*$', body, re.M)
        enums[m.group(1)] = names
    return enums


def parse_defines(text):
    """the names of #defines and of the members of every enum"""
    names = re.findall(r'^#define (\w+)\s', text, re.M)
    for m in re.finditer(r'^enum \w*\s*\{(.*?)\};', text, re.M | re.S):
        names += re.findall(r'^\s*(\w+)\s*(?:=[^,]*)?,?\s*$',
                            strip_comments(m.group(1)), re.M)
    return names


def parse_doc(doc):
    """field -> its kernel-doc text"""
    fields = {}
    cur = None
    for line in doc.splitlines():
        line = line.strip().lstrip('*').strip()
        m = re.match(r'@(\w+):\s*(.*)', line)
        if m:
            cur = m.group(1)
            fields[cur] = m.group(2)
        elif cur and line:
            fields[cur] += ' ' + line
        else:
            cur = None
    return fields


def parse_struct_body(body):
    """[(name, type, count)] of the scalar fields; unions of scalars give
    their first member, other unions and nested structs are skipped"""
    fields = []
    body = strip_comments(body)
    depth = 0
    union_scalars = []
    for raw in body.split(';'):
        part = raw.strip()
        while part.startswith('}'):
            part = part[1:].strip()
            depth -= 1
            if depth == 0 and union_scalars is not None and union_scalars:
                fields.append(union_scalars[0])
            union_scalars = []
        opens = part.count('{')
        if opens:
            head = part.split('{')[0].strip()
            depth += opens
            union_scalars = [] if head == 'union' and depth == 1 else None
            part = part.split('{')[-1].strip()
        if not part:
            continue
        m = re.match(r'(__\w+)\s+(\w+)(?:\[(\w+)\])?$', part)
        if not m or m.group(1) not in SCALARS:
            continue
        field = (m.group(2), m.group(1), m.group(3))
        if depth == 0:
            fields.append(field)
        elif depth == 1 and union_scalars is not None:
            union_scalars.append(field)
    return fields


def parse_header(text):
    """[(ioctl, struct or None, [fields], doc)] in header order"""
    out = []
    last = None
    pat = re.compile(r'(/\*\*(?:(?!\*/).)*?\*/\s*)?^struct (\w+) \{(.*?)^\};'
                     r'|^#define (\w+)\s+(?:\\\s*)?_IO\w*\(', re.M | re.S)
    for m in pat.finditer(text):
        if m.group(2):
            last = (m.group(2), parse_struct_body(m.group(3)),
                    parse_doc(m.group(1) or ''))
        else:
            out.append((m.group(4), last))
    return out


def parse_structs(text):
    """struct name -> ([fields], doc), for every struct of a header"""
    out = {}
    pat = re.compile(r'(/\*\*(?:(?!\*/).)*?\*/\s*)?^struct (\w+) \{(.*?)^\};',
                     re.M | re.S)
    for m in pat.finditer(text):
        out[m.group(2)] = (parse_struct_body(m.group(3)),
                           parse_doc(m.group(1) or ''))
    return out


def flag_spec(struct, field, doc, enums, defines):
    hint = HINTS.get((struct, field))
    if hint:
        kind, name = hint.split(':')
        if kind == 'prefix':
            return [d for d in defines if d.startswith(name)]
        return enums.get(name, [])
    text = doc.get(field, '')
    m = re.search(r'enum (\w+)', text)
    if m and m.group(1) in enums:
        return enums[m.group(1)]
    # Every "PREFIX_*" named; the masks of several bits are not names
    prefixes = re.findall(r'\b([A-Z][A-Z0-9_]*_)\*', text)
    return [d for d in defines
            if any(d.startswith(p) for p in prefixes)
            and not d.endswith('_TYPE_MASK')]


def common_prefix(names):
    if len(names) < 2:
        return ''
    pre = names[0]
    for n in names[1:]:
        while not n.startswith(pre):
            pre = pre[:-1]
    return pre[:pre.rfind('_') + 1]


def field_kind(struct, name, ctype, names):
    if name in ('size', 'argsz') or name.startswith('__reserved') or \
            name in ('pad', '__pad'):
        return 'TF_DEC'
    if ('flags' in name or 'capabilities' in name) and names:
        return 'TF_FLAGS'
    if names:
        return 'TF_ENUM'
    if name == 'id' or name.endswith('_id') and ctype in ('__u32',):
        return 'TF_ID'
    if ctype.startswith('__s') or 'fd' in name.split('_'):
        return 'TF_SDEC'
    if SCALARS[ctype] == 8 or name.endswith('addr') or \
            'flags' in name or 'pgsize' in name:
        return 'TF_HEX'
    return 'TF_DEC'


class Tables:
    """The C tables being written: name tables are shared between fields"""

    def __init__(self, enums, defines):
        self.enums, self.defines = enums, defines
        self.lines = ['/* Generated by scripts/gen-trace-tables.py: '
                      'do not edit */', '#include "trace_tables.h"', '']
        self.seen_names = {}

    def names_table(self, names, kind):
        key = tuple(names)
        if key in self.seen_names:
            return self.seen_names[key]
        ntab = 'names_%d' % len(self.seen_names)
        self.seen_names[key] = ntab
        pre = common_prefix(names) if kind == 'TF_FLAGS' else ''
        self.lines.append('static const struct trace_name %s[] = {' % ntab)
        for n in names:
            self.lines.append('\t{ "%s", (uint64_t)(%s) },' %
                              (n[len(pre):], n))
        self.lines.append('\t{ NULL, 0 },')
        self.lines.append('};')
        return ntab

    def fields(self, ftab, struct, fields, doc):
        """the field table of a struct; returns its number of rows"""
        rows = []
        for name, ctype, count in fields:
            names = flag_spec(struct, name, doc, self.enums, self.defines)
            kind = field_kind(struct, name, ctype, names)
            ntab = 'NULL'
            if kind in ('TF_FLAGS', 'TF_ENUM'):
                ntab = self.names_table(names, kind)
            member = '((struct %s *)0)->%s' % (struct, name)
            nelem = ('sizeof(%s) / sizeof(%s[0])' % (member, member)
                     if count else '1')
            rows.append('\t{ "%s", offsetof(struct %s, %s), '
                        'sizeof(%s%s), %s, %s, %s },' %
                        (name, struct, name, member, '[0]' if count else '',
                         nelem, kind, ntab))
        self.lines.append('static const struct trace_field %s[] = {' % ftab)
        self.lines += rows
        self.lines.append('};')
        return len(rows)

    def array(self, ioctl, struct, structs):
        """the array descriptor of an ioctl's struct, by ARRAYS"""
        ptr, count, way, stride, selector, types = ARRAYS[ioctl]
        base = ioctl.lower()
        rows = []
        for i, (value, elem) in enumerate(types.items()):
            efields, edoc = structs[elem]
            etab = 'elem_%s_%d' % (base, i)
            n = self.fields(etab, elem, efields, edoc)
            rows.append('\t{ (uint64_t)(%s), sizeof(struct %s), %s, %d },' %
                        (value or 0, elem, etab, n))
        self.lines.append('static const struct trace_elem_type '
                          'types_%s[] = {' % base)
        self.lines += rows
        self.lines.append('};')

        def member(field):
            if not field:
                return '0, 0'
            return ('offsetof(struct %s, %s), sizeof(((struct %s *)0)->%s)'
                    % (struct, field, struct, field))
        self.lines.append('static const struct trace_array array_%s = {' %
                          base)
        self.lines.append('\t"%s", %s, %s, %s, %s, %s, types_%s, %d,' %
                          (ptr, member(ptr), member(count), member(stride),
                           member(selector),
                           'true' if way == 'out' else 'false', base,
                           len(rows)))
        self.lines.append('};')
        return '&array_' + base


    def caps(self, ioctl, struct, structs):
        """the capability chain descriptor of an INFO ioctl, by CAPS"""
        offset_field, types = CAPS[ioctl]
        base = ioctl.lower()
        rows = []
        for i, (cap_id, spec) in enumerate(types.items()):
            cap = spec[0]
            cfields, cdoc = structs[cap]
            ctab, n = 'NULL', 0
            if cfields and cap != 'vfio_info_cap_header':
                ctab = 'cap_%s_%d' % (base, i)
                n = self.fields(ctab, cap, cfields, cdoc)
            elems = 'NULL, 0, 0, 0, 0, NULL, 0'
            if len(spec) > 1:
                _, flex, count, elem = spec
                efields, edoc = structs[elem]
                etab = 'capelem_%s_%d' % (base, i)
                en = self.fields(etab, elem, efields, edoc)
                elems = ('"%s", offsetof(struct %s, %s), '
                         'offsetof(struct %s, %s), '
                         'sizeof(((struct %s *)0)->%s), sizeof(struct %s), '
                         '%s, %d' % (flex, cap, flex, cap, count, cap, count,
                                     elem, etab, en))
            rows.append('\t{ %s, "%s", sizeof(struct %s), %s, %d, %s },' %
                        (cap_id, cap_id, cap, ctab, n, elems))
        self.lines.append('static const struct trace_cap_type '
                          'captypes_%s[] = {' % base)
        self.lines += rows
        self.lines.append('};')
        self.lines.append('static const struct trace_caps caps_%s = {' %
                          base)
        self.lines.append('\toffsetof(struct %s, %s), '
                          'sizeof(((struct %s *)0)->%s), captypes_%s, %d,' %
                          (struct, offset_field, struct, offset_field, base,
                           len(rows)))
        self.lines.append('};')
        return '&caps_' + base


def main():
    output, headers = sys.argv[1], sys.argv[2:]
    texts = [open(h).read() for h in headers]
    enums, defines, structs = {}, [], {}
    for t in texts:
        enums.update(parse_enums(t))
        defines += parse_defines(t)
        structs.update(parse_structs(t))
    # An ioctl's own name is no flag (VFIO_DEVICE_ATTACH_IOMMUFD_PT)
    ioctl_names = {i for t in texts for i, _ in parse_header(t)}
    defines = [d for d in defines if d not in ioctl_names]
    tables = Tables(enums, defines)
    entries = []
    for text in texts:
        for ioctl, last in parse_header(text):
            arg = ARG.get(ioctl, 'struct')
            if arg != 'struct' or last is None:
                entries.append((ioctl, arg if last or arg != 'struct'
                                else 'none'))
                continue
            struct, fields, doc = last
            ftab = 'fields_' + ioctl.lower()
            n = tables.fields(ftab, struct, fields, doc)
            array = (tables.array(ioctl, struct, structs)
                     if ioctl in ARRAYS else 'NULL')
            caps = (tables.caps(ioctl, struct, structs)
                    if ioctl in CAPS else 'NULL')
            entries.append((ioctl, 'struct', struct, ftab, n, array, caps))
    lines = tables.lines
    lines.append('')
    lines.append('const struct trace_ioctl trace_ioctls[] = {')
    for e in entries:
        ioctl, arg = e[0], e[1]
        cls = file_class(ioctl)
        if arg == 'struct':
            lines.append('\t{ "%s", %s, %s, TRACE_ARG_STRUCT, '
                         'sizeof(struct %s), %s, %d, %s, %s },' %
                         (ioctl, ioctl, cls, e[2], e[3], e[4], e[5], e[6]))
        else:
            lines.append('\t{ "%s", %s, %s, TRACE_ARG_%s, 0, NULL, 0, '
                         'NULL, NULL },' % (ioctl, ioctl, cls, arg.upper()))
    lines.append('};')
    lines.append('const unsigned int trace_nr_ioctls = '
                 'sizeof(trace_ioctls) / sizeof(trace_ioctls[0]);')
    with open(output, 'w') as f:
        f.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main()
