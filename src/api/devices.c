// SPDX-License-Identifier: MIT
/*
 * Which emulated devices exist.
 *
 * A device list is a string of devices separated by ';' (or spaces), each
 * a model name followed by comma-separated options:
 *
 *   udma                      a DMA engine, in an IOMMU group of its own
 *   udma,group=7              in IOMMU group 7 (devices can share one)
 *   udma,name=5546:00:03.0    at that PCI address
 *   udma,noiommu              not behind any IOMMU: VFIO no-IOMMU mode
 *   udma,iommu=vtd            behind the software IOMMU's Intel VT-d
 *                             model (nested first-stage tables); the
 *                             default, iommu=sw, is its own one-stage one
 *   udma,iommu=smmuv3         behind its ARM SMMUv3 model (vIOMMU, vSTE,
 *                             CD and stage-1 tables)
 *   udma,iommu=amd            behind its AMD IOMMU model (vIOMMU, guest
 *                             DTE, GCR3 and v2 page tables)
 *   edu                       QEMU's "edu" educational device
 *   ioat                      an Intel I/OAT (CBDMA) DMA channel
 *
 * UIOMMUFD_DEVICES holds the list the process starts with (uiommufd-run
 * --device sets it); uiommufd_devices_add() adds more. Devices live until
 * the process ends.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uiommufd/uiommufd.h>

#include "../emu/emu_devices.h"
#include "../iommu/noiommu.h"
#include "../vfio/vfio_pci.h"
#include "devices.h"

#define EMU_MAX_DEVICES 64
/* Group numbers far above what a host's IOMMU groups use */
#define EMU_GROUP_BASE	   100
#define EMU_DEFAULT_DOMAIN 0x5546

struct emu_device {
	struct vfio_pci_core vpci;
	struct pci_dev *pdev;
	char model[16];
};

static struct mutex emu_lock = MUTEX_INITIALIZER(emu_lock);
static struct emu_device *emu_devices[EMU_MAX_DEVICES];
static unsigned int emu_nr_devices;
static unsigned int emu_next_group = EMU_GROUP_BASE;

struct emu_model {
	const char *name;
	struct pci_dev *(*create)(const char *name);
};

static const struct emu_model emu_models[] = {
	{"udma", udma_create},
	{"edu", edu_create},
	{"ioat", ioat_create},
};

struct emu_spec {
	const struct emu_model *model;
	char name[32];
	long group; /* -1: a group of its own */
	bool noiommu;
	enum sw_iommu_model iommu;
};

/* The IOMMU group numbered @id, made if no device has it yet. emu_lock */
static struct iommu_group *emu_group_get(unsigned int id)
{
	struct iommu_group *group;

	lockdep_assert_held(&emu_lock);
	for (unsigned int i = 0; i != emu_nr_devices; i++) {
		group = emu_devices[i]->pdev->sdev.dev.group;
		if (group->id == id) {
			iommu_group_get(group);
			return group;
		}
	}
	group = iommu_group_alloc();
	if (group)
		group->id = id;
	return group;
}

static bool emu_group_taken(unsigned int id)
{
	for (unsigned int i = 0; i != emu_nr_devices; i++)
		if (emu_devices[i]->pdev->sdev.dev.group->id == id)
			return true;
	return false;
}

static bool emu_name_taken(const char *name)
{
	for (unsigned int i = 0; i != emu_nr_devices; i++)
		if (!strcmp(emu_devices[i]->pdev->sdev.dev.name, name))
			return true;
	return false;
}

