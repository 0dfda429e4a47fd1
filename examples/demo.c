// SPDX-License-Identifier: MIT
/*
 * demo: a tour of the iommufd IOAS uAPI.
 *
 * Written only against the kernel's uAPI: it opens /dev/iommu and issues
 * ioctl()s, as a program for the real kernel would. Run it under
 * uiommufd-run (the "demo" wrapper next to it does) and the LD_PRELOAD shim
 * serves /dev/iommu from user space.
 *
 * Each step prints the ioctl, its arguments and the answer. The program
 * exits non-zero if any answer differs from what the uAPI documents, so it
 * is also a smoke test.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <uiommufd/iommufd.h>

#define SZ_64K	0x10000ULL
#define SZ_256K 0x40000ULL
#define SZ_1M	0x100000ULL
#define SZ_2M	0x200000ULL

#define RW (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)

#define FIXED_IOVA  0x10000000ULL /* where the second buffer goes in A */
#define ALLOW_START 0x40000000ULL /* B's allowed window */
#define ALLOW_LAST  0x4fffffffULL

static int failures;
static unsigned int nsteps;

static void step(const char *title)
{
	printf("\n[%u] %s\n", ++nsteps, title);
}

static void note(const char *text)
{
	printf("    # %s\n", text);
}

static const char *errname(int err)
{
	const char *name = err ? strerrorname_np(err) : "0";

	return name ? name : "?";
}

/* A check on a result: "ok" or a failure */
static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("    %s ", ok ? "ok:" : "!! NOT AS DOCUMENTED:");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		failures++;
}

/*
 * Issue one ioctl and print it with its arguments and the answer. @want is
 * the errno the uAPI documents for this call (0 for success). Returns the
 * errno (0 on success).
 */
static int __attribute__((format(printf, 6, 7)))
do_ioctl(int fd, unsigned long cmd, const char *name, void *arg, int want,
	 const char *fmt, ...)
{
	va_list ap;
	int err;

	printf("  ioctl(%d, %s, {", fd, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("})\n");

	err = ioctl(fd, cmd, arg) ? errno : 0;
	if (err)
		printf("    = -1 %s (%s)", errname(err), strerror(err));
	else
		printf("    = 0");
	if (err == want) {
		printf(want ? ", as documented\n" : "\n");
	} else {
		printf("   !! expected %s\n", errname(want));
		failures++;
	}
	return err;
}

#define IOC(fd, cmd, arg, want, ...) \
	do_ioctl(fd, cmd, #cmd, arg, want, __VA_ARGS__)

static uint32_t ioas_alloc(int fd)
{
	struct iommu_ioas_alloc cmd = {.size = sizeof(cmd)};

	IOC(fd, IOMMU_IOAS_ALLOC, &cmd, 0, "flags=0");
	printf("    -> out_ioas_id=%u\n", cmd.out_ioas_id);
	return cmd.out_ioas_id;
}

static int ioas_map(int fd, uint32_t ioas, void *va, uint64_t len,
		    uint64_t *iova, uint32_t flags, int want)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.ioas_id = ioas,
		.user_va = (uintptr_t)va,
		.length = len,
		.iova = *iova,
	};
	int err;

	err = IOC(fd, IOMMU_IOAS_MAP, &cmd, want,
		  "ioas_id=%u user_va=%p length=0x%llx iova=0x%llx%s", ioas, va,
		  (unsigned long long)len, (unsigned long long)cmd.iova,
		  flags & IOMMU_IOAS_MAP_FIXED_IOVA ? " FIXED_IOVA" : "");
	if (!err) {
		printf("    -> iova=0x%llx\n", (unsigned long long)cmd.iova);
		*iova = cmd.iova;
	}
	return err;
}

static int ioas_copy(int fd, uint32_t dst, uint32_t src, uint64_t src_iova,
		     uint64_t len, uint64_t *dst_iova, int want)
{
	struct iommu_ioas_copy cmd = {
		.size = sizeof(cmd),
		.flags = RW,
		.dst_ioas_id = dst,
		.src_ioas_id = src,
		.length = len,
		.src_iova = src_iova,
	};
	int err;

	err = IOC(fd, IOMMU_IOAS_COPY, &cmd, want,
		  "src_ioas_id=%u src_iova=0x%llx length=0x%llx dst_ioas_id=%u",
		  src, (unsigned long long)src_iova, (unsigned long long)len,
		  dst);
	if (!err) {
		printf("    -> dst_iova=0x%llx\n",
		       (unsigned long long)cmd.dst_iova);
		*dst_iova = cmd.dst_iova;
	}
	return err;
}

