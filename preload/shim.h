/* SPDX-License-Identifier: MIT */
/*
 * The LD_PRELOAD shim: internal declarations shared by its files.
 *
 * Every shim source includes this header first, before any system header:
 * the shim defines the libc names themselves (stat and stat64, open and
 * open64 ...), so it must see the headers without the redirections that
 * _FILE_OFFSET_BITS=64 (set by meson) or _FORTIFY_SOURCE (set by
 * distribution build flags) would add to those names.
 */
#ifndef UIOMMUFD_PRELOAD_SHIM_H
#define UIOMMUFD_PRELOAD_SHIM_H

#undef _FILE_OFFSET_BITS
#undef _TIME_BITS
#undef _FORTIFY_SOURCE
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <uiommufd/uiommufd.h>

/*
 * The shim sees off_t without _FILE_OFFSET_BITS, the engine with it: they
 * agree on uiommufd_mmap() only where off_t is 64 bits anyway.
 */
_Static_assert(sizeof(off_t) == sizeof(off64_t),
	       "the preload shim needs a 64-bit off_t");

/* The only symbols of the shim that leave it: the intercepted libc names */
#define SHIM_EXPORT __attribute__((visibility("default")))

/*
 * Character device numbers of the nodes the shim serves, as Linux 7.2
 * gives them: misc devices (major 10: /dev/vfio/vfio is minor 196), the
 * VFIO device cdevs and the VFIO groups (dynamic majors in the kernel,
 * the ones it picks on a typical system here).
 */
#define MISC_MAJOR	     10
#define VFIO_CONTAINER_MINOR 196
#define VFIO_DEV_MAJOR	     247 /* /dev/vfio/devices/vfioN ("vfio-dev") */
#define VFIO_GROUP_MAJOR     248 /* /dev/vfio/N ("vfio") */

/* Old glibc stat entry points, no longer declared by the headers */
int __xstat(int ver, const char *path, struct stat *buf);
int __lxstat(int ver, const char *path, struct stat *buf);
int __fxstat(int ver, int fd, struct stat *buf);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *buf,
	       int flags);
int __xstat64(int ver, const char *path, struct stat64 *buf);
int __lxstat64(int ver, const char *path, struct stat64 *buf);
int __fxstat64(int ver, int fd, struct stat64 *buf);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *buf,
		 int flags);

/* Fortified entry points, only declared when _FORTIFY_SOURCE is on */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
ssize_t __read_chk(int fd, void *buf, size_t count, size_t buflen);
ssize_t __pread_chk(int fd, void *buf, size_t count, off_t offset,
		    size_t buflen);
ssize_t __pread64_chk(int fd, void *buf, size_t count, off64_t offset,
		      size_t buflen);

/*
 * The real libc functions, found with dlsym(RTLD_NEXT) on first use.
 * X(name, return type, parameter list)
 */
