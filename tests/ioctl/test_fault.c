// SPDX-License-Identifier: MIT
/*
 * I/O page fault queues (IOMMU_FAULT_QUEUE_ALLOC) through the C API: HWPTs
 * that deliver to a queue, records read from its file, responses written
 * to it, and what detach, replace, destroy and close do to faults still
 * pending. The rules are the kernel's (drivers/iommu/iommufd/eventq.c):
 * whole records or ESPIPE, EINVAL for a read too small for the first
 * group or for an unknown cookie, cookies from 1, and no fault ever left
 * unanswered when its device goes.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>

#include "test_helpers.h"

#define REC	 sizeof(struct iommu_hwpt_pgfault)
#define NO_PASID 0 /* the kernel's IOMMU_NO_PASID: the RID itself */

struct fx {
	int fd;
	uint32_t ioas;
	uint32_t fault_id;
	int fault_fd;
	struct mock_dev_ids dev;
	uint32_t iopf_hwpt;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->fd = uiommufd_open(O_CLOEXEC);
	if (f->fd < 0)
		return -1;
	f->ioas = ioas_alloc(f->fd);
	assert_int_equal(0,
			 mock_dev_add_flags(f->fd, f->ioas,
					    MOCK_FLAGS_DEVICE_PASID, &f->dev));
	f->fault_fd = fault_queue_alloc(f->fd, &f->fault_id);
	assert_int_equal(0, hwpt_alloc_ex(f->fd, f->dev.idev, f->ioas,
					  IOMMU_HWPT_FAULT_ID_VALID |
						  IOMMU_HWPT_ALLOC_PASID,
					  f->fault_id, IOMMU_HWPT_DATA_NONE,
					  NULL, 0, &f->iopf_hwpt));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	if (f->fault_fd >= 0)
		uiommufd_close(f->fault_fd);
	uiommufd_close(f->fd);
	free(f);
	return 0;
}

static long trigger_iopf(int fd, uint32_t idev, uint32_t pasid, uint32_t grpid,
			 uint64_t addr)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_TRIGGER_IOPF,
		.trigger_iopf = {.dev_id = idev,
				 .pasid = pasid,
				 .grpid = grpid,
				 .perm = IOMMU_PGFAULT_PERM_READ |
					 IOMMU_PGFAULT_PERM_WRITE,
				 .addr = addr},
	};

	return test_op(fd, &cmd);
}

static long respond(int fault_fd, uint32_t cookie, uint32_t code)
{
	struct iommu_hwpt_page_response r = {.cookie = cookie, .code = code};

	return uiommufd_write(fault_fd, &r, sizeof(r));
}

static bool readable(int fault_fd)
{
	struct pollfd p = {.fd = fault_fd, .events = POLLIN};

	assert_true(poll(&p, 1, 0) >= 0);
	return p.revents & POLLIN;
}

static void test_alloc_errors(void **state)
{
	struct fx *f = *state;
	struct iommu_fault_alloc cmd = {.size = sizeof(cmd), .flags = 1};
	uint32_t hwpt;

	assert_int_equal(-EOPNOTSUPP,
			 ioc(f->fd, IOMMU_FAULT_QUEUE_ALLOC, &cmd));
	assert_int_equal(UIOMMUFD_FD_FAULT, uiommufd_fd_kind(f->fault_fd));
	/* An engine file, but no context to dump */
	assert_int_equal(-EINVAL, uiommufd_dump(f->fault_fd, f->fault_fd));
	/* A fault ID that is not a fault object */
	assert_int_equal(-ENOENT,
			 hwpt_alloc_ex(f->fd, f->dev.idev, f->ioas,
				       IOMMU_HWPT_FAULT_ID_VALID, f->ioas,
				       IOMMU_HWPT_DATA_NONE, NULL, 0, &hwpt));
	assert_int_equal(-ENOENT,
			 hwpt_alloc_ex(f->fd, f->dev.idev, f->ioas,
				       IOMMU_HWPT_FAULT_ID_VALID, 999,
				       IOMMU_HWPT_DATA_NONE, NULL, 0, &hwpt));
	/* A nesting parent never takes faults itself */
	assert_int_equal(-EOPNOTSUPP,
			 hwpt_alloc_ex(f->fd, f->dev.idev, f->ioas,
				       IOMMU_HWPT_FAULT_ID_VALID |
					       IOMMU_HWPT_ALLOC_NEST_PARENT,
				       f->fault_id, IOMMU_HWPT_DATA_NONE, NULL,
				       0, &hwpt));
	/* The HWPT holds the queue, and so does its open file */
	assert_int_equal(-EBUSY, destroy(f->fd, f->fault_id));
	assert_int_equal(0, destroy(f->fd, f->iopf_hwpt));
	assert_int_equal(-EBUSY, destroy(f->fd, f->fault_id));
	assert_int_equal(0, uiommufd_close(f->fault_fd));
	f->fault_fd = -1;
	assert_int_equal(0, destroy(f->fd, f->fault_id));
}

