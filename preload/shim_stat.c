// SPDX-License-Identifier: MIT
/*
 * stat and access: a served path looks like the device node the kernel
 * would have, and so does fstat() of the descriptor opening it gave.
 *
 * Every entry point builds a struct statx (shim_paths.c fills it from the
 * route) and converts it to the caller's layout. Besides the current names,
 * glibc still exports the __xstat family that binaries built before glibc
 * 2.33 call; its version argument only ever selects the layout the caller's
 * own struct stat already has.
 */
#include "shim.h"

#include <string.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define SHIM_AT_STAT  (AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH)
#define SHIM_AT_STATX (SHIM_AT_STAT | AT_STATX_SYNC_TYPE)

/* The file a redirected path stands for: 1 when filled, or -1 */
static int shim_redirect_statx(const struct shim_match *m, int flags,
			       struct statx *stx)
{
	char path[PATH_MAX];
	int ret;

	ret = shim_route_redirect(m, path, sizeof(path));
	if (ret < 0)
		return shim_fail(ret);
	if (syscall(SYS_statx, AT_FDCWD, path, flags,
		    STATX_BASIC_STATS | STATX_BTIME, stx))
		return -1;
	return 1;
}

/*
 * Fill @stx if @dirfd and @path name a served file, or, for an empty path
 * with AT_EMPTY_PATH, if @dirfd is an engine descriptor that stats as one.
 * Returns 1 when filled, 0 when the real call answers, -1 with errno set.
 * Flags the kernel would refuse are left for the real call to refuse.
 */
static int shim_statx_served(int dirfd, const char *path, int flags,
			     int valid_flags, struct statx *stx)
{
	struct shim_match m;
	int kind, ret;

	if (flags & ~valid_flags)
		return 0;
	/* Linux 6.11 also takes a NULL path with AT_EMPTY_PATH */
	if ((!path || !path[0]) && (flags & AT_EMPTY_PATH)) {
		kind = shim_fd_kind(dirfd);
		return kind != UIOMMUFD_FD_NONE &&
		       shim_fd_statx(dirfd, kind, stx);
	}
	if (!shim_path_lookup(dirfd, path, &m))
		return 0;
	if (m.route->redirect)
		return shim_redirect_statx(&m, flags, stx);
	if (!shim_route_node(m.route))
		return 0; /* a real file: the real call answers */
	ret = shim_route_statx(&m, stx);
	return ret < 0 ? shim_fail(ret) : 1;
}

/* struct stat and struct stat64 have the same fields */
#define SHIM_STATX_TO_STAT(st, stx)                                            \
	do {                                                                   \
		memset(st, 0, sizeof(*(st)));                                  \
		(st)->st_dev =                                                 \
			makedev((stx)->stx_dev_major, (stx)->stx_dev_minor);   \
		(st)->st_ino = (stx)->stx_ino;                                 \
		(st)->st_mode = (stx)->stx_mode;                               \
		(st)->st_nlink = (stx)->stx_nlink;                             \
		(st)->st_uid = (stx)->stx_uid;                                 \
		(st)->st_gid = (stx)->stx_gid;                                 \
		(st)->st_rdev =                                                \
			makedev((stx)->stx_rdev_major, (stx)->stx_rdev_minor); \
		(st)->st_size = (off_t)(stx)->stx_size;                        \
		(st)->st_blksize = (blksize_t)(stx)->stx_blksize;              \
		(st)->st_blocks = (blkcnt_t)(stx)->stx_blocks;                 \
		(st)->st_atim.tv_sec = (stx)->stx_atime.tv_sec;                \
		(st)->st_atim.tv_nsec = (stx)->stx_atime.tv_nsec;              \
		(st)->st_mtim.tv_sec = (stx)->stx_mtime.tv_sec;                \
		(st)->st_mtim.tv_nsec = (stx)->stx_mtime.tv_nsec;              \
		(st)->st_ctim.tv_sec = (stx)->stx_ctime.tv_sec;                \
		(st)->st_ctim.tv_nsec = (stx)->stx_ctime.tv_nsec;              \
	} while (0)

static void shim_to_stat(const struct statx *stx, struct stat *st)
{
	SHIM_STATX_TO_STAT(st, stx);
}

