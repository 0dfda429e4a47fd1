// SPDX-License-Identifier: MIT
/*
 * fuzz_ioctl operations: the iommufd uAPI proper (IOAS, HWPT, hardware
 * info, fault queues, vIOMMU objects, options, destroy).
 */
#include <errno.h>
#include <string.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/iommufd_test.h>
#include <uiommufd/uiommufd.h>

#include "fuzz_ioctl.h"

static uint32_t map_flags(struct fz_input *in)
{
	return PICK32(in, IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
		      IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			      IOMMU_IOAS_MAP_WRITEABLE,
		      IOMMU_IOAS_MAP_READABLE,
		      IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE, 0,
		      IOMMU_IOAS_MAP_WRITEABLE);
}

static long op_destroy(struct fz_state *st, struct fz_input *in)
{
	struct iommu_destroy cmd = {0};
	int fd = fz_ctx(st, in);
	struct fz_arg a;

	cmd.id = fz_id(st, in, (enum fz_kind)(fz_u8(in) % K_COOKIE));
	return fz_ioctl(st, fd, IOMMU_DESTROY, FZ_ARG(in, &a, cmd, id));
}

static long op_ioas_alloc(struct fz_state *st, struct fz_input *in)
{
	struct iommu_ioas_alloc cmd = {0};
	int fd = fz_ctx(st, in);
	struct fz_arg a;
	long rc;

	cmd.flags = PICK32(in, 0, 0, 0, 1);
	rc = fz_ioctl(st, fd, IOMMU_IOAS_ALLOC,
		      FZ_ARG(in, &a, cmd, out_ioas_id));
	fz_arg_back(&a, &cmd);
	if (!rc)
		fz_add_id(st, K_IOAS, cmd.out_ioas_id, fd);
	return rc;
}

static long op_ioas_map(struct fz_state *st, struct fz_input *in)
{
	struct iommu_ioas_map cmd = {0};
	int fd = fz_ctx(st, in);
	struct fz_arg a;
	long rc;

	cmd.flags = map_flags(in);
	cmd.ioas_id = fz_id(st, in, K_IOAS);
	cmd.length = fz_len(in);
	cmd.user_va = fz_uptr(in, cmd.length);
	cmd.iova = fz_iova(st, in);
	rc = fz_ioctl(st, fd, IOMMU_IOAS_MAP, FZ_ARG(in, &a, cmd, iova));
	fz_arg_back(&a, &cmd);
	if (!rc) {
		fz_add_map(st, cmd.iova, cmd.length);
		fz_add_pinned(st, cmd.user_va);
	}
	return rc;
}

/* A descriptor to map: a memfd of the program or the region's, or others */
static int map_file_fd(struct fz_state *st, struct fz_input *in)
{
	uint8_t b = fz_u8(in);

	switch (b % 4) {
	case 0:
		return fz_mem.memfd;
	case 1:
		return fz_fd(st, in, FM(F_MEMFD));
	case 2:
		return fz_fd(st, in, FM(F_DMABUF));
	default:
		return fz_fd(st, in, FM_ANY);
	}
}

static long op_ioas_map_file(struct fz_state *st, struct fz_input *in)
{
	struct iommu_ioas_map_file cmd = {0};
	int fd = fz_ctx(st, in);
	struct fz_arg a;
	uint8_t b;
	long rc;

	cmd.flags = map_flags(in);
	cmd.ioas_id = fz_id(st, in, K_IOAS);
	cmd.fd = map_file_fd(st, in);
	b = fz_u8(in);
	cmd.start = (b & 0x0f) * FZ_PAGE + ((b & 0x10) ? 1 : 0);
	if (b >= 0xe0)
		cmd.start = fz_u64(in);
	cmd.length = fz_len(in);
	cmd.iova = fz_iova(st, in);
	rc = fz_ioctl(st, fd, IOMMU_IOAS_MAP_FILE, FZ_ARG(in, &a, cmd, iova));
	fz_arg_back(&a, &cmd);
	if (!rc) {
		fz_add_map(st, cmd.iova, cmd.length);
		/* The region's mapping shows the pins of its file pages */
		if (cmd.fd == fz_mem.memfd)
			fz_add_pinned(st, (uintptr_t)fz_mem.base[FZ_REG_MEMFD] +
						  cmd.start);
	}
	return rc;
}

