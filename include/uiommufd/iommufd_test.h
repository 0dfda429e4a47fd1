/* SPDX-License-Identifier: MIT */
/*
 * uiommufd - the iommufd test user API (IOMMU_TEST_CMD).
 *
 * The kernel builds a private test interface into iommufd when
 * CONFIG_IOMMUFD_TEST is set: one extra ioctl, IOMMU_TEST_CMD, that drives
 * mock devices, mock IOMMU domains and emulated accesses, plus a few
 * driver-specific data formats for the mock IOMMU driver ("selftest"). The
 * kernel's own iommufd selftest is written against it, and uiommufd
 * implements it (src/selftest/) so that selftest runs unmodified.
 *
 * This header is written for uiommufd but is binary compatible with the
 * Linux 7.2 drivers/iommu/iommufd/iommufd_test.h: every name, value,
 * struct, field order, field type and alignment is the same, and it uses
 * the same include guard, so a file that includes both gets one copy.
 * tests/abi/uapi_layout.c pins the layout at compile time and
 * tests/abi/compare_layout.sh compares it with the kernel's file.
 *
 * The interface is for tests only. It has no stability promise in the
 * kernel and may change from one release to the next.
 */
#ifndef _UAPI_IOMMUFD_TEST_H
#define _UAPI_IOMMUFD_TEST_H

#include <uiommufd/iommufd.h>
#include <linux/types.h>

/* ===================================================================== */
/* Operations of IOMMU_TEST_CMD                                          */
/* ===================================================================== */

/*
 * Values of struct iommu_test_cmd @op. The comment of each member of the
 * union in struct iommu_test_cmd says which operation uses it and what
 * @id names for it. An unknown @op fails with EOPNOTSUPP.
 */
enum {
	IOMMU_TEST_OP_ADD_RESERVED = 1,
	IOMMU_TEST_OP_MOCK_DOMAIN,
	IOMMU_TEST_OP_MD_CHECK_MAP,
	IOMMU_TEST_OP_MD_CHECK_REFS,
	IOMMU_TEST_OP_CREATE_ACCESS,
	IOMMU_TEST_OP_DESTROY_ACCESS_PAGES,
	IOMMU_TEST_OP_ACCESS_PAGES,
	IOMMU_TEST_OP_ACCESS_RW,
	IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT,
	IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
	IOMMU_TEST_OP_ACCESS_REPLACE_IOAS,
	IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS,
	IOMMU_TEST_OP_DIRTY,
	IOMMU_TEST_OP_MD_CHECK_IOTLB,
	IOMMU_TEST_OP_TRIGGER_IOPF,
	IOMMU_TEST_OP_DEV_CHECK_CACHE,
	IOMMU_TEST_OP_TRIGGER_VEVENT,
	IOMMU_TEST_OP_PASID_ATTACH,
	IOMMU_TEST_OP_PASID_REPLACE,
	IOMMU_TEST_OP_PASID_DETACH,
	IOMMU_TEST_OP_PASID_CHECK_HWPT,
	IOMMU_TEST_OP_DMABUF_GET,
	IOMMU_TEST_OP_DMABUF_REVOKE,
};

/* ===================================================================== */
/* The mock IOMMU and its devices                                        */
/* ===================================================================== */

/*
 * Page-table formats of a mock paging domain, chosen with
 * struct iommu_hwpt_selftest @pagetable_type:
 *  - MOCK_IOMMUPT_DEFAULT: pages of MOCK_PAGE_SIZE bytes;
 *  - MOCK_IOMMUPT_HUGE: the domain offers only MOCK_HUGE_PAGE_SIZE pages
 *    (and the CPU page size, which iommufd needs), so the test must map
 *    memory in huge-page units.
 */
enum {
	MOCK_IOMMUPT_DEFAULT = 0,
	MOCK_IOMMUPT_HUGE,
};

/*
 * Geometry of a mock domain in the MOCK_IOMMUPT_DEFAULT format: the IOVA
 * aperture is [MOCK_APERTURE_START, MOCK_APERTURE_LAST] and the smallest
 * page is MOCK_PAGE_SIZE (2 KiB, on purpose smaller than any CPU page).
 */