#define SHIM_REAL_LIST(X)                                                      \
	X(open, int, (const char *, int, ...))                                 \
	X(open64, int, (const char *, int, ...))                               \
	X(openat, int, (int, const char *, int, ...))                          \
	X(openat64, int, (int, const char *, int, ...))                        \
	X(__open_2, int, (const char *, int))                                  \
	X(__open64_2, int, (const char *, int))                                \
	X(__openat_2, int, (int, const char *, int))                           \
	X(__openat64_2, int, (int, const char *, int))                         \
	X(ioctl, int, (int, unsigned long, ...))                               \
	X(close, int, (int))                                                   \
	X(close_range, int, (unsigned int, unsigned int, int))                 \
	X(closefrom, void, (int))                                              \
	X(read, ssize_t, (int, void *, size_t))                                \
	X(write, ssize_t, (int, const void *, size_t))                         \
	X(readv, ssize_t, (int, const struct iovec *, int))                    \
	X(writev, ssize_t, (int, const struct iovec *, int))                   \
	X(__read_chk, ssize_t, (int, void *, size_t, size_t))                  \
	X(pread, ssize_t, (int, void *, size_t, off_t))                        \
	X(pread64, ssize_t, (int, void *, size_t, off64_t))                    \
	X(pwrite, ssize_t, (int, const void *, size_t, off_t))                 \
	X(pwrite64, ssize_t, (int, const void *, size_t, off64_t))             \
	X(__pread_chk, ssize_t, (int, void *, size_t, off_t, size_t))          \
	X(__pread64_chk, ssize_t, (int, void *, size_t, off64_t, size_t))      \
	X(preadv, ssize_t, (int, const struct iovec *, int, off_t))            \
	X(preadv64, ssize_t, (int, const struct iovec *, int, off64_t))        \
	X(pwritev, ssize_t, (int, const struct iovec *, int, off_t))           \
	X(pwritev64, ssize_t, (int, const struct iovec *, int, off64_t))       \
	X(preadv2, ssize_t, (int, const struct iovec *, int, off_t, int))      \
	X(preadv64v2, ssize_t, (int, const struct iovec *, int, off64_t, int)) \
	X(pwritev2, ssize_t, (int, const struct iovec *, int, off_t, int))     \
	X(pwritev64v2, ssize_t,                                                \
	  (int, const struct iovec *, int, off64_t, int))                      \
	X(dup, int, (int))                                                     \
	X(dup2, int, (int, int))                                               \
	X(dup3, int, (int, int, int))                                          \
	X(fcntl, int, (int, int, ...))                                         \
	X(fcntl64, int, (int, int, ...))                                       \
	X(mmap, void *, (void *, size_t, int, int, int, off_t))                \
	X(mmap64, void *, (void *, size_t, int, int, int, off64_t))            \
	X(munmap, int, (void *, size_t))                                       \
	X(sigaction, int, (int, const struct sigaction *, struct sigaction *)) \
	X(signal, sighandler_t, (int, sighandler_t))                           \
	X(stat, int, (const char *, struct stat *))                            \
	X(stat64, int, (const char *, struct stat64 *))                        \
	X(lstat, int, (const char *, struct stat *))                           \
	X(lstat64, int, (const char *, struct stat64 *))                       \
	X(fstat, int, (int, struct stat *))                                    \
	X(fstat64, int, (int, struct stat64 *))                                \
	X(fstatat, int, (int, const char *, struct stat *, int))               \
	X(fstatat64, int, (int, const char *, struct stat64 *, int))           \
	X(statx, int, (int, const char *, int, unsigned int, struct statx *))  \
	X(__xstat, int, (int, const char *, struct stat *))                    \
	X(__xstat64, int, (int, const char *, struct stat64 *))                \
	X(__lxstat, int, (int, const char *, struct stat *))                   \
	X(__lxstat64, int, (int, const char *, struct stat64 *))               \
	X(__fxstat, int, (int, int, struct stat *))                            \
	X(__fxstat64, int, (int, int, struct stat64 *))                        \
	X(__fxstatat, int, (int, int, const char *, struct stat *, int))       \
	X(__fxstatat64, int, (int, int, const char *, struct stat64 *, int))   \
	X(access, int, (const char *, int))                                    \
	X(faccessat, int, (int, const char *, int, int))                       \
	X(euidaccess, int, (const char *, int))                                \
	X(eaccess, int, (const char *, int))                                   \
	X(getxattr, ssize_t, (const char *, const char *, void *, size_t))     \
	X(lgetxattr, ssize_t, (const char *, const char *, void *, size_t))    \
	X(listxattr, ssize_t, (const char *, char *, size_t))                  \
	X(llistxattr, ssize_t, (const char *, char *, size_t))                 \
	X(opendir, DIR *, (const char *))                                      \
	X(realpath, char *, (const char *, char *))                            \
	X(fopen, FILE *, (const char *, const char *))                         \
	X(fopen64, FILE *, (const char *, const char *))                       \
	X(freopen, FILE *, (const char *, const char *, FILE *))               \
	X(freopen64, FILE *, (const char *, const char *, FILE *))             \
	X(fclose, int, (FILE *))                                               \
	X(sendmsg, ssize_t, (int, const struct msghdr *, int))                 \
	X(sendmmsg, int, (int, struct mmsghdr *, unsigned int, int))          \
	X(execve, int, (const char *, char *const[], char *const[]))           \
	X(execvpe, int, (const char *, char *const[], char *const[]))          \
	X(fexecve, int, (int, char *const[], char *const[]))

