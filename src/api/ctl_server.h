/* SPDX-License-Identifier: MIT */
/*
 * The socket uiommufdctl(1) reaches a running program's engine through
 * (ctl_server.c).
 */
#ifndef UIOMMUFD_API_CTL_SERVER_H
#define UIOMMUFD_API_CTL_SERVER_H

/* With UIOMMUFD_CTL=1, serve this process's socket (once per process) */
void ctl_server_start(void);

#endif
