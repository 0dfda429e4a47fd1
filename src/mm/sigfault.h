/* SPDX-License-Identifier: MIT */
/*
 * The engine's one SIGSEGV/SIGBUS handler, shared by what needs a fault
 * of the process to mean something other than its end: a fault inside
 * the guarded user copy (lib/uaccess.c) returns EFAULT from the copy, as
 * the kernel's exception table does for copy_from_user(); a fault on a
 * trapped register BAR (mmio_trap.h) is served by the device. Every other
 * fault goes to the action the program had, or installs later through
 * sigfault_sigaction(), or ends the program as it would have.
 */
#ifndef UIOMMUFD_MM_SIGFAULT_H
#define UIOMMUFD_MM_SIGFAULT_H

#include <signal.h>
#include <stdbool.h>

/* Install the handler for SIGSEGV and SIGBUS (once): 0 or -errno */
int sigfault_install(void);

/*
 * The program's sigaction() for SIGSEGV or SIGBUS once the handler is in
 * place: act becomes the action faults that are not the engine's go to,
 * oldact gets the previous one, and the handler stays (or is put back,
 * when a sigaction() that bypassed this replaced it). Returns false when
 * sig is not taken over (the caller does the real sigaction()).
 */
bool sigfault_sigaction(int sig, const struct sigaction *act,
			struct sigaction *oldact);

/* Deliver sig to the program's action for it, as the kernel would have */
void sigfault_deliver(int sig, siginfo_t *si, void *ctx);

#endif