static void shim_to_stat64(const struct statx *stx, struct stat64 *st)
{
	SHIM_STATX_TO_STAT(st, stx);
}

/* While dlsym runs, the real functions are not known: use statx(2) */
static int shim_sys_stat(int dirfd, const char *path, int flags,
			 struct stat *st)
{
	struct statx stx;

	if (syscall(SYS_statx, dirfd, path, flags, STATX_BASIC_STATS, &stx))
		return -1;
	shim_to_stat(&stx, st);
	return 0;
}

static int shim_sys_stat64(int dirfd, const char *path, int flags,
			   struct stat64 *st)
{
	struct statx stx;

	if (syscall(SYS_statx, dirfd, path, flags, STATX_BASIC_STATS, &stx))
		return -1;
	shim_to_stat64(&stx, st);
	return 0;
}

/*
 * One stat entry point: @name with @params, asking about (@dirfd, @path,
 * @flags), filling @buf of layout @sfx ("" or "64"), calling the real
 * function with @args.
 */
#define SHIM_STAT(name, sfx, params, dirfd, path, flags, args)               \
	SHIM_EXPORT int name params                                          \
	{                                                                    \
		shim_##name##_fn fn;                                         \
		struct statx stx;                                            \
		int served;                                                  \
                                                                             \
		served = shim_statx_served(dirfd, path, flags, SHIM_AT_STAT, \
					   &stx);                            \
		if (served > 0)                                              \
			shim_to_stat##sfx(&stx, buf);                        \
		if (served)                                                  \
			return served > 0 ? 0 : -1;                          \
		fn = REAL(name);                                             \
		return fn ? fn args                                          \
			  : shim_sys_stat##sfx(dirfd, path, flags, buf);     \
	}

SHIM_STAT(stat, , (const char *path, struct stat *buf), AT_FDCWD, path, 0,
	  (path, buf))
SHIM_STAT(stat64, 64, (const char *path, struct stat64 *buf), AT_FDCWD, path, 0,
	  (path, buf))
SHIM_STAT(lstat, , (const char *path, struct stat *buf), AT_FDCWD, path,
	  AT_SYMLINK_NOFOLLOW, (path, buf))
SHIM_STAT(lstat64, 64, (const char *path, struct stat64 *buf), AT_FDCWD, path,
	  AT_SYMLINK_NOFOLLOW, (path, buf))
SHIM_STAT(fstat, , (int fd, struct stat *buf), fd, "", AT_EMPTY_PATH, (fd, buf))
SHIM_STAT(fstat64, 64, (int fd, struct stat64 *buf), fd, "", AT_EMPTY_PATH,
	  (fd, buf))
SHIM_STAT(fstatat, , (int dirfd, const char *path, struct stat *buf, int flags),
	  dirfd, path, flags, (dirfd, path, buf, flags))
SHIM_STAT(fstatat64, 64,
	  (int dirfd, const char *path, struct stat64 *buf, int flags), dirfd,
	  path, flags, (dirfd, path, buf, flags))

/* The pre-2.33 names: the same with a layout version in front */
SHIM_STAT(__xstat, , (int ver, const char *path, struct stat *buf), AT_FDCWD,
	  path, 0, (ver, path, buf))
SHIM_STAT(__xstat64, 64, (int ver, const char *path, struct stat64 *buf),
	  AT_FDCWD, path, 0, (ver, path, buf))
SHIM_STAT(__lxstat, , (int ver, const char *path, struct stat *buf), AT_FDCWD,
	  path, AT_SYMLINK_NOFOLLOW, (ver, path, buf))
SHIM_STAT(__lxstat64, 64, (int ver, const char *path, struct stat64 *buf),
	  AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, (ver, path, buf))
SHIM_STAT(__fxstat, , (int ver, int fd, struct stat *buf), fd, "",
	  AT_EMPTY_PATH, (ver, fd, buf))
SHIM_STAT(__fxstat64, 64, (int ver, int fd, struct stat64 *buf), fd, "",
	  AT_EMPTY_PATH, (ver, fd, buf))
