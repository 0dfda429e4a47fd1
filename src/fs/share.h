/* SPDX-License-Identifier: MIT */
/*
 * Files shared between processes: the owner's server and the clients'
 * channels (share.c, docs/multiprocess.md). Used by file.c only.
 */
#ifndef UIOMMUFD_FS_SHARE_H
#define UIOMMUFD_FS_SHARE_H

struct iommufd_file;
struct iommufd_file_ops;

/* A descriptor of another process' context seen here (share_probe()) */
extern const struct iommufd_file_ops share_remote_ops;

/* A shareable file was made in this process; -ENOMEM */
int share_file_register(struct iommufd_file *file);
/* Its last reference went (closes the server end if never shared) */
void share_file_unregister(struct iommufd_file *file);
/* Another process will hold the file: serve it; -ENOMEM, -EAGAIN */
int share_file_publish(struct iommufd_file *file);
/* The owner's pid if fd is a context another process serves, or -errno */
int share_probe(int fd);
/* The owner closed one of its descriptors of the file */
void share_file_closed(struct iommufd_file *file);

/* An ioctl of a process that is not the file's owner, sent to the owner */
long share_client_ioctl(struct iommufd_file *file, int fd, unsigned int cmd,
			unsigned long arg);
/* This process no longer holds the file: its channel goes */
void share_client_forget(struct iommufd_file *file);

#endif