/* Parse one device of a list (a copy the parser may cut) */
static int emu_parse(char *text, struct emu_spec *spec)
{
	char *save = NULL, *opt;
	unsigned int dom, bus, slot, fn;
	char *end;

	/* strtok_r() skips empty options: "udma," is a typo, not "udma" */
	if (text[0] == ',' || text[strlen(text) - 1] == ',' ||
	    strstr(text, ",,"))
		return -EINVAL;
	opt = strtok_r(text, ",", &save);
	memset(spec, 0, sizeof(*spec));
	spec->group = -1;
	for (unsigned int i = 0; i != ARRAY_SIZE(emu_models); i++)
		if (opt && !strcmp(opt, emu_models[i].name))
			spec->model = &emu_models[i];
	if (!spec->model)
		return -EINVAL;
	while ((opt = strtok_r(NULL, ",", &save))) {
		if (!strncmp(opt, "group=", 6)) {
			spec->group = strtol(opt + 6, &end, 10);
			if (end == opt + 6 || *end || spec->group < 0 ||
			    spec->group > INT32_MAX)
				return -EINVAL;
		} else if (!strncmp(opt, "name=", 5)) {
			if (sscanf(opt + 5, "%4x:%2x:%2x.%1x", &dom, &bus,
				   &slot, &fn) != 4 ||
			    slot > 31 || fn > 7)
				return -EINVAL;
			snprintf(spec->name, sizeof(spec->name),
				 "%04x:%02x:%02x.%x", dom, bus, slot, fn);
		} else if (!strcmp(opt, "noiommu")) {
			spec->noiommu = true;
		} else if (!strcmp(opt, "iommu=sw")) {
			spec->iommu = SW_IOMMU_MODEL_DEFAULT;
		} else if (!strcmp(opt, "iommu=vtd")) {
			spec->iommu = SW_IOMMU_MODEL_VTD;
		} else if (!strcmp(opt, "iommu=smmuv3")) {
			spec->iommu = SW_IOMMU_MODEL_SMMUV3;
		} else if (!strcmp(opt, "iommu=amd")) {
			spec->iommu = SW_IOMMU_MODEL_AMD;
		} else {
			return -EINVAL;
		}
	}
	/* An IOMMU model for a device behind none */
	if (spec->noiommu && spec->iommu != SW_IOMMU_MODEL_DEFAULT)
		return -EINVAL;
	return 0;
}

/* Is group @id asked for by one of @specs (a list being added)? */
static bool emu_group_asked(const struct emu_spec *specs, unsigned int n,
			    unsigned int id)
{
	for (unsigned int i = 0; i != n; i++)
		if (specs[i].group == (long)id)
			return true;
	return false;
}

/*
 * Create and register one device; a device without a group gets the next
 * number no device has and no device of @list asks for. emu_lock held.
 */
static int emu_create(struct emu_spec *spec, const struct emu_spec *list,
		      unsigned int list_len)
{
	struct iommu_group *group = NULL;
	struct emu_device *edev;
	unsigned int group_id;
	int rc;

	lockdep_assert_held(&emu_lock);
	if (emu_nr_devices == EMU_MAX_DEVICES)
		return -ENOSPC;
	if (!spec->name[0])
		snprintf(spec->name, sizeof(spec->name), "%04x:00:%02x.0",
			 EMU_DEFAULT_DOMAIN, emu_nr_devices + 1);
	if (emu_name_taken(spec->name))
		return -EEXIST;
	if (spec->group < 0) {
		while (emu_group_taken(emu_next_group) ||
		       emu_group_asked(list, list_len, emu_next_group))
			emu_next_group++;
		group_id = emu_next_group++;
	} else {
		group_id = (unsigned int)spec->group;
	}

	edev = ufd_new(struct emu_device);
	if (!edev)
		return -ENOMEM;
	snprintf(edev->model, sizeof(edev->model), "%s", spec->model->name);
	edev->pdev = spec->model->create(spec->name);
	if (IS_ERR(edev->pdev)) {
		rc = (int)PTR_ERR(edev->pdev);
		goto err_free;
	}
	edev->pdev->noiommu = spec->noiommu;
	group = emu_group_get(group_id);
	if (!group) {
		rc = -ENOMEM;
		goto err_release;
	}
	if (spec->noiommu && ufd_experimental(UFD_EXP_NOIOMMU)) {
		/* After 7.2: a page table iommufd can give its IOAS */
		rc = noiommu_dev_add(&edev->pdev->sdev.dev, group);
		iommu_group_put(group);
	} else if (spec->noiommu) {
		/* No IOMMU driver: the group exists for VFIO alone */
		edev->pdev->sdev.dev.group = group;
		rc = 0;
	} else {
		edev->pdev->sdev.model = spec->iommu;
		rc = sw_iommu_dev_add(&edev->pdev->sdev, group);
		iommu_group_put(group);
	}
	if (rc)
		goto err_release;
	rc = vfio_pci_register(&edev->vpci, edev->pdev);
	if (rc)
		goto err_remove;
	emu_devices[emu_nr_devices++] = edev;
	return 0;

err_remove:
	if (spec->noiommu && edev->pdev->sdev.dev.iommu_ops)
		iommu_device_remove(&edev->pdev->sdev.dev);
	else if (spec->noiommu)
		iommu_group_put(group);
	else
		sw_iommu_dev_remove(&edev->pdev->sdev);
err_release:
	edev->pdev->ops->release(edev->pdev);
err_free:
	ufd_free(edev);
	return rc;
}

