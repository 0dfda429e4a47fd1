// SPDX-License-Identifier: MIT
/*
 * Accesses (emulated devices reaching memory through an IOAS): pin/unpin
 * cost and read/write bandwidth, each next to a baseline measured in the
 * same run (memcpy of the same bytes).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/iommufd_test.h>
#include <uiommufd/uiommufd.h>

#include "bench_row.h"

#define PG  4096UL
#define BUF (64UL << 20)

static long cmd(int fd, struct iommu_test_cmd *c)
{
	long rc = uiommufd_ioctl(fd, IOMMU_TEST_CMD, (unsigned long)c);

	if (rc < 0) {
		fprintf(stderr, "bench_access: test op %u: %s\n", c->op,
			strerror((int)-rc));
		exit(1);
	}
	return rc;
}

static int ctx_fd;
static uint32_t ioas_id;
static uint64_t base_iova;

static void setup(void *buf, bool with_domain)
{
	struct iommu_ioas_alloc alloc = {.size = sizeof(alloc)};
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
		.user_va = (uintptr_t)buf,
		.length = BUF,
	};

	ctx_fd = uiommufd_open(0);
	uiommufd_ioctl(ctx_fd, IOMMU_IOAS_ALLOC, (unsigned long)&alloc);
	ioas_id = alloc.out_ioas_id;
	if (with_domain) {
		struct iommu_test_cmd c = {.size = sizeof(c),
					   .op = IOMMU_TEST_OP_MOCK_DOMAIN,
					   .id = ioas_id};

		cmd(ctx_fd, &c);
	}
	map.ioas_id = ioas_id;
	if (uiommufd_ioctl(ctx_fd, IOMMU_IOAS_MAP, (unsigned long)&map)) {
		fprintf(stderr, "bench_access: map failed\n");
		exit(1);
	}
	base_iova = map.iova;
}

static int create_access(void)
{
	struct iommu_test_cmd c = {
		.size = sizeof(c),
		.op = IOMMU_TEST_OP_CREATE_ACCESS,
		.id = ioas_id,
		.create_access =
			{.flags = MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES},
	};

	cmd(ctx_fd, &c);
	return (int)c.create_access.out_access_fd;
}

static void bench_pin(void *buf, size_t len, const char *what)
{
	int access = create_access();
	unsigned int iters = len <= PG ? 20000 : 200;
	struct iommu_test_cmd pin = {
		.size = sizeof(pin),
		.op = IOMMU_TEST_OP_ACCESS_PAGES,
		.id = (uint32_t)access,
		.access_pages = {.iova = base_iova, .length = len, .uptr = 0},
	};
	double t = now_ns();

	(void)buf;
	for (unsigned int i = 0; i != iters; i++) {
		struct iommu_test_cmd unpin = {
			.size = sizeof(unpin),
			.op = IOMMU_TEST_OP_DESTROY_ACCESS_PAGES,
			.id = (uint32_t)access,
		};

		cmd(ctx_fd, &pin);
		unpin.destroy_access_pages.access_pages_id =
			pin.access_pages.out_access_pages_id;
		cmd(ctx_fd, &unpin);
	}
	t = (now_ns() - t) / iters;
	printf("  pin+unpin %-30s %10.0f ns/op %8.2f ns/page\n", what, t,
	       t / (len / PG));
	uiommufd_close(access);
}

static void bench_rw(void *buf, size_t len, unsigned int flags,
		     const char *what)
{
	int access = create_access();
	void *tmp = malloc(len);
	unsigned int iters = (unsigned int)((256UL << 20) / len);
	struct iommu_test_cmd rw = {
		.size = sizeof(rw),
		.op = IOMMU_TEST_OP_ACCESS_RW,
		.id = (uint32_t)access,
		.access_rw = {.iova = base_iova,
			      .length = len,
			      .uptr = (uintptr_t)tmp,
			      .flags = flags},
	};
	double t, t_memcpy;

	memset(tmp, 1, len);
	t = now_ns();
	for (unsigned int i = 0; i != iters; i++)
		memcpy(tmp, buf, len);
	t_memcpy = (now_ns() - t) / iters;
	t = now_ns();
	for (unsigned int i = 0; i != iters; i++)
		cmd(ctx_fd, &rw);
	t = (now_ns() - t) / iters;
	printf("  rw %-34s %8.2f GiB/s   memcpy %6.2f GiB/s (%.2fx)\n", what,
	       len / t * 1e9 / (1 << 30), len / t_memcpy * 1e9 / (1 << 30),
	       t_memcpy / t);
	if (!flags) {
		bench_point("access rw read (GiB/s)", (double)len,
			    len / t * 1e9 / (1 << 30));
		bench_point("memcpy (GiB/s)", (double)len,
			    len / t_memcpy * 1e9 / (1 << 30));
	}
	if (len == 1UL << 20 && !(flags & MOCK_ACCESS_RW_SLOW_PATH)) {
		char row[64];

		snprintf(row, sizeof(row), "access rw %s 1 MiB (test op)",
			 flags ? "write" : "read");
		bench_row(row, len / t * 1e9 / (1 << 30), "GiB/s", "memcpy",
			  len / t_memcpy * 1e9 / (1 << 30), ">= 0.8");
	}
	free(tmp);
	uiommufd_close(access);
}

int main(void)
{
	void *buf = mmap(NULL, BUF, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	/* The shim's way of copying: with the guarded copy */
	check(uiommufd_guard_faults(), "guard_faults");
	printf("accesses on a %lu MiB mapping\n", BUF >> 20);
	for (int dom = 0; dom != 2; dom++) {
		setup(buf, dom);
		printf(" %s\n",
		       dom ? "with a mock domain (pages already pinned)"
			   : "no domain (the access pins)");
		bench_pin(buf, PG, "4 KiB");
		bench_pin(buf, 2UL << 20, "2 MiB");
		bench_pin(buf, 16UL << 20, "16 MiB");
		uiommufd_close(ctx_fd);
	}
	setup(buf, false);
	bench_rw(buf, 64, 0, "read 64 B");
	bench_rw(buf, 512, 0, "read 512 B");
	bench_rw(buf, PG, 0, "read 4 KiB");
	bench_rw(buf, 16 * PG, 0, "read 64 KiB");
	bench_rw(buf, 1UL << 20, 0, "read 1 MiB");
	bench_rw(buf, 1UL << 20, MOCK_ACCESS_RW_WRITE, "write 1 MiB");
	bench_rw(buf, 1UL << 20, MOCK_ACCESS_RW_SLOW_PATH,
		 "read 1 MiB, slow path");
	uiommufd_close(ctx_fd);
	munmap(buf, BUF);
	return 0;
}
