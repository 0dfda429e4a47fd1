// SPDX-License-Identifier: MIT
/*
 * fuzz_ioctl operations: the test uAPI (IOMMU_TEST_CMD), which gives the
 * program mock devices and domains, accesses, dirty marking, page faults,
 * PASIDs and dma-bufs.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/iommufd_test.h>
#include <uiommufd/uiommufd.h>

#include "fuzz_ioctl.h"

static long test_cmd(struct fz_state *st, struct fz_input *in, int fd,
		     struct iommu_test_cmd *cmd)
{
	struct fz_arg a;
	long rc;

	rc = fz_ioctl(st, fd, IOMMU_TEST_CMD, FZ_ARG(in, &a, *cmd, last));
	fz_arg_back(&a, cmd);
	return rc;
}

static long op_add_reserved(struct fz_state *st, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.op = IOMMU_TEST_OP_ADD_RESERVED};
	int fd = fz_ctx(st, in);

	cmd.id = fz_id(st, in, K_IOAS);
	cmd.add_reserved.start = fz_iova(st, in);
	cmd.add_reserved.length = fz_len(in);
	return test_cmd(st, in, fd, &cmd);
}

static long op_mock_domain(struct fz_state *st, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.op = IOMMU_TEST_OP_MOCK_DOMAIN};
	int fd = fz_ctx(st, in);
	uint8_t b = fz_u8(in);
	long rc;

	cmd.id = fz_id(st, in, (b & 1) ? K_HWPT : K_IOAS);
	if (b & 2) {
		cmd.op = IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS;
		cmd.mock_domain_flags.dev_flags = PICK32(
			in, MOCK_FLAGS_DEVICE_NO_DIRTY, MOCK_FLAGS_DEVICE_PASID,
			0,
			MOCK_FLAGS_DEVICE_NO_DIRTY | MOCK_FLAGS_DEVICE_PASID);
	}
	rc = test_cmd(st, in, fd, &cmd);
	if (!rc) {
		fz_add_id(st, K_STDEV, cmd.mock_domain.out_stdev_id, fd);
		fz_add_id(st, K_HWPT, cmd.mock_domain.out_hwpt_id, fd);
		fz_add_id(st, K_IDEV, cmd.mock_domain.out_idev_id, fd);
	}
	return rc;
}

static long op_mock_replace(struct fz_state *st, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE};
	int fd = fz_ctx(st, in);
	uint8_t b = fz_u8(in);
	long rc;

	cmd.id = fz_id(st, in, K_STDEV);
	cmd.mock_domain_replace.pt_id =
		fz_id(st, in, (b & 1) ? K_HWPT : K_IOAS);
	rc = test_cmd(st, in, fd, &cmd);
	if (!rc && !(b & 1))
		fz_add_id(st, K_HWPT, cmd.mock_domain_replace.pt_id, fd);
	return rc;
}

static long op_check_map(struct fz_state *st, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.op = IOMMU_TEST_OP_MD_CHECK_MAP};
	int fd = fz_ctx(st, in);

	cmd.id = fz_id(st, in, K_HWPT);
	cmd.check_map.iova = fz_iova(st, in);
	cmd.check_map.length = fz_len(in);
	cmd.check_map.uptr = fz_uptr(in, cmd.check_map.length);
	return test_cmd(st, in, fd, &cmd);
}

static long op_check_refs(struct fz_state *st, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.op = IOMMU_TEST_OP_MD_CHECK_REFS};
	int fd = fz_ctx(st, in);

	cmd.check_refs.length = fz_len(in);
	cmd.check_refs.uptr = fz_uptr(in, cmd.check_refs.length);
	cmd.check_refs.refs = PICK32(in, 0, 1, 2);
	return test_cmd(st, in, fd, &cmd);
}

static long op_create_access(struct fz_state *st, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.op = IOMMU_TEST_OP_CREATE_ACCESS};
	int fd = fz_ctx(st, in);
	long rc;

	cmd.id = fz_id(st, in, K_IOAS);
	cmd.create_access.flags =
		PICK32(in, MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES, 0, 2);
	rc = test_cmd(st, in, fd, &cmd);
	if (!rc)
		fz_add_fd(st, F_ACCESS, (int)cmd.create_access.out_access_fd);
	return rc;
}

static long op_access_pages(struct fz_state *st, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.op = IOMMU_TEST_OP_ACCESS_PAGES};
	int fd = fz_ctx(st, in);
	int afd = fz_fd(st, in, FM(F_ACCESS));
	long rc;

	cmd.id = (uint32_t)afd;
	cmd.access_pages.flags =
		PICK32(in, 0, MOCK_FLAGS_ACCESS_WRITE, MOCK_FLAGS_ACCESS_SYZ,
		       MOCK_FLAGS_ACCESS_WRITE | MOCK_FLAGS_ACCESS_SYZ);
	cmd.access_pages.iova = fz_iova(st, in);
	cmd.access_pages.length = fz_len(in);
	/* 0 skips the comparison with the user memory */
	cmd.access_pages.uptr =
		(fz_u8(in) & 1) ? fz_uptr(in, cmd.access_pages.length) : 0;
	rc = test_cmd(st, in, fd, &cmd);
	if (!rc)
		fz_add_id(st, K_PAGES, cmd.access_pages.out_access_pages_id,
			  afd);
	return rc;
}

