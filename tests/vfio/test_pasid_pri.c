// SPDX-License-Identifier: MIT
/*
 * PASID-tagged DMA and page requests of udma behind the VT-d model (issue
 * 11, item 4): a descriptor tagged with a PASID translates through the
 * domain attached to that PASID, and a transfer that faults in a domain
 * with a fault queue waits for the page response read and answered
 * through the queue's descriptor, then retries or fails. Every wait must
 * end: answers, detach, replace, reset, disable; a hang is a failed
 * assertion here (each wait has a deadline), not a stuck run.
 */
#include <errno.h>
#include <linux/pci_regs.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "x86_s1_helpers.h"

/* Guest memory past x86_s1_helpers.h's */
#define G_FILLED 0x13000UL /* where the page requests' pages go */
#define G_RING2	 0x6000UL  /* the other device's ring */
#define G_OTHER	 0x14000UL /* and what it copies to */

#define IOVA_HOLE2 0x4000UL /* after IOVA_HOLE, not present either */

#define PASID_A	    5
#define PASID_B	    6 /* nothing attached */
#define DEADLINE_MS 2000

static struct uiommufd_device_info vtd_udma, plain_udma, vtd_edu;
static int fault_fd = -1;
static uint32_t fault_id;

static int setup(void **state)
{
	(void)state;
	x86_setup((unsigned int)vtd_udma.vfio_index);
	x86_build_tables();
	fault_fd = fault_queue_alloc(f.ctx, &fault_id);
	assert_true(fault_fd >= 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (fault_fd >= 0)
		uiommufd_close(fault_fd);
	fault_fd = -1;
	x86_teardown();
	return 0;
}

static long pasid_attach(int dev, uint32_t pasid, uint32_t pt)
{
	struct vfio_device_attach_iommufd_pt a = {
		.argsz = sizeof(a),
		.flags = VFIO_DEVICE_ATTACH_PASID,
		.pt_id = pt,
		.pasid = pasid,
	};

	return ioc(dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);
}

static long pasid_detach(int dev, uint32_t pasid)
{
	struct vfio_device_detach_iommufd_pt d = {
		.argsz = sizeof(d),
		.flags = VFIO_DEVICE_DETACH_PASID,
		.pasid = pasid,
	};

	return ioc(dev, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d);
}

static uint8_t max_pasid_log2(uint32_t devid)
{
	struct iommu_hw_info cmd = {.size = sizeof(cmd), .dev_id = devid};

	assert_int_equal(0, ioc(f.ctx, IOMMU_GET_HW_INFO, &cmd));
	return cmd.out_max_pasid_log2;
}

/* A nested HWPT on the fixture's tables; @fault: with the fault queue */
static uint32_t nested_new(uint32_t flags, bool fault)
{
	struct iommu_hwpt_vtd_s1 s1 = {.pgtbl_addr = gpa(G_PML4),
				       .addr_width = 48};
	uint32_t id;

	if (fault)
		flags |= IOMMU_HWPT_FAULT_ID_VALID;
	assert_int_equal(0, hwpt_alloc_ex(f.ctx, f.devid, f.parent, flags,
					  fault ? fault_id : 0,
					  IOMMU_HWPT_DATA_VTD_S1, &s1,
					  sizeof(s1), &id));
	return id;
}

static void invalidate(uint32_t hwpt, uint64_t addr)
{
	struct iommu_hwpt_vtd_s1_invalidate inv = {.addr = addr, .npages = 1};
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = hwpt,
		.data_uptr = (uintptr_t)&inv,
		.data_type = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
		.entry_len = sizeof(inv),
		.entry_num = 1,
	};

	assert_int_equal(0, ioc(f.ctx, IOMMU_HWPT_INVALIDATE, &cmd));
}

/* Put @d in the ring and ring the doorbell, without waiting */
static struct udma_desc *submit(const struct udma_desc *d)
{
	struct udma_desc *slot =
		(struct udma_desc *)(f.guest + G_RING) + f.head;

	*slot = *d;
	f.head = (f.head + 1) % 4;
	reg(f.dev, UDMA_REG_RING_HEAD, f.head);
	return slot;
}

