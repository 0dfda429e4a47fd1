/* SPDX-License-Identifier: MIT */
/*
 * uiommufd - the VFIO user API: the container (/dev/vfio/vfio), group
 * (/dev/vfio/$GROUP) and device file descriptors, including the device
 * character devices (/dev/vfio/devices/vfioX) that are bound to an iommufd.
 *
 * This header is written for uiommufd but is binary compatible with the
 * Linux 7.2 <linux/vfio.h>: every name below, constant value and type, ioctl
 * number, struct, field order, field type and alignment is the kernel's.
 * tests/abi/vfio_layout.c pins all of it at compile time, with numbers
 * measured on the 7.2 header, and tests/abi/compare_layout.sh compares it
 * with a kernel's installed header (one with the device cdev calls).
 *
 * One definition only
 * -------------------
 * In the kernel tree the header's guard is _UAPIVFIO_H; "make headers_install"
 * renames it to VFIO_H, and that is the guard of <linux/vfio.h> as installed
 * in /usr/include. This file tests and defines both, so whichever header comes
 * first is used and the other one is skipped. Include this one first: a system
 * header older than 7.2 would otherwise hide the newer definitions (the device
 * cdev calls, for instance, appeared in 6.6).
 *
 * What is left out
 * ----------------
 *  - the powerpc-only sPAPR TCE IOMMU and EEH interface: the structs
 *    vfio_iommu_spapr_tce_ddw_info, _tce_info, _register_memory, _tce_create,
 *    _tce_remove, vfio_eeh_pe_err and vfio_eeh_pe_op, the ioctls
 *    VFIO_IOMMU_SPAPR_* and VFIO_EEH_PE_OP, and the VFIO_EEH_PE_* operations
 *    and states. Their extension numbers (VFIO_SPAPR_TCE_IOMMU, VFIO_EEH,
 *    VFIO_SPAPR_TCE_v2_IOMMU) are kept: programs probe them on every host.
 *  - the version 1 migration region, dropped by the kernel in 5.18: struct
 *    vfio_device_migration_info and its VFIO_DEVICE_STATE_V1_*,
 *    VFIO_DEVICE_STATE_MASK, _VALID(), _IS_ERROR() and _SET_ERROR() macros.
 *    The region type and subtype numbers that named it are kept.
 * The s390 numbers (zPCI capabilities, CCW and AP indexes and regions) and
 * the graphics parts (EDID region, plane query, dma-buf) are all included;
 * the zPCI capability contents are in the kernel's <linux/vfio_zdev.h>.
 *
 * How the calls work
 * ------------------
 * The argument struct of every call starts with __u32 argsz, the number of
 * bytes the caller provides, which the caller must always set, then __u32
 * flags. The ioctl numbers are made with _IO(): they encode neither size nor
 * direction. A struct only grows at its end, and a flag bit tells when a newer
 * field holds valid data. In general an argsz smaller than the call's minimum
 * (the struct up to its last field that was always there) gives EINVAL, so do
 * unknown flag bits, and an ioctl the file does not support gives ENOTTY.
 * Bytes past the part a call understands are ignored, except where a struct's
 * comment says otherwise.
 *
 * Capability chains
 * -----------------
 * The INFO calls (VFIO_DEVICE_GET_INFO, VFIO_DEVICE_GET_REGION_INFO,
 * VFIO_IOMMU_GET_INFO) can return extra information after the fixed struct,
 * as a chain of capabilities much like PCI capabilities. A _CAPS flag in the
 * reply says the chain is supported; cap_offset is then the offset of the
 * first struct vfio_info_cap_header, counted from the start of the caller's
 * buffer, and each header's @next gives the following one (0 ends the chain).
 * The meaning of @version depends on @id, and @id is a separate name space for
 * each INFO call. If argsz is too small for the chain the call still succeeds:
 * the _CAPS flag is set, cap_offset is 0 (when the field fits in argsz) and
 * argsz is raised to the size needed; retry with a buffer that large.
 */
#ifndef _UAPIVFIO_H
#ifndef VFIO_H
#define _UAPIVFIO_H
#define VFIO_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * Older <linux/types.h> lack the explicitly aligned 64-bit type; supply it
 * with the definition the kernel uses.
 */
#ifndef __aligned_u64
#define __aligned_u64 __u64 __attribute__((aligned(8)))
#endif

/*
 * Annotation of a flexible array with the member that counts its elements;
 * <linux/stddef.h> of 6.1 (Debian 12) lacks it. Without compiler support it
 * means nothing, so the fallback expands to nothing, as the kernel's does.
 */
#ifndef __counted_by
#define __counted_by(m)
#endif

/* ===================================================================== */
/* Common                                                                */
/* ===================================================================== */

/* The one version of the API; VFIO_GET_API_VERSION returns it. */
#define VFIO_API_VERSION 0

/*
 * Extensions, tested with VFIO_CHECK_EXTENSION. Numbers 1, 2, 3, 7 and 8 are
 * also IOMMU models to pass to VFIO_SET_IOMMU. VFIO_DMA_CC_IOMMU and
 * VFIO_UPDATE_VADDR can change as groups are added to or removed from the
 * container.
 */
#define VFIO_TYPE1_IOMMU		    1 /* type1 IOMMU, first version */
#define VFIO_SPAPR_TCE_IOMMU		    2 /* powerpc sPAPR TCE (not here) */
#define VFIO_TYPE1v2_IOMMU		    3 /* type1 IOMMU, version 2 */
#define VFIO_DMA_CC_IOMMU		    4 /* the IOMMU makes DMA coherent */
#define VFIO_EEH			    5 /* powerpc EEH (not here) */
#define __VFIO_RESERVED_TYPE1_NESTING_IOMMU 6 /* retired, do not reuse */
#define VFIO_SPAPR_TCE_v2_IOMMU		    7 /* powerpc sPAPR TCE, version 2 */
#define VFIO_NOIOMMU_IOMMU		    8 /* no translation, no isolation */
#define VFIO_UNMAP_ALL			    9 /* VFIO_DMA_UNMAP_FLAG_ALL works */
#define VFIO_UPDATE_VADDR		    10 /* the map/unmap _FLAG_VADDR work */

/*
 * The ioctl "type" (magic) byte, shared with iommufd, and the number of the
 * first VFIO command. Every VFIO ioctl is _IO(VFIO_TYPE, VFIO_BASE + n).
 */
#define VFIO_TYPE (';')
#define VFIO_BASE 100

/**
 * struct vfio_info_cap_header - one link of a capability chain
 * @id: what the capability is; a name space of its own per INFO call
 * @version: layout version of that capability
 * @next: offset of the next capability from the start of the INFO buffer,
 *        0 for the last one
 *
 * The capability's own data follows the header (see "Capability chains").
 */
struct vfio_info_cap_header {
	__u16 id;
	__u16 version;
	__u32 next;
};

/* ===================================================================== */
/* Container: /dev/vfio/vfio                                             */
/* ===================================================================== */

/*
 * VFIO_GET_API_VERSION - no argument.
 * Returns VFIO_API_VERSION. Always available.
 */
#define VFIO_GET_API_VERSION _IO(VFIO_TYPE, VFIO_BASE + 0)

/*
 * VFIO_CHECK_EXTENSION - the argument is the extension number itself, passed
 * by value. Returns 0 if the extension is not supported, a positive value if
 * it is. Always available.
 */
#define VFIO_CHECK_EXTENSION _IO(VFIO_TYPE, VFIO_BASE + 1)

/*
 * VFIO_SET_IOMMU - the argument is the IOMMU model (an extension number such
 * as VFIO_TYPE1v2_IOMMU), passed by value.
 * Needs at least one group set on the container (VFIO_GROUP_SET_CONTAINER),
 * and a model for which VFIO_CHECK_EXTENSION reports support. The model
 * decides which further calls the container accepts. Returns 0 on success.
 */
#define VFIO_SET_IOMMU _IO(VFIO_TYPE, VFIO_BASE + 2)

