// SPDX-License-Identifier: MIT
/*
 * The iommufd context and its ioctl dispatch.
 *
 * Every command struct starts with a u32 size. The dispatcher checks it
 * against the table below before any handler runs: shorter than the last
 * field the command was born with is EINVAL, bytes beyond what the engine
 * understands must be zero (E2BIG), an unknown number is ENOTTY. Handlers
 * then work on a private copy, and answer by copying back up to the caller's
 * size.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <uiommufd/experimental.h>
#include <uiommufd/iommufd_test.h>
#include <uiommufd/uiommufd.h>

#include "../fs/file.h"
#include "../mm/vma.h"
#include "iommufd_private.h"

/* clang-format off */
const struct iommufd_object_ops iommufd_object_ops[IOMMUFD_OBJ_MAX] = {
	[IOMMUFD_OBJ_ACCESS] = {
		.destroy = iommufd_access_destroy_object,
		.name = "access",
	},
	[IOMMUFD_OBJ_DEVICE] = {
		.pre_destroy = iommufd_device_pre_destroy,
		.destroy = iommufd_device_destroy,
		.describe = iommufd_device_describe,
		.name = "device",
	},
	[IOMMUFD_OBJ_FAULT] = {
		.destroy = iommufd_fault_destroy,
		.abort_file = iommufd_eventq_abort_file,
		.name = "fault",
	},
	[IOMMUFD_OBJ_HWPT_PAGING] = {
		.destroy = iommufd_hwpt_paging_destroy,
		.abort = iommufd_hwpt_paging_abort,
		.describe = iommufd_hwpt_describe,
		.name = "hwpt_paging",
	},
	[IOMMUFD_OBJ_HWPT_NESTED] = {
		.destroy = iommufd_hwpt_nested_destroy,
		.abort = iommufd_hwpt_nested_abort,
		.describe = iommufd_hwpt_describe,
		.name = "hwpt_nested",
	},
	[IOMMUFD_OBJ_IOAS] = {
		.destroy = iommufd_ioas_destroy,
		.describe = iommufd_ioas_describe,
		.name = "ioas",
	},
	[IOMMUFD_OBJ_VIOMMU] = {
		.destroy = iommufd_viommu_destroy,
		.describe = iommufd_viommu_describe,
		.name = "viommu",
	},
	[IOMMUFD_OBJ_VDEVICE] = {
		.destroy = iommufd_vdevice_destroy,
		.abort = iommufd_vdevice_abort,
		.describe = iommufd_vdevice_describe,
		.name = "vdevice",
	},
	[IOMMUFD_OBJ_VEVENTQ] = {
		.destroy = iommufd_veventq_destroy,
		.abort = iommufd_veventq_abort,
		.abort_file = iommufd_eventq_abort_file,
		.describe = iommufd_veventq_describe,
		.name = "veventq",
	},
	[IOMMUFD_OBJ_HW_QUEUE] = {
		.destroy = iommufd_hw_queue_destroy,
		.describe = iommufd_hw_queue_describe,
		.name = "hw_queue",
	},
#ifdef UFD_TEST_UAPI
	[IOMMUFD_OBJ_SELFTEST] = {
		.destroy = iommufd_selftest_destroy,
		.name = "selftest",
	},
#endif
};
/* clang-format on */

static struct iommufd_ctx *iommufd_ctx_create(int account_mode)
{
	struct iommufd_ctx *ictx;

	ictx = ufd_new(struct iommufd_ctx);
	if (!ictx)
		return NULL;
	mutex_init(&ictx->objects_lock);
	pthread_cond_init(&ictx->destroy_wait, NULL);
	init_rwsem(&ictx->ioas_creation_lock);
	idt_init(&ictx->objects, 0x7fffffff);
	INIT_LIST_HEAD(&ictx->groups);
	iommufd_mmap_init(ictx);
	ictx->account_mode = (uint8_t)account_mode;
	return ictx;
}

/*
 * The objects form a graph through their users counts. Destroying every
 * object whose only user is the table, again and again, takes it apart
 * leaves first; if a pass destroys nothing while objects remain, a users
 * count is wrong.
 */
