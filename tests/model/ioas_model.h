/* SPDX-License-Identifier: MIT */
/*
 * A plain model of the io_pagetable of each IOAS: its areas, what pages
 * objects back them, allowed and reserved IOVA, the alignment its users
 * impose, the mock HWPTs filled from it and the accesses pinning through
 * it. The rules (which errno, which IOVA an automatic map gets, which pages
 * stay pinned) are those of the kernel's drivers/iommu/iommufd/
 * io_pagetable.c, ioas.c and device.c, read there and checked on the real
 * kernel with this test built for it (tests/model/run-refkernel.sh).
 *
 * Memory: an anonymous arena and a memfd, both mapped at 2 MiB aligned
 * addresses. A "physical page" is an arena page or a memfd page, numbered
 * arena first; the memfd is reached by file offset (MAP_FILE) and through
 * its shared mapping (MAP of that address range).
 */
#ifndef UIOMMUFD_TESTS_IOAS_MODEL_H
#define UIOMMUFD_TESTS_IOAS_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#define M_IOAS	   2
#define M_AREAS	   64
#define M_PAGES	   160
#define M_RANGES   24
#define M_HWPTS	   6
#define M_DEVS	   6
#define M_ACCESSES 3
#define M_ITEMS	   6
#define M_SPANS	   8

#define M_PAGE		 ((uint64_t)4096)
#define M_HPAGE		 ((uint64_t)2 << 20)
#define M_MOCK_PAGE	 ((uint64_t)2048)
#define M_APERTURE_START (1ULL << 24)
#define M_APERTURE_LAST	 ((1ULL << 31) - 1)
/* The huge-page mock format keeps its table's aperture: 3 levels of 2 KiB */
#define M_HUGE_APERTURE_END ((1ULL << 38) - 1)

/* A pages object: user memory from one map, or a file range */
struct m_pages {
	bool used;
	int refs;      /* areas using it */
	bool file;     /* MAP_FILE of the memfd */
	uint64_t base; /* first page: its VA, or its file offset */
	uint64_t npages;
	bool writable;
};

struct m_area {
	uint64_t iova, last;
	int pages;
	uint64_t start_byte; /* of the area's first byte in the pages */
	unsigned int prot;   /* IOMMU_IOAS_MAP_READABLE | _WRITEABLE */
};

struct m_range {
	uint64_t start, last;
	int owner; /* -1: the test uAPI's ADD_RESERVED; else a HWPT index */
};

struct m_ioas {
	uint32_t id;
	struct m_area areas[M_AREAS]; /* sorted by IOVA */
	unsigned int n_areas;
	struct m_range allowed[4];
	unsigned int n_allowed;
	struct m_range reserved[M_RANGES];
	unsigned int n_reserved;
	bool huge_off;
};

struct m_hwpt {
	bool used;
	uint32_t id;
	int ioas;
	bool huge;    /* MOCK_IOMMUPT_HUGE */
	bool is_auto; /* made by an attach, gone with its last device */
	int ndev;
	uint64_t order; /* creation order: the IOAS's list of HWPTs */
};

struct m_dev {
	bool used;
	uint32_t stdev, idev;
	int hwpt;
};

/* What one ACCESS_PAGES pinned: a span of page indexes per pages object */
struct m_item {
	bool used;
	uint32_t id;
	uint64_t iova, len;
	struct {
		int pages;
		uint64_t first, last;
	} span[M_SPANS];
	unsigned int nspan;
};

struct m_access {
	bool used;
	int fd;
	int ioas;
	bool pin; /* MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES */
	struct m_item items[M_ITEMS];
	uint32_t next_id;
};

struct ioas_model {
	uint64_t anon_va, anon_len, mfd_va, mfd_len;
	struct m_ioas ioas[M_IOAS];
	struct m_pages pages[M_PAGES];
	struct m_hwpt hwpt[M_HWPTS];
	struct m_dev dev[M_DEVS];
	struct m_access acc[M_ACCESSES];
	uint64_t hwpt_order;
};

/* A new area an operation would insert: its slice of a pages object */
struct m_slice {
	int pages;
	uint64_t start_byte, length;
};

