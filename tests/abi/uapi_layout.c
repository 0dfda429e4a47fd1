/* SPDX-License-Identifier: MIT */
/*
 * Compile-time pin of the uAPI layout of <uiommufd/iommufd.h> and of the
 * test uAPI <uiommufd/iommufd_test.h>.
 *
 * Every number below was measured by compiling against the Linux 7.2
 * <linux/iommufd.h> and drivers/iommu/iommufd/iommufd_test.h on x86_64. All
 * 64-bit members of the uAPI carry an explicit 8-byte alignment, so the layout
 * is meant to be the same on every Linux ABI. If this file stops compiling, the
 * header no longer matches the kernel's binary interface: fix the header, not
 * the numbers.
 *
 * Build: cc -std=gnu11 -I include -c tests/abi/uapi_layout.c
 */
#include <stddef.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/iommufd_test.h>

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
 * offset, size and alignment of a member whose type has no name (a struct
 * declared inside a union); its own members are pinned with CHECK_FIELD,
 * naming them as outer.inner
 */
#define CHECK_SUBSTRUCT(s, f, off, size, align)                                \
	_Static_assert(offsetof(struct s, f) == (off), "offsetof " #s "." #f); \
	_Static_assert(sizeof(((struct s *)0)->f) == (size),                   \
		       "sizeof " #s "." #f);                                   \
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

/* Command numbers */

CHECK_VALUE(IOMMUFD_TYPE, 0x3b);
CHECK_VALUE(IOMMUFD_CMD_BASE, 0x80);
CHECK_VALUE(IOMMUFD_CMD_DESTROY, 0x80);
CHECK_VALUE(IOMMUFD_CMD_IOAS_ALLOC, 0x81);
CHECK_VALUE(IOMMUFD_CMD_IOAS_ALLOW_IOVAS, 0x82);
CHECK_VALUE(IOMMUFD_CMD_IOAS_COPY, 0x83);
CHECK_VALUE(IOMMUFD_CMD_IOAS_IOVA_RANGES, 0x84);
CHECK_VALUE(IOMMUFD_CMD_IOAS_MAP, 0x85);
CHECK_VALUE(IOMMUFD_CMD_IOAS_UNMAP, 0x86);
CHECK_VALUE(IOMMUFD_CMD_OPTION, 0x87);
CHECK_VALUE(IOMMUFD_CMD_VFIO_IOAS, 0x88);
CHECK_VALUE(IOMMUFD_CMD_HWPT_ALLOC, 0x89);
CHECK_VALUE(IOMMUFD_CMD_GET_HW_INFO, 0x8a);
CHECK_VALUE(IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING, 0x8b);
CHECK_VALUE(IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP, 0x8c);
CHECK_VALUE(IOMMUFD_CMD_HWPT_INVALIDATE, 0x8d);
CHECK_VALUE(IOMMUFD_CMD_FAULT_QUEUE_ALLOC, 0x8e);
CHECK_VALUE(IOMMUFD_CMD_IOAS_MAP_FILE, 0x8f);
CHECK_VALUE(IOMMUFD_CMD_VIOMMU_ALLOC, 0x90);
CHECK_VALUE(IOMMUFD_CMD_VDEVICE_ALLOC, 0x91);
CHECK_VALUE(IOMMUFD_CMD_IOAS_CHANGE_PROCESS, 0x92);
CHECK_VALUE(IOMMUFD_CMD_VEVENTQ_ALLOC, 0x93);
CHECK_VALUE(IOMMUFD_CMD_HW_QUEUE_ALLOC, 0x94);

/* ioctl numbers */

CHECK_IOCTL(IOMMU_DESTROY, 0x3b80);
CHECK_IOCTL(IOMMU_IOAS_ALLOC, 0x3b81);
CHECK_IOCTL(IOMMU_IOAS_IOVA_RANGES, 0x3b84);
CHECK_IOCTL(IOMMU_IOAS_ALLOW_IOVAS, 0x3b82);
CHECK_IOCTL(IOMMU_IOAS_MAP, 0x3b85);
CHECK_IOCTL(IOMMU_IOAS_MAP_FILE, 0x3b8f);
CHECK_IOCTL(IOMMU_IOAS_COPY, 0x3b83);
CHECK_IOCTL(IOMMU_IOAS_UNMAP, 0x3b86);
CHECK_IOCTL(IOMMU_IOAS_CHANGE_PROCESS, 0x3b92);
CHECK_IOCTL(IOMMU_OPTION, 0x3b87);
CHECK_IOCTL(IOMMU_VFIO_IOAS, 0x3b88);
CHECK_IOCTL(IOMMU_GET_HW_INFO, 0x3b8a);
CHECK_IOCTL(IOMMU_HWPT_ALLOC, 0x3b89);
CHECK_IOCTL(IOMMU_HWPT_SET_DIRTY_TRACKING, 0x3b8b);
CHECK_IOCTL(IOMMU_HWPT_GET_DIRTY_BITMAP, 0x3b8c);
CHECK_IOCTL(IOMMU_HWPT_INVALIDATE, 0x3b8d);
CHECK_IOCTL(IOMMU_FAULT_QUEUE_ALLOC, 0x3b8e);
CHECK_IOCTL(IOMMU_VIOMMU_ALLOC, 0x3b90);
CHECK_IOCTL(IOMMU_VDEVICE_ALLOC, 0x3b91);
CHECK_IOCTL(IOMMU_VEVENTQ_ALLOC, 0x3b93);
CHECK_IOCTL(IOMMU_HW_QUEUE_ALLOC, 0x3b94);

/* Other constants (every enumerator of the uAPI) */

/* enum iommufd_ioas_map_flags */
CHECK_VALUE(IOMMU_IOAS_MAP_FIXED_IOVA, 1);
CHECK_VALUE(IOMMU_IOAS_MAP_WRITEABLE, 2);
CHECK_VALUE(IOMMU_IOAS_MAP_READABLE, 4);

/* enum iommufd_option */
CHECK_VALUE(IOMMU_OPTION_RLIMIT_MODE, 0);
CHECK_VALUE(IOMMU_OPTION_HUGE_PAGES, 1);

/* enum iommufd_option_ops */
CHECK_VALUE(IOMMU_OPTION_OP_SET, 0);
CHECK_VALUE(IOMMU_OPTION_OP_GET, 1);

/* enum iommufd_vfio_ioas_op */
CHECK_VALUE(IOMMU_VFIO_IOAS_GET, 0);
CHECK_VALUE(IOMMU_VFIO_IOAS_SET, 1);
CHECK_VALUE(IOMMU_VFIO_IOAS_CLEAR, 2);

/* enum iommufd_hwpt_alloc_flags */
CHECK_VALUE(IOMMU_HWPT_ALLOC_NEST_PARENT, 1);
CHECK_VALUE(IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 2);
CHECK_VALUE(IOMMU_HWPT_FAULT_ID_VALID, 4);
CHECK_VALUE(IOMMU_HWPT_ALLOC_PASID, 8);

/* enum iommu_hwpt_vtd_s1_flags */
CHECK_VALUE(IOMMU_VTD_S1_SRE, 1);
CHECK_VALUE(IOMMU_VTD_S1_EAFE, 2);
CHECK_VALUE(IOMMU_VTD_S1_WPE, 4);

/* enum iommu_hwpt_data_type */
CHECK_VALUE(IOMMU_HWPT_DATA_NONE, 0);
CHECK_VALUE(IOMMU_HWPT_DATA_VTD_S1, 1);
CHECK_VALUE(IOMMU_HWPT_DATA_ARM_SMMUV3, 2);
CHECK_VALUE(IOMMU_HWPT_DATA_AMD_GUEST, 3);

/* enum iommu_hw_info_vtd_flags */
CHECK_VALUE(IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17, 1);

/* enum iommu_hw_info_type */
CHECK_VALUE(IOMMU_HW_INFO_TYPE_NONE, 0);
CHECK_VALUE(IOMMU_HW_INFO_TYPE_DEFAULT, 0);
CHECK_VALUE(IOMMU_HW_INFO_TYPE_INTEL_VTD, 1);
CHECK_VALUE(IOMMU_HW_INFO_TYPE_ARM_SMMUV3, 2);
CHECK_VALUE(IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV, 3);
CHECK_VALUE(IOMMU_HW_INFO_TYPE_AMD, 4);

/* enum iommufd_hw_capabilities */
CHECK_VALUE(IOMMU_HW_CAP_DIRTY_TRACKING, 1);
CHECK_VALUE(IOMMU_HW_CAP_PCI_PASID_EXEC, 2);
CHECK_VALUE(IOMMU_HW_CAP_PCI_PASID_PRIV, 4);
CHECK_VALUE(IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED, 8);

/* enum iommufd_hw_info_flags */
CHECK_VALUE(IOMMU_HW_INFO_FLAG_INPUT_TYPE, 1);

/* enum iommufd_hwpt_set_dirty_tracking_flags */
CHECK_VALUE(IOMMU_HWPT_DIRTY_TRACKING_ENABLE, 1);

/* enum iommufd_hwpt_get_dirty_bitmap_flags */
CHECK_VALUE(IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR, 1);

/* enum iommu_hwpt_invalidate_data_type */
CHECK_VALUE(IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, 0);
CHECK_VALUE(IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3, 1);

/* enum iommu_hwpt_vtd_s1_invalidate_flags */
CHECK_VALUE(IOMMU_VTD_INV_FLAGS_LEAF, 1);

/* enum iommu_hwpt_pgfault_flags */
CHECK_VALUE(IOMMU_PGFAULT_FLAGS_PASID_VALID, 1);
CHECK_VALUE(IOMMU_PGFAULT_FLAGS_LAST_PAGE, 2);

/* enum iommu_hwpt_pgfault_perm */
CHECK_VALUE(IOMMU_PGFAULT_PERM_READ, 1);
CHECK_VALUE(IOMMU_PGFAULT_PERM_WRITE, 2);
CHECK_VALUE(IOMMU_PGFAULT_PERM_EXEC, 4);
CHECK_VALUE(IOMMU_PGFAULT_PERM_PRIV, 8);

/* enum iommufd_page_response_code */
CHECK_VALUE(IOMMUFD_PAGE_RESP_SUCCESS, 0);
CHECK_VALUE(IOMMUFD_PAGE_RESP_INVALID, 1);

/* enum iommu_viommu_type */
CHECK_VALUE(IOMMU_VIOMMU_TYPE_DEFAULT, 0);
CHECK_VALUE(IOMMU_VIOMMU_TYPE_ARM_SMMUV3, 1);
CHECK_VALUE(IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV, 2);

/* enum iommu_veventq_flag */
CHECK_VALUE(IOMMU_VEVENTQ_FLAG_LOST_EVENTS, 1);

/* enum iommu_veventq_type */
CHECK_VALUE(IOMMU_VEVENTQ_TYPE_DEFAULT, 0);
CHECK_VALUE(IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, 1);
CHECK_VALUE(IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV, 2);

/* enum iommu_hw_queue_type */
CHECK_VALUE(IOMMU_HW_QUEUE_TYPE_DEFAULT, 0);
CHECK_VALUE(IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV, 1);

/*
 * Structs: CHECK_STRUCT(name, sizeof, alignof), then
 * CHECK_FIELD(struct, member, offsetof, sizeof, type, alignof) per member.
 */

/* --- Command numbers --- */

/* --- Any object --- */

CHECK_STRUCT(iommu_destroy, 8, 4);
CHECK_FIELD(iommu_destroy, size, 0, 4, __u32, 4);
CHECK_FIELD(iommu_destroy, id, 4, 4, __u32, 4);

/* --- IO address spaces (IOAS) --- */

CHECK_STRUCT(iommu_ioas_alloc, 12, 4);
CHECK_FIELD(iommu_ioas_alloc, size, 0, 4, __u32, 4);
CHECK_FIELD(iommu_ioas_alloc, flags, 4, 4, __u32, 4);
CHECK_FIELD(iommu_ioas_alloc, out_ioas_id, 8, 4, __u32, 4);

CHECK_STRUCT(iommu_iova_range, 16, 8);
CHECK_FIELD(iommu_iova_range, start, 0, 8, __u64, 8);
CHECK_FIELD(iommu_iova_range, last, 8, 8, __u64, 8);

CHECK_STRUCT(iommu_ioas_iova_ranges, 32, 8);
CHECK_FIELD(iommu_ioas_iova_ranges, size, 0, 4, __u32, 4);
CHECK_FIELD(iommu_ioas_iova_ranges, ioas_id, 4, 4, __u32, 4);
CHECK_FIELD(iommu_ioas_iova_ranges, num_iovas, 8, 4, __u32, 4);
CHECK_FIELD(iommu_ioas_iova_ranges, __reserved, 12, 4, __u32, 4);
CHECK_FIELD(iommu_ioas_iova_ranges, allowed_iovas, 16, 8, __u64, 8);
CHECK_FIELD(iommu_ioas_iova_ranges, out_iova_alignment, 24, 8, __u64, 8);

CHECK_STRUCT(iommu_ioas_allow_iovas, 24, 8);
CHECK_FIELD(iommu_ioas_allow_iovas, size, 0, 4, __u32, 4);
CHECK_FIELD(iommu_ioas_allow_iovas, ioas_id, 4, 4, __u32, 4);
CHECK_FIELD(iommu_ioas_allow_iovas, num_iovas, 8, 4, __u32, 4);
CHECK_FIELD(iommu_ioas_allow_iovas, __reserved, 12, 4, __u32, 4);
CHECK_FIELD(iommu_ioas_allow_iovas, allowed_iovas, 16, 8, __u64, 8);

CHECK_STRUCT(iommu_ioas_map, 40, 8);
CHECK_FIELD(iommu_ioas_map, size, 0, 4, __u32, 4);
CHECK_FIELD(iommu_ioas_map, flags, 4, 4, __u32, 4);
CHECK_FIELD(iommu_ioas_map, ioas_id, 8, 4, __u32, 4);
CHECK_FIELD(iommu_ioas_map, __reserved, 12, 4, __u32, 4);
CHECK_FIELD(iommu_ioas_map, user_va, 16, 8, __u64, 8);
CHECK_FIELD(iommu_ioas_map, length, 24, 8, __u64, 8);
CHECK_FIELD(iommu_ioas_map, iova, 32, 8, __u64, 8);

CHECK_STRUCT(iommu_ioas_map_file, 40, 8);
CHECK_FIELD(iommu_ioas_map_file, size, 0, 4, __u32, 4);
CHECK_FIELD(iommu_ioas_map_file, flags, 4, 4, __u32, 4);
CHECK_FIELD(iommu_ioas_map_file, ioas_id, 8, 4, __u32, 4);
CHECK_FIELD(iommu_ioas_map_file, fd, 12, 4, __s32, 4);
CHECK_FIELD(iommu_ioas_map_file, start, 16, 8, __u64, 8);
CHECK_FIELD(iommu_ioas_map_file, length, 24, 8, __u64, 8);
CHECK_FIELD(iommu_ioas_map_file, iova, 32, 8, __u64, 8);

CHECK_STRUCT(iommu_ioas_copy, 40, 8);
CHECK_FIELD(iommu_ioas_copy, size, 0, 4, __u32, 4);
CHECK_FIELD(iommu_ioas_copy, flags, 4, 4, __u32, 4);
CHECK_FIELD(iommu_ioas_copy, dst_ioas_id, 8, 4, __u32, 4);
CHECK_FIELD(iommu_ioas_copy, src_ioas_id, 12, 4, __u32, 4);
CHECK_FIELD(iommu_ioas_copy, length, 16, 8, __u64, 8);
CHECK_FIELD(iommu_ioas_copy, dst_iova, 24, 8, __u64, 8);
CHECK_FIELD(iommu_ioas_copy, src_iova, 32, 8, __u64, 8);

CHECK_STRUCT(iommu_ioas_unmap, 24, 8);
CHECK_FIELD(iommu_ioas_unmap, size, 0, 4, __u32, 4);
CHECK_FIELD(iommu_ioas_unmap, ioas_id, 4, 4, __u32, 4);
CHECK_FIELD(iommu_ioas_unmap, iova, 8, 8, __u64, 8);
CHECK_FIELD(iommu_ioas_unmap, length, 16, 8, __u64, 8);

CHECK_STRUCT(iommu_ioas_change_process, 8, 4);
CHECK_FIELD(iommu_ioas_change_process, size, 0, 4, __u32, 4);
CHECK_FIELD(iommu_ioas_change_process, __reserved, 4, 4, __u32, 4);

/* --- Options --- */

CHECK_STRUCT(iommu_option, 24, 8);
CHECK_FIELD(iommu_option, size, 0, 4, __u32, 4);
CHECK_FIELD(iommu_option, option_id, 4, 4, __u32, 4);
CHECK_FIELD(iommu_option, op, 8, 2, __u16, 2);
CHECK_FIELD(iommu_option, __reserved, 10, 2, __u16, 2);
CHECK_FIELD(iommu_option, object_id, 12, 4, __u32, 4);
CHECK_FIELD(iommu_option, val64, 16, 8, __u64, 8);

/* --- VFIO container compatibility --- */

CHECK_STRUCT(iommu_vfio_ioas, 12, 4);
CHECK_FIELD(iommu_vfio_ioas, size, 0, 4, __u32, 4);
CHECK_FIELD(iommu_vfio_ioas, ioas_id, 4, 4, __u32, 4);
CHECK_FIELD(iommu_vfio_ioas, op, 8, 2, __u16, 2);
CHECK_FIELD(iommu_vfio_ioas, __reserved, 10, 2, __u16, 2);

/* --- Hardware information --- */

CHECK_STRUCT(iommu_hw_info_vtd, 24, 8);
CHECK_FIELD(iommu_hw_info_vtd, flags, 0, 4, __u32, 4);
CHECK_FIELD(iommu_hw_info_vtd, __reserved, 4, 4, __u32, 4);
CHECK_FIELD(iommu_hw_info_vtd, cap_reg, 8, 8, __u64, 8);
CHECK_FIELD(iommu_hw_info_vtd, ecap_reg, 16, 8, __u64, 8);

CHECK_STRUCT(iommu_hw_info_arm_smmuv3, 40, 4);
CHECK_FIELD(iommu_hw_info_arm_smmuv3, flags, 0, 4, __u32, 4);
CHECK_FIELD(iommu_hw_info_arm_smmuv3, __reserved, 4, 4, __u32, 4);
CHECK_FIELD(iommu_hw_info_arm_smmuv3, idr, 8, 24, __u32[6], 4);
CHECK_FIELD(iommu_hw_info_arm_smmuv3, iidr, 32, 4, __u32, 4);
CHECK_FIELD(iommu_hw_info_arm_smmuv3, aidr, 36, 4, __u32, 4);

CHECK_STRUCT(iommu_hw_info_tegra241_cmdqv, 8, 4);
CHECK_FIELD(iommu_hw_info_tegra241_cmdqv, flags, 0, 4, __u32, 4);
CHECK_FIELD(iommu_hw_info_tegra241_cmdqv, version, 4, 1, __u8, 1);
CHECK_FIELD(iommu_hw_info_tegra241_cmdqv, log2vcmdqs, 5, 1, __u8, 1);
CHECK_FIELD(iommu_hw_info_tegra241_cmdqv, log2vsids, 6, 1, __u8, 1);
CHECK_FIELD(iommu_hw_info_tegra241_cmdqv, __reserved, 7, 1, __u8, 1);

CHECK_STRUCT(iommu_hw_info_amd, 16, 8);
CHECK_FIELD(iommu_hw_info_amd, efr, 0, 8, __u64, 8);
CHECK_FIELD(iommu_hw_info_amd, efr2, 8, 8, __u64, 8);

CHECK_STRUCT(iommu_hw_info, 40, 8);
CHECK_FIELD(iommu_hw_info, size, 0, 4, __u32, 4);
CHECK_FIELD(iommu_hw_info, flags, 4, 4, __u32, 4);
CHECK_FIELD(iommu_hw_info, dev_id, 8, 4, __u32, 4);
CHECK_FIELD(iommu_hw_info, data_len, 12, 4, __u32, 4);
CHECK_FIELD(iommu_hw_info, data_uptr, 16, 8, __u64, 8);
CHECK_FIELD(iommu_hw_info, in_data_type, 24, 4, __u32, 4);
CHECK_FIELD(iommu_hw_info, out_data_type, 24, 4, __u32, 4);
CHECK_FIELD(iommu_hw_info, out_max_pasid_log2, 28, 1, __u8, 1);
CHECK_FIELD(iommu_hw_info, __reserved, 29, 3, __u8[3], 1);
CHECK_FIELD(iommu_hw_info, out_capabilities, 32, 8, __u64, 8);

/* --- Hardware page tables (HWPT) --- */

CHECK_STRUCT(iommu_hwpt_vtd_s1, 24, 8);
CHECK_FIELD(iommu_hwpt_vtd_s1, flags, 0, 8, __u64, 8);
CHECK_FIELD(iommu_hwpt_vtd_s1, pgtbl_addr, 8, 8, __u64, 8);
CHECK_FIELD(iommu_hwpt_vtd_s1, addr_width, 16, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_vtd_s1, __reserved, 20, 4, __u32, 4);

CHECK_STRUCT(iommu_hwpt_arm_smmuv3, 16, 8);
CHECK_FIELD(iommu_hwpt_arm_smmuv3, ste, 0, 16, __le64[2], 8);

CHECK_STRUCT(iommu_hwpt_amd_guest, 32, 8);
CHECK_FIELD(iommu_hwpt_amd_guest, dte, 0, 32, __u64[4], 8);

CHECK_STRUCT(iommu_hwpt_alloc, 48, 8);
CHECK_FIELD(iommu_hwpt_alloc, size, 0, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_alloc, flags, 4, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_alloc, dev_id, 8, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_alloc, pt_id, 12, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_alloc, out_hwpt_id, 16, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_alloc, __reserved, 20, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_alloc, data_type, 24, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_alloc, data_len, 28, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_alloc, data_uptr, 32, 8, __u64, 8);
CHECK_FIELD(iommu_hwpt_alloc, fault_id, 40, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_alloc, __reserved2, 44, 4, __u32, 4);

/* --- Dirty tracking --- */

CHECK_STRUCT(iommu_hwpt_set_dirty_tracking, 16, 4);
CHECK_FIELD(iommu_hwpt_set_dirty_tracking, size, 0, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_set_dirty_tracking, flags, 4, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_set_dirty_tracking, hwpt_id, 8, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_set_dirty_tracking, __reserved, 12, 4, __u32, 4);

CHECK_STRUCT(iommu_hwpt_get_dirty_bitmap, 48, 8);
CHECK_FIELD(iommu_hwpt_get_dirty_bitmap, size, 0, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_get_dirty_bitmap, hwpt_id, 4, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_get_dirty_bitmap, flags, 8, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_get_dirty_bitmap, __reserved, 12, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_get_dirty_bitmap, iova, 16, 8, __u64, 8);
CHECK_FIELD(iommu_hwpt_get_dirty_bitmap, length, 24, 8, __u64, 8);
CHECK_FIELD(iommu_hwpt_get_dirty_bitmap, page_size, 32, 8, __u64, 8);
CHECK_FIELD(iommu_hwpt_get_dirty_bitmap, data, 40, 8, __u64, 8);

/* --- Cache invalidation of nested translation --- */

CHECK_STRUCT(iommu_hwpt_vtd_s1_invalidate, 24, 8);
CHECK_FIELD(iommu_hwpt_vtd_s1_invalidate, addr, 0, 8, __u64, 8);
CHECK_FIELD(iommu_hwpt_vtd_s1_invalidate, npages, 8, 8, __u64, 8);
CHECK_FIELD(iommu_hwpt_vtd_s1_invalidate, flags, 16, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_vtd_s1_invalidate, __reserved, 20, 4, __u32, 4);

CHECK_STRUCT(iommu_viommu_arm_smmuv3_invalidate, 16, 8);
CHECK_FIELD(iommu_viommu_arm_smmuv3_invalidate, cmd, 0, 16, __le64[2], 8);

CHECK_STRUCT(iommu_hwpt_invalidate, 32, 8);
CHECK_FIELD(iommu_hwpt_invalidate, size, 0, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_invalidate, hwpt_id, 4, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_invalidate, data_uptr, 8, 8, __u64, 8);
CHECK_FIELD(iommu_hwpt_invalidate, data_type, 16, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_invalidate, entry_len, 20, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_invalidate, entry_num, 24, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_invalidate, __reserved, 28, 4, __u32, 4);

/* --- I/O page faults --- */

CHECK_STRUCT(iommu_hwpt_pgfault, 40, 8);
CHECK_FIELD(iommu_hwpt_pgfault, flags, 0, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_pgfault, dev_id, 4, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_pgfault, pasid, 8, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_pgfault, grpid, 12, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_pgfault, perm, 16, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_pgfault, __reserved, 20, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_pgfault, addr, 24, 8, __u64, 8);
CHECK_FIELD(iommu_hwpt_pgfault, length, 32, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_pgfault, cookie, 36, 4, __u32, 4);

CHECK_STRUCT(iommu_hwpt_page_response, 8, 4);
CHECK_FIELD(iommu_hwpt_page_response, cookie, 0, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_page_response, code, 4, 4, __u32, 4);

CHECK_STRUCT(iommu_fault_alloc, 16, 4);
CHECK_FIELD(iommu_fault_alloc, size, 0, 4, __u32, 4);
CHECK_FIELD(iommu_fault_alloc, flags, 4, 4, __u32, 4);
CHECK_FIELD(iommu_fault_alloc, out_fault_id, 8, 4, __u32, 4);
CHECK_FIELD(iommu_fault_alloc, out_fault_fd, 12, 4, __u32, 4);

/* --- Virtual IOMMUs and virtual devices --- */

CHECK_STRUCT(iommu_viommu_tegra241_cmdqv, 16, 8);
CHECK_FIELD(iommu_viommu_tegra241_cmdqv, out_vintf_mmap_offset, 0, 8, __u64, 8);
CHECK_FIELD(iommu_viommu_tegra241_cmdqv, out_vintf_mmap_length, 8, 8, __u64, 8);

CHECK_STRUCT(iommu_viommu_alloc, 40, 8);
CHECK_FIELD(iommu_viommu_alloc, size, 0, 4, __u32, 4);
CHECK_FIELD(iommu_viommu_alloc, flags, 4, 4, __u32, 4);
CHECK_FIELD(iommu_viommu_alloc, type, 8, 4, __u32, 4);
CHECK_FIELD(iommu_viommu_alloc, dev_id, 12, 4, __u32, 4);
CHECK_FIELD(iommu_viommu_alloc, hwpt_id, 16, 4, __u32, 4);
CHECK_FIELD(iommu_viommu_alloc, out_viommu_id, 20, 4, __u32, 4);
CHECK_FIELD(iommu_viommu_alloc, data_len, 24, 4, __u32, 4);
CHECK_FIELD(iommu_viommu_alloc, __reserved, 28, 4, __u32, 4);
CHECK_FIELD(iommu_viommu_alloc, data_uptr, 32, 8, __u64, 8);

CHECK_STRUCT(iommu_vdevice_alloc, 24, 8);
CHECK_FIELD(iommu_vdevice_alloc, size, 0, 4, __u32, 4);
CHECK_FIELD(iommu_vdevice_alloc, viommu_id, 4, 4, __u32, 4);
CHECK_FIELD(iommu_vdevice_alloc, dev_id, 8, 4, __u32, 4);
CHECK_FIELD(iommu_vdevice_alloc, out_vdevice_id, 12, 4, __u32, 4);
CHECK_FIELD(iommu_vdevice_alloc, virt_id, 16, 8, __u64, 8);

/* --- Virtual event queues (vEVENTQ) --- */

CHECK_STRUCT(iommufd_vevent_header, 8, 4);
CHECK_FIELD(iommufd_vevent_header, flags, 0, 4, __u32, 4);
CHECK_FIELD(iommufd_vevent_header, sequence, 4, 4, __u32, 4);

CHECK_STRUCT(iommu_vevent_arm_smmuv3, 32, 8);
CHECK_FIELD(iommu_vevent_arm_smmuv3, evt, 0, 32, __le64[4], 8);

CHECK_STRUCT(iommu_vevent_tegra241_cmdqv, 16, 8);
CHECK_FIELD(iommu_vevent_tegra241_cmdqv, lvcmdq_err_map, 0, 16, __le64[2], 8);

CHECK_STRUCT(iommu_veventq_alloc, 32, 4);
CHECK_FIELD(iommu_veventq_alloc, size, 0, 4, __u32, 4);
CHECK_FIELD(iommu_veventq_alloc, flags, 4, 4, __u32, 4);
CHECK_FIELD(iommu_veventq_alloc, viommu_id, 8, 4, __u32, 4);
CHECK_FIELD(iommu_veventq_alloc, type, 12, 4, __u32, 4);
CHECK_FIELD(iommu_veventq_alloc, veventq_depth, 16, 4, __u32, 4);
CHECK_FIELD(iommu_veventq_alloc, out_veventq_id, 20, 4, __u32, 4);
CHECK_FIELD(iommu_veventq_alloc, out_veventq_fd, 24, 4, __u32, 4);
CHECK_FIELD(iommu_veventq_alloc, __reserved, 28, 4, __u32, 4);

/* --- Hardware-accelerated queues --- */

CHECK_STRUCT(iommu_hw_queue_alloc, 40, 8);
CHECK_FIELD(iommu_hw_queue_alloc, size, 0, 4, __u32, 4);
CHECK_FIELD(iommu_hw_queue_alloc, flags, 4, 4, __u32, 4);
CHECK_FIELD(iommu_hw_queue_alloc, viommu_id, 8, 4, __u32, 4);
CHECK_FIELD(iommu_hw_queue_alloc, type, 12, 4, __u32, 4);
CHECK_FIELD(iommu_hw_queue_alloc, index, 16, 4, __u32, 4);
CHECK_FIELD(iommu_hw_queue_alloc, out_hw_queue_id, 20, 4, __u32, 4);
CHECK_FIELD(iommu_hw_queue_alloc, nesting_parent_iova, 24, 8, __u64, 8);
CHECK_FIELD(iommu_hw_queue_alloc, length, 32, 8, __u64, 8);

/* ===================================================================== */
/* The test uAPI: <uiommufd/iommufd_test.h>                              */
/* ===================================================================== */

CHECK_IOCTL(IOMMU_TEST_CMD, 0x3ba0);

/* IOMMU_TEST_OP_* */
CHECK_VALUE(IOMMU_TEST_OP_ADD_RESERVED, 1);
CHECK_VALUE(IOMMU_TEST_OP_MOCK_DOMAIN, 2);
CHECK_VALUE(IOMMU_TEST_OP_MD_CHECK_MAP, 3);
CHECK_VALUE(IOMMU_TEST_OP_MD_CHECK_REFS, 4);
CHECK_VALUE(IOMMU_TEST_OP_CREATE_ACCESS, 5);
CHECK_VALUE(IOMMU_TEST_OP_DESTROY_ACCESS_PAGES, 6);
CHECK_VALUE(IOMMU_TEST_OP_ACCESS_PAGES, 7);
CHECK_VALUE(IOMMU_TEST_OP_ACCESS_RW, 8);
CHECK_VALUE(IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT, 9);
CHECK_VALUE(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, 10);
CHECK_VALUE(IOMMU_TEST_OP_ACCESS_REPLACE_IOAS, 11);
CHECK_VALUE(IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS, 12);
CHECK_VALUE(IOMMU_TEST_OP_DIRTY, 13);
CHECK_VALUE(IOMMU_TEST_OP_MD_CHECK_IOTLB, 14);
CHECK_VALUE(IOMMU_TEST_OP_TRIGGER_IOPF, 15);
CHECK_VALUE(IOMMU_TEST_OP_DEV_CHECK_CACHE, 16);
CHECK_VALUE(IOMMU_TEST_OP_TRIGGER_VEVENT, 17);
CHECK_VALUE(IOMMU_TEST_OP_PASID_ATTACH, 18);
CHECK_VALUE(IOMMU_TEST_OP_PASID_REPLACE, 19);
CHECK_VALUE(IOMMU_TEST_OP_PASID_DETACH, 20);
CHECK_VALUE(IOMMU_TEST_OP_PASID_CHECK_HWPT, 21);
CHECK_VALUE(IOMMU_TEST_OP_DMABUF_GET, 22);
CHECK_VALUE(IOMMU_TEST_OP_DMABUF_REVOKE, 23);

/* mock page-table formats */
CHECK_VALUE(MOCK_IOMMUPT_DEFAULT, 0);
CHECK_VALUE(MOCK_IOMMUPT_HUGE, 1);

/* mock domain geometry */
CHECK_VALUE(MOCK_APERTURE_START, 0x1000000);
CHECK_VALUE(MOCK_APERTURE_LAST, 0x7fffffff);
CHECK_VALUE(MOCK_PAGE_SIZE, 2048);
CHECK_VALUE(MOCK_HUGE_PAGE_SIZE, 0x100000);

/* access flags */
CHECK_VALUE(MOCK_FLAGS_ACCESS_WRITE, 1);
CHECK_VALUE(MOCK_FLAGS_ACCESS_SYZ, 0x10000);
CHECK_VALUE(MOCK_ACCESS_RW_WRITE, 1);
CHECK_VALUE(MOCK_ACCESS_RW_SLOW_PATH, 4);
CHECK_VALUE(MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, 1);

/* mock device flags */
CHECK_VALUE(MOCK_FLAGS_DEVICE_NO_DIRTY, 1);
CHECK_VALUE(MOCK_FLAGS_DEVICE_PASID, 4);

/* mock IOTLB and device cache */
CHECK_VALUE(MOCK_NESTED_DOMAIN_IOTLB_ID_MAX, 3);
CHECK_VALUE(MOCK_NESTED_DOMAIN_IOTLB_NUM, 4);
CHECK_VALUE(MOCK_DEV_CACHE_ID_MAX, 3);
CHECK_VALUE(MOCK_DEV_CACHE_NUM, 4);

/* #defines, with the type each literal has */
CHECK_DEFINE(IOMMU_TEST_PASID_RESERVED, 1024, int);
CHECK_DEFINE(MOCK_PASID_WIDTH, 20, int);
CHECK_DEFINE(IOMMU_HW_INFO_TYPE_SELFTEST, 0xfeedbeef, unsigned int);
CHECK_DEFINE(IOMMU_HW_INFO_SELFTEST_REGVAL, 0xdeadbeef, unsigned int);
CHECK_DEFINE(IOMMU_HWPT_DATA_SELFTEST, 0xdead, int);
CHECK_DEFINE(IOMMU_TEST_IOTLB_DEFAULT, 0xbadbeef, int);
CHECK_DEFINE(IOMMU_TEST_DEV_CACHE_DEFAULT, 0xbaddad, int);
CHECK_DEFINE(IOMMU_HWPT_INVALIDATE_DATA_SELFTEST, 0xdeadbeef, unsigned int);
CHECK_DEFINE(IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID, 0xdadbeef, int);
CHECK_DEFINE(IOMMU_TEST_INVALIDATE_FLAG_ALL, 1, int);
CHECK_DEFINE(IOMMU_VIOMMU_TYPE_SELFTEST, 0xdeadbeef, unsigned int);
CHECK_DEFINE(IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST, 0xdeadbeef, unsigned int);
CHECK_DEFINE(IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID, 0xdadbeef, int);
CHECK_DEFINE(IOMMU_VEVENTQ_TYPE_SELFTEST, 0xbeefbeef, unsigned int);
CHECK_DEFINE(IOMMU_HW_QUEUE_TYPE_SELFTEST, 0xdeadbeef, unsigned int);
CHECK_DEFINE(IOMMU_TEST_HW_QUEUE_MAX, 2, int);

/*
 * struct iommu_test_cmd: the header, then each member struct of the
 * anonymous union (all at offset 16), then the end marker. The union is
 * as big as its biggest member, dirty (48 bytes), so @last is at 64.
 */
CHECK_STRUCT(iommu_test_cmd, 72, 8);
CHECK_FIELD(iommu_test_cmd, size, 0, 4, __u32, 4);
CHECK_FIELD(iommu_test_cmd, op, 4, 4, __u32, 4);
CHECK_FIELD(iommu_test_cmd, id, 8, 4, __u32, 4);
CHECK_FIELD(iommu_test_cmd, __reserved, 12, 4, __u32, 4);

CHECK_SUBSTRUCT(iommu_test_cmd, add_reserved, 16, 16, 8);
CHECK_FIELD(iommu_test_cmd, add_reserved.start, 16, 8, __u64, 8);
CHECK_FIELD(iommu_test_cmd, add_reserved.length, 24, 8, __u64, 8);

CHECK_SUBSTRUCT(iommu_test_cmd, mock_domain, 16, 12, 4);
CHECK_FIELD(iommu_test_cmd, mock_domain.out_stdev_id, 16, 4, __u32, 4);
CHECK_FIELD(iommu_test_cmd, mock_domain.out_hwpt_id, 20, 4, __u32, 4);
CHECK_FIELD(iommu_test_cmd, mock_domain.out_idev_id, 24, 4, __u32, 4);

CHECK_SUBSTRUCT(iommu_test_cmd, mock_domain_flags, 16, 16, 4);
CHECK_FIELD(iommu_test_cmd, mock_domain_flags.out_stdev_id, 16, 4, __u32, 4);
CHECK_FIELD(iommu_test_cmd, mock_domain_flags.out_hwpt_id, 20, 4, __u32, 4);
CHECK_FIELD(iommu_test_cmd, mock_domain_flags.out_idev_id, 24, 4, __u32, 4);
CHECK_FIELD(iommu_test_cmd, mock_domain_flags.dev_flags, 28, 4, __u32, 4);

CHECK_SUBSTRUCT(iommu_test_cmd, mock_domain_replace, 16, 4, 4);
CHECK_FIELD(iommu_test_cmd, mock_domain_replace.pt_id, 16, 4, __u32, 4);

CHECK_SUBSTRUCT(iommu_test_cmd, check_map, 16, 24, 8);
CHECK_FIELD(iommu_test_cmd, check_map.iova, 16, 8, __u64, 8);
CHECK_FIELD(iommu_test_cmd, check_map.length, 24, 8, __u64, 8);
CHECK_FIELD(iommu_test_cmd, check_map.uptr, 32, 8, __u64, 8);

CHECK_SUBSTRUCT(iommu_test_cmd, check_refs, 16, 24, 8);
CHECK_FIELD(iommu_test_cmd, check_refs.length, 16, 8, __u64, 8);
CHECK_FIELD(iommu_test_cmd, check_refs.uptr, 24, 8, __u64, 8);
CHECK_FIELD(iommu_test_cmd, check_refs.refs, 32, 4, __u32, 4);

CHECK_SUBSTRUCT(iommu_test_cmd, create_access, 16, 8, 4);
CHECK_FIELD(iommu_test_cmd, create_access.out_access_fd, 16, 4, __u32, 4);
CHECK_FIELD(iommu_test_cmd, create_access.flags, 20, 4, __u32, 4);

CHECK_SUBSTRUCT(iommu_test_cmd, destroy_access_pages, 16, 4, 4);
CHECK_FIELD(iommu_test_cmd, destroy_access_pages.access_pages_id, 16, 4, __u32,
	    4);

CHECK_SUBSTRUCT(iommu_test_cmd, access_pages, 16, 32, 8);
CHECK_FIELD(iommu_test_cmd, access_pages.flags, 16, 4, __u32, 4);
CHECK_FIELD(iommu_test_cmd, access_pages.out_access_pages_id, 20, 4, __u32, 4);
CHECK_FIELD(iommu_test_cmd, access_pages.iova, 24, 8, __u64, 8);
CHECK_FIELD(iommu_test_cmd, access_pages.length, 32, 8, __u64, 8);
CHECK_FIELD(iommu_test_cmd, access_pages.uptr, 40, 8, __u64, 8);

CHECK_SUBSTRUCT(iommu_test_cmd, access_rw, 16, 32, 8);
CHECK_FIELD(iommu_test_cmd, access_rw.iova, 16, 8, __u64, 8);
CHECK_FIELD(iommu_test_cmd, access_rw.length, 24, 8, __u64, 8);
CHECK_FIELD(iommu_test_cmd, access_rw.uptr, 32, 8, __u64, 8);
CHECK_FIELD(iommu_test_cmd, access_rw.flags, 40, 4, __u32, 4);

CHECK_SUBSTRUCT(iommu_test_cmd, memory_limit, 16, 4, 4);
CHECK_FIELD(iommu_test_cmd, memory_limit.limit, 16, 4, __u32, 4);

CHECK_SUBSTRUCT(iommu_test_cmd, access_replace_ioas, 16, 4, 4);
CHECK_FIELD(iommu_test_cmd, access_replace_ioas.ioas_id, 16, 4, __u32, 4);

CHECK_SUBSTRUCT(iommu_test_cmd, dirty, 16, 48, 8);
CHECK_FIELD(iommu_test_cmd, dirty.flags, 16, 4, __u32, 4);
CHECK_FIELD(iommu_test_cmd, dirty.iova, 24, 8, __u64, 8);
CHECK_FIELD(iommu_test_cmd, dirty.length, 32, 8, __u64, 8);
CHECK_FIELD(iommu_test_cmd, dirty.page_size, 40, 8, __u64, 8);
CHECK_FIELD(iommu_test_cmd, dirty.uptr, 48, 8, __u64, 8);
CHECK_FIELD(iommu_test_cmd, dirty.out_nr_dirty, 56, 8, __u64, 8);

CHECK_SUBSTRUCT(iommu_test_cmd, check_iotlb, 16, 8, 4);
CHECK_FIELD(iommu_test_cmd, check_iotlb.id, 16, 4, __u32, 4);
CHECK_FIELD(iommu_test_cmd, check_iotlb.iotlb, 20, 4, __u32, 4);

/* addr is a plain __u64: 8-aligned on x86_64, only 4 on i386 */
CHECK_SUBSTRUCT(iommu_test_cmd, trigger_iopf, 16, 24, 8);
CHECK_FIELD(iommu_test_cmd, trigger_iopf.dev_id, 16, 4, __u32, 4);
CHECK_FIELD(iommu_test_cmd, trigger_iopf.pasid, 20, 4, __u32, 4);
CHECK_FIELD(iommu_test_cmd, trigger_iopf.grpid, 24, 4, __u32, 4);
CHECK_FIELD(iommu_test_cmd, trigger_iopf.perm, 28, 4, __u32, 4);
CHECK_FIELD(iommu_test_cmd, trigger_iopf.addr, 32, 8, __u64, 8);

CHECK_SUBSTRUCT(iommu_test_cmd, check_dev_cache, 16, 8, 4);
CHECK_FIELD(iommu_test_cmd, check_dev_cache.id, 16, 4, __u32, 4);
CHECK_FIELD(iommu_test_cmd, check_dev_cache.cache, 20, 4, __u32, 4);

CHECK_SUBSTRUCT(iommu_test_cmd, trigger_vevent, 16, 4, 4);
CHECK_FIELD(iommu_test_cmd, trigger_vevent.dev_id, 16, 4, __u32, 4);

CHECK_SUBSTRUCT(iommu_test_cmd, pasid_attach, 16, 8, 4);
CHECK_FIELD(iommu_test_cmd, pasid_attach.pasid, 16, 4, __u32, 4);
CHECK_FIELD(iommu_test_cmd, pasid_attach.pt_id, 20, 4, __u32, 4);

CHECK_SUBSTRUCT(iommu_test_cmd, pasid_replace, 16, 8, 4);
CHECK_FIELD(iommu_test_cmd, pasid_replace.pasid, 16, 4, __u32, 4);
CHECK_FIELD(iommu_test_cmd, pasid_replace.pt_id, 20, 4, __u32, 4);

CHECK_SUBSTRUCT(iommu_test_cmd, pasid_detach, 16, 4, 4);
CHECK_FIELD(iommu_test_cmd, pasid_detach.pasid, 16, 4, __u32, 4);

CHECK_SUBSTRUCT(iommu_test_cmd, pasid_check, 16, 8, 4);
CHECK_FIELD(iommu_test_cmd, pasid_check.pasid, 16, 4, __u32, 4);
CHECK_FIELD(iommu_test_cmd, pasid_check.hwpt_id, 20, 4, __u32, 4);

CHECK_SUBSTRUCT(iommu_test_cmd, dmabuf_get, 16, 8, 4);
CHECK_FIELD(iommu_test_cmd, dmabuf_get.length, 16, 4, __u32, 4);
CHECK_FIELD(iommu_test_cmd, dmabuf_get.open_flags, 20, 4, __u32, 4);

CHECK_SUBSTRUCT(iommu_test_cmd, dmabuf_revoke, 16, 8, 4);
CHECK_FIELD(iommu_test_cmd, dmabuf_revoke.dmabuf_fd, 16, 4, __s32, 4);
CHECK_FIELD(iommu_test_cmd, dmabuf_revoke.revoked, 20, 4, __u32, 4);
CHECK_FIELD(iommu_test_cmd, last, 64, 4, __u32, 4);

/* data formats of the mock driver */

CHECK_STRUCT(iommu_test_hw_info, 8, 4);
CHECK_FIELD(iommu_test_hw_info, flags, 0, 4, __u32, 4);
CHECK_FIELD(iommu_test_hw_info, test_reg, 4, 4, __u32, 4);

CHECK_STRUCT(iommu_hwpt_selftest, 8, 4);
CHECK_FIELD(iommu_hwpt_selftest, iotlb, 0, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_selftest, pagetable_type, 4, 4, __u32, 4);

CHECK_STRUCT(iommu_hwpt_invalidate_selftest, 8, 4);
CHECK_FIELD(iommu_hwpt_invalidate_selftest, flags, 0, 4, __u32, 4);
CHECK_FIELD(iommu_hwpt_invalidate_selftest, iotlb_id, 4, 4, __u32, 4);

CHECK_STRUCT(iommu_viommu_selftest, 24, 8);
CHECK_FIELD(iommu_viommu_selftest, in_data, 0, 4, __u32, 4);
CHECK_FIELD(iommu_viommu_selftest, out_data, 4, 4, __u32, 4);
CHECK_FIELD(iommu_viommu_selftest, out_mmap_offset, 8, 8, __u64, 8);
CHECK_FIELD(iommu_viommu_selftest, out_mmap_length, 16, 8, __u64, 8);

CHECK_STRUCT(iommu_viommu_invalidate_selftest, 12, 4);
CHECK_FIELD(iommu_viommu_invalidate_selftest, flags, 0, 4, __u32, 4);
CHECK_FIELD(iommu_viommu_invalidate_selftest, vdev_id, 4, 4, __u32, 4);
CHECK_FIELD(iommu_viommu_invalidate_selftest, cache_id, 8, 4, __u32, 4);

CHECK_STRUCT(iommu_viommu_event_selftest, 4, 4);
CHECK_FIELD(iommu_viommu_event_selftest, virt_id, 0, 4, __u32, 4);