/* Has the engine drained its ring (or halted) within @ms? */
static bool settled(int ms)
{
	for (int i = 0; i != ms; i++) {
		if (reg_read(f.dev, UDMA_REG_RING_TAIL) == f.head ||
		    (reg_read(f.dev, UDMA_REG_STATUS) & UDMA_STATUS_HALTED))
			return true;
		usleep(1000);
	}
	return false;
}

static uint32_t status_of(struct udma_desc *slot)
{
	return __atomic_load_n(&slot->status, __ATOMIC_ACQUIRE);
}

/* The next page request on the fault queue, within the deadline */
static void read_request(struct iommu_hwpt_pgfault *pf)
{
	struct pollfd p = {.fd = fault_fd, .events = POLLIN};

	assert_int_equal(1, poll(&p, 1, DEADLINE_MS));
	assert_int_equal(sizeof(*pf), uiommufd_read(fault_fd, pf, sizeof(*pf)));
}

static long respond(uint32_t cookie, uint32_t code)
{
	struct iommu_hwpt_page_response r = {.cookie = cookie, .code = code};

	return uiommufd_write(fault_fd, &r, sizeof(r));
}

static void check_request(const struct iommu_hwpt_pgfault *pf, uint32_t pasid,
			  uint64_t addr, uint32_t perm)
{
	uint32_t flags = IOMMU_PGFAULT_FLAGS_LAST_PAGE;

	if (pasid)
		flags |= IOMMU_PGFAULT_FLAGS_PASID_VALID;
	assert_int_equal(flags, pf->flags);
	assert_int_equal(f.devid, pf->dev_id);
	assert_int_equal(pasid, pf->pasid);
	assert_int_equal(perm, pf->perm);
	assert_int_equal(addr, pf->addr);
	assert_true(pf->grpid < 512); /* a 9-bit PRG index */
}

/* Is the engine still on the descriptor, its registers answering? */
static void assert_waiting(struct udma_desc *slot)
{
	assert_false(settled(50));
	assert_int_equal(UDMA_DESC_PENDING, status_of(slot));
	assert_true(reg_read(f.dev, UDMA_REG_STATUS) & UDMA_STATUS_RUNNING);
}

/*
 * Another device DMAs while ours waits for an answer: the plain udma on
 * the fixture's IOAS, its ring at G_RING2, a copy of G_SRC to G_OTHER
 */
static void other_device_copies(void)
{
	struct udma_desc *ring = (struct udma_desc *)(f.guest + G_RING2);
	uint32_t head = 0, pt = f.ioas;
	int dev;

	dev = uiommufd_vfio_cdev_open((unsigned int)plain_udma.vfio_index, 0);
	assert_true(dev >= 0);
	assert_int_equal(0, bind(dev, f.ctx, NULL));
	assert_int_equal(0, attach(dev, &pt));
	udma_start_ring(dev, gpa(G_RING2));
	assert_int_equal(UDMA_DESC_DONE,
			 udma_run(dev, ring, &head,
				  &(struct udma_desc){.op = UDMA_OP_COPY,
						      .src = gpa(G_SRC),
						      .dst = gpa(G_OTHER),
						      .len = 4096}));
	assert_true(all(G_OTHER, 0x5a, 4096));
	reg(dev, UDMA_REG_CONTROL, 0);
	uiommufd_close(dev);
}

/* The extended capability @id in the function's configuration space */
static uint32_t ext_cap(uint16_t id)
{
	uint32_t off = 0x100, hdr;

	do {
		assert_int_equal(4, uiommufd_pread(f.dev, &hdr, 4, CFG(off)));
		if ((hdr & 0xffff) == id)
			return off;
		off = (hdr >> 20) & 0xffc;
	} while (off);
	return 0;
}

/*
 * (a) The PASID capability as the device reports it; a PASID domain and
 * the RID's side by side, the same IOVAs landing in different memory; a
 * PASID with nothing attached faults; what a tag may not be
 */
