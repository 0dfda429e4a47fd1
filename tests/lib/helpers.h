/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the tests and benchmarks that talk to the engine
 * through the public C API (<uiommufd/uiommufd.h>), the way a program
 * would: thin wrappers of the uAPI calls the tests repeat, and CHECK().
 * No test framework here: the cmocka tests add their own asserts
 * (tests/ioctl/test_helpers.h), the stress tests and benchmarks use these
 * as they are.
 *
 * The wrappers return what uiommufd_ioctl() returns (0 or -errno) unless
 * they say otherwise; those that cannot usefully fail CHECK() instead.
 */
#ifndef UIOMMUFD_TESTS_HELPERS_H
#define UIOMMUFD_TESTS_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <uiommufd/iommufd.h>
#include <uiommufd/iommufd_test.h>
#include <uiommufd/uiommufd.h>

#define PAGE_SZ		  ((unsigned long)sysconf(_SC_PAGESIZE))
#define ARRAY_SIZE(a)	  (sizeof(a) / sizeof((a)[0]))
#define offsetofend(t, m) (offsetof(t, m) + sizeof(((t *)0)->m))

/* IOMMU_IOAS_MAP flags most tests use */
#define RW    (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)
#define FIXED (IOMMU_IOAS_MAP_FIXED_IOVA | RW)

/* A condition that must hold: report where it did not, and abort */
#define CHECK(cond)                                                    \
	do {                                                           \
		if (!(cond))                                           \
			tests_check_failed(__FILE__, __LINE__, #cond); \
	} while (0)
__attribute__((noreturn)) void tests_check_failed(const char *file, int line,
						  const char *cond);

long ioc(int fd, unsigned long cmd, void *arg);
/* A new IOAS's ID; CHECK()s that the allocation worked */
uint32_t ioas_alloc(int fd);
/* *iova in: where (FIXED) or a hint; out: where it was mapped */
long ioas_map(int fd, uint32_t ioas, void *va, size_t len, uint64_t *iova,
	      uint32_t flags);
/* *out_len (if given): the length unmapped */
long ioas_unmap(int fd, uint32_t ioas, uint64_t iova, uint64_t len,
		uint64_t *out_len);
long destroy(int fd, uint32_t id);
/* IOMMU_TEST_OP_MD_CHECK_REFS: every page of the range pinned refs times */
long check_refs(int fd, void *va, size_t len, unsigned int refs);
/* A mock device (IOMMU_TEST_OP_MOCK_DOMAIN) attached to pt_id; CHECKs */
struct mock_dev_ids {
	uint32_t stdev, hwpt, idev;
};
struct mock_dev_ids mock_dev_add(int fd, uint32_t pt_id);
/* The same with MOCK_FLAGS_DEVICE_*; *out is zeros when it failed */
long mock_dev_add_flags(int fd, uint32_t pt_id, uint32_t flags,
			struct mock_dev_ids *out);
/* Replace the mock device's attachment; *pt_id returns the HWPT attached */
long mock_dev_replace(int fd, uint32_t stdev, uint32_t *pt_id);
/* IOMMU_TEST_CMD with cmd->size set */
long test_op(int fd, struct iommu_test_cmd *cmd);
/* IOMMU_TEST_OP_CREATE_ACCESS on ioas: the access fd, or -errno */
long access_create(int fd, uint32_t ioas, uint32_t flags);
/* IOMMU_TEST_OP_ACCESS_RW through access: 0 or -errno */
long access_rw(int fd, int access, uint64_t iova, void *buf, uint64_t len,
	       uint32_t flags);
/* IOMMU_HWPT_ALLOC; *out (if given) the new HWPT, 0 when it failed */
long hwpt_alloc_ex(int fd, uint32_t dev, uint32_t pt, uint32_t flags,
		   uint32_t fault_id, uint32_t data_type, void *data,
		   uint32_t data_len, uint32_t *out);
long hwpt_new(int fd, uint32_t dev, uint32_t pt, uint32_t flags, uint32_t *out);
/* IOMMU_VIOMMU_ALLOC; *out (if given) the new vIOMMU, untouched on failure */
long viommu_alloc_ex(int fd, uint32_t dev, uint32_t hwpt, uint32_t type,
		     uint32_t *out);
/* A FAULT queue: returns its fd, its object ID in *id; CHECKs */
int fault_queue_alloc(int fd, uint32_t *id);
/* Does the mock domain hwpt translate [iova, iova + len) to va? */
long md_check_map(int fd, uint32_t hwpt, uint64_t iova, void *va, size_t len);
/* Does the calling thread have capability cap (CapEff)? */
bool have_cap(int cap);
/* Private anonymous read-write memory; CHECKs */
void *map_anon(size_t len);
/* stderr goes to a memory file until stderr_end(); CHECKs */
void stderr_begin(void);
/* stderr back; what was written meanwhile in @buf (NUL-terminated) */
void stderr_end(char *buf, size_t size);
/*
 * What the engine reports from report_begin() to report_end(): the lines
 * added to the trace file when UIOMMUFD_TRACE names one, else stderr.
 */
enum report_form { REPORT_STDERR, REPORT_TRACE, REPORT_JSON };
enum report_form report_form(void);
void report_begin(void);
void report_end(char *buf, size_t size);
/* @got is one line, holding the string of the report's form */
bool report_is(const char *got, const char *in_stderr, const char *in_trace,
	       const char *in_json);

#endif
