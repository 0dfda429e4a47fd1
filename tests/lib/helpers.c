// SPDX-License-Identifier: MIT
/* The shared test helpers (see helpers.h) */
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "helpers.h"

void tests_check_failed(const char *file, int line, const char *cond)
{
	fprintf(stderr, "%s:%d: CHECK(%s) failed\n", file, line, cond);
	abort();
}

long ioc(int fd, unsigned long cmd, void *arg)
{
	return uiommufd_ioctl(fd, cmd, (unsigned long)arg);
}

uint32_t ioas_alloc(int fd)
{
	struct iommu_ioas_alloc cmd = {.size = sizeof(cmd)};

	CHECK(ioc(fd, IOMMU_IOAS_ALLOC, &cmd) == 0);
	CHECK(cmd.out_ioas_id != 0);
	return cmd.out_ioas_id;
}

long ioas_map(int fd, uint32_t ioas, void *va, size_t len, uint64_t *iova,
	      uint32_t flags)
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

long ioas_unmap(int fd, uint32_t ioas, uint64_t iova, uint64_t len,
		uint64_t *out_len)
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

long destroy(int fd, uint32_t id)
{
	struct iommu_destroy cmd = {.size = sizeof(cmd), .id = id};

	return ioc(fd, IOMMU_DESTROY, &cmd);
}

long check_refs(int fd, void *va, size_t len, unsigned int refs)
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

struct mock_dev_ids mock_dev_add(int fd, uint32_t pt_id)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN,
		.id = pt_id,
	};

	CHECK(ioc(fd, IOMMU_TEST_CMD, &cmd) == 0);
	return (struct mock_dev_ids){
		.stdev = cmd.mock_domain.out_stdev_id,
		.hwpt = cmd.mock_domain.out_hwpt_id,
		.idev = cmd.mock_domain.out_idev_id,
	};
}

long test_op(int fd, struct iommu_test_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	return ioc(fd, IOMMU_TEST_CMD, cmd);
}

long access_create(int fd, uint32_t ioas, uint32_t flags)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_CREATE_ACCESS,
		.id = ioas,
		.create_access.flags = flags,
	};
	long rc = test_op(fd, &cmd);

	return rc ? rc : (long)cmd.create_access.out_access_fd;
}

long access_rw(int fd, int access, uint64_t iova, void *buf, uint64_t len,
	       uint32_t flags)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_ACCESS_RW,
		.id = (uint32_t)access,
		.access_rw = {.iova = iova,
			      .length = len,
			      .uptr = (uintptr_t)buf,
			      .flags = flags},
	};

	return test_op(fd, &cmd);
}

long mock_dev_add_flags(int fd, uint32_t pt_id, uint32_t flags,
			struct mock_dev_ids *out)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS,
		.id = pt_id,
		.mock_domain_flags = {.dev_flags = flags},
	};
	long rc = test_op(fd, &cmd);

	if (out) {
		out->stdev = cmd.mock_domain_flags.out_stdev_id;
		out->hwpt = cmd.mock_domain_flags.out_hwpt_id;
		out->idev = cmd.mock_domain_flags.out_idev_id;
	}
	return rc;
}

long mock_dev_replace(int fd, uint32_t stdev, uint32_t *pt_id)
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

long hwpt_alloc_ex(int fd, uint32_t dev, uint32_t pt, uint32_t flags,
		   uint32_t fault_id, uint32_t data_type, void *data,
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

long viommu_alloc_ex(int fd, uint32_t dev, uint32_t hwpt, uint32_t type,
		     uint32_t *out)
{
	struct iommu_viommu_alloc cmd = {
		.size = sizeof(cmd),
		.type = type,
		.dev_id = dev,
		.hwpt_id = hwpt,
	};
	long rc = ioc(fd, IOMMU_VIOMMU_ALLOC, &cmd);

	if (!rc && out)
		*out = cmd.out_viommu_id;
	return rc;
}

long hwpt_new(int fd, uint32_t dev, uint32_t pt, uint32_t flags, uint32_t *out)
{
	return hwpt_alloc_ex(fd, dev, pt, flags, 0, IOMMU_HWPT_DATA_NONE, NULL,
			     0, out);
}

int fault_queue_alloc(int fd, uint32_t *id)
{
	struct iommu_fault_alloc cmd = {.size = sizeof(cmd)};

	CHECK(ioc(fd, IOMMU_FAULT_QUEUE_ALLOC, &cmd) == 0);
	*id = cmd.out_fault_id;
	return (int)cmd.out_fault_fd;
}

long md_check_map(int fd, uint32_t hwpt, uint64_t iova, void *va, size_t len)
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

bool have_cap(int cap)
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

void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	return p;
}

static int stderr_saved = -1, stderr_file = -1;

void stderr_begin(void)
{
	fflush(stderr);
	stderr_saved = dup(2);
	stderr_file = memfd_create("stderr", MFD_CLOEXEC);
	CHECK(stderr_saved >= 0 && stderr_file >= 0);
	CHECK(dup2(stderr_file, 2) == 2);
}

void stderr_end(char *buf, size_t size)
{
	ssize_t n;

	fflush(stderr);
	CHECK(dup2(stderr_saved, 2) == 2);
	n = pread(stderr_file, buf, size - 1, 0);
	CHECK(n >= 0);
	buf[n] = '\0';
	close(stderr_saved);
	close(stderr_file);
	stderr_saved = stderr_file = -1;
}

enum report_form report_form(void)
{
	const char *trace = getenv("UIOMMUFD_TRACE");
	const char *format = getenv("UIOMMUFD_TRACE_FORMAT");

	if (!trace || trace[0] != '/')
		return REPORT_STDERR;
	return format && !strcmp(format, "json") ? REPORT_JSON : REPORT_TRACE;
}

static int report_file = -1;
static off_t report_from;

void report_begin(void)
{
	if (report_form() == REPORT_STDERR) {
		stderr_begin();
		return;
	}
	report_file = open(getenv("UIOMMUFD_TRACE"), O_RDONLY | O_CLOEXEC);
	CHECK(report_file >= 0);
	report_from = lseek(report_file, 0, SEEK_END);
	CHECK(report_from >= 0);
}

void report_end(char *buf, size_t size)
{
	ssize_t n;

	if (report_form() == REPORT_STDERR) {
		stderr_end(buf, size);
		return;
	}
	n = pread(report_file, buf, size - 1, report_from);
	CHECK(n >= 0);
	buf[n] = '\0';
	close(report_file);
	report_file = -1;
}

bool report_is(const char *got, const char *in_stderr, const char *in_trace,
	       const char *in_json)
{
	const char *want[] = {in_stderr, in_trace, in_json};
	const char *nl = strchr(got, '\n');

	if (!nl || nl[1])
		return false;
	return strstr(got, want[report_form()]);
}
