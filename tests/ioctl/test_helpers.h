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
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/iommufd_test.h>
#include <uiommufd/uiommufd.h>

#define PAGE_SZ		  ((unsigned long)sysconf(_SC_PAGESIZE))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
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
