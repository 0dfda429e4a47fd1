// SPDX-License-Identifier: MIT
/*
 * Fault-safe copies between the engine and the caller's memory.
 *
 * Most ioctl arguments live in the caller's stack frames. Those are proven
 * valid without asking the kernel: the calling thread's stack is one
 * mapping, and everything from the caller's stack pointer at the entry of
 * the engine (uaccess_enter()) up to the top of that stack is live frames,
 * mapped and writable. Such copies are a memcpy.
 *
 * Any other address of this process is copied by the guarded copy when it
 * is usable: one rep movsb whose fault (SIGSEGV, SIGBUS) the engine's
 * handler resumes after with the bytes left, as the kernel's exception
 * table does for copy_from_user(). It is usable when the handler is in
 * place and stays there (the program promised its actions go through the
 * engine: uaccess_guard_enable()), and when the calling thread has
 * neither signal blocked: a synchronous fault with its signal blocked
 * kills the process whatever the handler. The mask is asked once per
 * engine call (one rt_sigprocmask), the rest is free.
 *
 * Otherwise, and for another process' memory, process_vm_readv() and
 * process_vm_writev(): the kernel performs the copy and reports EFAULT for
 * unmapped or protected memory instead of delivering SIGSEGV. Where a
 * seccomp policy forbids them (some container runtimes do),
 * /proc/self/mem gives the same guarantee through pread/pwrite.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <ucontext.h>
#include <unistd.h>

#include "uaccess.h"
#include "util.h"

enum { UACCESS_VM = 0, UACCESS_PROCMEM = 1 };
static int uaccess_method = UACCESS_VM;
static int procmem_fd = -1;

static int procmem_open(void)
{
	int fd = READ_ONCE(procmem_fd);
	int expected = -1;

	if (fd >= 0)
		return fd;
	fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -EFAULT;
	if (!__atomic_compare_exchange_n(&procmem_fd, &expected, fd, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		close(fd);
		fd = expected;
	}
	return fd;
}

/* Another process' memory (docs/multiprocess.md): its /proc/PID/mem */
static int procmem_open_pid(int pid)
{
	char path[64];
	int fd;

	if (pid == ufd_selfpid())
		return procmem_open();
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -EFAULT : fd;
}

static int procmem_copy(int pid, void *local, const void *remote, size_t len,
			bool write)
{
	int fd = procmem_open_pid(pid);
	int rc = 0;
	ssize_t n;

	if (fd < 0)
		return fd;
	while (len) {
		if (write)
			n = pwrite(fd, local, len, (off_t)(uintptr_t)remote);
		else
			n = pread(fd, local, len, (off_t)(uintptr_t)remote);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			rc = -EFAULT;
			break;
		}
		local = (char *)local + n;
		remote = (const char *)remote + n;
		len -= (size_t)n;
	}
	if (pid != ufd_selfpid())
		close(fd);
	return rc;
}

/*
 * The calling thread's stack, looked up once per thread, and the engine
 * call this thread is in: the lowest address of the caller's frames (0
 * when none: then no address is proven valid this way) and whether the
 * guarded copy is usable in it.
 */
static __thread uintptr_t stack_lo, stack_hi;
static __thread bool stack_looked_up;
static __thread struct uaccess_frame frame;

enum { GUARD_UNKNOWN, GUARD_YES, GUARD_NO };

struct uaccess_frame uaccess_enter(uintptr_t caller_sp)
{
	struct uaccess_frame prev = frame;

	frame.caller_sp = caller_sp;
	frame.guard = GUARD_UNKNOWN;
	return prev;
}

void uaccess_leave(struct uaccess_frame prev)
{
	frame = prev;
}

static void stack_lookup(void)
{
	pthread_attr_t attr;
	size_t size;
	void *lo;

	stack_looked_up = true;
	if (pthread_getattr_np(pthread_self(), &attr))
		return;
	if (!pthread_attr_getstack(&attr, &lo, &size)) {
		stack_lo = (uintptr_t)lo;
		stack_hi = (uintptr_t)lo + size;
	}
	pthread_attr_destroy(&attr);
}

/*
 * [addr, addr + len) lies in the caller's live frames. A caller running on
 * another stack (a signal's alternate stack, a coroutine) is not proven.
 */
static bool in_caller_frames(const void *addr, size_t len)
{
	uintptr_t a = (uintptr_t)addr, sp = frame.caller_sp;

	if (!sp)
		return false;
	if (unlikely(!stack_looked_up))
		stack_lookup();
	if (sp < stack_lo || sp >= stack_hi)
		return false;
	return a >= sp && a < stack_hi && len <= stack_hi - a;
}

