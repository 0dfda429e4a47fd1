/* SPDX-License-Identifier: MIT */
/*
 * Pinned-memory accounting: the kernel's user->locked_vm, mm->locked_vm and
 * mm->pinned_vm, checked against RLIMIT_MEMLOCK.
 *
 * The counters are per user and per process across every process of the
 * user that runs the engine, like the kernel's, so they live in a shared
 * memory segment (/dev/shm/uiommufd-acct-<uid>): a pin in one process counts
 * against the per-user limit seen by another, and /proc/<pid>/status of any
 * of them can show VmPin/VmLck as the kernel would.
 */
#ifndef UIOMMUFD_IOPT_ACCOUNT_H
#define UIOMMUFD_IOPT_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* A process as the accounting sees it (the kernel's mm and task) */
struct ufd_mm {
	pid_t pid;
	uid_t uid;
	unsigned int slot;   /* index in the shared segment */
	uint64_t start_time; /* with pid, names the process */
	struct ufd_mm *next;
};

/* The calling process; NULL only if the segment cannot be set up at all */
struct ufd_mm *ufd_mm_current(void);
/* Does the process still exist (a reused pid is another process)? */
bool ufd_mm_alive(struct ufd_mm *mm);

/* user->locked_vm: fails with -ENOMEM past RLIMIT_MEMLOCK of the process */
int ufd_acct_user_charge(struct ufd_mm *mm, unsigned long npages);
void ufd_acct_user_uncharge(struct ufd_mm *mm, unsigned long npages);
/* mm->locked_vm: the VFIO way; CAP_IPC_LOCK bypasses the limit */
int ufd_acct_mm_charge(struct ufd_mm *mm, unsigned long npages);
void ufd_acct_mm_uncharge(struct ufd_mm *mm, unsigned long npages);
/* mm->pinned_vm: reported as VmPin, never limited */
void ufd_acct_pinned_add(struct ufd_mm *mm, long npages);

/* Counters of a process, in pages (0 for a process that never pinned) */
struct ufd_acct_proc_stat {
	long locked_vm;
	long pinned_vm;
};
void ufd_acct_proc_stat(pid_t pid, struct ufd_acct_proc_stat *out);
long ufd_acct_user_locked(void);

#endif
