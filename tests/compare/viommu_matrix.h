/* SPDX-License-Identifier: MIT */
/*
 * viommu_matrix: what its sections (viommu_sections.c) share with the
 * helpers and main (viommu_matrix.c). Every helper prints one line, "label
 * rc errno [fields]", with the section's prefix.
 */
#ifndef VIOMMU_MATRIX_H
#define VIOMMU_MATRIX_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stddef.h>
#include <stdio.h>
#include <uiommufd/iommufd.h>
#include <uiommufd/iommufd_test.h>

#define PAGE	 4096UL
#define U64_MAX	 (~0ULL)
#define BASE_VA	 0x7e0000000000UL
#define SLOT_SZ	 (16UL << 20)
#define SLOT(n)	 (BASE_VA + (unsigned long)(n)*SLOT_SZ)
#define APERTURE MOCK_APERTURE_START
#define RW	 (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)
#define FIX	 IOMMU_IOAS_MAP_FIXED_IOVA

/* The /dev/iommu of the section, its next buffer slot, its prefix */
extern int ifd;
extern int nslots;
extern char sec[8];

#define CALLF(label, expr, fmt, ...)                 \
	do {                                         \
		const char *l_ = (label);            \
		long r_;                             \
		int e_;                              \
		errno = 0;                           \
		r_ = (expr);                         \
		e_ = errno;                          \
		report(l_, r_, e_);                  \
		printf(" " fmt "\n", ##__VA_ARGS__); \
	} while (0)
#define CALL(label, expr) CALLF(label, expr, "%s", "")
#define NOTE(fmt, ...)	  printf("%s." fmt "\n", sec, ##__VA_ARGS__)

struct mockdev {
	__u32 stdev, hwpt, idev;
};

/* An event or fault queue: its object and descriptor */
struct queue {
	__u32 id;
	int fd;
};

/* The usual start: an IOAS with a device and a nest parent on it */
struct base {
	__u32 ioas, parent;
	struct mockdev d;
};

extern struct iommu_hwpt_selftest nested_data;

/* A label built with printf, from a few rotating buffers */
const char *L(const char *fmt, ...);

/* viommu_matrix.c: the helpers, each printing its line */
void report(const char *label, long rc, int err);
unsigned char *buf_map(size_t len);
unsigned long va(const void *p);
__u32 ioas_alloc(void);
void destroy(const char *label, __u32 id);
void map(const char *label, __u32 ioas, unsigned long uva, __u64 len,
	 __u64 iova, __u32 flags);
void unmap(const char *label, __u32 ioas, __u64 iova, __u64 len);
struct iommu_test_cmd tcmd(__u32 op, __u32 id);
struct mockdev mock_domain(const char *label, __u32 pt, __u32 flags);
void replace(const char *label, __u32 stdev, __u32 pt);
__u32 hwpt_alloc(const char *label, __u32 idev, __u32 pt, __u32 flags,
		 __u32 fault_id, __u32 data_type, void *data, __u32 data_len);
__u32 nested_alloc(const char *label, __u32 idev, __u32 pt, __u32 flags);
__u32 viommu_alloc_data(const char *label, __u32 idev, __u32 hwpt, __u32 type,
			void *data, __u32 len);
__u32 viommu_alloc(const char *label, __u32 idev, __u32 hwpt);
__u32 vdev_alloc(const char *label, __u32 viommu, __u32 idev, __u64 virt_id);
struct queue veventq_alloc_full(const char *label, __u32 viommu, __u32 type,
				__u32 depth, __u32 flags, __u32 reserved);
struct queue veventq_alloc(const char *label, __u32 viommu, __u32 depth);
void trigger_vevent(const char *label, __u32 idev);
void read_vevents(const char *label, int fd, size_t count);
void poll_in(const char *label, int fd);
__u32 hw_queue_alloc_full(const char *label, __u32 viommu, __u32 type,
			  __u32 index, __u64 iova, __u64 len, __u32 flags);
__u32 hw_queue_alloc(const char *label, __u32 viommu, __u32 index, __u64 iova,
		     __u64 len);
void invalidate(const char *label, __u32 id, __u32 type, void *data,
		__u32 entry_len, __u32 entry_num);
void dev_caches(const char *label, __u32 idev);
struct queue fault_alloc(const char *label);
void trigger_iopf(const char *label, __u32 idev, __u32 pasid, __u32 grpid);
__u32 read_faults(const char *label, int fd, size_t count);
void respond(const char *label, int fd, __u32 cookie, __u32 code, size_t count);
void pasid_op(const char *label, __u32 op, __u32 stdev, __u32 pasid, __u32 pt);
void pasid_check(const char *label, __u32 stdev, __u32 pasid, __u32 hwpt);
struct base base_setup(__u32 dev_flags);

/* viommu_sections.c */
void section_viommu(void);
void section_mmap(void);
void section_vdevice(void);
void section_veventq(void);
void section_hw_queue(void);
void section_invalidate(void);
void section_pasid(void);
void section_fault(void);
void section_misc(void);

#endif