static long op_access_rw(struct fz_state *st, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.op = IOMMU_TEST_OP_ACCESS_RW};
	int fd = fz_ctx(st, in);
	uint8_t b;

	cmd.id = (uint32_t)fz_fd(st, in, FM(F_ACCESS));
	cmd.access_rw.flags =
		PICK32(in, 0, MOCK_ACCESS_RW_WRITE, MOCK_ACCESS_RW_SLOW_PATH,
		       MOCK_ACCESS_RW_WRITE | MOCK_ACCESS_RW_SLOW_PATH,
		       MOCK_FLAGS_ACCESS_SYZ);
	cmd.access_rw.iova = fz_iova(st, in) + fz_u8(in) % 64;
	b = fz_u8(in);
	cmd.access_rw.length = b < 0xc0 ? (b % 4) * 1500 + (b % 3) : fz_len(in);
	/* The buffer the bytes go to or come from */
	cmd.access_rw.uptr = (b & 0x40) ? fz_uptr(in, cmd.access_rw.length)
					: (uintptr_t)fz_scratch_data();
	return test_cmd(st, in, fd, &cmd);
}

static long op_destroy_access_pages(struct fz_state *st, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.op = IOMMU_TEST_OP_DESTROY_ACCESS_PAGES};
	int fd = fz_ctx(st, in);
	struct fz_id *e = fz_id_entry(st, in, K_PAGES);
	uint8_t b = fz_u8(in);

	/* Mostly through the access that pinned them */
	if (e && b < 0xc0)
		cmd.id = (uint32_t)e->aux;
	else
		cmd.id = (uint32_t)fz_fd(st, in, FM(F_ACCESS));
	cmd.destroy_access_pages.access_pages_id = e ? e->id
						     : PICK32(in, 0, 1, 2);
	return test_cmd(st, in, fd, &cmd);
}

static long op_access_replace_ioas(struct fz_state *st, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.op = IOMMU_TEST_OP_ACCESS_REPLACE_IOAS};
	int fd = fz_ctx(st, in);

	cmd.id = (uint32_t)fz_fd(st, in, FM(F_ACCESS));
	cmd.access_replace_ioas.ioas_id = fz_id(st, in, K_IOAS);
	return test_cmd(st, in, fd, &cmd);
}

