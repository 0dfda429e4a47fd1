/* SPDX-License-Identifier: MIT */
/*
 * uiommufd - the iommufd user API (/dev/iommu), as spoken by the engine.
 *
 * This header is written for uiommufd but is binary compatible with the
 * Linux 7.2 <linux/iommufd.h>: every name, constant, ioctl number, struct,
 * field order, field type and alignment is the same, and it uses the same
 * include guard, so a file that includes both gets exactly one copy.
 * tests/abi/uapi_layout.c pins the layout at compile time and
 * tests/abi/compare_layout.sh compares it with a kernel's header.
 *
 * How every command works
 * -----------------------
 * Each ioctl takes a pointer to its argument struct, whose first member is
 * a __u32 @size holding the number of bytes the caller passes. The struct
 * can only grow at its end, so old and new programs keep working:
 *
 *  - bytes the engine knows about but the caller did not pass are taken
 *    as zero; a @size below the command's minimum (given in each struct's
 *    comment) fails with EINVAL;
 *  - bytes past the end of the struct the engine knows must be zero,
 *    otherwise the command fails with E2BIG;
 *  - results are written back only up to the caller's @size.
 *
 * Error numbers shared by all commands:
 *
 *  - ENOTTY:     the ioctl number is not known at all;
 *  - E2BIG:      the number is known, but unknown trailing bytes are set;
 *  - EOPNOTSUPP: the struct is understood, but a flag, type or reserved
 *                field carries a value that is not supported;
 *  - EINVAL:     everything is understood, but a value is not acceptable
 *                (bad combination, bad alignment, too small a @size...);
 *  - ENOENT:     an object ID or an IOVA range names nothing;
 *  - EBUSY:      an object is still used by others (e.g. on destroy);
 *  - ENOMEM:     out of memory;
 *  - EOVERFLOW:  an address or length computation does not fit;
 *  - EFAULT:     a user pointer could not be read or written.
 *
 * Commands add their own errors; they are listed with each struct.
 *
 * Object IDs are __u32, handed out lowest free first and never 0. All
 * user pointers and addresses travel in 64-bit fields, so the layout is
 * the same for 32-bit and 64-bit callers.
 */
#ifndef _IOMMUFD_H
#define _IOMMUFD_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * Older <linux/types.h> lack the explicitly aligned 64-bit types; supply
 * them with the definitions the kernel uses.
 */
#ifndef __aligned_u64
#define __aligned_u64 __u64 __attribute__((aligned(8)))
#endif
#ifndef __aligned_le64
#define __aligned_le64 __le64 __attribute__((aligned(8)))
#endif

/* ===================================================================== */
/* Command numbers                                                       */
/* ===================================================================== */

/* The ioctl "type" (magic) byte of every iommufd command. */
#define IOMMUFD_TYPE (';')

/*
 * Command ("nr") numbers. They are dense from IOMMUFD_CMD_BASE, so an
 * implementation can dispatch through a table indexed by nr - BASE. The
 * ioctl numbers themselves are _IO(IOMMUFD_TYPE, nr): no size or direction
 * is encoded, the size travels in the struct instead.
 */
enum {
	IOMMUFD_CMD_BASE = 0x80,
	IOMMUFD_CMD_DESTROY = IOMMUFD_CMD_BASE,
	IOMMUFD_CMD_IOAS_ALLOC = 0x81,
	IOMMUFD_CMD_IOAS_ALLOW_IOVAS = 0x82,
	IOMMUFD_CMD_IOAS_COPY = 0x83,
	IOMMUFD_CMD_IOAS_IOVA_RANGES = 0x84,
	IOMMUFD_CMD_IOAS_MAP = 0x85,
	IOMMUFD_CMD_IOAS_UNMAP = 0x86,
	IOMMUFD_CMD_OPTION = 0x87,
	IOMMUFD_CMD_VFIO_IOAS = 0x88,
	IOMMUFD_CMD_HWPT_ALLOC = 0x89,
	IOMMUFD_CMD_GET_HW_INFO = 0x8a,
	IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING = 0x8b,
	IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP = 0x8c,
	IOMMUFD_CMD_HWPT_INVALIDATE = 0x8d,
	IOMMUFD_CMD_FAULT_QUEUE_ALLOC = 0x8e,
	IOMMUFD_CMD_IOAS_MAP_FILE = 0x8f,
	IOMMUFD_CMD_VIOMMU_ALLOC = 0x90,
	IOMMUFD_CMD_VDEVICE_ALLOC = 0x91,
	IOMMUFD_CMD_IOAS_CHANGE_PROCESS = 0x92,
	IOMMUFD_CMD_VEVENTQ_ALLOC = 0x93,
	IOMMUFD_CMD_HW_QUEUE_ALLOC = 0x94,
};

/* ===================================================================== */
/* Any object                                                            */
/* ===================================================================== */

/**
 * struct iommu_destroy - argument of IOMMU_DESTROY
 * @size: bytes passed, at least 8
 * @id: ID of the object to remove; any object type that userspace may
 *      destroy is accepted
 *
 * Removes one object from the context and frees it.
 *
 * Errors: ENOENT if @id names no object (or one not yet fully created),
 * EBUSY while other objects still depend on it (e.g. an IOAS with a
 * HWPT or a device attached).
 */
struct iommu_destroy {
	__u32 size;
	__u32 id;
};
#define IOMMU_DESTROY _IO(IOMMUFD_TYPE, IOMMUFD_CMD_DESTROY)

/* ===================================================================== */
/* IO address spaces (IOAS)                                              */
/* ===================================================================== */

/**
 * struct iommu_ioas_alloc - argument of IOMMU_IOAS_ALLOC
 * @size: bytes passed, at least 12
 * @flags: no flags are defined; must be 0
 * @out_ioas_id: returns the ID of the new IOAS
 *
 * Creates an empty IO address space: a table translating IOVAs to user
 * memory, which devices and HWPTs can later be attached to.
 *
 * Errors: EOPNOTSUPP if @flags is not 0.
 */
struct iommu_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_ioas_id;
};
#define IOMMU_IOAS_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_ALLOC)

/**
 * struct iommu_iova_range - one range of IOVA
 * @start: first IOVA of the range
 * @last: last IOVA of the range, inclusive
 *
 * Array element used by IOMMU_IOAS_IOVA_RANGES and IOMMU_IOAS_ALLOW_IOVAS.
 */
struct iommu_iova_range {
	__aligned_u64 start;
	__aligned_u64 last;
};

/**
 * struct iommu_ioas_iova_ranges - argument of IOMMU_IOAS_IOVA_RANGES
 * @size: bytes passed, at least 32
 * @ioas_id: the IOAS to query
 * @num_iovas: in: number of entries @allowed_iovas can hold;
 *             out: number of ranges the IOAS has
 * @__reserved: must be 0
 * @allowed_iovas: user pointer to an array of struct iommu_iova_range
 * @out_iova_alignment: returns the alignment every IOVA and length given
 *                      to MAP or COPY must have (1 means any; never more
 *                      than the page size)
 *
 * Reports the IOVA ranges where mappings may currently be placed: the whole
 * space minus what the attached devices and the reserved regions exclude.
 * The answer changes as devices are attached and detached, so ask again
 * after each change. Entries are filled in ascending order as far as
 * @num_iovas allows.
 *
 * Errors: EMSGSIZE when the array is too short; @num_iovas then holds the
 * count needed and the caller should retry with a bigger array.
 * EOPNOTSUPP if @__reserved is set.
 */
