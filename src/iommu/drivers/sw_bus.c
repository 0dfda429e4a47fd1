// SPDX-License-Identifier: MIT
/*
 * Bus windows of the software IOMMU's DMA path (see sw_bus.h).
 *
 * An append-only table: a window is written in full before the count that
 * publishes it, so a DMA that reads the count (acquire) sees whole windows.
 */
#include <errno.h>
#include <string.h>

#include "../../lib/lock.h"
#include "../../lib/util.h"
#include "sw_bus.h"

/* Six BARs for each of a few dozen devices */
#define SW_BUS_WINDOWS_MAX 256

struct sw_bus_window {
	uintptr_t start;
	size_t length;
	uint64_t offset;
	const struct sw_bus_window_ops *ops;
	void *priv;
};

static struct sw_bus_window windows[SW_BUS_WINDOWS_MAX];
static unsigned int nr_windows;
static struct mutex windows_lock = MUTEX_INITIALIZER(windows_lock);

int sw_bus_window_add(uintptr_t start, size_t length, uint64_t offset,
		      const struct sw_bus_window_ops *ops, void *priv)
{
	struct sw_bus_window *w;
	int rc = 0;

	mutex_lock(&windows_lock);
	if (nr_windows == SW_BUS_WINDOWS_MAX) {
		rc = -ENOSPC;
		goto out;
	}
	w = &windows[nr_windows];
	w->start = start;
	w->length = length;
	w->offset = offset;
	w->ops = ops;
	w->priv = priv;
	__atomic_store_n(&nr_windows, nr_windows + 1, __ATOMIC_RELEASE);
out:
	mutex_unlock(&windows_lock);
	return rc;
}

const struct sw_bus_window *sw_bus_window_find(uintptr_t host, size_t *len_io)
{
	unsigned int n = __atomic_load_n(&nr_windows, __ATOMIC_ACQUIRE);

	for (unsigned int i = 0; i != n; i++) {
		const struct sw_bus_window *w = &windows[i];

		if (host - w->start < w->length) {
			*len_io = min(*len_io, w->start + w->length - host);
			return w;
		}
	}
	return NULL;
}

/* The widest naturally aligned access at addr that len allows */
static unsigned int sw_bus_access_size(uintptr_t addr, size_t len)
{
	unsigned int size = 8;

	while (size > len || (addr & (size - 1)))
		size /= 2;
	return size;
}

void sw_bus_window_rw(const struct sw_bus_window *w, uintptr_t host, void *buf,
		      size_t len, bool write)
{
	unsigned char *p = buf;

	while (len) {
		unsigned int size = sw_bus_access_size(host, len);
		uint64_t off = w->offset + (host - w->start);
		uint64_t val = 0;

		/* Little-endian bus: the first byte is the lowest */
		if (write) {
			memcpy(&val, p, size);
			w->ops->write(w->priv, off, size, val);
		} else {
			if (!w->ops->read(w->priv, off, size, &val))
				val = ~0ULL;
			memcpy(p, &val, size);
		}
		p += size;
		host += size;
		len -= size;
	}
}
