/* SPDX-License-Identifier: MIT */
/*
 * Files shared between processes: the owner's server and the clients'
 * channels (share.c, share_client.c, docs/multiprocess.md). Used by
 * file.c only.
 */
#ifndef UIOMMUFD_FS_SHARE_H
#define UIOMMUFD_FS_SHARE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct iommufd_file;
struct iommufd_file_ops;

/* A descriptor of another process' context seen here (share_probe()) */
extern const struct iommufd_file_ops share_remote_ops;

/* The memfd name of a served file made here: it labels the owner */
void share_label(char *buf, size_t size);
/* A shareable or served file was made in this process; -ENOMEM */
int share_file_register(struct iommufd_file *file);
/* Its last reference went (closes the server end if never shared) */
void share_file_unregister(struct iommufd_file *file);
/* Another process will hold the file: serve it; -ENOMEM, -EAGAIN */
int share_file_publish(struct iommufd_file *file);
/* The owner's pid if fd is a context another process serves, or -errno */
int share_probe(int fd);
/* The owner pid a served file's memfd names (a claim), or -errno */
int share_probe_label(int fd);
/* Our own shareable or served file behind (@dev, @ino), referenced */
struct iommufd_file *share_file_find(uint64_t dev, uint64_t ino);
/* The owner closed one of its descriptors of the file */
void share_file_closed(struct iommufd_file *file);

/* An ioctl of a process that is not the file's owner, sent to the owner */
long share_client_ioctl(struct iommufd_file *file, int fd, unsigned int cmd,
			unsigned long arg);
/* read_at/write_at of a process that is not the file's owner */
ssize_t share_client_rw(struct iommufd_file *file, int fd, void *buf,
			size_t count, uint64_t *pos, bool write);
/* mmap() of a process that is not the file's owner: *out, or -errno */
int share_client_mmap(struct iommufd_file *file, int fd, void *addr,
		      size_t length, int prot, int flags, off_t offset,
		      void **out);
/* This process no longer holds the file: its channel goes */
void share_client_forget(struct iommufd_file *file);

#endif
