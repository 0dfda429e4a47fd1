// SPDX-License-Identifier: MIT
/*
 * The model of the io_pagetable (see ioas_model.h). Each function follows
 * one function of the kernel's iommufd, in the order it checks things, so
 * the errno of a call that breaks several rules is the kernel's.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <uiommufd/iommufd.h>

#include "ioas_model.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

static uint64_t rpow2(uint64_t v)
{
	return v <= 1 ? 1 : 1ULL << (64 - __builtin_clzll(v - 1));
}

uint64_t m_iova_alignment(const struct ioas_model *m, int ioas)
{
	uint64_t align = m->ioas[ioas].huge_off ? M_PAGE : 1;

	for (int i = 0; i != M_HWPTS; i++)
		if (m->hwpt[i].used && m->hwpt[i].ioas == ioas)
			align = MAX(align,
				    m->hwpt[i].huge ? M_PAGE : M_MOCK_PAGE);
	for (int i = 0; i != M_ACCESSES; i++)
		if (m->acc[i].used && m->acc[i].ioas == ioas)
			align = MAX(align, m->acc[i].pin ? M_PAGE : 1);
	return align;
}

bool m_has_domain(const struct ioas_model *m, int ioas)
{
	for (int i = 0; i != M_HWPTS; i++)
		if (m->hwpt[i].used && m->hwpt[i].ioas == ioas)
			return true;
	return false;
}

unsigned int m_area_search(const struct m_ioas *io, uint64_t iova)
{
	unsigned int lo = 0, hi = io->n_areas;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if (io->areas[mid].last < iova)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool m_area_intersects(const struct m_ioas *io, uint64_t start, uint64_t last)
{
	unsigned int i = m_area_search(io, start);

	return i < io->n_areas && io->areas[i].iova <= last;
}

static bool ranges_intersect(const struct m_range *r, unsigned int n,
			     uint64_t start, uint64_t last)
{
	for (unsigned int i = 0; i != n; i++)
		if (r[i].start <= last && start <= r[i].last)
			return true;
	return false;
}

bool m_reserved_intersects(const struct m_ioas *io, uint64_t start,
			   uint64_t last)
{
	return ranges_intersect(io->reserved, io->n_reserved, start, last);
}

bool m_allowed_intersects(const struct m_ioas *io, uint64_t start,
			  uint64_t last)
{
	return ranges_intersect(io->allowed, io->n_allowed, start, last);
}

int m_pages_new(struct ioas_model *m, bool file, uint64_t base, uint64_t npages,
		bool writable)
{
	for (int i = 0; i != M_PAGES; i++) {
		if (m->pages[i].used)
			continue;
		m->pages[i] = (struct m_pages){
			.used = true,
			.file = file,
			.base = base,
			.npages = npages,
			.writable = writable,
		};
		return i;
	}
	abort();
}

void m_pages_put(struct ioas_model *m, int pages)
{
	if (--m->pages[pages].refs <= 0)
		m->pages[pages].used = false;
}

uint64_t m_pages_va(const struct ioas_model *m, int pages, uint64_t byte)
{
	const struct m_pages *p = &m->pages[pages];

	return (p->file ? m->mfd_va : 0) + p->base + byte;
}

uint64_t m_pages_phys(const struct ioas_model *m, int pages, uint64_t index)
{
	uint64_t va = m_pages_va(m, pages, index * M_PAGE);

	if (va >= m->anon_va && va - m->anon_va < m->anon_len)
		return (va - m->anon_va) / M_PAGE;
	return m->anon_len / M_PAGE + (va - m->mfd_va) / M_PAGE;
}

/* Sorted copy of ranges, touching ones merged: the spans the kernel sees */
static unsigned int spans_of(const struct m_range *in, unsigned int n,
			     struct m_range *out)
{
	unsigned int k = 0;

