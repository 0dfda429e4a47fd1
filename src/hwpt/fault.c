// SPDX-License-Identifier: MIT
/*
 * I/O page faults: delivery to FAULT objects and the user's answers.
 *
 * A request waits on the deliver list until read; reading gives it a cookie
 * and moves it to the response table until the user writes an answer with
 * that cookie. Detaching the device or destroying the queue answers
 * whatever is left with INVALID, so no request is ever lost, as a device
 * waiting on PRI must always get a response.
 */
#include <fcntl.h>
#include <string.h>
#include <uiommufd/uiommufd.h>

#include "../device/device.h"
#include "fault.h"
#include "hw_pagetable.h"

/* Caller holds eventq->lock */
void iommufd_eventq_update_readable(struct iommufd_eventq *eventq)
{
	lockdep_assert_held(&eventq->lock);
	/* Once the file is closed nobody can read; the queue lives on */
	if (eventq->file)
		iommufd_file_set_readable(eventq->file,
					  !list_empty(&eventq->deliver));
}

void iommufd_auto_response_faults(struct iommufd_hw_pagetable *hwpt,
				  struct device *dev, uint32_t pasid)
{
	struct iommufd_fault *fault = hwpt->fault;
	struct iopf_group *group, *next;
	uint32_t id = 0;

	if (!fault)
		return;

	mutex_lock(&fault->mutex);
	mutex_lock(&fault->common.lock);
	list_for_each_entry_safe (group, next, &fault->common.deliver, node) {
		if (group->domain != hwpt->domain || group->dev != dev ||
		    group->attach_pasid != pasid)
			continue;
		list_del(&group->node);
		iopf_group_response(group, IOMMUFD_PAGE_RESP_INVALID);
		iopf_free_group(group);
	}
	iommufd_eventq_update_readable(&fault->common);
	mutex_unlock(&fault->common.lock);

	while ((id = idt_next_used(&fault->response, id + 1))) {
		group = idt_load(&fault->response, id);
		if (group == IDT_RESERVED || group->domain != hwpt->domain ||
		    group->dev != dev || group->attach_pasid != pasid)
			continue;
		idt_erase(&fault->response, id);
		iopf_group_response(group, IOMMUFD_PAGE_RESP_INVALID);
		iopf_free_group(group);
	}
	mutex_unlock(&fault->mutex);
}

void iommufd_fault_destroy(struct iommufd_object *obj)
{
	struct iommufd_fault *fault =
		container_of(obj, struct iommufd_fault, common.obj);
	struct iopf_group *group, *next;
	uint32_t id = 0;

	/* No users left: nothing else can reach the lists */
	list_for_each_entry_safe (group, next, &fault->common.deliver, node) {
		list_del(&group->node);
		iopf_group_response(group, IOMMUFD_PAGE_RESP_INVALID);
		iopf_free_group(group);
	}
	while ((id = idt_next_used(&fault->response, id + 1))) {
		group = idt_erase(&fault->response, id);
		iopf_group_response(group, IOMMUFD_PAGE_RESP_INVALID);
		iopf_free_group(group);
	}
	idt_destroy(&fault->response);
	mutex_destroy(&fault->mutex);
	mutex_destroy(&fault->common.lock);
}

static void compose_fault_message(struct iommufd_fault *fault,
				  struct iopf_group *group,
				  struct iommu_hwpt_pgfault *msg)
{
	memset(msg, 0, sizeof(*msg));
	msg->flags = group->flags;
	/* Pending faults go at detach: the device is still bound */
	msg->dev_id = iommufd_device_id_of(fault->common.ictx, group->dev);
	msg->pasid = group->pasid;
	msg->grpid = group->grpid;
	msg->perm = group->perm;
	msg->addr = group->addr;
	msg->cookie = group->cookie;
}

static struct iopf_group *deliver_fetch(struct iommufd_eventq *eventq)
{
	struct iopf_group *group;

	mutex_lock(&eventq->lock);
	group = list_first_entry_or_null(&eventq->deliver, struct iopf_group,
					 node);
	if (group)
		list_del(&group->node);
	iommufd_eventq_update_readable(eventq);
	mutex_unlock(&eventq->lock);
	return group;
}

static void deliver_restore(struct iommufd_eventq *eventq,
			    struct iopf_group *group)
{
	mutex_lock(&eventq->lock);
	list_add(&group->node, &eventq->deliver);
	iommufd_eventq_update_readable(eventq);
	mutex_unlock(&eventq->lock);
}

static ssize_t fault_fops_read(struct iommufd_file *file, void *buf,
			       size_t count)
{
	const size_t fault_size = sizeof(struct iommu_hwpt_pgfault);
	struct iommufd_fault *fault = file->private_data;
	struct iommu_hwpt_pgfault msg;
	struct iopf_group *group;
	size_t done = 0;
	int rc = 0;

	if (count % fault_size)
		return -ESPIPE;

	mutex_lock(&fault->mutex);
	while ((group = deliver_fetch(&fault->common))) {
		/* Every request here is a group of one fault */
		if (done >= count || fault_size > count - done) {
			deliver_restore(&fault->common, group);
			if (done == 0)
				rc = -EINVAL;
			break;
		}
		rc = idt_alloc(&fault->response, &group->cookie);
		if (rc) {
			deliver_restore(&fault->common, group);
			break;
		}
		idt_store(&fault->response, group->cookie, group);
		compose_fault_message(fault, group, &msg);
		if (copy_to_user(uptr_add(buf, done), &msg, fault_size)) {
			idt_erase(&fault->response, group->cookie);
			deliver_restore(&fault->common, group);
			rc = -EFAULT;
			break;
		}
		done += fault_size;
	}
	mutex_unlock(&fault->mutex);
	return done == 0 ? rc : (ssize_t)done;
}

