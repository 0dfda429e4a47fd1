/* SPDX-License-Identifier: MIT */
/*
 * ACCESS objects inside iommufd: the driver API of accesses is in
 * src/include/iommufd.h; this is what the io_pagetable needs of them. They
 * live beside the io_pagetable because it calls them back (unmap
 * notification, IOVA alignment); the kernel has them in device.c.
 */
#ifndef UIOMMUFD_IOPT_ACCESS_H
#define UIOMMUFD_IOPT_ACCESS_H

#include "../core/iommufd_private.h"

struct io_pagetable;
struct iommufd_ioas;

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
	/*
	 * iommufd's own (a HW queue's): holds no context reference, is never
	 * told to unmap, and its pins make unmapping the area EBUSY
	 */
	bool internal;
};

struct iommufd_access *iommufd_access_create_internal(struct iommufd_ctx *ictx);
int iommufd_access_attach_internal(struct iommufd_access *access,
				   struct iommufd_ioas *ioas);
void iommufd_access_destroy_internal(struct iommufd_ctx *ictx,
				     struct iommufd_access *access);

void iommufd_access_notify_unmap(struct io_pagetable *iopt, unsigned long iova,
				 unsigned long length);

#endif