static long op_memory_limit(struct fz_state *st, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.op = IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT};
	int fd = fz_ctx(st, in);

	cmd.memory_limit.limit = PICK32(in, 204, 12, 11, 4096, 65536, 0);
	st->memory_limit_set = true;
	return test_cmd(st, in, fd, &cmd);
}

static long op_dirty(struct fz_state *st, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.op = IOMMU_TEST_OP_DIRTY};
	int fd = fz_ctx(st, in);
	uint8_t b;

	cmd.id = fz_id(st, in, K_HWPT);
	cmd.dirty.iova = fz_iova(st, in);
	cmd.dirty.length = fz_len(in);
	cmd.dirty.page_size = PICK32(in, FZ_PAGE, 2048, FZ_HUGE, 0, 3);
	b = fz_u8(in);
	if (b < 0xc0) {
		fz_fill(in, fz_scratch_data(), 16);
		memset(fz_scratch_data() + 16, (b & 1) ? 0xff : 0, 4096 - 16);
		cmd.dirty.uptr = (uintptr_t)fz_scratch_data();
	} else {
		cmd.dirty.uptr = fz_uptr(in, 8);
	}
	cmd.dirty.flags = PICK32(in, 0, 0, 0, 1);
	return test_cmd(st, in, fd, &cmd);
}

static long op_check_iotlb(struct fz_state *st, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.op = IOMMU_TEST_OP_MD_CHECK_IOTLB};
	int fd = fz_ctx(st, in);

	cmd.id = fz_id(st, in, K_HWPT);
	cmd.check_iotlb.id = PICK32(in, 0, 1, 2, 3, 4);
	cmd.check_iotlb.iotlb = PICK32(in, IOMMU_TEST_IOTLB_DEFAULT, 0);
	return test_cmd(st, in, fd, &cmd);
}

static long op_check_dev_cache(struct fz_state *st, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.op = IOMMU_TEST_OP_DEV_CHECK_CACHE};
	int fd = fz_ctx(st, in);

	cmd.id = fz_id(st, in, K_IDEV);
	cmd.check_dev_cache.id = PICK32(in, 0, 1, 2, 3, 4);
	cmd.check_dev_cache.cache = PICK32(in, IOMMU_TEST_DEV_CACHE_DEFAULT, 0);
	return test_cmd(st, in, fd, &cmd);
}

static uint32_t pick_pasid(struct fz_input *in)
{
	return PICK32(in, 0, 1, 2, IOMMU_TEST_PASID_RESERVED,
		      (1u << MOCK_PASID_WIDTH) - 1, 1u << MOCK_PASID_WIDTH);
}

static long op_trigger_iopf(struct fz_state *st, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.op = IOMMU_TEST_OP_TRIGGER_IOPF};
	int fd = fz_ctx(st, in);

	cmd.trigger_iopf.dev_id = fz_id(st, in, K_IDEV);
	cmd.trigger_iopf.pasid = pick_pasid(in);
	cmd.trigger_iopf.grpid = PICK32(in, 0, 1, 0x1ff);
	cmd.trigger_iopf.perm =
		PICK32(in, IOMMU_PGFAULT_PERM_READ | IOMMU_PGFAULT_PERM_WRITE,
		       IOMMU_PGFAULT_PERM_READ, IOMMU_PGFAULT_PERM_EXEC, 0);
	cmd.trigger_iopf.addr = fz_iova(st, in);
	return test_cmd(st, in, fd, &cmd);
}

static long op_trigger_vevent(struct fz_state *st, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.op = IOMMU_TEST_OP_TRIGGER_VEVENT};
	int fd = fz_ctx(st, in);

	cmd.trigger_vevent.dev_id = fz_id(st, in, K_IDEV);
	return test_cmd(st, in, fd, &cmd);
}

