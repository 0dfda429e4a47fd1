// SPDX-License-Identifier: MIT
/*
 * The engine's side of the kernel files a program reads to watch iommufd:
 * the per-thread fail-nth fault injection file and the pinned-memory lines
 * of /proc/<pid>/status.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uiommufd/uiommufd.h>

#include "../lib/uaccess.h"
#include "../lib/util.h"
#include "../mm/account.h"
#include "file.h"

static ssize_t fail_nth_read(struct iommufd_file *file, void *buf, size_t count)
{
	char tmp[16];
	int n = snprintf(tmp, sizeof(tmp), "%u\n", uiommufd_fail_nth_get());

	(void)file;
	if (count > (size_t)n)
		count = (size_t)n;
	if (copy_to_user(buf, tmp, count))
		return -EFAULT;
	return (ssize_t)count;
}

static ssize_t fail_nth_write(struct iommufd_file *file, const void *buf,
			      size_t count)
{
	char tmp[16] = {};
	unsigned long v;
	char *end;

	(void)file;
	if (!count || count >= sizeof(tmp))
		return -EINVAL;
	if (copy_from_user(tmp, buf, count))
		return -EFAULT;
	v = strtoul(tmp, &end, 0);
	if (end == tmp || (*end && *end != '\n') || v > UINT32_MAX)
		return -EINVAL;
	uiommufd_fail_nth_set((unsigned int)v);
	return (ssize_t)count;
}

static const struct iommufd_file_ops fail_nth_fops = {
	.kind = UIOMMUFD_FD_FAIL_NTH,
	.read = fail_nth_read,
	.write = fail_nth_write,
	.any_offset = true,
};

UFD_EXPORT int uiommufd_fail_nth_open(int flags)
{
	return iommufd_file_create(&fail_nth_fops, NULL, false, flags, NULL);
}

UFD_EXPORT int uiommufd_proc_counters(pid_t pid, long *vm_pinned_kb,
				      long *vm_locked_kb)
{
	struct ufd_acct_proc_stat st;

	ufd_acct_proc_stat(pid, &st);
	*vm_pinned_kb = st.pinned_vm * (long)(PAGE_SIZE / 1024);
	*vm_locked_kb = st.locked_vm * (long)(PAGE_SIZE / 1024);
	return 0;
}
