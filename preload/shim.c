// SPDX-License-Identifier: MIT
/*
 * The LD_PRELOAD shim that serves /dev/iommu to unmodified programs.
 *
 * The shim defines the libc entry points that take a path or a descriptor.
 * A path naming a served file (shim_routes.c) is opened by the engine, or
 * for the kernel files that watch iommufd (/proc/<pid>/status, fail-nth,
 * the fault injection debugfs) shown with the engine's state; a
 * descriptor the engine handed out has its ioctl, read, write, mmap, dup and
 * close routed to the engine. Everything else goes to the next definition,
 * libc's, found with dlsym(RTLD_NEXT).
 *
 * This file holds the start-up: finding the real functions. The shim may be
 * entered before its constructor ran (from another library's constructor),
 * so every real function is also resolved lazily on first use; and dlsym
 * itself may call back into the shim (through malloc, or a preloaded
 * allocator that opens files), which the per-thread "resolving" flag turns
 * into raw system calls instead of endless recursion.
 */
#include "shim.h"

#include <dlfcn.h>
#include <stdlib.h>

__thread struct shim_tls shim_tls __attribute__((tls_model("initial-exec")));

void *shim_real_fn[SHIM_REAL_COUNT];

static const char *const shim_real_name[SHIM_REAL_COUNT] = {
#define X(name, ret, args) [SHIM_REAL_##name] = #name,
	SHIM_REAL_LIST(X)
#undef X
};

/*
 * Look up one real function. Threads may race here: dlsym is thread safe
 * and they all store the same answer. A name libc lacks is cached as 1.
 */
void *shim_resolve(enum shim_real_id id)
{
	int saved_errno;
	void *fn;

	if (shim_tls.resolving)
		return (void *)1;
	saved_errno = errno;
	shim_tls.resolving = 1;
	fn = dlsym(RTLD_NEXT, shim_real_name[id]);
	shim_tls.resolving = 0;
	errno = saved_errno;
	if (!fn)
		fn = (void *)1;
	__atomic_store_n(&shim_real_fn[id], fn, __ATOMIC_RELEASE);
	return fn;
}

/* -1: not read yet; UIOMMUFD_DISABLE=1 turns path serving off */
static int shim_disable_state = -1;

bool shim_disabled(void)
{
	int state = __atomic_load_n(&shim_disable_state, __ATOMIC_RELAXED);
	const char *env;

	if (__builtin_expect(state >= 0, 1))
		return state;
	/* getenv neither allocates nor opens: safe at any point */
	env = getenv("UIOMMUFD_DISABLE");
	state = env && env[0] && !(env[0] == '0' && !env[1]);
	__atomic_store_n(&shim_disable_state, state, __ATOMIC_RELAXED);
	return state;
}

/*
 * Resolve everything before the program's own code runs, so the hot paths
 * only ever load a pointer. Early priority: before other constructors of
 * this object (the engine's included).
 */
__attribute__((constructor(101))) static void shim_init(void)
{
	for (unsigned int id = 0; id != SHIM_REAL_COUNT; id++)
		if (!__atomic_load_n(&shim_real_fn[id], __ATOMIC_ACQUIRE))
			shim_resolve(id);
	shim_disabled();
}