enum {
	MOCK_APERTURE_START = 1UL << 24,
	MOCK_APERTURE_LAST = (1UL << 31) - 1,
	MOCK_PAGE_SIZE = 2048,
	MOCK_HUGE_PAGE_SIZE = 512 * MOCK_PAGE_SIZE,
};

/*
 * Flags shared by the access operations:
 *  - MOCK_FLAGS_ACCESS_WRITE: IOMMU_TEST_OP_ACCESS_PAGES pins the pages
 *    for writing;
 *  - MOCK_FLAGS_ACCESS_SYZ: the 64-bit IOVA is not an address but a pair
 *    of __u32 in memory order, { n, offset }: the IOVA used is the start
 *    of the n-th area of the IOAS (in IOVA order) plus offset, or 0 if
 *    there is no such area. It lets a fuzzer (syzkaller) hit mapped IOVAs.
 *    Accepted by IOMMU_TEST_OP_ACCESS_PAGES and IOMMU_TEST_OP_ACCESS_RW.
 */
enum {
	MOCK_FLAGS_ACCESS_WRITE = 1 << 0,
	MOCK_FLAGS_ACCESS_SYZ = 1 << 16,
};

/*
 * Flags of IOMMU_TEST_OP_ACCESS_RW (access_rw.flags):
 *  - MOCK_ACCESS_RW_WRITE: copy from the user buffer into the IOVA range;
 *    without it the range is read into the buffer;
 *  - MOCK_ACCESS_RW_SLOW_PATH: copy as if the memory belonged to another
 *    process (page by page through the pinned pages) even when it is the
 *    caller's own, to exercise that path.
 * MOCK_FLAGS_ACCESS_SYZ may be added to either.
 */
enum {
	MOCK_ACCESS_RW_WRITE = 1 << 0,
	MOCK_ACCESS_RW_SLOW_PATH = 1 << 2,
};

/*
 * Flags of IOMMU_TEST_OP_CREATE_ACCESS (create_access.flags):
 *  - MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES: the access pins pages, so
 *    it must be told to unpin when its range is unmapped; without it the
 *    access only reads and writes through the IOAS.
 */
enum {
	MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES = 1 << 0,
};

/*
 * Flags of a mock device (mock_domain_flags.dev_flags):
 *  - MOCK_FLAGS_DEVICE_NO_DIRTY: the device's IOMMU cannot track dirty
 *    pages, so it refuses domains that have dirty tracking;
 *  - MOCK_FLAGS_DEVICE_PASID: the device supports PASIDs
 *    (MOCK_PASID_WIDTH bits).
 * Any other bit fails with EINVAL.
 */
enum {
	MOCK_FLAGS_DEVICE_NO_DIRTY = 1 << 0,
	MOCK_FLAGS_DEVICE_PASID = 1 << 2,
};

/*
 * A mock nested domain has MOCK_NESTED_DOMAIN_IOTLB_NUM IOTLB entries,
 * numbered 0 to MOCK_NESTED_DOMAIN_IOTLB_ID_MAX; each holds a __u32 the
 * test can read back with IOMMU_TEST_OP_MD_CHECK_IOTLB.
 */
enum {
	MOCK_NESTED_DOMAIN_IOTLB_ID_MAX = 3,
	MOCK_NESTED_DOMAIN_IOTLB_NUM = 4,
};

/*
 * A mock device has MOCK_DEV_CACHE_NUM cache entries, numbered 0 to
 * MOCK_DEV_CACHE_ID_MAX, read back with IOMMU_TEST_OP_DEV_CHECK_CACHE.
 */
enum {
	MOCK_DEV_CACHE_ID_MAX = 3,
	MOCK_DEV_CACHE_NUM = 4,
};

/*
 * A PASID on which the mock driver fails on purpose: after a successful
 * attach of this PASID to a domain, the next attach or replace of it fails
 * with ENOMEM (and the one after succeeds again; a detach resets the
 * cycle). Tests use it to check that a failed replace keeps the old
 * attachment.
 */
#define IOMMU_TEST_PASID_RESERVED 1024

/* ===================================================================== */
/* IOMMU_TEST_CMD                                                        */
/* ===================================================================== */