struct iommu_ioas_iova_ranges {
	__u32 size;
	__u32 ioas_id;
	__u32 num_iovas;
	__u32 __reserved;
	__aligned_u64 allowed_iovas;
	__aligned_u64 out_iova_alignment;
};
#define IOMMU_IOAS_IOVA_RANGES _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_IOVA_RANGES)

/**
 * struct iommu_ioas_allow_iovas - argument of IOMMU_IOAS_ALLOW_IOVAS
 * @size: bytes passed, at least 24
 * @ioas_id: the IOAS to change
 * @num_iovas: number of entries in @allowed_iovas (0 clears the list)
 * @__reserved: must be 0
 * @allowed_iovas: user pointer to an array of struct iommu_iova_range
 *
 * Replaces the IOAS's list of ranges that must stay usable. From then on
 * nothing may shrink the usable space into these ranges: attaching a
 * device that cannot reach them fails instead. When the list is not empty,
 * automatic IOVA allocation only picks addresses inside it.
 *
 * Errors: EINVAL if a range is empty or inverted or ranges overlap;
 * EADDRINUSE if part of a range is already reserved, i.e. the IOAS is
 * narrower than asked (nothing changes then); EOPNOTSUPP if @__reserved
 * is set.
 */
struct iommu_ioas_allow_iovas {
	__u32 size;
	__u32 ioas_id;
	__u32 num_iovas;
	__u32 __reserved;
	__aligned_u64 allowed_iovas;
};
#define IOMMU_IOAS_ALLOW_IOVAS _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_ALLOW_IOVAS)

/**
 * enum iommufd_ioas_map_flags - flags of IOMMU_IOAS_MAP, _MAP_FILE and _COPY
 * @IOMMU_IOAS_MAP_FIXED_IOVA: the caller gives the IOVA; without it the
 *                             engine chooses one and returns it
 * @IOMMU_IOAS_MAP_WRITEABLE: devices may write through the mapping
 * @IOMMU_IOAS_MAP_READABLE: devices may read through the mapping
 *
 * At least one of WRITEABLE and READABLE must be set (else EINVAL); any
 * other bit gives EOPNOTSUPP.
 */
enum iommufd_ioas_map_flags {
	IOMMU_IOAS_MAP_FIXED_IOVA = 1 << 0,
	IOMMU_IOAS_MAP_WRITEABLE = 1 << 1,
	IOMMU_IOAS_MAP_READABLE = 1 << 2,
};

/**
 * struct iommu_ioas_map - argument of IOMMU_IOAS_MAP
 * @size: bytes passed, at least 40
 * @flags: a combination of enum iommufd_ioas_map_flags
 * @ioas_id: the IOAS to map into
 * @__reserved: must be 0
 * @user_va: start of the process memory to map
 * @length: number of bytes to map
 * @iova: with IOMMU_IOAS_MAP_FIXED_IOVA, the IOVA to map at; in every
 *        case, returns the IOVA the mapping was placed at
 *
 * Makes the memory at @user_va visible to DMA at an IOVA of the IOAS. The
 * pages are pinned (and counted against RLIMIT_MEMLOCK) while any attached
 * domain or access needs them. A fixed IOVA range must be entirely free:
 * existing mappings are never replaced.
 *
 * Errors: EINVAL for a zero length, bad alignment or a fixed range that
 * touches reserved IOVA; EEXIST if a fixed range overlaps a mapping;
 * ENOSPC when no free IOVA range fits; EOVERFLOW for an IOVA or length
 * that does not fit; EFAULT for memory that cannot be pinned; ENOMEM also
 * when the RLIMIT_MEMLOCK limit would be exceeded; EOPNOTSUPP for unknown
 * @flags or a set @__reserved.
 */
struct iommu_ioas_map {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__u32 __reserved;
	__aligned_u64 user_va;
	__aligned_u64 length;
	__aligned_u64 iova;
};
#define IOMMU_IOAS_MAP _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_MAP)

/**
 * struct iommu_ioas_map_file - argument of IOMMU_IOAS_MAP_FILE
 * @size: bytes passed, at least 40
 * @flags: as in struct iommu_ioas_map
 * @ioas_id: as in struct iommu_ioas_map
 * @fd: file to map: a memfd, or a dma-buf of a kind the engine supports
 * @start: offset in bytes into the file where the mapping begins
 * @length: as in struct iommu_ioas_map
 * @iova: as in struct iommu_ioas_map
 *
 * Like IOMMU_IOAS_MAP, but the memory is named by a file and an offset
 * instead of an address in the caller. Only mappings made this way can be
 * moved to another process with IOMMU_IOAS_CHANGE_PROCESS.
 *
 * Errors: those of IOMMU_IOAS_MAP; EBADF if @fd is not open, EINVAL or
 * EOPNOTSUPP for a file kind that cannot be mapped.
 */
struct iommu_ioas_map_file {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__s32 fd;
	__aligned_u64 start;
	__aligned_u64 length;
	__aligned_u64 iova;
};
#define IOMMU_IOAS_MAP_FILE _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_MAP_FILE)

/**
 * struct iommu_ioas_copy - argument of IOMMU_IOAS_COPY
 * @size: bytes passed, at least 40
 * @flags: a combination of enum iommufd_ioas_map_flags
 * @dst_ioas_id: the IOAS receiving the new mapping
 * @src_ioas_id: the IOAS holding the existing mapping
 * @length: number of bytes to copy
 * @dst_iova: with IOMMU_IOAS_MAP_FIXED_IOVA, the IOVA to map at in the
 *            destination; in every case, returns where it was placed
 * @src_iova: IOVA of the range in the source IOAS
 *
 * Maps memory that is already mapped in one IOAS into another (or the
 * same) IOAS. The memory is shared, not re-pinned: each page stays pinned
 * and accounted once. The source range must lie within whole existing
 * mappings.
 *
 * Errors: ENOENT if the source range is not fully mapped, EINVAL for a
 * zero length, plus the errors of IOMMU_IOAS_MAP for the destination.
 */
struct iommu_ioas_copy {
	__u32 size;
	__u32 flags;
	__u32 dst_ioas_id;
	__u32 src_ioas_id;
	__aligned_u64 length;
	__aligned_u64 dst_iova;
	__aligned_u64 src_iova;
};
#define IOMMU_IOAS_COPY _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_COPY)