#define X(name, ret, args) typedef ret(*shim_##name##_fn) args;
SHIM_REAL_LIST(X)
#undef X

enum shim_real_id {
#define X(name, ret, args) SHIM_REAL_##name,
	SHIM_REAL_LIST(X)
#undef X
		SHIM_REAL_COUNT
};

/* Per-thread state; initial-exec so reading it never calls into libc */
struct shim_tls {
	int in_engine; /* inside an engine call: its libc calls go to libc */
	int resolving; /* inside dlsym: intercepted calls use raw syscalls */
};
extern __thread struct shim_tls shim_tls
	__attribute__((tls_model("initial-exec")));

extern void *shim_real_fn[SHIM_REAL_COUNT];
void *shim_resolve(enum shim_real_id id);

/*
 * The real function, or NULL while this thread is inside dlsym (or when libc
 * lacks it): the caller then falls back to the raw system call.
 */
static inline void *shim_real(enum shim_real_id id)
{
	void *fn = __atomic_load_n(&shim_real_fn[id], __ATOMIC_ACQUIRE);

	if (__builtin_expect(fn == NULL, 0))
		fn = shim_resolve(id);
	return fn == (void *)1 ? NULL : fn; /* 1: libc does not have it */
}

#define REAL(name) ((shim_##name##_fn)shim_real(SHIM_REAL_##name))

/* Set errno from a -errno result and return -1, as libc calls do */
static inline int shim_fail(long neg_errno)
{
	errno = (int)-neg_errno;
	return -1;
}

/*
 * Run an engine call with its own libc calls going straight to libc (the
 * engine is linked into the shim, so its close() or mmap() would otherwise
 * come back here), and with errno as the caller left it: the engine promises
 * not to touch errno, but the libc calls it makes may.
 */
#define ENGINE_CALL(expr)                        \
	({                                       \
		int __saved_errno = errno;       \
		shim_tls.in_engine++;            \
		__typeof__(expr) __res = (expr); \
		shim_tls.in_engine--;            \
		errno = __saved_errno;           \
		__res;                           \
	})

/*
 * Before the first call into an engine file: let the engine copy the
 * caller's memory without a system call (shim_signal.c)
 */
void shim_guard_faults(void);

/* The engine's kind of @fd, NONE for the engine's own libc calls */
static inline int shim_fd_kind(int fd)
{
	if (fd < 0 || shim_tls.in_engine)
		return UIOMMUFD_FD_NONE;
	return uiommufd_fd_kind(fd);
}

static inline bool shim_fd_ours(int fd)
{
	return shim_fd_kind(fd) != UIOMMUFD_FD_NONE;
}

/* Paths (shim_paths.c, shim_routes.c) */

#define SHIM_MATCH_MAX_ARGS 4

struct shim_route;

/* A path that names a served file, and the numbers its '#' fields held */
struct shim_match {
	const struct shim_route *route;
	unsigned int nr_args;
	unsigned long args[SHIM_MATCH_MAX_ARGS];
	bool dir_only; /* the path ended in '/', "." or "..": a directory */
	char path[PATH_MAX]; /* canonical absolute path */
};

/*
 * One served file. The pattern is an absolute canonical path in which '#'
 * stands for a decimal number (a group number, a thread id); the numbers
 * matched are handed to the handlers in the match.
 *
 * A route is one of three things:
 * - a node the shim makes up (mode set): a device such as /dev/iommu, or a
 *   kernel file such as fail-nth. stat, access and the VFS checks of open
 *   answer from the fields here; open calls the handler.
 * - a real file the shim rewrites (mode 0, no redirect): only open is
 *   served, by the handler; stat, access and xattrs are the real file's.
 * - a redirected path (redirect set): every call acts on the path the
 *   handler gives instead (a private directory standing in for debugfs).
 *   With subtree, the pattern (no '#' then) also covers every path below.
 */