/**
 * struct iommu_test_cmd - argument of IOMMU_TEST_CMD
 * @size: bytes passed; must reach at least up to @last
 * @op: the operation, one of IOMMU_TEST_OP_*
 * @id: the object the operation works on; what it must be is given with
 *      each union member below
 * @__reserved: unused; callers write 0, but it is not checked
 * @last: marks the end of the struct; its offset is the minimum @size
 *
 * The union holds the arguments and results of each operation (the "out_"
 * fields are results; a command that has any writes the struct back):
 *
 * @add_reserved: IOMMU_TEST_OP_ADD_RESERVED, @id is an IOAS. Reserves
 *      [@start, @start + @length - 1] in it, as a device's reserved region
 *      would. EINVAL for a @length of 0, EOVERFLOW if the range wraps.
 * @mock_domain: IOMMU_TEST_OP_MOCK_DOMAIN, @id is an IOAS or a HWPT.
 *      Creates a mock device, binds it and attaches it to @id (an IOAS
 *      gets an automatic domain). Returns the test object that owns the
 *      device in @out_stdev_id (destroy it to remove the device), the
 *      attached HWPT in @out_hwpt_id and the ordinary iommufd device
 *      object, as from a bind, in @out_idev_id.
 * @mock_domain_flags: IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS: the same, with the
 *      MOCK_FLAGS_DEVICE_* of the new device in @dev_flags.
 * @mock_domain_replace: IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, @id is an
 *      @out_stdev_id. Replaces the device's attachment with @pt_id (an IOAS
 *      or HWPT) and returns in @pt_id the HWPT now attached.
 * @check_map: IOMMU_TEST_OP_MD_CHECK_MAP, @id is a mock paging HWPT.
 *      Checks that each page of [@iova, @iova + @length) translates to the
 *      memory at user address @uptr; EINVAL on a mismatch or on values not
 *      aligned to the domain's page size.
 * @check_refs: IOMMU_TEST_OP_MD_CHECK_REFS. Checks that every CPU page of
 *      the user range [@uptr, @uptr + @length) is pinned exactly @refs
 *      times (pages of a huge folio are skipped); EIO if not.
 * @create_access: IOMMU_TEST_OP_CREATE_ACCESS, @id is an IOAS. Creates an
 *      emulated access (a device without its own domain) attached to @id;
 *      @flags takes MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES (EOPNOTSUPP
 *      for others). Returns a file descriptor in @out_access_fd that names
 *      the access; closing it destroys the access.
 * @destroy_access_pages: IOMMU_TEST_OP_DESTROY_ACCESS_PAGES, @id is an
 *      access fd. Unpins the pages pinned under @access_pages_id;
 *      ENOENT if there is no such handle.
 * @access_pages: IOMMU_TEST_OP_ACCESS_PAGES, @id is an access fd. Pins
 *      [@iova, @iova + @length) through the access, checks the pages
 *      against the user memory at @uptr (which may be 0 to skip the check)
 *      and returns a handle for them in @out_access_pages_id. @flags takes
 *      MOCK_FLAGS_ACCESS_WRITE and MOCK_FLAGS_ACCESS_SYZ. EOPNOTSUPP unless
 *      the access was created with MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES.
 * @access_rw: IOMMU_TEST_OP_ACCESS_RW, @id is an access fd. Copies
 *      @length bytes between the IOVA @iova and the user buffer at @uptr,
 *      in the direction given by the MOCK_ACCESS_RW_* @flags.
 * @memory_limit: IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT. Sets the size in
 *      bytes of the temporary buffers used while pinning, to force the
 *      code through many small batches; EINVAL if @limit is too small for
 *      one entry.
 * @access_replace_ioas: IOMMU_TEST_OP_ACCESS_REPLACE_IOAS, @id is an
 *      access fd. Moves the access to the IOAS @ioas_id.
 * @dirty: IOMMU_TEST_OP_DIRTY, @id is a mock paging HWPT with dirty
 *      tracking enabled. For each bit set in the bitmap at @uptr, bit i
 *      standing for the page at @iova + i * @page_size, marks that page
 *      dirty as the hardware would; returns the number of pages marked in
 *      @out_nr_dirty. @flags is unused.
 * @check_iotlb: IOMMU_TEST_OP_MD_CHECK_IOTLB, @id is a mock nested HWPT.
 *      Checks that its IOTLB entry number check_iotlb.id (at most
 *      MOCK_NESTED_DOMAIN_IOTLB_ID_MAX) holds @iotlb; EINVAL if not.
 * @trigger_iopf: IOMMU_TEST_OP_TRIGGER_IOPF. Makes the device @dev_id
 *      report a page request for @addr with @pasid, @grpid and the
 *      IOMMU_PGFAULT_PERM_* @perm, as the last page of its group; it is
 *      delivered to the FAULT queue of the attached HWPT.
 * @check_dev_cache: IOMMU_TEST_OP_DEV_CHECK_CACHE, @id is a device
 *      object (an @out_idev_id). Checks that cache entry number
 *      check_dev_cache.id (at most MOCK_DEV_CACHE_ID_MAX) of the mock
 *      device holds @cache; EINVAL if not.
 * @trigger_vevent: IOMMU_TEST_OP_TRIGGER_VEVENT. Makes the vIOMMU of the
 *      device @dev_id report an IOMMU_VEVENTQ_TYPE_SELFTEST event for the
 *      device's virtual ID; ENOENT if the device has no vDEVICE.
 * @pasid_attach: IOMMU_TEST_OP_PASID_ATTACH, @id is an @out_stdev_id.
 *      Attaches @pasid of the device to @pt_id (an IOAS or HWPT) and
 *      returns in @pt_id the HWPT attached.
 * @pasid_replace: IOMMU_TEST_OP_PASID_REPLACE, @id is an @out_stdev_id.
 *      Replaces what @pasid is attached to with @pt_id, which returns the
 *      HWPT now attached.
 * @pasid_detach: IOMMU_TEST_OP_PASID_DETACH, @id is an @out_stdev_id.
 *      Detaches @pasid of the device.
 * @pasid_check: IOMMU_TEST_OP_PASID_CHECK_HWPT, @id is an @out_stdev_id.
 *      Checks that @pasid is attached to the HWPT @hwpt_id, or to nothing
 *      if @hwpt_id is 0; EINVAL if not.
 * @dmabuf_get: IOMMU_TEST_OP_DMABUF_GET. Creates a test DMA-BUF of
 *      @length bytes (rounded up to the CPU page size, at most 512 pages)
 *      opened with the O_* @open_flags; the new file descriptor is the
 *      return value of the ioctl.
 * @dmabuf_revoke: IOMMU_TEST_OP_DMABUF_REVOKE. Sets (@revoked != 0) or
 *      clears the revoked state of the test DMA-BUF @dmabuf_fd, which
 *      tells its importers to drop their mappings; EOPNOTSUPP for a
 *      DMA-BUF this interface did not create.
 *
 * Devices, accesses and PASIDs created here are the test's stand-ins for
 * real hardware; everything else the operations touch is the normal
 * iommufd state, so the regular ioctls see the effects.
 */
