// SPDX-License-Identifier: MIT
/*
 * Interrupts of a vfio-pci device (the kernel's vfio_pci_intrs.c).
 *
 * One of INTx, MSI and MSI-X is in use at a time (irq_type), chosen by
 * VFIO_DEVICE_SET_IRQS with eventfds. The function raises its interrupts
 * through the pci_host_ops below, and each becomes a write to the eventfd
 * of its vector. INTx is level-triggered: when it fires it is masked until
 * userspace unmasks it, and unmasking while the line is still asserted
 * fires it again, as the kernel does with a pci_2_3 device.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../fs/file.h"
#include "../lib/trace.h"
#include "vfio_pci.h"

static struct vfio_pci_core *pdev_to_vpci(struct pci_dev *pdev)
{
	return pdev->host;
}

/*
 * The reader of the eventfd comes after everything the device did before
 * interrupting, as PCIe orders an MSI after the DMA writes before it: the
 * write to the eventfd is what orders them.
 */
static void signal_eventfd(int fd)
{
	if (fd >= 0)
		eventfd_write(fd, 1);
}

/*
 * Take a reference to the user's eventfd, as eventfd_ctx_fdget(): our own
 * descriptor of it, or -EBADF (no such descriptor) or -EINVAL (not an
 * eventfd).
 */
/* A client's eventfd (docs/multiprocess.md): our own descriptor of it */
static int vfio_eventfd_get_remote(int fd)
{
	char link[64], target[64];
	ssize_t len;
	int dup_fd;

	if (fd < 0)
		return -EBADF;
	dup_fd = ufd_caller_fd_dup(fd);
	if (dup_fd < 0)
		return -EBADF;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", dup_fd);
	len = readlink(link, target, sizeof(target) - 1);
	if (len < 0 ||
	    (target[len] = '\0', strcmp(target, "anon_inode:[eventfd]"))) {
		close(dup_fd);
		return -EINVAL;
	}
	return dup_fd;
}

int vfio_eventfd_get(int fd)
{
	char link[64], target[64];
	ssize_t len;
	int dup_fd;

	if (ufd_caller_is_remote())
		return vfio_eventfd_get_remote(fd);
	if (fd < 0 || fcntl(fd, F_GETFD) < 0)
		return -EBADF;
	/* The engine's own files are eventfds inside, but not to the user */
	if (iommufd_file_kind(fd) != UIOMMUFD_FD_NONE)
		return -EINVAL;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = readlink(link, target, sizeof(target) - 1);
	if (len < 0)
		return -EBADF;
	target[len] = '\0';
	if (strcmp(target, "anon_inode:[eventfd]"))
		return -EINVAL;
	/*
	 * dup() then close-on-exec rather than F_DUPFD_CLOEXEC: thread
	 * sanitizers know dup() makes the same file (and so see the signal
	 * on our descriptor reach the user's reader), not fcntl().
	 */
	dup_fd = dup(fd);
	if (dup_fd < 0)
		return -errno;
	fcntl(dup_fd, F_SETFD, FD_CLOEXEC);
	return dup_fd;
}

