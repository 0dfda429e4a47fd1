/* SPDX-License-Identifier: MIT */
/*
 * Print the binary layout of the iommufd uAPI, one fact per line:
 *
 *   <struct>.<member> <offsetof> <sizeof>   for every struct member
 *   <struct> <sizeof>                       after the members of a struct
 *   <IOMMU_ioctl> <number>                  for every ioctl number
 *   <ENUMERATOR> <value>                    for every enumerator
 *   <DEFINE> <value> <type>                 for every #define'd constant
 *                                           of the test uAPI
 *
 * Built as is it reads <linux/iommufd.h> from the include path (a kernel's
 * header); built with -DUSE_UIOMMUFD_HEADER it reads <uiommufd/iommufd.h>.
 *
 * The test uAPI (IOMMU_TEST_CMD) is dumped too when asked for: in the
 * kernel build by -DKERNEL_TEST_H='"<path>"', the path of the kernel's
 * drivers/iommu/iommufd/iommufd_test.h (it is not an installed header); in
 * our build by -DWITH_TEST_HEADER, which reads <uiommufd/iommufd_test.h>.
 *
 * The two outputs must be byte-identical: tests/abi/compare_layout.sh
 * builds both and diffs them. Only names are used here, never numbers, so
 * the program itself cannot drift from the header it describes.
 */
#include <stddef.h>
#include <stdio.h>

#ifdef USE_UIOMMUFD_HEADER
#include <uiommufd/iommufd.h>
#ifdef WITH_TEST_HEADER
#include <uiommufd/iommufd_test.h>
#endif
#else
#include <linux/iommufd.h>
#ifdef KERNEL_TEST_H
#define WITH_TEST_HEADER 1
#include KERNEL_TEST_H
#endif
#endif

static void member(const char *s, const char *f, size_t off, size_t size)
{
	printf("%s.%s %zu %zu\n", s, f, off, size);
}

static void whole(const char *s, size_t size)
{
	printf("%s %zu\n", s, size);
}

static void ioctl_number(const char *name, unsigned long nr)
{
	printf("%s 0x%lx\n", name, nr);
}

static void constant(const char *name, long long value)
{
	printf("%s %lld\n", name, value);
}

static void typed_constant(const char *name, long long value, const char *type)
{
	printf("%s %lld %s\n", name, value, type);
}

