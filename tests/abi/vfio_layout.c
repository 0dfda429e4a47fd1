/* SPDX-License-Identifier: MIT */
/*
 * Compile-time pin of the uAPI layout of <uiommufd/vfio.h>.
 *
 * Every number below was measured by compiling a program against the Linux
 * 7.2 <linux/vfio.h> (the "make headers_install" output) on x86_64, and the
 * list of names was taken from that header: every ioctl number, #define'd
 * constant (value and type), enumerator, struct size and alignment, and the
 * offset, size, type and alignment of every member, except the parts
 * <uiommufd/vfio.h> leaves out (sPAPR TCE, EEH and the v1 migration region).
 *
 * Most structs are laid out alike on 64-bit hosts and on 32-bit x86. The
 * few that are not (a plain __u64 is 4-byte aligned on 32-bit x86, and some
 * hold a pointer) were found by compiling these checks against the kernel's
 * header with -m32, and are checked on 64-bit (LP64) ABIs only. If this file
 * stops compiling, the header no longer matches the kernel's binary
 * interface: fix the header, not the numbers.
 *
 * Build: cc -std=gnu11 -I include -c tests/abi/vfio_layout.c
 */
#include <stddef.h>

#include <uiommufd/vfio.h>

/* sizeof() and alignment of a whole struct */
#define CHECK_STRUCT(s, size, align)                                         \
	_Static_assert(sizeof(struct s) == (size), "sizeof(struct " #s ")"); \
	_Static_assert(_Alignof(struct s) == (align), "alignof(struct " #s ")")

/* offset, size, type (without attributes) and alignment of one member */
#define CHECK_FIELD(s, f, off, size, type, align)                              \
	_Static_assert(offsetof(struct s, f) == (off), "offsetof " #s "." #f); \
	_Static_assert(sizeof(((struct s *)0)->f) == (size),                   \
		       "sizeof " #s "." #f);                                   \
	_Static_assert(__builtin_types_compatible_p(                           \
			       __typeof__(((struct s *)0)->f), type),          \
		       "type of " #s "." #f);                                  \
	_Static_assert(__alignof__(((struct s *)0)->f) == (align),             \
		       "alignof " #s "." #f)

/*
 * offset, element type and size, and alignment of a flexible array member
 * (that the array has no fixed length follows from the struct's size)
 */
#define CHECK_FLEX(s, f, off, elem, elem_size, align)                          \
	_Static_assert(offsetof(struct s, f) == (off), "offsetof " #s "." #f); \
	_Static_assert(__builtin_types_compatible_p(                           \
			       __typeof__(((struct s *)0)->f), elem[]),        \
		       "type of " #s "." #f);                                  \
	_Static_assert(sizeof(((struct s *)0)->f[0]) == (elem_size),           \
		       "element size of " #s "." #f);                          \
	_Static_assert(__alignof__(((struct s *)0)->f) == (align),             \
		       "alignof " #s "." #f)

/* the value of a constant */
#define CHECK_VALUE(name, value) \
	_Static_assert((name) == (value), #name " == " #value)

/* the value and the type of a #define'd constant */
#define CHECK_DEFINE(name, value, type)                                      \
	_Static_assert((name) == (value), #name " == " #value);              \
	_Static_assert(__builtin_types_compatible_p(__typeof__(name), type), \
		       "type of " #name)

/* the text (and so the array type) of a #define'd string */
#define CHECK_STRING(name, text)                                         \
	_Static_assert(__builtin_types_compatible_p(__typeof__(name),    \
						    __typeof__(text)) && \
			       __builtin_strcmp(name, text) == 0,        \
		       #name " == " #text)

/* an enum tag exists, and the size of its type */
#define CHECK_ENUM(tag, size) \
	_Static_assert(sizeof(enum tag) == (size), "sizeof(enum " #tag ")")

/*
 * ioctl numbers: _IO() encodes neither a direction nor a size, so where the
 * "none" direction is 0 (x86, arm, riscv and most others) the number is
 * type << 8 | nr. Elsewhere compare with the encoding of that architecture.
 */
#if _IOC_NONE == 0
#define IOCTL_NUMBER(value) (value)
#else
#define IOCTL_NUMBER(value) _IOC(_IOC_NONE, (value) >> 8, (value)&0xff, 0)
#endif
#define CHECK_IOCTL(name, value) \
	_Static_assert((name) == IOCTL_NUMBER(value), #name " == " #value)

/* ioctl numbers */

CHECK_IOCTL(VFIO_GET_API_VERSION, 0x3b64);
CHECK_IOCTL(VFIO_CHECK_EXTENSION, 0x3b65);
CHECK_IOCTL(VFIO_SET_IOMMU, 0x3b66);
CHECK_IOCTL(VFIO_GROUP_GET_STATUS, 0x3b67);
CHECK_IOCTL(VFIO_GROUP_SET_CONTAINER, 0x3b68);
CHECK_IOCTL(VFIO_GROUP_UNSET_CONTAINER, 0x3b69);
CHECK_IOCTL(VFIO_GROUP_GET_DEVICE_FD, 0x3b6a);
CHECK_IOCTL(VFIO_DEVICE_GET_INFO, 0x3b6b);
CHECK_IOCTL(VFIO_DEVICE_GET_REGION_INFO, 0x3b6c);
CHECK_IOCTL(VFIO_DEVICE_GET_IRQ_INFO, 0x3b6d);
CHECK_IOCTL(VFIO_DEVICE_SET_IRQS, 0x3b6e);
CHECK_IOCTL(VFIO_DEVICE_RESET, 0x3b6f);
CHECK_IOCTL(VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, 0x3b70);
CHECK_IOCTL(VFIO_DEVICE_PCI_HOT_RESET, 0x3b71);
CHECK_IOCTL(VFIO_DEVICE_QUERY_GFX_PLANE, 0x3b72);
CHECK_IOCTL(VFIO_DEVICE_GET_GFX_DMABUF, 0x3b73);
CHECK_IOCTL(VFIO_DEVICE_IOEVENTFD, 0x3b74);
CHECK_IOCTL(VFIO_DEVICE_FEATURE, 0x3b75);
CHECK_IOCTL(VFIO_DEVICE_BIND_IOMMUFD, 0x3b76);
CHECK_IOCTL(VFIO_DEVICE_ATTACH_IOMMUFD_PT, 0x3b77);
CHECK_IOCTL(VFIO_DEVICE_DETACH_IOMMUFD_PT, 0x3b78);
CHECK_IOCTL(VFIO_MIG_GET_PRECOPY_INFO, 0x3b79);
CHECK_IOCTL(VFIO_IOMMU_GET_INFO, 0x3b70);
CHECK_IOCTL(VFIO_IOMMU_MAP_DMA, 0x3b71);
CHECK_IOCTL(VFIO_IOMMU_UNMAP_DMA, 0x3b72);
CHECK_IOCTL(VFIO_IOMMU_ENABLE, 0x3b73);
CHECK_IOCTL(VFIO_IOMMU_DISABLE, 0x3b74);
CHECK_IOCTL(VFIO_IOMMU_DIRTY_PAGES, 0x3b75);

/* #define'd constants: value and type */

CHECK_DEFINE(VFIO_API_VERSION, 0, int);
CHECK_DEFINE(VFIO_TYPE1_IOMMU, 1, int);
CHECK_DEFINE(VFIO_SPAPR_TCE_IOMMU, 2, int);
CHECK_DEFINE(VFIO_TYPE1v2_IOMMU, 3, int);
CHECK_DEFINE(VFIO_DMA_CC_IOMMU, 4, int);
CHECK_DEFINE(VFIO_EEH, 5, int);
CHECK_DEFINE(__VFIO_RESERVED_TYPE1_NESTING_IOMMU, 6, int);
CHECK_DEFINE(VFIO_SPAPR_TCE_v2_IOMMU, 7, int);
CHECK_DEFINE(VFIO_NOIOMMU_IOMMU, 8, int);
CHECK_DEFINE(VFIO_UNMAP_ALL, 9, int);
CHECK_DEFINE(VFIO_UPDATE_VADDR, 10, int);
CHECK_DEFINE(VFIO_TYPE, 59, int);
CHECK_DEFINE(VFIO_BASE, 100, int);
CHECK_DEFINE(VFIO_GROUP_FLAGS_VIABLE, 1, int);
CHECK_DEFINE(VFIO_GROUP_FLAGS_CONTAINER_SET, 2, int);
CHECK_DEFINE(VFIO_DEVICE_FLAGS_RESET, 1, int);
CHECK_DEFINE(VFIO_DEVICE_FLAGS_PCI, 2, int);
CHECK_DEFINE(VFIO_DEVICE_FLAGS_PLATFORM, 4, int);
CHECK_DEFINE(VFIO_DEVICE_FLAGS_AMBA, 8, int);
CHECK_DEFINE(VFIO_DEVICE_FLAGS_CCW, 0x10, int);
CHECK_DEFINE(VFIO_DEVICE_FLAGS_AP, 0x20, int);
CHECK_DEFINE(VFIO_DEVICE_FLAGS_FSL_MC, 0x40, int);
CHECK_DEFINE(VFIO_DEVICE_FLAGS_CAPS, 0x80, int);
CHECK_DEFINE(VFIO_DEVICE_FLAGS_CDX, 0x100, int);
CHECK_DEFINE(VFIO_DEVICE_INFO_CAP_ZPCI_BASE, 1, int);
CHECK_DEFINE(VFIO_DEVICE_INFO_CAP_ZPCI_GROUP, 2, int);
CHECK_DEFINE(VFIO_DEVICE_INFO_CAP_ZPCI_UTIL, 3, int);
CHECK_DEFINE(VFIO_DEVICE_INFO_CAP_ZPCI_PFIP, 4, int);
CHECK_DEFINE(VFIO_DEVICE_INFO_CAP_PCI_ATOMIC_COMP, 5, int);
CHECK_DEFINE(VFIO_PCI_ATOMIC_COMP32, 1, int);
CHECK_DEFINE(VFIO_PCI_ATOMIC_COMP64, 2, int);
CHECK_DEFINE(VFIO_PCI_ATOMIC_COMP128, 4, int);
CHECK_DEFINE(VFIO_REGION_INFO_FLAG_READ, 1, int);
CHECK_DEFINE(VFIO_REGION_INFO_FLAG_WRITE, 2, int);
CHECK_DEFINE(VFIO_REGION_INFO_FLAG_MMAP, 4, int);
CHECK_DEFINE(VFIO_REGION_INFO_FLAG_CAPS, 8, int);
CHECK_DEFINE(VFIO_REGION_INFO_CAP_SPARSE_MMAP, 1, int);
CHECK_DEFINE(VFIO_REGION_INFO_CAP_TYPE, 2, int);
CHECK_DEFINE(VFIO_REGION_TYPE_PCI_VENDOR_TYPE, -2147483648, int);
CHECK_DEFINE(VFIO_REGION_TYPE_PCI_VENDOR_MASK, 0xffff, int);
CHECK_DEFINE(VFIO_REGION_TYPE_GFX, 1, int);
CHECK_DEFINE(VFIO_REGION_TYPE_CCW, 2, int);
CHECK_DEFINE(VFIO_REGION_TYPE_MIGRATION_DEPRECATED, 3, int);
CHECK_DEFINE(VFIO_REGION_SUBTYPE_INTEL_IGD_OPREGION, 1, int);
CHECK_DEFINE(VFIO_REGION_SUBTYPE_INTEL_IGD_HOST_CFG, 2, int);
CHECK_DEFINE(VFIO_REGION_SUBTYPE_INTEL_IGD_LPC_CFG, 3, int);
CHECK_DEFINE(VFIO_REGION_SUBTYPE_NVIDIA_NVLINK2_RAM, 1, int);
CHECK_DEFINE(VFIO_REGION_SUBTYPE_IBM_NVLINK2_ATSD, 1, int);
CHECK_DEFINE(VFIO_REGION_SUBTYPE_GFX_EDID, 1, int);
CHECK_DEFINE(VFIO_DEVICE_GFX_LINK_STATE_UP, 1, int);
CHECK_DEFINE(VFIO_DEVICE_GFX_LINK_STATE_DOWN, 2, int);
CHECK_DEFINE(VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD, 1, int);
CHECK_DEFINE(VFIO_REGION_SUBTYPE_CCW_SCHIB, 2, int);
CHECK_DEFINE(VFIO_REGION_SUBTYPE_CCW_CRW, 3, int);
CHECK_DEFINE(VFIO_REGION_SUBTYPE_MIGRATION_DEPRECATED, 1, int);
CHECK_DEFINE(VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, 3, int);
CHECK_DEFINE(VFIO_REGION_INFO_CAP_NVLINK2_SSATGT, 4, int);
CHECK_DEFINE(VFIO_REGION_INFO_CAP_NVLINK2_LNKSPD, 5, int);
CHECK_DEFINE(VFIO_IRQ_INFO_EVENTFD, 1, int);
CHECK_DEFINE(VFIO_IRQ_INFO_MASKABLE, 2, int);
CHECK_DEFINE(VFIO_IRQ_INFO_AUTOMASKED, 4, int);
CHECK_DEFINE(VFIO_IRQ_INFO_NORESIZE, 8, int);
CHECK_DEFINE(VFIO_IRQ_SET_DATA_NONE, 1, int);
CHECK_DEFINE(VFIO_IRQ_SET_DATA_BOOL, 2, int);
CHECK_DEFINE(VFIO_IRQ_SET_DATA_EVENTFD, 4, int);
CHECK_DEFINE(VFIO_IRQ_SET_ACTION_MASK, 8, int);
CHECK_DEFINE(VFIO_IRQ_SET_ACTION_UNMASK, 0x10, int);
CHECK_DEFINE(VFIO_IRQ_SET_ACTION_TRIGGER, 0x20, int);
CHECK_DEFINE(VFIO_IRQ_SET_DATA_TYPE_MASK, 7, int);
CHECK_DEFINE(VFIO_IRQ_SET_ACTION_TYPE_MASK, 56, int);
CHECK_DEFINE(VFIO_PCI_DEVID_OWNED, 0, int);
CHECK_DEFINE(VFIO_PCI_DEVID_NOT_OWNED, -1, int);
CHECK_DEFINE(VFIO_PCI_HOT_RESET_FLAG_DEV_ID, 1, int);
CHECK_DEFINE(VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED, 2, int);
CHECK_DEFINE(VFIO_GFX_PLANE_TYPE_PROBE, 1, int);
CHECK_DEFINE(VFIO_GFX_PLANE_TYPE_DMABUF, 2, int);
CHECK_DEFINE(VFIO_GFX_PLANE_TYPE_REGION, 4, int);
CHECK_DEFINE(VFIO_DEVICE_IOEVENTFD_8, 1, int);
CHECK_DEFINE(VFIO_DEVICE_IOEVENTFD_16, 2, int);
CHECK_DEFINE(VFIO_DEVICE_IOEVENTFD_32, 4, int);
CHECK_DEFINE(VFIO_DEVICE_IOEVENTFD_64, 8, int);
CHECK_DEFINE(VFIO_DEVICE_IOEVENTFD_SIZE_MASK, 15, int);
CHECK_DEFINE(VFIO_DEVICE_FEATURE_MASK, 0xffff, int);
CHECK_DEFINE(VFIO_DEVICE_FEATURE_GET, 0x10000, int);
CHECK_DEFINE(VFIO_DEVICE_FEATURE_SET, 0x20000, int);
CHECK_DEFINE(VFIO_DEVICE_FEATURE_PROBE, 0x40000, int);
CHECK_DEFINE(VFIO_DEVICE_BIND_FLAG_TOKEN, 1, int);
CHECK_DEFINE(VFIO_DEVICE_ATTACH_PASID, 1, int);
CHECK_DEFINE(VFIO_DEVICE_DETACH_PASID, 1, int);
CHECK_DEFINE(VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, 0, int);
CHECK_DEFINE(VFIO_MIGRATION_STOP_COPY, 1, int);
CHECK_DEFINE(VFIO_MIGRATION_P2P, 2, int);
CHECK_DEFINE(VFIO_MIGRATION_PRE_COPY, 4, int);
CHECK_DEFINE(VFIO_DEVICE_FEATURE_MIGRATION, 1, int);
CHECK_DEFINE(VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, 2, int);
CHECK_DEFINE(VFIO_PRECOPY_INFO_REINIT, 1, int);
CHECK_DEFINE(VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, 3, int);
CHECK_DEFINE(VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP, 4, int);
CHECK_DEFINE(VFIO_DEVICE_FEATURE_LOW_POWER_EXIT, 5, int);
CHECK_DEFINE(VFIO_DEVICE_FEATURE_DMA_LOGGING_START, 6, int);
CHECK_DEFINE(VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP, 7, int);
CHECK_DEFINE(VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT, 8, int);
CHECK_DEFINE(VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, 9, int);
CHECK_DEFINE(VFIO_DEVICE_FEATURE_CLEAR_MASTER, 0, int);
CHECK_DEFINE(VFIO_DEVICE_FEATURE_SET_MASTER, 1, int);
CHECK_DEFINE(VFIO_DEVICE_FEATURE_BUS_MASTER, 10, int);
CHECK_DEFINE(VFIO_DEVICE_FEATURE_DMA_BUF, 11, int);
CHECK_DEFINE(VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2, 12, int);
CHECK_DEFINE(VFIO_IOMMU_INFO_PGSIZES, 1, int);
CHECK_DEFINE(VFIO_IOMMU_INFO_CAPS, 2, int);
CHECK_DEFINE(VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, 1, int);
CHECK_DEFINE(VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION, 2, int);
CHECK_DEFINE(VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, 3, int);
CHECK_DEFINE(VFIO_DMA_MAP_FLAG_READ, 1, int);
CHECK_DEFINE(VFIO_DMA_MAP_FLAG_WRITE, 2, int);
CHECK_DEFINE(VFIO_DMA_MAP_FLAG_VADDR, 4, int);
CHECK_DEFINE(VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP, 1, int);
CHECK_DEFINE(VFIO_DMA_UNMAP_FLAG_ALL, 2, int);
CHECK_DEFINE(VFIO_DMA_UNMAP_FLAG_VADDR, 4, int);
CHECK_DEFINE(VFIO_IOMMU_DIRTY_PAGES_FLAG_START, 1, int);
CHECK_DEFINE(VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP, 2, int);
CHECK_DEFINE(VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP, 4, int);

/* #define'd strings */

CHECK_STRING(VFIO_DEVICE_API_PCI_STRING, "vfio-pci");
CHECK_STRING(VFIO_DEVICE_API_PLATFORM_STRING, "vfio-platform");
CHECK_STRING(VFIO_DEVICE_API_AMBA_STRING, "vfio-amba");
CHECK_STRING(VFIO_DEVICE_API_CCW_STRING, "vfio-ccw");
CHECK_STRING(VFIO_DEVICE_API_AP_STRING, "vfio-ap");

/* Enumerators */

CHECK_VALUE(VFIO_PCI_BAR0_REGION_INDEX, 0);
CHECK_VALUE(VFIO_PCI_BAR1_REGION_INDEX, 1);
CHECK_VALUE(VFIO_PCI_BAR2_REGION_INDEX, 2);
CHECK_VALUE(VFIO_PCI_BAR3_REGION_INDEX, 3);
CHECK_VALUE(VFIO_PCI_BAR4_REGION_INDEX, 4);
CHECK_VALUE(VFIO_PCI_BAR5_REGION_INDEX, 5);
CHECK_VALUE(VFIO_PCI_ROM_REGION_INDEX, 6);
CHECK_VALUE(VFIO_PCI_CONFIG_REGION_INDEX, 7);
CHECK_VALUE(VFIO_PCI_VGA_REGION_INDEX, 8);
CHECK_VALUE(VFIO_PCI_NUM_REGIONS, 9);
CHECK_VALUE(VFIO_PCI_INTX_IRQ_INDEX, 0);
CHECK_VALUE(VFIO_PCI_MSI_IRQ_INDEX, 1);
CHECK_VALUE(VFIO_PCI_MSIX_IRQ_INDEX, 2);
CHECK_VALUE(VFIO_PCI_ERR_IRQ_INDEX, 3);
CHECK_VALUE(VFIO_PCI_REQ_IRQ_INDEX, 4);
CHECK_VALUE(VFIO_PCI_NUM_IRQS, 5);
CHECK_VALUE(VFIO_CCW_CONFIG_REGION_INDEX, 0);
CHECK_VALUE(VFIO_CCW_NUM_REGIONS, 1);
CHECK_VALUE(VFIO_CCW_IO_IRQ_INDEX, 0);
CHECK_VALUE(VFIO_CCW_CRW_IRQ_INDEX, 1);
CHECK_VALUE(VFIO_CCW_REQ_IRQ_INDEX, 2);
CHECK_VALUE(VFIO_CCW_NUM_IRQS, 3);
CHECK_VALUE(VFIO_AP_REQ_IRQ_INDEX, 0);
CHECK_VALUE(VFIO_AP_CFG_CHG_IRQ_INDEX, 1);
CHECK_VALUE(VFIO_AP_NUM_IRQS, 2);
CHECK_VALUE(VFIO_DEVICE_STATE_ERROR, 0);
CHECK_VALUE(VFIO_DEVICE_STATE_STOP, 1);
CHECK_VALUE(VFIO_DEVICE_STATE_RUNNING, 2);
CHECK_VALUE(VFIO_DEVICE_STATE_STOP_COPY, 3);
CHECK_VALUE(VFIO_DEVICE_STATE_RESUMING, 4);
CHECK_VALUE(VFIO_DEVICE_STATE_RUNNING_P2P, 5);
CHECK_VALUE(VFIO_DEVICE_STATE_PRE_COPY, 6);
CHECK_VALUE(VFIO_DEVICE_STATE_PRE_COPY_P2P, 7);
CHECK_VALUE(VFIO_DEVICE_STATE_NR, 8);

/* Enum tags */

CHECK_ENUM(vfio_device_mig_state, 4);

/*
 * Structs laid out alike on 64-bit hosts and on 32-bit x86: their 64-bit
 * members are explicitly 8-byte aligned and they hold no pointer.
 */

CHECK_STRUCT(vfio_info_cap_header, 8, 4);
CHECK_FIELD(vfio_info_cap_header, id, 0, 2, __u16, 2);
CHECK_FIELD(vfio_info_cap_header, version, 2, 2, __u16, 2);
CHECK_FIELD(vfio_info_cap_header, next, 4, 4, __u32, 4);

CHECK_STRUCT(vfio_group_status, 8, 4);
CHECK_FIELD(vfio_group_status, argsz, 0, 4, __u32, 4);
CHECK_FIELD(vfio_group_status, flags, 4, 4, __u32, 4);

CHECK_STRUCT(vfio_device_info, 24, 4);
CHECK_FIELD(vfio_device_info, argsz, 0, 4, __u32, 4);
CHECK_FIELD(vfio_device_info, flags, 4, 4, __u32, 4);
CHECK_FIELD(vfio_device_info, num_regions, 8, 4, __u32, 4);
CHECK_FIELD(vfio_device_info, num_irqs, 12, 4, __u32, 4);
CHECK_FIELD(vfio_device_info, cap_offset, 16, 4, __u32, 4);
CHECK_FIELD(vfio_device_info, pad, 20, 4, __u32, 4);

CHECK_STRUCT(vfio_device_info_cap_pci_atomic_comp, 16, 4);
CHECK_FIELD(vfio_device_info_cap_pci_atomic_comp, header, 0, 8,
	    struct vfio_info_cap_header, 4);
CHECK_FIELD(vfio_device_info_cap_pci_atomic_comp, flags, 8, 4, __u32, 4);
CHECK_FIELD(vfio_device_info_cap_pci_atomic_comp, reserved, 12, 4, __u32, 4);

CHECK_STRUCT(vfio_region_info, 32, 8);
CHECK_FIELD(vfio_region_info, argsz, 0, 4, __u32, 4);
CHECK_FIELD(vfio_region_info, flags, 4, 4, __u32, 4);
CHECK_FIELD(vfio_region_info, index, 8, 4, __u32, 4);
CHECK_FIELD(vfio_region_info, cap_offset, 12, 4, __u32, 4);
CHECK_FIELD(vfio_region_info, size, 16, 8, __u64, 8);
CHECK_FIELD(vfio_region_info, offset, 24, 8, __u64, 8);

CHECK_STRUCT(vfio_region_sparse_mmap_area, 16, 8);
CHECK_FIELD(vfio_region_sparse_mmap_area, offset, 0, 8, __u64, 8);
CHECK_FIELD(vfio_region_sparse_mmap_area, size, 8, 8, __u64, 8);

CHECK_STRUCT(vfio_region_info_cap_sparse_mmap, 16, 8);
CHECK_FIELD(vfio_region_info_cap_sparse_mmap, header, 0, 8,
	    struct vfio_info_cap_header, 4);
CHECK_FIELD(vfio_region_info_cap_sparse_mmap, nr_areas, 8, 4, __u32, 4);
CHECK_FIELD(vfio_region_info_cap_sparse_mmap, reserved, 12, 4, __u32, 4);
CHECK_FLEX(vfio_region_info_cap_sparse_mmap, areas, 16,
	   struct vfio_region_sparse_mmap_area, 16, 8);

CHECK_STRUCT(vfio_region_info_cap_type, 16, 4);
CHECK_FIELD(vfio_region_info_cap_type, header, 0, 8,
	    struct vfio_info_cap_header, 4);
CHECK_FIELD(vfio_region_info_cap_type, type, 8, 4, __u32, 4);
CHECK_FIELD(vfio_region_info_cap_type, subtype, 12, 4, __u32, 4);

CHECK_STRUCT(vfio_region_gfx_edid, 24, 4);
CHECK_FIELD(vfio_region_gfx_edid, edid_offset, 0, 4, __u32, 4);
CHECK_FIELD(vfio_region_gfx_edid, edid_max_size, 4, 4, __u32, 4);
CHECK_FIELD(vfio_region_gfx_edid, edid_size, 8, 4, __u32, 4);
CHECK_FIELD(vfio_region_gfx_edid, max_xres, 12, 4, __u32, 4);
CHECK_FIELD(vfio_region_gfx_edid, max_yres, 16, 4, __u32, 4);
CHECK_FIELD(vfio_region_gfx_edid, link_state, 20, 4, __u32, 4);

CHECK_STRUCT(vfio_region_info_cap_nvlink2_ssatgt, 16, 8);
CHECK_FIELD(vfio_region_info_cap_nvlink2_ssatgt, header, 0, 8,
	    struct vfio_info_cap_header, 4);
CHECK_FIELD(vfio_region_info_cap_nvlink2_ssatgt, tgt, 8, 8, __u64, 8);

CHECK_STRUCT(vfio_region_info_cap_nvlink2_lnkspd, 16, 4);
CHECK_FIELD(vfio_region_info_cap_nvlink2_lnkspd, header, 0, 8,
	    struct vfio_info_cap_header, 4);
CHECK_FIELD(vfio_region_info_cap_nvlink2_lnkspd, link_speed, 8, 4, __u32, 4);
CHECK_FIELD(vfio_region_info_cap_nvlink2_lnkspd, __pad, 12, 4, __u32, 4);

CHECK_STRUCT(vfio_irq_info, 16, 4);
CHECK_FIELD(vfio_irq_info, argsz, 0, 4, __u32, 4);
CHECK_FIELD(vfio_irq_info, flags, 4, 4, __u32, 4);
CHECK_FIELD(vfio_irq_info, index, 8, 4, __u32, 4);
CHECK_FIELD(vfio_irq_info, count, 12, 4, __u32, 4);

CHECK_STRUCT(vfio_irq_set, 20, 4);
CHECK_FIELD(vfio_irq_set, argsz, 0, 4, __u32, 4);
CHECK_FIELD(vfio_irq_set, flags, 4, 4, __u32, 4);
CHECK_FIELD(vfio_irq_set, index, 8, 4, __u32, 4);
CHECK_FIELD(vfio_irq_set, start, 12, 4, __u32, 4);
CHECK_FIELD(vfio_irq_set, count, 16, 4, __u32, 4);
CHECK_FLEX(vfio_irq_set, data, 20, __u8, 1, 1);

CHECK_STRUCT(vfio_pci_dependent_device, 8, 4);
CHECK_FIELD(vfio_pci_dependent_device, group_id, 0, 4, __u32, 4);
CHECK_FIELD(vfio_pci_dependent_device, devid, 0, 4, __u32, 4);
CHECK_FIELD(vfio_pci_dependent_device, segment, 4, 2, __u16, 2);
CHECK_FIELD(vfio_pci_dependent_device, bus, 6, 1, __u8, 1);
CHECK_FIELD(vfio_pci_dependent_device, devfn, 7, 1, __u8, 1);

CHECK_STRUCT(vfio_pci_hot_reset_info, 12, 4);
CHECK_FIELD(vfio_pci_hot_reset_info, argsz, 0, 4, __u32, 4);
CHECK_FIELD(vfio_pci_hot_reset_info, flags, 4, 4, __u32, 4);
CHECK_FIELD(vfio_pci_hot_reset_info, count, 8, 4, __u32, 4);
CHECK_FLEX(vfio_pci_hot_reset_info, devices, 12,
	   struct vfio_pci_dependent_device, 8, 4);

CHECK_STRUCT(vfio_pci_hot_reset, 12, 4);
CHECK_FIELD(vfio_pci_hot_reset, argsz, 0, 4, __u32, 4);
CHECK_FIELD(vfio_pci_hot_reset, flags, 4, 4, __u32, 4);
CHECK_FIELD(vfio_pci_hot_reset, count, 8, 4, __u32, 4);
CHECK_FLEX(vfio_pci_hot_reset, group_fds, 12, __s32, 4, 4);

CHECK_STRUCT(vfio_device_gfx_plane_info, 64, 8);
CHECK_FIELD(vfio_device_gfx_plane_info, argsz, 0, 4, __u32, 4);
CHECK_FIELD(vfio_device_gfx_plane_info, flags, 4, 4, __u32, 4);
CHECK_FIELD(vfio_device_gfx_plane_info, drm_plane_type, 8, 4, __u32, 4);
CHECK_FIELD(vfio_device_gfx_plane_info, drm_format, 12, 4, __u32, 4);
CHECK_FIELD(vfio_device_gfx_plane_info, drm_format_mod, 16, 8, __u64, 8);
CHECK_FIELD(vfio_device_gfx_plane_info, width, 24, 4, __u32, 4);
CHECK_FIELD(vfio_device_gfx_plane_info, height, 28, 4, __u32, 4);
CHECK_FIELD(vfio_device_gfx_plane_info, stride, 32, 4, __u32, 4);
CHECK_FIELD(vfio_device_gfx_plane_info, size, 36, 4, __u32, 4);
CHECK_FIELD(vfio_device_gfx_plane_info, x_pos, 40, 4, __u32, 4);
CHECK_FIELD(vfio_device_gfx_plane_info, y_pos, 44, 4, __u32, 4);
CHECK_FIELD(vfio_device_gfx_plane_info, x_hot, 48, 4, __u32, 4);
CHECK_FIELD(vfio_device_gfx_plane_info, y_hot, 52, 4, __u32, 4);
CHECK_FIELD(vfio_device_gfx_plane_info, region_index, 56, 4, __u32, 4);
CHECK_FIELD(vfio_device_gfx_plane_info, dmabuf_id, 56, 4, __u32, 4);
CHECK_FIELD(vfio_device_gfx_plane_info, reserved, 60, 4, __u32, 4);

CHECK_STRUCT(vfio_device_ioeventfd, 32, 8);
CHECK_FIELD(vfio_device_ioeventfd, argsz, 0, 4, __u32, 4);
CHECK_FIELD(vfio_device_ioeventfd, flags, 4, 4, __u32, 4);
CHECK_FIELD(vfio_device_ioeventfd, offset, 8, 8, __u64, 8);
CHECK_FIELD(vfio_device_ioeventfd, data, 16, 8, __u64, 8);
CHECK_FIELD(vfio_device_ioeventfd, fd, 24, 4, __s32, 4);
CHECK_FIELD(vfio_device_ioeventfd, reserved, 28, 4, __u32, 4);

CHECK_STRUCT(vfio_device_feature, 8, 4);
CHECK_FIELD(vfio_device_feature, argsz, 0, 4, __u32, 4);
CHECK_FIELD(vfio_device_feature, flags, 4, 4, __u32, 4);
CHECK_FLEX(vfio_device_feature, data, 8, __u8, 1, 1);

CHECK_STRUCT(vfio_device_bind_iommufd, 24, 8);
CHECK_FIELD(vfio_device_bind_iommufd, argsz, 0, 4, __u32, 4);
CHECK_FIELD(vfio_device_bind_iommufd, flags, 4, 4, __u32, 4);
CHECK_FIELD(vfio_device_bind_iommufd, iommufd, 8, 4, __s32, 4);
CHECK_FIELD(vfio_device_bind_iommufd, out_devid, 12, 4, __u32, 4);
CHECK_FIELD(vfio_device_bind_iommufd, token_uuid_ptr, 16, 8, __u64, 8);

CHECK_STRUCT(vfio_device_attach_iommufd_pt, 16, 4);
CHECK_FIELD(vfio_device_attach_iommufd_pt, argsz, 0, 4, __u32, 4);
CHECK_FIELD(vfio_device_attach_iommufd_pt, flags, 4, 4, __u32, 4);
CHECK_FIELD(vfio_device_attach_iommufd_pt, pt_id, 8, 4, __u32, 4);
CHECK_FIELD(vfio_device_attach_iommufd_pt, pasid, 12, 4, __u32, 4);

CHECK_STRUCT(vfio_device_detach_iommufd_pt, 12, 4);
CHECK_FIELD(vfio_device_detach_iommufd_pt, argsz, 0, 4, __u32, 4);
CHECK_FIELD(vfio_device_detach_iommufd_pt, flags, 4, 4, __u32, 4);
CHECK_FIELD(vfio_device_detach_iommufd_pt, pasid, 8, 4, __u32, 4);

CHECK_STRUCT(vfio_device_feature_migration, 8, 8);
CHECK_FIELD(vfio_device_feature_migration, flags, 0, 8, __u64, 8);

CHECK_STRUCT(vfio_device_feature_mig_state, 8, 4);
CHECK_FIELD(vfio_device_feature_mig_state, device_state, 0, 4, __u32, 4);
CHECK_FIELD(vfio_device_feature_mig_state, data_fd, 4, 4, __s32, 4);

CHECK_STRUCT(vfio_precopy_info, 24, 8);
CHECK_FIELD(vfio_precopy_info, argsz, 0, 4, __u32, 4);
CHECK_FIELD(vfio_precopy_info, flags, 4, 4, __u32, 4);
CHECK_FIELD(vfio_precopy_info, initial_bytes, 8, 8, __u64, 8);
CHECK_FIELD(vfio_precopy_info, dirty_bytes, 16, 8, __u64, 8);

CHECK_STRUCT(vfio_device_low_power_entry_with_wakeup, 8, 4);
CHECK_FIELD(vfio_device_low_power_entry_with_wakeup, wakeup_eventfd, 0, 4,
	    __s32, 4);
CHECK_FIELD(vfio_device_low_power_entry_with_wakeup, reserved, 4, 4, __u32, 4);

CHECK_STRUCT(vfio_device_feature_dma_logging_control, 24, 8);
CHECK_FIELD(vfio_device_feature_dma_logging_control, page_size, 0, 8, __u64, 8);
CHECK_FIELD(vfio_device_feature_dma_logging_control, num_ranges, 8, 4, __u32,
	    4);
CHECK_FIELD(vfio_device_feature_dma_logging_control, __reserved, 12, 4, __u32,
	    4);
CHECK_FIELD(vfio_device_feature_dma_logging_control, ranges, 16, 8, __u64, 8);

CHECK_STRUCT(vfio_device_feature_dma_logging_range, 16, 8);
CHECK_FIELD(vfio_device_feature_dma_logging_range, iova, 0, 8, __u64, 8);
CHECK_FIELD(vfio_device_feature_dma_logging_range, length, 8, 8, __u64, 8);

CHECK_STRUCT(vfio_device_feature_dma_logging_report, 32, 8);
CHECK_FIELD(vfio_device_feature_dma_logging_report, iova, 0, 8, __u64, 8);
CHECK_FIELD(vfio_device_feature_dma_logging_report, length, 8, 8, __u64, 8);
CHECK_FIELD(vfio_device_feature_dma_logging_report, page_size, 16, 8, __u64, 8);
CHECK_FIELD(vfio_device_feature_dma_logging_report, bitmap, 24, 8, __u64, 8);

CHECK_STRUCT(vfio_device_feature_mig_data_size, 8, 8);
CHECK_FIELD(vfio_device_feature_mig_data_size, stop_copy_length, 0, 8, __u64,
	    8);

CHECK_STRUCT(vfio_device_feature_bus_master, 4, 4);
CHECK_FIELD(vfio_device_feature_bus_master, op, 0, 4, __u32, 4);

CHECK_STRUCT(vfio_iommu_type1_info, 24, 8);
CHECK_FIELD(vfio_iommu_type1_info, argsz, 0, 4, __u32, 4);
CHECK_FIELD(vfio_iommu_type1_info, flags, 4, 4, __u32, 4);
CHECK_FIELD(vfio_iommu_type1_info, iova_pgsizes, 8, 8, __u64, 8);
CHECK_FIELD(vfio_iommu_type1_info, cap_offset, 16, 4, __u32, 4);
CHECK_FIELD(vfio_iommu_type1_info, pad, 20, 4, __u32, 4);

CHECK_STRUCT(vfio_iommu_type1_info_dma_avail, 12, 4);
CHECK_FIELD(vfio_iommu_type1_info_dma_avail, header, 0, 8,
	    struct vfio_info_cap_header, 4);
CHECK_FIELD(vfio_iommu_type1_info_dma_avail, avail, 8, 4, __u32, 4);

CHECK_STRUCT(vfio_iommu_type1_dirty_bitmap, 8, 4);
CHECK_FIELD(vfio_iommu_type1_dirty_bitmap, argsz, 0, 4, __u32, 4);
CHECK_FIELD(vfio_iommu_type1_dirty_bitmap, flags, 4, 4, __u32, 4);
CHECK_FLEX(vfio_iommu_type1_dirty_bitmap, data, 8, __u8, 1, 1);

/*
 * Structs with a plain __u64 (4-byte aligned on 32-bit x86) or a pointer:
 * these numbers hold on 64-bit (LP64) ABIs only.
 */
#ifdef __LP64__

CHECK_STRUCT(vfio_region_dma_range, 16, 8);
CHECK_FIELD(vfio_region_dma_range, offset, 0, 8, __u64, 8);
CHECK_FIELD(vfio_region_dma_range, length, 8, 8, __u64, 8);

CHECK_STRUCT(vfio_device_feature_dma_buf, 16, 8);
CHECK_FIELD(vfio_device_feature_dma_buf, region_index, 0, 4, __u32, 4);
CHECK_FIELD(vfio_device_feature_dma_buf, open_flags, 4, 4, __u32, 4);
CHECK_FIELD(vfio_device_feature_dma_buf, flags, 8, 4, __u32, 4);
CHECK_FIELD(vfio_device_feature_dma_buf, nr_ranges, 12, 4, __u32, 4);
CHECK_FLEX(vfio_device_feature_dma_buf, dma_ranges, 16,
	   struct vfio_region_dma_range, 16, 8);

CHECK_STRUCT(vfio_iova_range, 16, 8);
CHECK_FIELD(vfio_iova_range, start, 0, 8, __u64, 8);
CHECK_FIELD(vfio_iova_range, end, 8, 8, __u64, 8);

CHECK_STRUCT(vfio_iommu_type1_info_cap_iova_range, 16, 8);
CHECK_FIELD(vfio_iommu_type1_info_cap_iova_range, header, 0, 8,
	    struct vfio_info_cap_header, 4);
CHECK_FIELD(vfio_iommu_type1_info_cap_iova_range, nr_iovas, 8, 4, __u32, 4);
CHECK_FIELD(vfio_iommu_type1_info_cap_iova_range, reserved, 12, 4, __u32, 4);
CHECK_FLEX(vfio_iommu_type1_info_cap_iova_range, iova_ranges, 16,
	   struct vfio_iova_range, 16, 8);

CHECK_STRUCT(vfio_iommu_type1_info_cap_migration, 32, 8);
CHECK_FIELD(vfio_iommu_type1_info_cap_migration, header, 0, 8,
	    struct vfio_info_cap_header, 4);
CHECK_FIELD(vfio_iommu_type1_info_cap_migration, flags, 8, 4, __u32, 4);
CHECK_FIELD(vfio_iommu_type1_info_cap_migration, pgsize_bitmap, 16, 8, __u64,
	    8);
CHECK_FIELD(vfio_iommu_type1_info_cap_migration, max_dirty_bitmap_size, 24, 8,
	    __u64, 8);

CHECK_STRUCT(vfio_iommu_type1_dma_map, 32, 8);
CHECK_FIELD(vfio_iommu_type1_dma_map, argsz, 0, 4, __u32, 4);
CHECK_FIELD(vfio_iommu_type1_dma_map, flags, 4, 4, __u32, 4);
CHECK_FIELD(vfio_iommu_type1_dma_map, vaddr, 8, 8, __u64, 8);
CHECK_FIELD(vfio_iommu_type1_dma_map, iova, 16, 8, __u64, 8);
CHECK_FIELD(vfio_iommu_type1_dma_map, size, 24, 8, __u64, 8);

CHECK_STRUCT(vfio_bitmap, 24, 8);
CHECK_FIELD(vfio_bitmap, pgsize, 0, 8, __u64, 8);
CHECK_FIELD(vfio_bitmap, size, 8, 8, __u64, 8);
CHECK_FIELD(vfio_bitmap, data, 16, 8, __u64 *, 8);

CHECK_STRUCT(vfio_iommu_type1_dma_unmap, 24, 8);
CHECK_FIELD(vfio_iommu_type1_dma_unmap, argsz, 0, 4, __u32, 4);
CHECK_FIELD(vfio_iommu_type1_dma_unmap, flags, 4, 4, __u32, 4);
CHECK_FIELD(vfio_iommu_type1_dma_unmap, iova, 8, 8, __u64, 8);
CHECK_FIELD(vfio_iommu_type1_dma_unmap, size, 16, 8, __u64, 8);
CHECK_FLEX(vfio_iommu_type1_dma_unmap, data, 24, __u8, 1, 1);

CHECK_STRUCT(vfio_iommu_type1_dirty_bitmap_get, 40, 8);
CHECK_FIELD(vfio_iommu_type1_dirty_bitmap_get, iova, 0, 8, __u64, 8);
CHECK_FIELD(vfio_iommu_type1_dirty_bitmap_get, size, 8, 8, __u64, 8);
CHECK_FIELD(vfio_iommu_type1_dirty_bitmap_get, bitmap, 16, 24,
	    struct vfio_bitmap, 8);

#endif /* __LP64__ */
