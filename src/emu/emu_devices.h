/* SPDX-License-Identifier: MIT */
/*
 * The emulated devices of the engine: which exist (UIOMMUFD_DEVICES, or
 * uiommufd_devices_add()), their IOMMU groups, and their registration with
 * VFIO.
 */
#ifndef UIOMMUFD_EMU_EMU_DEVICES_H
#define UIOMMUFD_EMU_EMU_DEVICES_H

#include "pci_dev.h"

/* Device models: a function named @name ("DDDD:BB:DD.F"), or ERR_PTR */
struct pci_dev *udma_create(const char *name);
struct pci_dev *edu_create(const char *name);

/* Create the devices UIOMMUFD_DEVICES asks for, once */
void emu_devices_init(void);

#endif