static void test_pasid_dma(void **state)
{
	const size_t other_size = 0x20000;
	char *other = map_anon(other_size);
	uint64_t iova = GUEST_BASE;
	uint32_t ioas2 = ioas_alloc(f.ctx), rid, pas, cap, plain_id = 0;
	struct udma_desc *a, *b;
	uint16_t width, ctrl;
	int plain;

	(void)state;
	/*
	 * Config space: PASID with 20 bits (its registers pass through
	 * under the hidden header), and PRI, as hw info says
	 */
	cap = UDMA_CFG_PASID_CAP;
	assert_int_equal(2, uiommufd_pread(f.dev, &width, 2, CFG(cap + 4)));
	assert_int_equal(UDMA_PASID_WIDTH, (width >> 8) & 0x1f);
	assert_true(ext_cap(PCI_EXT_CAP_ID_PRI));
	assert_int_equal(UDMA_PASID_WIDTH, max_pasid_log2(f.devid));

	/* The same IOVAs in a second IOAS reach other memory */
	memset(other, 0, other_size);
	assert_int_equal(0, ioas_map(f.ctx, ioas2, other, other_size, &iova,
				     FIXED));
	assert_int_equal(0, hwpt_alloc_ex(f.ctx, f.devid, f.ioas,
					  IOMMU_HWPT_ALLOC_PASID, 0,
					  IOMMU_HWPT_DATA_NONE, NULL, 0, &rid));
	assert_int_equal(0, hwpt_alloc_ex(f.ctx, f.devid, ioas2,
					  IOMMU_HWPT_ALLOC_PASID, 0,
					  IOMMU_HWPT_DATA_NONE, NULL, 0, &pas));
	assert_int_equal(0, attach(f.dev, &rid));
	assert_int_equal(0, pasid_attach(f.dev, PASID_A, pas));
	udma_start_ring(f.dev, gpa(G_RING));

	memset(f.guest + G_SRC, 0x11, 4096);
	memset(other + G_SRC, 0x22, 4096);
	/* Both in the ring at once: one untagged, one tagged */
	a = submit(&(struct udma_desc){.op = UDMA_OP_COPY,
				       .src = gpa(G_SRC),
				       .dst = gpa(G_DST_A),
				       .len = 4096});
	b = submit(
		&(struct udma_desc){.op = UDMA_OP_COPY,
				    .src = gpa(G_SRC),
				    .dst = gpa(G_DST_A),
				    .len = 4096,
				    .pasid = UDMA_DESC_PASID_VALID | PASID_A});
	assert_true(settled(DEADLINE_MS));
	assert_int_equal(UDMA_DESC_DONE, status_of(a));
	assert_int_equal(UDMA_DESC_DONE, status_of(b));
	assert_true(all(G_DST_A, 0x11, 4096));
	for (size_t i = 0; i != 4096; i++)
		assert_int_equal(0x22, other[G_DST_A + i]);

	/* Nothing at PASID_B: "PASID not present", the source faults */
	b = submit(
		&(struct udma_desc){.op = UDMA_OP_COPY,
				    .src = gpa(G_SRC),
				    .dst = gpa(G_DST_B),
				    .len = 64,
				    .pasid = UDMA_DESC_PASID_VALID | PASID_B});
	assert_true(settled(DEADLINE_MS));
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_SRC_FAULT, status_of(b));
	assert_int_equal(gpa(G_SRC), reg_read(f.dev, UDMA_REG_ERR_ADDR));

	/* PASID 0 is the untagged requests' own; a tag needs PASID Enable */
	b = submit(&(struct udma_desc){.op = UDMA_OP_FILL,
				       .dst = gpa(G_DST_B),
				       .len = 64,
				       .pasid = UDMA_DESC_PASID_VALID});
	assert_true(settled(DEADLINE_MS));
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_BAD_OP, status_of(b));
	ctrl = 0;
	assert_int_equal(2, uiommufd_pwrite(f.dev, &ctrl, 2, CFG(cap + 6)));
	b = submit(
		&(struct udma_desc){.op = UDMA_OP_FILL,
				    .dst = gpa(G_DST_B),
				    .len = 64,
				    .pasid = UDMA_DESC_PASID_VALID | PASID_A});
	assert_true(settled(DEADLINE_MS));
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_BAD_OP, status_of(b));
	ctrl = PCI_PASID_CTRL_ENABLE;
	assert_int_equal(2, uiommufd_pwrite(f.dev, &ctrl, 2, CFG(cap + 6)));

	/* Detached, the PASID is not present any more */
	assert_int_equal(0, pasid_detach(f.dev, PASID_A));
	b = submit(
		&(struct udma_desc){.op = UDMA_OP_FILL,
				    .src = 0x3333333333333333ULL,
				    .dst = gpa(G_DST_B),
				    .len = 64,
				    .pasid = UDMA_DESC_PASID_VALID | PASID_A});
	assert_true(settled(DEADLINE_MS));
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT, status_of(b));
	assert_int_equal(0, other[G_DST_B]);

	/* A device behind the default model has no PASIDs */
	plain = uiommufd_vfio_cdev_open((unsigned int)plain_udma.vfio_index, 0);
	assert_true(plain >= 0);
	assert_int_equal(0, bind(plain, f.ctx, &plain_id));
	assert_int_equal(0, max_pasid_log2(plain_id));
	uiommufd_close(plain);
	munmap(other, other_size);
}