/**
 * struct iommu_ioas_unmap - argument of IOMMU_IOAS_UNMAP
 * @size: bytes passed, at least 24
 * @ioas_id: the IOAS to unmap from
 * @iova: first IOVA to unmap
 * @length: in: number of bytes to unmap; out: number of bytes unmapped
 *
 * Removes every mapping inside [@iova, @iova + @length). Mappings are
 * removed whole: a range that would cut one in two is refused. @iova 0
 * with @length U64_MAX removes everything.
 *
 * Errors: ENOENT if nothing is mapped in the range or the range would cut
 * a mapping in two; EBUSY if a mapping in it is still being set up or is
 * held by an object that has not released it; EINVAL for a zero length;
 * EOVERFLOW for an IOVA or length that does not fit.
 */
struct iommu_ioas_unmap {
	__u32 size;
	__u32 ioas_id;
	__aligned_u64 iova;
	__aligned_u64 length;
};
#define IOMMU_IOAS_UNMAP _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_UNMAP)

/**
 * struct iommu_ioas_change_process - argument of IOMMU_IOAS_CHANGE_PROCESS
 * @size: bytes passed, at least 8
 * @__reserved: must be 0
 *
 * Moves the pinned-page accounting of every mapping in every IOAS of the
 * context to the calling process, e.g. when a new process takes over the
 * devices during a live update. Either everything moves or nothing does.
 *
 * Errors: EINVAL if some mapping was not made with IOMMU_IOAS_MAP_FILE,
 * ENOMEM if the new owner's pinned-page limit would be exceeded,
 * EOPNOTSUPP if @__reserved is set.
 */
struct iommu_ioas_change_process {
	__u32 size;
	__u32 __reserved;
};
#define IOMMU_IOAS_CHANGE_PROCESS \
	_IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_CHANGE_PROCESS)

/* ===================================================================== */
/* Options                                                               */
/* ===================================================================== */

/**
 * enum iommufd_option - option numbers of IOMMU_OPTION
 * @IOMMU_OPTION_RLIMIT_MODE: how pinned pages are charged against
 *        RLIMIT_MEMLOCK: 0 (default) per user, 1 per process. Applies to
 *        the whole context (object_id must be 0); setting it needs
 *        CAP_SYS_RESOURCE (EPERM) and a context with no objects yet (EBUSY).
 * @IOMMU_OPTION_HUGE_PAGES: 1 (default) lets physically contiguous pages be
 *        mapped with large IO page-table entries, 0 maps page by page.
 *        Applies to one IOAS, named by object_id.
 *
 * Values other than 0 and 1 give EINVAL.
 */
enum iommufd_option {
	IOMMU_OPTION_RLIMIT_MODE = 0,
	IOMMU_OPTION_HUGE_PAGES = 1,
};

/**
 * enum iommufd_option_ops - what IOMMU_OPTION does with the option
 * @IOMMU_OPTION_OP_SET: store val64 as the new value
 * @IOMMU_OPTION_OP_GET: return the current value in val64
 */
enum iommufd_option_ops {
	IOMMU_OPTION_OP_SET = 0,
	IOMMU_OPTION_OP_GET = 1,
};

/**
 * struct iommu_option - argument of IOMMU_OPTION
 * @size: bytes passed, at least 24
 * @option_id: one of enum iommufd_option
 * @op: one of enum iommufd_option_ops
 * @__reserved: must be 0
 * @object_id: the object the option belongs to, 0 for context options
 * @val64: the value to set, or the value read
 *
 * Reads or writes one simple setting of the context or of an object.
 *
 * Errors: EOPNOTSUPP for an unknown option or op, a set @__reserved, or a
 * non-zero @object_id for a context option; ENOENT if @object_id names no
 * suitable object; EINVAL for a value out of range.
 */
struct iommu_option {
	__u32 size;
	__u32 option_id;
	__u16 op;
	__u16 __reserved;
	__u32 object_id;
	__aligned_u64 val64;
};
#define IOMMU_OPTION _IO(IOMMUFD_TYPE, IOMMUFD_CMD_OPTION)

/* ===================================================================== */
/* VFIO container compatibility                                          */
/* ===================================================================== */

/**
 * enum iommufd_vfio_ioas_op - operations of IOMMU_VFIO_IOAS
 * @IOMMU_VFIO_IOAS_GET: return the IOAS used for VFIO compatibility
 * @IOMMU_VFIO_IOAS_SET: make ioas_id the IOAS used for VFIO compatibility
 * @IOMMU_VFIO_IOAS_CLEAR: forget the compatibility IOAS (it is not
 *                         destroyed)
 */
enum iommufd_vfio_ioas_op {
	IOMMU_VFIO_IOAS_GET = 0,
	IOMMU_VFIO_IOAS_SET = 1,
	IOMMU_VFIO_IOAS_CLEAR = 2,
};

/**
 * struct iommu_vfio_ioas - argument of IOMMU_VFIO_IOAS
 * @size: bytes passed, at least 12
 * @ioas_id: input for SET, output for GET
 * @op: one of enum iommufd_vfio_ioas_op
 * @__reserved: must be 0
 *
 * The VFIO type1 container ioctls carry no object ID, so an iommufd used
 * as a VFIO container works on one chosen IOAS. This command reads or
 * changes that choice. Using the iommufd as a container picks the chosen
 * IOAS, or creates one when none is chosen; a container already in use
 * keeps the IOAS it got.
 *
 * Errors: ENODEV if GET finds no IOAS chosen, ENOENT if SET names no
 * IOAS, EOPNOTSUPP for an unknown @op or a set @__reserved.
 */
struct iommu_vfio_ioas {
	__u32 size;
	__u32 ioas_id;
	__u16 op;
	__u16 __reserved;
};
#define IOMMU_VFIO_IOAS _IO(IOMMUFD_TYPE, IOMMUFD_CMD_VFIO_IOAS)

/* ===================================================================== */
/* Hardware information                                                  */
/* ===================================================================== */

/**
 * enum iommu_hw_info_vtd_flags - flags of struct iommu_hw_info_vtd
 * @IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17: the hardware has Intel erratum
 *        772415 (SPR17): read-only mappings must not be used in a nesting
 *        parent domain
 */
enum iommu_hw_info_vtd_flags {
	IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17 = 1 << 0,
};

/**
 * struct iommu_hw_info_vtd - Intel VT-d data (IOMMU_HW_INFO_TYPE_INTEL_VTD)
 * @flags: a combination of enum iommu_hw_info_vtd_flags
 * @__reserved: 0
 * @cap_reg: raw value of the VT-d Capability Register
 * @ecap_reg: raw value of the VT-d Extended Capability Register
 *
 * The registers are decoded as described in the VT-d specification.
 */
struct iommu_hw_info_vtd {
	__u32 flags;
	__u32 __reserved;
	__aligned_u64 cap_reg;
	__aligned_u64 ecap_reg;
};

/**
 * struct iommu_hw_info_arm_smmuv3 - ARM SMMUv3 data
 *                                   (IOMMU_HW_INFO_TYPE_ARM_SMMUV3)
 * @flags: 0
 * @__reserved: 0
 * @idr: raw SMMU_IDR0..SMMU_IDR5 registers
 * @iidr: raw SMMU_IIDR register (implementer and revision)
 * @aidr: raw SMMU_AIDR register (architecture version)
 *
 * Raw register values for a VMM building a virtual SMMU. Only the fields a
 * nested setup can honour are meaningful: in IDR0 ST_LEVEL, TERM_MODEL,
 * STALL_MODEL, TTENDIAN, CD2L, ASID16 and TTF; in IDR1 SIDSIZE and
 * SSIDSIZE; in IDR3 BBML and RIL; in IDR5 VAX and the GRAN bits. Other
 * bits must be ignored so that future kernels stay compatible.
 */