/* ===================================================================== */
/* Container: the type1 IOMMU model                                      */
/* ===================================================================== */

/* struct vfio_iommu_type1_info @flags */
#define VFIO_IOMMU_INFO_PGSIZES (1 << 0) /* @iova_pgsizes is valid */
#define VFIO_IOMMU_INFO_CAPS	(1 << 1) /* a capability chain is there */

/**
 * struct vfio_iommu_type1_info - argument of VFIO_IOMMU_GET_INFO
 * @argsz: bytes provided
 * @flags: returns VFIO_IOMMU_INFO_*
 * @iova_pgsizes: bitmap of the IO page sizes mappings can use
 * @cap_offset: offset of the first capability (VFIO_IOMMU_INFO_CAPS)
 * @pad: unused
 *
 * Describes the container's IOMMU. Capabilities: the
 * VFIO_IOMMU_TYPE1_INFO_* ids below.
 */
struct vfio_iommu_type1_info {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 iova_pgsizes;
	__u32 cap_offset;
	__u32 pad;
};
#define VFIO_IOMMU_GET_INFO _IO(VFIO_TYPE, VFIO_BASE + 12)

/* Capability ids of VFIO_IOMMU_GET_INFO (all at version 1) */
#define VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE 1
#define VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION  2
#define VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL	     3

/**
 * struct vfio_iova_range - one usable IOVA range
 * @start: first IOVA
 * @end: last IOVA, inclusive
 */
struct vfio_iova_range {
	__u64 start;
	__u64 end;
};

/**
 * struct vfio_iommu_type1_info_cap_iova_range - the usable IOVA ranges
 * @header: id VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE
 * @nr_iovas: number of entries in @iova_ranges
 * @reserved: unused
 * @iova_ranges: the ranges where DMA may be mapped: the IOMMU aperture less
 *               the reserved regions of the attached devices. Mapping
 *               elsewhere fails.
 */
struct vfio_iommu_type1_info_cap_iova_range {
	struct vfio_info_cap_header header;
	__u32 nr_iovas;
	__u32 reserved;
	struct vfio_iova_range iova_ranges[];
};

/**
 * struct vfio_iommu_type1_info_cap_migration - dirty page tracking
 * @header: id VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION
 * @flags: none defined
 * @pgsize_bitmap: page sizes dirty tracking can report in
 * @max_dirty_bitmap_size: largest bitmap, in bytes, that one query may ask
 *                         for
 *
 * Present when the IOMMU driver can log dirty pages (VFIO_IOMMU_DIRTY_PAGES).
 * Note that the __u64 members are not explicitly aligned: on 32-bit x86 the
 * layout differs from 64-bit hosts.
 */
struct vfio_iommu_type1_info_cap_migration {
	struct vfio_info_cap_header header;
	__u32 flags;
	__u64 pgsize_bitmap;
	__u64 max_dirty_bitmap_size;
};

/**
 * struct vfio_iommu_type1_info_dma_avail - room for more mappings
 * @header: id VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL
 * @avail: how many more DMA mappings may exist at the same time right now
 */
struct vfio_iommu_type1_info_dma_avail {
	struct vfio_info_cap_header header;
	__u32 avail;
};

/* struct vfio_iommu_type1_dma_map @flags */
#define VFIO_DMA_MAP_FLAG_READ	(1 << 0) /* the device may read */
#define VFIO_DMA_MAP_FLAG_WRITE (1 << 1) /* the device may write */
#define VFIO_DMA_MAP_FLAG_VADDR (1 << 2) /* only give a new @vaddr */

/**
 * struct vfio_iommu_type1_dma_map - argument of VFIO_IOMMU_MAP_DMA
 * @argsz: bytes provided, at least 32
 * @flags: VFIO_DMA_MAP_FLAG_*
 * @vaddr: start of the process memory to map
 * @iova: IOVA to map it at
 * @size: length of the mapping in bytes
 *
 * Maps process memory for DMA at a fixed IOVA. READ, WRITE or both must be
 * given.
 *
 * With VFIO_DMA_MAP_FLAG_VADDR nothing new is mapped: an existing mapping
 * whose process address was invalidated by VFIO_DMA_UNMAP_FLAG_VADDR gets
 * its new @vaddr. @iova and @size must be those of the original map, READ and
 * WRITE must be clear, and the protection stays. The new address must reach
 * the same memory as the old one, or memory is corrupted.
 *
 * Errors: EINVAL for a short @argsz or unknown @flags.
 */
struct vfio_iommu_type1_dma_map {
	__u32 argsz;
	__u32 flags;
	__u64 vaddr;
	__u64 iova;
	__u64 size;
};
#define VFIO_IOMMU_MAP_DMA _IO(VFIO_TYPE, VFIO_BASE + 13)

/**
 * struct vfio_bitmap - where a dirty bitmap goes
 * @pgsize: the page size one bit stands for, in bytes
 * @size: size of the buffer at @data, in bytes
 * @data: the buffer, zeroed by the caller; bit n set means the page at
 *        n * @pgsize from the range start was written
 *
 * @data is a plain pointer, so this struct is 4 bytes shorter for 32-bit
 * callers.
 */
struct vfio_bitmap {
	__u64 pgsize;
	__u64 size;
	__u64 *data;
};

/* struct vfio_iommu_type1_dma_unmap @flags */
#define VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP (1 << 0) /* see below */
#define VFIO_DMA_UNMAP_FLAG_ALL		     (1 << 1) /* unmap everything */
#define VFIO_DMA_UNMAP_FLAG_VADDR	     (1 << 2) /* forget vaddr only */

/**
 * struct vfio_iommu_type1_dma_unmap - argument of VFIO_IOMMU_UNMAP_DMA
 * @argsz: bytes provided, at least 24 (plus a struct vfio_bitmap with
 *         VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP)
 * @flags: VFIO_DMA_UNMAP_FLAG_*
 * @iova: first IOVA to unmap
 * @size: in: length to unmap; out: the number of bytes actually unmapped
 * @data: with VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP, a struct vfio_bitmap
 *
 * Removes mappings in the range. Only ranges that line up with earlier maps
 * are sure to work.
 *
 * With VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP the dirty pages of the range are
 * first reported in the bitmap described at @data, one bit per
 * vfio_bitmap.pgsize, counted from @iova.
 *
 * With VFIO_DMA_UNMAP_FLAG_ALL everything is unmapped; @iova and @size must be
 * 0 (extension VFIO_UNMAP_ALL).
 *
 * With VFIO_DMA_UNMAP_FLAG_VADDR nothing is unmapped: the process addresses
 * of the range are forgotten while DMA to the pinned pages goes on, until
 * VFIO_DMA_MAP_FLAG_VADDR supplies new ones. No group may be added to the
 * container meanwhile (extension VFIO_UPDATE_VADDR).
 *
 * Errors: EINVAL for a short @argsz, unknown @flags, or GET_DIRTY_BITMAP
 * combined with ALL or VADDR.
 */
struct vfio_iommu_type1_dma_unmap {
	__u32 argsz;
	__u32 flags;
	__u64 iova;
	__u64 size;
	__u8 data[];
};
#define VFIO_IOMMU_UNMAP_DMA _IO(VFIO_TYPE, VFIO_BASE + 14)

/*
 * VFIO_IOMMU_ENABLE, VFIO_IOMMU_DISABLE - no argument.
 * Turn the container's IOMMU use on and off. Only the sPAPR models implement
 * them; the type1 model answers ENOTTY.
 */
#define VFIO_IOMMU_ENABLE  _IO(VFIO_TYPE, VFIO_BASE + 15)
#define VFIO_IOMMU_DISABLE _IO(VFIO_TYPE, VFIO_BASE + 16)

/* struct vfio_iommu_type1_dirty_bitmap @flags: exactly one per call */
#define VFIO_IOMMU_DIRTY_PAGES_FLAG_START      (1 << 0)
#define VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP       (1 << 1)
#define VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP (1 << 2)