static void eventfd_put(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static bool is_intx(struct vfio_pci_core *vpci)
{
	return vpci->irq_type == VFIO_PCI_INTX_IRQ_INDEX;
}

static bool is_irq_none(struct vfio_pci_core *vpci)
{
	return vpci->irq_type == VFIO_PCI_NUM_IRQS;
}

static bool intx_disabled(struct vfio_pci_core *vpci)
{
	return pci_command(vpci->pdev) & PCI_COMMAND_INTX_DISABLE;
}

/* The line's state shows in the status register */
static void intx_status(struct vfio_pci_core *vpci, bool level)
{
	struct pci_dev *pdev = vpci->pdev;
	uint16_t status;

	mutex_lock(&pdev->cfg_lock);
	status = (uint16_t)(pdev->config[PCI_STATUS] |
			    pdev->config[PCI_STATUS + 1] << 8);
	if (level)
		status |= PCI_STATUS_INTERRUPT;
	else
		status &= (uint16_t)~PCI_STATUS_INTERRUPT;
	pdev->config[PCI_STATUS] = (uint8_t)status;
	mutex_unlock(&pdev->cfg_lock);
}

/* INTx is asserted and may fire: mask it and tell userspace. irqlock held */
static void intx_fire_locked(struct vfio_pci_core *vpci)
{
	lockdep_assert_held(&vpci->irqlock);
	if (!is_intx(vpci) || vpci->intx_masked || intx_disabled(vpci) ||
	    !vpci->pdev->intx_level)
		return;
	vpci->intx_masked = true;
	signal_eventfd(vpci->intx_trigger);
}

/* For the trace: the kind of interrupt the device raises */
static const char *irq_type_name(unsigned int index)
{
	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		return "intx";
	case VFIO_PCI_MSI_IRQ_INDEX:
		return "msi";
	case VFIO_PCI_MSIX_IRQ_INDEX:
		return "msix";
	default:
		return "none";
	}
}

static void vfio_pci_host_notify(struct pci_dev *pdev, unsigned int vector)
{
	struct vfio_pci_core *vpci = pdev_to_vpci(pdev);

	mutex_lock(&vpci->irqlock);
	if (ufd_trace_on())
		ufd_trace_event("irq", "dev=%s type=%s vector=%u",
				pdev->sdev.dev.name,
				irq_type_name(vpci->irq_type), vector);
	switch (vpci->irq_type) {
	case VFIO_PCI_MSI_IRQ_INDEX:
		/* Multiple-message MSI: a source beyond the count aliases */
		vector &= vpci->msi_nvec - 1;
		/* fall through */
	case VFIO_PCI_MSIX_IRQ_INDEX:
		if (vector < vpci->msi_nvec)
			signal_eventfd(vpci->msi_triggers[vector]);
		break;
	default:
		/* INTx, or nothing enabled: the line is asserted either way */
		if (pdev->intx_level)
			break;
		pdev->intx_level = true;
		intx_status(vpci, true);
		intx_fire_locked(vpci);
		break;
	}
	mutex_unlock(&vpci->irqlock);
}

static void vfio_pci_host_deassert(struct pci_dev *pdev)
{
	struct vfio_pci_core *vpci = pdev_to_vpci(pdev);

	mutex_lock(&vpci->irqlock);
	if (pdev->intx_level) {
		pdev->intx_level = false;
		intx_status(vpci, false);
	}
	mutex_unlock(&vpci->irqlock);
}

/* Clearing INTx disable lets a pending line through */
static void vfio_pci_host_command_changed(struct pci_dev *pdev,
					  uint16_t old_cmd)
{
	struct vfio_pci_core *vpci = pdev_to_vpci(pdev);

	mutex_lock(&vpci->irqlock);
	intx_fire_locked(vpci);
	mutex_unlock(&vpci->irqlock);
	/* Memory decoding off revokes the BAR's dma-bufs, on restores them */
	if ((old_cmd ^ pci_command(pdev)) & PCI_COMMAND_MEMORY)
		vfio_pci_dma_buf_move(vpci, !vfio_pci_memory_enabled(vpci));
}

/* As vfio_pci_core_ioctl_reset(): no P2P DMA reaches a resetting BAR */
static void vfio_pci_host_reset_prepare(struct pci_dev *pdev)
{
	vfio_pci_dma_buf_move(pdev_to_vpci(pdev), true);
}

static void vfio_pci_host_reset_done(struct pci_dev *pdev)
{
	struct vfio_pci_core *vpci = pdev_to_vpci(pdev);

	if (vfio_pci_memory_enabled(vpci))
		vfio_pci_dma_buf_move(vpci, false);
}

