/* SPDX-License-Identifier: MIT */
/*
 * Access to the caller's memory for ioctl arguments. The caller may hand us
 * any pointer, including a bad one, and must get EFAULT for it rather than a
 * crash: like the kernel's copy_from_user(), these never fault.
 */
#ifndef UIOMMUFD_CORE_UACCESS_H
#define UIOMMUFD_CORE_UACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The engine serves a call of its caller: addresses in the caller's live
 * stack frames, from caller_sp up, are copied without a system call. Pass
 * UACCESS_CALLER_SP from the function the caller called (0: no caller
 * frames); uaccess_leave() with the value returned restores the outer
 * call's (calls may nest, a signal handler may enter in the middle).
 */
struct uaccess_frame {
	uintptr_t caller_sp;
	int guard; /* the guarded copy usable in this call: unknown, yes, no */
};
struct uaccess_frame uaccess_enter(uintptr_t caller_sp);
void uaccess_leave(struct uaccess_frame prev);
/* The caller's stack pointer before it called the current function */
#define UACCESS_CALLER_SP ((uintptr_t)__builtin_dwarf_cfa())

/*
 * The guarded copy: once the engine's SIGSEGV/SIGBUS handler is in place
 * (mm/sigfault.c) and the program has promised that its own actions for
 * them go through the engine, any address of this process is copied with
 * one instruction whose fault the handler turns into EFAULT.
 * uaccess_guard_available() is false when this build has none (another
 * architecture, sanitizers); uaccess_guard_enable() is called once the
 * handler is installed. uaccess_fault_fixup() is the handler's first question:
 * true when the fault was the guarded copy's, whose context now returns EFAULT.
 */
bool uaccess_guard_available(void);
void uaccess_guard_enable(void);
bool uaccess_fault_fixup(void *ucontext);

/* 0 or -EFAULT */
int copy_from_user(void *dst, const void *usrc, size_t len);
int copy_to_user(void *udst, const void *src, size_t len);
/*
 * The same on the memory of process pid (a client's, or ufd_selfpid()
 * for the engine's own memory whatever the caller): 0 or -EFAULT
 */
int copy_from_pid(int pid, void *dst, const void *src, size_t len);
int copy_to_pid(int pid, void *dst, const void *src, size_t len);
/* Write len zero bytes: 0 or -EFAULT */
int clear_user(void *udst, size_t len);
/* 0 if the len bytes at usrc are all zero, -E2BIG if not, -EFAULT */
int check_zeroed_user(const void *usrc, size_t len);
/*
 * The kernel's copy_struct_from_user(): copy a user struct of usize bytes
 * into a kernel struct of ksize bytes, zero-filling a short user struct and
 * requiring the tail of a long one to be zero (E2BIG).
 */
int copy_struct_from_user(void *dst, size_t ksize, const void *usrc,
			  size_t usize);

/*
 * Copy a NUL-terminated string of at most @count bytes: its length (the
 * NUL copied too), @count if no NUL came within it, or -EFAULT.
 */
long strncpy_from_user(char *dst, const char *usrc, size_t count);

static inline void *u64_to_user_ptr(uint64_t v)
{
	return (void *)(uintptr_t)v;
}

/*
 * A user address plus an offset. User addresses are integers until they are
 * copied from or to: the caller may pass NULL, a misaligned address or one
 * near the top of the address space, where C pointer arithmetic or member
 * access would be undefined, so offsets are added as integers (wrapping as
 * the kernel's unsigned long would) and never through a typed pointer.
 */
static inline void *uptr_add(const void *uptr, uint64_t off)
{
	return (void *)((uintptr_t)uptr + (uintptr_t)off);
}

#endif
