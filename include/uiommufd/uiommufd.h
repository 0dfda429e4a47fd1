/* SPDX-License-Identifier: MIT */
/*
 * uiommufd - the Linux iommufd subsystem in user space.
 *
 * This is the C API of the engine. It speaks the kernel's iommufd uAPI
 * (<uiommufd/iommufd.h>, ABI-identical to <linux/iommufd.h>): a program opens
 * a context with uiommufd_open() instead of open("/dev/iommu"), then issues
 * the very same ioctls through uiommufd_ioctl().
 *
 * Every file the engine hands out (the iommufd itself and the files it
 * creates: access, fault queue, vEVENTQ, dma-buf) is a real file descriptor of
 * the process, so it can be polled, passed to select()/epoll and closed
 * through this API. Its meaning is held by the engine: read, write, ioctl,
 * mmap and close go through the calls below (the LD_PRELOAD shim routes the
 * libc calls here for unmodified programs).
 *
 * Conventions: calls return a non-negative value on success and a negative
 * errno on failure (like liburing); they never touch errno.
 */
#ifndef UIOMMUFD_UIOMMUFD_H
#define UIOMMUFD_UIOMMUFD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UIOMMUFD_VERSION_MAJOR 0
#define UIOMMUFD_VERSION_MINOR 1

/* What kind of engine file a descriptor refers to (uiommufd_fd_kind()). */
enum uiommufd_fd_kind {
	UIOMMUFD_FD_NONE = 0,	 /* not a uiommufd file */
	UIOMMUFD_FD_IOMMUFD = 1, /* an open /dev/iommu */
	UIOMMUFD_FD_ACCESS = 2,	 /* IOMMU_TEST_OP_CREATE_ACCESS */
	UIOMMUFD_FD_FAULT = 3,	 /* IOMMU_FAULT_QUEUE_ALLOC */
	UIOMMUFD_FD_VEVENTQ = 4, /* IOMMU_VEVENTQ_ALLOC */
	UIOMMUFD_FD_DMABUF = 5,	 /* IOMMU_TEST_OP_DMABUF_GET */
	UIOMMUFD_FD_VFIO = 6,	 /* /dev/vfio/vfio (a container on an IOAS) */
	UIOMMUFD_FD_VFIO_GROUP = 7,
	UIOMMUFD_FD_VFIO_DEVICE = 8,
	UIOMMUFD_FD_FAIL_NTH = 9, /* uiommufd_fail_nth_open() */
};

/**
 * uiommufd_open() - open a new iommufd context
 * @flags: open(2) flags; only O_CLOEXEC is meaningful, access mode ignored
 *
 * The same as open("/dev/iommu", O_RDWR | flags) on a kernel with iommufd.
 * Returns the descriptor or -errno.
 */
int uiommufd_open(int flags);

/**
 * uiommufd_ioctl() - issue an ioctl on a uiommufd file
 * @fd: a descriptor for which uiommufd_fd_kind() is not UIOMMUFD_FD_NONE
 * @request: the ioctl number (IOMMU_*, VFIO_* ...)
 * @arg: the ioctl argument: a pointer to the command struct, or a plain
 *       integer for the VFIO calls that take one
 *
 * Returns the ioctl's non-negative result or -errno, exactly as the kernel's
 * iommufd would answer (ENOTTY for an unknown number).
 */
long uiommufd_ioctl(int fd, unsigned long request, unsigned long arg);

/**
 * uiommufd_read() - read(2) on a uiommufd file
 *
 * A fault queue or vEVENTQ gives whole records; a VFIO device file reads
 * the region at the descriptor's position, which advances.
 */
ssize_t uiommufd_read(int fd, void *buf, size_t count);

/** uiommufd_write() - write(2) on a uiommufd file (fault responses, VFIO
 * regions). */
ssize_t uiommufd_write(int fd, const void *buf, size_t count);

/**
 * uiommufd_pread() - pread(2) on a uiommufd file
 *
 * For a VFIO device file, @offset selects the region (index << 40) and the
 * place in it. Files without a position (fault queues ...) answer -ESPIPE.
 */
ssize_t uiommufd_pread(int fd, void *buf, size_t count, off_t offset);

/** uiommufd_pwrite() - pwrite(2) on a uiommufd file */
ssize_t uiommufd_pwrite(int fd, const void *buf, size_t count, off_t offset);