static ssize_t fault_fops_write(struct iommufd_file *file, const void *buf,
				size_t count)
{
	const size_t response_size = sizeof(struct iommu_hwpt_page_response);
	struct iommufd_fault *fault = file->private_data;
	struct iommu_hwpt_page_response response;
	struct iopf_group *group;
	size_t done = 0;
	int rc = 0;

	if (count % response_size)
		return -ESPIPE;

	mutex_lock(&fault->mutex);
	while (count > done) {
		if (copy_from_user(&response, uptr_add(buf, done),
				   response_size)) {
			rc = -EFAULT;
			break;
		}
		if (response.code != IOMMUFD_PAGE_RESP_SUCCESS &&
		    response.code != IOMMUFD_PAGE_RESP_INVALID) {
			rc = -EINVAL;
			break;
		}
		group = idt_load(&fault->response, response.cookie);
		if (!group || group == IDT_RESERVED) {
			rc = -EINVAL;
			break;
		}
		idt_erase(&fault->response, response.cookie);
		iopf_group_response(group, response.code);
		iopf_free_group(group);
		done += response_size;
	}
	mutex_unlock(&fault->mutex);
	return done == 0 ? rc : (ssize_t)done;
}

void iommufd_eventq_fops_release(struct iommufd_file *file)
{
	struct iommufd_eventq *eventq = file->private_data;
	struct iommufd_ctx *ictx = eventq->ictx;

	/*
	 * The object may outlive its file (a HWPT holds a fault queue): it
	 * must forget the file, which is freed after this returns.
	 */
	mutex_lock(&eventq->lock);
	eventq->file = NULL;
	mutex_unlock(&eventq->lock);
	refcount_dec(&eventq->obj.users);
	iommufd_ctx_put(ictx);
}

static const struct iommufd_file_ops fault_fops = {
	.kind = UIOMMUFD_FD_FAULT,
	.read = fault_fops_read,
	.write = fault_fops_write,
	.release = iommufd_eventq_fops_release,
};

/* The file holds a users reference and the context until it is closed */
int iommufd_eventq_init(struct iommufd_eventq *eventq, struct iommufd_ctx *ictx,
			const struct iommufd_file_ops *fops, int pollable)
{
	int fd;

	mutex_init(&eventq->lock);
	INIT_LIST_HEAD(&eventq->deliver);
	eventq->ictx = ictx;
	eventq->fd = -1;
	fd = iommufd_file_alloc(fops, eventq, pollable, O_CLOEXEC,
				&eventq->file);
	if (fd < 0)
		return fd;
	iommufd_ctx_get(ictx);
	refcount_inc(&eventq->obj.users);
	eventq->fd = fd;
	return fd;
}

void iommufd_eventq_abort_file(struct iommufd_object *obj)
{
	struct iommufd_eventq *eventq =
		container_of(obj, struct iommufd_eventq, obj);

	/* The descriptor was never installed; discarding it drops its ref */
	if (eventq->fd >= 0)
		iommufd_file_discard(eventq->fd);
	eventq->fd = -1;
}

int iommufd_fault_alloc(struct iommufd_ucmd *ucmd)
{
	struct iommu_fault_alloc *cmd = ucmd->cmd;
	struct iommufd_fault *fault;
	int fd;
	int rc;

	if (cmd->flags)
		return -EOPNOTSUPP;

	fault = iommufd_object_alloc_ucmd(ucmd, fault, IOMMUFD_OBJ_FAULT);
	if (IS_ERR(fault))
		return (int)PTR_ERR(fault);
	idt_init(&fault->response, UINT32_MAX);
	mutex_init(&fault->mutex);

	/* A fault queue always takes responses: POLLOUT, as the kernel's */
	fd = iommufd_eventq_init(&fault->common, ucmd->ictx, &fault_fops,
				 IOMMUFD_FILE_POLL_INOUT);
	if (fd < 0)
		return fd;

	cmd->out_fault_id = fault->common.obj.id;
	cmd->out_fault_fd = (uint32_t)fd;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		return rc;
	/* Last, as fd_install(): only a complete queue gets a number */
	iommufd_file_install(fd);
	fault->common.fd = -1;
	return 0;
}

int iommufd_fault_iopf_handler(struct iommu_domain *domain,
			       struct iopf_group *group)
{
	struct iommufd_hw_pagetable *hwpt = domain->iommufd_hwpt;
	struct iommufd_fault *fault = hwpt->fault;

	mutex_lock(&fault->common.lock);
	list_add_tail(&group->node, &fault->common.deliver);
	iommufd_eventq_update_readable(&fault->common);
	mutex_unlock(&fault->common.lock);
	return 0;
}