/**
 * struct vfio_iommu_type1_dirty_bitmap - argument of VFIO_IOMMU_DIRTY_PAGES
 * @argsz: bytes provided, at least 8; with _GET_BITMAP it must include the
 *         struct vfio_iommu_type1_dirty_bitmap_get but not the bitmap
 * @flags: one VFIO_IOMMU_DIRTY_PAGES_FLAG_*
 * @data: with _GET_BITMAP, a struct vfio_iommu_type1_dirty_bitmap_get
 *
 * Dirty page logging for migration. START makes the IOMMU driver record the
 * pages the devices (may) write, STOP ends it, GET_BITMAP reports the pages
 * dirtied in an IOVA range, one bit per page of the smallest supported
 * page size, into a caller-zeroed buffer.
 *
 * Errors: EINVAL for a short @argsz, unknown @flags or more than one flag;
 * GET_BITMAP fails while logging is off.
 */
struct vfio_iommu_type1_dirty_bitmap {
	__u32 argsz;
	__u32 flags;
	__u8 data[];
};

/**
 * struct vfio_iommu_type1_dirty_bitmap_get - range of a GET_BITMAP query
 * @iova: first IOVA of the range
 * @size: length of the range in bytes
 * @bitmap: where to put the bitmap
 */
struct vfio_iommu_type1_dirty_bitmap_get {
	__u64 iova;
	__u64 size;
	struct vfio_bitmap bitmap;
};
#define VFIO_IOMMU_DIRTY_PAGES _IO(VFIO_TYPE, VFIO_BASE + 17)

/* ===================================================================== */
/* Group: /dev/vfio/$GROUP                                               */
/* ===================================================================== */

/* struct vfio_group_status @flags */
#define VFIO_GROUP_FLAGS_VIABLE	       (1 << 0) /* all devices usable */
#define VFIO_GROUP_FLAGS_CONTAINER_SET (1 << 1) /* in a container */

/**
 * struct vfio_group_status - argument of VFIO_GROUP_GET_STATUS
 * @argsz: bytes provided
 * @flags: returns VFIO_GROUP_FLAGS_*
 *
 * Reports the state of the group. Always available.
 */
struct vfio_group_status {
	__u32 argsz;
	__u32 flags;
};
#define VFIO_GROUP_GET_STATUS _IO(VFIO_TYPE, VFIO_BASE + 3)

/*
 * VFIO_GROUP_SET_CONTAINER - the argument points to a __s32, an open
 * container fd. Puts the group in that container. A group is in at most one
 * container; a container may hold several groups if its IOMMU allows. Only
 * then do the container's and the group's other calls work.
 * Errors: EBADF for a bad fd.
 */
#define VFIO_GROUP_SET_CONTAINER _IO(VFIO_TYPE, VFIO_BASE + 4)

/*
 * VFIO_GROUP_UNSET_CONTAINER - no argument.
 * Takes the group out of its container; every device fd of the group must be
 * closed first. When the last group leaves, the container's IOMMU is
 * dropped with all its mappings and the container is as new.
 */
#define VFIO_GROUP_UNSET_CONTAINER _IO(VFIO_TYPE, VFIO_BASE + 5)

/*
 * VFIO_GROUP_GET_DEVICE_FD - the argument points to a NUL-terminated device
 * name, as listed in the devices directory of the IOMMU group in sysfs.
 * Returns a new device fd. The group must be in a container with an IOMMU
 * set.
 */
#define VFIO_GROUP_GET_DEVICE_FD _IO(VFIO_TYPE, VFIO_BASE + 6)

/* ===================================================================== */
/* Device: information                                                   */
/* ===================================================================== */

/* struct vfio_device_info @flags: what the device is and can do */
#define VFIO_DEVICE_FLAGS_RESET	   (1 << 0) /* VFIO_DEVICE_RESET works */
#define VFIO_DEVICE_FLAGS_PCI	   (1 << 1) /* vfio-pci */
#define VFIO_DEVICE_FLAGS_PLATFORM (1 << 2) /* vfio-platform */
#define VFIO_DEVICE_FLAGS_AMBA	   (1 << 3) /* vfio-amba */
#define VFIO_DEVICE_FLAGS_CCW	   (1 << 4) /* vfio-ccw (s390) */
#define VFIO_DEVICE_FLAGS_AP	   (1 << 5) /* vfio-ap (s390) */
#define VFIO_DEVICE_FLAGS_FSL_MC   (1 << 6) /* vfio-fsl-mc */
#define VFIO_DEVICE_FLAGS_CAPS	   (1 << 7) /* a capability chain is there */
#define VFIO_DEVICE_FLAGS_CDX	   (1 << 8) /* vfio-cdx */

/**
 * struct vfio_device_info - argument of VFIO_DEVICE_GET_INFO
 * @argsz: bytes provided
 * @flags: returns VFIO_DEVICE_FLAGS_*
 * @num_regions: highest region index + 1
 * @num_irqs: highest IRQ index + 1
 * @cap_offset: offset of the first capability (VFIO_DEVICE_FLAGS_CAPS)
 * @pad: unused
 *
 * Describes the device. Capabilities: VFIO_DEVICE_INFO_CAP_*.
 */
struct vfio_device_info {
	__u32 argsz;
	__u32 flags;
	__u32 num_regions;
	__u32 num_irqs;
	__u32 cap_offset;
	__u32 pad;
};
#define VFIO_DEVICE_GET_INFO _IO(VFIO_TYPE, VFIO_BASE + 7)

/*
 * The device_api sysfs attribute of a mediated device type is one of these,
 * matching the bus flag of struct vfio_device_info.
 */
#define VFIO_DEVICE_API_PCI_STRING	"vfio-pci"
#define VFIO_DEVICE_API_PLATFORM_STRING "vfio-platform"
#define VFIO_DEVICE_API_AMBA_STRING	"vfio-amba"
#define VFIO_DEVICE_API_CCW_STRING	"vfio-ccw"
#define VFIO_DEVICE_API_AP_STRING	"vfio-ap"

/*
 * Capability ids of VFIO_DEVICE_GET_INFO. 1 to 4 belong to s390 zPCI
 * devices; their contents are in the kernel's <linux/vfio_zdev.h>.
 */
#define VFIO_DEVICE_INFO_CAP_ZPCI_BASE	     1
#define VFIO_DEVICE_INFO_CAP_ZPCI_GROUP	     2
#define VFIO_DEVICE_INFO_CAP_ZPCI_UTIL	     3
#define VFIO_DEVICE_INFO_CAP_ZPCI_PFIP	     4
#define VFIO_DEVICE_INFO_CAP_PCI_ATOMIC_COMP 5

/* struct vfio_device_info_cap_pci_atomic_comp @flags: widths supported */
#define VFIO_PCI_ATOMIC_COMP32	(1 << 0)
#define VFIO_PCI_ATOMIC_COMP64	(1 << 1)
#define VFIO_PCI_ATOMIC_COMP128 (1 << 2)

/**
 * struct vfio_device_info_cap_pci_atomic_comp - PCIe AtomicOp completion
 * @header: id VFIO_DEVICE_INFO_CAP_PCI_ATOMIC_COMP
 * @flags: VFIO_PCI_ATOMIC_COMP*: the operand widths for which the root bus
 *         completes AtomicOp requests of the device
 * @reserved: unused
 */
struct vfio_device_info_cap_pci_atomic_comp {
	struct vfio_info_cap_header header;
	__u32 flags;
	__u32 reserved;
};

/* ===================================================================== */
/* Device: regions                                                       */
/* ===================================================================== */

/* struct vfio_region_info @flags */
#define VFIO_REGION_INFO_FLAG_READ  (1 << 0) /* read() works */
#define VFIO_REGION_INFO_FLAG_WRITE (1 << 1) /* write() works */
#define VFIO_REGION_INFO_FLAG_MMAP  (1 << 2) /* mmap() works */
#define VFIO_REGION_INFO_FLAG_CAPS  (1 << 3) /* a capability chain is there */