/**
 * uiommufd_mmap() - mmap(2) on a uiommufd file
 * @out: receives the mapped address on success
 *
 * Returns 0 or -errno.
 */
int uiommufd_mmap(void *addr, size_t length, int prot, int flags, int fd,
		  off_t offset, void **out);

/**
 * uiommufd_munmap() - tell the engine [@addr, @addr + @length) was unmapped
 *
 * Mappings the engine made hold state, as the kernel's VMAs do: a mapping
 * made with uiommufd_mmap() of an iommufd region (a vIOMMU's) keeps its
 * vIOMMU and its iommufd alive until it is unmapped, and a register BAR
 * maps PROT_NONE with its accesses trapped (SIGSEGV) to the device, which
 * must stop once the range is unmapped or mapped over. Call this after
 * every successful munmap(2) and mmap(MAP_FIXED) while uiommufd_mmap_live()
 * says such a mapping exists (the shim does). Returns 0.
 */
int uiommufd_munmap(void *addr, size_t length);
/** uiommufd_mmap_live() - does a mapping uiommufd_munmap() tracks exist? */
int uiommufd_mmap_live(void);

/**
 * uiommufd_sigaction() - the program's sigaction(2), when the engine has
 * taken SIGSEGV (or SIGBUS) over
 *
 * Once a register BAR is mapped, the engine's SIGSEGV handler serves the
 * BAR accesses (after uiommufd_guard_faults(), its SIGSEGV and SIGBUS
 * handler also the guarded copy's faults) and passes every other fault to
 * the program's action: the
 * one in place when it was installed, or the one given here later. Returns
 * 1 when @sig is taken over (@act recorded, @oldact filled: the real
 * sigaction() must not be called), 0 when the caller should do the real
 * call. With an @act, the engine's handler is also put back in place if a
 * direct sigaction() replaced it (that action is then lost: pass it here).
 */
int uiommufd_sigaction(int sig, const struct sigaction *act,
		       struct sigaction *oldact);

/**
 * uiommufd_guard_faults() - copy the caller's memory without a system call
 *
 * The program promises that from now on every sigaction(2) (and signal(2))
 * of SIGSEGV and SIGBUS goes through uiommufd_sigaction(). The engine then
 * installs its handler for both and copies ioctl arguments and access
 * data anywhere in the process with a copy whose fault it turns into
 * EFAULT, as the kernel's copy_from_user() does; other faults go to the
 * program's actions. A thread with either signal blocked still gets the
 * slower, system-call copy. The shim makes this call itself. Returns 0,
 * -EOPNOTSUPP when this build has no such copy (other than x86-64, or
 * built with a sanitizer), or -errno of sigaction(2).
 */
int uiommufd_guard_faults(void);

/**
 * uiommufd_close() - close a uiommufd descriptor
 *
 * Closes @fd. When it was the last descriptor of its file, the file is
 * released, as the kernel releases a file on its last close: for an iommufd
 * every object in it is destroyed, leaves first.
 */
int uiommufd_close(int fd);

/**
 * uiommufd_fd_dup() - tell the engine that @newfd now refers to @oldfd's file
 *
 * For dup(2)/dup2(2)/dup3(2)/fcntl(F_DUPFD*) done by the caller on a uiommufd
 * descriptor: the file then stays open until both descriptors are closed.
 * If @newfd referred to another uiommufd file before, call uiommufd_close()
 * on it first.
 */
int uiommufd_fd_dup(int oldfd, int newfd);

/**
 * uiommufd_fd_forget() - @fd is about to be closed by other means
 *
 * For a descriptor the caller's libc closes itself (fclose(3) of a stream
 * on it closes the descriptor without calling close(2)): the engine lets
 * go of @fd, releasing the file if it was the last descriptor, but leaves
 * the descriptor open for the caller to close right after. Returns 0, or
 * -EBADF if @fd is not ours.
 */
int uiommufd_fd_forget(int fd);

/**
 * uiommufd_fd_share() - another process is about to get @fd
 *
 * For a descriptor of an iommufd the caller sends with SCM_RIGHTS (or
 * hands to a child it starts with posix_spawn(3) or vfork(2), which run
 * no fork handlers): the engine serves the context to the processes that
 * receive it. fork(2) needs no call. The preload shim calls it from
 * sendmsg(2). Returns 0, -EBADF if @fd is not ours, -EINVAL if it is not
 * an iommufd, -ENOMEM or -EAGAIN.
 */
int uiommufd_fd_share(int fd);

