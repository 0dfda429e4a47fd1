// SPDX-License-Identifier: MIT
/*
 * What the user sees of a function's extended capabilities through VFIO
 * (the extended part of the kernel's vfio_pci_config.c).
 *
 * The kernel builds a map of config space at open (vfio_ecap_init()) and
 * gives each ecap the permissions of its ID. For the IDs below it:
 *
 * - hides an ecap whose length is 0 ("not yet", PASID among them): the
 *   previous ecap's next pointer skips it, or, if it is the first one (at
 *   0x100, where the list must start), its header dword stays as a
 *   placeholder reading ID 0, version 0 and the real next pointer. Only
 *   those 4 bytes are mapped; the rest of the hidden ecap is unassigned
 *   config space, which the kernel passes through both ways
 *   (unassigned_perms: raw read and write);
 * - reads an ecap without permission bits (PRI, ATS, ARI, ...) from the
 *   function (vfio_direct_config_read(), with the header from its virtual
 *   copy) and drops every write to it (no writefn: the write returns its
 *   count and changes nothing).
 *
 * The headers never change (read-only in hardware), so the layout is
 * walked again at each access instead of being kept. An ID not in the
 * table (our functions expose none) keeps its body pass-through; its
 * header still reads as the kernel shows it and takes no write.
 */
#include <linux/pci_regs.h>

#include "vfio_pci.h"

/* How the kernel treats an ecap ID: its length, 0 for hidden */
struct vfio_ecap_policy {
	uint16_t id;
	uint16_t len;
};

/* pci_ext_cap_length[] of the IDs a function here has, or may soon */
static const struct vfio_ecap_policy vfio_ecap_policies[] = {
	{PCI_EXT_CAP_ID_ARI, PCI_EXT_CAP_ARI_SIZEOF},
	{PCI_EXT_CAP_ID_ATS, PCI_EXT_CAP_ATS_SIZEOF},
	{PCI_EXT_CAP_ID_PRI, PCI_EXT_CAP_PRI_SIZEOF},
	{PCI_EXT_CAP_ID_PASID, 0}, /* the kernel's "not yet" */
};

/* One mapped range: reads the function with a virtual header, no writes */
struct vfio_ecap_seg {
	unsigned int start, len;
	uint32_t vheader;
};

#define VFIO_ECAP_MAX_SEGS 16

static const struct vfio_ecap_policy *vfio_ecap_policy(uint16_t id)
{
	for (size_t i = 0; i != ARRAY_SIZE(vfio_ecap_policies); i++)
		if (vfio_ecap_policies[i].id == id)
			return &vfio_ecap_policies[i];
	return NULL;
}

/* Point the virtual header @h's next at @next */
static uint32_t vfio_ecap_set_next(uint32_t h, uint32_t next)
{
	return (h & ~(0xffcU << 20)) | next << 20;
}

/*
 * The mapped ranges of @pdev's extended config space, as vfio_ecap_init()
 * lays them out; their number
 */
static unsigned int vfio_ecap_layout(struct pci_dev *pdev,
				     struct vfio_ecap_seg *segs)
{
	unsigned int epos = PCI_CFG_SPACE_SIZE, n = 0, ecaps = 0;
	unsigned int loops = (pdev->cfg_size - PCI_CFG_SPACE_SIZE) / 4;
	struct vfio_ecap_seg *prev = NULL;

	if (pdev->cfg_size != PCI_CFG_SPACE_EXP_SIZE ||
	    !pci_config_read(pdev, PCI_CFG_SPACE_SIZE, 4))
		return 0;
	while (loops-- && epos >= PCI_CFG_SPACE_SIZE &&
	       n != VFIO_ECAP_MAX_SEGS) {
		uint32_t header = pci_config_read(pdev, epos, 4);
		const struct vfio_ecap_policy *p =
			vfio_ecap_policy(PCI_EXT_CAP_ID(header));
		struct vfio_ecap_seg *seg = &segs[n];

		seg->start = epos;
		seg->vheader = header;
		/* Unknown here: only the header is the kernel's */
		seg->len = p ? p->len : 4;
		if (!seg->len) {
			if (prev) {
				epos = PCI_EXT_CAP_NEXT(header);
				prev->vheader =
					vfio_ecap_set_next(prev->vheader, epos);
				continue;
			}
			/* The placeholder anchoring the list */
			seg->len = 4;
			seg->vheader = header & 0xffcU << 20;
		} else {
			ecaps++;
		}
		seg->len = min(seg->len, pdev->cfg_size - epos);
		prev = seg;
		n++;
		epos = PCI_EXT_CAP_NEXT(header);
	}
	if (!ecaps && n)
		segs[0].vheader = 0;
	return n;
}

/*
 * The piece of an access at @pos of up to @count bytes that stays in one
 * mapped range or out of all (vfio_pci_cap_remaining_dword()); *@seg the
 * range, or NULL
 */
static size_t vfio_ecap_piece(const struct vfio_ecap_seg *segs, unsigned int n,
			      unsigned int pos, size_t count,
			      const struct vfio_ecap_seg **seg)
{
	unsigned int end = ALIGN_DOWN(pos, 4) + 4;

	*seg = NULL;
	for (unsigned int i = 0; i != n; i++) {
		const struct vfio_ecap_seg *s = &segs[i];

		if (pos >= s->start && pos < s->start + s->len) {
			*seg = s;
			end = min(end, s->start + s->len);
		} else if (s->start > pos) {
			end = min(end, s->start);
		}
	}
	return min(count, (size_t)(end - pos));
}

size_t vfio_pci_config_piece(struct pci_dev *pdev, unsigned int pos,
			     size_t count)
{
	struct vfio_ecap_seg segs[VFIO_ECAP_MAX_SEGS];
	const struct vfio_ecap_seg *seg;

	if (pos < PCI_CFG_SPACE_SIZE)
		return min(count, (size_t)(ALIGN_DOWN(pos, 4) + 4 - pos));
	return vfio_ecap_piece(segs, vfio_ecap_layout(pdev, segs), pos, count,
			       &seg);
}

void vfio_pci_config_access(struct pci_dev *pdev, unsigned int pos,
			    size_t count, uint32_t *val, bool write)
{
	struct vfio_ecap_seg segs[VFIO_ECAP_MAX_SEGS];
	const struct vfio_ecap_seg *seg = NULL;
	unsigned int off;

	if (pos >= PCI_CFG_SPACE_SIZE)
		vfio_ecap_piece(segs, vfio_ecap_layout(pdev, segs), pos, count,
				&seg);
	if (!seg) {
		/* The standard space (not virtualized here), unassigned bytes
		 */
		if (write)
			pci_config_write(pdev, pos, *val, (unsigned int)count);
		else
			*val = pci_config_read(pdev, pos, (unsigned int)count);
		return;
	}
	/* No writefn: dropped */
	if (write)
		return;
	*val = pci_config_read(pdev, pos, (unsigned int)count);
	off = pos - seg->start;
	if (off < 4) {
		uint32_t mask = count == 4 ? ~0U : (1U << (8 * count)) - 1;

		*val = (seg->vheader >> (8 * off)) & mask;
	}
}
