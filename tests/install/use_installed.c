// SPDX-License-Identifier: MIT
/*
 * A program built against the installed library only (pkg-config
 * uiommufd): an iommufd, an IOAS, a map and an unmap through the C API.
 * Run by scripts/install-test.sh; prints "ok" and exits 0 when all worked.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/uiommufd.h>

static int fail(const char *what, long rc)
{
	fprintf(stderr, "use_installed: %s: %s\n", what, strerror((int)-rc));
	return 1;
}

int main(void)
{
	struct iommu_ioas_alloc alloc = {.size = sizeof(alloc)};
	struct iommu_ioas_map map = {.size = sizeof(map)};
	struct iommu_ioas_unmap unmap = {.size = sizeof(unmap)};
	void *buf;
	long rc;
	int fd;

	fd = uiommufd_open(O_CLOEXEC);
	if (fd < 0)
		return fail("uiommufd_open", fd);
	rc = uiommufd_ioctl(fd, IOMMU_IOAS_ALLOC, (unsigned long)&alloc);
	if (rc)
		return fail("IOMMU_IOAS_ALLOC", rc);
	buf = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return fail("mmap", -12);
	map.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE;
	map.ioas_id = alloc.out_ioas_id;
	map.user_va = (uintptr_t)buf;
	map.length = 1 << 16;
	rc = uiommufd_ioctl(fd, IOMMU_IOAS_MAP, (unsigned long)&map);
	if (rc)
		return fail("IOMMU_IOAS_MAP", rc);
	unmap.ioas_id = alloc.out_ioas_id;
	unmap.iova = map.iova;
	unmap.length = map.length;
	rc = uiommufd_ioctl(fd, IOMMU_IOAS_UNMAP, (unsigned long)&unmap);
	if (rc || unmap.length != map.length)
		return fail("IOMMU_IOAS_UNMAP", rc ? rc : -5);
	rc = uiommufd_close(fd);
	if (rc)
		return fail("uiommufd_close", rc);
	printf("ok\n");
	return 0;
}