struct iommu_test_cmd {
	__u32 size;
	__u32 op;
	__u32 id;
	__u32 __reserved;
	union {
		struct {
			__aligned_u64 start;
			__aligned_u64 length;
		} add_reserved;
		struct {
			__u32 out_stdev_id;
			__u32 out_hwpt_id;
			/* the device object a normal bind would return */
			__u32 out_idev_id;
		} mock_domain;
		struct {
			__u32 out_stdev_id;
			__u32 out_hwpt_id;
			__u32 out_idev_id;
			/* mock_domain plus the flags of the new device */
			__u32 dev_flags;
		} mock_domain_flags;
		struct {
			__u32 pt_id;
		} mock_domain_replace;
		struct {
			__aligned_u64 iova;
			__aligned_u64 length;
			__aligned_u64 uptr;
		} check_map;
		struct {
			__aligned_u64 length;
			__aligned_u64 uptr;
			__u32 refs;
		} check_refs;
		struct {
			__u32 out_access_fd;
			__u32 flags;
		} create_access;
		struct {
			__u32 access_pages_id;
		} destroy_access_pages;
		struct {
			__u32 flags;
			__u32 out_access_pages_id;
			__aligned_u64 iova;
			__aligned_u64 length;
			__aligned_u64 uptr;
		} access_pages;
		struct {
			__aligned_u64 iova;
			__aligned_u64 length;
			__aligned_u64 uptr;
			__u32 flags;
		} access_rw;
		struct {
			__u32 limit;
		} memory_limit;
		struct {
			__u32 ioas_id;
		} access_replace_ioas;
		struct {
			__u32 flags;
			__aligned_u64 iova;
			__aligned_u64 length;
			__aligned_u64 page_size;
			__aligned_u64 uptr;
			__aligned_u64 out_nr_dirty;
		} dirty;
		struct {
			__u32 id;
			__u32 iotlb;
		} check_iotlb;
		struct {
			__u32 dev_id;
			__u32 pasid;
			__u32 grpid;
			__u32 perm;
			/* a plain __u64: naturally aligned at offset 32 */
			__u64 addr;
		} trigger_iopf;
		struct {
			__u32 id;
			__u32 cache;
		} check_dev_cache;
		struct {
			__u32 dev_id;
		} trigger_vevent;
		/* the four PASID operations name the device in @id */
		struct {
			__u32 pasid;
			__u32 pt_id;
		} pasid_attach;
		struct {
			__u32 pasid;
			__u32 pt_id;
		} pasid_replace;
		struct {
			__u32 pasid;
		} pasid_detach;
		struct {
			__u32 pasid;
			__u32 hwpt_id;
		} pasid_check;
		struct {
			__u32 length;
			__u32 open_flags;
		} dmabuf_get;
		struct {
			__s32 dmabuf_fd;
			__u32 revoked;
		} dmabuf_revoke;
	};
	__u32 last;
};
#define IOMMU_TEST_CMD _IO(IOMMUFD_TYPE, IOMMUFD_CMD_BASE + 32)