/**
 * uiommufd_exec_prepare() - the process is about to execve(2)
 *
 * The engine lives in the memory an exec replaces. A file with no state
 * yet, whose descriptor is not close-on-exec, can still be kept: an
 * iommufd with no object and a VFIO cdev not bound (what libvirt opens for
 * the QEMU it starts). Writes their list to @buf (at most @size bytes with
 * the terminating NUL) for the new image's uiommufd_exec_restore(), which
 * finds it in the environment variable UIOMMUFD_EXEC_FILES. Other files
 * reach the new image as bare descriptors the engine does not serve.
 * Returns the list's length (0: nothing kept) or -EINVAL. The preload
 * shim calls it from execve(2) and its relatives.
 */
int uiommufd_exec_prepare(char *buf, size_t size);

/** uiommufd_exec_failed() - the execve(2) after uiommufd_exec_prepare()
 * failed: the process goes on with its files as they were */
void uiommufd_exec_failed(void);

/**
 * uiommufd_exec_restore() - make the files kept over execve(2) again
 *
 * In the new image, with the list uiommufd_exec_prepare() wrote (NULL:
 * nothing to do): each descriptor becomes the file it was, empty as it
 * was. An entry whose descriptor is not what the list says (the list is
 * part of the environment) is left alone. Returns the number of
 * descriptors restored. The preload shim calls it at load time.
 */
int uiommufd_exec_restore(const char *list);

/** uiommufd_fd_kind() - enum uiommufd_fd_kind of @fd (UIOMMUFD_FD_NONE if not
 * ours) */
int uiommufd_fd_kind(int fd);

/**
 * uiommufd_fd_devnode() - the device node @fd was opened through
 * @buf: receives a path such as "/dev/vfio/3" or "/dev/vfio/devices/vfio0"
 *
 * For fstat(2) of the file. Returns 0, or -ENOENT for a file that is not a
 * device node's (an anonymous file: access, fault queue, a VFIO device
 * from its group ...), -EBADF if @fd is not ours.
 */
int uiommufd_fd_devnode(int fd, char *buf, size_t size);

/*
 * VFIO. The same calls as on the kernel's files, once opened:
 * uiommufd_vfio_open() is open("/dev/vfio/vfio") (the container, an
 * iommufd that also answers the type1 container ioctls),
 * uiommufd_vfio_group_open() open("/dev/vfio/<name>") and
 * uiommufd_vfio_cdev_open() open("/dev/vfio/devices/vfio<index>"). Each
 * returns the descriptor or -errno (-ENOENT when there is no such group or
 * device, -EBUSY when the group file or a device's cdev excludes it).
 */
int uiommufd_vfio_open(int flags);
int uiommufd_vfio_group_open(const char *name, int flags);
int uiommufd_vfio_cdev_open(unsigned int index, int flags);

/*
 * Emulated devices: PCI functions that do DMA through the software IOMMU
 * (or, with "noiommu", untranslated), served through VFIO.
 *
 * uiommufd_devices_add() creates the devices of a list such as
 * "udma;udma,group=101;udma,noiommu" (see uiommufd-run(1) for the
 * syntax); the environment variable UIOMMUFD_DEVICES gives the list a
 * process starts with. Returns 0 or -errno (-EINVAL for a bad list: then
 * none is created).
 */
int uiommufd_devices_add(const char *list);

/* One emulated device, as sysfs shows it */
struct uiommufd_device_info {
	char name[32];		  /* PCI address, "DDDD:BB:DD.F" */
	char model[16];		  /* "udma" ... */
	unsigned int group;	  /* IOMMU group number */
	unsigned int group_minor; /* minor of /dev/vfio/<group> */
	/*
	 * N of /dev/vfio/devices/vfioN, -1: none (a no-IOMMU device has one,
	 * noiommu-vfioN, only with UIOMMUFD_EXPERIMENTAL=noiommu)
	 */
	int vfio_index;
	int noiommu; /* not behind an IOMMU: group "noiommu-N" */
	uint16_t vendor, device;
	uint16_t subsystem_vendor, subsystem_device;
	uint32_t class_code;
	uint8_t revision;
	uint8_t irq;
	unsigned int config_size;
	struct {
		uint64_t start, end, flags;
	} resource[6]; /* BARs, as the lines of sysfs "resource" */
};

/**
 * uiommufd_device_info() - describe the @n th emulated device (from 0)
 *
 * Returns 0, or -ENOENT past the last one.
 */