/*
 * The sanitizers would report the caller's stack redzones a struct size
 * larger than the caller's object reaches into; the kernel reads them as
 * any other byte, so under the sanitizers the copy is not instrumented.
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UACCESS_RAW_COPY 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define UACCESS_RAW_COPY 1
#endif
#endif

#ifdef UACCESS_RAW_COPY
__attribute__((no_sanitize("address", "thread"))) static void
frames_copy(void *dst, const void *src, size_t len)
{
	volatile unsigned char *d = dst;
	const volatile unsigned char *s = src;

	while (len--)
		*d++ = *s++;
}
#else
static void frames_copy(void *dst, const void *src, size_t len)
{
	memcpy(dst, src, len);
}
#endif

/*
 * The guarded copy: rdi dst, rsi src, rdx len; returns the bytes not
 * copied. The rep movsb is the one instruction that touches memory; a
 * fault there leaves rcx the bytes left and the handler resumes at the
 * next instruction, which returns them.
 */
#if defined(__x86_64__) && !defined(UACCESS_RAW_COPY)
size_t uaccess_guarded_copy(void *dst, const void *src, size_t len);
extern const char uaccess_guarded_insn[], uaccess_guarded_fixup[];
__asm__(".pushsection .text\n"
	".p2align 4\n"
	".globl uaccess_guarded_copy\n"
	".hidden uaccess_guarded_copy\n"
	".type uaccess_guarded_copy, @function\n"
	"uaccess_guarded_copy:\n"
	".cfi_startproc\n"
	"	endbr64\n"
	"	movq %rdx, %rcx\n"
	".globl uaccess_guarded_insn\n"
	".hidden uaccess_guarded_insn\n"
	"uaccess_guarded_insn:\n"
	"	rep movsb\n"
	".globl uaccess_guarded_fixup\n"
	".hidden uaccess_guarded_fixup\n"
	"uaccess_guarded_fixup:\n"
	"	movq %rcx, %rax\n"
	"	ret\n"
	".cfi_endproc\n"
	".size uaccess_guarded_copy, .-uaccess_guarded_copy\n"
	".popsection\n");

static bool guard_on;
#define GUARD_USER_TOP 0x7ffffffff000UL

bool uaccess_guard_available(void)
{
	return true;
}

void uaccess_guard_enable(void)
{
	__atomic_store_n(&guard_on, true, __ATOMIC_RELEASE);
}

bool uaccess_fault_fixup(void *ucontext)
{
	greg_t *gregs = ((ucontext_t *)ucontext)->uc_mcontext.gregs;

	if (gregs[REG_RIP] != (greg_t)(uintptr_t)uaccess_guarded_insn)
		return false;
	gregs[REG_RIP] = (greg_t)(uintptr_t)uaccess_guarded_fixup;
	return true;
}

/* Neither fault signal blocked in this thread: one system call */
static int guard_mask_check(void)
{
	sigset_t set;

	if (pthread_sigmask(SIG_BLOCK, NULL, &set))
		return GUARD_NO;
	if (sigismember(&set, SIGSEGV) || sigismember(&set, SIGBUS))
		return GUARD_NO;
	return GUARD_YES;
}

/*
 * The answer holds for the engine call: the engine blocks neither signal
 * around a copy, and a signal handler that runs in between restores the
 * mask before the call goes on (one that calls the engine enters anew).
 * Outside a call (caller_sp 0) nothing says how long it holds.
 */
static bool guard_usable(const void *uaddr, size_t len)
{
	uintptr_t a = (uintptr_t)uaddr;
	int guard;

	if (!__atomic_load_n(&guard_on, __ATOMIC_ACQUIRE))
		return false;
	/*
	 * Beyond the lowest user address space (47 bits) the kernel decides:
	 * a 5-level process may map there, the vsyscall page may be readable
	 * where copy_from_user() refuses it
	 */
	if (a >= GUARD_USER_TOP || len > GUARD_USER_TOP - a)
		return false;
	if (frame.guard != GUARD_UNKNOWN)
		return frame.guard == GUARD_YES;
	guard = guard_mask_check();
	if (frame.caller_sp)
		frame.guard = guard;
	return guard == GUARD_YES;
}

static int guarded_copy(void *dst, const void *src, size_t len)
{
	return uaccess_guarded_copy(dst, src, len) ? -EFAULT : 0;
}
#else
bool uaccess_guard_available(void)
{
	return false;
}

void uaccess_guard_enable(void)
{
}

bool uaccess_fault_fixup(void *ucontext)
{
	(void)ucontext;
	return false;
}