/**
 * struct vfio_region_info - argument of VFIO_DEVICE_GET_REGION_INFO
 * @argsz: bytes provided
 * @flags: returns VFIO_REGION_INFO_FLAG_*
 * @index: the region to describe, below vfio_device_info.num_regions
 * @cap_offset: offset of the first capability (VFIO_REGION_INFO_FLAG_CAPS)
 * @size: returns the size of the region in bytes
 * @offset: returns where the region starts in the device fd, for pread(),
 *          pwrite() and mmap()
 *
 * Describes one region of the device: MMIO, I/O ports, or a bus-specific
 * space such as PCI config space. A size of 0 marks a region the device does
 * not have (an unused PCI BAR, say). Capabilities: VFIO_REGION_INFO_CAP_*.
 */
struct vfio_region_info {
	__u32 argsz;
	__u32 flags;
	__u32 index;
	__u32 cap_offset;
	__aligned_u64 size;
	__aligned_u64 offset;
};
#define VFIO_DEVICE_GET_REGION_INFO _IO(VFIO_TYPE, VFIO_BASE + 8)

/* Capability ids of VFIO_DEVICE_GET_REGION_INFO */
#define VFIO_REGION_INFO_CAP_SPARSE_MMAP    1 /* version 1 */
#define VFIO_REGION_INFO_CAP_TYPE	    2 /* version 1 */
#define VFIO_REGION_INFO_CAP_MSIX_MAPPABLE  3 /* header only */
#define VFIO_REGION_INFO_CAP_NVLINK2_SSATGT 4 /* retired */
#define VFIO_REGION_INFO_CAP_NVLINK2_LNKSPD 5 /* retired */

/**
 * struct vfio_region_sparse_mmap_area - a part of a region that can be mapped
 * @offset: start of the part, from the start of the region
 * @size: length of the part in bytes
 */
struct vfio_region_sparse_mmap_area {
	__aligned_u64 offset;
	__aligned_u64 size;
};

/**
 * struct vfio_region_info_cap_sparse_mmap - which parts of a region to mmap
 * @header: id VFIO_REGION_INFO_CAP_SPARSE_MMAP
 * @nr_areas: number of entries in @areas
 * @reserved: unused
 * @areas: the only parts of the region that should be mmap()ed; mapping
 *         anything else may fail (e.g. over a PCI MSI-X table) or make the
 *         device misbehave
 */
struct vfio_region_info_cap_sparse_mmap {
	struct vfio_info_cap_header header;
	__u32 nr_areas;
	__u32 reserved;
	struct vfio_region_sparse_mmap_area areas[];
};

/**
 * struct vfio_region_info_cap_type - what a device-specific region is
 * @header: id VFIO_REGION_INFO_CAP_TYPE
 * @type: a VFIO_REGION_TYPE_* (one name space per bus driver)
 * @subtype: a VFIO_REGION_SUBTYPE_* of that type
 *
 * Regions past the bus driver's fixed indexes (VFIO_PCI_NUM_REGIONS and up
 * for PCI) say what they are with this capability.
 */
struct vfio_region_info_cap_type {
	struct vfio_info_cap_header header;
	__u32 type;
	__u32 subtype;
};

/*
 * Region types. A PCI vendor type is VFIO_REGION_TYPE_PCI_VENDOR_TYPE ORed
 * with the PCI vendor ID (the VFIO_REGION_TYPE_PCI_VENDOR_MASK bits).
 */
#define VFIO_REGION_TYPE_PCI_VENDOR_TYPE      (1 << 31)
#define VFIO_REGION_TYPE_PCI_VENDOR_MASK      (0xffff)
#define VFIO_REGION_TYPE_GFX		      (1)
#define VFIO_REGION_TYPE_CCW		      (2)
#define VFIO_REGION_TYPE_MIGRATION_DEPRECATED (3) /* v1 migration, retired */

/* Subtypes of PCI vendor 0x8086 (Intel graphics) */
#define VFIO_REGION_SUBTYPE_INTEL_IGD_OPREGION (1)
#define VFIO_REGION_SUBTYPE_INTEL_IGD_HOST_CFG (2)
#define VFIO_REGION_SUBTYPE_INTEL_IGD_LPC_CFG  (3)

/* Subtype of PCI vendor 0x10de: NVLink2 GPU RAM, no longer offered */
#define VFIO_REGION_SUBTYPE_NVIDIA_NVLINK2_RAM (1)

/* Subtype of PCI vendor 0x1014: NPU NVLink2 ATSD register, no longer offered */
#define VFIO_REGION_SUBTYPE_IBM_NVLINK2_ATSD (1)

/* Subtype of VFIO_REGION_TYPE_GFX: struct vfio_region_gfx_edid */
#define VFIO_REGION_SUBTYPE_GFX_EDID (1)

/* Subtypes of VFIO_REGION_TYPE_CCW (s390) */
#define VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD (1)
#define VFIO_REGION_SUBTYPE_CCW_SCHIB	  (2)
#define VFIO_REGION_SUBTYPE_CCW_CRW	  (3)

/* Subtype of VFIO_REGION_TYPE_MIGRATION_DEPRECATED (v1 migration, retired) */
#define VFIO_REGION_SUBTYPE_MIGRATION_DEPRECATED (1)

/* struct vfio_region_gfx_edid @link_state */
#define VFIO_DEVICE_GFX_LINK_STATE_UP	1 /* monitor on */
#define VFIO_DEVICE_GFX_LINK_STATE_DOWN 2 /* monitor off */

/**
 * struct vfio_region_gfx_edid - start of the EDID region of a virtual display
 * @edid_offset: read-only: where the EDID blob is, from the region start
 * @edid_max_size: read-only: the largest EDID blob accepted
 * @edid_size: read-write: size of the current EDID blob
 * @max_xres: read-only: widest display mode, 0 if unlimited
 * @max_yres: read-only: tallest display mode, 0 if unlimited
 * @link_state: read-write: VFIO_DEVICE_GFX_LINK_STATE_*
 *
 * Lets the VMM give a virtual monitor its EDID. To change it: set the link
 * down, write the blob and @edid_size, set the link up.
 */
struct vfio_region_gfx_edid {
	__u32 edid_offset;
	__u32 edid_max_size;
	__u32 edid_size;
	__u32 max_xres;
	__u32 max_yres;
	__u32 link_state;
};

/**
 * struct vfio_region_info_cap_nvlink2_ssatgt - retired NVLink2 capability
 * @header: id VFIO_REGION_INFO_CAP_NVLINK2_SSATGT
 * @tgt: compressed system address of the GPU RAM
 *
 * No longer offered by any driver; kept for the layout.
 */
struct vfio_region_info_cap_nvlink2_ssatgt {
	struct vfio_info_cap_header header;
	__aligned_u64 tgt;
};

/**
 * struct vfio_region_info_cap_nvlink2_lnkspd - retired NVLink2 capability
 * @header: id VFIO_REGION_INFO_CAP_NVLINK2_LNKSPD
 * @link_speed: the link speed from the device tree
 * @__pad: unused
 *
 * No longer offered by any driver; kept for the layout.
 */
struct vfio_region_info_cap_nvlink2_lnkspd {
	struct vfio_info_cap_header header;
	__u32 link_speed;
	__u32 __pad;
};

/* ===================================================================== */
/* Device: interrupts and reset                                          */
/* ===================================================================== */

/* struct vfio_irq_info @flags */
#define VFIO_IRQ_INFO_EVENTFD	 (1 << 0) /* can signal an eventfd */
#define VFIO_IRQ_INFO_MASKABLE	 (1 << 1) /* ACTION_MASK/UNMASK work */
#define VFIO_IRQ_INFO_AUTOMASKED (1 << 2) /* masked after each signal */
#define VFIO_IRQ_INFO_NORESIZE	 (1 << 3) /* enabled as a whole set */

