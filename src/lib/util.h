/* SPDX-License-Identifier: MIT */
/*
 * Small helpers every engine file uses: container_of, lists, overflow-checked
 * arithmetic, alignment, the page size and facts of the process (sys.c).
 */
#ifndef UIOMMUFD_CORE_UTIL_H
#define UIOMMUFD_CORE_UTIL_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UFD_EXPORT __attribute__((visibility("default")))

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr)-offsetof(type, member)))
#define ARRAY_SIZE(a)		   (sizeof(a) / sizeof((a)[0]))
#define sizeof_field(type, member) sizeof(((type *)0)->member)
#define offsetofend(type, member) \
	(offsetof(type, member) + sizeof_field(type, member))

#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))

#define check_add_overflow(a, b, d) __builtin_add_overflow(a, b, d)
#define check_sub_overflow(a, b, d) __builtin_sub_overflow(a, b, d)
#define check_mul_overflow(a, b, d) __builtin_mul_overflow(a, b, d)

#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define ALIGN_UP(x, a)	 ALIGN_DOWN((x) + (a)-1, a)
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define READ_ONCE(x)	 __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/*
 * The engine works in units of the CPU page, like the kernel's PAGE_SIZE. It
 * is read once at load time (ufd_page_init) so that the engine runs unchanged
 * on 4k and 64k page systems.
 */
extern unsigned long ufd_page_size;
extern unsigned int ufd_page_shift;
#define PAGE_SIZE  ufd_page_size
#define PAGE_SHIFT ufd_page_shift
#define PAGE_MASK  (~(PAGE_SIZE - 1))

/*
 * getpid()/getuid() without a system call each time: cached per process,
 * refreshed in a fork()ed child. They name the caller, the kernel's
 * "current": this process, or the client whose ioctl the thread serves
 * (ufd_caller_set()). ufd_selfpid() is always this process.
 */
int ufd_getpid(void);
unsigned int ufd_getuid(void);
int ufd_selfpid(void);

/* Serve the calling thread's next calls for another process */
void ufd_caller_set(int pid, unsigned int uid);
void ufd_caller_clear(void);
bool ufd_caller_is_remote(void);
/*
 * A descriptor of ours for the caller's descriptor fd (close-on-exec):
 * a dup of our own, or the client's taken with pidfd_getfd(). -errno.
 */
int ufd_caller_fd_dup(int fd);
/*
 * Is the caller's descriptor fd the open file our descriptor fd is? Ours
 * when it is us; a client's when it inherited ours over fork() (kcmp()).
 */
bool ufd_caller_fd_is_ours(int fd);

/* Capability checks of the calling thread, as the kernel's capable() */
bool ufd_capable(int cap);

/*
 * Experimental uAPI of kernels after 7.2, off unless named in
 * UIOMMUFD_EXPERIMENTAL (separated by ',' or ';'): what the process starts with
 * holds for its life, as a kernel's configuration does.
 */
enum ufd_experiment {
	/* no-IOMMU devices bound to an iommufd, IOMMU_IOAS_NOIOMMU_GET_PA */
	UFD_EXP_NOIOMMU = 1 << 0,
};
bool ufd_experimental(enum ufd_experiment what);

static inline unsigned long ufd_ffs_ul(unsigned long v)
{
	return (unsigned long)__builtin_ctzl(v);
}

static inline unsigned long ufd_fls_ul(unsigned long v)
{
	return v ? (unsigned long)(sizeof(v) * 8 - __builtin_clzl(v)) : 0;
}

static inline unsigned long roundup_pow_of_two(unsigned long v)
{
	if (v <= 1)
		return 1;
	return 1UL << ufd_fls_ul(v - 1);
}

/* Doubly linked list, as the kernel's list_head */
struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name)     \
	{                        \
		&(name), &(name) \
	}
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

static inline void INIT_LIST_HEAD(struct list_head *l)
{
	l->next = l;
	l->prev = l;
}

static inline void list_add_between(struct list_head *n, struct list_head *p,
				    struct list_head *nx)
{
	nx->prev = n;
	n->next = nx;
	n->prev = p;
	p->next = n;
}

static inline void list_add(struct list_head *n, struct list_head *head)
{
	list_add_between(n, head, head->next);
}

static inline void list_add_tail(struct list_head *n, struct list_head *head)
{
	list_add_between(n, head->prev, head);
}

static inline void list_del(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	e->next = e;
	e->prev = e;
}

static inline bool list_empty(const struct list_head *head)
{
	return head->next == head;
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(head, type, member) \
	list_entry((head)->next, type, member)
#define list_first_entry_or_null(head, type, member) \
	(list_empty(head) ? NULL : list_first_entry(head, type, member))
#define list_for_each_entry(pos, head, member)                         \
	for (pos = list_entry((head)->next, __typeof__(*pos), member); \
	     &pos->member != (head);                                   \
	     pos = list_entry(pos->member.next, __typeof__(*pos), member))
#define list_for_each_entry_safe(pos, n, head, member)                  \
	for (pos = list_entry((head)->next, __typeof__(*pos), member),  \
	    n = list_entry(pos->member.next, __typeof__(*pos), member); \
	     &pos->member != (head);                                    \
	     pos = n, n = list_entry(n->member.next, __typeof__(*n), member))

/* Error pointers, as the kernel's ERR_PTR: keep an errno inside a pointer */
#define MAX_ERRNO 4095
static inline void *ERR_PTR(long error)
{
	return (void *)error;
}
static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}
static inline bool IS_ERR(const void *ptr)
{
	return (unsigned long)ptr >= (unsigned long)-MAX_ERRNO;
}
static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return !ptr || IS_ERR(ptr);
}

/*
 * An internal invariant broke: report it on stderr and carry on, as the
 * kernel's WARN_ON does. With UIOMMUFD_WARN_ABORT set in the environment
 * (the tests set it) the report aborts instead, so no test passes over one.
 */
void ufd_warn(const char *file, int line, const char *cond);
#define WARN_ON(cond)                                        \
	({                                                   \
		bool __w = !!(cond);                         \
		if (unlikely(__w))                           \
			ufd_warn(__FILE__, __LINE__, #cond); \
		__w;                                         \
	})

#endif /* UIOMMUFD_CORE_UTIL_H */