static void test_deliver_and_respond(void **state)
{
	struct fx *f = *state;
	struct iommu_hwpt_pgfault rec[3];
	uint32_t pt = f->iopf_hwpt;

	assert_int_equal(0, mock_dev_replace(f->fd, f->dev.stdev, &pt));
	assert_int_equal(f->iopf_hwpt, pt);
	assert_false(readable(f->fault_fd));
	/* Nothing pending: a read gives 0 bytes */
	assert_int_equal(0, uiommufd_read(f->fault_fd, rec, REC));

	assert_int_equal(0, trigger_iopf(f->fd, f->dev.idev, NO_PASID, 7,
					 0x1234000));
	assert_int_equal(0, trigger_iopf(f->fd, f->dev.idev, NO_PASID, 8,
					 0x5678000));
	assert_true(readable(f->fault_fd));

	/* Whole records only; a position cannot be given */
	assert_int_equal(-ESPIPE, uiommufd_read(f->fault_fd, rec, REC - 1));
	assert_int_equal(-ESPIPE, uiommufd_pread(f->fault_fd, rec, REC, 0));
	/* Too small for the first group */
	assert_int_equal(-EINVAL, uiommufd_read(f->fault_fd, rec, 0));
	/* A bad buffer: the fault stays queued */
	assert_int_equal(-EFAULT, uiommufd_read(f->fault_fd, (void *)8, REC));

	/* One record at a time, in order, cookies from 1 */
	assert_int_equal(REC, uiommufd_read(f->fault_fd, rec, REC));
	assert_int_equal(IOMMU_PGFAULT_FLAGS_LAST_PAGE, rec[0].flags);
	assert_int_equal(f->dev.idev, rec[0].dev_id);
	assert_int_equal(7, rec[0].grpid);
	assert_int_equal(IOMMU_PGFAULT_PERM_READ | IOMMU_PGFAULT_PERM_WRITE,
			 rec[0].perm);
	assert_int_equal(0x1234000, rec[0].addr);
	assert_int_equal(1, rec[0].cookie);
	assert_true(readable(f->fault_fd));
	/* A larger buffer takes what is left */
	assert_int_equal(REC, uiommufd_read(f->fault_fd, rec, sizeof(rec)));
	assert_int_equal(8, rec[0].grpid);
	assert_int_equal(2, rec[0].cookie);
	assert_false(readable(f->fault_fd));

	/* Responses: whole ones, known codes, known cookies */
	assert_int_equal(-ESPIPE, uiommufd_write(f->fault_fd, rec, 3));
	assert_int_equal(-EINVAL, respond(f->fault_fd, 1, 7));
	assert_int_equal(-EINVAL, respond(f->fault_fd, 99, 0));
	assert_int_equal(
		-EFAULT,
		uiommufd_write(f->fault_fd, (void *)8,
			       sizeof(struct iommu_hwpt_page_response)));
	assert_int_equal(8, respond(f->fault_fd, 1, IOMMUFD_PAGE_RESP_SUCCESS));
	/* Each cookie is answered once */
	assert_int_equal(-EINVAL, respond(f->fault_fd, 1, 0));
	{
		/* Two in one write: the first counts, the second is unknown */
		struct iommu_hwpt_page_response r[2] = {
			{.cookie = 2, .code = IOMMUFD_PAGE_RESP_INVALID},
			{.cookie = 2, .code = IOMMUFD_PAGE_RESP_INVALID},
		};

		assert_int_equal(8, uiommufd_write(f->fault_fd, r, sizeof(r)));
	}
	/* A freed cookie is handed out again */
	assert_int_equal(0,
			 trigger_iopf(f->fd, f->dev.idev, NO_PASID, 9, 0x9000));
	assert_int_equal(REC, uiommufd_read(f->fault_fd, rec, REC));
	assert_int_equal(1, rec[0].cookie);
	assert_int_equal(8, respond(f->fault_fd, 1, 0));
}