const struct pci_host_ops vfio_pci_host_ops = {
	.notify = vfio_pci_host_notify,
	.deassert = vfio_pci_host_deassert,
	.command_changed = vfio_pci_host_command_changed,
	.reset_prepare = vfio_pci_host_reset_prepare,
	.reset_done = vfio_pci_host_reset_done,
};

void vfio_pci_irqs_init(struct vfio_pci_core *vpci)
{
	mutex_init(&vpci->igate);
	mutex_init(&vpci->irqlock);
	vpci->irq_type = VFIO_PCI_NUM_IRQS;
	vpci->intx_trigger = -1;
	vpci->err_trigger = -1;
	vpci->req_trigger = -1;
}

unsigned int vfio_pci_irq_count(struct vfio_pci_core *vpci, unsigned int index)
{
	struct pci_dev *pdev = vpci->pdev;
	uint16_t flags;

	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		return pci_config_read(pdev, PCI_INTERRUPT_PIN, 1) ? 1 : 0;
	case VFIO_PCI_MSI_IRQ_INDEX:
		if (!pdev->msi_cap)
			return 0;
		flags = (uint16_t)pci_config_read(
			pdev, pdev->msi_cap + PCI_MSI_FLAGS, 2);
		return 1u << ((flags & PCI_MSI_FLAGS_QMASK) >> 1);
	case VFIO_PCI_MSIX_IRQ_INDEX:
		if (!pdev->msix_cap)
			return 0;
		flags = (uint16_t)pci_config_read(
			pdev, pdev->msix_cap + PCI_MSIX_FLAGS, 2);
		return (flags & PCI_MSIX_FLAGS_QSIZE) + 1u;
	case VFIO_PCI_ERR_IRQ_INDEX:
		return pdev->exp_cap ? 1 : 0;
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	}
	return 0;
}

long vfio_pci_ioctl_get_irq_info(struct vfio_pci_core *vpci, void *arg)
{
	size_t minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	/* Only a PCI Express function reports errors */
	if (info.index == VFIO_PCI_ERR_IRQ_INDEX && !vpci->pdev->exp_cap)
		return -EINVAL;
	info.flags = VFIO_IRQ_INFO_EVENTFD;
	info.count = vfio_pci_irq_count(vpci, info.index);
	/*
	 * MSI-X vectors are allocated one by one (dynamic MSI-X), so a
	 * function with MSI-X can grow its set; every other kind cannot.
	 */
	if (info.index == VFIO_PCI_INTX_IRQ_INDEX)
		info.flags |= VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED;
	else if (info.index != VFIO_PCI_MSIX_IRQ_INDEX || !vpci->pdev->msix_cap)
		info.flags |= VFIO_IRQ_INFO_NORESIZE;
	return copy_to_user(arg, &info, minsz);
}

/* INTx */

static void intx_unmask(struct vfio_pci_core *vpci)
{
	mutex_lock(&vpci->irqlock);
	if (is_intx(vpci) && vpci->intx_masked && !intx_disabled(vpci)) {
		vpci->intx_masked = false;
		/* Still asserted: it fires again at once */
		intx_fire_locked(vpci);
	}
	mutex_unlock(&vpci->irqlock);
}

static void intx_mask(struct vfio_pci_core *vpci)
{
	mutex_lock(&vpci->irqlock);
	if (is_intx(vpci))
		vpci->intx_masked = true;
	mutex_unlock(&vpci->irqlock);
}

static void intx_unmask_handler(void *data)
{
	intx_unmask(data);
}

/* The unmask eventfd (KVM's resampler is the usual signaller) */
static int intx_unmask_eventfd(struct vfio_pci_core *vpci, int32_t fd)
{
	struct vfio_virqfd *virqfd;
	int ours;

	if (fd < 0) {
		vfio_virqfd_disable(vpci->intx_unmask_virqfd);
		vpci->intx_unmask_virqfd = NULL;
		return 0;
	}
	ours = vfio_eventfd_get(fd);
	if (ours < 0)
		return ours;
	if (vpci->intx_unmask_virqfd) {
		close(ours);
		return -EBUSY;
	}
	virqfd = vfio_virqfd_enable(ours, intx_unmask_handler, vpci);
	if (IS_ERR(virqfd))
		return (int)PTR_ERR(virqfd);
	vpci->intx_unmask_virqfd = virqfd;
	return 0;
}

