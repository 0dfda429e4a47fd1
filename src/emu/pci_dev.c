// SPDX-License-Identifier: MIT
/*
 * The emulated PCI function (see pci_dev.h): configuration header,
 * capabilities, BARs.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pci_dev.h"

/* Made-up bus addresses of the BARs, for sysfs "resource" and the header */
#define PCI_MMIO_BASE	  0xd0000000ULL
#define PCI_MMIO_PER_FN	  0x01000000ULL
#define PCI_MMIO64_BASE	  0x3800000000ULL
#define PCI_MMIO64_PER_FN 0x0100000000ULL

static inline uint8_t cfg_get8(struct pci_dev *pdev, unsigned int off)
{
	return __atomic_load_n(&pdev->config[off], __ATOMIC_RELAXED);
}

/* Bytes of the header the device side reads lock-free are set atomically */
static inline void cfg_set8(struct pci_dev *pdev, unsigned int off, uint8_t v)
{
	__atomic_store_n(&pdev->config[off], v, __ATOMIC_RELAXED);
}

static void cfg_set(struct pci_dev *pdev, unsigned int off, uint32_t v,
		    unsigned int size)
{
	for (unsigned int i = 0; i != size; i++)
		cfg_set8(pdev, off + i, (uint8_t)(v >> (8 * i)));
}

static uint32_t cfg_get(struct pci_dev *pdev, unsigned int off,
			unsigned int size)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i != size; i++)
		v |= (uint32_t)cfg_get8(pdev, off + i) << (8 * i);
	return v;
}

static void wmask_set(struct pci_dev *pdev, unsigned int off, uint32_t mask,
		      unsigned int size)
{
	for (unsigned int i = 0; i != size; i++)
		pdev->wmask[off + i] = (uint8_t)(mask >> (8 * i));
}

/* A function number in the made-up address space, from the name's slot */
static unsigned int pci_fn_number(struct pci_dev *pdev)
{
	unsigned int dom, bus, slot, fn;

	if (sscanf(pdev->sdev.dev.name, "%x:%x:%x.%x", &dom, &bus, &slot,
		   &fn) != 4)
		return 0;
	return (bus << 8 | slot << 3 | fn) & 0xff;
}

uint64_t pci_bar_address(struct pci_dev *pdev, unsigned int bar)
{
	struct pci_bar *b = &pdev->bar[bar];
	uint64_t base;

	if (!b->size)
		return 0;
	if (b->flags & PCI_BASE_ADDRESS_MEM_TYPE_64)
		base = PCI_MMIO64_BASE +
		       pci_fn_number(pdev) * PCI_MMIO64_PER_FN;
	else
		base = PCI_MMIO_BASE + pci_fn_number(pdev) * PCI_MMIO_PER_FN;
	/* BARs of a function sit side by side, each aligned to its size */
	for (unsigned int i = 0; i != bar; i++)
		if (pdev->bar[i].size &&
		    (pdev->bar[i].flags & PCI_BASE_ADDRESS_MEM_TYPE_64) ==
			    (b->flags & PCI_BASE_ADDRESS_MEM_TYPE_64))
			base = ALIGN_UP(base, pdev->bar[i].size) +
			       pdev->bar[i].size;
	return ALIGN_UP(base, b->size);
}

/* The configuration space accessors the IOMMU driver uses */
static uint32_t pci_sdev_config_read(struct sw_iommu_dev *sdev,
				     unsigned int off, unsigned int size)
{
	return pci_config_read(container_of(sdev, struct pci_dev, sdev), off,
			       size);
}

static void pci_sdev_config_write(struct sw_iommu_dev *sdev, unsigned int off,
				  uint32_t val, unsigned int size)
{
	pci_config_write(container_of(sdev, struct pci_dev, sdev), off, val,
			 size);
}