/* Returns the unmapped length, or 0 on error */
static uint64_t ioas_unmap(int fd, uint32_t ioas, uint64_t iova, uint64_t len,
			   int want)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas,
		.iova = iova,
		.length = len,
	};

	if (IOC(fd, IOMMU_IOAS_UNMAP, &cmd, want,
		"ioas_id=%u iova=0x%llx length=0x%llx%s", ioas,
		(unsigned long long)iova, (unsigned long long)len,
		iova == 0 && len == UINT64_MAX ? " (all)" : ""))
		return 0;
	printf("    -> length=0x%llx unmapped\n",
	       (unsigned long long)cmd.length);
	return cmd.length;
}

static void destroy(int fd, uint32_t id, int want)
{
	struct iommu_destroy cmd = {.size = sizeof(cmd), .id = id};

	IOC(fd, IOMMU_DESTROY, &cmd, want, "id=%u", id);
}

static void fill(void *buf, size_t len, uint32_t seed)
{
	uint32_t *p = buf;

	for (size_t i = 0; i != len / sizeof(*p); i++)
		p[i] = seed ^ (uint32_t)i;
}

int main(void)
{
	struct iommu_iova_range ranges[4];
	struct iommu_ioas_iova_ranges rcmd = {
		.size = sizeof(rcmd),
		.allowed_iovas = (uintptr_t)ranges,
	};
	struct iommu_iova_range allow = {.start = ALLOW_START,
					 .last = ALLOW_LAST};
	struct iommu_ioas_allow_iovas acmd = {
		.size = sizeof(acmd),
		.num_iovas = 1,
		.allowed_iovas = (uintptr_t)&allow,
	};
	struct iommu_ioas_map_file fcmd = {.size = sizeof(fcmd)};
	uint64_t iova_a, iova_fixed = FIXED_IOVA, iova_b = 0, iova_copy = 0;
	uint64_t iova_file = 0, iova = 0, len;
	uint32_t ioas_a, ioas_b;
	char *area, *buf, *small, *chunk;
	int fd, mfd;

	printf("uiommufd demo: the IOAS uAPI of /dev/iommu, step by step\n");

	step("Open the iommufd");
	fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	printf("  open(\"/dev/iommu\", O_RDWR) = %d\n", fd);
	if (fd < 0) {
		printf("    = -1 %s (%s): run me under uiommufd-run\n",
		       errname(errno), strerror(errno));
		return 1;
	}

	step("Allocate two I/O address spaces, A and B");
	ioas_a = ioas_alloc(fd);
	ioas_b = ioas_alloc(fd);

	step("Map a 2 MiB buffer into A; the IOAS chooses the IOVA");
	/* A 2 MiB aligned buffer, so the IOVA can be 2 MiB aligned too */
	area = mmap(NULL, 2 * SZ_2M, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	small = mmap(NULL, SZ_64K, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	chunk = mmap(NULL, SZ_64K, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED || small == MAP_FAILED || chunk == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	buf = (char *)(((uintptr_t)area + SZ_2M - 1) & ~(SZ_2M - 1));
	fill(buf, SZ_2M, 0xa5a50000);
	fill(small, SZ_64K, 0x5a5a0000);
	iova_a = 0;
	ioas_map(fd, ioas_a, buf, SZ_2M, &iova_a, RW, 0);
	check(iova_a && !(iova_a % SZ_2M),
	      "IOVA 0x%llx is 2 MiB aligned like the buffer (huge IO pages "
	      "fit)",
	      (unsigned long long)iova_a);

	step("Map a 64 KiB buffer into A at a fixed IOVA");
	ioas_map(fd, ioas_a, small, SZ_64K, &iova_fixed,
		 RW | IOMMU_IOAS_MAP_FIXED_IOVA, 0);
	check(iova_fixed == FIXED_IOVA, "placed where asked");

	step("Map 1 MiB of a memfd into A with IOMMU_IOAS_MAP_FILE");
	mfd = memfd_create("uiommufd-demo", MFD_CLOEXEC);
	if (mfd < 0 || ftruncate(mfd, SZ_1M)) {
		perror("memfd");
		return 1;
	}
	fcmd.flags = RW;
	fcmd.ioas_id = ioas_a;
	fcmd.fd = mfd;
	fcmd.start = 0;
	fcmd.length = SZ_1M;
	if (!IOC(fd, IOMMU_IOAS_MAP_FILE, &fcmd, 0,
		 "ioas_id=%u fd=%d start=0 length=0x%llx", ioas_a, mfd,
		 (unsigned long long)SZ_1M)) {
		iova_file = fcmd.iova;
		printf("    -> iova=0x%llx\n", (unsigned long long)iova_file);
	}
	note("the pages are named by (file, offset), not by an address here");

	step("Read back the usable IOVA ranges of A");
	rcmd.ioas_id = ioas_a;
	rcmd.num_iovas = 4;
	if (!IOC(fd, IOMMU_IOAS_IOVA_RANGES, &rcmd, 0, "ioas_id=%u num_iovas=4",
		 ioas_a)) {
		printf("    -> num_iovas=%u out_iova_alignment=0x%llx\n",
		       rcmd.num_iovas,
		       (unsigned long long)rcmd.out_iova_alignment);
		for (uint32_t i = 0; i < rcmd.num_iovas && i < 4; i++)
			printf("       [0x%llx, 0x%llx]\n",
			       (unsigned long long)ranges[i].start,
			       (unsigned long long)ranges[i].last);
	}
	note("no device is attached, so nothing is reserved: the whole");
	note("64-bit space is usable, at any alignment");

	step("Allow only a window of IOVA in B, then map without FIXED_IOVA");
	acmd.ioas_id = ioas_b;
	IOC(fd, IOMMU_IOAS_ALLOW_IOVAS, &acmd, 0,
	    "ioas_id=%u num_iovas=1 [0x%llx, 0x%llx]", ioas_b,
	    (unsigned long long)ALLOW_START, (unsigned long long)ALLOW_LAST);
	ioas_map(fd, ioas_b, small, SZ_64K, &iova_b, RW, 0);
	check(iova_b >= ALLOW_START && iova_b + SZ_64K - 1 <= ALLOW_LAST,
	      "IOVA 0x%llx lies inside the allowed window",
	      (unsigned long long)iova_b);
	note("the same user memory is now mapped in A and in B");

	step("Copy 256 KiB of A's 2 MiB mapping into B");
	ioas_copy(fd, ioas_b, ioas_a, iova_a + SZ_64K, SZ_256K, &iova_copy, 0);
	check(iova_copy >= ALLOW_START && iova_copy + SZ_256K - 1 <= ALLOW_LAST,
	      "copy placed at 0x%llx, inside B's window",
	      (unsigned long long)iova_copy);
	note("COPY does not pin again: B's new mapping shares A's pages");
	note("object, so each page is pinned (and charged) once, and stays");
	note("valid in B even after A unmaps its range");

	step("Mistakes, and the errno the kernel answers");
	iova = FIXED_IOVA + SZ_64K / 2;
	note("map over part of an existing mapping: never replaced");
	ioas_map(fd, ioas_a, chunk, SZ_64K, &iova,
		 RW | IOMMU_IOAS_MAP_FIXED_IOVA, EEXIST);
	note("unmap half of the 2 MiB mapping: mappings go whole or not at "
	     "all");
	ioas_unmap(fd, ioas_a, iova_a, SZ_1M, ENOENT);
	note("copy from a range of A where nothing is mapped");
	ioas_copy(fd, ioas_b, ioas_a, 0x20000000, SZ_64K, &iova, ENOENT);
	note("map with neither READABLE nor WRITEABLE");
	iova = 0;
	ioas_map(fd, ioas_a, chunk, SZ_64K, &iova, 0, EINVAL);
	note("IOVA_RANGES with an array too small: the count comes back");
	rcmd.num_iovas = 0;
	if (IOC(fd, IOMMU_IOAS_IOVA_RANGES, &rcmd, EMSGSIZE,
		"ioas_id=%u num_iovas=0", ioas_a) == EMSGSIZE)
		printf("    -> num_iovas=%u ranges are needed\n",
		       rcmd.num_iovas);
	check(rcmd.num_iovas == 1, "the needed count is reported");

	step("Unmap by range, then unmap everything");
	len = ioas_unmap(fd, ioas_a, FIXED_IOVA, SZ_64K, 0);
	check(len == SZ_64K, "the fixed 64 KiB mapping is gone");
	len = ioas_unmap(fd, ioas_a, 0, UINT64_MAX, 0);
	check(len == SZ_2M + SZ_1M, "A: 2 MiB buffer + 1 MiB of memfd");
	len = ioas_unmap(fd, ioas_b, 0, UINT64_MAX, 0);
	check(len == SZ_64K + SZ_256K, "B: 64 KiB buffer + 256 KiB copy");

	step("Destroy the IOAS objects");
	destroy(fd, ioas_a, 0);
	note("a second destroy of the same ID finds nothing");
	destroy(fd, ioas_a, ENOENT);
	note("an IOAS still used by a device, HWPT or access would answer");
	note("EBUSY; nothing uses B, so it goes");
	destroy(fd, ioas_b, 0);

	step("Close");
	printf("  close(%d) = %d\n", fd, close(fd));
	close(mfd);
	munmap(area, 2 * SZ_2M);
	munmap(small, SZ_64K);
	munmap(chunk, SZ_64K);

	if (failures) {
		printf("\ndemo: %d answer(s) differ from the uAPI\n", failures);
		return 1;
	}
	printf("\ndemo: every answer is the documented one\n");
	return 0;
}