/**
 * struct vfio_irq_info - argument of VFIO_DEVICE_GET_IRQ_INFO
 * @argsz: bytes provided
 * @flags: returns VFIO_IRQ_INFO_*
 * @index: the IRQ index to describe, below vfio_device_info.num_irqs
 * @count: returns how many interrupts the index has (0: not implemented)
 *
 * An index groups the interrupts of one kind (INTx, MSI, MSI-X...).
 * AUTOMASKED marks level-triggered lines: after firing, the line stays masked
 * until the user unmasks it. NORESIZE means the vectors of the index are set
 * up together: to use more, disable the whole index and enable it again with
 * the new count; without it, vectors can be added and removed one by one.
 */
struct vfio_irq_info {
	__u32 argsz;
	__u32 flags;
	__u32 index;
	__u32 count;
};
#define VFIO_DEVICE_GET_IRQ_INFO _IO(VFIO_TYPE, VFIO_BASE + 9)

/* struct vfio_irq_set @flags: one DATA_ bit and one ACTION_ bit */
#define VFIO_IRQ_SET_DATA_NONE	    (1 << 0) /* no @data */
#define VFIO_IRQ_SET_DATA_BOOL	    (1 << 1) /* @data: __u8 per interrupt */
#define VFIO_IRQ_SET_DATA_EVENTFD   (1 << 2) /* @data: __s32 per interrupt */
#define VFIO_IRQ_SET_ACTION_MASK    (1 << 3) /* mask */
#define VFIO_IRQ_SET_ACTION_UNMASK  (1 << 4) /* unmask */
#define VFIO_IRQ_SET_ACTION_TRIGGER (1 << 5) /* signal to user space */

#define VFIO_IRQ_SET_DATA_TYPE_MASK                        \
	(VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL | \
	 VFIO_IRQ_SET_DATA_EVENTFD)
#define VFIO_IRQ_SET_ACTION_TYPE_MASK                            \
	(VFIO_IRQ_SET_ACTION_MASK | VFIO_IRQ_SET_ACTION_UNMASK | \
	 VFIO_IRQ_SET_ACTION_TRIGGER)

/**
 * struct vfio_irq_set - argument of VFIO_DEVICE_SET_IRQS
 * @argsz: bytes provided, including @data
 * @flags: one VFIO_IRQ_SET_DATA_* and one VFIO_IRQ_SET_ACTION_*
 * @index: the IRQ index
 * @start: first interrupt (subindex) of the index to act on
 * @count: number of interrupts from @start
 * @data: per interrupt, as the DATA_ bit says
 *
 * Sets up signalling, masking and unmasking of interrupts.
 *
 * DATA_NONE applies the action at once to every interrupt in the range;
 * DATA_BOOL applies it to those whose byte is non-zero; DATA_EVENTFD
 * attaches one eventfd per interrupt to the action, where -1 detaches (or
 * skips an interrupt that has none).
 *
 * ACTION_TRIGGER is the device-to-user direction: an eventfd given for it is
 * signalled when the interrupt fires, and that enables the index. With
 * DATA_NONE or DATA_BOOL, TRIGGER fires the interrupt from software, for
 * testing. DATA_NONE, TRIGGER and @count 0 disable the whole index.
 * ACTION_MASK and ACTION_UNMASK are the user-to-device direction: done at
 * once, or each time the given eventfd is signalled (irqfd).
 */
struct vfio_irq_set {
	__u32 argsz;
	__u32 flags;
	__u32 index;
	__u32 start;
	__u32 count;
	__u8 data[];
};
#define VFIO_DEVICE_SET_IRQS _IO(VFIO_TYPE, VFIO_BASE + 10)

/*
 * VFIO_DEVICE_RESET - no argument.
 * Resets the device (when vfio_device_info.flags has VFIO_DEVICE_FLAGS_RESET).
 */
#define VFIO_DEVICE_RESET _IO(VFIO_TYPE, VFIO_BASE + 11)

/*
 * Fixed region indexes of vfio-pci. A BAR the device lacks has size 0;
 * indexes from VFIO_PCI_NUM_REGIONS on are device specific and described by
 * VFIO_REGION_INFO_CAP_TYPE. The VGA region covers I/O ports 0x3b0-0x3bb and
 * 0x3c0-0x3df and memory 0xa0000-0xbffff, each at its own address as offset
 * into the region; the space in between is not implemented.
 */
enum {
	VFIO_PCI_BAR0_REGION_INDEX,
	VFIO_PCI_BAR1_REGION_INDEX,
	VFIO_PCI_BAR2_REGION_INDEX,
	VFIO_PCI_BAR3_REGION_INDEX,
	VFIO_PCI_BAR4_REGION_INDEX,
	VFIO_PCI_BAR5_REGION_INDEX,
	VFIO_PCI_ROM_REGION_INDEX,
	VFIO_PCI_CONFIG_REGION_INDEX,
	VFIO_PCI_VGA_REGION_INDEX,
	VFIO_PCI_NUM_REGIONS = 9, /* fixed for good */
};

/* Fixed IRQ indexes of vfio-pci; a kind the device lacks has count 0. */
enum {
	VFIO_PCI_INTX_IRQ_INDEX,
	VFIO_PCI_MSI_IRQ_INDEX,
	VFIO_PCI_MSIX_IRQ_INDEX,
	VFIO_PCI_ERR_IRQ_INDEX, /* AER error reported to user space */
	VFIO_PCI_REQ_IRQ_INDEX, /* the host asks for the device back */
	VFIO_PCI_NUM_IRQS,
};

/* Fixed region indexes of vfio-ccw (s390) */
enum {
	VFIO_CCW_CONFIG_REGION_INDEX,
	VFIO_CCW_NUM_REGIONS,
};

/* Fixed IRQ indexes of vfio-ccw (s390) */
enum {
	VFIO_CCW_IO_IRQ_INDEX,
	VFIO_CCW_CRW_IRQ_INDEX,
	VFIO_CCW_REQ_IRQ_INDEX,
	VFIO_CCW_NUM_IRQS,
};

/* Fixed IRQ indexes of vfio-ap (s390) */
enum {
	VFIO_AP_REQ_IRQ_INDEX,
	VFIO_AP_CFG_CHG_IRQ_INDEX,
	VFIO_AP_NUM_IRQS,
};

/* vfio_pci_dependent_device @devid values besides real device IDs */
#define VFIO_PCI_DEVID_OWNED	 0  /* not bound here, but owned */
#define VFIO_PCI_DEVID_NOT_OWNED -1 /* not owned: blocks a cdev hot reset */

/**
 * struct vfio_pci_dependent_device - one device a hot reset affects
 * @group_id: IOMMU group of the device (the calling device was opened
 *            through a group)
 * @devid: iommufd device ID of the device (the calling device is a cdev,
 *         VFIO_PCI_HOT_RESET_FLAG_DEV_ID), or VFIO_PCI_DEVID_OWNED /
 *         VFIO_PCI_DEVID_NOT_OWNED
 * @segment: PCI segment
 * @bus: PCI bus
 * @devfn: PCI device and function (PCI_SLOT() / PCI_FUNC())
 */
struct vfio_pci_dependent_device {
	union {
		__u32 group_id;
		__u32 devid;
	};
	__u16 segment;
	__u8 bus;
	__u8 devfn;
};

/* struct vfio_pci_hot_reset_info @flags */
#define VFIO_PCI_HOT_RESET_FLAG_DEV_ID	     (1 << 0) /* @devid is reported */
#define VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED (1 << 1) /* the user owns all */