static long op_ioas_unmap(struct fz_state *st, struct fz_input *in)
{
	struct iommu_ioas_unmap cmd = {0};
	int fd = fz_ctx(st, in);
	struct fz_arg a;
	uint8_t b;

	cmd.ioas_id = fz_id(st, in, K_IOAS);
	b = fz_u8(in);
	if (b >= 0xe0) { /* unmap all */
		cmd.iova = 0;
		cmd.length = UINT64_MAX;
	} else if (b < 0x80 && st->nmaps) {
		cmd.iova = st->maps[b % st->nmaps].iova;
		cmd.length = st->maps[b % st->nmaps].len;
	} else {
		cmd.iova = fz_iova(st, in);
		cmd.length = fz_len(in);
	}
	return fz_ioctl(st, fd, IOMMU_IOAS_UNMAP, FZ_ARG(in, &a, cmd, length));
}

static long op_ioas_copy(struct fz_state *st, struct fz_input *in)
{
	struct iommu_ioas_copy cmd = {0};
	int fd = fz_ctx(st, in);
	struct fz_arg a;
	long rc;

	cmd.flags = map_flags(in);
	cmd.dst_ioas_id = fz_id(st, in, K_IOAS);
	cmd.src_ioas_id = fz_id(st, in, K_IOAS);
	cmd.length = fz_len(in);
	cmd.dst_iova = fz_iova(st, in);
	cmd.src_iova = fz_iova(st, in);
	rc = fz_ioctl(st, fd, IOMMU_IOAS_COPY, FZ_ARG(in, &a, cmd, src_iova));
	fz_arg_back(&a, &cmd);
	if (!rc)
		fz_add_map(st, cmd.dst_iova, cmd.length);
	return rc;
}

/* An array pointer: mostly the scratch data area, else any user pointer */
static uint64_t array_ptr(struct fz_input *in, size_t len)
{
	uint8_t b = fz_u8(in);

	if (b < 0xc0)
		return (uintptr_t)fz_scratch_data() + (b & 0x40 ? 4 : 0);
	return fz_uptr(in, len);
}

static long op_ioas_iova_ranges(struct fz_state *st, struct fz_input *in)
{
	struct iommu_ioas_iova_ranges cmd = {0};
	int fd = fz_ctx(st, in);
	struct fz_arg a;

	cmd.ioas_id = fz_id(st, in, K_IOAS);
	cmd.num_iovas = PICK32(in, 0, 1, 2, 4, 16, 1u << 28);
	cmd.__reserved = PICK32(in, 0, 0, 0, 1);
	cmd.allowed_iovas = array_ptr(in, cmd.num_iovas * 16ULL);
	return fz_ioctl(st, fd, IOMMU_IOAS_IOVA_RANGES,
			FZ_ARG(in, &a, cmd, out_iova_alignment));
}

static long op_ioas_allow_iovas(struct fz_state *st, struct fz_input *in)
{
	struct iommu_iova_range *r = (void *)fz_scratch_data();
	struct iommu_ioas_allow_iovas cmd = {0};
	int fd = fz_ctx(st, in);
	struct fz_arg a;

	cmd.ioas_id = fz_id(st, in, K_IOAS);
	cmd.num_iovas = PICK32(in, 1, 0, 2, 3, 1u << 28);
	for (uint32_t i = 0; i < cmd.num_iovas && i < 4; i++) {
		r[i].start = fz_iova(st, in);
		r[i].last = r[i].start + fz_len(in) - 1;
	}
	cmd.allowed_iovas = array_ptr(in, cmd.num_iovas * 16ULL);
	return fz_ioctl(st, fd, IOMMU_IOAS_ALLOW_IOVAS,
			FZ_ARG(in, &a, cmd, allowed_iovas));
}