struct iommu_hw_info_arm_smmuv3 {
	__u32 flags;
	__u32 __reserved;
	__u32 idr[6];
	__u32 iidr;
	__u32 aidr;
};

/**
 * struct iommu_hw_info_tegra241_cmdqv - NVIDIA Tegra241 CMDQV data
 *                                       (IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV)
 * @flags: 0
 * @version: CMDQ-V hardware version (PARAM bits 3:0)
 * @log2vcmdqs: log2 of the number of virtual command queues (PARAM 7:4)
 * @log2vsids: log2 of the number of stream-ID replacements (PARAM 15:12)
 * @__reserved: 0
 *
 * Values for the PARAM register of an emulated CMDQ-V; a guest is given a
 * single virtual interface, so PARAM bits 11:8 should read as 0.
 */
struct iommu_hw_info_tegra241_cmdqv {
	__u32 flags;
	__u8 version;
	__u8 log2vcmdqs;
	__u8 log2vsids;
	__u8 __reserved;
};

/**
 * struct iommu_hw_info_amd - AMD IOMMU data (IOMMU_HW_INFO_TYPE_AMD)
 * @efr: raw Extended Feature Register (MMIO offset 0x30)
 * @efr2: raw Extended Feature 2 Register (MMIO offset 0x1a0)
 *
 * Raw values; the VMM decides which features to show its guest (for
 * nesting, the guest-translation, PPR and PASID related bits).
 */
struct iommu_hw_info_amd {
	__aligned_u64 efr;
	__aligned_u64 efr2;
};

/**
 * enum iommu_hw_info_type - kinds of data IOMMU_GET_HW_INFO returns
 * @IOMMU_HW_INFO_TYPE_NONE: (output) the IOMMU has no data to report
 * @IOMMU_HW_INFO_TYPE_DEFAULT: (input) ask for the IOMMU's native kind
 * @IOMMU_HW_INFO_TYPE_INTEL_VTD: struct iommu_hw_info_vtd
 * @IOMMU_HW_INFO_TYPE_ARM_SMMUV3: struct iommu_hw_info_arm_smmuv3
 * @IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV: struct iommu_hw_info_tegra241_cmdqv
 * @IOMMU_HW_INFO_TYPE_AMD: struct iommu_hw_info_amd
 */
enum iommu_hw_info_type {
	IOMMU_HW_INFO_TYPE_NONE = 0,
	IOMMU_HW_INFO_TYPE_DEFAULT = 0,
	IOMMU_HW_INFO_TYPE_INTEL_VTD = 1,
	IOMMU_HW_INFO_TYPE_ARM_SMMUV3 = 2,
	IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV = 3,
	IOMMU_HW_INFO_TYPE_AMD = 4,
};

/**
 * enum iommufd_hw_capabilities - bits of iommu_hw_info.out_capabilities
 * @IOMMU_HW_CAP_DIRTY_TRACKING: the IOMMU records DMA writes, so
 *        IOMMU_HWPT_SET_DIRTY_TRACKING and IOMMU_HWPT_GET_DIRTY_BITMAP
 *        can be used
 * @IOMMU_HW_CAP_PCI_PASID_EXEC: PASID requests may ask for execute
 *        permission (meaningless when out_max_pasid_log2 is 0)
 * @IOMMU_HW_CAP_PCI_PASID_PRIV: PASID requests may ask for privileged mode
 *        (meaningless when out_max_pasid_log2 is 0)
 * @IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED: the device cannot use ATS; when the
 *        bit is clear ATS may be enabled
 */
enum iommufd_hw_capabilities {
	IOMMU_HW_CAP_DIRTY_TRACKING = 1 << 0,
	IOMMU_HW_CAP_PCI_PASID_EXEC = 1 << 1,
	IOMMU_HW_CAP_PCI_PASID_PRIV = 1 << 2,
	IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED = 1 << 3,
};

/**
 * enum iommufd_hw_info_flags - flags of struct iommu_hw_info
 * @IOMMU_HW_INFO_FLAG_INPUT_TYPE: in_data_type is valid and selects the
 *        kind of data wanted; without it the native kind is returned
 */
enum iommufd_hw_info_flags {
	IOMMU_HW_INFO_FLAG_INPUT_TYPE = 1 << 0,
};

/**
 * struct iommu_hw_info - argument of IOMMU_GET_HW_INFO
 * @size: bytes passed, at least 32
 * @flags: a combination of enum iommufd_hw_info_flags
 * @dev_id: a device bound to this iommufd
 * @data_len: in: size of the buffer at @data_uptr;
 *            out: size of the data the engine has
 * @data_uptr: user pointer to a buffer for the type-specific data
 * @in_data_type: with IOMMU_HW_INFO_FLAG_INPUT_TYPE, the kind of data
 *                wanted (enum iommu_hw_info_type)
 * @out_data_type: returns the kind of data written to @data_uptr
 * @out_max_pasid_log2: returns the PASID width in bits, 0 if none
 * @__reserved: must be 0
 * @out_capabilities: returns a combination of enum iommufd_hw_capabilities
 *
 * Describes the IOMMU behind a device, so a VMM can offer a compatible
 * virtual IOMMU or nested page-table format. At most @data_len bytes are
 * written; when the buffer is bigger than the data the rest of it is
 * zeroed. A @data_len of 0 only queries the size and type.
 *
 * Errors: EOPNOTSUPP for unknown @flags, a set @__reserved, or a requested
 * type the IOMMU cannot report; ENOENT if @dev_id is not a device.
 */
struct iommu_hw_info {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 data_len;
	__aligned_u64 data_uptr;
	union {
		__u32 in_data_type;
		__u32 out_data_type;
	};
	__u8 out_max_pasid_log2;
	__u8 __reserved[3];
	__aligned_u64 out_capabilities;
};
#define IOMMU_GET_HW_INFO _IO(IOMMUFD_TYPE, IOMMUFD_CMD_GET_HW_INFO)

/* ===================================================================== */
/* Hardware page tables (HWPT)                                           */
/* ===================================================================== */

/**
 * enum iommufd_hwpt_alloc_flags - flags of struct iommu_hwpt_alloc
 * @IOMMU_HWPT_ALLOC_NEST_PARENT: the HWPT may serve as the stage-2 parent
 *        of nested HWPTs and vIOMMUs
 * @IOMMU_HWPT_ALLOC_DIRTY_TRACKING: the HWPT must support dirty tracking;
 *        only devices whose IOMMU can track writes may attach to it
 * @IOMMU_HWPT_FAULT_ID_VALID: fault_id names a FAULT object that receives
 *        the I/O page faults of this HWPT
 * @IOMMU_HWPT_ALLOC_PASID: the HWPT may be attached to PASIDs of a device.
 *        Once PASIDs are used, the domain on the device's non-PASID side
 *        must carry this flag too. EOPNOTSUPP without PASID support.
 */
