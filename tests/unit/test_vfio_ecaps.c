// SPDX-License-Identifier: MIT
/*
 * What VFIO shows of a function's extended capabilities
 * (src/vfio/vfio_pci_config.c), for the layouts no emulated device has:
 * a hidden ecap after the first (the previous ecap's next pointer skips
 * it) and a list of hidden ecaps only (0x100 reads 0), as the kernel's
 * vfio_ecap_init() lays them out. udma's own layout (PASID first) is
 * checked through VFIO by tests/vfio/test_pasid_pri.c.
 */
#include <linux/pci_regs.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../src/vfio/vfio_pci.h"

static const struct pci_dev_ops no_ops;
static const struct pci_dev_id an_id = {.vendor = 0x1234, .device = 0x5678};

static struct pci_dev *function_new(void)
{
	struct pci_dev *pdev = test_calloc(1, sizeof(*pdev));

	assert_int_equal(0, pci_dev_init(pdev, "0000:00:01.0", &an_id, &no_ops,
					 0));
	assert_int_equal(0, pci_dev_add_express(pdev, false));
	return pdev;
}

static void function_free(struct pci_dev *pdev)
{
	pci_dev_deinit(pdev);
	test_free(pdev);
}

static uint32_t vfio_read(struct pci_dev *pdev, unsigned int pos, size_t count)
{
	uint32_t val = 0;

	vfio_pci_config_access(pdev, pos, count, &val, false);
	return val;
}

/* PRI at 0x100, PASID after it, PRI again: the PASID is skipped */
static void test_hidden_ecap_skipped(void **state)
{
	struct pci_dev *pdev = function_new();
	uint32_t pri2, header;

	(void)state;
	assert_int_equal(0, pci_dev_add_pri(pdev, 1));
	assert_int_equal(0, pci_dev_add_pasid(pdev, 20));
	pri2 = pdev->next_ext_cap;
	assert_int_equal(0, pci_dev_add_pri(pdev, 1));
	/* The function itself links PRI -> PASID -> PRI */
	header = pci_config_read(pdev, PCI_CFG_SPACE_SIZE, 4);
	assert_int_equal(pdev->pasid_cap, PCI_EXT_CAP_NEXT(header));

	header = vfio_read(pdev, PCI_CFG_SPACE_SIZE, 4);
	assert_int_equal(PCI_EXT_CAP_ID_PRI, PCI_EXT_CAP_ID(header));
	assert_int_equal(1, PCI_EXT_CAP_VER(header));
	assert_int_equal(pri2, PCI_EXT_CAP_NEXT(header));
	/* The same through 2-byte and 1-byte reads of the header */
	assert_int_equal(header >> 16,
			 vfio_read(pdev, PCI_CFG_SPACE_SIZE + 2, 2));
	assert_int_equal(header >> 24,
			 vfio_read(pdev, PCI_CFG_SPACE_SIZE + 3, 1));
	header = vfio_read(pdev, pri2, 4);
	assert_int_equal(PCI_EXT_CAP_ID_PRI, PCI_EXT_CAP_ID(header));
	assert_int_equal(0, PCI_EXT_CAP_NEXT(header));
	/* The skipped PASID's header is unassigned space: the function's */
	assert_int_equal(pci_config_read(pdev, pdev->pasid_cap, 4),
			 vfio_read(pdev, pdev->pasid_cap, 4));
	function_free(pdev);
}

/*
 * Only hidden ecaps (two, so that the second is skipped past the first's
 * placeholder): the list reads empty
 */
static void test_only_hidden_ecaps(void **state)
{
	struct pci_dev *pdev = function_new();

	(void)state;
	assert_int_equal(0, pci_dev_add_pasid(pdev, 20));
	assert_int_equal(0, pci_dev_add_pasid(pdev, 20));
	assert_int_equal(PCI_EXT_CAP_ID_PASID,
			 PCI_EXT_CAP_ID(pci_config_read(pdev, 0x100, 4)));
	assert_int_not_equal(0,
			     PCI_EXT_CAP_NEXT(pci_config_read(pdev, 0x100, 4)));
	assert_int_equal(0, vfio_read(pdev, PCI_CFG_SPACE_SIZE, 4));
	function_free(pdev);
}

/* No ecap at all: nothing to virtualize, 0x100 reads the function's 0 */
static void test_no_ecaps(void **state)
{
	struct pci_dev *pdev = function_new();

	(void)state;
	assert_int_equal(0, vfio_read(pdev, PCI_CFG_SPACE_SIZE, 4));
	function_free(pdev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hidden_ecap_skipped),
		cmocka_unit_test(test_only_hidden_ecaps),
		cmocka_unit_test(test_no_ecaps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
