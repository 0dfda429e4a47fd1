// SPDX-License-Identifier: MIT
/*
 * Shared accounting segment.
 *
 * One slot per live process of the user. A slot records the process' pid and
 * start time (a reused pid is a different process), its locked_vm and
 * pinned_vm, and how much of the user-wide locked_vm it contributed, so that
 * the counts of a process that died without unpinning can be taken back by
 * the next process that claims a slot: the kernel releases a dead process'
 * pins, and so must the accounting.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/capability.h>

#include "../lib/alloc.h"
#include "../lib/lock.h"
#include "../lib/util.h"
#include "account.h"

#define ACCT_MAGIC   0x75696f6d6d756664ull /* "uiommufd" */
#define ACCT_VERSION 1
#define ACCT_PROCS   1024

struct acct_proc {
	int32_t pid; /* 0: free; claimed by compare-and-swap */
	/*
	 * The process charging pins to this one, when it is the owner of a
	 * context this one used (docs/multiprocess.md): the charges outlive
	 * this process as long as the holder lives, as a kernel pages object
	 * keeps its source mm's counts.
	 */
	int32_t holder;
	uint64_t start_time;
	int64_t locked_vm;
	int64_t pinned_vm;
	int64_t user_share;
};

struct acct_shm {
	uint64_t magic;
	uint64_t version;
	int64_t user_locked_vm;
	struct acct_proc procs[ACCT_PROCS];
};

static struct acct_shm *acct_seg;
static struct mutex acct_lock = MUTEX_INITIALIZER(acct_lock);
/*
 * The calling process' accounting identity. A fork()ed child gets a new one;
 * pages objects the child inherited keep pointing at the parent's, as a
 * kernel pages object keeps its source mm.
 */
static struct ufd_mm *current_mm;

/* Field 22 of /proc/<pid>/stat: start time in clock ticks since boot */
static uint64_t proc_start_time(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long long t = 0;
	char *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	/* The command name may hold spaces; fields restart after its ')' */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2,
			 "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
			 "%*u %*u %*d %*d %*d %*d %*d %*d %llu",
			 &t) != 1)
		return 0;
	return t;
}

static struct acct_shm *acct_map(void)
{
	char name[64];
	struct acct_shm *shm;
	int fd;