enum iommufd_hwpt_alloc_flags {
	IOMMU_HWPT_ALLOC_NEST_PARENT = 1 << 0,
	IOMMU_HWPT_ALLOC_DIRTY_TRACKING = 1 << 1,
	IOMMU_HWPT_FAULT_ID_VALID = 1 << 2,
	IOMMU_HWPT_ALLOC_PASID = 1 << 3,
};

/**
 * enum iommu_hwpt_vtd_s1_flags - flags of struct iommu_hwpt_vtd_s1
 * @IOMMU_VTD_S1_SRE: supervisor requests are allowed
 * @IOMMU_VTD_S1_EAFE: extended access flag is enabled
 * @IOMMU_VTD_S1_WPE: write protection is enabled
 */
enum iommu_hwpt_vtd_s1_flags {
	IOMMU_VTD_S1_SRE = 1 << 0,
	IOMMU_VTD_S1_EAFE = 1 << 1,
	IOMMU_VTD_S1_WPE = 1 << 2,
};

/**
 * struct iommu_hwpt_vtd_s1 - Intel VT-d stage-1 table
 *                            (IOMMU_HWPT_DATA_VTD_S1)
 * @flags: a combination of enum iommu_hwpt_vtd_s1_flags
 * @pgtbl_addr: address of the guest's stage-1 page table
 * @addr_width: input address width of that table, in bits
 * @__reserved: must be 0
 */
struct iommu_hwpt_vtd_s1 {
	__aligned_u64 flags;
	__aligned_u64 pgtbl_addr;
	__u32 addr_width;
	__u32 __reserved;
};

/**
 * struct iommu_hwpt_arm_smmuv3 - ARM SMMUv3 nested stream table entry
 *                                (IOMMU_HWPT_DATA_ARM_SMMUV3)
 * @ste: the first two 64-bit words of the guest's STE, little-endian
 *
 * Only the stage-1 related fields may be set (in word 0: V, Cfg, S1Fmt,
 * S1ContextPtr, S1CDMax; in word 1: EATS, S1DSS, S1CIR, S1COR, S1CSH,
 * S1STALLD); anything else gives EIO. Cfg selects translate, bypass (same
 * translation as the parent) or abort. For translate a vDEVICE should
 * exist before attaching, as invalidations and events are routed by its
 * virtual stream ID.
 */
struct iommu_hwpt_arm_smmuv3 {
	__aligned_le64 ste[2];
};

/**
 * struct iommu_hwpt_amd_guest - AMD guest I/O page table
 *                               (IOMMU_HWPT_DATA_AMD_GUEST)
 * @dte: the guest's 256-bit Device Table Entry
 */
struct iommu_hwpt_amd_guest {
	__aligned_u64 dte[4];
};

/**
 * enum iommu_hwpt_data_type - formats of iommu_hwpt_alloc.data_uptr
 * @IOMMU_HWPT_DATA_NONE: no data: a paging HWPT managed by the engine
 * @IOMMU_HWPT_DATA_VTD_S1: struct iommu_hwpt_vtd_s1
 * @IOMMU_HWPT_DATA_ARM_SMMUV3: struct iommu_hwpt_arm_smmuv3
 * @IOMMU_HWPT_DATA_AMD_GUEST: struct iommu_hwpt_amd_guest
 */
enum iommu_hwpt_data_type {
	IOMMU_HWPT_DATA_NONE = 0,
	IOMMU_HWPT_DATA_VTD_S1 = 1,
	IOMMU_HWPT_DATA_ARM_SMMUV3 = 2,
	IOMMU_HWPT_DATA_AMD_GUEST = 3,
};

/**
 * struct iommu_hwpt_alloc - argument of IOMMU_HWPT_ALLOC
 * @size: bytes passed, at least 24
 * @flags: a combination of enum iommufd_hwpt_alloc_flags
 * @dev_id: the device the HWPT is made for (its IOMMU decides the format)
 * @pt_id: what the HWPT is built on: an IOAS, a nesting-parent HWPT or
 *         a vIOMMU
 * @out_hwpt_id: returns the ID of the new HWPT
 * @__reserved: must be 0
 * @data_type: one of enum iommu_hwpt_data_type
 * @data_len: size of the data at @data_uptr
 * @data_uptr: user pointer to the data, in the format @data_type names
 * @fault_id: FAULT object, used only with IOMMU_HWPT_FAULT_ID_VALID
 * @__reserved2: must be 0
 *
 * Creates a hardware page table (an IOMMU domain) explicitly, instead of
 * letting attach make one. If @pt_id is an IOAS the result is a paging
 * HWPT that mirrors the IOAS's mappings, and @data_type must be
 * IOMMU_HWPT_DATA_NONE. If @pt_id is a nesting-parent HWPT or a vIOMMU the
 * result is a nested HWPT: a user-owned stage-1 table, described by the
 * data, translated through the parent; the device and the vIOMMU must sit
 * behind the same IOMMU.
 *
 * Errors: EINVAL if @data_len is 0 with a data type or non-zero without
 * one, if @pt_id is not an IOAS, HWPT or vIOMMU, or if the device does
 * not fit; EOPNOTSUPP for unsupported flags, type or a set @__reserved;
 * ENOENT for a missing device or fault object; EIO for data the IOMMU
 * rejects.
 */
struct iommu_hwpt_alloc {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 pt_id;
	__u32 out_hwpt_id;
	__u32 __reserved;
	__u32 data_type;
	__u32 data_len;
	__aligned_u64 data_uptr;
	__u32 fault_id;
	__u32 __reserved2;
};
#define IOMMU_HWPT_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_HWPT_ALLOC)

/* ===================================================================== */
/* Dirty tracking                                                        */
/* ===================================================================== */

/**
 * enum iommufd_hwpt_set_dirty_tracking_flags - flags of
 *                                              IOMMU_HWPT_SET_DIRTY_TRACKING
 * @IOMMU_HWPT_DIRTY_TRACKING_ENABLE: turn tracking on; clear turns it off
 */
enum iommufd_hwpt_set_dirty_tracking_flags {
	IOMMU_HWPT_DIRTY_TRACKING_ENABLE = 1,
};

/**
 * struct iommu_hwpt_set_dirty_tracking - argument of
 *                                        IOMMU_HWPT_SET_DIRTY_TRACKING
 * @size: bytes passed, at least 16
 * @flags: a combination of enum iommufd_hwpt_set_dirty_tracking_flags
 * @hwpt_id: a paging HWPT
 * @__reserved: must be 0
 *
 * Starts or stops recording which IOVA pages devices write to.
 *
 * Errors: EOPNOTSUPP for unknown @flags or a domain without dirty
 * tracking, ENOENT if @hwpt_id is not a paging HWPT.
 */
struct iommu_hwpt_set_dirty_tracking {
	__u32 size;
	__u32 flags;
	__u32 hwpt_id;
	__u32 __reserved;
};
#define IOMMU_HWPT_SET_DIRTY_TRACKING \
	_IO(IOMMUFD_TYPE, IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING)