/* ===================================================================== */
/* Data formats of the mock IOMMU driver                                 */
/* ===================================================================== */

/* Number of PASID bits of a mock device with MOCK_FLAGS_DEVICE_PASID. */
#define MOCK_PASID_WIDTH 20

/*
 * IOMMU_GET_HW_INFO on a mock device reports the type
 * IOMMU_HW_INFO_TYPE_SELFTEST with a struct iommu_test_hw_info whose
 * @test_reg is IOMMU_HW_INFO_SELFTEST_REGVAL.
 */
#define IOMMU_HW_INFO_TYPE_SELFTEST   0xfeedbeef
#define IOMMU_HW_INFO_SELFTEST_REGVAL 0xdeadbeef

/**
 * struct iommu_test_hw_info - hardware information of the mock IOMMU
 * @flags: always 0
 * @test_reg: a fixed "register" value, IOMMU_HW_INFO_SELFTEST_REGVAL
 */
struct iommu_test_hw_info {
	__u32 flags;
	__u32 test_reg;
};

/*
 * The HWPT data type of the mock driver (struct iommu_hwpt_alloc
 * @data_type); chosen far from every value of enum iommu_hwpt_data_type.
 */
#define IOMMU_HWPT_DATA_SELFTEST 0xdead
/* Value every IOTLB entry of a new mock nested domain starts with. */
#define IOMMU_TEST_IOTLB_DEFAULT 0xbadbeef
/* Value every cache entry of a new mock device starts with. */
#define IOMMU_TEST_DEV_CACHE_DEFAULT 0xbaddad

/**
 * struct iommu_hwpt_selftest - HWPT data of the mock driver
 *                              (IOMMU_HWPT_DATA_SELFTEST)
 * @iotlb: for a nested HWPT, the value given to every entry of its IOTLB
 *         (normally IOMMU_TEST_IOTLB_DEFAULT)
 * @pagetable_type: for a paging HWPT, the page-table format, one of
 *                  MOCK_IOMMUPT_*; EOPNOTSUPP for others
 */
struct iommu_hwpt_selftest {
	__u32 iotlb;
	__u32 pagetable_type;
};

/*
 * Invalidation data types of the mock driver (struct
 * iommu_hwpt_invalidate @data_type for a mock nested HWPT): the valid
 * one, and one the driver rejects, to test the error path. Both are far
 * from every value of enum iommu_hwpt_invalidate_data_type.
 */