/* Under --trace: both requests and both answers, as the device saw them */
static void check_trace(const struct iommu_hwpt_pgfault *pf1,
			const struct iommu_hwpt_pgfault *pf2)
{
	char got[4096], want[256];

	report_end(got, sizeof(got));
	snprintf(want, sizeof(want),
		 "page_request dev=%s grpid=%u pasid=%u addr=%#x write=1",
		 vtd_udma.name, pf1->grpid, PASID_A, (unsigned int)IOVA_HOLE);
	assert_non_null(strstr(got, want));
	snprintf(want, sizeof(want),
		 "page_request dev=%s grpid=%u pasid=%u addr=%#x write=1",
		 vtd_udma.name, pf2->grpid, PASID_A, (unsigned int)IOVA_HOLE2);
	assert_non_null(strstr(got, want));
	snprintf(want, sizeof(want),
		 "page_response dev=%s grpid=%u pasid=%u code=success",
		 vtd_udma.name, pf2->grpid, PASID_A);
	assert_non_null(strstr(got, want));
}

/* @size bytes of @dev's config space at @off */
static uint32_t cfg_read(int dev, unsigned int off, size_t size)
{
	uint32_t v = 0;

	assert_int_equal(size, uiommufd_pread(dev, &v, size, CFG(off)));
	return v;
}

/* Write @v and see what reads back */
static uint32_t cfg_write_read(int dev, unsigned int off, uint32_t v,
			       size_t size)
{
	assert_int_equal(size, uiommufd_pwrite(dev, &v, size, CFG(off)));
	return cfg_read(dev, off, size);
}

/*
 * What VFIO shows of the extended capabilities, as the kernel's vfio-pci:
 * the PASID capability hidden behind a placeholder header (ID 0, version
 * 0, next kept) whose registers pass through, PRI read-only, and PASID and
 * PRI Enable set by the IOMMU driver when it probed the function, before
 * any attach
 */