static long op_ioas_change_process(struct fz_state *st, struct fz_input *in)
{
	struct iommu_ioas_change_process cmd = {0};
	int fd = fz_ctx(st, in);
	struct fz_arg a;

	cmd.__reserved = PICK32(in, 0, 0, 0, 1);
	return fz_ioctl(st, fd, IOMMU_IOAS_CHANGE_PROCESS,
			FZ_ARG(in, &a, cmd, __reserved));
}

static long op_option(struct fz_state *st, struct fz_input *in)
{
	struct iommu_option cmd = {0};
	int fd = fz_ctx(st, in);
	struct fz_arg a;

	cmd.option_id = PICK32(in, IOMMU_OPTION_HUGE_PAGES,
			       IOMMU_OPTION_RLIMIT_MODE, 2);
	cmd.op = (uint16_t)PICK32(in, IOMMU_OPTION_OP_SET, IOMMU_OPTION_OP_GET,
				  2);
	cmd.object_id = fz_id(st, in, K_IOAS);
	cmd.val64 = PICK32(in, 0, 1, 2);
	return fz_ioctl(st, fd, IOMMU_OPTION, FZ_ARG(in, &a, cmd, val64));
}

static long op_vfio_ioas(struct fz_state *st, struct fz_input *in)
{
	struct iommu_vfio_ioas cmd = {0};
	int fd = fz_ctx(st, in);
	struct fz_arg a;
	long rc;

	cmd.ioas_id = fz_id(st, in, K_IOAS);
	cmd.op = (uint16_t)PICK32(in, IOMMU_VFIO_IOAS_SET, IOMMU_VFIO_IOAS_GET,
				  IOMMU_VFIO_IOAS_CLEAR, 3);
	rc = fz_ioctl(st, fd, IOMMU_VFIO_IOAS, FZ_ARG(in, &a, cmd, __reserved));
	fz_arg_back(&a, &cmd);
	if (!rc && cmd.op == IOMMU_VFIO_IOAS_GET)
		fz_add_id(st, K_IOAS, cmd.ioas_id, fd);
	return rc;
}

static long op_hwpt_alloc(struct fz_state *st, struct fz_input *in)
{
	struct iommu_hwpt_selftest *data = (void *)fz_scratch_data();
	struct iommu_hwpt_alloc cmd = {0};
	int fd = fz_ctx(st, in);
	struct fz_arg a;
	uint8_t b;
	long rc;

	cmd.flags = PICK32(in, 0, IOMMU_HWPT_ALLOC_NEST_PARENT,
			   IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
			   IOMMU_HWPT_FAULT_ID_VALID, IOMMU_HWPT_ALLOC_PASID,
			   IOMMU_HWPT_ALLOC_NEST_PARENT |
				   IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
			   IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_PASID);
	cmd.dev_id = fz_id(st, in, K_IDEV);
	b = fz_u8(in);
	cmd.pt_id = fz_id(st, in, (b & 1) ? K_HWPT : K_IOAS);
	cmd.data_type = PICK32(in, IOMMU_HWPT_DATA_NONE,
			       IOMMU_HWPT_DATA_SELFTEST,
			       IOMMU_HWPT_DATA_VTD_S1);
	data->iotlb = PICK32(in, IOMMU_TEST_IOTLB_DEFAULT, 0, 1);
	data->pagetable_type =
		PICK32(in, MOCK_IOMMUPT_DEFAULT, MOCK_IOMMUPT_HUGE, 2);
	cmd.data_len = PICK32(in, 0, sizeof(*data), sizeof(*data),
			      sizeof(*data) - 4, sizeof(*data) + 8);
	memset((uint8_t *)data + sizeof(*data), 0, 8);
	cmd.data_uptr = array_ptr(in, cmd.data_len);
	cmd.fault_id = fz_id(st, in, K_FAULT);
	cmd.__reserved = (b & 0xc0) == 0xc0;
	rc = fz_ioctl(st, fd, IOMMU_HWPT_ALLOC,
		      FZ_ARG(in, &a, cmd, __reserved));
	fz_arg_back(&a, &cmd);
	if (!rc)
		fz_add_id(st, K_HWPT, cmd.out_hwpt_id, fd);
	return rc;
}

