/* SPDX-License-Identifier: MIT */
/*
 * Processes and descriptor passing for the tests of one context shared by
 * processes (docs/multiprocess.md). No engine calls here, so programs run
 * under the shim link it as well as those on the C API.
 */
#ifndef UIOMMUFD_TESTS_PROCS_H
#define UIOMMUFD_TESTS_PROCS_H

#include <sys/types.h>
#include <unistd.h>

/* In a process of a case: exit with the failing step's number */
#define STEP(n, cond)             \
	do {                      \
		if (!(cond))      \
			_exit(n); \
	} while (0)

/* The exit code of pid; 200 + the signal that killed it; -1 */
int exit_code(pid_t pid);
/* fn() run in a process of its own (20 s at most); its exit code */
int run_owner(int (*fn)(void));
/* Send n (at most 8) descriptors with SCM_RIGHTS and one byte: 0 or -1 */
int send_fds(int sock, const int *fds, int n);
/* Receive exactly n descriptors (close-on-exec) sent by send_fds() */
int recv_fds(int sock, int *fds, int n);

#endif