static void test_config_view(void **state)
{
	unsigned int pri = ext_cap(PCI_EXT_CAP_ID_PRI);
	uint32_t hdr = cfg_read(f.dev, UDMA_CFG_PASID_CAP, 4), both[2];
	uint32_t plain_id = 0;
	int plain;

	(void)state;
	assert_int_equal(0, PCI_EXT_CAP_ID(hdr));
	assert_int_equal(0, PCI_EXT_CAP_VER(hdr));
	assert_true(pri);
	assert_int_equal(pri, PCI_EXT_CAP_NEXT(hdr));
	assert_int_equal(0, ext_cap(PCI_EXT_CAP_ID_PASID));
	/* The header takes no write; a long read is chopped the same way */
	assert_int_equal(hdr, cfg_write_read(f.dev, UDMA_CFG_PASID_CAP,
					     0xffffffff, 4));
	assert_int_equal(sizeof(both), uiommufd_pread(f.dev, both, sizeof(both),
						      CFG(UDMA_CFG_PASID_CAP)));
	assert_int_equal(hdr, both[0]);
	assert_int_equal(cfg_read(f.dev, UDMA_CFG_PASID_CAP + 4, 4), both[1]);
	assert_int_equal(0, both[0] & 0xff);

	/* The driver turned both on; nobody wrote them */
	assert_int_equal(PCI_PASID_CTRL_ENABLE,
			 cfg_read(f.dev, UDMA_CFG_PASID_CAP + PCI_PASID_CTRL,
				  2));
	assert_int_equal(PCI_PRI_CTRL_ENABLE,
			 cfg_read(f.dev, pri + PCI_PRI_CTRL, 2));
	assert_int_equal(PCI_PRI_STATUS_PASID,
			 cfg_read(f.dev, pri + PCI_PRI_STATUS, 2));
	assert_int_equal(cfg_read(f.dev, pri + PCI_PRI_MAX_REQ, 4),
			 cfg_read(f.dev, pri + PCI_PRI_ALLOC_REQ, 4));

	/* PRI is read-only: its writes are dropped, their count returned */
	assert_int_equal(PCI_PRI_CTRL_ENABLE,
			 cfg_write_read(f.dev, pri + PCI_PRI_CTRL, 0, 2));
	assert_int_equal(cfg_read(f.dev, pri + PCI_PRI_MAX_REQ, 4),
			 cfg_write_read(f.dev, pri + PCI_PRI_ALLOC_REQ, 0, 4));
	assert_int_equal(cfg_read(f.dev, pri, 4),
			 cfg_write_read(f.dev, pri, 0, 4));

	/* The PASID registers under the placeholder are unassigned: raw */
	assert_int_equal(0, cfg_write_read(f.dev,
					   UDMA_CFG_PASID_CAP + PCI_PASID_CTRL,
					   0, 2));
	assert_int_equal(PCI_PASID_CTRL_ENABLE,
			 cfg_write_read(f.dev,
					UDMA_CFG_PASID_CAP + PCI_PASID_CTRL,
					PCI_PASID_CTRL_ENABLE, 2));

	/* Behind the default model: PRI on, but no PASIDs to turn on */
	plain = uiommufd_vfio_cdev_open((unsigned int)plain_udma.vfio_index, 0);
	assert_true(plain >= 0);
	assert_int_equal(0, bind(plain, f.ctx, &plain_id));
	assert_int_equal(0, cfg_read(plain, UDMA_CFG_PASID_CAP + PCI_PASID_CTRL,
				     2));
	assert_int_equal(PCI_PRI_CTRL_ENABLE,
			 cfg_read(plain, pri + PCI_PRI_CTRL, 2));
	uiommufd_close(plain);
}

/*
 * The intel driver refuses a domain with a fault queue on a function
 * without PRI (intel_iommu_enable_iopf(): ENODEV); with PRI it takes it
 */
static void test_fault_hwpt_needs_pri(void **state)
{
	uint32_t edu_id = 0, hwpt;
	int edu;

	(void)state;
	edu = uiommufd_vfio_cdev_open((unsigned int)vtd_edu.vfio_index, 0);
	assert_true(edu >= 0);
	assert_int_equal(0, bind(edu, f.ctx, &edu_id));
	assert_int_equal(0,
			 hwpt_alloc_ex(f.ctx, edu_id, f.ioas,
				       IOMMU_HWPT_FAULT_ID_VALID, fault_id,
				       IOMMU_HWPT_DATA_NONE, NULL, 0, &hwpt));
	assert_int_equal(-ENODEV, attach(edu, &hwpt));
	uiommufd_close(edu);

	hwpt = nested_new(0, true);
	assert_int_equal(0, attach(f.dev, &hwpt));
}

/*
 * (b) A tagged copy through a nested HWPT with a fault queue, to two
 * pages its stage-1 table lacks: one page request after the other, each
 * answered after the guest's fix and invalidation; then every byte
 * landed. Another device DMAs meanwhile. The RID's own nested HWPT takes
 * no requests.
 */