static long op_hwpt_invalidate(struct fz_state *st, struct fz_input *in)
{
	struct iommu_hwpt_invalidate_selftest *e = (void *)fz_scratch_data();
	struct iommu_hwpt_invalidate cmd = {0};
	int fd = fz_ctx(st, in);
	struct fz_arg a;
	long rc;

	cmd.hwpt_id = fz_id(st, in, (fz_u8(in) & 1) ? K_VIOMMU : K_HWPT);
	cmd.data_type = PICK32(in, IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
			       IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID,
			       IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
			       IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3);
	cmd.entry_len = PICK32(in, sizeof(*e), sizeof(*e), 0, 4, 12, 16, 4096);
	cmd.entry_num = PICK32(in, 1, 2, 0, 4, 1u << 20);
	for (unsigned int i = 0; i != 4; i++) {
		e[i].flags = PICK32(in, 0, IOMMU_TEST_INVALIDATE_FLAG_ALL, 2);
		e[i].iotlb_id = PICK32(in, 0, 1, 2, 3, 4);
	}
	memset(e + 4, 0, 64);
	cmd.data_uptr = array_ptr(in, (uint64_t)cmd.entry_len * cmd.entry_num);
	cmd.__reserved = PICK32(in, 0, 0, 0, 1);
	rc = fz_ioctl(st, fd, IOMMU_HWPT_INVALIDATE,
		      FZ_ARG(in, &a, cmd, __reserved));
	return rc;
}

static long op_hwpt_set_dirty(struct fz_state *st, struct fz_input *in)
{
	struct iommu_hwpt_set_dirty_tracking cmd = {0};
	int fd = fz_ctx(st, in);
	struct fz_arg a;

	cmd.flags = PICK32(in, IOMMU_HWPT_DIRTY_TRACKING_ENABLE, 0, 2);
	cmd.hwpt_id = fz_id(st, in, K_HWPT);
	cmd.__reserved = PICK32(in, 0, 0, 0, 1);
	return fz_ioctl(st, fd, IOMMU_HWPT_SET_DIRTY_TRACKING,
			FZ_ARG(in, &a, cmd, __reserved));
}

/* A page size for dirty bitmaps: right, odd, zero or huge */
static uint64_t dirty_page_size(struct fz_input *in)
{
	uint8_t b = fz_u8(in);
	static const uint64_t v[] = {FZ_PAGE, 2048,	  FZ_HUGE, 0,
				     3,	      1ULL << 63, 8192,	   1ULL << 30};

	if (b >= 0xf0)
		return fz_u64(in);
	return v[b % FZ_ARRAY_SIZE(v)];
}

static long op_hwpt_get_dirty(struct fz_state *st, struct fz_input *in)
{
	struct iommu_hwpt_get_dirty_bitmap cmd = {0};
	int fd = fz_ctx(st, in);
	struct fz_arg a;

	cmd.hwpt_id = fz_id(st, in, K_HWPT);
	cmd.flags = PICK32(in, 0, IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR, 2);
	cmd.iova = fz_iova(st, in);
	cmd.length = fz_len(in);
	cmd.page_size = dirty_page_size(in);
	cmd.data = array_ptr(in, 8);
	memset(fz_scratch_data(), 0, 4096);
	return fz_ioctl(st, fd, IOMMU_HWPT_GET_DIRTY_BITMAP,
			FZ_ARG(in, &a, cmd, data));
}

