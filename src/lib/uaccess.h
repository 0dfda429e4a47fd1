/* SPDX-License-Identifier: MIT */
/*
 * Access to the caller's memory for ioctl arguments. The caller may hand us
 * any pointer, including a bad one, and must get EFAULT for it rather than a
 * crash: like the kernel's copy_from_user(), these never fault.
 */
#ifndef UIOMMUFD_CORE_UACCESS_H
#define UIOMMUFD_CORE_UACCESS_H

#include <stddef.h>
#include <stdint.h>

/*
 * The engine serves a call of its caller: addresses in the caller's live
 * stack frames, from caller_sp up, are copied without a system call. Pass
 * UACCESS_CALLER_SP from the function the caller called; uaccess_leave()
 * with the value returned restores the outer call's (calls may nest).
 */
uintptr_t uaccess_enter(uintptr_t caller_sp);
void uaccess_leave(uintptr_t prev);
/* The caller's stack pointer before it called the current function */
#define UACCESS_CALLER_SP ((uintptr_t)__builtin_dwarf_cfa())

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