#define IOMMU_HWPT_INVALIDATE_DATA_SELFTEST	    0xdeadbeef
#define IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID 0xdadbeef

/*
 * Invalidate every entry, ignoring the entry index; the one flag of both
 * struct iommu_hwpt_invalidate_selftest and
 * struct iommu_viommu_invalidate_selftest.
 */
#define IOMMU_TEST_INVALIDATE_FLAG_ALL (1 << 0)

/**
 * struct iommu_hwpt_invalidate_selftest - invalidation entry of a mock
 *     nested HWPT (IOMMU_HWPT_INVALIDATE_DATA_SELFTEST)
 * @flags: 0 or IOMMU_TEST_INVALIDATE_FLAG_ALL; EOPNOTSUPP for others
 * @iotlb_id: the IOTLB entry to reset to 0, at most
 *            MOCK_NESTED_DOMAIN_IOTLB_ID_MAX (EINVAL beyond, with
 *            IOMMU_TEST_INVALIDATE_FLAG_ALL too, which otherwise ignores it)
 */
struct iommu_hwpt_invalidate_selftest {
	__u32 flags;
	__u32 iotlb_id;
};

/* The vIOMMU type of the mock driver (struct iommu_viommu_alloc @type). */
#define IOMMU_VIOMMU_TYPE_SELFTEST 0xdeadbeef

/**
 * struct iommu_viommu_selftest - vIOMMU data of the mock driver
 *                                (IOMMU_VIOMMU_TYPE_SELFTEST)
 * @in_data: any value from the caller
 * @out_data: returns @in_data, to show the data went in and came back
 * @out_mmap_offset: returns the offset to pass to mmap() on the iommufd
 *                   to map the vIOMMU's test page
 * @out_mmap_length: returns the length of that mapping
 */
struct iommu_viommu_selftest {
	__u32 in_data;
	__u32 out_data;
	__aligned_u64 out_mmap_offset;
	__aligned_u64 out_mmap_length;
};

/*
 * Invalidation data types of a mock vIOMMU (struct iommu_hwpt_invalidate
 * @data_type when its @hwpt_id names a vIOMMU): the valid one and one the
 * driver rejects. Both are far from every value of
 * enum iommu_viommu_invalidate_data_type.
 */
#define IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST	      0xdeadbeef
#define IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID 0xdadbeef

/**
 * struct iommu_viommu_invalidate_selftest - invalidation entry of a mock
 *     vIOMMU (IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST)
 * @flags: 0 or IOMMU_TEST_INVALIDATE_FLAG_ALL; EOPNOTSUPP for others
 * @vdev_id: the virtual ID of the device whose cache is meant; EINVAL if
 *           no vDEVICE of the vIOMMU has it
 * @cache_id: the device cache entry to reset to 0, at most
 *            MOCK_DEV_CACHE_ID_MAX (EINVAL beyond); ignored with
 *            IOMMU_TEST_INVALIDATE_FLAG_ALL
 */
struct iommu_viommu_invalidate_selftest {
	__u32 flags;
	__u32 vdev_id;
	__u32 cache_id;
};

/* The vEVENTQ type of the mock driver (struct iommu_veventq_alloc @type). */
#define IOMMU_VEVENTQ_TYPE_SELFTEST 0xbeefbeef

/**
 * struct iommu_viommu_event_selftest - event of a mock vIOMMU
 *                                      (IOMMU_VEVENTQ_TYPE_SELFTEST)
 * @virt_id: the virtual ID of the device the event is about
 */
struct iommu_viommu_event_selftest {
	__u32 virt_id;
};

/*
 * The HW queue type of the mock driver (struct iommu_hw_queue_alloc
 * @type), and how many queues (index 0 to IOMMU_TEST_HW_QUEUE_MAX - 1) a
 * mock vIOMMU has.
 */
#define IOMMU_HW_QUEUE_TYPE_SELFTEST 0xdeadbeef
#define IOMMU_TEST_HW_QUEUE_MAX	     2

#endif /* _UAPI_IOMMUFD_TEST_H */