/**
 * enum iommufd_hwpt_get_dirty_bitmap_flags - flags of
 *                                            IOMMU_HWPT_GET_DIRTY_BITMAP
 * @IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR: report the dirty bits but leave
 *        them set, e.g. when the range is about to be unmapped anyway
 */
enum iommufd_hwpt_get_dirty_bitmap_flags {
	IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR = 1,
};

/**
 * struct iommu_hwpt_get_dirty_bitmap - argument of
 *                                      IOMMU_HWPT_GET_DIRTY_BITMAP
 * @size: bytes passed, at least 48
 * @hwpt_id: a paging HWPT
 * @flags: a combination of enum iommufd_hwpt_get_dirty_bitmap_flags
 * @__reserved: must be 0
 * @iova: first IOVA to report, the one bit 0 of the bitmap stands for
 * @length: number of IOVA bytes to report
 * @page_size: bytes of IOVA each bit stands for (a power of two)
 * @data: user pointer to the bitmap, an array of __u64
 *
 * Walks the page table over the range, sets in @data one bit per dirty
 * page and, unless told otherwise, clears the dirty state it reported.
 * The page at IOVA x is bit ((x - @iova) / @page_size) % 64 of word
 * ((x - @iova) / @page_size) / 64. Bits of clean pages are not cleared in
 * @data.
 *
 * Errors: EINVAL for a zero @page_size or a range not aligned to it or
 * to the IOVA alignment; EOVERFLOW for a range that wraps; EOPNOTSUPP for
 * unknown @flags, a set @__reserved or a domain without dirty tracking;
 * ENOENT for a bad @hwpt_id.
 */
struct iommu_hwpt_get_dirty_bitmap {
	__u32 size;
	__u32 hwpt_id;
	__u32 flags;
	__u32 __reserved;
	__aligned_u64 iova;
	__aligned_u64 length;
	__aligned_u64 page_size;
	__aligned_u64 data;
};
#define IOMMU_HWPT_GET_DIRTY_BITMAP \
	_IO(IOMMUFD_TYPE, IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP)

/* ===================================================================== */
/* Cache invalidation of nested translation                              */
/* ===================================================================== */

/**
 * enum iommu_hwpt_invalidate_data_type - entry formats of
 *                                        IOMMU_HWPT_INVALIDATE
 * @IOMMU_HWPT_INVALIDATE_DATA_VTD_S1: struct iommu_hwpt_vtd_s1_invalidate
 * @IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3:
 *        struct iommu_viommu_arm_smmuv3_invalidate
 */
enum iommu_hwpt_invalidate_data_type {
	IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 = 0,
	IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 = 1,
};

/**
 * enum iommu_hwpt_vtd_s1_invalidate_flags - flags of
 *                                           struct iommu_hwpt_vtd_s1_invalidate
 * @IOMMU_VTD_INV_FLAGS_LEAF: only leaf entries changed, so the caches of
 *        upper page-table levels may be kept
 */
enum iommu_hwpt_vtd_s1_invalidate_flags {
	IOMMU_VTD_INV_FLAGS_LEAF = 1 << 0,
};

/**
 * struct iommu_hwpt_vtd_s1_invalidate - one Intel VT-d stage-1
 *                                       invalidation request
 * @addr: first address to invalidate, 4 KiB aligned
 * @npages: number of 4 KiB pages; @addr 0 with @npages U64_MAX means all
 * @flags: a combination of enum iommu_hwpt_vtd_s1_invalidate_flags
 * @__reserved: must be 0
 *
 * Sent after the guest changed its stage-1 table. Device TLBs (ATS) are
 * invalidated along with the IOTLB.
 */
struct iommu_hwpt_vtd_s1_invalidate {
	__aligned_u64 addr;
	__aligned_u64 npages;
	__u32 flags;
	__u32 __reserved;
};

/**
 * struct iommu_viommu_arm_smmuv3_invalidate - one ARM SMMUv3 invalidation
 *                                             command
 * @cmd: a 128-bit SMMU command queue entry, little-endian
 *
 * Accepted through a vIOMMU only. The allowed opcodes are TLBI_NSNH_ALL,
 * TLBI_NH_VA, TLBI_NH_VAA, TLBI_NH_ALL, TLBI_NH_ASID, ATC_INV, CFGI_CD
 * and CFGI_CD_ALL; any other gives EIO.
 */
struct iommu_viommu_arm_smmuv3_invalidate {
	__aligned_le64 cmd[2];
};

/**
 * struct iommu_hwpt_invalidate - argument of IOMMU_HWPT_INVALIDATE
 * @size: bytes passed, at least 32
 * @hwpt_id: a nested HWPT or a vIOMMU whose caches are to be invalidated
 * @data_uptr: user pointer to an array of invalidation requests
 * @data_type: one of enum iommu_hwpt_invalidate_data_type, the format of
 *             every entry of the array
 * @entry_len: size in bytes of one array entry
 * @entry_num: in: number of entries; out: number of entries handled
 * @__reserved: must be 0
 *
 * Flushes caches after the user changed a table the hardware walks: the
 * stage-1 table of a nested HWPT, or device and descriptor caches of a
 * vIOMMU. Entries are handled in order until one fails; @entry_num then
 * tells how many succeeded. With @entry_num 0 nothing is done, which
 * tests whether @data_type is supported.
 *
 * Errors: EINVAL if @entry_num is set but the pointer or entry length is
 * missing or too large, or @hwpt_id is neither a nested HWPT nor a vIOMMU;
 * EOPNOTSUPP for an unsupported @data_type or a set @__reserved; EIO for
 * a request the IOMMU rejects.
 */
struct iommu_hwpt_invalidate {
	__u32 size;
	__u32 hwpt_id;
	__aligned_u64 data_uptr;
	__u32 data_type;
	__u32 entry_len;
	__u32 entry_num;
	__u32 __reserved;
};
#define IOMMU_HWPT_INVALIDATE _IO(IOMMUFD_TYPE, IOMMUFD_CMD_HWPT_INVALIDATE)

/* ===================================================================== */
/* I/O page faults                                                       */
/* ===================================================================== */

/**
 * enum iommu_hwpt_pgfault_flags - flags of struct iommu_hwpt_pgfault
 * @IOMMU_PGFAULT_FLAGS_PASID_VALID: the pasid field is meaningful
 * @IOMMU_PGFAULT_FLAGS_LAST_PAGE: the last fault of its group; the group
 *        is answered with the cookie of this record
 */
enum iommu_hwpt_pgfault_flags {
	IOMMU_PGFAULT_FLAGS_PASID_VALID = (1 << 0),
	IOMMU_PGFAULT_FLAGS_LAST_PAGE = (1 << 1),
};

/**
 * enum iommu_hwpt_pgfault_perm - access bits of struct iommu_hwpt_pgfault
 * @IOMMU_PGFAULT_PERM_READ: the device wants to read
 * @IOMMU_PGFAULT_PERM_WRITE: the device wants to write
 * @IOMMU_PGFAULT_PERM_EXEC: the request had Execute Requested set in its
 *        PASID prefix (PCIe page request)
 * @IOMMU_PGFAULT_PERM_PRIV: the request had Privileged Mode Requested set
 *        in its PASID prefix (PCIe page request)
 */