/**
 * struct vfio_pci_hot_reset_info - argument of
 *                                  VFIO_DEVICE_GET_PCI_HOT_RESET_INFO
 * @argsz: bytes provided, including @devices
 * @flags: returns VFIO_PCI_HOT_RESET_FLAG_*
 * @count: returns the number of affected devices
 * @devices: returns them
 *
 * Lists the devices a bus or slot reset of this device would also reset.
 *
 * Through a group, @group_id is reported, and the caller must prove it owns
 * all those groups by passing their fds to VFIO_DEVICE_PCI_HOT_RESET.
 *
 * Through a cdev, VFIO_PCI_HOT_RESET_FLAG_DEV_ID is set and @devid reported:
 * the device's ID if it is bound to the same iommufd as the caller; else
 * VFIO_PCI_DEVID_OWNED if it is in the same IOMMU group as such a device
 * (which implies ownership); else VFIO_PCI_DEVID_NOT_OWNED. When no device is
 * NOT_OWNED, VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED is set too, and the reset
 * can be done with an empty fd array. DEV_ID_OWNED is only used with DEV_ID.
 *
 * Errors: ENOSPC when @devices is too short (@count then holds the number
 * needed), ENODEV when the device cannot be hot reset.
 */
struct vfio_pci_hot_reset_info {
	__u32 argsz;
	__u32 flags;
	__u32 count;
	struct vfio_pci_dependent_device devices[];
};
#define VFIO_DEVICE_GET_PCI_HOT_RESET_INFO _IO(VFIO_TYPE, VFIO_BASE + 12)

/**
 * struct vfio_pci_hot_reset - argument of VFIO_DEVICE_PCI_HOT_RESET
 * @argsz: bytes provided, including @group_fds
 * @flags: none defined
 * @count: number of entries in @group_fds
 * @group_fds: group fds proving ownership of every affected device
 *
 * Resets the bus or slot of the device, and so every device on it. The
 * caller must own all of them (see VFIO_DEVICE_GET_PCI_HOT_RESET_INFO):
 * through groups by listing their fds; through a cdev with an empty
 * @group_fds, ownership coming from the iommufd. Mixing group-opened and
 * cdev-opened devices in one reset is not supported.
 */
struct vfio_pci_hot_reset {
	__u32 argsz;
	__u32 flags;
	__u32 count;
	__s32 group_fds[];
};
#define VFIO_DEVICE_PCI_HOT_RESET _IO(VFIO_TYPE, VFIO_BASE + 13)

/* ===================================================================== */
/* Device: graphics and ioeventfd                                        */
/* ===================================================================== */

/* struct vfio_device_gfx_plane_info @flags */
#define VFIO_GFX_PLANE_TYPE_PROBE  (1 << 0)
#define VFIO_GFX_PLANE_TYPE_DMABUF (1 << 1)
#define VFIO_GFX_PLANE_TYPE_REGION (1 << 2)

/**
 * struct vfio_device_gfx_plane_info - argument of VFIO_DEVICE_QUERY_GFX_PLANE
 * @argsz: bytes provided
 * @flags: VFIO_GFX_PLANE_TYPE_*, see below
 * @drm_plane_type: in: the plane to describe, a DRM_PLANE_TYPE_*
 * @drm_format: DRM fourcc format of the plane
 * @drm_format_mod: DRM format modifier (tiling)
 * @width: width in pixels
 * @height: height in pixels
 * @stride: bytes per line
 * @size: bytes of the plane, page aligned
 * @x_pos: horizontal position of a cursor plane
 * @y_pos: vertical position of a cursor plane
 * @x_hot: cursor hotspot, horizontal; 0xffffffff if unknown
 * @y_hot: cursor hotspot, vertical; 0xffffffff if unknown
 * @region_index: with TYPE_REGION, the region holding the plane
 * @dmabuf_id: with TYPE_DMABUF, the ID to pass to VFIO_DEVICE_GET_GFX_DMABUF
 * @reserved: unused
 *
 * Describes a plane of a mediated graphics device. PROBE with DMABUF or
 * REGION asks whether the device offers planes that way (0 if so, EINVAL if
 * not); DMABUF or REGION alone queries the plane. Other flag values give
 * EINVAL. A plane the guest disabled is reported with @drm_format, @size,
 * @width and @height 0.
 */
struct vfio_device_gfx_plane_info {
	__u32 argsz;
	__u32 flags;
	__u32 drm_plane_type;
	__u32 drm_format;
	__aligned_u64 drm_format_mod;
	__u32 width;
	__u32 height;
	__u32 stride;
	__u32 size;
	__u32 x_pos;
	__u32 y_pos;
	__u32 x_hot;
	__u32 y_hot;
	union {
		__u32 region_index;
		__u32 dmabuf_id;
	};
	__u32 reserved;
};
#define VFIO_DEVICE_QUERY_GFX_PLANE _IO(VFIO_TYPE, VFIO_BASE + 14)

/*
 * VFIO_DEVICE_GET_GFX_DMABUF - the argument points to a __u32, a dmabuf_id
 * from VFIO_DEVICE_QUERY_GFX_PLANE. Returns a new dma-buf fd of that guest
 * framebuffer.
 */
#define VFIO_DEVICE_GET_GFX_DMABUF _IO(VFIO_TYPE, VFIO_BASE + 15)

/* struct vfio_device_ioeventfd @flags: the width of the write */
#define VFIO_DEVICE_IOEVENTFD_8		(1 << 0)
#define VFIO_DEVICE_IOEVENTFD_16	(1 << 1)
#define VFIO_DEVICE_IOEVENTFD_32	(1 << 2)
#define VFIO_DEVICE_IOEVENTFD_64	(1 << 3)
#define VFIO_DEVICE_IOEVENTFD_SIZE_MASK (0xf)

/**
 * struct vfio_device_ioeventfd - argument of VFIO_DEVICE_IOEVENTFD
 * @argsz: bytes provided
 * @flags: one VFIO_DEVICE_IOEVENTFD_<bits>
 * @offset: where to write, as an offset in the device fd
 * @data: the value to write
 * @fd: the eventfd, or -1 to remove the ioeventfd at @offset
 * @reserved: unused
 *
 * Each time @fd is signalled, @data is written to the device at @offset with
 * the given width. Drivers may support this for some regions and widths only,
 * or not at all; vfio-pci does it for BARs, except the MSI-X table.
 */
struct vfio_device_ioeventfd {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 offset;
	__aligned_u64 data;
	__s32 fd;
	__u32 reserved;
};
#define VFIO_DEVICE_IOEVENTFD _IO(VFIO_TYPE, VFIO_BASE + 16)

/* ===================================================================== */
/* Device cdev: /dev/vfio/devices/vfioX with iommufd                     */
/* ===================================================================== */

/* struct vfio_device_bind_iommufd @flags */
#define VFIO_DEVICE_BIND_FLAG_TOKEN (1 << 0) /* @token_uuid_ptr is valid */

/**
 * struct vfio_device_bind_iommufd - argument of VFIO_DEVICE_BIND_IOMMUFD
 * @argsz: bytes provided, at least 16; unknown bytes past the struct must be
 *         zero (E2BIG)
 * @flags: VFIO_DEVICE_BIND_FLAG_*
 * @iommufd: an open /dev/iommu fd
 * @out_devid: returns the device's ID in that iommufd, usable as a device ID
 *             in iommufd commands
 * @token_uuid_ptr: with VFIO_DEVICE_BIND_FLAG_TOKEN, user pointer to a
 *                  16-byte UUID, the token set on the PF with
 *                  VFIO_DEVICE_FEATURE_PCI_VF_TOKEN (needed to open a VF
 *                  whose PF is used by a user driver)
 *
 * Binds the device to an iommufd. Only for cdev fds; until it succeeds the
 * device fd accepts nothing else. Closing the fd unbinds.
 *
 * Errors: EINVAL for a short @argsz, unknown @flags, a negative @iommufd, an
 * fd obtained through a group, or a device already bound.
 */
struct vfio_device_bind_iommufd {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
	__aligned_u64 token_uuid_ptr;
};
#define VFIO_DEVICE_BIND_IOMMUFD _IO(VFIO_TYPE, VFIO_BASE + 18)

/* struct vfio_device_attach_iommufd_pt @flags */
#define VFIO_DEVICE_ATTACH_PASID (1 << 0) /* @pasid is valid */