static bool guard_usable(const void *uaddr, size_t len)
{
	(void)uaddr;
	(void)len;
	return false;
}

static int guarded_copy(void *dst, const void *src, size_t len)
{
	(void)dst;
	(void)src;
	(void)len;
	return -EFAULT;
}
#endif

static int vm_copy(int pid, void *local, const void *remote, size_t len,
		   bool write)
{
	struct iovec liov = {.iov_base = local, .iov_len = len};
	struct iovec riov = {.iov_base = (void *)remote, .iov_len = len};
	ssize_t n;

	if (READ_ONCE(uaccess_method) == UACCESS_PROCMEM)
		return procmem_copy(pid, local, remote, len, write);
	if (write)
		n = process_vm_writev(pid, &liov, 1, &riov, 1, 0);
	else
		n = process_vm_readv(pid, &liov, 1, &riov, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	if (n < 0 && (errno == ENOSYS || errno == EPERM)) {
		/* Denied for another process only: not this process' policy */
		if (pid == ufd_selfpid())
			WRITE_ONCE(uaccess_method, UACCESS_PROCMEM);
		return procmem_copy(pid, local, remote, len, write);
	}
	return -EFAULT;
}

int copy_from_pid(int pid, void *dst, const void *src, size_t len)
{
	if (!len)
		return 0;
	if (!src)
		return -EFAULT;
	if (pid == ufd_selfpid() && guard_usable(src, len))
		return guarded_copy(dst, src, len);
	return vm_copy(pid, dst, src, len, false);
}

int copy_to_pid(int pid, void *dst, const void *src, size_t len)
{
	if (!len)
		return 0;
	if (!dst)
		return -EFAULT;
	if (pid == ufd_selfpid() && guard_usable(dst, len))
		return guarded_copy(dst, src, len);
	return vm_copy(pid, (void *)src, dst, len, true);
}

int copy_from_user(void *dst, const void *usrc, size_t len)
{
	if (!len)
		return 0;
	if (!usrc)
		return -EFAULT;
	if (!ufd_caller_is_remote()) {
		if (in_caller_frames(usrc, len)) {
			frames_copy(dst, usrc, len);
			return 0;
		}
		if (guard_usable(usrc, len))
			return guarded_copy(dst, usrc, len);
	}
	return vm_copy(ufd_getpid(), dst, usrc, len, false);
}

int copy_to_user(void *udst, const void *src, size_t len)
{
	if (!len)
		return 0;
	if (!udst)
		return -EFAULT;
	if (!ufd_caller_is_remote()) {
		if (in_caller_frames(udst, len)) {
			frames_copy(udst, src, len);
			return 0;
		}
		if (guard_usable(udst, len))
			return guarded_copy(udst, src, len);
	}
	return vm_copy(ufd_getpid(), (void *)src, udst, len, true);
}

int clear_user(void *udst, size_t len)
{
	static const unsigned char zeroes[256];

	while (len) {
		size_t n = min(len, sizeof(zeroes));

		if (copy_to_user(udst, zeroes, n))
			return -EFAULT;
		udst = (char *)udst + n;
		len -= n;
	}
	return 0;
}

int check_zeroed_user(const void *usrc, size_t len)
{
	unsigned char buf[256];

	while (len) {
		size_t n = min(len, sizeof(buf));
		size_t i;
		int rc;

		rc = copy_from_user(buf, usrc, n);
		if (rc)
			return rc;
		for (i = 0; i != n; i++)
			if (buf[i])
				return -E2BIG;
		usrc = (const char *)usrc + n;
		len -= n;
	}
	return 0;
}

int copy_struct_from_user(void *dst, size_t ksize, const void *usrc,
			  size_t usize)
{
	size_t size = min(ksize, usize);
	int rc;

	if (usize > ksize) {
		rc = check_zeroed_user((const char *)usrc + ksize,
				       usize - ksize);
		if (rc)
			return rc;
	} else if (usize < ksize) {
		memset((char *)dst + usize, 0, ksize - usize);
	}
	return copy_from_user(dst, usrc, size);
}

long strncpy_from_user(char *dst, const char *usrc, size_t count)
{
	size_t done = 0;

	/* Page by page: the string may end just before unmapped memory */
	while (done < count) {
		uintptr_t at = (uintptr_t)usrc + done;
		size_t n =
			min(count - done, PAGE_SIZE - (at & (PAGE_SIZE - 1)));
		char *nul;

		if (copy_from_user(dst + done, (const void *)at, n))
			return -EFAULT;
		nul = memchr(dst + done, '\0', n);
		if (nul)
			return (long)(nul - dst);
		done += n;
	}
	return (long)count;
}