static void iommufd_ctx_release(struct iommufd_ctx *ictx)
{
	for (;;) {
		unsigned int destroyed = 0;
		bool empty = true;
		uint32_t id = 0;

		while ((id = idt_next_used(&ictx->objects, id + 1))) {
			struct iommufd_object *obj;

			obj = idt_load(&ictx->objects, id);
			if (obj == IDT_RESERVED)
				continue;
			empty = false;
			if (!refcount_dec_if_one(&obj->users))
				continue;
			destroyed++;
			idt_erase(&ictx->objects, id);
			iommufd_object_ops[obj->type].destroy(obj);
			ufd_free(obj);
		}
		if (empty)
			break;
		if (WARN_ON(!destroyed))
			break;
	}
	/* Tombstones may remain; they hold no memory */
	idt_destroy(&ictx->objects);
	WARN_ON(!list_empty(&ictx->groups));
	iommufd_mmap_deinit(ictx);
	destroy_rwsem(&ictx->ioas_creation_lock);
	pthread_cond_destroy(&ictx->destroy_wait);
	mutex_destroy(&ictx->objects_lock);
	ufd_free(ictx);
}

int iommufd_option(struct iommufd_ucmd *ucmd)
{
	struct iommu_option *cmd = ucmd->cmd;
	int rc;

	if (cmd->__reserved)
		return -EOPNOTSUPP;

	switch (cmd->option_id) {
	case IOMMU_OPTION_RLIMIT_MODE:
		rc = iommufd_option_rlimit_mode(cmd, ucmd->ictx);
		break;
	case IOMMU_OPTION_HUGE_PAGES:
		rc = iommufd_ioas_option(ucmd);
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (rc)
		return rc;
	/* Only val64 is an output; the rest of the caller's struct is kept */
	if (copy_to_user(uptr_add(ucmd->ubuffer,
				  offsetof(struct iommu_option, val64)),
			 &cmd->val64, sizeof(cmd->val64)))
		return -EFAULT;
	return 0;
}

union ucmd_buffer {
	struct iommu_destroy destroy;
	struct iommu_fault_alloc fault;
	struct iommu_hw_info info;
	struct iommu_hw_queue_alloc hw_queue;
	struct iommu_hwpt_alloc hwpt;
	struct iommu_hwpt_get_dirty_bitmap get_dirty_bitmap;
	struct iommu_hwpt_invalidate cache;
	struct iommu_hwpt_set_dirty_tracking set_dirty_tracking;
	struct iommu_ioas_alloc alloc;
	struct iommu_ioas_allow_iovas allow_iovas;
	struct iommu_ioas_change_process change_process;
	struct iommu_ioas_copy ioas_copy;
	struct iommu_ioas_iova_ranges iova_ranges;
	struct iommu_ioas_map map;
	struct iommu_ioas_map_file map_file;
	struct iommu_ioas_noiommu_get_pa noiommu_get_pa;
	struct iommu_ioas_unmap unmap;
	struct iommu_option option;
	struct iommu_vdevice_alloc vdev;
	struct iommu_veventq_alloc veventq;
	struct iommu_vfio_ioas vfio_ioas;
	struct iommu_viommu_alloc viommu;
	struct iommu_test_cmd test;
};

struct iommufd_ioctl_op {
	unsigned int size;
	unsigned int min_size;
	unsigned int ioctl_num;
	int (*execute)(struct iommufd_ucmd *ucmd);
};

#define IOCTL_OP(_ioctl, _fn, _struct, _last)            \
	[_IOC_NR(_ioctl) - IOMMUFD_CMD_BASE] = {         \
		.size = sizeof(_struct),                 \
		.min_size = offsetofend(_struct, _last), \
		.ioctl_num = _ioctl,                     \
		.execute = _fn,                          \
	}
static const struct iommufd_ioctl_op iommufd_ioctl_ops[] = {
	IOCTL_OP(IOMMU_DESTROY, iommufd_destroy, struct iommu_destroy, id),
	IOCTL_OP(IOMMU_FAULT_QUEUE_ALLOC, iommufd_fault_alloc,
		 struct iommu_fault_alloc, out_fault_fd),
	IOCTL_OP(IOMMU_GET_HW_INFO, iommufd_get_hw_info, struct iommu_hw_info,
		 __reserved),
	IOCTL_OP(IOMMU_HW_QUEUE_ALLOC, iommufd_hw_queue_alloc_ioctl,
		 struct iommu_hw_queue_alloc, length),
	IOCTL_OP(IOMMU_HWPT_ALLOC, iommufd_hwpt_alloc, struct iommu_hwpt_alloc,
		 __reserved),
	IOCTL_OP(IOMMU_HWPT_GET_DIRTY_BITMAP, iommufd_hwpt_get_dirty_bitmap,
		 struct iommu_hwpt_get_dirty_bitmap, data),
	IOCTL_OP(IOMMU_HWPT_INVALIDATE, iommufd_hwpt_invalidate,
		 struct iommu_hwpt_invalidate, __reserved),
	IOCTL_OP(IOMMU_HWPT_SET_DIRTY_TRACKING, iommufd_hwpt_set_dirty_tracking,
		 struct iommu_hwpt_set_dirty_tracking, __reserved),
	IOCTL_OP(IOMMU_IOAS_ALLOC, iommufd_ioas_alloc_ioctl,
		 struct iommu_ioas_alloc, out_ioas_id),
	IOCTL_OP(IOMMU_IOAS_ALLOW_IOVAS, iommufd_ioas_allow_iovas,
		 struct iommu_ioas_allow_iovas, allowed_iovas),
	IOCTL_OP(IOMMU_IOAS_CHANGE_PROCESS, iommufd_ioas_change_process,
		 struct iommu_ioas_change_process, __reserved),
	IOCTL_OP(IOMMU_IOAS_COPY, iommufd_ioas_copy, struct iommu_ioas_copy,
		 src_iova),
	IOCTL_OP(IOMMU_IOAS_IOVA_RANGES, iommufd_ioas_iova_ranges,
		 struct iommu_ioas_iova_ranges, out_iova_alignment),
	IOCTL_OP(IOMMU_IOAS_MAP, iommufd_ioas_map, struct iommu_ioas_map, iova),
	IOCTL_OP(IOMMU_IOAS_MAP_FILE, iommufd_ioas_map_file,
		 struct iommu_ioas_map_file, iova),
	/* EXPERIMENTAL, after 7.2: see iommufd_ioctl_enabled() */
	IOCTL_OP(IOMMU_IOAS_NOIOMMU_GET_PA, iommufd_ioas_noiommu_get_pa,
		 struct iommu_ioas_noiommu_get_pa, out_phys),
	IOCTL_OP(IOMMU_IOAS_UNMAP, iommufd_ioas_unmap, struct iommu_ioas_unmap,
		 length),
	IOCTL_OP(IOMMU_OPTION, iommufd_option, struct iommu_option, val64),
	IOCTL_OP(IOMMU_VDEVICE_ALLOC, iommufd_vdevice_alloc_ioctl,
		 struct iommu_vdevice_alloc, virt_id),
	IOCTL_OP(IOMMU_VEVENTQ_ALLOC, iommufd_veventq_alloc,
		 struct iommu_veventq_alloc, out_veventq_fd),
	IOCTL_OP(IOMMU_VFIO_IOAS, iommufd_vfio_ioas, struct iommu_vfio_ioas,
		 __reserved),
	IOCTL_OP(IOMMU_VIOMMU_ALLOC, iommufd_viommu_alloc_ioctl,
		 struct iommu_viommu_alloc, out_viommu_id),
#ifdef UFD_TEST_UAPI
	/* Without the test uAPI, ENOTTY as a kernel without IOMMUFD_TEST */
	IOCTL_OP(IOMMU_TEST_CMD, iommufd_test, struct iommu_test_cmd, last),
#endif
};

_Static_assert(sizeof(union ucmd_buffer) <= 256, "ucmd buffer on the stack");

/*
 * The experimental calls of kernels after 7.2 exist only when the process
 * asked for them; otherwise their numbers are what 7.2 has there: nothing
 */
static bool iommufd_ioctl_enabled(unsigned int nr)
{
	return nr != IOMMUFD_CMD_IOAS_NOIOMMU_GET_PA ||
	       ufd_experimental(UFD_EXP_NOIOMMU);
}

static long iommufd_ctx_ioctl(struct iommufd_ctx *ictx, unsigned int cmd,
			      unsigned long arg)
{
	const struct iommufd_ioctl_op *op;
	struct iommufd_ucmd ucmd = {};
	union ucmd_buffer buf;
	unsigned int nr;
	int ret;

	nr = _IOC_NR(cmd);
	if (nr < IOMMUFD_CMD_BASE ||
	    (nr - IOMMUFD_CMD_BASE) >= ARRAY_SIZE(iommufd_ioctl_ops) ||
	    !iommufd_ioctl_enabled(nr))
		return iommufd_vfio_ioctl(ictx, cmd, arg);

	ucmd.ictx = ictx;
	ucmd.ubuffer = (void *)arg;
	ucmd.cmd = &buf;
	op = &iommufd_ioctl_ops[nr - IOMMUFD_CMD_BASE];

	/*
	 * Fast path: one fault-safe read of the whole struct the engine knows.
	 * It fails if the caller's struct is shorter and ends at the edge of
	 * its mapping; then the exact two-step reading below decides.
	 */
	if (op->ioctl_num == cmd &&
	    !copy_from_user(&buf, ucmd.ubuffer, op->size)) {
		ucmd.user_size = *(uint32_t *)&buf;
		if (ucmd.user_size < op->min_size)
			return -EINVAL;
		if (ucmd.user_size < op->size)
			memset((char *)&buf + ucmd.user_size, 0,
			       op->size - ucmd.user_size);
		else if (ucmd.user_size > op->size) {
			ret = check_zeroed_user(uptr_add(ucmd.ubuffer,
							 op->size),
						ucmd.user_size - op->size);
			if (ret)
				return ret;
		}
		goto execute;
	}

	ret = copy_from_user(&ucmd.user_size, ucmd.ubuffer,
			     sizeof(ucmd.user_size));
	if (ret)
		return ret;
	if (op->ioctl_num != cmd)
		return -ENOTTY;
	if (ucmd.user_size < op->min_size)
		return -EINVAL;
	ret = copy_struct_from_user(ucmd.cmd, op->size, ucmd.ubuffer,
				    ucmd.user_size);
	if (ret)
		return ret;
execute:
	ret = op->execute(&ucmd);

	if (ucmd.new_obj) {
		if (ret)
			iommufd_object_abort_and_destroy(ictx, ucmd.new_obj);
		else
			iommufd_object_finalize(ictx, ucmd.new_obj);
	}
	return ret;
}

static long iommufd_fops_ioctl(struct iommufd_file *file, unsigned int cmd,
			       unsigned long arg)
{
	return iommufd_ctx_ioctl(file->private_data, cmd, arg);
}

static void iommufd_fops_release(struct iommufd_file *file)
{
	iommufd_ctx_release(file->private_data);
}

/* After the kernel's lines, the object graph (docs/introspection.md) */
static void iommufd_fops_show_fdinfo(struct iommufd_file *file, int out)
{
	dprintf(out, "uiommufd-");
	iommufd_ctx_describe(file->private_data, out);
}

/*
 * A vIOMMU's region is device memory (remap_pfn_range() in the kernel), so
 * its mapping is VM_PFNMAP: an IOAS map of it by address fails, as there.
 * Recorded here rather than through vma->vm_flags, so that a failure
 * unwinds the mapping's hold on its vIOMMU too.
 */
static int iommufd_fops_mmap(struct iommufd_file *file, void *addr,
			     size_t length, int prot, int flags, off_t offset,
			     void **out, struct iommufd_vma *vma)
{
	int rc;

	(void)vma;
	rc = iommufd_ctx_mmap(file->private_data, addr, length, prot, flags,
			      offset, out);
	if (rc)
		return rc;
	rc = ufd_vma_add_pfnmap((uintptr_t)*out, length);
	if (rc) {
		munmap(*out, length);
		iommufd_munmap((uintptr_t)*out, length);
	}
	return rc;
}

/*
 * A context in which nothing was made yet (no object, no option set) has
 * no state an execve() would lose: the new image makes an empty context on
 * the same socket pair (file_exec.c). An emptied one qualifies too: IDs
 * are allocated lowest first, as the kernel's xarray does.
 */
static int iommufd_fops_exec_describe(struct iommufd_file *file, char *buf,
				      size_t size)
{
	struct iommufd_ctx *ictx = file->private_data;
	bool empty;

	mutex_lock(&ictx->objects_lock);
	empty = idt_empty(&ictx->objects) && list_empty(&ictx->groups) &&
		!ictx->vfio_ioas && !ictx->no_iommu_mode &&
		ictx->account_mode == IOPT_PAGES_ACCOUNT_NONE;
	mutex_unlock(&ictx->objects_lock);
	mutex_lock(&ictx->mmaps_lock);
	empty = empty && list_empty(&ictx->mmaps);
	mutex_unlock(&ictx->mmaps_lock);
	if (!empty)
		return 0;
	return snprintf(buf, size, "iommufd:%d", file->share_fd);
}

static const struct iommufd_file_ops iommufd_fops = {
	.kind = UIOMMUFD_FD_IOMMUFD,
	.exec_describe = iommufd_fops_exec_describe,
	.shareable = true,
	.ioctl = iommufd_fops_ioctl,
	.mmap = iommufd_fops_mmap,
	.release = iommufd_fops_release,
	.show_fdinfo = iommufd_fops_show_fdinfo,
};

/*
 * /dev/vfio/vfio is an iommufd too (CONFIG_IOMMUFD_VFIO_CONTAINER): the same
 * context, which charges pinned pages the VFIO way.
 */
static const struct iommufd_file_ops vfio_container_fops = {
	.kind = UIOMMUFD_FD_VFIO,
	.ioctl = iommufd_fops_ioctl,
	.mmap = iommufd_fops_mmap,
	.release = iommufd_fops_release,
	.show_fdinfo = iommufd_fops_show_fdinfo,
};

void iommufd_ctx_get(struct iommufd_ctx *ictx)
{
	refcount_inc(&ictx->file->refs);
}

void iommufd_ctx_put(struct iommufd_ctx *ictx)
{
	iommufd_file_put(ictx->file);
}

struct iommufd_ctx *iommufd_file_ctx(struct iommufd_file *file)
{
	if (file->ops != &iommufd_fops && file->ops != &vfio_container_fops)
		return NULL;
	return file->private_data;
}

struct iommufd_ctx *iommufd_ctx_from_fd(int fd)
{
	int err;
	/* A client's descriptor of our context, when a client calls */
	struct iommufd_file *file = iommufd_file_get_user(fd, &err);

	if (!file)
		return ERR_PTR(err);
	if (!iommufd_file_ctx(file)) {
		iommufd_file_put(file);
		return ERR_PTR(-EBADFD);
	}
	/*
	 * Another process' context (docs/multiprocess.md): its copy here is
	 * not the context, and a device cannot join the owner's from here yet
	 */
	if (!iommufd_file_local(file)) {
		iommufd_file_put(file);
		return ERR_PTR(-EOPNOTSUPP);
	}
	/* The reference taken by get is the context's */
	return file->private_data;
}

int iommufd_fops_open(int flags, bool vfio_container)
{
	struct iommufd_file *file;
	struct iommufd_ctx *ictx;
	int fd;

	ictx = iommufd_ctx_create(vfio_container ? IOPT_PAGES_ACCOUNT_MM
						 : IOPT_PAGES_ACCOUNT_NONE);
	if (!ictx)
		return -ENOMEM;
	fd = iommufd_file_alloc(vfio_container ? &vfio_container_fops
					       : &iommufd_fops,
				ictx, false, flags, &file);
	if (fd < 0) {
		iommufd_ctx_release(ictx);
		return fd;
	}
	ictx->pfnmap_ok = vfio_container;
	/* VFIO bind and accesses reach the file through the context */
	ictx->file = file;
	iommufd_file_install(fd);
	return fd;
}

int iommufd_fops_open_kept(int fd, int share_fd)
{
	struct iommufd_file *file;
	struct iommufd_ctx *ictx;
	int rc;

	ictx = iommufd_ctx_create(IOPT_PAGES_ACCOUNT_NONE);
	if (!ictx)
		return -ENOMEM;
	rc = iommufd_file_create_kept(&iommufd_fops, ictx, fd, share_fd, &file);
	if (rc < 0) {
		iommufd_ctx_release(ictx);
		return rc;
	}
	ictx->file = file;
	return fd;
}