	memcpy(out, in, n * sizeof(*in));
	for (unsigned int i = 1; i < n; i++)
		for (unsigned int j = i; j && out[j].start < out[j - 1].start;
		     j--) {
			struct m_range t = out[j];

			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	for (unsigned int i = 0; i != n; i++) {
		if (k && (out[k - 1].last == UINT64_MAX ||
			  out[i].start <= out[k - 1].last + 1)) {
			out[k - 1].last = MAX(out[k - 1].last, out[i].last);
			continue;
		}
		out[k++] = out[i];
	}
	return k;
}

/* __alloc_iova_check_range() */
static bool fits(uint64_t *start, uint64_t last, uint64_t length,
		 uint64_t align, uint64_t page_offset)
{
	uint64_t a;

	if (__builtin_add_overflow(*start, align - 1, &a))
		return false;
	a &= ~(align - 1);
	a |= page_offset;
	if (a >= last || last - a < length - 1)
		return false;
	*start = a;
	return true;
}

/* The first fitting hole of reserved U areas inside [start, last] */
static bool fit_in_span(const struct ioas_model *m, int ioas, uint64_t start,
			uint64_t last, uint64_t length, uint64_t align,
			uint64_t page_offset, uint64_t *iova)
{
	const struct m_ioas *io = &m->ioas[ioas];
	struct m_range used[M_AREAS + M_RANGES], spans[M_AREAS + M_RANGES];
	unsigned int n = 0, k;
	uint64_t hole = start;

	memcpy(used, io->reserved, io->n_reserved * sizeof(used[0]));
	n = io->n_reserved;
	for (unsigned int i = 0; i != io->n_areas; i++)
		used[n++] = (struct m_range){io->areas[i].iova,
					     io->areas[i].last, 0};
	k = spans_of(used, n, spans);
	for (unsigned int i = 0; i != k; i++) {
		if (spans[i].last < hole)
			continue;
		if (spans[i].start > last)
			break;
		if (spans[i].start > hole) {
			uint64_t h = hole;

			if (fits(&h, spans[i].start - 1, length, align,
				 page_offset)) {
				*iova = h;
				return true;
			}
		}
		if (spans[i].last >= last)
			return false;
		hole = spans[i].last + 1;
	}
	if (!fits(&hole, last, length, align, page_offset))
		return false;
	*iova = hole;
	return true;
}

int m_alloc_iova(const struct ioas_model *m, int ioas, uint64_t addr,
		 uint64_t length, uint64_t *iova)
{
	const struct m_ioas *io = &m->ioas[ioas];
	const uint64_t lo = M_PAGE, hi = ULONG_MAX - M_PAGE;
	uint64_t page_offset = addr % M_PAGE, align;
	struct m_range spans[4];
	unsigned int k;

	if (length == 0 || length >= ULONG_MAX / 2)
		return -EOVERFLOW;
	align = rpow2(length);
	if (addr)
		align = MIN(align, 1ULL << __builtin_ctzll(addr));
	if (align >= M_HPAGE)
		align = M_HPAGE;
	if (align < m_iova_alignment(m, ioas))
		return -EINVAL;

	if (!io->n_allowed) {
		spans[0] = (struct m_range){lo, hi, 0};
		k = 1;
	} else {
		k = spans_of(io->allowed, io->n_allowed, spans);
	}
	for (unsigned int i = 0; i != k; i++) {
		uint64_t start = MAX(spans[i].start, lo);
		uint64_t last = MIN(spans[i].last, hi);

		if (spans[i].last < lo || spans[i].start > hi)
			continue;
		if (!fits(&start, last, length, align, page_offset))
			continue;
		if (fit_in_span(m, ioas, start, last, length, align,
				page_offset, iova))
			return 0;
	}
	return -ENOSPC;
}

int m_check_new_areas(const struct ioas_model *m, int ioas,
		      const struct m_slice *slices, unsigned int n,
		      uint64_t length, bool fixed, uint64_t *iova,
		      unsigned int prot)
{
	const struct m_ioas *io = &m->ioas[ioas];
	uint64_t align = m_iova_alignment(m, ioas), last;
	int rc;

	if ((length & (align - 1)) || !length)
		return -EINVAL;
	if (!fixed) {
		const struct m_pages *p = &m->pages[slices[0].pages];

		rc = m_alloc_iova(m, ioas, p->base + slices[0].start_byte,
				  length, iova);
		if (rc)
			return rc;
	} else {
		if (*iova & (align - 1))
			return -EINVAL;
		if (__builtin_add_overflow(*iova, length - 1, &last))
			return -EOVERFLOW;
		if (m_reserved_intersects(io, *iova, last))
			return -EINVAL;
		if (m_area_intersects(io, *iova, last))
			return -EEXIST;
	}
	for (unsigned int i = 0; i != n; i++) {
		if ((prot & IOMMU_IOAS_MAP_WRITEABLE) &&
		    !m->pages[slices[i].pages].writable)
			return -EPERM;
		if ((slices[i].start_byte % M_PAGE) & (align - 1))
			return -EINVAL;
	}
	return 0;
}

static void area_insert(struct m_ioas *io, const struct m_area *a)
{
	unsigned int i = m_area_search(io, a->iova);

	if (io->n_areas == M_AREAS)
		abort();
	memmove(&io->areas[i + 1], &io->areas[i],
		(io->n_areas - i) * sizeof(io->areas[0]));
	io->areas[i] = *a;
	io->n_areas++;
}

void m_insert_areas(struct ioas_model *m, int ioas,
		    const struct m_slice *slices, unsigned int n, uint64_t iova,
		    unsigned int prot)
{
	for (unsigned int i = 0; i != n; i++) {
		struct m_area a = {
			.iova = iova,
			.last = iova + slices[i].length - 1,
			.pages = slices[i].pages,
			.start_byte = slices[i].start_byte,
			.prot = prot,
		};

		area_insert(&m->ioas[ioas], &a);
		m->pages[slices[i].pages].refs++;
		iova += slices[i].length;
	}
}

int m_get_slices(const struct ioas_model *m, int ioas, uint64_t iova,
		 uint64_t length, struct m_slice *slices, unsigned int *n)
{
	const struct m_ioas *io = &m->ioas[ioas];
	unsigned int i = m_area_search(io, iova);
	uint64_t last, cur = iova;

	*n = 0;
	if (!length)
		return -EINVAL;
	if (__builtin_add_overflow(iova, length - 1, &last))
		return -EOVERFLOW;
	for (; i < io->n_areas && io->areas[i].iova <= cur; i++) {
		const struct m_area *a = &io->areas[i];

		slices[(*n)++] = (struct m_slice){
			.pages = a->pages,
			.start_byte = a->start_byte + (cur - a->iova),
			.length = MIN(last, a->last) - cur + 1,
		};
		if (a->last >= last)
			return 0;
		cur = a->last + 1;
	}
	return -ENOENT;
}

static bool item_meets(const struct m_item *it, uint64_t start, uint64_t last)
{
	return it->iova <= last && start <= it->iova + it->len - 1;
}

void m_access_notify_unmap(struct ioas_model *m, int ioas, uint64_t start,
			   uint64_t last)
{
	for (int a = 0; a != M_ACCESSES; a++) {
		if (!m->acc[a].used || m->acc[a].ioas != ioas)
			continue;
		for (int i = 0; i != M_ITEMS; i++)
			if (m->acc[a].items[i].used &&
			    item_meets(&m->acc[a].items[i], start, last))
				m->acc[a].items[i].used = false;
	}
}

static bool area_has_access(const struct ioas_model *m, int ioas,
			    const struct m_area *area)
{
	for (int a = 0; a != M_ACCESSES; a++) {
		if (!m->acc[a].used || m->acc[a].ioas != ioas)
			continue;
		for (int i = 0; i != M_ITEMS; i++)
			if (m->acc[a].items[i].used &&
			    item_meets(&m->acc[a].items[i], area->iova,
				       area->last))
				return true;
	}
	return false;
}

int m_unmap(struct ioas_model *m, int ioas, uint64_t start, uint64_t last,
	    uint64_t *unmapped, struct m_range *gone, unsigned int *ngone)
{
	struct m_ioas *io = &m->ioas[ioas];

	*unmapped = 0;
	for (;;) {
		unsigned int i = m_area_search(io, start);
		struct m_area a;

		if (i == io->n_areas || io->areas[i].iova > last)
			return 0;
		a = io->areas[i];
		if (a.iova < start || a.last > last)
			return -ENOENT;
		if (area_has_access(m, ioas, &a))
			m_access_notify_unmap(m, ioas, a.iova, a.last);
		memmove(&io->areas[i], &io->areas[i + 1],
			(io->n_areas - i - 1) * sizeof(io->areas[0]));
		io->n_areas--;
		m_pages_put(m, a.pages);
		if (*ngone < 8)
			gone[(*ngone)++] = (struct m_range){a.iova, a.last, 0};
		*unmapped += a.last - a.iova + 1;
		if (a.last >= last)
			return 0;
		start = a.last + 1;
	}
}

unsigned int m_iova_ranges(const struct ioas_model *m, int ioas,
			   struct m_range *out, unsigned int max)
{
	const struct m_ioas *io = &m->ioas[ioas];
	struct m_range spans[M_RANGES];
	unsigned int k = spans_of(io->reserved, io->n_reserved, spans), n = 0;
	uint64_t hole = 0;
	bool open = true;