static void test_page_request_success(void **state)
{
	bool traced = report_form() == REPORT_TRACE;
	struct iommu_hwpt_pgfault pf1, pf2;
	uint32_t rid, pas;
	struct udma_desc *d;

	(void)state;
	if (traced)
		report_begin();
	rid = nested_new(IOMMU_HWPT_ALLOC_PASID, false);
	pas = nested_new(IOMMU_HWPT_ALLOC_PASID, true);
	assert_int_equal(0, attach(f.dev, &rid));
	assert_int_equal(0, pasid_attach(f.dev, PASID_A, pas));
	udma_start_ring(f.dev, IOVA_RING);

	memset(f.guest + G_SRC, 0x5a, 4096);
	memset(f.guest + G_DST_A, 0x5a, 4096);
	d = submit(
		&(struct udma_desc){.op = UDMA_OP_COPY,
				    .src = IOVA_SRC,
				    .dst = IOVA_HOLE,
				    .len = 0x1800,
				    .pasid = UDMA_DESC_PASID_VALID | PASID_A});
	read_request(&pf1);
	check_request(&pf1, PASID_A, IOVA_HOLE, IOMMU_PGFAULT_PERM_WRITE);
	assert_waiting(d);
	other_device_copies();
	assert_waiting(d);
	*entry(G_PT, IOVA_HOLE >> 12) = gpa(G_DST_B) | PTE_RWU;
	invalidate(pas, IOVA_HOLE);
	assert_int_equal(sizeof(struct iommu_hwpt_page_response),
			 respond(pf1.cookie, IOMMUFD_PAGE_RESP_SUCCESS));

	/* The retry gets one page further */
	read_request(&pf2);
	check_request(&pf2, PASID_A, IOVA_HOLE2, IOMMU_PGFAULT_PERM_WRITE);
	assert_true(pf2.grpid != pf1.grpid);
	assert_waiting(d);
	*entry(G_PT, IOVA_HOLE2 >> 12) = gpa(G_FILLED) | PTE_RWU;
	invalidate(pas, IOVA_HOLE2);
	assert_int_equal(sizeof(struct iommu_hwpt_page_response),
			 respond(pf2.cookie, IOMMUFD_PAGE_RESP_SUCCESS));

	assert_true(settled(DEADLINE_MS));
	assert_int_equal(UDMA_DESC_DONE, status_of(d));
	assert_true(all(G_DST_B, 0x5a, 4096));
	assert_true(all(G_FILLED, 0x5a, 0x800));
	assert_int_equal(0x1800, reg_read(f.dev, UDMA_REG_BYTES));
	if (traced)
		check_trace(&pf1, &pf2);

	/* Untagged, through the RID's HWPT without a queue: a plain fault */
	d = submit(&(struct udma_desc){
		.op = UDMA_OP_COPY, .src = IOVA_SRC, .dst = 0x5000, .len = 16});
	assert_true(settled(DEADLINE_MS));
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT, status_of(d));
	assert_int_equal(0, uiommufd_read(fault_fd, &pf1, sizeof(pf1)));
}

/*
 * (c) Untagged requests of a RID attached to a nested HWPT with a fault
 * queue: INVALID fails the descriptor as a fault without requests does;
 * with PRI Enable clear nothing is asked; a SUCCESS that mends nothing
 * ends it too, without asking again
 */
static void test_page_request_invalid(void **state)
{
	struct iommu_hwpt_pgfault pf;
	uint32_t rid = nested_new(0, true), cap;
	struct udma_desc *d;
	uint16_t ctrl;

	(void)state;
	assert_int_equal(0, attach(f.dev, &rid));
	udma_start_ring(f.dev, IOVA_RING);

	d = submit(&(struct udma_desc){.op = UDMA_OP_COPY,
				       .src = IOVA_HOLE,
				       .dst = IOVA_DST,
				       .len = 16});
	read_request(&pf);
	check_request(&pf, 0, IOVA_HOLE, IOMMU_PGFAULT_PERM_READ);
	assert_waiting(d);
	assert_int_equal(sizeof(struct iommu_hwpt_page_response),
			 respond(pf.cookie, IOMMUFD_PAGE_RESP_INVALID));
	assert_true(settled(DEADLINE_MS));
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_SRC_FAULT, status_of(d));
	assert_int_equal(IOVA_HOLE, reg_read(f.dev, UDMA_REG_ERR_ADDR));

	/*
	 * The user cannot clear PRI Enable: VFIO drops the write (PRI has
	 * no permission bits in the kernel's vfio-pci), so the function
	 * goes on asking. (A function with a fault queue and PRI off is not
	 * a state a user reaches: the driver turns PRI on at probe and
	 * refuses the queue's HWPT without it.)
	 */
	cap = ext_cap(PCI_EXT_CAP_ID_PRI);
	ctrl = 0;
	assert_int_equal(2, uiommufd_pwrite(f.dev, &ctrl, 2, CFG(cap + 4)));

	d = submit(&(struct udma_desc){.op = UDMA_OP_FILL,
				       .dst = IOVA_SRC, /* read-only */
				       .len = 16});
	read_request(&pf);
	check_request(&pf, 0, IOVA_SRC, IOMMU_PGFAULT_PERM_WRITE);
	assert_int_equal(sizeof(struct iommu_hwpt_page_response),
			 respond(pf.cookie, IOMMUFD_PAGE_RESP_SUCCESS));
	assert_true(settled(DEADLINE_MS));
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT, status_of(d));
	assert_int_equal(0, uiommufd_read(fault_fd, &pf, sizeof(pf)));
}