#define MEMBER(s, f) \
	member(#s, #f, offsetof(struct s, f), sizeof(((struct s *)0)->f))
#define STRUCT(s)      whole(#s, sizeof(struct s))
#define IOCTL(name)    ioctl_number(#name, (unsigned long)(name))
#define CONSTANT(name) constant(#name, (long long)(name))

/*
 * The type of an integer constant expression, as a name. (clang-format
 * cannot lay out _Generic associations, hence the off / on markers.)
 */
/* clang-format off */
#define TYPE_NAME(x)                                       \
	_Generic((x),                                      \
		 int: "int",                               \
		 unsigned int: "unsigned int",             \
		 long: "long",                             \
		 unsigned long: "unsigned long",           \
		 long long: "long long",                   \
		 unsigned long long: "unsigned long long", \
		 default: "other")
/* clang-format on */
#define TYPED_CONSTANT(name) \
	typed_constant(#name, (long long)(name), TYPE_NAME(name))

static void dump_structs(void)
{
	/* Command numbers */

	/* Any object */
	MEMBER(iommu_destroy, size);
	MEMBER(iommu_destroy, id);
	STRUCT(iommu_destroy);

	/* IO address spaces (IOAS) */
	MEMBER(iommu_ioas_alloc, size);
	MEMBER(iommu_ioas_alloc, flags);
	MEMBER(iommu_ioas_alloc, out_ioas_id);
	STRUCT(iommu_ioas_alloc);
	MEMBER(iommu_iova_range, start);
	MEMBER(iommu_iova_range, last);
	STRUCT(iommu_iova_range);
	MEMBER(iommu_ioas_iova_ranges, size);
	MEMBER(iommu_ioas_iova_ranges, ioas_id);
	MEMBER(iommu_ioas_iova_ranges, num_iovas);
	MEMBER(iommu_ioas_iova_ranges, __reserved);
	MEMBER(iommu_ioas_iova_ranges, allowed_iovas);
	MEMBER(iommu_ioas_iova_ranges, out_iova_alignment);
	STRUCT(iommu_ioas_iova_ranges);
	MEMBER(iommu_ioas_allow_iovas, size);
	MEMBER(iommu_ioas_allow_iovas, ioas_id);
	MEMBER(iommu_ioas_allow_iovas, num_iovas);
	MEMBER(iommu_ioas_allow_iovas, __reserved);
	MEMBER(iommu_ioas_allow_iovas, allowed_iovas);
	STRUCT(iommu_ioas_allow_iovas);
	MEMBER(iommu_ioas_map, size);
	MEMBER(iommu_ioas_map, flags);
	MEMBER(iommu_ioas_map, ioas_id);
	MEMBER(iommu_ioas_map, __reserved);
	MEMBER(iommu_ioas_map, user_va);
	MEMBER(iommu_ioas_map, length);
	MEMBER(iommu_ioas_map, iova);
	STRUCT(iommu_ioas_map);
	MEMBER(iommu_ioas_map_file, size);
	MEMBER(iommu_ioas_map_file, flags);
	MEMBER(iommu_ioas_map_file, ioas_id);
	MEMBER(iommu_ioas_map_file, fd);
	MEMBER(iommu_ioas_map_file, start);
	MEMBER(iommu_ioas_map_file, length);
	MEMBER(iommu_ioas_map_file, iova);
	STRUCT(iommu_ioas_map_file);
	MEMBER(iommu_ioas_copy, size);
	MEMBER(iommu_ioas_copy, flags);
	MEMBER(iommu_ioas_copy, dst_ioas_id);
	MEMBER(iommu_ioas_copy, src_ioas_id);
	MEMBER(iommu_ioas_copy, length);
	MEMBER(iommu_ioas_copy, dst_iova);
	MEMBER(iommu_ioas_copy, src_iova);
	STRUCT(iommu_ioas_copy);
	MEMBER(iommu_ioas_unmap, size);
	MEMBER(iommu_ioas_unmap, ioas_id);
	MEMBER(iommu_ioas_unmap, iova);
	MEMBER(iommu_ioas_unmap, length);
	STRUCT(iommu_ioas_unmap);
	MEMBER(iommu_ioas_change_process, size);
	MEMBER(iommu_ioas_change_process, __reserved);
	STRUCT(iommu_ioas_change_process);

	/* Options */
	MEMBER(iommu_option, size);
	MEMBER(iommu_option, option_id);
	MEMBER(iommu_option, op);
	MEMBER(iommu_option, __reserved);
	MEMBER(iommu_option, object_id);
	MEMBER(iommu_option, val64);
	STRUCT(iommu_option);

	/* VFIO container compatibility */
	MEMBER(iommu_vfio_ioas, size);
	MEMBER(iommu_vfio_ioas, ioas_id);
	MEMBER(iommu_vfio_ioas, op);
	MEMBER(iommu_vfio_ioas, __reserved);
	STRUCT(iommu_vfio_ioas);

	/* Hardware information */
	MEMBER(iommu_hw_info_vtd, flags);
	MEMBER(iommu_hw_info_vtd, __reserved);
	MEMBER(iommu_hw_info_vtd, cap_reg);
	MEMBER(iommu_hw_info_vtd, ecap_reg);
	STRUCT(iommu_hw_info_vtd);
	MEMBER(iommu_hw_info_arm_smmuv3, flags);
	MEMBER(iommu_hw_info_arm_smmuv3, __reserved);
	MEMBER(iommu_hw_info_arm_smmuv3, idr);
	MEMBER(iommu_hw_info_arm_smmuv3, iidr);
	MEMBER(iommu_hw_info_arm_smmuv3, aidr);
	STRUCT(iommu_hw_info_arm_smmuv3);
	MEMBER(iommu_hw_info_tegra241_cmdqv, flags);
	MEMBER(iommu_hw_info_tegra241_cmdqv, version);
	MEMBER(iommu_hw_info_tegra241_cmdqv, log2vcmdqs);
	MEMBER(iommu_hw_info_tegra241_cmdqv, log2vsids);
	MEMBER(iommu_hw_info_tegra241_cmdqv, __reserved);
	STRUCT(iommu_hw_info_tegra241_cmdqv);
	MEMBER(iommu_hw_info_amd, efr);
	MEMBER(iommu_hw_info_amd, efr2);
	STRUCT(iommu_hw_info_amd);
	MEMBER(iommu_hw_info, size);
	MEMBER(iommu_hw_info, flags);
	MEMBER(iommu_hw_info, dev_id);
	MEMBER(iommu_hw_info, data_len);
	MEMBER(iommu_hw_info, data_uptr);
	MEMBER(iommu_hw_info, in_data_type);
	MEMBER(iommu_hw_info, out_data_type);
	MEMBER(iommu_hw_info, out_max_pasid_log2);
	MEMBER(iommu_hw_info, __reserved);
	MEMBER(iommu_hw_info, out_capabilities);
	STRUCT(iommu_hw_info);

	/* Hardware page tables (HWPT) */
	MEMBER(iommu_hwpt_vtd_s1, flags);
	MEMBER(iommu_hwpt_vtd_s1, pgtbl_addr);
	MEMBER(iommu_hwpt_vtd_s1, addr_width);
	MEMBER(iommu_hwpt_vtd_s1, __reserved);
	STRUCT(iommu_hwpt_vtd_s1);
	MEMBER(iommu_hwpt_arm_smmuv3, ste);
	STRUCT(iommu_hwpt_arm_smmuv3);
	MEMBER(iommu_hwpt_amd_guest, dte);
	STRUCT(iommu_hwpt_amd_guest);
	MEMBER(iommu_hwpt_alloc, size);
	MEMBER(iommu_hwpt_alloc, flags);
	MEMBER(iommu_hwpt_alloc, dev_id);
	MEMBER(iommu_hwpt_alloc, pt_id);
	MEMBER(iommu_hwpt_alloc, out_hwpt_id);
	MEMBER(iommu_hwpt_alloc, __reserved);
	MEMBER(iommu_hwpt_alloc, data_type);
	MEMBER(iommu_hwpt_alloc, data_len);
	MEMBER(iommu_hwpt_alloc, data_uptr);
	MEMBER(iommu_hwpt_alloc, fault_id);
	MEMBER(iommu_hwpt_alloc, __reserved2);
	STRUCT(iommu_hwpt_alloc);

	/* Dirty tracking */
	MEMBER(iommu_hwpt_set_dirty_tracking, size);
	MEMBER(iommu_hwpt_set_dirty_tracking, flags);
	MEMBER(iommu_hwpt_set_dirty_tracking, hwpt_id);
	MEMBER(iommu_hwpt_set_dirty_tracking, __reserved);
	STRUCT(iommu_hwpt_set_dirty_tracking);
	MEMBER(iommu_hwpt_get_dirty_bitmap, size);
	MEMBER(iommu_hwpt_get_dirty_bitmap, hwpt_id);
	MEMBER(iommu_hwpt_get_dirty_bitmap, flags);
	MEMBER(iommu_hwpt_get_dirty_bitmap, __reserved);
	MEMBER(iommu_hwpt_get_dirty_bitmap, iova);
	MEMBER(iommu_hwpt_get_dirty_bitmap, length);
	MEMBER(iommu_hwpt_get_dirty_bitmap, page_size);
	MEMBER(iommu_hwpt_get_dirty_bitmap, data);
	STRUCT(iommu_hwpt_get_dirty_bitmap);

	/* Cache invalidation of nested translation */
	MEMBER(iommu_hwpt_vtd_s1_invalidate, addr);
	MEMBER(iommu_hwpt_vtd_s1_invalidate, npages);
	MEMBER(iommu_hwpt_vtd_s1_invalidate, flags);
	MEMBER(iommu_hwpt_vtd_s1_invalidate, __reserved);
	STRUCT(iommu_hwpt_vtd_s1_invalidate);
	MEMBER(iommu_viommu_arm_smmuv3_invalidate, cmd);
	STRUCT(iommu_viommu_arm_smmuv3_invalidate);
	MEMBER(iommu_hwpt_invalidate, size);
	MEMBER(iommu_hwpt_invalidate, hwpt_id);
	MEMBER(iommu_hwpt_invalidate, data_uptr);
	MEMBER(iommu_hwpt_invalidate, data_type);
	MEMBER(iommu_hwpt_invalidate, entry_len);
	MEMBER(iommu_hwpt_invalidate, entry_num);
	MEMBER(iommu_hwpt_invalidate, __reserved);
	STRUCT(iommu_hwpt_invalidate);

	/* I/O page faults */
	MEMBER(iommu_hwpt_pgfault, flags);
	MEMBER(iommu_hwpt_pgfault, dev_id);
	MEMBER(iommu_hwpt_pgfault, pasid);
	MEMBER(iommu_hwpt_pgfault, grpid);
	MEMBER(iommu_hwpt_pgfault, perm);
	MEMBER(iommu_hwpt_pgfault, __reserved);
	MEMBER(iommu_hwpt_pgfault, addr);
	MEMBER(iommu_hwpt_pgfault, length);
	MEMBER(iommu_hwpt_pgfault, cookie);
	STRUCT(iommu_hwpt_pgfault);
	MEMBER(iommu_hwpt_page_response, cookie);
	MEMBER(iommu_hwpt_page_response, code);
	STRUCT(iommu_hwpt_page_response);
	MEMBER(iommu_fault_alloc, size);
	MEMBER(iommu_fault_alloc, flags);
	MEMBER(iommu_fault_alloc, out_fault_id);
	MEMBER(iommu_fault_alloc, out_fault_fd);
	STRUCT(iommu_fault_alloc);

	/* Virtual IOMMUs and virtual devices */
	MEMBER(iommu_viommu_tegra241_cmdqv, out_vintf_mmap_offset);
	MEMBER(iommu_viommu_tegra241_cmdqv, out_vintf_mmap_length);
	STRUCT(iommu_viommu_tegra241_cmdqv);
	MEMBER(iommu_viommu_alloc, size);
	MEMBER(iommu_viommu_alloc, flags);
	MEMBER(iommu_viommu_alloc, type);
	MEMBER(iommu_viommu_alloc, dev_id);
	MEMBER(iommu_viommu_alloc, hwpt_id);
	MEMBER(iommu_viommu_alloc, out_viommu_id);
	MEMBER(iommu_viommu_alloc, data_len);
	MEMBER(iommu_viommu_alloc, __reserved);
	MEMBER(iommu_viommu_alloc, data_uptr);
	STRUCT(iommu_viommu_alloc);
	MEMBER(iommu_vdevice_alloc, size);
	MEMBER(iommu_vdevice_alloc, viommu_id);
	MEMBER(iommu_vdevice_alloc, dev_id);
	MEMBER(iommu_vdevice_alloc, out_vdevice_id);
	MEMBER(iommu_vdevice_alloc, virt_id);
	STRUCT(iommu_vdevice_alloc);

	/* Virtual event queues (vEVENTQ) */
	MEMBER(iommufd_vevent_header, flags);
	MEMBER(iommufd_vevent_header, sequence);
	STRUCT(iommufd_vevent_header);
	MEMBER(iommu_vevent_arm_smmuv3, evt);
	STRUCT(iommu_vevent_arm_smmuv3);
	MEMBER(iommu_vevent_tegra241_cmdqv, lvcmdq_err_map);
	STRUCT(iommu_vevent_tegra241_cmdqv);
	MEMBER(iommu_veventq_alloc, size);
	MEMBER(iommu_veventq_alloc, flags);
	MEMBER(iommu_veventq_alloc, viommu_id);
	MEMBER(iommu_veventq_alloc, type);
	MEMBER(iommu_veventq_alloc, veventq_depth);
	MEMBER(iommu_veventq_alloc, out_veventq_id);
	MEMBER(iommu_veventq_alloc, out_veventq_fd);
	MEMBER(iommu_veventq_alloc, __reserved);
	STRUCT(iommu_veventq_alloc);

	/* Hardware-accelerated queues */
	MEMBER(iommu_hw_queue_alloc, size);
	MEMBER(iommu_hw_queue_alloc, flags);
	MEMBER(iommu_hw_queue_alloc, viommu_id);
	MEMBER(iommu_hw_queue_alloc, type);
	MEMBER(iommu_hw_queue_alloc, index);
	MEMBER(iommu_hw_queue_alloc, out_hw_queue_id);
	MEMBER(iommu_hw_queue_alloc, nesting_parent_iova);
	MEMBER(iommu_hw_queue_alloc, length);
	STRUCT(iommu_hw_queue_alloc);
}

static void dump_ioctls(void)
{
	IOCTL(IOMMU_DESTROY);
	IOCTL(IOMMU_IOAS_ALLOC);
	IOCTL(IOMMU_IOAS_IOVA_RANGES);
	IOCTL(IOMMU_IOAS_ALLOW_IOVAS);
	IOCTL(IOMMU_IOAS_MAP);
	IOCTL(IOMMU_IOAS_MAP_FILE);
	IOCTL(IOMMU_IOAS_COPY);
	IOCTL(IOMMU_IOAS_UNMAP);
	IOCTL(IOMMU_IOAS_CHANGE_PROCESS);
	IOCTL(IOMMU_OPTION);
	IOCTL(IOMMU_VFIO_IOAS);
	IOCTL(IOMMU_GET_HW_INFO);
	IOCTL(IOMMU_HWPT_ALLOC);
	IOCTL(IOMMU_HWPT_SET_DIRTY_TRACKING);
	IOCTL(IOMMU_HWPT_GET_DIRTY_BITMAP);
	IOCTL(IOMMU_HWPT_INVALIDATE);
	IOCTL(IOMMU_FAULT_QUEUE_ALLOC);
	IOCTL(IOMMU_VIOMMU_ALLOC);
	IOCTL(IOMMU_VDEVICE_ALLOC);
	IOCTL(IOMMU_VEVENTQ_ALLOC);
	IOCTL(IOMMU_HW_QUEUE_ALLOC);
}

static void dump_constants(void)
{
	CONSTANT(IOMMUFD_TYPE);
	CONSTANT(IOMMUFD_CMD_BASE);
	CONSTANT(IOMMUFD_CMD_DESTROY);
	CONSTANT(IOMMUFD_CMD_IOAS_ALLOC);
	CONSTANT(IOMMUFD_CMD_IOAS_ALLOW_IOVAS);
	CONSTANT(IOMMUFD_CMD_IOAS_COPY);
	CONSTANT(IOMMUFD_CMD_IOAS_IOVA_RANGES);
	CONSTANT(IOMMUFD_CMD_IOAS_MAP);
	CONSTANT(IOMMUFD_CMD_IOAS_UNMAP);
	CONSTANT(IOMMUFD_CMD_OPTION);
	CONSTANT(IOMMUFD_CMD_VFIO_IOAS);
	CONSTANT(IOMMUFD_CMD_HWPT_ALLOC);
	CONSTANT(IOMMUFD_CMD_GET_HW_INFO);
	CONSTANT(IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING);
	CONSTANT(IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP);
	CONSTANT(IOMMUFD_CMD_HWPT_INVALIDATE);
	CONSTANT(IOMMUFD_CMD_FAULT_QUEUE_ALLOC);
	CONSTANT(IOMMUFD_CMD_IOAS_MAP_FILE);
	CONSTANT(IOMMUFD_CMD_VIOMMU_ALLOC);
	CONSTANT(IOMMUFD_CMD_VDEVICE_ALLOC);
	CONSTANT(IOMMUFD_CMD_IOAS_CHANGE_PROCESS);
	CONSTANT(IOMMUFD_CMD_VEVENTQ_ALLOC);
	CONSTANT(IOMMUFD_CMD_HW_QUEUE_ALLOC);
	CONSTANT(IOMMU_IOAS_MAP_FIXED_IOVA);
	CONSTANT(IOMMU_IOAS_MAP_WRITEABLE);
	CONSTANT(IOMMU_IOAS_MAP_READABLE);
	CONSTANT(IOMMU_OPTION_RLIMIT_MODE);
	CONSTANT(IOMMU_OPTION_HUGE_PAGES);
	CONSTANT(IOMMU_OPTION_OP_SET);
	CONSTANT(IOMMU_OPTION_OP_GET);
	CONSTANT(IOMMU_VFIO_IOAS_GET);
	CONSTANT(IOMMU_VFIO_IOAS_SET);
	CONSTANT(IOMMU_VFIO_IOAS_CLEAR);
	CONSTANT(IOMMU_HWPT_ALLOC_NEST_PARENT);
	CONSTANT(IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	CONSTANT(IOMMU_HWPT_FAULT_ID_VALID);
	CONSTANT(IOMMU_HWPT_ALLOC_PASID);
	CONSTANT(IOMMU_VTD_S1_SRE);
	CONSTANT(IOMMU_VTD_S1_EAFE);
	CONSTANT(IOMMU_VTD_S1_WPE);
	CONSTANT(IOMMU_HWPT_DATA_NONE);
	CONSTANT(IOMMU_HWPT_DATA_VTD_S1);
	CONSTANT(IOMMU_HWPT_DATA_ARM_SMMUV3);
	CONSTANT(IOMMU_HWPT_DATA_AMD_GUEST);
	CONSTANT(IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17);
	CONSTANT(IOMMU_HW_INFO_TYPE_NONE);
	CONSTANT(IOMMU_HW_INFO_TYPE_DEFAULT);
	CONSTANT(IOMMU_HW_INFO_TYPE_INTEL_VTD);
	CONSTANT(IOMMU_HW_INFO_TYPE_ARM_SMMUV3);
	CONSTANT(IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV);
	CONSTANT(IOMMU_HW_INFO_TYPE_AMD);
	CONSTANT(IOMMU_HW_CAP_DIRTY_TRACKING);
	CONSTANT(IOMMU_HW_CAP_PCI_PASID_EXEC);
	CONSTANT(IOMMU_HW_CAP_PCI_PASID_PRIV);
	CONSTANT(IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED);
	CONSTANT(IOMMU_HW_INFO_FLAG_INPUT_TYPE);
	CONSTANT(IOMMU_HWPT_DIRTY_TRACKING_ENABLE);
	CONSTANT(IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
	CONSTANT(IOMMU_HWPT_INVALIDATE_DATA_VTD_S1);
	CONSTANT(IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3);
	CONSTANT(IOMMU_VTD_INV_FLAGS_LEAF);
	CONSTANT(IOMMU_PGFAULT_FLAGS_PASID_VALID);
	CONSTANT(IOMMU_PGFAULT_FLAGS_LAST_PAGE);
	CONSTANT(IOMMU_PGFAULT_PERM_READ);
	CONSTANT(IOMMU_PGFAULT_PERM_WRITE);
	CONSTANT(IOMMU_PGFAULT_PERM_EXEC);
	CONSTANT(IOMMU_PGFAULT_PERM_PRIV);
	CONSTANT(IOMMUFD_PAGE_RESP_SUCCESS);
	CONSTANT(IOMMUFD_PAGE_RESP_INVALID);
	CONSTANT(IOMMU_VIOMMU_TYPE_DEFAULT);
	CONSTANT(IOMMU_VIOMMU_TYPE_ARM_SMMUV3);
	CONSTANT(IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV);
	CONSTANT(IOMMU_VEVENTQ_FLAG_LOST_EVENTS);
	CONSTANT(IOMMU_VEVENTQ_TYPE_DEFAULT);
	CONSTANT(IOMMU_VEVENTQ_TYPE_ARM_SMMUV3);
	CONSTANT(IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV);
	CONSTANT(IOMMU_HW_QUEUE_TYPE_DEFAULT);
	CONSTANT(IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV);
}

#ifdef WITH_TEST_HEADER
static void dump_test_header(void)
{
	/* struct iommu_test_cmd and each member struct of its union */
	MEMBER(iommu_test_cmd, size);
	MEMBER(iommu_test_cmd, op);
	MEMBER(iommu_test_cmd, id);
	MEMBER(iommu_test_cmd, __reserved);
	MEMBER(iommu_test_cmd, add_reserved);
	MEMBER(iommu_test_cmd, add_reserved.start);
	MEMBER(iommu_test_cmd, add_reserved.length);
	MEMBER(iommu_test_cmd, mock_domain);
	MEMBER(iommu_test_cmd, mock_domain.out_stdev_id);
	MEMBER(iommu_test_cmd, mock_domain.out_hwpt_id);
	MEMBER(iommu_test_cmd, mock_domain.out_idev_id);
	MEMBER(iommu_test_cmd, mock_domain_flags);
	MEMBER(iommu_test_cmd, mock_domain_flags.out_stdev_id);
	MEMBER(iommu_test_cmd, mock_domain_flags.out_hwpt_id);
	MEMBER(iommu_test_cmd, mock_domain_flags.out_idev_id);
	MEMBER(iommu_test_cmd, mock_domain_flags.dev_flags);
	MEMBER(iommu_test_cmd, mock_domain_replace);
	MEMBER(iommu_test_cmd, mock_domain_replace.pt_id);
	MEMBER(iommu_test_cmd, check_map);
	MEMBER(iommu_test_cmd, check_map.iova);
	MEMBER(iommu_test_cmd, check_map.length);
	MEMBER(iommu_test_cmd, check_map.uptr);
	MEMBER(iommu_test_cmd, check_refs);
	MEMBER(iommu_test_cmd, check_refs.length);
	MEMBER(iommu_test_cmd, check_refs.uptr);
	MEMBER(iommu_test_cmd, check_refs.refs);
	MEMBER(iommu_test_cmd, create_access);
	MEMBER(iommu_test_cmd, create_access.out_access_fd);
	MEMBER(iommu_test_cmd, create_access.flags);
	MEMBER(iommu_test_cmd, destroy_access_pages);
	MEMBER(iommu_test_cmd, destroy_access_pages.access_pages_id);
	MEMBER(iommu_test_cmd, access_pages);
	MEMBER(iommu_test_cmd, access_pages.flags);
	MEMBER(iommu_test_cmd, access_pages.out_access_pages_id);
	MEMBER(iommu_test_cmd, access_pages.iova);
	MEMBER(iommu_test_cmd, access_pages.length);
	MEMBER(iommu_test_cmd, access_pages.uptr);
	MEMBER(iommu_test_cmd, access_rw);
	MEMBER(iommu_test_cmd, access_rw.iova);
	MEMBER(iommu_test_cmd, access_rw.length);
	MEMBER(iommu_test_cmd, access_rw.uptr);
	MEMBER(iommu_test_cmd, access_rw.flags);
	MEMBER(iommu_test_cmd, memory_limit);
	MEMBER(iommu_test_cmd, memory_limit.limit);
	MEMBER(iommu_test_cmd, access_replace_ioas);
	MEMBER(iommu_test_cmd, access_replace_ioas.ioas_id);
	MEMBER(iommu_test_cmd, dirty);
	MEMBER(iommu_test_cmd, dirty.flags);
	MEMBER(iommu_test_cmd, dirty.iova);
	MEMBER(iommu_test_cmd, dirty.length);
	MEMBER(iommu_test_cmd, dirty.page_size);
	MEMBER(iommu_test_cmd, dirty.uptr);
	MEMBER(iommu_test_cmd, dirty.out_nr_dirty);
	MEMBER(iommu_test_cmd, check_iotlb);
	MEMBER(iommu_test_cmd, check_iotlb.id);
	MEMBER(iommu_test_cmd, check_iotlb.iotlb);
	MEMBER(iommu_test_cmd, trigger_iopf);
	MEMBER(iommu_test_cmd, trigger_iopf.dev_id);
	MEMBER(iommu_test_cmd, trigger_iopf.pasid);
	MEMBER(iommu_test_cmd, trigger_iopf.grpid);
	MEMBER(iommu_test_cmd, trigger_iopf.perm);
	MEMBER(iommu_test_cmd, trigger_iopf.addr);
	MEMBER(iommu_test_cmd, check_dev_cache);
	MEMBER(iommu_test_cmd, check_dev_cache.id);
	MEMBER(iommu_test_cmd, check_dev_cache.cache);
	MEMBER(iommu_test_cmd, trigger_vevent);
	MEMBER(iommu_test_cmd, trigger_vevent.dev_id);
	MEMBER(iommu_test_cmd, pasid_attach);
	MEMBER(iommu_test_cmd, pasid_attach.pasid);
	MEMBER(iommu_test_cmd, pasid_attach.pt_id);
	MEMBER(iommu_test_cmd, pasid_replace);
	MEMBER(iommu_test_cmd, pasid_replace.pasid);
	MEMBER(iommu_test_cmd, pasid_replace.pt_id);
	MEMBER(iommu_test_cmd, pasid_detach);
	MEMBER(iommu_test_cmd, pasid_detach.pasid);
	MEMBER(iommu_test_cmd, pasid_check);
	MEMBER(iommu_test_cmd, pasid_check.pasid);
	MEMBER(iommu_test_cmd, pasid_check.hwpt_id);
	MEMBER(iommu_test_cmd, dmabuf_get);
	MEMBER(iommu_test_cmd, dmabuf_get.length);
	MEMBER(iommu_test_cmd, dmabuf_get.open_flags);
	MEMBER(iommu_test_cmd, dmabuf_revoke);
	MEMBER(iommu_test_cmd, dmabuf_revoke.dmabuf_fd);
	MEMBER(iommu_test_cmd, dmabuf_revoke.revoked);
	MEMBER(iommu_test_cmd, last);
	STRUCT(iommu_test_cmd);
	IOCTL(IOMMU_TEST_CMD);

	/* Data formats of the mock driver */
	MEMBER(iommu_test_hw_info, flags);
	MEMBER(iommu_test_hw_info, test_reg);
	STRUCT(iommu_test_hw_info);
	MEMBER(iommu_hwpt_selftest, iotlb);
	MEMBER(iommu_hwpt_selftest, pagetable_type);
	STRUCT(iommu_hwpt_selftest);
	MEMBER(iommu_hwpt_invalidate_selftest, flags);
	MEMBER(iommu_hwpt_invalidate_selftest, iotlb_id);
	STRUCT(iommu_hwpt_invalidate_selftest);
	MEMBER(iommu_viommu_selftest, in_data);
	MEMBER(iommu_viommu_selftest, out_data);
	MEMBER(iommu_viommu_selftest, out_mmap_offset);
	MEMBER(iommu_viommu_selftest, out_mmap_length);
	STRUCT(iommu_viommu_selftest);
	MEMBER(iommu_viommu_invalidate_selftest, flags);
	MEMBER(iommu_viommu_invalidate_selftest, vdev_id);
	MEMBER(iommu_viommu_invalidate_selftest, cache_id);
	STRUCT(iommu_viommu_invalidate_selftest);
	MEMBER(iommu_viommu_event_selftest, virt_id);
	STRUCT(iommu_viommu_event_selftest);

	/* Enumerators */
	CONSTANT(IOMMU_TEST_OP_ADD_RESERVED);
	CONSTANT(IOMMU_TEST_OP_MOCK_DOMAIN);
	CONSTANT(IOMMU_TEST_OP_MD_CHECK_MAP);
	CONSTANT(IOMMU_TEST_OP_MD_CHECK_REFS);
	CONSTANT(IOMMU_TEST_OP_CREATE_ACCESS);
	CONSTANT(IOMMU_TEST_OP_DESTROY_ACCESS_PAGES);
	CONSTANT(IOMMU_TEST_OP_ACCESS_PAGES);
	CONSTANT(IOMMU_TEST_OP_ACCESS_RW);
	CONSTANT(IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT);
	CONSTANT(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE);
	CONSTANT(IOMMU_TEST_OP_ACCESS_REPLACE_IOAS);
	CONSTANT(IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS);
	CONSTANT(IOMMU_TEST_OP_DIRTY);
	CONSTANT(IOMMU_TEST_OP_MD_CHECK_IOTLB);
	CONSTANT(IOMMU_TEST_OP_TRIGGER_IOPF);
	CONSTANT(IOMMU_TEST_OP_DEV_CHECK_CACHE);
	CONSTANT(IOMMU_TEST_OP_TRIGGER_VEVENT);
	CONSTANT(IOMMU_TEST_OP_PASID_ATTACH);
	CONSTANT(IOMMU_TEST_OP_PASID_REPLACE);
	CONSTANT(IOMMU_TEST_OP_PASID_DETACH);
	CONSTANT(IOMMU_TEST_OP_PASID_CHECK_HWPT);
	CONSTANT(IOMMU_TEST_OP_DMABUF_GET);
	CONSTANT(IOMMU_TEST_OP_DMABUF_REVOKE);
	CONSTANT(MOCK_IOMMUPT_DEFAULT);
	CONSTANT(MOCK_IOMMUPT_HUGE);
	CONSTANT(MOCK_APERTURE_START);
	CONSTANT(MOCK_APERTURE_LAST);
	CONSTANT(MOCK_PAGE_SIZE);
	CONSTANT(MOCK_HUGE_PAGE_SIZE);
	CONSTANT(MOCK_FLAGS_ACCESS_WRITE);
	CONSTANT(MOCK_FLAGS_ACCESS_SYZ);
	CONSTANT(MOCK_ACCESS_RW_WRITE);
	CONSTANT(MOCK_ACCESS_RW_SLOW_PATH);
	CONSTANT(MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES);
	CONSTANT(MOCK_FLAGS_DEVICE_NO_DIRTY);
	CONSTANT(MOCK_FLAGS_DEVICE_PASID);
	CONSTANT(MOCK_NESTED_DOMAIN_IOTLB_ID_MAX);
	CONSTANT(MOCK_NESTED_DOMAIN_IOTLB_NUM);
	CONSTANT(MOCK_DEV_CACHE_ID_MAX);
	CONSTANT(MOCK_DEV_CACHE_NUM);

	/* #defines: the type of each literal matters too */
	TYPED_CONSTANT(IOMMU_TEST_PASID_RESERVED);
	TYPED_CONSTANT(MOCK_PASID_WIDTH);
	TYPED_CONSTANT(IOMMU_HW_INFO_TYPE_SELFTEST);
	TYPED_CONSTANT(IOMMU_HW_INFO_SELFTEST_REGVAL);
	TYPED_CONSTANT(IOMMU_HWPT_DATA_SELFTEST);
	TYPED_CONSTANT(IOMMU_TEST_IOTLB_DEFAULT);
	TYPED_CONSTANT(IOMMU_TEST_DEV_CACHE_DEFAULT);
	TYPED_CONSTANT(IOMMU_HWPT_INVALIDATE_DATA_SELFTEST);
	TYPED_CONSTANT(IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID);
	TYPED_CONSTANT(IOMMU_TEST_INVALIDATE_FLAG_ALL);
	TYPED_CONSTANT(IOMMU_VIOMMU_TYPE_SELFTEST);
	TYPED_CONSTANT(IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST);
	TYPED_CONSTANT(IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID);
	TYPED_CONSTANT(IOMMU_VEVENTQ_TYPE_SELFTEST);
	TYPED_CONSTANT(IOMMU_HW_QUEUE_TYPE_SELFTEST);
	TYPED_CONSTANT(IOMMU_TEST_HW_QUEUE_MAX);
}
#endif

int main(void)
{
	dump_structs();
	dump_ioctls();
	dump_constants();
#ifdef WITH_TEST_HEADER
	dump_test_header();
#endif
	return fflush(stdout) == 0 ? 0 : 1;
}
