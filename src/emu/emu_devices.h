/* SPDX-License-Identifier: MIT */
/*
 * The device models: emulated PCI functions with behaviour. Which of them
 * exist, in which IOMMU group, served by vfio-pci, is decided above
 * (src/api/devices.c).
 */
#ifndef UIOMMUFD_EMU_EMU_DEVICES_H
#define UIOMMUFD_EMU_EMU_DEVICES_H

#include "pci_dev.h"

/* Device models: a function named @name ("DDDD:BB:DD.F"), or ERR_PTR */
struct pci_dev *udma_create(const char *name);
struct pci_dev *edu_create(const char *name);
struct pci_dev *ioat_create(const char *name);

#endif