static int set_intx_unmask(struct vfio_pci_core *vpci, unsigned int start,
			   unsigned int count, uint32_t flags, void *data)
{
	if (!is_intx(vpci) || start != 0 || count != 1)
		return -EINVAL;
	if (flags & VFIO_IRQ_SET_DATA_NONE) {
		intx_unmask(vpci);
	} else if (flags & VFIO_IRQ_SET_DATA_BOOL) {
		if (*(uint8_t *)data)
			intx_unmask(vpci);
	} else if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		return intx_unmask_eventfd(vpci, *(int32_t *)data);
	}
	return 0;
}

static int set_intx_mask(struct vfio_pci_core *vpci, unsigned int start,
			 unsigned int count, uint32_t flags, void *data)
{
	if (!is_intx(vpci) || start != 0 || count != 1)
		return -EINVAL;
	if (flags & VFIO_IRQ_SET_DATA_NONE) {
		intx_mask(vpci);
	} else if (flags & VFIO_IRQ_SET_DATA_BOOL) {
		if (*(uint8_t *)data)
			intx_mask(vpci);
	} else if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		return -ENOTTY; /* the kernel does not have it either */
	}
	return 0;
}

static void intx_disable(struct vfio_pci_core *vpci)
{
	/* Not under irqlock: the unmask handler takes it */
	vfio_virqfd_disable(vpci->intx_unmask_virqfd);
	vpci->intx_unmask_virqfd = NULL;
	mutex_lock(&vpci->irqlock);
	eventfd_put(&vpci->intx_trigger);
	vpci->intx_masked = false;
	vpci->irq_type = VFIO_PCI_NUM_IRQS;
	mutex_unlock(&vpci->irqlock);
}

static int set_intx_trigger(struct vfio_pci_core *vpci, unsigned int start,
			    unsigned int count, uint32_t flags, void *data)
{
	int trigger = -1;

	if (is_intx(vpci) && !count && (flags & VFIO_IRQ_SET_DATA_NONE)) {
		intx_disable(vpci);
		return 0;
	}
	if (!(is_intx(vpci) || is_irq_none(vpci)) || start != 0 || count != 1)
		return -EINVAL;

	if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		int32_t fd = *(int32_t *)data;

		if (fd >= 0) {
			trigger = vfio_eventfd_get(fd);
			if (trigger < 0)
				return trigger;
		}
		mutex_lock(&vpci->irqlock);
		if (is_intx(vpci)) {
			/* A new eventfd for the line that is on */
			eventfd_put(&vpci->intx_trigger);
		} else {
			vpci->irq_type = VFIO_PCI_INTX_IRQ_INDEX;
			vpci->intx_masked = false;
		}
		vpci->intx_trigger = trigger;
		/* An already asserted line fires on the new eventfd */
		intx_fire_locked(vpci);
		mutex_unlock(&vpci->irqlock);
		return 0;
	}
	if (!is_intx(vpci))
		return -EINVAL;
	/* Loopback: signal as if the line fired */
	if ((flags & VFIO_IRQ_SET_DATA_NONE) ||
	    ((flags & VFIO_IRQ_SET_DATA_BOOL) && *(uint8_t *)data)) {
		mutex_lock(&vpci->irqlock);
		signal_eventfd(vpci->intx_trigger);
		mutex_unlock(&vpci->irqlock);
	}
	return 0;
}

/* MSI and MSI-X */

