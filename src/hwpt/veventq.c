// SPDX-License-Identifier: MIT
/*
 * vEVENTQ objects (IOMMU_VEVENTQ_ALLOC): a vIOMMU's queue of events of one
 * type, read from a file as a header and the event's data each.
 *
 * The queue holds at most depth events. One that does not fit is lost, and
 * the queue's single lost-events header (flag IOMMU_VEVENTQ_FLAG_LOST_EVENTS,
 * no data) goes at its tail in its place. The header only ever sits at the
 * tail: the next event queued takes its place (and sequence numbers show
 * the gap), a further lost event moves it to the tail with a new sequence.
 */
#include <stdio.h>
#include <string.h>
#include <uiommufd/uiommufd.h>

#include "viommu.h"

/* A bound far above what any IOMMU queues, as the kernel's */
#define VEVENTQ_MAX_DEPTH (1U << 19)

static bool vevent_is_lost_header(struct iommufd_veventq *veventq,
				  struct iommufd_vevent *vevent)
{
	return vevent == &veventq->lost_events_header;
}

struct iommufd_veventq *
iommufd_viommu_find_veventq(struct iommufd_viommu *viommu, unsigned int type)
{
	struct iommufd_veventq *veventq;

	lockdep_assert_held(&viommu->veventqs_rwsem);
	list_for_each_entry (veventq, &viommu->veventqs, node)
		if (veventq->type == type)
			return veventq;
	return NULL;
}

/* Runs with veventqs_rwsem held for writing */
void iommufd_veventq_abort(struct iommufd_object *obj)
{
	struct iommufd_veventq *veventq =
		container_of(obj, struct iommufd_veventq, common.obj);
	struct iommufd_viommu *viommu = veventq->viommu;
	struct iommufd_vevent *cur, *next;

	lockdep_assert_held_write(&viommu->veventqs_rwsem);
	/* No users left: nothing else reaches the list */
	list_for_each_entry_safe (cur, next, &veventq->common.deliver, node) {
		list_del(&cur->node);
		if (!vevent_is_lost_header(veventq, cur))
			ufd_free(cur);
	}
	refcount_dec(&viommu->obj.users);
	list_del(&veventq->node);
	mutex_destroy(&veventq->common.lock);
}

void iommufd_veventq_destroy(struct iommufd_object *obj)
{
	struct iommufd_veventq *veventq =
		container_of(obj, struct iommufd_veventq, common.obj);
	struct iommufd_viommu *viommu = veventq->viommu;

	down_write(&viommu->veventqs_rwsem);
	iommufd_veventq_abort(obj);
	up_write(&viommu->veventqs_rwsem);
}

/* Queue vevent (or the lost-events header) at the tail; needs the lock */
static void veventq_add(struct iommufd_veventq *veventq,
			struct iommufd_vevent *vevent)
{
	struct iommufd_eventq *eventq = &veventq->common;

	lockdep_assert_held(&eventq->lock);
	/* The header leaves the tail, even when it comes right back */
	if (!list_empty(&veventq->lost_events_header.node))
		list_del(&veventq->lost_events_header.node);
	list_add_tail(&vevent->node, &eventq->deliver);
	vevent->header.sequence = veventq->sequence;
	veventq->sequence = (veventq->sequence + 1) & INT_MAX;
	iommufd_eventq_update_readable(eventq);
}

int iommufd_viommu_report_event(struct iommufd_viommu *viommu,
				unsigned int type, const void *event_data,
				size_t data_len)
{
	struct iommufd_veventq *veventq;
	struct iommufd_vevent *vevent;
	int rc = 0;

	if (WARN_ON(!data_len || !event_data))
		return -EINVAL;

	down_read(&viommu->veventqs_rwsem);
	veventq = iommufd_viommu_find_veventq(viommu, type);
	if (!veventq) {
		rc = -EOPNOTSUPP;
		goto out_unlock_veventqs;
	}

	vevent = ufd_zalloc(sizeof(*vevent) + data_len);
	mutex_lock(&veventq->common.lock);
	if (!vevent) {
		/* Lost for want of memory: the user learns it all the same */
		vevent = &veventq->lost_events_header;
		rc = -ENOMEM;
	} else if (veventq->num_events == veventq->depth) {
		ufd_free(vevent);
		vevent = &veventq->lost_events_header;
	} else {
		vevent->data_len = data_len;
		memcpy(vevent->event_data, event_data, data_len);
		veventq->num_events++;
	}
	veventq_add(veventq, vevent);
	mutex_unlock(&veventq->common.lock);
out_unlock_veventqs:
	up_read(&viommu->veventqs_rwsem);
	return rc;
}

/*
 * Whole events only: a read too small for the first event's header and data
 * is EINVAL (the lost-events header has no data), later ones stay queued.
 */
