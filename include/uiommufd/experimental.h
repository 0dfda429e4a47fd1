/* SPDX-License-Identifier: MIT */
/*
 * EXPERIMENTAL uAPI: iommufd calls of kernels after 7.2, from the iommufd
 * for-next tree of the 7.3 cycle. NOT part of the 7.2 uAPI of
 * <uiommufd/iommufd.h>, and not stable: the layout, the semantics and above
 * all the ioctl NUMBER may change until the series is in a released
 * kernel. Command numbers from 0x95 up are where every pending proposal
 * puts its first ioctl, so two of them may collide; rebuild against this
 * header, never hard-code the number.
 *
 * The engine serves these calls only when the process runs with
 * UIOMMUFD_EXPERIMENTAL=noiommu (uiommufd-run --experimental=noiommu);
 * otherwise the number is ENOTTY, as on a 7.2 kernel.
 *
 * Source: "iommufd: Add an ioctl to query PA from IOVA for noiommu mode"
 * (Jacob Pan, Jason Gunthorpe), applied to the iommufd tree in July 2026,
 * with "iommufd: Allow binding to a noiommu device" and "iommufd: Support
 * a HWPT without an iommu driver for noiommu".
 */
#ifndef _UIOMMUFD_EXPERIMENTAL_H
#define _UIOMMUFD_EXPERIMENTAL_H

#include <uiommufd/iommufd.h>

/* Not fixed until the kernel releases it: see the top of this file */
#define IOMMUFD_CMD_IOAS_NOIOMMU_GET_PA 0x95

/**
 * struct iommu_ioas_noiommu_get_pa - ioctl(IOMMU_IOAS_NOIOMMU_GET_PA)
 * @size: sizeof(struct iommu_ioas_noiommu_get_pa)
 * @flags: must be 0
 * @ioas_id: IOAS to look the IOVA up in
 * @__reserved: must be 0
 * @iova: IOVA to look up
 * @length: in: the most bytes to report (0: no limit); out: how many bytes
 *          from @out_phys on are physically contiguous, within the mapping
 *          of @iova
 * @out_phys: the physical address @iova maps to
 *
 * For a driver of a device without an IOMMU (VFIO no-IOMMU mode, bound to
 * the iommufd through its cdev): the device DMAs to physical addresses,
 * and an IOAS mapping pins the memory and records where it is. The IOVA
 * is only a key for the lookup; it translates nothing.
 *
 * Errors: EPERM without CAP_SYS_RAWIO; EOPNOTSUPP for @flags or
 * @__reserved; EOVERFLOW for an @iova beyond the address space; ENOENT for
 * no such IOAS or an @iova not mapped; EOPNOTSUPP when the mapping is held
 * by no no-IOMMU page table (no no-IOMMU device attached to the IOAS).
 *
 * In the engine a "physical address" is where the page is in the
 * process: the address the emulated no-IOMMU devices DMA to.
 */
struct iommu_ioas_noiommu_get_pa {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__u32 __reserved;
	__aligned_u64 iova;
	__aligned_u64 length;
	__aligned_u64 out_phys;
};
#define IOMMU_IOAS_NOIOMMU_GET_PA \
	_IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_NOIOMMU_GET_PA)

#endif