int uiommufd_device_info(unsigned int n, struct uiommufd_device_info *info);

/**
 * uiommufd_iotlb_strict() - check every IOTLB hit against the page tables
 * @on: 1 turns strict mode on, 0 off, -1 only asks
 *
 * With strict mode on, a DMA that a nested domain's IOTLB translates is
 * also walked through the tables as they are now; when they no longer
 * agree (another page, another permission, or a fault), the DMA still uses
 * the cached entry, as hardware would, and the engine reports the use: a
 * stale_iotlb trace event, or a line on stderr when the trace is off,
 * naming the invalidation the guest did not issue. The environment sets
 * the initial mode (UIOMMUFD_IOTLB_STRICT=1, uiommufd-run --iotlb-strict).
 * Returns whether strict mode was on before the call.
 */
bool uiommufd_iotlb_strict(int on);

/**
 * uiommufd_iotlb_stale_count() - stale IOTLB uses strict mode reported
 *
 * The number of DMA translations, since the process started, that used an
 * IOTLB entry its tables no longer agreed with, while strict mode was on.
 */
uint64_t uiommufd_iotlb_stale_count(void);

/**
 * uiommufd_fail_nth_set() - per-thread fault injection, as /proc/self/fail-nth
 * @nth: the nth failable point reached by this thread fails (0 disables)
 *
 * Every allocation and pin of the engine is a failable point. After the
 * failure fired, uiommufd_fail_nth_get() returns 0; before it, the number of
 * points still to pass.
 */
void uiommufd_fail_nth_set(unsigned int nth);
unsigned int uiommufd_fail_nth_get(void);

/**
 * uiommufd_fail_nth_absorbed() - the injected failure fired, and did not fail
 *
 * True when, since the last uiommufd_fail_nth_set(), the injected failure
 * fired where the kernel itself takes an error as "try another way" (an
 * attach to an IOAS takes EINVAL from an existing automatic domain as "does
 * not suit the device" and makes a new domain): the call may then succeed.
 * A fault-injection harness checks "a fired failure fails its call" only
 * when this is false.
 */
bool uiommufd_fail_nth_absorbed(void);

/**
 * uiommufd_fail_nth_open() - a file that reads and writes the fail-nth value
 *
 * The engine's counterpart of /proc/thread-self/fail-nth: read(2) gives the
 * value of the calling thread as "N\n", write(2) of a decimal number sets it
 * (0 disables). The file position is ignored, so pread/pwrite at any offset
 * work the same. Returns the descriptor or -errno.
 */
int uiommufd_fail_nth_open(int flags);

/**
 * uiommufd_proc_counters() - the engine's share of /proc/<pid>/status
 * @pid: a process of the calling user
 * @vm_pinned_kb: VmPin the engine adds for @pid (pages pinned for DMA)
 * @vm_locked_kb: VmLck the engine adds for @pid (pins charged the VFIO way)
 *
 * The kernel shows pinned-memory accounting in /proc/<pid>/status; the
 * engine keeps it per user across processes, and the shim adds it to what
 * the kernel reports. Returns 0.
 */
int uiommufd_proc_counters(pid_t pid, long *vm_pinned_kb, long *vm_locked_kb);

/**
 * uiommufd_dump() - write a description of a context to @out_fd
 * @fd: an iommufd descriptor
 * @out_fd: where to write (text, one object or range per line)
 *
 * The object graph (IDs, types, users counts, links), each IOAS's areas,
 * allowed and reserved ranges, and the pinned-page accounting. Meant for
 * tools (uiommufdctl) and debugging; the format is documented in
 * docs/introspection.md.
 */
int uiommufd_dump(int fd, int out_fd);

/**
 * uiommufd_fdinfo() - what the engine adds to /proc/<pid>/fdinfo/<fd>
 * @fd: a uiommufd descriptor
 * @out_fd: where to write the lines
 *
 * The shim appends these lines to the kernel's fdinfo text of the
 * descriptor: for an iommufd (or a VFIO container) the object graph as
 * uiommufd_dump() gives it, its first line prefixed "uiommufd-"; for a
 * VFIO device the kernel's "vfio-device-syspath:" line and what it is
 * bound to. Returns 0, or -EBADF if @fd is not ours.
 */
int uiommufd_fdinfo(int fd, int out_fd);

#ifdef __cplusplus
}
#endif

#endif /* UIOMMUFD_UIOMMUFD_H */