static ssize_t veventq_fops_read(struct iommufd_file *file, void *buf,
				 size_t count)
{
	const size_t hdr_size = sizeof(struct iommufd_vevent_header);
	struct iommufd_veventq *veventq = file->private_data;
	struct iommufd_eventq *eventq = &veventq->common;
	struct iommufd_vevent *cur;
	size_t done = 0;
	int rc = 0;

	if (count < hdr_size)
		return -EINVAL;

	mutex_lock(&eventq->lock);
	while ((cur = list_first_entry_or_null(&eventq->deliver,
					       struct iommufd_vevent, node))) {
		bool lost = vevent_is_lost_header(veventq, cur);

		if (hdr_size > count - done)
			break;
		if (!lost && hdr_size + cur->data_len > count - done) {
			if (done == 0)
				rc = -EINVAL;
			break;
		}
		if (copy_to_user(uptr_add(buf, done), &cur->header, hdr_size) ||
		    (cur->data_len &&
		     copy_to_user(uptr_add(buf, done + hdr_size),
				  cur->event_data, cur->data_len))) {
			rc = -EFAULT;
			break;
		}
		done += hdr_size + cur->data_len;
		list_del(&cur->node);
		if (!lost) {
			veventq->num_events--;
			ufd_free(cur);
		}
	}
	iommufd_eventq_update_readable(eventq);
	mutex_unlock(&eventq->lock);
	return done == 0 ? rc : (ssize_t)done;
}

static const struct iommufd_file_ops veventq_fops = {
	.kind = UIOMMUFD_FD_VEVENTQ,
	.read = veventq_fops_read,
	.release = iommufd_eventq_fops_release,
};

int iommufd_veventq_alloc(struct iommufd_ucmd *ucmd)
{
	struct iommu_veventq_alloc *cmd = ucmd->cmd;
	struct iommufd_veventq *veventq;
	struct iommufd_viommu *viommu;
	int fd;
	int rc;

	if (cmd->flags || cmd->__reserved ||
	    cmd->type == IOMMU_VEVENTQ_TYPE_DEFAULT)
		return -EOPNOTSUPP;
	if (!cmd->veventq_depth || cmd->veventq_depth > VEVENTQ_MAX_DEPTH)
		return -EINVAL;

	viommu = iommufd_get_viommu(ucmd, cmd->viommu_id);
	if (IS_ERR(viommu))
		return (int)PTR_ERR(viommu);

	down_write(&viommu->veventqs_rwsem);
	if (iommufd_viommu_find_veventq(viommu, cmd->type)) {
		rc = -EEXIST;
		goto out_unlock_veventqs;
	}

	veventq =
		iommufd_object_alloc(ucmd->ictx, veventq, IOMMUFD_OBJ_VEVENTQ);
	if (IS_ERR(veventq)) {
		rc = (int)PTR_ERR(veventq);
		goto out_unlock_veventqs;
	}
	veventq->type = cmd->type;
	veventq->viommu = viommu;
	refcount_inc(&viommu->obj.users);
	veventq->depth = cmd->veventq_depth;
	list_add_tail(&veventq->node, &viommu->veventqs);
	INIT_LIST_HEAD(&veventq->lost_events_header.node);
	veventq->lost_events_header.header.flags =
		IOMMU_VEVENTQ_FLAG_LOST_EVENTS;

	/* Nothing to write: never POLLOUT, as the kernel's */
	fd = iommufd_eventq_init(&veventq->common, ucmd->ictx, &veventq_fops,
				 IOMMUFD_FILE_POLL_IN);
	if (fd < 0) {
		rc = fd;
		goto out_abort;
	}

	cmd->out_veventq_id = veventq->common.obj.id;
	cmd->out_veventq_fd = (uint32_t)fd;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_abort;

	iommufd_object_finalize(ucmd->ictx, &veventq->common.obj);
	/* Last, as fd_install(): only a complete queue gets a number */
	iommufd_file_install(fd);
	veventq->common.fd = -1;
	goto out_unlock_veventqs;

out_abort:
	iommufd_object_abort_and_destroy(ucmd->ictx, &veventq->common.obj);
out_unlock_veventqs:
	up_write(&viommu->veventqs_rwsem);
	iommufd_put_object(ucmd->ictx, &viommu->obj);
	return rc;
}

void iommufd_veventq_describe(struct iommufd_object *obj, int out)
{
	struct iommufd_veventq *veventq =
		container_of(obj, struct iommufd_veventq, common.obj);

	mutex_lock(&veventq->common.lock);
	dprintf(out, "  viommu %u type %#x depth %u events %u%s\n",
		veventq->viommu->obj.id, veventq->type, veventq->depth,
		veventq->num_events,
		list_empty(&veventq->lost_events_header.node) ? "" : " lost");
	mutex_unlock(&veventq->common.lock);
}