/* A request with a PASID reaches the queue of that PASID's HWPT */
static void test_pasid_fault(void **state)
{
	struct fx *f = *state;
	struct iommu_hwpt_pgfault rec;
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_PASID_ATTACH,
		.id = f->dev.stdev,
		.pasid_attach = {.pasid = 100, .pt_id = f->iopf_hwpt},
	};
	uint32_t rid_hwpt;

	/* PASIDs need the RID on a PASID-capable HWPT too */
	assert_int_equal(-EINVAL, test_op(f->fd, &cmd));
	assert_int_equal(0, hwpt_new(f->fd, f->dev.idev, f->ioas,
				     IOMMU_HWPT_ALLOC_PASID, &rid_hwpt));
	assert_int_equal(0, mock_dev_replace(f->fd, f->dev.stdev, &rid_hwpt));
	assert_int_equal(0, test_op(f->fd, &cmd));
	assert_int_equal(0, trigger_iopf(f->fd, f->dev.idev, 100, 3, 0x4000));
	assert_int_equal(REC, uiommufd_read(f->fault_fd, &rec, REC));
	assert_int_equal(IOMMU_PGFAULT_FLAGS_LAST_PAGE |
				 IOMMU_PGFAULT_FLAGS_PASID_VALID,
			 rec.flags);
	assert_int_equal(100, rec.pasid);
	/* A PASID with nothing attached falls back to the RID's domain */
	assert_int_equal(0, trigger_iopf(f->fd, f->dev.idev, 5, 3, 0x4000));
	assert_int_equal(0, uiommufd_read(f->fault_fd, &rec, REC));
	/* The HWPT is in use by the PASID */
	assert_int_equal(-EBUSY, destroy(f->fd, f->iopf_hwpt));
	cmd.op = IOMMU_TEST_OP_PASID_DETACH;
	cmd.pasid_detach.pasid = 100;
	assert_int_equal(0, test_op(f->fd, &cmd));
	/* Its cookie died with the attachment */
	assert_int_equal(-EINVAL, respond(f->fault_fd, rec.cookie, 0));
	assert_int_equal(0, destroy(f->fd, f->iopf_hwpt));
}

/*
 * Detaching (here: replacing) the device answers its pending faults, read
 * or not: none is left queued and their cookies are gone.
 */
static void test_auto_response_on_replace(void **state)
{
	struct fx *f = *state;
	struct iommu_hwpt_pgfault rec;
	uint32_t pt = f->iopf_hwpt;
	struct mock_dev_ids other;

	assert_int_equal(0, mock_dev_replace(f->fd, f->dev.stdev, &pt));
	/* A second device on the same HWPT keeps its faults */
	other = mock_dev_add(f->fd, f->iopf_hwpt);
	assert_int_equal(0,
			 trigger_iopf(f->fd, f->dev.idev, NO_PASID, 1, 0x1000));
	assert_int_equal(0,
			 trigger_iopf(f->fd, other.idev, NO_PASID, 2, 0x2000));
	assert_int_equal(0,
			 trigger_iopf(f->fd, f->dev.idev, NO_PASID, 3, 0x3000));
	assert_int_equal(REC, uiommufd_read(f->fault_fd, &rec, REC));
	assert_int_equal(1, rec.grpid);

	pt = f->ioas;
	assert_int_equal(0, mock_dev_replace(f->fd, f->dev.stdev, &pt));
	assert_int_not_equal(f->iopf_hwpt, pt);
	/* The read one was answered for us */
	assert_int_equal(-EINVAL, respond(f->fault_fd, rec.cookie, 0));
	/* The other device's fault is still there, the third one is gone */
	assert_int_equal(REC, uiommufd_read(f->fault_fd, &rec, REC));
	assert_int_equal(2, rec.grpid);
	assert_int_equal(other.idev, rec.dev_id);
	assert_int_equal(0, uiommufd_read(f->fault_fd, &rec, REC));
	/* Destroying the device answers its read fault too */
	assert_int_equal(0, destroy(f->fd, other.stdev));
	assert_int_equal(-EINVAL, respond(f->fault_fd, rec.cookie, 0));
	assert_false(readable(f->fault_fd));
}

/* Faults of a HWPT without a queue, or of a detached device, go nowhere */
static void test_no_queue(void **state)
{
	struct fx *f = *state;
	struct iommu_hwpt_pgfault rec;
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_TRIGGER_IOPF,
		.trigger_iopf = {.dev_id = f->ioas},
	};

	assert_int_equal(0,
			 trigger_iopf(f->fd, f->dev.idev, NO_PASID, 1, 0x1000));
	assert_int_equal(0, uiommufd_read(f->fault_fd, &rec, REC));
	/* Not a device */
	assert_int_equal(-ENOENT, test_op(f->fd, &cmd));
	cmd.trigger_iopf.dev_id = 999;
	assert_int_equal(-ENOENT, test_op(f->fd, &cmd));
}