	for (unsigned int i = 0; i != k && open; i++) {
		if (spans[i].start > hole && n < max)
			out[n++] =
				(struct m_range){hole, spans[i].start - 1, 0};
		if (spans[i].last == UINT64_MAX)
			open = false;
		else
			hole = spans[i].last + 1;
	}
	if (open && n < max)
		out[n++] = (struct m_range){hole, UINT64_MAX, 0};
	return n;
}

static void mark_span(unsigned char *pinned, uint64_t npages, uint64_t first,
		      uint64_t last)
{
	for (uint64_t i = first; i <= last && i < npages; i++)
		pinned[i] = 1;
}

void m_page_refs(const struct ioas_model *m, unsigned int *refs, uint64_t nphys)
{
	memset(refs, 0, nphys * sizeof(*refs));
	for (int p = 0; p != M_PAGES; p++) {
		const struct m_pages *pg = &m->pages[p];
		unsigned char *pinned;

		if (!pg->used)
			continue;
		pinned = calloc(pg->npages, 1);
		if (!pinned)
			abort();
		/* Areas in domains keep their pages pinned */
		for (int i = 0; i != M_IOAS; i++) {
			const struct m_ioas *io = &m->ioas[i];

			if (!m_has_domain(m, i))
				continue;
			for (unsigned int j = 0; j != io->n_areas; j++) {
				const struct m_area *a = &io->areas[j];

				if (a->pages != p)
					continue;
				mark_span(pinned, pg->npages,
					  a->start_byte / M_PAGE,
					  (a->start_byte + a->last - a->iova) /
						  M_PAGE);
			}
		}
		/* So do the accesses that pinned them */
		for (int a = 0; a != M_ACCESSES; a++)
			for (int i = 0; m->acc[a].used && i != M_ITEMS; i++) {
				const struct m_item *it = &m->acc[a].items[i];

				for (unsigned int s = 0;
				     it->used && s != it->nspan; s++)
					if (it->span[s].pages == p)
						mark_span(pinned, pg->npages,
							  it->span[s].first,
							  it->span[s].last);
			}
		for (uint64_t i = 0; i != pg->npages; i++)
			if (pinned[i] && m_pages_phys(m, p, i) < nphys)
				refs[m_pages_phys(m, p, i)]++;
		free(pinned);
	}
}

int m_check_alignment(const struct ioas_model *m, int ioas, uint64_t align)
{
	const struct m_ioas *io = &m->ioas[ioas];

	if (align <= m_iova_alignment(m, ioas))
		return 0;
	for (unsigned int i = 0; i != io->n_areas; i++) {
		const struct m_area *a = &io->areas[i];

		if ((a->iova & (align - 1)) ||
		    ((a->last - a->iova + 1) & (align - 1)) ||
		    ((a->start_byte % M_PAGE) & (align - 1)))
			return -EADDRINUSE;
	}
	return 0;
}

/* The IOVA a mock domain of this format cannot reach */
static unsigned int aperture_holes(bool huge, struct m_range *out)
{
	if (huge) {
		out[0] = (struct m_range){M_HUGE_APERTURE_END + 1, UINT64_MAX,
					  0};
		return 1;
	}
	out[0] = (struct m_range){0, M_APERTURE_START - 1, 0};
	out[1] = (struct m_range){M_APERTURE_LAST + 1, UINT64_MAX, 0};
	return 2;
}

int m_check_add_domain(const struct ioas_model *m, int ioas, bool huge)
{
	const struct m_ioas *io = &m->ioas[ioas];
	struct m_range holes[2];
	unsigned int n = aperture_holes(huge, holes);
	int rc;

	rc = m_check_alignment(m, ioas, huge ? M_PAGE : M_MOCK_PAGE);
	if (rc)
		return rc;
	for (unsigned int i = 0; i != n; i++)
		if (m_area_intersects(io, holes[i].start, holes[i].last) ||
		    m_allowed_intersects(io, holes[i].start, holes[i].last))
			return -EADDRINUSE;
	return 0;
}

void m_add_domain(struct ioas_model *m, int ioas, int hwpt)
{
	struct m_ioas *io = &m->ioas[ioas];
	struct m_range holes[2];
	unsigned int n = aperture_holes(m->hwpt[hwpt].huge, holes);

	for (unsigned int i = 0; i != n; i++) {
		if (io->n_reserved == M_RANGES)
			abort();
		holes[i].owner = hwpt;
		io->reserved[io->n_reserved++] = holes[i];
	}
}

void m_remove_domain(struct ioas_model *m, int hwpt)
{
	struct m_ioas *io = &m->ioas[m->hwpt[hwpt].ioas];
	unsigned int k = 0;

	for (unsigned int i = 0; i != io->n_reserved; i++)
		if (io->reserved[i].owner != hwpt)
			io->reserved[k++] = io->reserved[i];
	io->n_reserved = k;
	m->hwpt[hwpt].used = false;
}

int m_access_check(const struct ioas_model *m, int ioas, uint64_t iova,
		   uint64_t last, bool pin, bool write, struct m_item *item)
{
	const struct m_ioas *io = &m->ioas[ioas];
	unsigned int i = m_area_search(io, iova);
	uint64_t cur = iova;

	item->nspan = 0;
	for (; i < io->n_areas && io->areas[i].iova <= cur; i++) {
		const struct m_area *a = &io->areas[i];
		uint64_t sb = a->start_byte + (cur - a->iova);
		uint64_t end = MIN(last, a->last);

		if (pin && (sb % M_PAGE ||
			    (last > a->last &&
			     (a->start_byte + (a->last - a->iova)) % M_PAGE !=
				     M_PAGE - 1)))
			return -EINVAL;
		if (!(a->prot & (write ? IOMMU_IOAS_MAP_WRITEABLE
				       : IOMMU_IOAS_MAP_READABLE)))
			return -EPERM;
		if (pin) {
			if (item->nspan == M_SPANS)
				abort();
			item->span[item->nspan].pages = a->pages;
			item->span[item->nspan].first = sb / M_PAGE;
			item->span[item->nspan].last =
				(a->start_byte + (end - a->iova)) / M_PAGE;
			item->nspan++;
		}
		if (a->last >= last)
			return 0;
		cur = a->last + 1;
	}
	return -ENOENT;
}