/* Add every device of a list; all or none are checked first */
static int emu_add_list(const char *list)
{
	struct emu_spec specs[EMU_MAX_DEVICES];
	unsigned int n = 0;
	char *copy, *save = NULL, *dev;
	int rc = 0;

	copy = strdup(list);
	if (!copy)
		return -ENOMEM;
	for (dev = strtok_r(copy, "; \t\n", &save); dev;
	     dev = strtok_r(NULL, "; \t\n", &save)) {
		if (n == EMU_MAX_DEVICES) {
			rc = -ENOSPC;
			break;
		}
		rc = emu_parse(dev, &specs[n++]);
		if (rc)
			break;
	}
	free(copy);
	if (rc)
		return rc;
	mutex_lock(&emu_lock);
	for (unsigned int i = 0; i != n && !rc; i++)
		rc = emu_create(&specs[i], specs, n);
	mutex_unlock(&emu_lock);
	return rc;
}

static void emu_devices_init_once(void)
{
	const char *list = getenv("UIOMMUFD_DEVICES");
	int rc;

	if (!list || !list[0])
		return;
	rc = emu_add_list(list);
	if (rc)
		fprintf(stderr, "uiommufd: UIOMMUFD_DEVICES=\"%s\": %s\n", list,
			strerror(-rc));
}

void emu_devices_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, emu_devices_init_once);
}

UFD_EXPORT int uiommufd_devices_add(const char *list)
{
	if (!list)
		return -EINVAL;
	emu_devices_init();
	return emu_add_list(list);
}

UFD_EXPORT int uiommufd_device_info(unsigned int n,
				    struct uiommufd_device_info *info)
{
	struct emu_device *edev;
	struct pci_dev *pdev;
	char group_name[32];

	emu_devices_init();
	mutex_lock(&emu_lock);
	edev = n < emu_nr_devices ? emu_devices[n] : NULL;
	mutex_unlock(&emu_lock);
	if (!edev)
		return -ENOENT;
	pdev = edev->pdev;
	memset(info, 0, sizeof(*info));
	snprintf(info->name, sizeof(info->name), "%s", pdev->sdev.dev.name);
	snprintf(info->model, sizeof(info->model), "%s", edev->model);
	info->group = pdev->sdev.dev.group->id;
	info->noiommu = pdev->noiommu;
	snprintf(group_name, sizeof(group_name), "%s%u",
		 pdev->noiommu ? "noiommu-" : "", info->group);
	info->group_minor = (unsigned int)vfio_group_minor(group_name);
	/* A no-IOMMU device has a cdev only with the experimental mode */
	info->vfio_index = pdev->noiommu && !pdev->sdev.dev.iommu_ops
				   ? -1
				   : (int)edev->vpci.vdev.index;
	info->vendor = pdev->id.vendor;
	info->device = pdev->id.device;
	info->subsystem_vendor = pdev->id.subsystem_vendor;
	info->subsystem_device = pdev->id.subsystem_device;
	info->class_code = pdev->id.class_code;
	info->revision = pdev->id.revision;
	info->irq = (uint8_t)pci_config_read(pdev, PCI_INTERRUPT_LINE, 1);
	info->config_size = pdev->cfg_size;
	for (unsigned int i = 0; i != PCI_NUM_BARS; i++) {
		struct pci_bar *b = &pdev->bar[i];

		if (!b->size)
			continue;
		info->resource[i].start = pci_bar_address(pdev, i);
		info->resource[i].end = info->resource[i].start + b->size - 1;
		/* IORESOURCE_MEM | MEM_64 | PREFETCH | SIZEALIGN, as sysfs */
		info->resource[i].flags =
			0x00040200 |
			((b->flags & PCI_BASE_ADDRESS_MEM_TYPE_64) ? 0x00100000
								   : 0) |
			((b->flags & PCI_BASE_ADDRESS_MEM_PREFETCH) ? 0x00002000
								    : 0);
	}
	return 0;
}
