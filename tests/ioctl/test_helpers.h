/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the ioctl-level tests: they talk to the engine only through
 * the public C API, the way a program would.
 */
#ifndef UIOMMUFD_TEST_HELPERS_H
#define UIOMMUFD_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/iommufd_test.h>
#include <uiommufd/uiommufd.h>

#define PAGE_SZ		  ((unsigned long)sysconf(_SC_PAGESIZE))
#define ARRAY_SIZE(a)	  (sizeof(a) / sizeof((a)[0]))
#define offsetofend(t, m) (offsetof(t, m) + sizeof(((t *)0)->m))

static inline long ioc(int fd, unsigned long cmd, void *arg)
{
	return uiommufd_ioctl(fd, cmd, (unsigned long)arg);
}

static inline uint32_t ioas_alloc(int fd)
{
	struct iommu_ioas_alloc cmd = {.size = sizeof(cmd)};

	assert_int_equal(0, ioc(fd, IOMMU_IOAS_ALLOC, &cmd));
	assert_int_not_equal(0, cmd.out_ioas_id);
	return cmd.out_ioas_id;
}

static inline long ioas_map(int fd, uint32_t ioas, void *va, size_t len,
			    uint64_t *iova, uint32_t flags)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.ioas_id = ioas,
		.user_va = (uintptr_t)va,
		.length = len,
		.iova = *iova,
	};
	long rc = ioc(fd, IOMMU_IOAS_MAP, &cmd);

	*iova = cmd.iova;
	return rc;
}

#define RW    (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)
#define FIXED (IOMMU_IOAS_MAP_FIXED_IOVA | RW)

static inline long ioas_unmap(int fd, uint32_t ioas, uint64_t iova,
			      uint64_t len, uint64_t *out_len)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas,
		.iova = iova,
		.length = len,
	};
	long rc = ioc(fd, IOMMU_IOAS_UNMAP, &cmd);

	if (out_len)
		*out_len = cmd.length;
	return rc;
}

static inline long destroy(int fd, uint32_t id)
{
	struct iommu_destroy cmd = {.size = sizeof(cmd), .id = id};

	return ioc(fd, IOMMU_DESTROY, &cmd);
}

static inline long check_refs(int fd, void *va, size_t len, unsigned int refs)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MD_CHECK_REFS,
		.check_refs = {.length = len,
			       .uptr = (uintptr_t)va,
			       .refs = refs},
	};

	return ioc(fd, IOMMU_TEST_CMD, &cmd);
}

static inline long test_op(int fd, struct iommu_test_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	return ioc(fd, IOMMU_TEST_CMD, cmd);
}

/* A mock device attached to pt_id (IOAS or HWPT), with MOCK_FLAGS_DEVICE_* */
struct mock_dev_ids {
	uint32_t stdev, hwpt, idev;
};

static inline long mock_dev_add_flags(int fd, uint32_t pt_id, uint32_t flags,
				      struct mock_dev_ids *out)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS,
		.id = pt_id,
		.mock_domain_flags = {.dev_flags = flags},
	};
	long rc = test_op(fd, &cmd);

	/* Zeros when it failed */
	if (out) {
		out->stdev = cmd.mock_domain_flags.out_stdev_id;
		out->hwpt = cmd.mock_domain_flags.out_hwpt_id;
		out->idev = cmd.mock_domain_flags.out_idev_id;
	}
	return rc;
}

static inline struct mock_dev_ids mock_dev_add(int fd, uint32_t pt_id)
{
	struct mock_dev_ids ids = {0};

	assert_int_equal(0, mock_dev_add_flags(fd, pt_id, 0, &ids));
	return ids;
}

/* Replace the mock device's attachment; *pt_id returns the HWPT attached */
static inline long mock_dev_replace(int fd, uint32_t stdev, uint32_t *pt_id)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
		.id = stdev,
		.mock_domain_replace = {.pt_id = *pt_id},
	};
	long rc = test_op(fd, &cmd);

	if (!rc)
		*pt_id = cmd.mock_domain_replace.pt_id;
	return rc;
}

static inline long hwpt_alloc_ex(int fd, uint32_t dev, uint32_t pt,
				 uint32_t flags, uint32_t fault_id,
				 uint32_t data_type, void *data,
				 uint32_t data_len, uint32_t *out)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = dev,
		.pt_id = pt,
		.data_type = data_type,
		.data_len = data_len,
		.data_uptr = (uintptr_t)data,
		.fault_id = fault_id,
	};
	long rc = ioc(fd, IOMMU_HWPT_ALLOC, &cmd);

	if (out)
		*out = rc ? 0 : cmd.out_hwpt_id;
	return rc;
}

static inline long hwpt_new(int fd, uint32_t dev, uint32_t pt, uint32_t flags,
			    uint32_t *out)
{
	return hwpt_alloc_ex(fd, dev, pt, flags, 0, IOMMU_HWPT_DATA_NONE, NULL,
			     0, out);
}

/* A FAULT queue: returns its fd, its object ID in *id */
static inline int fault_queue_alloc(int fd, uint32_t *id)
{
	struct iommu_fault_alloc cmd = {.size = sizeof(cmd)};

	assert_int_equal(0, ioc(fd, IOMMU_FAULT_QUEUE_ALLOC, &cmd));
	*id = cmd.out_fault_id;
	return (int)cmd.out_fault_fd;
}

/* Does the mock domain hwpt translate [iova, iova + len) to va? */
static inline long md_check_map(int fd, uint32_t hwpt, uint64_t iova, void *va,
				size_t len)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_MD_CHECK_MAP,
		.id = hwpt,
		.check_map = {.iova = iova,
			      .length = len,
			      .uptr = (uintptr_t)va},
	};

	return test_op(fd, &cmd);
}

/* Does the calling thread have capability cap (CapEff)? */
static inline bool have_cap(int cap)
{
	char line[128];
	unsigned long long eff = 0;
	FILE *f = fopen("/proc/thread-self/status", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(f);
	return eff & (1ULL << cap);
}

static inline void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	return p;
}

#endif