/**
 * struct vfio_device_attach_iommufd_pt - argument of
 *                                        VFIO_DEVICE_ATTACH_IOMMUFD_PT
 * @argsz: bytes provided, at least 12 (16 with VFIO_DEVICE_ATTACH_PASID)
 * @flags: VFIO_DEVICE_ATTACH_*
 * @pt_id: in: an IOAS or HWPT ID of the bound iommufd; out: the IOAS ID as
 *         given, or the HWPT attached (the one given, or one created
 *         automatically for the IOAS)
 * @pasid: with VFIO_DEVICE_ATTACH_PASID, the PASID to attach instead of the
 *         whole device
 *
 * Attaches the device (or one of its PASIDs) to an address space. Only for
 * bound cdev fds; undone by VFIO_DEVICE_DETACH_IOMMUFD_PT or close. When
 * already attached, the call replaces the old page table with the new one,
 * without a detach in between.
 *
 * Errors: EINVAL for a short @argsz or unknown @flags; EOPNOTSUPP for
 * VFIO_DEVICE_ATTACH_PASID on a device without PASID support; EBUSY while
 * the device, or another device of its IOMMU group, is being reset.
 */
struct vfio_device_attach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
	__u32 pt_id;
	__u32 pasid;
};
#define VFIO_DEVICE_ATTACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 19)

/* struct vfio_device_detach_iommufd_pt @flags */
#define VFIO_DEVICE_DETACH_PASID (1 << 0) /* @pasid is valid */

/**
 * struct vfio_device_detach_iommufd_pt - argument of
 *                                        VFIO_DEVICE_DETACH_IOMMUFD_PT
 * @argsz: bytes provided, at least 8 (12 with VFIO_DEVICE_DETACH_PASID)
 * @flags: VFIO_DEVICE_DETACH_*
 * @pasid: with VFIO_DEVICE_DETACH_PASID, the PASID to detach
 *
 * Detaches the device (or one of its PASIDs) from its address space; DMA is
 * blocked afterwards. Only for bound cdev fds.
 *
 * Errors: EINVAL for a short @argsz or unknown @flags; EOPNOTSUPP for
 * VFIO_DEVICE_DETACH_PASID on a device without PASID support.
 */
struct vfio_device_detach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
	__u32 pasid;
};
#define VFIO_DEVICE_DETACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 20)

/* ===================================================================== */
/* Device features                                                       */
/* ===================================================================== */

/* struct vfio_device_feature @flags */
#define VFIO_DEVICE_FEATURE_MASK  (0xffff)  /* the feature number */
#define VFIO_DEVICE_FEATURE_GET	  (1 << 16) /* read the feature into @data */
#define VFIO_DEVICE_FEATURE_SET	  (1 << 17) /* write it from @data */
#define VFIO_DEVICE_FEATURE_PROBE (1 << 18) /* only ask if it is supported */

/**
 * struct vfio_device_feature - argument of VFIO_DEVICE_FEATURE
 * @argsz: bytes provided, at least 8, including @data
 * @flags: the feature number (VFIO_DEVICE_FEATURE_MASK bits) and one of GET
 *         and SET, or PROBE
 * @data: the feature's own struct, if it has one
 *
 * Reads, writes or probes one feature of the device. PROBE succeeds if the
 * feature is supported, and, when GET and/or SET come along, supported in
 * those directions; it needs no @data.
 *
 * Errors: EINVAL for a short @argsz, unknown @flags, GET with SET but no
 * PROBE, neither GET nor SET without PROBE, a direction the feature lacks, or
 * too little @data; ENOTTY for a feature the device does not have.
 */
struct vfio_device_feature {
	__u32 argsz;
	__u32 flags;
	__u8 data[];
};
#define VFIO_DEVICE_FEATURE _IO(VFIO_TYPE, VFIO_BASE + 17)

/*
 * SET: the VF token, a 16-byte UUID shared as a secret between a PF driven
 * from user space and the drivers of its VFs. Only on an SR-IOV PF with
 * SR-IOV enabled and no VF open.
 */
#define VFIO_DEVICE_FEATURE_PCI_VF_TOKEN (0)

/* vfio_device_feature_migration @flags */
#define VFIO_MIGRATION_STOP_COPY (1 << 0) /* STOP, STOP_COPY, RESUMING */
#define VFIO_MIGRATION_P2P	 (1 << 1) /* and RUNNING_P2P */
#define VFIO_MIGRATION_PRE_COPY	 (1 << 2) /* and PRE_COPY (_P2P with P2P) */

/**
 * struct vfio_device_feature_migration - VFIO_DEVICE_FEATURE_MIGRATION data
 * @flags: VFIO_MIGRATION_*: the optional states the device supports
 *
 * GET: the device can migrate through VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE.
 * RUNNING and ERROR are always supported and VFIO_MIGRATION_STOP_COPY is
 * always set; other combinations than those of the flags above are not
 * defined yet.
 */
struct vfio_device_feature_migration {
	__aligned_u64 flags;
};
#define VFIO_DEVICE_FEATURE_MIGRATION 1

/**
 * struct vfio_device_feature_mig_state - MIG_DEVICE_STATE data
 * @device_state: an enum vfio_device_mig_state
 * @data_fd: returns the fd of a new data transfer session, or -1
 *
 * SET moves the device to @device_state, completely, before returning. When
 * that starts a data transfer session its fd is returned in @data_fd; the
 * caller must close it. The stream on it is opaque; its byte order must be
 * kept, its chunking need not. If the SET fails, the device may be in the
 * old state, in a state on the way, or in ERROR; the caller may then reset it
 * or try to go elsewhere. GET returns the current state and @data_fd -1. The
 * state changes only on request (or VFIO_DEVICE_RESET).
 */
struct vfio_device_feature_mig_state {
	__u32 device_state;
	__s32 data_fd;
};
#define VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE 2

/**
 * enum vfio_device_mig_state - states of a migrating device
 * @VFIO_DEVICE_STATE_ERROR: failed; only VFIO_DEVICE_RESET (back to RUNNING)
 *                           leaves it, and it cannot be asked for
 * @VFIO_DEVICE_STATE_STOP: stopped: no DMA, no interrupts, no change of
 *                          internal or external state; config space and
 *                          MSI-X still answer
 * @VFIO_DEVICE_STATE_RUNNING: working normally
 * @VFIO_DEVICE_STATE_STOP_COPY: stopped, and the internal state is read out
 *                               of the data fd until end of stream
 * @VFIO_DEVICE_STATE_RESUMING: stopped, and a saved state is written into
 *                              the data fd; leaving for STOP checks and
 *                              loads it (and fails if it is bad)
 * @VFIO_DEVICE_STATE_RUNNING_P2P: running but starting no peer-to-peer DMA
 *                                 (or no DMA at all) (VFIO_MIGRATION_P2P)
 * @VFIO_DEVICE_STATE_PRE_COPY: running while the state is already streamed
 *                              (VFIO_MIGRATION_PRE_COPY)
 * @VFIO_DEVICE_STATE_PRE_COPY_P2P: PRE_COPY with the P2P restriction
 * @VFIO_DEVICE_STATE_NR: number of states
 *
 * The single steps are RUNNING <-> RUNNING_P2P <-> STOP, STOP <-> STOP_COPY,
 * STOP <-> RESUMING, RUNNING <-> PRE_COPY, RUNNING_P2P <-> PRE_COPY_P2P,
 * PRE_COPY <-> PRE_COPY_P2P and PRE_COPY_P2P -> STOP_COPY. PRE_COPY,
 * PRE_COPY_P2P and STOP_COPY share one data transfer session, opened on
 * entering the first of them and closed on leaving the group; RESUMING has
 * its own. STOP_COPY -> PRE_COPY(_P2P) is refused. Any other request is done
 * as the shortest chain of steps that passes through none of the three
 * saving states; a failure can leave the device at any state on the chain.
 */
