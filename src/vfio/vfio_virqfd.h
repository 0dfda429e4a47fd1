/* SPDX-License-Identifier: MIT */
/*
 * Eventfds userspace signals to make a device act (vfio_virqfd.c).
 */
#ifndef UIOMMUFD_VFIO_VIRQFD_H
#define UIOMMUFD_VFIO_VIRQFD_H

#include "../lib/util.h"

struct vfio_virqfd;

/*
 * Call @handler(@data) on the watcher thread each time the eventfd @fd is
 * signalled; @fd (our own descriptor) belongs to the virqfd from now on,
 * also on failure. Handlers of all virqfds run one at a time.
 */
struct vfio_virqfd *vfio_virqfd_enable(int fd, void (*handler)(void *data),
				       void *data);
/* Stop it; the handler is not running and will not run when this returns */
void vfio_virqfd_disable(struct vfio_virqfd *virqfd);

#endif