static long op_get_hw_info(struct fz_state *st, struct fz_input *in)
{
	struct iommu_hw_info cmd = {0};
	int fd = fz_ctx(st, in);
	struct fz_arg a;

	cmd.flags = PICK32(in, 0, IOMMU_HW_INFO_FLAG_INPUT_TYPE, 2);
	cmd.dev_id = fz_id(st, in, K_IDEV);
	cmd.data_len =
		PICK32(in, sizeof(struct iommu_test_hw_info), 0, 4, 64, 4096);
	cmd.data_uptr = array_ptr(in, cmd.data_len);
	cmd.in_data_type = PICK32(in, IOMMU_HW_INFO_TYPE_DEFAULT,
				  IOMMU_HW_INFO_TYPE_SELFTEST,
				  IOMMU_HW_INFO_TYPE_INTEL_VTD);
	cmd.__reserved[0] = (uint8_t)PICK32(in, 0, 0, 0, 1);
	return fz_ioctl(st, fd, IOMMU_GET_HW_INFO,
			FZ_ARG(in, &a, cmd, __reserved));
}

static long op_fault_alloc(struct fz_state *st, struct fz_input *in)
{
	struct iommu_fault_alloc cmd = {0};
	int fd = fz_ctx(st, in);
	struct fz_arg a;
	long rc;

	cmd.flags = PICK32(in, 0, 0, 0, 1);
	rc = fz_ioctl(st, fd, IOMMU_FAULT_QUEUE_ALLOC,
		      FZ_ARG(in, &a, cmd, out_fault_fd));
	fz_arg_back(&a, &cmd);
	if (!rc) {
		fz_add_id(st, K_FAULT, cmd.out_fault_id, fd);
		fz_add_fd(st, F_FAULT, (int)cmd.out_fault_fd);
	}
	return rc;
}

static long op_viommu_alloc(struct fz_state *st, struct fz_input *in)
{
	struct iommu_viommu_selftest *data = (void *)fz_scratch_data();
	struct iommu_viommu_alloc cmd = {0};
	int fd = fz_ctx(st, in);
	struct fz_arg a;
	long rc;

	cmd.flags = PICK32(in, 0, 0, 0, 1);
	cmd.type = PICK32(in, IOMMU_VIOMMU_TYPE_SELFTEST,
			  IOMMU_VIOMMU_TYPE_DEFAULT,
			  IOMMU_VIOMMU_TYPE_ARM_SMMUV3);
	cmd.dev_id = fz_id(st, in, K_IDEV);
	cmd.hwpt_id = fz_id(st, in, K_HWPT);
	memset(data, 0, sizeof(*data));
	data->in_data = fz_u32(in);
	cmd.data_len = PICK32(in, sizeof(*data), 0, 4, sizeof(*data) + 8);
	cmd.data_uptr = array_ptr(in, cmd.data_len);
	rc = fz_ioctl(st, fd, IOMMU_VIOMMU_ALLOC,
		      FZ_ARG(in, &a, cmd, out_viommu_id));
	fz_arg_back(&a, &cmd);
	if (!rc)
		fz_add_id(st, K_VIOMMU, cmd.out_viommu_id, fd);
	return rc;
}

static long op_vdevice_alloc(struct fz_state *st, struct fz_input *in)
{
	struct iommu_vdevice_alloc cmd = {0};
	int fd = fz_ctx(st, in);
	struct fz_arg a;
	long rc;

	cmd.viommu_id = fz_id(st, in, K_VIOMMU);
	cmd.dev_id = fz_id(st, in, K_IDEV);
	cmd.virt_id = PICK32(in, 0, 1, 2, 0x1000);
	if (fz_u8(in) >= 0xf0)
		cmd.virt_id = fz_u64(in);
	rc = fz_ioctl(st, fd, IOMMU_VDEVICE_ALLOC,
		      FZ_ARG(in, &a, cmd, virt_id));
	fz_arg_back(&a, &cmd);
	if (!rc)
		fz_add_id(st, K_VDEVICE, cmd.out_vdevice_id, fd);
	return rc;
}