static void msi_disable(struct vfio_pci_core *vpci)
{
	mutex_lock(&vpci->irqlock);
	for (unsigned int i = 0; i != vpci->msi_nvec; i++)
		eventfd_put(&vpci->msi_triggers[i]);
	ufd_free(vpci->msi_triggers);
	vpci->msi_triggers = NULL;
	vpci->msi_nvec = 0;
	vpci->irq_type = VFIO_PCI_NUM_IRQS;
	mutex_unlock(&vpci->irqlock);
}

static int msi_enable(struct vfio_pci_core *vpci, unsigned int nvec,
		      unsigned int index)
{
	int *triggers;

	if (!is_irq_none(vpci))
		return -EINVAL;
	triggers = ufd_realloc_array(NULL, nvec, sizeof(*triggers));
	if (!triggers)
		return -ENOMEM;
	for (unsigned int i = 0; i != nvec; i++)
		triggers[i] = -1;
	mutex_lock(&vpci->irqlock);
	vpci->msi_triggers = triggers;
	vpci->msi_nvec = nvec;
	vpci->irq_type = index;
	mutex_unlock(&vpci->irqlock);
	return 0;
}

/*
 * Set the eventfds of vectors [start, start + count): -1 turns one off. On
 * failure the vectors set by this call are turned off again.
 */
static int msi_set_block(struct vfio_pci_core *vpci, unsigned int start,
			 unsigned int count, const int32_t *fds)
{
	for (unsigned int i = 0; i != count; i++) {
		int trigger = -1;

		if (start + i >= vpci->msi_nvec)
			return -EINVAL;
		if (fds[i] >= 0) {
			trigger = vfio_eventfd_get(fds[i]);
			if (trigger < 0) {
				mutex_lock(&vpci->irqlock);
				while (i--)
					eventfd_put(
						&vpci->msi_triggers[start + i]);
				mutex_unlock(&vpci->irqlock);
				return trigger;
			}
		}
		mutex_lock(&vpci->irqlock);
		eventfd_put(&vpci->msi_triggers[start + i]);
		vpci->msi_triggers[start + i] = trigger;
		mutex_unlock(&vpci->irqlock);
	}
	return 0;
}

static int set_msi_trigger(struct vfio_pci_core *vpci, unsigned int index,
			   unsigned int start, unsigned int count,
			   uint32_t flags, void *data)
{
	int rc;

	if (vpci->irq_type == index && !count &&
	    (flags & VFIO_IRQ_SET_DATA_NONE)) {
		msi_disable(vpci);
		return 0;
	}
	if (!(vpci->irq_type == index || is_irq_none(vpci)))
		return -EINVAL;

	if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		if (vpci->irq_type == index)
			return msi_set_block(vpci, start, count, data);
		rc = msi_enable(vpci, start + count, index);
		if (rc)
			return rc;
		rc = msi_set_block(vpci, start, count, data);
		if (rc)
			msi_disable(vpci);
		return rc;
	}
	if (vpci->irq_type != index)
		return -EINVAL;
	/* Loopback of the vectors that have an eventfd */
	mutex_lock(&vpci->irqlock);
	for (unsigned int i = start; i < start + count && i < vpci->msi_nvec;
	     i++) {
		if ((flags & VFIO_IRQ_SET_DATA_NONE) ||
		    ((uint8_t *)data)[i - start])
			signal_eventfd(vpci->msi_triggers[i]);
	}
	mutex_unlock(&vpci->irqlock);
	return 0;
}

