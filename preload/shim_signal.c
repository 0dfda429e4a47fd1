// SPDX-License-Identifier: MIT
/*
 * sigaction()/signal() for SIGSEGV once the engine's handler serves
 * trapped register BAR accesses and the guarded copy of ioctl arguments
 * (munmap() is in shim_fd.c): the program's handler is then recorded as
 * the one faults that are not the engine's go to, and the engine's stays
 * in place. Since the shim sees those calls, it makes the promise
 * uiommufd_guard_faults() asks for before the first call into an engine
 * file: the engine then copies the caller's memory without a system call.
 *
 * Not in a shim built with ThreadSanitizer: its runtime initialises from
 * the shim's constructor and calls sigaction() on the way, which would
 * run instrumented code before the runtime is ready. There the program's
 * later SIGSEGV handler replaces the engine's (docs/differences.md), and
 * the copies stay system calls.
 */
#include "shim.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __SANITIZE_THREAD__

void shim_guard_faults(void)
{
	static bool asked;

	if (__atomic_load_n(&asked, __ATOMIC_RELAXED))
		return;
	/* Idempotent: two threads asking at once install it once */
	ENGINE_CALL(uiommufd_guard_faults());
	__atomic_store_n(&asked, true, __ATOMIC_RELAXED);
}

SHIM_EXPORT int sigaction(int sig, const struct sigaction *act,
			  struct sigaction *oldact)
{
	shim_sigaction_fn fn;

	if (!shim_tls.in_engine &&
	    ENGINE_CALL(uiommufd_sigaction(sig, act, oldact)))
		return 0;
	fn = REAL(sigaction);
	if (!fn) {
		errno = ENOSYS;
		return -1;
	}
	return fn(sig, act, oldact);
}

/* glibc's signal(): BSD semantics, the handler stays and calls restart */
SHIM_EXPORT sighandler_t signal(int sig, sighandler_t handler)
{
	struct sigaction act = {.sa_handler = handler, .sa_flags = SA_RESTART};
	struct sigaction old;
	shim_signal_fn fn;

	sigemptyset(&act.sa_mask);
	if (sig > 0 && sig < NSIG)
		sigaddset(&act.sa_mask, sig);
	if (!shim_tls.in_engine &&
	    ENGINE_CALL(uiommufd_sigaction(sig, &act, &old)))
		return old.sa_handler;
	fn = REAL(signal);
	if (!fn) {
		errno = ENOSYS;
		return SIG_ERR;
	}
	return fn(sig, handler);
}
#else
void shim_guard_faults(void)
{
}
#endif