/* A request pending on the RID's nested HWPT with the fault queue */
static struct udma_desc *pending_request(uint32_t *rid,
					 struct iommu_hwpt_pgfault *pf)
{
	struct udma_desc *d;

	*rid = nested_new(0, true);
	assert_int_equal(0, attach(f.dev, rid));
	udma_start_ring(f.dev, IOVA_RING);
	d = submit(&(struct udma_desc){
		.op = UDMA_OP_FILL, .dst = IOVA_HOLE, .len = 16});
	read_request(pf);
	assert_waiting(d);
	return d;
}

/*
 * (d) A request pending when the HWPT is replaced: iommufd answers it
 * INVALID, the descriptor fails, its status lands through the new HWPT,
 * and the user's late answer names a cookie that is gone
 */
static void test_pending_replace(void **state)
{
	struct iommu_hwpt_pgfault pf;
	struct udma_desc *d;
	uint32_t rid, other;

	(void)state;
	d = pending_request(&rid, &pf);
	other = nested_new(0, false);
	assert_int_equal(0, attach(f.dev, &other));
	assert_true(settled(DEADLINE_MS));
	assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT, status_of(d));
	assert_int_equal(-EINVAL,
			 respond(pf.cookie, IOMMUFD_PAGE_RESP_SUCCESS));
}

/*
 * (d) Closing the fault queue's descriptor answers nothing (as in the
 * kernel: the HWPT keeps the queue); detaching the device does, and the
 * engine, its ring gone with the domain, halts
 */
static void test_pending_close_then_detach(void **state)
{
	struct iommu_hwpt_pgfault pf;
	struct udma_desc *d;
	uint32_t rid;

	(void)state;
	d = pending_request(&rid, &pf);
	uiommufd_close(fault_fd);
	fault_fd = -1;
	assert_waiting(d);
	assert_int_equal(0, detach(f.dev));
	assert_true(settled(DEADLINE_MS));
	assert_true(reg_read(f.dev, UDMA_REG_STATUS) & UDMA_STATUS_HALTED);
	assert_int_equal(UDMA_ERR_STATUS_FAULT,
			 reg_read(f.dev, UDMA_REG_ERR_CODE));
}

/*
 * (d) Closing the iommufd while a request is pending: the bound device
 * keeps the context, as the kernel's VFIO device does, so the request
 * waits on; closing the device stops its engine and unbinds it, and
 * returns
 */
static void test_pending_context_close(void **state)
{
	struct iommu_hwpt_pgfault pf;
	struct udma_desc *d;
	uint32_t rid;

	(void)state;
	d = pending_request(&rid, &pf);
	uiommufd_close(f.ctx);
	f.ctx = -1;
	assert_waiting(d);
	uiommufd_close(f.dev);
	f.dev = -1;
	assert_int_equal(UDMA_DESC_PENDING, status_of(d));
}

/*
 * (d) A function level reset and a disable while a request is pending:
 * the engine drops it at once; the answer that comes later finds no one
 * and is still taken by the queue; the engine works again after
 */