/* The error and request notifiers: one eventfd each */
static int set_ctx_trigger_single(struct vfio_pci_core *vpci, int *trigger,
				  unsigned int count, uint32_t flags,
				  void *data)
{
	int fd;

	if (flags & VFIO_IRQ_SET_DATA_NONE) {
		if (*trigger < 0)
			return -EINVAL;
		mutex_lock(&vpci->irqlock);
		if (count)
			signal_eventfd(*trigger);
		else
			eventfd_put(trigger);
		mutex_unlock(&vpci->irqlock);
		return 0;
	}
	if (flags & VFIO_IRQ_SET_DATA_BOOL) {
		if (!count)
			return -EINVAL;
		if (*(uint8_t *)data) {
			mutex_lock(&vpci->irqlock);
			signal_eventfd(*trigger);
			mutex_unlock(&vpci->irqlock);
		}
		return 0;
	}
	if (!count)
		return -EINVAL;
	fd = *(int32_t *)data;
	if (fd < -1)
		return -EINVAL;
	if (fd >= 0) {
		fd = vfio_eventfd_get(fd);
		if (fd < 0)
			return fd;
	}
	mutex_lock(&vpci->irqlock);
	eventfd_put(trigger);
	*trigger = fd;
	mutex_unlock(&vpci->irqlock);
	return 0;
}

static int set_irqs(struct vfio_pci_core *vpci, uint32_t flags,
		    unsigned int index, unsigned int start, unsigned int count,
		    void *data)
{
	uint32_t action = flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;

	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		if (action == VFIO_IRQ_SET_ACTION_MASK)
			return set_intx_mask(vpci, start, count, flags, data);
		if (action == VFIO_IRQ_SET_ACTION_UNMASK)
			return set_intx_unmask(vpci, start, count, flags, data);
		if (action == VFIO_IRQ_SET_ACTION_TRIGGER)
			return set_intx_trigger(vpci, start, count, flags,
						data);
		break;
	case VFIO_PCI_MSI_IRQ_INDEX:
	case VFIO_PCI_MSIX_IRQ_INDEX:
		/* MSI masking is not offered, as in the kernel */
		if (action == VFIO_IRQ_SET_ACTION_TRIGGER)
			return set_msi_trigger(vpci, index, start, count, flags,
					       data);
		break;
	case VFIO_PCI_ERR_IRQ_INDEX:
		if (action == VFIO_IRQ_SET_ACTION_TRIGGER &&
		    vpci->pdev->exp_cap) {
			if (start != 0 || count > 1)
				return -EINVAL;
			return set_ctx_trigger_single(vpci, &vpci->err_trigger,
						      count, flags, data);
		}
		break;
	case VFIO_PCI_REQ_IRQ_INDEX:
		if (action == VFIO_IRQ_SET_ACTION_TRIGGER) {
			if (start != 0 || count > 1)
				return -EINVAL;
			return set_ctx_trigger_single(vpci, &vpci->req_trigger,
						      count, flags, data);
		}
		break;
	}
	return -ENOTTY;
}

long vfio_pci_ioctl_set_irqs(struct vfio_pci_core *vpci, void *arg)
{
	size_t minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	void *data = NULL;
	int rc;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;
	rc = vfio_set_irqs_validate_and_prepare(
		&hdr, vfio_pci_irq_count(vpci, hdr.index), VFIO_PCI_NUM_IRQS,
		&data_size);
	if (rc)
		return rc;
	if (data_size) {
		data = ufd_zalloc(data_size);
		if (!data)
			return -ENOMEM;
		rc = copy_from_user(data, uptr_add(arg, minsz), data_size);
		if (rc)
			goto out_free;
	}
	mutex_lock(&vpci->igate);
	rc = set_irqs(vpci, hdr.flags, hdr.index, hdr.start, hdr.count, data);
	mutex_unlock(&vpci->igate);
out_free:
	ufd_free(data);
	return rc;
}

void vfio_pci_irqs_disable(struct vfio_pci_core *vpci)
{
	mutex_lock(&vpci->igate);
	if (is_intx(vpci))
		intx_disable(vpci);
	else if (!is_irq_none(vpci))
		msi_disable(vpci);
	mutex_lock(&vpci->irqlock);
	eventfd_put(&vpci->err_trigger);
	eventfd_put(&vpci->req_trigger);
	mutex_unlock(&vpci->irqlock);
	mutex_unlock(&vpci->igate);
}
