/* SPDX-License-Identifier: MIT */
/*
 * vfio_matrix: what its device sections (vfio_device_sections.c) share
 * with the helpers, the file, group and cdev sections and main
 * (vfio_matrix.c). Every line printed is "section.label rc errno
 * [fields]".
 */
#ifndef VFIO_MATRIX_H
#define VFIO_MATRIX_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <uiommufd/iommufd.h>
#include <uiommufd/vfio.h>

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
#define PCI_OFF(i) ((uint64_t)(i) << 40)

/* Run expr, print "label rc errno" and the extra fields */
#define CALLF(label, expr, fmt, ...)                               \
	do {                                                       \
		const char *l_ = (label);                          \
		long r_;                                           \
		int e_;                                            \
		errno = 0;                                         \
		r_ = (long)(expr);                                 \
		e_ = errno;                                        \
		if (r_ < 0)                                        \
			printf("%s.%s -1 %s", sec, l_, ename(e_)); \
		else                                               \
			printf("%s.%s %ld -", sec, l_, r_);        \
		printf(" " fmt "\n", ##__VA_ARGS__);               \
	} while (0)
#define CALL(label, expr) CALLF(label, expr, "%s", "")
/* A call whose result (an fd) must not show: ok or errno */
#define CALLOK(label, expr)                            \
	({                                             \
		long ok_;                              \
		errno = 0;                             \
		ok_ = (long)(expr);                    \
		printf("%s.%s %s\n", sec, (label),     \
		       ok_ < 0 ? ename(errno) : "ok"); \
		ok_;                                   \
	})
#define NOTE(fmt, ...) printf("%s." fmt "\n", sec, ##__VA_ARGS__)

/* A device bound to a new iommufd and attached to a new IOAS */
struct bound {
	int dev, iommufd;
	uint32_t devid, ioas, pt;
};

/* vfio_matrix.c */
extern char sec[8];
const char *ename(int e);
const char *L(const char *fmt, ...);
void fail(const char *what);
int open_group(int i);
int bind_attach(int i, struct bound *b);
int ioas_map(struct bound *b, void *va, uint64_t iova, size_t len,
	     uint32_t flags);
uint32_t rd32(int dev, uint64_t off);
void wr32(int dev, uint64_t off, uint32_t v);
uint64_t eventfd_count(int efd, int timeout_ms);
int set_irqs(int dev, uint32_t flags, uint32_t index, uint32_t start,
	     uint32_t count, const void *data, size_t len);

/* vfio_device_sections.c */
void sec_regions(void);
void sec_bar(void);
void sec_irq(void);
void sec_ioeventfd(void);
void sec_dma(void);

#endif