static void test_pending_reset_disable(void **state)
{
	struct iommu_hwpt_pgfault pf, pf2;
	struct udma_desc *d;
	uint32_t rid;

	(void)state;
	d = pending_request(&rid, &pf);
	assert_int_equal(0, ioc(f.dev, VFIO_DEVICE_RESET, NULL));
	assert_int_equal(0, reg_read(f.dev, UDMA_REG_RING_TAIL));
	assert_int_equal(UDMA_DESC_PENDING, status_of(d));
	assert_int_equal(sizeof(struct iommu_hwpt_page_response),
			 respond(pf.cookie, IOMMUFD_PAGE_RESP_SUCCESS));

	/* Again, and this time the engine is disabled */
	f.head = 0;
	d = submit(&(struct udma_desc){
		.op = UDMA_OP_FILL, .dst = IOVA_HOLE, .len = 16});
	udma_start_ring(f.dev, IOVA_RING);
	f.head = 0;
	d = submit(&(struct udma_desc){
		.op = UDMA_OP_FILL, .dst = IOVA_HOLE, .len = 16});
	read_request(&pf2);
	assert_waiting(d);
	reg(f.dev, UDMA_REG_CONTROL, 0);
	assert_int_equal(0, reg_read(f.dev, UDMA_REG_RING_TAIL));
	assert_int_equal(sizeof(struct iommu_hwpt_page_response),
			 respond(pf2.cookie, IOMMUFD_PAGE_RESP_INVALID));

	/* Enabled again, a copy that needs no request goes through */
	reg(f.dev, UDMA_REG_RING_SIZE, 4);
	reg(f.dev, UDMA_REG_CONTROL, UDMA_CTRL_ENABLE);
	f.head = 0;
	memset(f.guest + G_SRC, 0x7e, 64);
	d = submit(&(struct udma_desc){.op = UDMA_OP_COPY,
				       .src = IOVA_SRC,
				       .dst = IOVA_DST,
				       .len = 64});
	assert_true(settled(DEADLINE_MS));
	assert_int_equal(UDMA_DESC_DONE, status_of(d));
	assert_true(all(G_DST_A, 0x7e, 64));
}

/*
 * A tagged fill to the hole, its request read and answered INVALID, with
 * the fail-nth countdown paused while the descriptor goes in: 0 or -errno
 */
static long request_and_answer(struct udma_desc **d)
{
	unsigned int nth = uiommufd_fail_nth_get();
	struct iommu_hwpt_pgfault pf;
	struct pollfd p = {.fd = fault_fd, .events = POLLIN};
	long rc;

	uiommufd_fail_nth_set(0);
	*d = submit(
		&(struct udma_desc){.op = UDMA_OP_FILL,
				    .dst = IOVA_HOLE,
				    .len = 16,
				    .pasid = UDMA_DESC_PASID_VALID | PASID_A});
	assert_int_equal(1, poll(&p, 1, DEADLINE_MS));
	uiommufd_fail_nth_set(nth);
	rc = uiommufd_read(fault_fd, &pf, sizeof(pf));
	if (rc < 0)
		return rc;
	rc = respond(pf.cookie, IOMMUFD_PAGE_RESP_INVALID);
	return rc < 0 ? rc : 0;
}

/*
 * (e) Fail-nth over what this thread does on the new paths: the PASID
 * table's allocation in the attach, the queue's read (its cookie) and
 * the answer. Whatever failed, detaching answers what is left and the
 * descriptor ends in its fault.
 */
static void test_fail_nth(void **state)
{
	unsigned int nth, failed = 0;
	struct udma_desc *d = NULL;
	uint32_t rid, pas;
	bool attached, done;
	long rc;

	(void)state;
	rid = nested_new(IOMMU_HWPT_ALLOC_PASID, false);
	pas = nested_new(IOMMU_HWPT_ALLOC_PASID, true);
	assert_int_equal(0, attach(f.dev, &rid));
	udma_start_ring(f.dev, IOVA_RING);
	for (nth = 1; nth < 100; nth++) {
		uiommufd_fail_nth_set(nth);
		rc = pasid_attach(f.dev, PASID_A, pas);
		attached = !rc;
		if (attached)
			rc = request_and_answer(&d);
		done = fail_nth_step_end(rc, &failed);
		if (attached) {
			assert_int_equal(0, pasid_detach(f.dev, PASID_A));
			assert_true(settled(DEADLINE_MS));
			assert_int_equal(UDMA_DESC_ERROR | UDMA_ERR_DST_FAULT,
					 status_of(d));
		}
		if (done)
			break;
	}
	assert_true(failed >= 2 && nth < 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pasid_dma, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_config_view, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fault_hwpt_needs_pri,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_request_success,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_request_invalid,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_replace, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pending_close_then_detach,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_context_close,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_reset_disable,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_nth, setup, teardown),
	};

	if (uiommufd_devices_add("udma,iommu=vtd;udma;edu,iommu=vtd") ||
	    uiommufd_device_info(0, &vtd_udma) ||
	    uiommufd_device_info(1, &plain_udma) ||
	    uiommufd_device_info(2, &vtd_edu))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