int pci_dev_init(struct pci_dev *pdev, const char *name,
		 const struct pci_dev_id *id, const struct pci_dev_ops *ops,
		 uint8_t intx_pin)
{
	if (strlen(name) >= sizeof(pdev->sdev.dev.name))
		return -EINVAL;
	strcpy(pdev->sdev.dev.name, name);
	pdev->id = *id;
	pdev->ops = ops;
	mutex_init(&pdev->cfg_lock);
	pdev->sdev.config_read = pci_sdev_config_read;
	pdev->sdev.config_write = pci_sdev_config_write;
	for (unsigned int i = 0; i != PCI_NUM_BARS; i++)
		pdev->bar[i].memfd = -1;
	pdev->cfg_size = PCI_CFG_SPACE_SIZE;

	cfg_set(pdev, PCI_VENDOR_ID, id->vendor, 2);
	cfg_set(pdev, PCI_DEVICE_ID, id->device, 2);
	cfg_set(pdev, PCI_REVISION_ID, id->revision, 1);
	cfg_set(pdev, PCI_CLASS_PROG, id->class_code, 3);
	cfg_set(pdev, PCI_SUBSYSTEM_VENDOR_ID, id->subsystem_vendor, 2);
	cfg_set(pdev, PCI_SUBSYSTEM_ID, id->subsystem_device, 2);
	cfg_set(pdev, PCI_HEADER_TYPE, PCI_HEADER_TYPE_NORMAL, 1);
	cfg_set(pdev, PCI_INTERRUPT_PIN, intx_pin, 1);
	/* Memory decoding on, as the host left it when it enabled the device */
	cfg_set(pdev, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
	wmask_set(pdev, PCI_COMMAND,
		  PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
			  PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE,
		  2);
	wmask_set(pdev, PCI_CACHE_LINE_SIZE, 0xff, 1);
	wmask_set(pdev, PCI_LATENCY_TIMER, 0xff, 1);
	wmask_set(pdev, PCI_INTERRUPT_LINE, 0xff, 1);
	if (intx_pin)
		cfg_set(pdev, PCI_INTERRUPT_LINE, 10, 1);
	pdev->next_cap = 0x40;
	pdev->next_ext_cap = PCI_CFG_SPACE_SIZE;
	pci_pri_init(&pdev->pri);
	return 0;
}

void pci_dev_deinit(struct pci_dev *pdev)
{
	for (unsigned int i = 0; i != PCI_NUM_BARS; i++) {
		struct pci_bar *b = &pdev->bar[i];

		if (b->mem)
			munmap(b->mem, b->size);
		if (b->memfd >= 0)
			close(b->memfd);
	}
	pci_pri_destroy(&pdev->pri);
	mutex_destroy(&pdev->cfg_lock);
}

static void pci_bar_header(struct pci_dev *pdev, unsigned int bar)
{
	struct pci_bar *b = &pdev->bar[bar];
	unsigned int off = PCI_BASE_ADDRESS_0 + 4 * bar;
	uint64_t addr = pci_bar_address(pdev, bar);

	cfg_set(pdev, off, (uint32_t)addr | b->flags, 4);
	wmask_set(pdev, off,
		  (uint32_t) ~(b->size - 1) & PCI_BASE_ADDRESS_MEM_MASK, 4);
	if (b->flags & PCI_BASE_ADDRESS_MEM_TYPE_64) {
		cfg_set(pdev, off + 4, (uint32_t)(addr >> 32), 4);
		wmask_set(pdev, off + 4, (uint32_t)(~(b->size - 1) >> 32), 4);
	}
}

void pci_dev_add_bar_regs(struct pci_dev *pdev, unsigned int bar, uint64_t size,
			  uint32_t flags, const struct pci_bar_ops *ops)
{
	pdev->bar[bar].size = size;
	pdev->bar[bar].flags = flags;
	pdev->bar[bar].ops = ops;
	pci_bar_header(pdev, bar);
}

int pci_dev_add_bar_mem(struct pci_dev *pdev, unsigned int bar, uint64_t size,
			uint32_t flags)
{
	struct pci_bar *b = &pdev->bar[bar];
	char name[48];

	snprintf(name, sizeof(name), "uiommufd-bar%u-%s", bar,
		 pdev->sdev.dev.name);
	b->memfd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (b->memfd < 0)
		return -errno;
	/*
	 * Its size is the BAR's for good: another process that maps the BAR
	 * is sent this memfd (vfio_pci_mmap_remote()), and must not shrink
	 * the memory under the model, whose next access would be a SIGBUS
	 */
	if (ftruncate(b->memfd, (off_t)size) ||
	    fcntl(b->memfd, F_ADD_SEALS,
		  F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL))
		goto err_close;
	b->mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, b->memfd,
		      0);
	if (b->mem == MAP_FAILED) {
		b->mem = NULL;
		goto err_close;
	}
	b->size = size;
	b->flags = flags;
	pci_bar_header(pdev, bar);
	return 0;

err_close:
	close(b->memfd);
	b->memfd = -1;
	return -ENOMEM;
}