	snprintf(name, sizeof(name), "/uiommufd-acct-%u", (unsigned)getuid());
	fd = shm_open(name, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0 && ftruncate(fd, sizeof(*shm)) == 0) {
		shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE,
			   MAP_SHARED, fd, 0);
		close(fd);
		if (shm != MAP_FAILED)
			goto have_map;
	} else if (fd >= 0) {
		close(fd);
	}
	/* No /dev/shm: account within this process only */
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		return NULL;
have_map:;
	uint64_t zero = 0;

	/* The creator initialises; an incompatible segment is replaced */
	if (__atomic_compare_exchange_n(&shm->magic, &zero, ACCT_MAGIC, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		__atomic_store_n(&shm->version, ACCT_VERSION, __ATOMIC_RELEASE);
	/* A total below zero is never right: a double reclaim left it */
	int64_t total = __atomic_load_n(&shm->user_locked_vm, __ATOMIC_RELAXED);

	while (total < 0 && !__atomic_compare_exchange_n(
				    &shm->user_locked_vm, &total, 0, true,
				    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	return shm;
}

static bool proc_slot_stale(struct acct_proc *p)
{
	pid_t pid = __atomic_load_n(&p->pid, __ATOMIC_ACQUIRE);

	/* Free, or being reclaimed by another process */
	if (pid <= 0)
		return false;
	if (!(kill(pid, 0) && errno == ESRCH) &&
	    proc_start_time(pid) == p->start_time)
		return false;
	pid = __atomic_load_n(&p->holder, __ATOMIC_ACQUIRE);
	return pid <= 0 || (kill(pid, 0) && errno == ESRCH);
}

/*
 * Subtract, never going below zero: a forked child works on a copy of its
 * parent's state and may hand back what the parent already released.
 */
static void counter_sub_clamped(int64_t *counter, unsigned long npages)
{
	int64_t cur = __atomic_load_n(counter, __ATOMIC_RELAXED);
	int64_t next;

	do {
		next = cur - (int64_t)npages;
		if (next < 0)
			next = 0;
	} while (!__atomic_compare_exchange_n(
		counter, &cur, next, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
}

/* A slot whose dead owner's charge is being taken back */
#define ACCT_SLOT_RECLAIMING (-1)

/*
 * Take back what a dead process still had charged, and free its slot.
 * Every process joining sweeps, so several may find the same dead slot:
 * only the one that marks it takes its share back.
 */
static void proc_slot_reclaim(struct acct_proc *p, int32_t pid)
{
	if (!__atomic_compare_exchange_n(&p->pid, &pid, ACCT_SLOT_RECLAIMING,
					 false, __ATOMIC_ACQ_REL,
					 __ATOMIC_RELAXED))
		return;
	counter_sub_clamped(&acct_seg->user_locked_vm,
			    (unsigned long)p->user_share);
	p->locked_vm = 0;
	p->pinned_vm = 0;
	p->user_share = 0;
	__atomic_store_n(&p->pid, 0, __ATOMIC_RELEASE);
}

/*
 * A process joining the accounting first takes back what dead processes left
 * behind, so their pins stop counting against the user's limit.
 */
static void proc_slots_sweep(void)
{
	for (unsigned int i = 0; i != ACCT_PROCS; i++) {
		struct acct_proc *p = &acct_seg->procs[i];
		int32_t pid = __atomic_load_n(&p->pid, __ATOMIC_ACQUIRE);

		if (proc_slot_stale(p))
			proc_slot_reclaim(p, pid);
	}
}

static int proc_slot_claim(pid_t pid, uint64_t start)
{
	proc_slots_sweep();
	for (unsigned int i = 0; i != ACCT_PROCS; i++) {
		struct acct_proc *p = &acct_seg->procs[i];
		int32_t expect = 0;

		if (!__atomic_compare_exchange_n(&p->pid, &expect, pid, false,
						 __ATOMIC_ACQ_REL,
						 __ATOMIC_RELAXED))
			continue;
		p->start_time = start;
		p->holder = 0;
		p->locked_vm = 0;
		p->pinned_vm = 0;
		p->user_share = 0;
		return (int)i;
	}
	return -1;
}

static int proc_slot_find(pid_t pid, uint64_t start)
{
	for (unsigned int i = 0; i != ACCT_PROCS; i++) {
		struct acct_proc *p = &acct_seg->procs[i];

		if (__atomic_load_n(&p->pid, __ATOMIC_ACQUIRE) == pid &&
		    p->start_time == start)
			return (int)i;
	}
	return -1;
}

/* Every identity made here, never freed: the ones of clients are looked up */
static struct ufd_mm *all_mms;

static struct ufd_mm *mm_find(pid_t pid, uint64_t start)
{
	for (struct ufd_mm *mm = all_mms; mm; mm = mm->next)
		if (mm->pid == pid && mm->start_time == start)
			return mm;
	return NULL;
}

struct ufd_mm *ufd_mm_current(void)
{
	struct ufd_mm *mm = __atomic_load_n(&current_mm, __ATOMIC_ACQUIRE);
	pid_t pid = ufd_getpid();
	bool self = pid == ufd_selfpid();
	uint64_t start;
	int slot;

	if (mm && mm->pid == pid)
		return mm;

	mutex_lock(&acct_lock);
	mm = current_mm;
	if (mm && mm->pid == pid)
		goto out;
	if (!acct_seg)
		acct_seg = acct_map();
	mm = NULL;
	if (!acct_seg)
		goto out;
	start = proc_start_time(pid);
	/* A client served by this process (docs/multiprocess.md) */
	mm = self ? NULL : mm_find(pid, start);
	if (mm)
		goto out;
	slot = proc_slot_find(pid, start);
	if (slot < 0)
		slot = proc_slot_claim(pid, start);
	if (slot < 0)
		goto out;
	/* Never freed: inherited pages objects may still point at it */
	mm = ufd_zalloc_nofail(sizeof(*mm));
	mm->pid = pid;
	mm->uid = ufd_getuid();
	mm->slot = (unsigned int)slot;
	mm->start_time = start;
	mm->next = all_mms;
	all_mms = mm;
	if (!self)
		__atomic_store_n(&acct_seg->procs[slot].holder, ufd_selfpid(),
				 __ATOMIC_RELEASE);
	if (self)
		__atomic_store_n(&current_mm, mm, __ATOMIC_RELEASE);
out:
	mutex_unlock(&acct_lock);
	return mm;
}

bool ufd_mm_alive(struct ufd_mm *mm)
{
	return mm->pid == ufd_selfpid() ||
	       proc_start_time(mm->pid) == mm->start_time;
}

static unsigned long memlock_limit_pages(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_MEMLOCK, &rl) || rl.rlim_cur == RLIM_INFINITY)
		return ULONG_MAX;
	return rl.rlim_cur >> PAGE_SHIFT;
}

/* Add to a counter unless it would pass limit: the io_uring way */
static bool counter_add_limited(int64_t *counter, unsigned long npages,
				unsigned long limit)
{
	int64_t cur = __atomic_load_n(counter, __ATOMIC_RELAXED);
	int64_t next;

	do {
		next = cur + (int64_t)npages;
		if (next < 0 || (uint64_t)next > limit)
			return false;
	} while (!__atomic_compare_exchange_n(
		counter, &cur, next, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return true;
}

static struct acct_proc *mm_proc(struct ufd_mm *mm)
{
	return &acct_seg->procs[mm->slot];
}

int ufd_acct_user_charge(struct ufd_mm *mm, unsigned long npages)
{
	if (!counter_add_limited(&acct_seg->user_locked_vm, npages,
				 memlock_limit_pages()))
		return -ENOMEM;
	__atomic_add_fetch(&mm_proc(mm)->user_share, (int64_t)npages,
			   __ATOMIC_RELAXED);
	return 0;
}

void ufd_acct_user_uncharge(struct ufd_mm *mm, unsigned long npages)
{
	counter_sub_clamped(&acct_seg->user_locked_vm, npages);
	counter_sub_clamped(&mm_proc(mm)->user_share, npages);
}

int ufd_acct_mm_charge(struct ufd_mm *mm, unsigned long npages)
{
	unsigned long limit = memlock_limit_pages();

	if (ufd_capable(CAP_IPC_LOCK))
		limit = ULONG_MAX;
	if (!counter_add_limited(&mm_proc(mm)->locked_vm, npages, limit))
		return -ENOMEM;
	return 0;
}

void ufd_acct_mm_uncharge(struct ufd_mm *mm, unsigned long npages)
{
	counter_sub_clamped(&mm_proc(mm)->locked_vm, npages);
}

void ufd_acct_pinned_add(struct ufd_mm *mm, long npages)
{
	if (npages >= 0)
		__atomic_add_fetch(&mm_proc(mm)->pinned_vm, npages,
				   __ATOMIC_RELAXED);
	else
		counter_sub_clamped(&mm_proc(mm)->pinned_vm,
				    (unsigned long)-npages);
}

/* Map the segment if some process created it; never create it here */
static bool acct_seg_lookup(void)
{
	char name[64];
	int fd;

	if (READ_ONCE(acct_seg))
		return true;
	snprintf(name, sizeof(name), "/uiommufd-acct-%u", ufd_getuid());
	fd = shm_open(name, O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return false;
	close(fd);
	mutex_lock(&acct_lock);
	if (!acct_seg)
		acct_seg = acct_map();
	mutex_unlock(&acct_lock);
	return acct_seg != NULL;
}

void ufd_acct_proc_stat(pid_t pid, struct ufd_acct_proc_stat *out)
{
	uint64_t start;
	int slot;

	memset(out, 0, sizeof(*out));
	/* A reader of /proc/<pid>/status is not a user of the accounting */
	if (!acct_seg_lookup())
		return;
	start = proc_start_time(pid);
	slot = proc_slot_find(pid, start);
	if (slot < 0)
		return;
	out->locked_vm = (long)__atomic_load_n(&acct_seg->procs[slot].locked_vm,
					       __ATOMIC_RELAXED);
	out->pinned_vm = (long)__atomic_load_n(&acct_seg->procs[slot].pinned_vm,
					       __ATOMIC_RELAXED);
}

long ufd_acct_user_locked(void)
{
	if (!ufd_mm_current())
		return 0;
	/* The dead have released their pins, as the kernel's do at exit */
	proc_slots_sweep();
	return (long)__atomic_load_n(&acct_seg->user_locked_vm,
				     __ATOMIC_RELAXED);
}
