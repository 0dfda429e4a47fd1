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

/*
 * Install the handler for SIGSEGV, and for SIGBUS too when with_sigbus
 * (the guarded copy needs both; trapped BARs only SIGSEGV, so a program
 * that maps a BAR keeps its own SIGBUS action as it was): 0 or -errno.
 * A signal taken over stays so.
 */
int sigfault_install(bool with_sigbus);

/*
 * The program's sigaction() for SIGSEGV or SIGBUS once the handler is in
 * place for it: act becomes the action faults that are not the engine's go to,
 * oldact gets the previous one, and the handler stays (or is put back,
 * when a sigaction() that bypassed this replaced it). Returns false when
 * sig is not taken over (the caller does the real sigaction()).
 */
bool sigfault_sigaction(int sig, const struct sigaction *act,
			struct sigaction *oldact);

/* Deliver sig to the program's action for it, as the kernel would have */
void sigfault_deliver(int sig, siginfo_t *si, void *ctx);

#endif