enum iommu_hwpt_pgfault_perm {
	IOMMU_PGFAULT_PERM_READ = (1 << 0),
	IOMMU_PGFAULT_PERM_WRITE = (1 << 1),
	IOMMU_PGFAULT_PERM_EXEC = (1 << 2),
	IOMMU_PGFAULT_PERM_PRIV = (1 << 3),
};

/**
 * struct iommu_hwpt_pgfault - one fault record read from a FAULT fd
 * @flags: a combination of enum iommu_hwpt_pgfault_flags
 * @dev_id: the device that faulted
 * @pasid: the PASID of the request, if IOMMU_PGFAULT_FLAGS_PASID_VALID
 * @grpid: page request group index
 * @perm: a combination of enum iommu_hwpt_pgfault_perm
 * @__reserved: 0
 * @addr: the faulting address
 * @length: how many bytes the device expects to access from @addr, a hint
 *          for pre-faulting; 0 when unknown
 * @cookie: identifies the fault group; echo it back in the response
 *
 * read() on a FAULT fd returns whole records, whole groups at a time; the
 * read size must be a multiple of the record size (else ESPIPE) and hold
 * at least the first pending group (else EINVAL).
 */
struct iommu_hwpt_pgfault {
	__u32 flags;
	__u32 dev_id;
	__u32 pasid;
	__u32 grpid;
	__u32 perm;
	__u32 __reserved;
	__aligned_u64 addr;
	__u32 length;
	__u32 cookie;
};

/**
 * enum iommufd_page_response_code - outcome sent back for a fault group
 * @IOMMUFD_PAGE_RESP_SUCCESS: the mapping now exists; the device retries
 *        (PCIe "Success")
 * @IOMMUFD_PAGE_RESP_INVALID: the fault cannot be resolved; the device
 *        must not retry (PCIe "Invalid Request")
 */
enum iommufd_page_response_code {
	IOMMUFD_PAGE_RESP_SUCCESS = 0,
	IOMMUFD_PAGE_RESP_INVALID = 1,
};

/**
 * struct iommu_hwpt_page_response - one response written to a FAULT fd
 * @cookie: the cookie of the group being answered
 * @code: one of enum iommufd_page_response_code
 *
 * write() takes a multiple of this size (else ESPIPE); an unknown @code or
 * @cookie gives EINVAL.
 */
struct iommu_hwpt_page_response {
	__u32 cookie;
	__u32 code;
};

/**
 * struct iommu_fault_alloc - argument of IOMMU_FAULT_QUEUE_ALLOC
 * @size: bytes passed, at least 16
 * @flags: must be 0
 * @out_fault_id: returns the ID of the new FAULT object
 * @out_fault_fd: returns a file descriptor to read faults from and write
 *                responses to; the caller closes it
 *
 * Creates a queue for I/O page faults. HWPTs allocated with
 * IOMMU_HWPT_FAULT_ID_VALID deliver their faults to it.
 *
 * Errors: EOPNOTSUPP if @flags is not 0, EMFILE when out of descriptors.
 */
struct iommu_fault_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_fault_id;
	__u32 out_fault_fd;
};
#define IOMMU_FAULT_QUEUE_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_FAULT_QUEUE_ALLOC)

/* ===================================================================== */
/* Virtual IOMMUs and virtual devices                                    */
/* ===================================================================== */

/**
 * enum iommu_viommu_type - kinds of vIOMMU
 * @IOMMU_VIOMMU_TYPE_DEFAULT: not a valid kind (reserved)
 * @IOMMU_VIOMMU_TYPE_ARM_SMMUV3: ARM SMMUv3
 * @IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV: ARM SMMUv3 with the NVIDIA Tegra241
 *        CMDQV extension; data is struct iommu_viommu_tegra241_cmdqv. The
 *        VMM must present the guest's VINTF_CONFIG HYP_OWN bit as 0.
 */
enum iommu_viommu_type {
	IOMMU_VIOMMU_TYPE_DEFAULT = 0,
	IOMMU_VIOMMU_TYPE_ARM_SMMUV3 = 1,
	IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV = 2,
};

/**
 * struct iommu_viommu_tegra241_cmdqv - Tegra241 CMDQV vIOMMU data
 *                                      (IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV)
 * @out_vintf_mmap_offset: returns the mmap() offset of the VINTF page 0
 * @out_vintf_mmap_length: returns the mmap() length of the VINTF page 0
 *
 * Mapping that page into the guest lets it drive its virtual command
 * queues directly.
 */
struct iommu_viommu_tegra241_cmdqv {
	__aligned_u64 out_vintf_mmap_offset;
	__aligned_u64 out_vintf_mmap_length;
};

/**
 * struct iommu_viommu_alloc - argument of IOMMU_VIOMMU_ALLOC
 * @size: bytes passed, at least 24
 * @flags: must be 0
 * @type: one of enum iommu_viommu_type, not DEFAULT
 * @dev_id: a device behind the physical IOMMU the vIOMMU is cut from
 * @hwpt_id: a nesting-parent paging HWPT (the guest's stage 2)
 * @out_viommu_id: returns the ID of the new vIOMMU
 * @data_len: size of the data at @data_uptr
 * @__reserved: must be 0
 * @data_uptr: user pointer to the data, in the format @type names
 *
 * Creates a vIOMMU: the share of one physical IOMMU given to one VM. It
 * holds what is global to the guest's IOMMU, such as its stage-2 table,
 * its ID spaces (virtual device IDs, cache tags), event queues and
 * hardware-accelerated queues.
 *
 * Errors: EOPNOTSUPP for non-zero @flags, the DEFAULT type or a type the
 * IOMMU does not offer; EINVAL if @hwpt_id is not a nesting parent;
 * ENOENT for a bad ID.
 */
struct iommu_viommu_alloc {
	__u32 size;
	__u32 flags;
	__u32 type;
	__u32 dev_id;
	__u32 hwpt_id;
	__u32 out_viommu_id;
	__u32 data_len;
	__u32 __reserved;
	__aligned_u64 data_uptr;
};
#define IOMMU_VIOMMU_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_VIOMMU_ALLOC)

/**
 * struct iommu_vdevice_alloc - argument of IOMMU_VDEVICE_ALLOC
 * @size: bytes passed, at least 24
 * @viommu_id: the vIOMMU the device is seen through
 * @dev_id: the physical device
 * @out_vdevice_id: returns the ID of the new vDEVICE
 * @virt_id: the ID the guest knows the device by (SMMUv3 vSID, AMD
 *           vDeviceID, VT-d vRID...)
 *
 * Records the guest's ID of a device for a vIOMMU, so that guest commands
 * and events can be translated between virtual and physical devices.
 * Destroy the vDEVICE before unbinding the device; if the device goes
 * first the vDEVICE is torn down with it and its ID stays unusable until
 * the iommufd is closed.
 *
 * Errors: EINVAL if the device is behind another IOMMU or @virt_id is
 * too large, EEXIST if the device already has a vDEVICE or @virt_id is
 * taken, ENOENT for a bad ID or a device going away.
 */