enum vfio_device_mig_state {
	VFIO_DEVICE_STATE_ERROR = 0,
	VFIO_DEVICE_STATE_STOP = 1,
	VFIO_DEVICE_STATE_RUNNING = 2,
	VFIO_DEVICE_STATE_STOP_COPY = 3,
	VFIO_DEVICE_STATE_RESUMING = 4,
	VFIO_DEVICE_STATE_RUNNING_P2P = 5,
	VFIO_DEVICE_STATE_PRE_COPY = 6,
	VFIO_DEVICE_STATE_PRE_COPY_P2P = 7,
	VFIO_DEVICE_STATE_NR,
};

/* struct vfio_precopy_info @flags (output) */
#define VFIO_PRECOPY_INFO_REINIT (1 << 0) /* new initial data in the stream */

/**
 * struct vfio_precopy_info - argument of VFIO_MIG_GET_PRECOPY_INFO
 * @argsz: bytes provided
 * @flags: returns VFIO_PRECOPY_INFO_REINIT, once the caller has enabled
 *         VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2; reserved before that
 * @initial_bytes: estimate of the initial data still to read; read it all
 *                 before going to STOP_COPY
 * @dirty_bytes: estimate of the data for state changed since it was read
 *
 * Called on the data fd in PRE_COPY or PRE_COPY_P2P (EINVAL in other
 * states). Both numbers are estimates and say nothing about the size of the
 * STOP_COPY data. With REINIT, new initial data (after a reconfiguration,
 * say) is in the stream: @initial_bytes starts over and @dirty_bytes is
 * counted from it. When both are 0, read() on the data fd fails with ENOMSG
 * until there is more (poll() tells); in STOP_COPY end of stream is final.
 * Drivers offering VFIO_MIGRATION_PRE_COPY must support this call.
 */
struct vfio_precopy_info {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 initial_bytes;
	__aligned_u64 dirty_bytes;
};
#define VFIO_MIG_GET_PRECOPY_INFO _IO(VFIO_TYPE, VFIO_BASE + 21)

/*
 * SET: let the device enter a low power state when the platform's runtime
 * power management allows (no guarantee it will). Any access brings it back
 * for the time of the access. mmap()ed regions stop working until
 * VFIO_DEVICE_FEATURE_LOW_POWER_EXIT.
 */
#define VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY 3

/**
 * struct vfio_device_low_power_entry_with_wakeup - data of
 *                              VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP
 * @wakeup_eventfd: signalled when the device wakes from low power
 * @reserved: unused
 *
 * SET: as LOW_POWER_ENTRY, but once: after a wake-up (which signals
 * @wakeup_eventfd) the device stays awake until low power is entered again.
 * The signal comes only if the device really was in low power. After it,
 * LOW_POWER_EXIT is optional; accessing mmap()ed regions does not wake the
 * device.
 */
struct vfio_device_low_power_entry_with_wakeup {
	__s32 wakeup_eventfd;
	__u32 reserved;
};
#define VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP 4

/*
 * SET: end both kinds of low power entry. It may signal the wake-up eventfd
 * if the device was in low power.
 */
#define VFIO_DEVICE_FEATURE_LOW_POWER_EXIT 5

/**
 * struct vfio_device_feature_dma_logging_control - data of
 *                                     VFIO_DEVICE_FEATURE_DMA_LOGGING_START
 * @page_size: in: the tracking granule wished for; out: the one chosen
 * @num_ranges: number of entries at @ranges
 * @__reserved: unused
 * @ranges: user pointer to an array of struct
 *          vfio_device_feature_dma_logging_range, the IOVA to watch
 *
 * SET: the device starts logging the DMA writes it makes into the given
 * ranges (dirty tracking for migration, done by the device itself; not tied
 * to the migration states). PROBE tells whether it can. As many ranges as fit
 * in one page are always accepted; more may be refused. One START, then one
 * STOP; a second START in between is refused.
 */
struct vfio_device_feature_dma_logging_control {
	__aligned_u64 page_size;
	__u32 num_ranges;
	__u32 __reserved;
	__aligned_u64 ranges;
};

/**
 * struct vfio_device_feature_dma_logging_range - one IOVA range to watch
 * @iova: start of the range
 * @length: length in bytes
 */
struct vfio_device_feature_dma_logging_range {
	__aligned_u64 iova;
	__aligned_u64 length;
};
#define VFIO_DEVICE_FEATURE_DMA_LOGGING_START 6

/* SET: stop the logging started by VFIO_DEVICE_FEATURE_DMA_LOGGING_START. */
#define VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP 7

/**
 * struct vfio_device_feature_dma_logging_report - data of
 *                                    VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT
 * @iova: start of the IOVA range to report
 * @length: length of the range in bytes
 * @page_size: what one bit stands for; any power of two
 * @bitmap: user pointer to an array of __u64 receiving the bits
 *
 * GET: reports the pages of the range written since the last report, and
 * clears their log. Bit n of the array (bit n % 64 of word n / 64) stands for
 * the page at @iova + n * @page_size. Bits are only ever set, never cleared:
 * the caller initializes the bitmap. After an error, consider the log lost
 * (treat all memory as dirty, or restart tracking or the migration). Fails
 * when logging is off.
 */
struct vfio_device_feature_dma_logging_report {
	__aligned_u64 iova;
	__aligned_u64 length;
	__aligned_u64 page_size;
	__aligned_u64 bitmap;
};
#define VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT 8

/**
 * struct vfio_device_feature_mig_data_size - data of
 *                                          VFIO_DEVICE_FEATURE_MIG_DATA_SIZE
 * @stop_copy_length: estimate of the bytes STOP_COPY will produce
 *
 * GET, in any migration state.
 */
struct vfio_device_feature_mig_data_size {
	__aligned_u64 stop_copy_length;
};
#define VFIO_DEVICE_FEATURE_MIG_DATA_SIZE 9

/* struct vfio_device_feature_bus_master @op */
#define VFIO_DEVICE_FEATURE_CLEAR_MASTER 0 /* block DMA from the device */
#define VFIO_DEVICE_FEATURE_SET_MASTER	 1 /* allow it */

/**
 * struct vfio_device_feature_bus_master - data of
 *                                         VFIO_DEVICE_FEATURE_BUS_MASTER
 * @op: VFIO_DEVICE_FEATURE_CLEAR_MASTER or _SET_MASTER
 *
 * SET: turns the device's bus mastering off or on, for buses with no other
 * way to do it (CDX today; PCI uses its config space).
 */
struct vfio_device_feature_bus_master {
	__u32 op;
};
#define VFIO_DEVICE_FEATURE_BUS_MASTER 10

/**
 * struct vfio_region_dma_range - a slice of a region
 * @offset: start of the slice within the region
 * @length: length in bytes
 *
 * Plain __u64 members: on 32-bit x86 the alignment is 4, not 8.
 */
struct vfio_region_dma_range {
	__u64 offset;
	__u64 length;
};

/**
 * struct vfio_device_feature_dma_buf - data of VFIO_DEVICE_FEATURE_DMA_BUF
 * @region_index: the region to export
 * @open_flags: open(2) flags of the new fd (O_RDWR, O_CLOEXEC...)
 * @flags: must be 0
 * @nr_ranges: number of entries in @dma_ranges
 * @dma_ranges: the slices of the region that make up the dma-buf, for
 *              peer-to-peer DMA
 *
 * GET: returns (as the ioctl's result) a new dma-buf fd over the slices.
 */
struct vfio_device_feature_dma_buf {
	__u32 region_index;
	__u32 open_flags;
	__u32 flags;
	__u32 nr_ranges;
	struct vfio_region_dma_range dma_ranges[] __counted_by(nr_ranges);
};
#define VFIO_DEVICE_FEATURE_DMA_BUF 11

/*
 * SET: opt in to version 2 of VFIO_MIG_GET_PRECOPY_INFO, whose
 * vfio_precopy_info.flags is a real output (VFIO_PRECOPY_INFO_REINIT).
 */
#define VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2 12

#endif /* VFIO_H */
#endif /* _UAPIVFIO_H */