/*
 * The queue's file may be closed while a HWPT still delivers to the
 * queue: faults then go to the object alone and are answered when the
 * device leaves (issue 7, defect 0: this used to touch the freed file).
 */
static void test_close_file_first(void **state)
{
	struct fx *f = *state;
	uint32_t pt = f->iopf_hwpt;
	int spare;

	assert_int_equal(0, mock_dev_replace(f->fd, f->dev.stdev, &pt));
	assert_int_equal(0,
			 trigger_iopf(f->fd, f->dev.idev, NO_PASID, 1, 0x1000));
	assert_int_equal(0, uiommufd_close(f->fault_fd));
	f->fault_fd = -1;
	/* Whatever reuses the descriptor number is not touched */
	spare = memfd_create("spare", 0);
	assert_true(spare >= 0);
	assert_int_equal(0,
			 trigger_iopf(f->fd, f->dev.idev, NO_PASID, 2, 0x2000));
	pt = f->ioas;
	assert_int_equal(0, mock_dev_replace(f->fd, f->dev.stdev, &pt));
	assert_int_equal(0, lseek(spare, 0, SEEK_END));
	close(spare);
	assert_int_equal(0, destroy(f->fd, f->iopf_hwpt));
	assert_int_equal(0, destroy(f->fd, f->fault_id));
}

/*
 * Closing the context's descriptor first: the queue's file holds the
 * context (as the kernel's eventq file holds the iommufd file), so the
 * objects and the pending fault live on until that file is closed too.
 */
static void test_close_context_first(void **state)
{
	struct fx *f = *state;
	struct iommu_hwpt_pgfault rec;
	uint32_t pt = f->iopf_hwpt;

	assert_int_equal(0, mock_dev_replace(f->fd, f->dev.stdev, &pt));
	assert_int_equal(0,
			 trigger_iopf(f->fd, f->dev.idev, NO_PASID, 1, 0x1000));
	assert_int_equal(0, uiommufd_close(f->fd));
	f->fd = uiommufd_open(O_CLOEXEC);
	assert_int_equal(REC, uiommufd_read(f->fault_fd, &rec, REC));
	assert_int_equal(1, rec.grpid);
	assert_int_equal(8, respond(f->fault_fd, rec.cookie, 0));
	assert_int_equal(0, trigger_iopf(f->fd, f->dev.idev, NO_PASID, 2,
					 0x1000) == -ENOENT
				    ? 0
				    : 1);
}

/* A nested HWPT delivers to its own queue */
static void test_nested_fault(void **state)
{
	struct fx *f = *state;
	struct iommu_hwpt_selftest data = {.iotlb = IOMMU_TEST_IOTLB_DEFAULT};
	struct iommu_hwpt_pgfault rec;
	uint32_t parent, nested, pt;

	assert_int_equal(0, hwpt_new(f->fd, f->dev.idev, f->ioas,
				     IOMMU_HWPT_ALLOC_NEST_PARENT, &parent));
	assert_int_equal(0, hwpt_alloc_ex(f->fd, f->dev.idev, parent,
					  IOMMU_HWPT_FAULT_ID_VALID,
					  f->fault_id, IOMMU_HWPT_DATA_SELFTEST,
					  &data, sizeof(data), &nested));
	pt = nested;
	assert_int_equal(0, mock_dev_replace(f->fd, f->dev.stdev, &pt));
	assert_int_equal(0,
			 trigger_iopf(f->fd, f->dev.idev, NO_PASID, 4, 0x8000));
	assert_int_equal(REC, uiommufd_read(f->fault_fd, &rec, REC));
	assert_int_equal(4, rec.grpid);
	assert_int_equal(8, respond(f->fault_fd, rec.cookie, 0));
	/* Destroying the device with a fault pending answers it */
	assert_int_equal(0,
			 trigger_iopf(f->fd, f->dev.idev, NO_PASID, 5, 0x8000));
	assert_int_equal(0, destroy(f->fd, f->dev.stdev));
	assert_int_equal(0, uiommufd_read(f->fault_fd, &rec, REC));
	assert_int_equal(0, destroy(f->fd, nested));
	assert_int_equal(0, destroy(f->fd, parent));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_alloc_errors),
		T(test_deliver_and_respond),
		T(test_pasid_fault),
		T(test_auto_response_on_replace),
		T(test_no_queue),
		T(test_close_file_first),
		T(test_close_context_first),
		T(test_nested_fault),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