/* PASID attach, replace, detach and check share one layout */
static long op_pasid(struct fz_state *st, struct fz_input *in)
{
	static const uint32_t opv[] = {IOMMU_TEST_OP_PASID_ATTACH,
				       IOMMU_TEST_OP_PASID_REPLACE,
				       IOMMU_TEST_OP_PASID_DETACH,
				       IOMMU_TEST_OP_PASID_CHECK_HWPT};
	struct iommu_test_cmd cmd = {0};
	int fd = fz_ctx(st, in);
	uint8_t b = fz_u8(in);
	long rc;

	cmd.op = opv[b % 4];
	cmd.id = fz_id(st, in, K_STDEV);
	cmd.pasid_attach.pasid = pick_pasid(in);
	cmd.pasid_attach.pt_id = fz_id(st, in, (b & 4) ? K_IOAS : K_HWPT);
	if (cmd.op == IOMMU_TEST_OP_PASID_CHECK_HWPT && (b & 8))
		cmd.pasid_check.hwpt_id = 0;
	rc = test_cmd(st, in, fd, &cmd);
	if (!rc && (b & 4) && b % 4 < 2)
		fz_add_id(st, K_HWPT, cmd.pasid_attach.pt_id, fd);
	return rc;
}

static long op_dmabuf_get(struct fz_state *st, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.op = IOMMU_TEST_OP_DMABUF_GET};
	int fd = fz_ctx(st, in);
	long rc;

	cmd.dmabuf_get.length = PICK32(in, 4 * FZ_PAGE, FZ_PAGE, 1, 0,
				       512 * FZ_PAGE, 513 * FZ_PAGE);
	cmd.dmabuf_get.open_flags = PICK32(in, O_CLOEXEC, 0, O_RDWR);
	rc = test_cmd(st, in, fd, &cmd);
	if (rc >= 0)
		fz_add_fd(st, F_DMABUF, (int)rc);
	return rc;
}

static long op_dmabuf_revoke(struct fz_state *st, struct fz_input *in)
{
	struct iommu_test_cmd cmd = {.op = IOMMU_TEST_OP_DMABUF_REVOKE};
	int fd = fz_ctx(st, in);

	cmd.dmabuf_revoke.dmabuf_fd = fz_fd(st, in, FM(F_DMABUF));
	cmd.dmabuf_revoke.revoked = PICK32(in, 1, 0, 2);
	return test_cmd(st, in, fd, &cmd);
}

void fz_ops_selftest(fz_op_fn *ops)
{
	ops[FZ_OP_T_ADD_RESERVED] = op_add_reserved;
	ops[FZ_OP_T_MOCK_DOMAIN] = op_mock_domain;
	ops[FZ_OP_T_MOCK_REPLACE] = op_mock_replace;
	ops[FZ_OP_T_CHECK_MAP] = op_check_map;
	ops[FZ_OP_T_CHECK_REFS] = op_check_refs;
	ops[FZ_OP_T_CREATE_ACCESS] = op_create_access;
	ops[FZ_OP_T_ACCESS_PAGES] = op_access_pages;
	ops[FZ_OP_T_ACCESS_RW] = op_access_rw;
	ops[FZ_OP_T_DESTROY_ACCESS_PAGES] = op_destroy_access_pages;
	ops[FZ_OP_T_ACCESS_REPLACE_IOAS] = op_access_replace_ioas;
	ops[FZ_OP_T_MEMORY_LIMIT] = op_memory_limit;
	ops[FZ_OP_T_DIRTY] = op_dirty;
	ops[FZ_OP_T_CHECK_IOTLB] = op_check_iotlb;
	ops[FZ_OP_T_CHECK_DEV_CACHE] = op_check_dev_cache;
	ops[FZ_OP_T_TRIGGER_IOPF] = op_trigger_iopf;
	ops[FZ_OP_T_TRIGGER_VEVENT] = op_trigger_vevent;
	ops[FZ_OP_T_PASID] = op_pasid;
	ops[FZ_OP_T_DMABUF_GET] = op_dmabuf_get;
	ops[FZ_OP_T_DMABUF_REVOKE] = op_dmabuf_revoke;
}
