// SPDX-License-Identifier: MIT
/*
 * The handler runs on the faulting thread with the signal blocked. What it
 * recognises first is a fault inside the guarded copy: the copy resumes at
 * its fixup and returns EFAULT, nothing else is touched. Then a trapped
 * register BAR access, served by the device. Anything else is the
 * program's.
 *
 * The program's actions live in two copies per signal: the handler reads
 * the one chain_cur names, an update writes the other and then switches,
 * so a handler never reads an action half written.
 */
#include <errno.h>
#include <pthread.h>
#include <ucontext.h>

#include "../lib/lock.h"
#include "../lib/uaccess.h"
#include "mmio_trap.h"
#include "sigfault.h"

enum { CHAIN_SEGV, CHAIN_BUS, CHAIN_NR };

static struct mutex sigfault_lock = MUTEX_INITIALIZER(sigfault_lock);
/* Per signal: is the engine's handler its action (taken over)? */
static bool sigfault_owned[CHAIN_NR];
static struct sigaction chain_act[CHAIN_NR][2];
static unsigned int chain_cur[CHAIN_NR];

static int chain_of(int sig)
{
	if (sig == SIGSEGV)
		return CHAIN_SEGV;
	if (sig == SIGBUS)
		return CHAIN_BUS;
	return -1;
}

/* Call act for sig as the kernel would have */
static void deliver(const struct sigaction *act, int sig, siginfo_t *si,
		    void *ctx)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	sigset_t set;

	if (act->sa_flags & SA_SIGINFO) {
		act->sa_sigaction(sig, si, ctx);
		return;
	}
	if (act->sa_handler != SIG_DFL && act->sa_handler != SIG_IGN) {
		act->sa_handler(sig);
		return;
	}
	/*
	 * The default action (a fault cannot be ignored): the signal again,
	 * with nothing in its way, ends the program as it would have: a
	 * SIGSEGV comes back when the instruction runs again, a SIGBUS (the
	 * engine's own for a refused BAR access, or a real one) is sent.
	 */
	sigaction(sig, &dfl, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	if (sig != SIGSEGV)
		raise(sig);
}

void sigfault_deliver(int sig, siginfo_t *si, void *ctx)
{
	int c = chain_of(sig);

	deliver(&chain_act[c][__atomic_load_n(&chain_cur[c], __ATOMIC_ACQUIRE)],
		sig, si, ctx);
}

/*
 * Memory decoding off: the access gets SIGBUS (BUS_ADRERR), to the
 * program's action, which is its real one while the engine does not own
 * SIGBUS (only register BARs trapped)
 */
static void mmio_refused(siginfo_t *si, void *ctx)
{
	siginfo_t bus = {.si_signo = SIGBUS, .si_code = BUS_ADRERR};
	struct sigaction act;

	bus.si_addr = si->si_addr;
	if (__atomic_load_n(&sigfault_owned[CHAIN_BUS], __ATOMIC_ACQUIRE)) {
		sigfault_deliver(SIGBUS, &bus, ctx);
		return;
	}
	sigaction(SIGBUS, NULL, &act);
	deliver(&act, SIGBUS, &bus, ctx);
}

static void sigfault_handler(int sig, siginfo_t *si, void *ctx)
{
	int saved_errno = errno;
	struct uaccess_frame outer;
	int rc;

	/* A fault, not a kill() that happened to land on the copy */
	if (si->si_code > 0 && uaccess_fault_fixup(ctx))
		return;
	/* Device ops may copy: with the signal blocked, never guarded */
	outer = uaccess_enter(0);
	rc = sig == SIGSEGV ? mmio_trap_fault(si, ctx) : -EFAULT;
	uaccess_leave(outer);
	errno = saved_errno;
	if (!rc)
		return;
	if (rc == -EIO) {
		mmio_refused(si, ctx);
		return;
	}
	sigfault_deliver(sig, si, ctx);
}

static const struct sigaction sigfault_act = {
	.sa_sigaction = sigfault_handler,
	.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART,
};

/* Needs sigfault_lock */
static int own(int sig)
{
	int c = chain_of(sig);

	if (sigfault_owned[c])
		return 0;
	if (sigaction(sig, &sigfault_act, &chain_act[c][chain_cur[c]]))
		return -errno;
	__atomic_store_n(&sigfault_owned[c], true, __ATOMIC_RELEASE);
	return 0;
}

int sigfault_install(bool with_sigbus)
{
	int rc;

	if (__atomic_load_n(&sigfault_owned[CHAIN_SEGV], __ATOMIC_ACQUIRE) &&
	    (!with_sigbus ||
	     __atomic_load_n(&sigfault_owned[CHAIN_BUS], __ATOMIC_ACQUIRE)))
		return 0;
	mutex_lock(&sigfault_lock);
	rc = own(SIGSEGV);
	if (!rc && with_sigbus)
		rc = own(SIGBUS);
	mutex_unlock(&sigfault_lock);
	return rc;
}

bool sigfault_sigaction(int sig, const struct sigaction *act,
			struct sigaction *oldact)
{
	int c = chain_of(sig);
	unsigned int cur;

	if (c < 0 || !__atomic_load_n(&sigfault_owned[c], __ATOMIC_ACQUIRE))
		return false;
	mutex_lock(&sigfault_lock);
	cur = chain_cur[c];
	if (oldact)
		*oldact = chain_act[c][cur];
	if (act) {
		chain_act[c][!cur] = *act;
		__atomic_store_n(&chain_cur[c], !cur, __ATOMIC_RELEASE);
		/* Back in place if the raw call replaced it meanwhile */
		sigaction(sig, &sigfault_act, NULL);
	}
	mutex_unlock(&sigfault_lock);
	return true;
}
