/* SPDX-License-Identifier: MIT */
/*
 * The iommufd calls the benchmarks of one IOAS share: allocate it, unmap,
 * attach a mock domain, and reserve memory that is touched only later.
 */
#ifndef UIOMMUFD_BENCH_IOAS_H
#define UIOMMUFD_BENCH_IOAS_H

#include <stdint.h>
#include <sys/mman.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/iommufd_test.h>
#include <uiommufd/uiommufd.h>

#include "bench_row.h"

static inline uint32_t ioas_alloc(int fd)
{
	struct iommu_ioas_alloc cmd = {.size = sizeof(cmd)};

	check(uiommufd_ioctl(fd, IOMMU_IOAS_ALLOC, (unsigned long)&cmd),
	      "IOAS_ALLOC");
	return cmd.out_ioas_id;
}

static inline long unmap(int fd, uint32_t ioas, uint64_t iova, uint64_t len)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas,
		.iova = iova,
		.length = len,
	};

	return uiommufd_ioctl(fd, IOMMU_IOAS_UNMAP, (unsigned long)&cmd);
}

static inline void mock_domain(int fd, uint32_t ioas)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN,
		.id = ioas,
	};

	check(uiommufd_ioctl(fd, IOMMU_TEST_CMD, (unsigned long)&cmd),
	      "MOCK_DOMAIN");
}

static inline void *fresh(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

#endif