/* Link a capability of @size bytes into the list; its offset or -ENOSPC */
static int pci_cap_add(struct pci_dev *pdev, uint8_t id, unsigned int size)
{
	unsigned int off = pdev->next_cap;
	unsigned int prev;

	if (off + size > PCI_CFG_SPACE_SIZE)
		return -ENOSPC;
	cfg_set(pdev, off + PCI_CAP_LIST_ID, id, 1);
	cfg_set(pdev, off + PCI_CAP_LIST_NEXT, 0, 1);
	if (!cfg_get(pdev, PCI_CAPABILITY_LIST, 1)) {
		cfg_set(pdev, PCI_CAPABILITY_LIST, off, 1);
		cfg_set(pdev, PCI_STATUS,
			cfg_get(pdev, PCI_STATUS, 2) | PCI_STATUS_CAP_LIST, 2);
	} else {
		for (prev = cfg_get(pdev, PCI_CAPABILITY_LIST, 1);
		     cfg_get(pdev, prev + PCI_CAP_LIST_NEXT, 1);
		     prev = cfg_get(pdev, prev + PCI_CAP_LIST_NEXT, 1))
			;
		cfg_set(pdev, prev + PCI_CAP_LIST_NEXT, off, 1);
	}
	pdev->next_cap = (uint8_t)ALIGN_UP(off + size, 4);
	return (int)off;
}

int pci_dev_add_msi(struct pci_dev *pdev, unsigned int vectors)
{
	unsigned int mmc = (unsigned int)ufd_ffs_ul(vectors);
	int off;

	if (!vectors || vectors > 32 || (vectors & (vectors - 1)))
		return -EINVAL;
	off = pci_cap_add(pdev, PCI_CAP_ID_MSI, PCI_MSI_DATA_64 + 2);
	if (off < 0)
		return off;
	pdev->msi_cap = (uint8_t)off;
	cfg_set(pdev, off + PCI_MSI_FLAGS, PCI_MSI_FLAGS_64BIT | mmc << 1, 2);
	wmask_set(pdev, off + PCI_MSI_FLAGS,
		  PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE, 2);
	wmask_set(pdev, off + PCI_MSI_ADDRESS_LO, 0xfffffffc, 4);
	wmask_set(pdev, off + PCI_MSI_ADDRESS_HI, 0xffffffff, 4);
	wmask_set(pdev, off + PCI_MSI_DATA_64, 0xffff, 2);
	return 0;
}

int pci_dev_add_msix(struct pci_dev *pdev, unsigned int vectors,
		     unsigned int bar, uint32_t table_offset,
		     uint32_t pba_offset)
{
	int off;

	if (!vectors || vectors > PCI_MSIX_FLAGS_QSIZE + 1 ||
	    bar >= PCI_NUM_BARS || !pdev->bar[bar].size)
		return -EINVAL;
	off = pci_cap_add(pdev, PCI_CAP_ID_MSIX, PCI_CAP_MSIX_SIZEOF);
	if (off < 0)
		return off;
	pdev->msix_cap = (uint8_t)off;
	cfg_set(pdev, off + PCI_MSIX_FLAGS, vectors - 1, 2);
	wmask_set(pdev, off + PCI_MSIX_FLAGS,
		  PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL, 2);
	cfg_set(pdev, off + PCI_MSIX_TABLE, table_offset | bar, 4);
	cfg_set(pdev, off + PCI_MSIX_PBA, pba_offset | bar, 4);
	/* The table belongs to the host: userspace cannot map it */
	pdev->bar[bar].hole_start = table_offset;
	pdev->bar[bar].hole_end = table_offset + vectors * PCI_MSIX_ENTRY_SIZE;
	return 0;
}