static long op_veventq_alloc(struct fz_state *st, struct fz_input *in)
{
	struct iommu_veventq_alloc cmd = {0};
	int fd = fz_ctx(st, in);
	struct fz_arg a;
	long rc;

	cmd.flags = PICK32(in, 0, 0, 0, 1);
	cmd.viommu_id = fz_id(st, in, K_VIOMMU);
	cmd.type = PICK32(in, IOMMU_VEVENTQ_TYPE_SELFTEST,
			  IOMMU_VEVENTQ_TYPE_DEFAULT,
			  IOMMU_VEVENTQ_TYPE_ARM_SMMUV3);
	cmd.veventq_depth = PICK32(in, 2, 1, 0, 16, 1u << 19, (1u << 19) + 1);
	cmd.__reserved = PICK32(in, 0, 0, 0, 1);
	rc = fz_ioctl(st, fd, IOMMU_VEVENTQ_ALLOC,
		      FZ_ARG(in, &a, cmd, out_veventq_fd));
	fz_arg_back(&a, &cmd);
	if (!rc) {
		fz_add_id(st, K_VEVENTQ, cmd.out_veventq_id, fd);
		fz_add_fd(st, F_VEVENTQ, (int)cmd.out_veventq_fd);
	}
	return rc;
}

static long op_hw_queue_alloc(struct fz_state *st, struct fz_input *in)
{
	struct iommu_hw_queue_alloc cmd = {0};
	int fd = fz_ctx(st, in);
	struct fz_arg a;

	cmd.flags = PICK32(in, 0, 0, 0, 1);
	cmd.viommu_id = fz_id(st, in, K_VIOMMU);
	cmd.type = PICK32(in, IOMMU_HW_QUEUE_TYPE_SELFTEST,
			  IOMMU_HW_QUEUE_TYPE_DEFAULT);
	cmd.index = PICK32(in, 0, 1, 2);
	cmd.nesting_parent_iova = fz_iova(st, in);
	cmd.length = fz_len(in);
	return fz_ioctl(st, fd, IOMMU_HW_QUEUE_ALLOC,
			FZ_ARG(in, &a, cmd, length));
}

void fz_ops_iommufd(fz_op_fn *ops)
{
	ops[FZ_OP_DESTROY] = op_destroy;
	ops[FZ_OP_IOAS_ALLOC] = op_ioas_alloc;
	ops[FZ_OP_IOAS_MAP] = op_ioas_map;
	ops[FZ_OP_IOAS_MAP_FILE] = op_ioas_map_file;
	ops[FZ_OP_IOAS_UNMAP] = op_ioas_unmap;
	ops[FZ_OP_IOAS_COPY] = op_ioas_copy;
	ops[FZ_OP_IOAS_IOVA_RANGES] = op_ioas_iova_ranges;
	ops[FZ_OP_IOAS_ALLOW_IOVAS] = op_ioas_allow_iovas;
	ops[FZ_OP_IOAS_CHANGE_PROCESS] = op_ioas_change_process;
	ops[FZ_OP_OPTION] = op_option;
	ops[FZ_OP_VFIO_IOAS] = op_vfio_ioas;
	ops[FZ_OP_HWPT_ALLOC] = op_hwpt_alloc;
	ops[FZ_OP_HWPT_INVALIDATE] = op_hwpt_invalidate;
	ops[FZ_OP_HWPT_SET_DIRTY] = op_hwpt_set_dirty;
	ops[FZ_OP_HWPT_GET_DIRTY] = op_hwpt_get_dirty;
	ops[FZ_OP_GET_HW_INFO] = op_get_hw_info;
	ops[FZ_OP_FAULT_ALLOC] = op_fault_alloc;
	ops[FZ_OP_VIOMMU_ALLOC] = op_viommu_alloc;
	ops[FZ_OP_VDEVICE_ALLOC] = op_vdevice_alloc;
	ops[FZ_OP_VEVENTQ_ALLOC] = op_veventq_alloc;
	ops[FZ_OP_HW_QUEUE_ALLOC] = op_hw_queue_alloc;
}
