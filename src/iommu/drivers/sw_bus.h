/* SPDX-License-Identifier: MIT */
/*
 * Bus windows: host addresses that stand for a device's register BAR on
 * the bus. DMA through the software IOMMU whose translation lands in a
 * window does not touch memory there (a PROT_NONE reservation): it is
 * routed to the device, in naturally aligned accesses of up to 8 bytes,
 * as a peer-to-peer write or read reaches a BAR through the fabric.
 *
 * Windows are added for the life of the process (a device's BAR does not
 * move), so the DMA path reads them without a lock.
 */
#ifndef UIOMMUFD_IOMMU_DRIVERS_SW_BUS_H
#define UIOMMUFD_IOMMU_DRIVERS_SW_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sw_bus_window_ops {
	/*
	 * One access of 1, 2, 4 or 8 bytes at off (the window's offset plus
	 * the distance into it); false: the device does not answer
	 */
	bool (*read)(void *priv, uint64_t off, unsigned int size,
		     uint64_t *val);
	bool (*write)(void *priv, uint64_t off, unsigned int size,
		      uint64_t val);
};

struct sw_bus_window;

/*
 * Route DMA to [start, start + length) to ops. Returns 0, or -ENOSPC when
 * there are too many windows.
 */
int sw_bus_window_add(uintptr_t start, size_t length, uint64_t offset,
		      const struct sw_bus_window_ops *ops, void *priv);

/*
 * The window holding host, NULL for memory; *len_io is clipped to the
 * window's end.
 */
const struct sw_bus_window *sw_bus_window_find(uintptr_t host, size_t *len_io);

/*
 * A DMA write (or read into buf) of [host, host + len), all in window w.
 * A read the device does not answer gives ones; such a write is dropped.
 */
void sw_bus_window_rw(const struct sw_bus_window *w, uintptr_t host, void *buf,
		      size_t len, bool write);

#endif