struct shim_route {
	const char *pattern;
	mode_t mode;		 /* type and permission bits for stat */
	unsigned int rdev_major; /* device number of a character device */
	unsigned int rdev_minor;
	int fd_kind;  /* what open gives, for fstat; NONE if no file */
	bool subtree; /* the pattern covers the paths below it too */
	/* Optional extra test on a matching path (e.g. tid is ours) */
	bool (*match)(const struct shim_match *m);
	/* Returns a descriptor or -errno; flags already checked for type */
	int (*open)(const struct shim_match *m, int flags, mode_t mode);
	/* Optional: NULL fills stat from the fields above */
	int (*stat)(const struct shim_match *m, struct statx *stx);
	/* The path to act on instead: 0, or -errno */
	int (*redirect)(const struct shim_match *m, char *buf, size_t size);
};

extern const struct shim_route shim_routes[];
extern const unsigned int shim_nr_routes;

bool shim_disabled(void);
bool shim_path_lookup(int dirfd, const char *path, struct shim_match *m);
int shim_route_statx(const struct shim_match *m, struct statx *stx);
bool shim_fd_statx(int fd, int kind, struct statx *stx);
int shim_route_open(const struct shim_match *m, int flags, mode_t mode);
int shim_route_redirect(const struct shim_match *m, char *buf, size_t size);

/* A route the shim makes up: stat and access answer from the table */
static inline bool shim_route_node(const struct shim_route *route)
{
	return route->mode != 0;
}

/* shim_open.c: open @path if served; true with the result in *ret */
bool shim_open_served(int dirfd, const char *path, int flags, mode_t mode,
		      int *ret);

/* The private directory of stand-in files (shim_private.c) */
const char *shim_private_root(void);
void shim_rmtree_at(int parent, const char *name);
/* In a directory of it: a file with @text, a path of directories */
int shim_private_file(int dfd, const char *name, const char *text);
int shim_private_mkdirs(int dfd, const char *path);

/* Route handlers: /proc files (shim_proc.c), debugfs (shim_debugfs.c) */
int shim_proc_status_open(const struct shim_match *m, int flags, mode_t mode);
bool shim_fdinfo_match(const struct shim_match *m);
int shim_fdinfo_open(const struct shim_match *m, int flags, mode_t mode);
bool shim_fail_nth_match(const struct shim_match *m);
int shim_fail_nth_open(const struct shim_match *m, int flags, mode_t mode);
int shim_proc_stat(const struct shim_match *m, struct statx *stx);
ssize_t shim_fail_nth_read(int fd, void *buf, size_t count, const off64_t *pos);
bool shim_debugfs_match(const struct shim_match *m);
int shim_debugfs_redirect(const struct shim_match *m, char *buf, size_t size);

/* VFIO device nodes and the sysfs of emulated devices (shim_vfio.c) */
int shim_vfio_container_open(const struct shim_match *m, int flags,
			     mode_t mode);
bool shim_vfio_group_match(const struct shim_match *m);
int shim_vfio_group_open(const struct shim_match *m, int flags, mode_t mode);
int shim_vfio_group_stat(const struct shim_match *m, struct statx *stx);
bool shim_vfio_cdev_match(const struct shim_match *m);
int shim_vfio_cdev_open(const struct shim_match *m, int flags, mode_t mode);
int shim_vfio_cdev_stat(const struct shim_match *m, struct statx *stx);
bool shim_vfio_char_match(const struct shim_match *m);
int shim_vfio_char_open(const struct shim_match *m, int flags, mode_t mode);
int shim_vfio_char_stat(const struct shim_match *m, struct statx *stx);
bool shim_sysfs_match(const struct shim_match *m);
int shim_sysfs_redirect(const struct shim_match *m, char *buf, size_t size);
/* A path inside the stand-in tree made the path it mirrors: true if it was */
bool shim_sysfs_unredirect(char *path);

#endif /* UIOMMUFD_PRELOAD_SHIM_H */