SHIM_STAT(__fxstatat, ,
	  (int ver, int dirfd, const char *path, struct stat *buf, int flags),
	  dirfd, path, flags, (ver, dirfd, path, buf, flags))
SHIM_STAT(__fxstatat64, 64,
	  (int ver, int dirfd, const char *path, struct stat64 *buf, int flags),
	  dirfd, path, flags, (ver, dirfd, path, buf, flags))

SHIM_EXPORT int statx(int dirfd, const char *path, int flags, unsigned int mask,
		      struct statx *buf)
{
	shim_statx_fn fn;
	struct statx stx;
	int served = 0;

	/* Invalid requests are refused by the real call */
	if (!(mask & STATX__RESERVED) &&
	    (flags & AT_STATX_SYNC_TYPE) != AT_STATX_SYNC_TYPE)
		served = shim_statx_served(dirfd, path, flags, SHIM_AT_STATX,
					   &stx);
	if (served > 0)
		*buf = stx;
	if (served)
		return served > 0 ? 0 : -1;
	fn = REAL(statx);
	if (fn)
		return fn(dirfd, path, flags, mask, buf);
	return (int)syscall(SYS_statx, dirfd, path, flags, mask, buf);
}

static int shim_sys_faccessat(int dirfd, const char *path, int mode, int flags)
{
	if (!flags)
		return (int)syscall(SYS_faccessat, dirfd, path, mode);
#ifdef SYS_faccessat2
	return (int)syscall(SYS_faccessat2, dirfd, path, mode, flags);
#else
	return shim_fail(-ENOSYS);
#endif
}

/*
 * access() of a served path. The shim serves its nodes to any user, so
 * reading and writing are allowed; executing needs an x bit the node lacks.
 * A redirected path is checked where it leads.
 * True with the result in *ret when @path is served.
 */
static bool shim_access_served(int dirfd, const char *path, int mode, int flags,
			       int *ret)
{
	struct shim_match m;

	if ((mode & ~(R_OK | W_OK | X_OK)) ||
	    (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)))
		return false;
	if (!shim_path_lookup(dirfd, path, &m))
		return false;
	if (m.route->redirect) {
		char real[PATH_MAX];
		int err = shim_route_redirect(&m, real, sizeof(real));

		*ret = err < 0 ? shim_fail(err)
			       : shim_sys_faccessat(AT_FDCWD, real, mode,
						    flags);
		return true;
	}
	if (!shim_route_node(m.route))
		return false;
	if ((mode & X_OK) && !(m.route->mode & 0111))
		*ret = shim_fail(-EACCES);
	else
		*ret = 0;
	return true;
}

SHIM_EXPORT int access(const char *path, int mode)
{
	shim_access_fn fn;
	int ret;

	if (shim_access_served(AT_FDCWD, path, mode, 0, &ret))
		return ret;
	fn = REAL(access);
	return fn ? fn(path, mode)
		  : shim_sys_faccessat(AT_FDCWD, path, mode, 0);
}

SHIM_EXPORT int faccessat(int dirfd, const char *path, int mode, int flags)
{
	shim_faccessat_fn fn;
	int ret;

	if (shim_access_served(dirfd, path, mode, flags, &ret))
		return ret;
	fn = REAL(faccessat);
	return fn ? fn(dirfd, path, mode, flags)
		  : shim_sys_faccessat(dirfd, path, mode, flags);
}

SHIM_EXPORT int euidaccess(const char *path, int mode)
{
	shim_euidaccess_fn fn;
	int ret;

	if (shim_access_served(AT_FDCWD, path, mode, AT_EACCESS, &ret))
		return ret;
	fn = REAL(euidaccess);
	return fn ? fn(path, mode)
		  : shim_sys_faccessat(AT_FDCWD, path, mode, AT_EACCESS);
}

SHIM_EXPORT int eaccess(const char *path, int mode)
{
	shim_eaccess_fn fn;
	int ret;

	if (shim_access_served(AT_FDCWD, path, mode, AT_EACCESS, &ret))
		return ret;
	fn = REAL(eaccess);
	return fn ? fn(path, mode)
		  : shim_sys_faccessat(AT_FDCWD, path, mode, AT_EACCESS);
}
