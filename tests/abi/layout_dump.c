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
 * With -DWITH_VFIO the VFIO uAPI is dumped too, from <linux/vfio.h> or, with
 * USE_UIOMMUFD_HEADER, <uiommufd/vfio.h> (less the powerpc and v1 migration
 * parts ours leaves out), with two more kinds of line:
 *
 *   <struct>.<member> <offsetof> [<size>]   for a flexible array member,
 *                                           <size> that of one element
 *   <DEFINE> "<text>"                       for a #define'd string
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

#ifdef WITH_VFIO
#ifdef USE_UIOMMUFD_HEADER
#include <uiommufd/vfio.h>
#else
#include <linux/vfio.h>
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

#ifdef WITH_VFIO
static void flex_member(const char *s, const char *f, size_t off,
			size_t elem_size)
{
	printf("%s.%s %zu [%zu]\n", s, f, off, elem_size);
}

static void string_constant(const char *name, const char *text)
{
	printf("%s \"%s\"\n", name, text);
}

/* a flexible array member: its offset and the size of one element */
#define FLEX(s, f)                                 \
	flex_member(#s, #f, offsetof(struct s, f), \
		    sizeof(((struct s *)0)->f[0]))
#define STRING(name) string_constant(#name, name)

static void dump_vfio(void)
{
	/* structs: members, then the whole */
	MEMBER(vfio_info_cap_header, id);
	MEMBER(vfio_info_cap_header, version);
	MEMBER(vfio_info_cap_header, next);
	STRUCT(vfio_info_cap_header);
	MEMBER(vfio_group_status, argsz);
	MEMBER(vfio_group_status, flags);
	STRUCT(vfio_group_status);
	MEMBER(vfio_device_info, argsz);
	MEMBER(vfio_device_info, flags);
	MEMBER(vfio_device_info, num_regions);
	MEMBER(vfio_device_info, num_irqs);
	MEMBER(vfio_device_info, cap_offset);
	MEMBER(vfio_device_info, pad);
	STRUCT(vfio_device_info);
	MEMBER(vfio_device_info_cap_pci_atomic_comp, header);
	MEMBER(vfio_device_info_cap_pci_atomic_comp, flags);
	MEMBER(vfio_device_info_cap_pci_atomic_comp, reserved);
	STRUCT(vfio_device_info_cap_pci_atomic_comp);
	MEMBER(vfio_region_info, argsz);
	MEMBER(vfio_region_info, flags);
	MEMBER(vfio_region_info, index);
	MEMBER(vfio_region_info, cap_offset);
	MEMBER(vfio_region_info, size);
	MEMBER(vfio_region_info, offset);
	STRUCT(vfio_region_info);
	MEMBER(vfio_region_sparse_mmap_area, offset);
	MEMBER(vfio_region_sparse_mmap_area, size);
	STRUCT(vfio_region_sparse_mmap_area);
	MEMBER(vfio_region_info_cap_sparse_mmap, header);
	MEMBER(vfio_region_info_cap_sparse_mmap, nr_areas);
	MEMBER(vfio_region_info_cap_sparse_mmap, reserved);
	FLEX(vfio_region_info_cap_sparse_mmap, areas);
	STRUCT(vfio_region_info_cap_sparse_mmap);
	MEMBER(vfio_region_info_cap_type, header);
	MEMBER(vfio_region_info_cap_type, type);
	MEMBER(vfio_region_info_cap_type, subtype);
	STRUCT(vfio_region_info_cap_type);
	MEMBER(vfio_region_gfx_edid, edid_offset);
	MEMBER(vfio_region_gfx_edid, edid_max_size);
	MEMBER(vfio_region_gfx_edid, edid_size);
	MEMBER(vfio_region_gfx_edid, max_xres);
	MEMBER(vfio_region_gfx_edid, max_yres);
	MEMBER(vfio_region_gfx_edid, link_state);
	STRUCT(vfio_region_gfx_edid);
	MEMBER(vfio_region_info_cap_nvlink2_ssatgt, header);
	MEMBER(vfio_region_info_cap_nvlink2_ssatgt, tgt);
	STRUCT(vfio_region_info_cap_nvlink2_ssatgt);
	MEMBER(vfio_region_info_cap_nvlink2_lnkspd, header);
	MEMBER(vfio_region_info_cap_nvlink2_lnkspd, link_speed);
	MEMBER(vfio_region_info_cap_nvlink2_lnkspd, __pad);
	STRUCT(vfio_region_info_cap_nvlink2_lnkspd);
	MEMBER(vfio_irq_info, argsz);
	MEMBER(vfio_irq_info, flags);
	MEMBER(vfio_irq_info, index);
	MEMBER(vfio_irq_info, count);
	STRUCT(vfio_irq_info);
	MEMBER(vfio_irq_set, argsz);
	MEMBER(vfio_irq_set, flags);
	MEMBER(vfio_irq_set, index);
	MEMBER(vfio_irq_set, start);
	MEMBER(vfio_irq_set, count);
	FLEX(vfio_irq_set, data);
	STRUCT(vfio_irq_set);
	MEMBER(vfio_pci_dependent_device, group_id);
	MEMBER(vfio_pci_dependent_device, devid);
	MEMBER(vfio_pci_dependent_device, segment);
	MEMBER(vfio_pci_dependent_device, bus);
	MEMBER(vfio_pci_dependent_device, devfn);
	STRUCT(vfio_pci_dependent_device);
	MEMBER(vfio_pci_hot_reset_info, argsz);
	MEMBER(vfio_pci_hot_reset_info, flags);
	MEMBER(vfio_pci_hot_reset_info, count);
	FLEX(vfio_pci_hot_reset_info, devices);
	STRUCT(vfio_pci_hot_reset_info);
	MEMBER(vfio_pci_hot_reset, argsz);
	MEMBER(vfio_pci_hot_reset, flags);
	MEMBER(vfio_pci_hot_reset, count);
	FLEX(vfio_pci_hot_reset, group_fds);
	STRUCT(vfio_pci_hot_reset);
	MEMBER(vfio_device_gfx_plane_info, argsz);
	MEMBER(vfio_device_gfx_plane_info, flags);
	MEMBER(vfio_device_gfx_plane_info, drm_plane_type);
	MEMBER(vfio_device_gfx_plane_info, drm_format);
	MEMBER(vfio_device_gfx_plane_info, drm_format_mod);
	MEMBER(vfio_device_gfx_plane_info, width);
	MEMBER(vfio_device_gfx_plane_info, height);
	MEMBER(vfio_device_gfx_plane_info, stride);
	MEMBER(vfio_device_gfx_plane_info, size);
	MEMBER(vfio_device_gfx_plane_info, x_pos);
	MEMBER(vfio_device_gfx_plane_info, y_pos);
	MEMBER(vfio_device_gfx_plane_info, x_hot);
	MEMBER(vfio_device_gfx_plane_info, y_hot);
	MEMBER(vfio_device_gfx_plane_info, region_index);
	MEMBER(vfio_device_gfx_plane_info, dmabuf_id);
	MEMBER(vfio_device_gfx_plane_info, reserved);
	STRUCT(vfio_device_gfx_plane_info);
	MEMBER(vfio_device_ioeventfd, argsz);
	MEMBER(vfio_device_ioeventfd, flags);
	MEMBER(vfio_device_ioeventfd, offset);
	MEMBER(vfio_device_ioeventfd, data);
	MEMBER(vfio_device_ioeventfd, fd);
	MEMBER(vfio_device_ioeventfd, reserved);
	STRUCT(vfio_device_ioeventfd);
	MEMBER(vfio_device_feature, argsz);
	MEMBER(vfio_device_feature, flags);
	FLEX(vfio_device_feature, data);
	STRUCT(vfio_device_feature);
	MEMBER(vfio_device_bind_iommufd, argsz);
	MEMBER(vfio_device_bind_iommufd, flags);
	MEMBER(vfio_device_bind_iommufd, iommufd);
	MEMBER(vfio_device_bind_iommufd, out_devid);
	MEMBER(vfio_device_bind_iommufd, token_uuid_ptr);
	STRUCT(vfio_device_bind_iommufd);
	MEMBER(vfio_device_attach_iommufd_pt, argsz);
	MEMBER(vfio_device_attach_iommufd_pt, flags);
	MEMBER(vfio_device_attach_iommufd_pt, pt_id);
	MEMBER(vfio_device_attach_iommufd_pt, pasid);
	STRUCT(vfio_device_attach_iommufd_pt);
	MEMBER(vfio_device_detach_iommufd_pt, argsz);
	MEMBER(vfio_device_detach_iommufd_pt, flags);
	MEMBER(vfio_device_detach_iommufd_pt, pasid);
	STRUCT(vfio_device_detach_iommufd_pt);
	MEMBER(vfio_device_feature_migration, flags);
	STRUCT(vfio_device_feature_migration);
	MEMBER(vfio_device_feature_mig_state, device_state);
	MEMBER(vfio_device_feature_mig_state, data_fd);
	STRUCT(vfio_device_feature_mig_state);
	MEMBER(vfio_precopy_info, argsz);
	MEMBER(vfio_precopy_info, flags);
	MEMBER(vfio_precopy_info, initial_bytes);
	MEMBER(vfio_precopy_info, dirty_bytes);
	STRUCT(vfio_precopy_info);
	MEMBER(vfio_device_low_power_entry_with_wakeup, wakeup_eventfd);
	MEMBER(vfio_device_low_power_entry_with_wakeup, reserved);
	STRUCT(vfio_device_low_power_entry_with_wakeup);
	MEMBER(vfio_device_feature_dma_logging_control, page_size);
	MEMBER(vfio_device_feature_dma_logging_control, num_ranges);
	MEMBER(vfio_device_feature_dma_logging_control, __reserved);
	MEMBER(vfio_device_feature_dma_logging_control, ranges);
	STRUCT(vfio_device_feature_dma_logging_control);
	MEMBER(vfio_device_feature_dma_logging_range, iova);
	MEMBER(vfio_device_feature_dma_logging_range, length);
	STRUCT(vfio_device_feature_dma_logging_range);
	MEMBER(vfio_device_feature_dma_logging_report, iova);
	MEMBER(vfio_device_feature_dma_logging_report, length);
	MEMBER(vfio_device_feature_dma_logging_report, page_size);
	MEMBER(vfio_device_feature_dma_logging_report, bitmap);
	STRUCT(vfio_device_feature_dma_logging_report);
	MEMBER(vfio_device_feature_mig_data_size, stop_copy_length);
	STRUCT(vfio_device_feature_mig_data_size);
	MEMBER(vfio_device_feature_bus_master, op);
	STRUCT(vfio_device_feature_bus_master);
	MEMBER(vfio_region_dma_range, offset);
	MEMBER(vfio_region_dma_range, length);
	STRUCT(vfio_region_dma_range);
	MEMBER(vfio_device_feature_dma_buf, region_index);
	MEMBER(vfio_device_feature_dma_buf, open_flags);
	MEMBER(vfio_device_feature_dma_buf, flags);
	MEMBER(vfio_device_feature_dma_buf, nr_ranges);
	FLEX(vfio_device_feature_dma_buf, dma_ranges);
	STRUCT(vfio_device_feature_dma_buf);
	MEMBER(vfio_iommu_type1_info, argsz);
	MEMBER(vfio_iommu_type1_info, flags);
	MEMBER(vfio_iommu_type1_info, iova_pgsizes);
	MEMBER(vfio_iommu_type1_info, cap_offset);
	MEMBER(vfio_iommu_type1_info, pad);
	STRUCT(vfio_iommu_type1_info);
	MEMBER(vfio_iova_range, start);
	MEMBER(vfio_iova_range, end);
	STRUCT(vfio_iova_range);
	MEMBER(vfio_iommu_type1_info_cap_iova_range, header);
	MEMBER(vfio_iommu_type1_info_cap_iova_range, nr_iovas);
	MEMBER(vfio_iommu_type1_info_cap_iova_range, reserved);
	FLEX(vfio_iommu_type1_info_cap_iova_range, iova_ranges);
	STRUCT(vfio_iommu_type1_info_cap_iova_range);
	MEMBER(vfio_iommu_type1_info_cap_migration, header);
	MEMBER(vfio_iommu_type1_info_cap_migration, flags);
	MEMBER(vfio_iommu_type1_info_cap_migration, pgsize_bitmap);
	MEMBER(vfio_iommu_type1_info_cap_migration, max_dirty_bitmap_size);
	STRUCT(vfio_iommu_type1_info_cap_migration);
	MEMBER(vfio_iommu_type1_info_dma_avail, header);
	MEMBER(vfio_iommu_type1_info_dma_avail, avail);
	STRUCT(vfio_iommu_type1_info_dma_avail);
	MEMBER(vfio_iommu_type1_dma_map, argsz);
	MEMBER(vfio_iommu_type1_dma_map, flags);
	MEMBER(vfio_iommu_type1_dma_map, vaddr);
	MEMBER(vfio_iommu_type1_dma_map, iova);
	MEMBER(vfio_iommu_type1_dma_map, size);
	STRUCT(vfio_iommu_type1_dma_map);
	MEMBER(vfio_bitmap, pgsize);
	MEMBER(vfio_bitmap, size);
	MEMBER(vfio_bitmap, data);
	STRUCT(vfio_bitmap);
	MEMBER(vfio_iommu_type1_dma_unmap, argsz);
	MEMBER(vfio_iommu_type1_dma_unmap, flags);
	MEMBER(vfio_iommu_type1_dma_unmap, iova);
	MEMBER(vfio_iommu_type1_dma_unmap, size);
	FLEX(vfio_iommu_type1_dma_unmap, data);
	STRUCT(vfio_iommu_type1_dma_unmap);
	MEMBER(vfio_iommu_type1_dirty_bitmap, argsz);
	MEMBER(vfio_iommu_type1_dirty_bitmap, flags);
	FLEX(vfio_iommu_type1_dirty_bitmap, data);
	STRUCT(vfio_iommu_type1_dirty_bitmap);
	MEMBER(vfio_iommu_type1_dirty_bitmap_get, iova);
	MEMBER(vfio_iommu_type1_dirty_bitmap_get, size);
	MEMBER(vfio_iommu_type1_dirty_bitmap_get, bitmap);
	STRUCT(vfio_iommu_type1_dirty_bitmap_get);

	/* ioctl numbers */
	IOCTL(VFIO_GET_API_VERSION);
	IOCTL(VFIO_CHECK_EXTENSION);
	IOCTL(VFIO_SET_IOMMU);
	IOCTL(VFIO_GROUP_GET_STATUS);
	IOCTL(VFIO_GROUP_SET_CONTAINER);
	IOCTL(VFIO_GROUP_UNSET_CONTAINER);
	IOCTL(VFIO_GROUP_GET_DEVICE_FD);
	IOCTL(VFIO_DEVICE_GET_INFO);
	IOCTL(VFIO_DEVICE_GET_REGION_INFO);
	IOCTL(VFIO_DEVICE_GET_IRQ_INFO);
	IOCTL(VFIO_DEVICE_SET_IRQS);
	IOCTL(VFIO_DEVICE_RESET);
	IOCTL(VFIO_DEVICE_GET_PCI_HOT_RESET_INFO);
	IOCTL(VFIO_DEVICE_PCI_HOT_RESET);
	IOCTL(VFIO_DEVICE_QUERY_GFX_PLANE);
	IOCTL(VFIO_DEVICE_GET_GFX_DMABUF);
	IOCTL(VFIO_DEVICE_IOEVENTFD);
	IOCTL(VFIO_DEVICE_FEATURE);
	IOCTL(VFIO_DEVICE_BIND_IOMMUFD);
	IOCTL(VFIO_DEVICE_ATTACH_IOMMUFD_PT);
	IOCTL(VFIO_DEVICE_DETACH_IOMMUFD_PT);
	IOCTL(VFIO_MIG_GET_PRECOPY_INFO);
	IOCTL(VFIO_IOMMU_GET_INFO);
	IOCTL(VFIO_IOMMU_MAP_DMA);
	IOCTL(VFIO_IOMMU_UNMAP_DMA);
	IOCTL(VFIO_IOMMU_ENABLE);
	IOCTL(VFIO_IOMMU_DISABLE);
	IOCTL(VFIO_IOMMU_DIRTY_PAGES);

	/* enumerators */
	CONSTANT(VFIO_PCI_BAR0_REGION_INDEX);
	CONSTANT(VFIO_PCI_BAR1_REGION_INDEX);
	CONSTANT(VFIO_PCI_BAR2_REGION_INDEX);
	CONSTANT(VFIO_PCI_BAR3_REGION_INDEX);
	CONSTANT(VFIO_PCI_BAR4_REGION_INDEX);
	CONSTANT(VFIO_PCI_BAR5_REGION_INDEX);
	CONSTANT(VFIO_PCI_ROM_REGION_INDEX);
	CONSTANT(VFIO_PCI_CONFIG_REGION_INDEX);
	CONSTANT(VFIO_PCI_VGA_REGION_INDEX);
	CONSTANT(VFIO_PCI_NUM_REGIONS);
	CONSTANT(VFIO_PCI_INTX_IRQ_INDEX);
	CONSTANT(VFIO_PCI_MSI_IRQ_INDEX);
	CONSTANT(VFIO_PCI_MSIX_IRQ_INDEX);
	CONSTANT(VFIO_PCI_ERR_IRQ_INDEX);
	CONSTANT(VFIO_PCI_REQ_IRQ_INDEX);
	CONSTANT(VFIO_PCI_NUM_IRQS);
	CONSTANT(VFIO_CCW_CONFIG_REGION_INDEX);
	CONSTANT(VFIO_CCW_NUM_REGIONS);
	CONSTANT(VFIO_CCW_IO_IRQ_INDEX);
	CONSTANT(VFIO_CCW_CRW_IRQ_INDEX);
	CONSTANT(VFIO_CCW_REQ_IRQ_INDEX);
	CONSTANT(VFIO_CCW_NUM_IRQS);
	CONSTANT(VFIO_AP_REQ_IRQ_INDEX);
	CONSTANT(VFIO_AP_CFG_CHG_IRQ_INDEX);
	CONSTANT(VFIO_AP_NUM_IRQS);
	CONSTANT(VFIO_DEVICE_STATE_ERROR);
	CONSTANT(VFIO_DEVICE_STATE_STOP);
	CONSTANT(VFIO_DEVICE_STATE_RUNNING);
	CONSTANT(VFIO_DEVICE_STATE_STOP_COPY);
	CONSTANT(VFIO_DEVICE_STATE_RESUMING);
	CONSTANT(VFIO_DEVICE_STATE_RUNNING_P2P);
	CONSTANT(VFIO_DEVICE_STATE_PRE_COPY);
	CONSTANT(VFIO_DEVICE_STATE_PRE_COPY_P2P);
	CONSTANT(VFIO_DEVICE_STATE_NR);

	/* #defines: the type of each literal matters too */
	TYPED_CONSTANT(VFIO_API_VERSION);
	TYPED_CONSTANT(VFIO_TYPE1_IOMMU);
	TYPED_CONSTANT(VFIO_SPAPR_TCE_IOMMU);
	TYPED_CONSTANT(VFIO_TYPE1v2_IOMMU);
	TYPED_CONSTANT(VFIO_DMA_CC_IOMMU);
	TYPED_CONSTANT(VFIO_EEH);
	TYPED_CONSTANT(__VFIO_RESERVED_TYPE1_NESTING_IOMMU);
	TYPED_CONSTANT(VFIO_SPAPR_TCE_v2_IOMMU);
	TYPED_CONSTANT(VFIO_NOIOMMU_IOMMU);
	TYPED_CONSTANT(VFIO_UNMAP_ALL);
	TYPED_CONSTANT(VFIO_UPDATE_VADDR);
	TYPED_CONSTANT(VFIO_TYPE);
	TYPED_CONSTANT(VFIO_BASE);
	TYPED_CONSTANT(VFIO_GROUP_FLAGS_VIABLE);
	TYPED_CONSTANT(VFIO_GROUP_FLAGS_CONTAINER_SET);
	TYPED_CONSTANT(VFIO_DEVICE_FLAGS_RESET);
	TYPED_CONSTANT(VFIO_DEVICE_FLAGS_PCI);
	TYPED_CONSTANT(VFIO_DEVICE_FLAGS_PLATFORM);
	TYPED_CONSTANT(VFIO_DEVICE_FLAGS_AMBA);
	TYPED_CONSTANT(VFIO_DEVICE_FLAGS_CCW);
	TYPED_CONSTANT(VFIO_DEVICE_FLAGS_AP);
	TYPED_CONSTANT(VFIO_DEVICE_FLAGS_FSL_MC);
	TYPED_CONSTANT(VFIO_DEVICE_FLAGS_CAPS);
	TYPED_CONSTANT(VFIO_DEVICE_FLAGS_CDX);
	TYPED_CONSTANT(VFIO_DEVICE_INFO_CAP_ZPCI_BASE);
	TYPED_CONSTANT(VFIO_DEVICE_INFO_CAP_ZPCI_GROUP);
	TYPED_CONSTANT(VFIO_DEVICE_INFO_CAP_ZPCI_UTIL);
	TYPED_CONSTANT(VFIO_DEVICE_INFO_CAP_ZPCI_PFIP);
	TYPED_CONSTANT(VFIO_DEVICE_INFO_CAP_PCI_ATOMIC_COMP);
	TYPED_CONSTANT(VFIO_PCI_ATOMIC_COMP32);
	TYPED_CONSTANT(VFIO_PCI_ATOMIC_COMP64);
	TYPED_CONSTANT(VFIO_PCI_ATOMIC_COMP128);
	TYPED_CONSTANT(VFIO_REGION_INFO_FLAG_READ);
	TYPED_CONSTANT(VFIO_REGION_INFO_FLAG_WRITE);
	TYPED_CONSTANT(VFIO_REGION_INFO_FLAG_MMAP);
	TYPED_CONSTANT(VFIO_REGION_INFO_FLAG_CAPS);
	TYPED_CONSTANT(VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	TYPED_CONSTANT(VFIO_REGION_INFO_CAP_TYPE);
	TYPED_CONSTANT(VFIO_REGION_TYPE_PCI_VENDOR_TYPE);
	TYPED_CONSTANT(VFIO_REGION_TYPE_PCI_VENDOR_MASK);
	TYPED_CONSTANT(VFIO_REGION_TYPE_GFX);
	TYPED_CONSTANT(VFIO_REGION_TYPE_CCW);
	TYPED_CONSTANT(VFIO_REGION_TYPE_MIGRATION_DEPRECATED);
	TYPED_CONSTANT(VFIO_REGION_SUBTYPE_INTEL_IGD_OPREGION);
	TYPED_CONSTANT(VFIO_REGION_SUBTYPE_INTEL_IGD_HOST_CFG);
	TYPED_CONSTANT(VFIO_REGION_SUBTYPE_INTEL_IGD_LPC_CFG);
	TYPED_CONSTANT(VFIO_REGION_SUBTYPE_NVIDIA_NVLINK2_RAM);
	TYPED_CONSTANT(VFIO_REGION_SUBTYPE_IBM_NVLINK2_ATSD);
	TYPED_CONSTANT(VFIO_REGION_SUBTYPE_GFX_EDID);
	TYPED_CONSTANT(VFIO_DEVICE_GFX_LINK_STATE_UP);
	TYPED_CONSTANT(VFIO_DEVICE_GFX_LINK_STATE_DOWN);
	TYPED_CONSTANT(VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD);
	TYPED_CONSTANT(VFIO_REGION_SUBTYPE_CCW_SCHIB);
	TYPED_CONSTANT(VFIO_REGION_SUBTYPE_CCW_CRW);
	TYPED_CONSTANT(VFIO_REGION_SUBTYPE_MIGRATION_DEPRECATED);
	TYPED_CONSTANT(VFIO_REGION_INFO_CAP_MSIX_MAPPABLE);
	TYPED_CONSTANT(VFIO_REGION_INFO_CAP_NVLINK2_SSATGT);
	TYPED_CONSTANT(VFIO_REGION_INFO_CAP_NVLINK2_LNKSPD);
	TYPED_CONSTANT(VFIO_IRQ_INFO_EVENTFD);
	TYPED_CONSTANT(VFIO_IRQ_INFO_MASKABLE);
	TYPED_CONSTANT(VFIO_IRQ_INFO_AUTOMASKED);
	TYPED_CONSTANT(VFIO_IRQ_INFO_NORESIZE);
	TYPED_CONSTANT(VFIO_IRQ_SET_DATA_NONE);
	TYPED_CONSTANT(VFIO_IRQ_SET_DATA_BOOL);
	TYPED_CONSTANT(VFIO_IRQ_SET_DATA_EVENTFD);
	TYPED_CONSTANT(VFIO_IRQ_SET_ACTION_MASK);
	TYPED_CONSTANT(VFIO_IRQ_SET_ACTION_UNMASK);
	TYPED_CONSTANT(VFIO_IRQ_SET_ACTION_TRIGGER);
	TYPED_CONSTANT(VFIO_IRQ_SET_DATA_TYPE_MASK);
	TYPED_CONSTANT(VFIO_IRQ_SET_ACTION_TYPE_MASK);
	TYPED_CONSTANT(VFIO_PCI_DEVID_OWNED);
	TYPED_CONSTANT(VFIO_PCI_DEVID_NOT_OWNED);
	TYPED_CONSTANT(VFIO_PCI_HOT_RESET_FLAG_DEV_ID);
	TYPED_CONSTANT(VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED);
	TYPED_CONSTANT(VFIO_GFX_PLANE_TYPE_PROBE);
	TYPED_CONSTANT(VFIO_GFX_PLANE_TYPE_DMABUF);
	TYPED_CONSTANT(VFIO_GFX_PLANE_TYPE_REGION);
	TYPED_CONSTANT(VFIO_DEVICE_IOEVENTFD_8);
	TYPED_CONSTANT(VFIO_DEVICE_IOEVENTFD_16);
	TYPED_CONSTANT(VFIO_DEVICE_IOEVENTFD_32);
	TYPED_CONSTANT(VFIO_DEVICE_IOEVENTFD_64);
	TYPED_CONSTANT(VFIO_DEVICE_IOEVENTFD_SIZE_MASK);
	TYPED_CONSTANT(VFIO_DEVICE_FEATURE_MASK);
	TYPED_CONSTANT(VFIO_DEVICE_FEATURE_GET);
	TYPED_CONSTANT(VFIO_DEVICE_FEATURE_SET);
	TYPED_CONSTANT(VFIO_DEVICE_FEATURE_PROBE);
	TYPED_CONSTANT(VFIO_DEVICE_BIND_FLAG_TOKEN);
	TYPED_CONSTANT(VFIO_DEVICE_ATTACH_PASID);
	TYPED_CONSTANT(VFIO_DEVICE_DETACH_PASID);
	TYPED_CONSTANT(VFIO_DEVICE_FEATURE_PCI_VF_TOKEN);
	TYPED_CONSTANT(VFIO_MIGRATION_STOP_COPY);
	TYPED_CONSTANT(VFIO_MIGRATION_P2P);
	TYPED_CONSTANT(VFIO_MIGRATION_PRE_COPY);
	TYPED_CONSTANT(VFIO_DEVICE_FEATURE_MIGRATION);
	TYPED_CONSTANT(VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE);
	TYPED_CONSTANT(VFIO_PRECOPY_INFO_REINIT);
	TYPED_CONSTANT(VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY);
	TYPED_CONSTANT(VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP);
	TYPED_CONSTANT(VFIO_DEVICE_FEATURE_LOW_POWER_EXIT);
	TYPED_CONSTANT(VFIO_DEVICE_FEATURE_DMA_LOGGING_START);
	TYPED_CONSTANT(VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP);
	TYPED_CONSTANT(VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT);
	TYPED_CONSTANT(VFIO_DEVICE_FEATURE_MIG_DATA_SIZE);
	TYPED_CONSTANT(VFIO_DEVICE_FEATURE_CLEAR_MASTER);
	TYPED_CONSTANT(VFIO_DEVICE_FEATURE_SET_MASTER);
	TYPED_CONSTANT(VFIO_DEVICE_FEATURE_BUS_MASTER);
	TYPED_CONSTANT(VFIO_DEVICE_FEATURE_DMA_BUF);
	TYPED_CONSTANT(VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2);
	TYPED_CONSTANT(VFIO_IOMMU_INFO_PGSIZES);
	TYPED_CONSTANT(VFIO_IOMMU_INFO_CAPS);
	TYPED_CONSTANT(VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
	TYPED_CONSTANT(VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION);
	TYPED_CONSTANT(VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
	TYPED_CONSTANT(VFIO_DMA_MAP_FLAG_READ);
	TYPED_CONSTANT(VFIO_DMA_MAP_FLAG_WRITE);
	TYPED_CONSTANT(VFIO_DMA_MAP_FLAG_VADDR);
	TYPED_CONSTANT(VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP);
	TYPED_CONSTANT(VFIO_DMA_UNMAP_FLAG_ALL);
	TYPED_CONSTANT(VFIO_DMA_UNMAP_FLAG_VADDR);
	TYPED_CONSTANT(VFIO_IOMMU_DIRTY_PAGES_FLAG_START);
	TYPED_CONSTANT(VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP);
	TYPED_CONSTANT(VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP);

	/* strings */
	STRING(VFIO_DEVICE_API_PCI_STRING);
	STRING(VFIO_DEVICE_API_PLATFORM_STRING);
	STRING(VFIO_DEVICE_API_AMBA_STRING);
	STRING(VFIO_DEVICE_API_CCW_STRING);
	STRING(VFIO_DEVICE_API_AP_STRING);
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
#ifdef WITH_VFIO
	dump_vfio();
#endif
	return fflush(stdout) == 0 ? 0 : 1;
}
