/* SPDX-License-Identifier: MIT */
/*
 * The engine's emulated devices: which exist (UIOMMUFD_DEVICES, or
 * uiommufd_devices_add()), their IOMMU groups, and their registration with
 * vfio-pci. What a machine's firmware and bus enumeration decide for the
 * kernel, decided here on top of every layer.
 */
#ifndef UIOMMUFD_API_DEVICES_H
#define UIOMMUFD_API_DEVICES_H

/* Create the devices UIOMMUFD_DEVICES asks for, once */
void emu_devices_init(void);

#endif