struct iommu_vdevice_alloc {
	__u32 size;
	__u32 viommu_id;
	__u32 dev_id;
	__u32 out_vdevice_id;
	__aligned_u64 virt_id;
};
#define IOMMU_VDEVICE_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_VDEVICE_ALLOC)

/* ===================================================================== */
/* Virtual event queues (vEVENTQ)                                        */
/* ===================================================================== */

/**
 * enum iommu_veventq_flag - flags of struct iommufd_vevent_header
 * @IOMMU_VEVENTQ_FLAG_LOST_EVENTS: the queue overflowed and events were
 *        dropped; a header with this flag has no payload
 */
enum iommu_veventq_flag {
	IOMMU_VEVENTQ_FLAG_LOST_EVENTS = (1U << 0),
};

/**
 * struct iommufd_vevent_header - header preceding each event in a vEVENTQ
 * @flags: a combination of enum iommu_veventq_flag
 * @sequence: index of the event, counting from 0 up to INT_MAX and then
 *            wrapping to 0
 *
 * A read returns headers each followed by a payload of the queue's type.
 * Consecutive events have consecutive sequence numbers; a gap of n means
 * n - 1 events were lost. Losses at the end of the queue, where no later
 * event can show the gap, are reported by a trailing header with
 * IOMMU_VEVENTQ_FLAG_LOST_EVENTS and no payload.
 */
struct iommufd_vevent_header {
	__u32 flags;
	__u32 sequence;
};

/**
 * enum iommu_veventq_type - kinds of vEVENTQ
 * @IOMMU_VEVENTQ_TYPE_DEFAULT: not a valid kind (reserved)
 * @IOMMU_VEVENTQ_TYPE_ARM_SMMUV3: struct iommu_vevent_arm_smmuv3 payloads
 * @IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV: struct iommu_vevent_tegra241_cmdqv
 *                                     payloads
 */
enum iommu_veventq_type {
	IOMMU_VEVENTQ_TYPE_DEFAULT = 0,
	IOMMU_VEVENTQ_TYPE_ARM_SMMUV3 = 1,
	IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV = 2,
};

/**
 * struct iommu_vevent_arm_smmuv3 - ARM SMMUv3 event
 *                                  (IOMMU_VEVENTQ_TYPE_ARM_SMMUV3)
 * @evt: a 256-bit SMMUv3 event record, little-endian
 *
 * The StreamID field holds the vDEVICE's virtual ID; devices without a
 * vDEVICE produce no events. Forwarded record kinds: C_BAD_STE (0x04),
 * F_STREAM_DISABLED (0x06), C_BAD_SUBSTREAMID (0x08), C_BAD_CD (0x0a),
 * F_TRANSLATION (0x10), F_ADDR_SIZE (0x11), F_ACCESS (0x12) and
 * F_PERMISSION (0x13).
 */
struct iommu_vevent_arm_smmuv3 {
	__aligned_le64 evt[4];
};

/**
 * struct iommu_vevent_tegra241_cmdqv - Tegra241 CMDQV error interrupt
 *                                      (IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV)
 * @lvcmdq_err_map: the 128-bit LVCMDQ_ERR_MAP registers of the vIOMMU's
 *                  virtual interface, little-endian, as read from hardware
 */
struct iommu_vevent_tegra241_cmdqv {
	__aligned_le64 lvcmdq_err_map[2];
};

/**
 * struct iommu_veventq_alloc - argument of IOMMU_VEVENTQ_ALLOC
 * @size: bytes passed, at least 28
 * @flags: must be 0
 * @viommu_id: the vIOMMU whose events are queued
 * @type: one of enum iommu_veventq_type, not DEFAULT
 * @veventq_depth: maximum number of queued events; more are dropped
 * @out_veventq_id: returns the ID of the new vEVENTQ
 * @out_veventq_fd: returns a file descriptor to read events from; the
 *                  caller closes it
 * @__reserved: must be 0
 *
 * Creates a queue delivering a vIOMMU's events of one type to userspace,
 * each as a struct iommufd_vevent_header followed by the type's payload.
 *
 * Errors: EOPNOTSUPP for non-zero @flags or @__reserved, or the DEFAULT
 * type; EINVAL for a depth of 0 or too large; EEXIST if the vIOMMU
 * already has a queue of this @type.
 */
struct iommu_veventq_alloc {
	__u32 size;
	__u32 flags;
	__u32 viommu_id;
	__u32 type;
	__u32 veventq_depth;
	__u32 out_veventq_id;
	__u32 out_veventq_fd;
	__u32 __reserved;
};
#define IOMMU_VEVENTQ_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_VEVENTQ_ALLOC)

/* ===================================================================== */
/* Hardware-accelerated queues                                           */
/* ===================================================================== */

/**
 * enum iommu_hw_queue_type - kinds of hardware queue
 * @IOMMU_HW_QUEUE_TYPE_DEFAULT: not a valid kind (reserved)
 * @IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV: a Tegra241 virtual command queue
 *        (VCMDQ). Queues are created from index 0 upwards and destroyed
 *        from the highest index down; the base must be aligned to the
 *        length and mapped in the IOAS; the length is a power of two from
 *        32 bytes up to 16 << IDR1.CMDQS bytes. Backing the queue with
 *        physically contiguous memory is advised.
 */
enum iommu_hw_queue_type {
	IOMMU_HW_QUEUE_TYPE_DEFAULT = 0,
	IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV = 1,
};

/**
 * struct iommu_hw_queue_alloc - argument of IOMMU_HW_QUEUE_ALLOC
 * @size: bytes passed, at least 40
 * @flags: must be 0
 * @viommu_id: the vIOMMU the queue belongs to
 * @type: one of enum iommu_hw_queue_type, not DEFAULT
 * @index: number of the queue among the vIOMMU's queues of this @type
 * @out_hw_queue_id: returns the ID of the new HW queue
 * @nesting_parent_iova: guest-physical address of the queue memory (an
 *                       IOVA of the vIOMMU's nesting parent)
 * @length: size of the queue memory in bytes
 *
 * Lets the IOMMU hardware consume a queue that lives in guest memory,
 * without trapping to the VMM. Each (@type, @index) pair may be used once
 * per vIOMMU.
 *
 * Errors: EOPNOTSUPP for non-zero @flags, the DEFAULT type or a type the
 * vIOMMU lacks; EINVAL for a @length of 0 or a queue the hardware cannot
 * take; EOVERFLOW if the range wraps around.
 */
struct iommu_hw_queue_alloc {
	__u32 size;
	__u32 flags;
	__u32 viommu_id;
	__u32 type;
	__u32 index;
	__u32 out_hw_queue_id;
	__aligned_u64 nesting_parent_iova;
	__aligned_u64 length;
};
#define IOMMU_HW_QUEUE_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_HW_QUEUE_ALLOC)

#endif /* _IOMMUFD_H */