int pci_dev_add_express(struct pci_dev *pdev, bool flr)
{
	int off = pci_cap_add(pdev, PCI_CAP_ID_EXP,
			      PCI_CAP_EXP_ENDPOINT_SIZEOF_V2);

	if (off < 0)
		return off;
	pdev->exp_cap = (uint8_t)off;
	pdev->flr = flr;
	pdev->cfg_size = PCI_CFG_SPACE_EXP_SIZE;
	/* Version 2, endpoint; gen1 x1 link */
	cfg_set(pdev, off + PCI_EXP_FLAGS, 2 | PCI_EXP_TYPE_ENDPOINT << 4, 2);
	cfg_set(pdev, off + PCI_EXP_DEVCAP,
		PCI_EXP_DEVCAP_RBER | (flr ? PCI_EXP_DEVCAP_FLR : 0), 4);
	wmask_set(pdev, off + PCI_EXP_DEVCTL, 0x7fff | PCI_EXP_DEVCTL_BCR_FLR,
		  2);
	cfg_set(pdev, off + PCI_EXP_LNKCAP, 1 | 1 << 4, 4);
	cfg_set(pdev, off + PCI_EXP_LNKSTA, 1 | 1 << 4, 2);
	wmask_set(pdev, off + PCI_EXP_LNKCTL, 0x0fff, 2);
	cfg_set(pdev, off + PCI_EXP_DEVCAP2, PCI_EXP_DEVCAP2_COMP_TMOUT_DIS, 4);
	wmask_set(pdev, off + PCI_EXP_DEVCTL2, 0x041f, 2);
	return 0;
}

/*
 * Link an extended capability of @size bytes into the list that starts at
 * 0x100 (a PCI Express function's); its offset or -errno
 */
static int pci_ext_cap_add(struct pci_dev *pdev, uint16_t id, uint8_t version,
			   unsigned int size)
{
	unsigned int off = pdev->next_ext_cap, prev;

	if (pdev->cfg_size != PCI_CFG_SPACE_EXP_SIZE)
		return -EINVAL;
	if (off + size > PCI_CFG_SPACE_EXP_SIZE)
		return -ENOSPC;
	cfg_set(pdev, off, id | (uint32_t)version << 16, 4);
	if (off != PCI_CFG_SPACE_SIZE) {
		for (prev = PCI_CFG_SPACE_SIZE;
		     PCI_EXT_CAP_NEXT(cfg_get(pdev, prev, 4));
		     prev = PCI_EXT_CAP_NEXT(cfg_get(pdev, prev, 4)))
			;
		cfg_set(pdev, prev, cfg_get(pdev, prev, 4) | off << 20, 4);
	}
	pdev->next_ext_cap = (uint16_t)ALIGN_UP(off + size, 4);
	return (int)off;
}

int pci_dev_add_pasid(struct pci_dev *pdev, unsigned int width)
{
	int off;

	if (!width || width > 20)
		return -EINVAL;
	off = pci_ext_cap_add(pdev, PCI_EXT_CAP_ID_PASID, 1,
			      PCI_EXT_CAP_PASID_SIZEOF);
	if (off < 0)
		return off;
	pdev->pasid_cap = (uint16_t)off;
	cfg_set(pdev, off + PCI_PASID_CAP, width << 8, 2);
	/* Off until the IOMMU driver turns it on when it probes the function */
	wmask_set(pdev, off + PCI_PASID_CTRL, PCI_PASID_CTRL_ENABLE, 2);
	/* What the IOMMU core reads from the capability (pci_max_pasids()) */
	pdev->sdev.dev.max_pasid_log2 = width;
	return 0;
}

int pci_dev_add_pri(struct pci_dev *pdev, uint32_t outstanding)
{
	int off = pci_ext_cap_add(pdev, PCI_EXT_CAP_ID_PRI, 1,
				  PCI_EXT_CAP_PRI_SIZEOF);

	if (off < 0)
		return off;
	pdev->pri_cap = (uint16_t)off;
	/* Off and stopped until the IOMMU driver turns it on */
	wmask_set(pdev, off + PCI_PRI_CTRL, PCI_PRI_CTRL_ENABLE, 2);
	cfg_set(pdev, off + PCI_PRI_STATUS,
		PCI_PRI_STATUS_PASID | PCI_PRI_STATUS_STOPPED, 2);
	cfg_set(pdev, off + PCI_PRI_MAX_REQ, outstanding, 4);
	cfg_set(pdev, off + PCI_PRI_ALLOC_REQ, outstanding, 4);
	wmask_set(pdev, off + PCI_PRI_ALLOC_REQ, 0xffffffff, 4);
	pdev->sdev.page_response = pci_pri_response;
	return 0;
}

