/* SPDX-License-Identifier: MIT */
/*
 * Accesses: in-process users of an IOAS without a domain of their own, the
 * kernel's mdev case (an emulated device). An access pins IOVA ranges to get
 * at the memory behind them, or reads and writes through the IOAS, and is
 * told to unpin when a range it pinned is unmapped.
 */
#ifndef UIOMMUFD_DEVICE_ACCESS_H
#define UIOMMUFD_DEVICE_ACCESS_H

#include "../core/iommufd_private.h"

struct io_pagetable;
struct iommufd_ioas;

enum {
	IOMMUFD_ACCESS_RW_READ = 0,
	IOMMUFD_ACCESS_RW_WRITE = 1 << 0,
	/* The copy may go through the caller's own memory directly */
	IOMMUFD_ACCESS_RW_KTHREAD = 1 << 1,
	/* Testing: take the path that pins, as another process would */
	__IOMMUFD_ACCESS_RW_SLOW_PATH = 1 << 2,
};

struct iommufd_access_ops {
	/* The access can pin pages: then unmap is required */
	bool needs_pin_pages;
	/*
	 * [iova, iova + length) is being unmapped: unpin everything pinned in
	 * it before returning.
	 */
	void (*unmap)(void *data, unsigned long iova, unsigned long length);
};

struct iommufd_access {
	struct iommufd_object obj;
	struct iommufd_ctx *ictx;
	struct iommufd_ioas *ioas;
	/* Where unpin goes: stays set while a replace is in progress */
	struct iommufd_ioas *ioas_unpin;
	struct mutex ioas_lock;
	const struct iommufd_access_ops *ops;
	void *data;
	unsigned long iova_alignment;
	uint32_t iopt_access_list_id;
};

struct iommufd_access *
iommufd_access_create(struct iommufd_ctx *ictx,
		      const struct iommufd_access_ops *ops, void *data,
		      uint32_t *id);
void iommufd_access_destroy(struct iommufd_access *access);
void iommufd_access_destroy_object(struct iommufd_object *obj);
int iommufd_access_attach(struct iommufd_access *access, uint32_t ioas_id);
int iommufd_access_replace(struct iommufd_access *access, uint32_t ioas_id);
/*
 * Pin [iova, iova + length) (a page-aligned range) and return the host
 * address of each page in out_pages.
 */
int iommufd_access_pin_pages(struct iommufd_access *access, unsigned long iova,
			     unsigned long length, uintptr_t *out_pages,
			     unsigned int flags);
void iommufd_access_unpin_pages(struct iommufd_access *access,
				unsigned long iova, unsigned long length);
int iommufd_access_rw(struct iommufd_access *access, unsigned long iova,
		      void *data, size_t length, unsigned int flags);
void iommufd_access_notify_unmap(struct io_pagetable *iopt, unsigned long iova,
				 unsigned long length);

#endif