uint64_t m_iova_alignment(const struct ioas_model *m, int ioas);
/* Index of the first area ending at or after iova */
unsigned int m_area_search(const struct m_ioas *io, uint64_t iova);
bool m_area_intersects(const struct m_ioas *io, uint64_t start, uint64_t last);
bool m_reserved_intersects(const struct m_ioas *io, uint64_t start,
			   uint64_t last);
bool m_allowed_intersects(const struct m_ioas *io, uint64_t start,
			  uint64_t last);
int m_pages_new(struct ioas_model *m, bool file, uint64_t base, uint64_t npages,
		bool writable);
void m_pages_put(struct ioas_model *m, int pages);
/* The VA where a byte of the pages object is seen by the test */
uint64_t m_pages_va(const struct ioas_model *m, int pages, uint64_t byte);
/* Physical page number of a page index of the pages object */
uint64_t m_pages_phys(const struct ioas_model *m, int pages, uint64_t index);

/*
 * iopt_alloc_iova(): the IOVA an automatic map gets for a first byte at
 * addr (VA or file offset). 0 or -EOVERFLOW/-EINVAL/-ENOSPC.
 */
int m_alloc_iova(const struct ioas_model *m, int ioas, uint64_t addr,
		 uint64_t length, uint64_t *iova);
/*
 * iopt_alloc_area_pages() + iopt_insert_area(): checks and places the new
 * areas of slices[0..n) (a map is one slice, a copy one per source area).
 * On success *iova is where they start; nothing is changed.
 */
int m_check_new_areas(const struct ioas_model *m, int ioas,
		      const struct m_slice *slices, unsigned int n,
		      uint64_t length, bool fixed, uint64_t *iova,
		      unsigned int prot);
void m_insert_areas(struct ioas_model *m, int ioas,
		    const struct m_slice *slices, unsigned int n, uint64_t iova,
		    unsigned int prot);
/*
 * iopt_get_pages(): the slices under [iova, iova + length) of an IOAS, which
 * contiguous areas must cover. 0 or -EINVAL/-EOVERFLOW/-ENOENT.
 */
int m_get_slices(const struct ioas_model *m, int ioas, uint64_t iova,
		 uint64_t length, struct m_slice *slices, unsigned int *n);
/*
 * iopt_unmap_iova_range(): unmaps whole areas inside [start, last] in IOVA
 * order until one crosses the range (-ENOENT, what came before stays
 * unmapped); accesses pinning an area are told to unpin first. Returns 0
 * or -errno, the bytes in *unmapped, the ranges gone in gone[] (for probes).
 */
int m_unmap(struct ioas_model *m, int ioas, uint64_t start, uint64_t last,
	    uint64_t *unmapped, struct m_range *gone, unsigned int *ngone);
/* The usable IOVA ranges (holes of the reserved ones) */
unsigned int m_iova_ranges(const struct ioas_model *m, int ioas,
			   struct m_range *out, unsigned int max);
/* Expected pin count of each physical page, into refs[] */
void m_page_refs(const struct ioas_model *m, unsigned int *refs,
		 uint64_t nphys);
/* Does the IOAS have a domain (a paging HWPT)? */
bool m_has_domain(const struct ioas_model *m, int ioas);
/*
 * iopt_table_add_domain(): can a mock domain of this format join the IOAS?
 * 0 or -EADDRINUSE. add_domain applies it.
 */
int m_check_add_domain(const struct ioas_model *m, int ioas, bool huge);
void m_add_domain(struct ioas_model *m, int ioas, int hwpt);
void m_remove_domain(struct ioas_model *m, int hwpt);
/*
 * iopt_calculate_iova_alignment() for a changed set of users: 0 or
 * -EADDRINUSE when an area does not fit the new alignment.
 */
int m_check_alignment(const struct ioas_model *m, int ioas, uint64_t align);
/*
 * The contiguous areas of an access call: [iova, last] must be covered;
 * pin additionally needs page aligned starts and page ends between areas.
 * 0, or the kernel's -errno.
 */
int m_access_check(const struct ioas_model *m, int ioas, uint64_t iova,
		   uint64_t last, bool pin, bool write, struct m_item *item);
/* The test access's unmap callback: unpin every item meeting the range */
void m_access_notify_unmap(struct ioas_model *m, int ioas, uint64_t start,
			   uint64_t last);

#endif
