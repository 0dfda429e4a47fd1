/* SPDX-License-Identifier: MIT */
/*
 * Files shared between processes: the owner's server and the clients'
 * channels (share.c, docs/multiprocess.md). Used by file.c only.
 */
#ifndef UIOMMUFD_FS_SHARE_H
#define UIOMMUFD_FS_SHARE_H

struct iommufd_file;

/* A shareable file was made in this process; -ENOMEM */
int share_file_register(struct iommufd_file *file);
/* Its last reference went (closes the server end if never shared) */
void share_file_unregister(struct iommufd_file *file);
/* The owner closed one of its descriptors of the file */
void share_file_closed(struct iommufd_file *file);

/* An ioctl of a process that is not the file's owner, sent to the owner */
long share_client_ioctl(struct iommufd_file *file, int fd, unsigned int cmd,
			unsigned long arg);
/* This process no longer holds the file: its channel goes */
void share_client_forget(struct iommufd_file *file);

#endif
