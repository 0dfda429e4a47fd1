/* SPDX-License-Identifier: MIT */
/*
 * errno_matrix: what its sections (errno_ioas_sections.c,
 * errno_device_sections.c) share with the helpers, section a and main
 * (errno_matrix.c). Every helper prints one line, "label rc errno
 * [fields]", with the section's prefix.
 */
#ifndef ERRNO_MATRIX_H
#define ERRNO_MATRIX_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <linux/vfio.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/iommufd_test.h>

#define PAGE	4096UL
#define U64_MAX (~0ULL)
#define BASE_VA 0x7e0000000000UL
#define SLOT_SZ (16UL << 20)
#define SLOT(n) (BASE_VA + (unsigned long)(n)*SLOT_SZ)
/* an address range that is never mapped */
#define NOMEM_VA SLOT(4000)
#define APERTURE MOCK_APERTURE_START

/* Run expr, print "label rc errno" and then the extra fields of fmt. */
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
#define CALL(label, expr)                 \
	do {                              \
		const char *l_ = (label); \
		long r_;                  \
		int e_;                   \
		errno = 0;                \
		r_ = (expr);              \
		e_ = errno;               \
		report(l_, r_, e_);       \
		printf("\n");             \
	} while (0)
#define NOTE(fmt, ...) printf("%s." fmt "\n", sec, ##__VA_ARGS__)

#define INIT(s)                             \
	do {                                \
		memset(&(s), 0, sizeof(s)); \
		(s).size = sizeof(s);       \
	} while (0)

#define RW  (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)
#define FIX (IOMMU_IOAS_MAP_FIXED_IOVA)

struct mockdev {
	__u32 stdev, hwpt, idev;
};

/* errno_matrix.c */
extern int ifd;	    /* the /dev/iommu of the current section */
extern char sec[8]; /* section prefix of the labels */
const char *L(const char *fmt, ...);
void report(const char *label, long rc, int err);
unsigned char *buf_map(size_t len, int prot);
unsigned long va(const void *p);
void open_iommu(void);
__u32 ioas_alloc(void);
int destroy(__u32 id);
struct iommu_ioas_map mapc(__u32 ioas, __u32 flags, unsigned long uva,
			   __u64 len, __u64 iova);
void map(const char *label, __u32 ioas, __u32 flags, unsigned long uva,
	 __u64 len, __u64 iova);
void unmap(const char *label, __u32 ioas, __u64 iova, __u64 len);
void unmap_all(const char *label, __u32 ioas);
struct iommu_test_cmd tcmd(__u32 op, __u32 id);
struct mockdev mock_domain(const char *label, __u32 pt, __u32 dev_flags);
void iova_ranges(const char *label, __u32 ioas, __u32 num);
void allow_iovas(const char *label, __u32 ioas,
		 const struct iommu_iova_range *r, __u32 num);
void add_reserved(const char *label, __u32 ioas, __u64 start, __u64 len);

/* errno_ioas_sections.c */
void section_ioas_map(void);
void option(const char *label, __u32 id, __u16 op, __u32 obj, __u64 val,
	    __u16 rsv);
void vfio_ioas(const char *label, __u32 id, __u16 op, __u16 rsv);
void section_unmap_copy_ranges(void);

/* errno_device_sections.c */
void section_vfio(void);
void section_mock(void);
void section_access(void);

#endif