/*
 * PRI Status Stopped follows Enable: set while it is clear, as the
 * function has then no request outstanding (a disable drops them,
 * pci_pri_cancel()), which pci_enable_pri() checks. Under cfg_lock.
 */
static void pci_pri_stopped_update(struct pci_dev *pdev)
{
	unsigned int st = pdev->pri_cap + PCI_PRI_STATUS;
	uint32_t status;

	if (!pdev->pri_cap)
		return;
	status = cfg_get(pdev, st, 2) & ~PCI_PRI_STATUS_STOPPED;
	if (!(cfg_get(pdev, pdev->pri_cap + PCI_PRI_CTRL, 2) &
	      PCI_PRI_CTRL_ENABLE))
		status |= PCI_PRI_STATUS_STOPPED;
	cfg_set(pdev, st, status, 2);
}

uint32_t pci_config_read(struct pci_dev *pdev, unsigned int off,
			 unsigned int size)
{
	uint32_t v;

	mutex_lock(&pdev->cfg_lock);
	v = cfg_get(pdev, off, size);
	mutex_unlock(&pdev->cfg_lock);
	return v;
}

void pci_config_write(struct pci_dev *pdev, unsigned int off, uint32_t val,
		      unsigned int size)
{
	uint16_t old_cmd = pci_command(pdev);
	bool flr = false;

	mutex_lock(&pdev->cfg_lock);
	for (unsigned int i = 0; i != size; i++) {
		uint8_t mask = pdev->wmask[off + i];
		uint8_t b = (uint8_t)(val >> (8 * i));

		cfg_set8(pdev, off + i,
			 (uint8_t)((cfg_get8(pdev, off + i) & ~mask) |
				   (b & mask)));
	}
	pci_pri_stopped_update(pdev);
	/* Function level reset: the bit starts it and reads back as 0 */
	if (pdev->exp_cap && (cfg_get(pdev, pdev->exp_cap + PCI_EXP_DEVCTL, 2) &
			      PCI_EXP_DEVCTL_BCR_FLR)) {
		cfg_set(pdev, pdev->exp_cap + PCI_EXP_DEVCTL,
			cfg_get(pdev, pdev->exp_cap + PCI_EXP_DEVCTL, 2) &
				~PCI_EXP_DEVCTL_BCR_FLR,
			2);
		flr = pdev->flr;
	}
	mutex_unlock(&pdev->cfg_lock);
	if (flr) {
		pci_dev_reset(pdev);
		return;
	}
	if (pci_command(pdev) == old_cmd)
		return;
	if (pdev->host_ops && pdev->host_ops->command_changed)
		pdev->host_ops->command_changed(pdev, old_cmd);
	if (pdev->ops->command_changed)
		pdev->ops->command_changed(pdev, old_cmd);
}

/*
 * As the kernel's pci_reset_function(): the configuration saved before the
 * reset is restored after it, so only the model's state starts over.
 */
void pci_dev_reset(struct pci_dev *pdev)
{
	const struct pci_host_ops *host =
		__atomic_load_n(&pdev->host_ops, __ATOMIC_ACQUIRE);

	if (host && host->reset_prepare)
		host->reset_prepare(pdev);
	if (pdev->ops->reset)
		pdev->ops->reset(pdev);
	pci_irq_deassert(pdev);
	if (host && host->reset_done)
		host->reset_done(pdev);
}

void pci_irq_notify(struct pci_dev *pdev, unsigned int vector)
{
	const struct pci_host_ops *host =
		__atomic_load_n(&pdev->host_ops, __ATOMIC_ACQUIRE);

	if (host && host->notify)
		host->notify(pdev, vector);
}

void pci_irq_deassert(struct pci_dev *pdev)
{
	const struct pci_host_ops *host =
		__atomic_load_n(&pdev->host_ops, __ATOMIC_ACQUIRE);

	if (host && host->deassert)
		host->deassert(pdev);
}
