// SPDX-License-Identifier: MIT
/*
 * The selftest's emulated device: an access on an IOAS, behind a file
 * descriptor (closing it destroys the access), with a list of the ranges it
 * pinned so the unmap callback can let them go.
 */
#include <fcntl.h>

#include <uiommufd/uiommufd.h>

#include "../fs/file.h"
#include "../mm/vma.h"
#include "selftest_private.h"

struct selftest_access {
	struct iommufd_access *access;
	/* Made with MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES */
	bool needs_pin;
	struct iommufd_file *file;
	struct mutex lock;
	struct list_head items;
	unsigned int next_id;
};

struct selftest_access_item {
	struct list_head items_elm;
	unsigned long iova;
	size_t length;
	unsigned int id;
};

static void staccess_release(struct iommufd_file *file);

static const struct iommufd_file_ops staccess_fops = {
	.kind = UIOMMUFD_FD_ACCESS,
	.release = staccess_release,
};

/*
 * The access behind the caller's fd, holding a file reference (drop with
 * file_put). A client's number names a descriptor of the client's, not
 * one of the owner's (docs/multiprocess.md): an access is never sent to
 * another process, so a client holds one only as a forked child does.
 */
static struct selftest_access *iommufd_access_get(int fd)
{
	struct iommufd_file *file = iommufd_file_get(fd);

	/* A client's number is ours only if it inherited our descriptor */
	if (file && !ufd_caller_fd_is_ours(fd)) {
		iommufd_file_put(file);
		file = NULL;
	}
	if (!file)
		return ERR_PTR(-EBADFD);
	if (file->ops != &staccess_fops) {
		iommufd_file_put(file);
		return ERR_PTR(-EBADFD);
	}
	return file->private_data;
}

static void iommufd_test_access_unmap(void *data, unsigned long iova,
				      unsigned long length)
{
	unsigned long iova_last = iova + length - 1;
	struct selftest_access *staccess = data;
	struct selftest_access_item *item, *tmp;

	mutex_lock(&staccess->lock);
	list_for_each_entry_safe (item, tmp, &staccess->items, items_elm) {
		if (iova > item->iova + item->length - 1 ||
		    iova_last < item->iova)
			continue;
		list_del(&item->items_elm);
		iommufd_access_unpin_pages(staccess->access, item->iova,
					   item->length);
		ufd_free(item);
	}
	mutex_unlock(&staccess->lock);
}

static const struct iommufd_access_ops selftest_access_ops_pin = {
	.needs_pin_pages = true,
	.unmap = iommufd_test_access_unmap,
};

static const struct iommufd_access_ops selftest_access_ops = {
	.unmap = iommufd_test_access_unmap,
};

int iommufd_test_access_item_destroy(struct iommufd_ucmd *ucmd,
				     unsigned int access_id,
				     unsigned int item_id)
{
	struct selftest_access_item *item;
	struct selftest_access *staccess;

	(void)ucmd;
	staccess = iommufd_access_get((int)access_id);
	if (IS_ERR(staccess))
		return (int)PTR_ERR(staccess);

	mutex_lock(&staccess->lock);
	list_for_each_entry (item, &staccess->items, items_elm) {
		if (item->id == item_id) {
			list_del(&item->items_elm);
			iommufd_access_unpin_pages(staccess->access, item->iova,
						   item->length);
			mutex_unlock(&staccess->lock);
			ufd_free(item);
			iommufd_file_put(staccess->file);
			return 0;
		}
	}
	mutex_unlock(&staccess->lock);
	iommufd_file_put(staccess->file);
	return -ENOENT;
}

static void staccess_release(struct iommufd_file *file)
{
	struct selftest_access *staccess = file->private_data;

	if (staccess->access) {
		iommufd_test_access_unmap(staccess, 0, ULONG_MAX);
		iommufd_access_destroy(staccess->access);
	}
	mutex_destroy(&staccess->lock);
	ufd_free(staccess);
}

int iommufd_test_create_access(struct iommufd_ucmd *ucmd, unsigned int ioas_id,
			       unsigned int flags)
{
	struct iommu_test_cmd *cmd = ucmd->cmd;
	struct selftest_access *staccess;
	struct iommufd_access *access;
	uint32_t id;
	int fd;
	int rc;

	if (flags & ~MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES)
		return -EOPNOTSUPP;

	staccess = ufd_new(struct selftest_access);
	if (!staccess)
		return -ENOMEM;
	INIT_LIST_HEAD(&staccess->items);
	mutex_init(&staccess->lock);
	staccess->needs_pin = flags & MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES;

	access = iommufd_access_create(
		ucmd->ictx,
		(flags & MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES)
			? &selftest_access_ops_pin
			: &selftest_access_ops,
		staccess, &id);
	if (IS_ERR(access)) {
		rc = (int)PTR_ERR(access);
		goto out_free_staccess;
	}
	rc = iommufd_access_attach(access, ioas_id);
	if (rc)
		goto out_destroy;

	/* From here the file owns staccess; closing it undoes everything */
	staccess->access = access;
	fd = iommufd_file_alloc(&staccess_fops, staccess, false, O_CLOEXEC,
				&staccess->file);
	if (fd < 0) {
		rc = fd;
		staccess->access = NULL;
		goto out_destroy;
	}
	cmd->create_access.out_access_fd = (uint32_t)fd;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc) {
		iommufd_file_discard(fd);
		return rc;
	}
	/* Last, as fd_install(): the number is usable once all is built */
	iommufd_file_install(fd);
	return 0;

out_destroy:
	iommufd_access_destroy(access);
out_free_staccess:
	mutex_destroy(&staccess->lock);
	ufd_free(staccess);
	return rc;
}

int iommufd_test_access_replace_ioas(struct iommufd_ucmd *ucmd,
				     unsigned int access_id,
				     unsigned int ioas_id)
{
	struct selftest_access *staccess;
	int rc;

	(void)ucmd;
	staccess = iommufd_access_get((int)access_id);
	if (IS_ERR(staccess))
		return (int)PTR_ERR(staccess);
	rc = iommufd_access_replace(staccess->access, ioas_id);
	iommufd_file_put(staccess->file);
	return rc;
}

/* The pinned pages must be the very pages the user VA reaches */
static int iommufd_test_check_pages(void *uptr, uintptr_t *pages, size_t npages)
{
	struct ufd_vma_cache user = {0}, engine = {0};

	for (; npages; npages--) {
		uintptr_t page = ALIGN_DOWN((uintptr_t)uptr, PAGE_SIZE), end;
		struct ufd_vma vma;

		/* As get_user_pages_fast(): a page ending past the top wraps */
		if (check_add_overflow(page, (uintptr_t)PAGE_SIZE, &end))
			return -EOVERFLOW;
		if (ufd_vma_lookup_cached(&user, (uintptr_t)uptr, &vma))
			return -EFAULT;
		if (!ufd_same_page(&user, (uintptr_t)uptr, &engine, *pages))
			return -EBADE;
		pages++;
		uptr = uptr_add(uptr, PAGE_SIZE);
	}
	return 0;
}

int iommufd_test_access_pages(struct iommufd_ucmd *ucmd, unsigned int access_id,
			      unsigned long iova, size_t length, void *uptr,
			      uint32_t flags)
{
	struct iommu_test_cmd *cmd = ucmd->cmd;
	struct selftest_access_item *item;
	struct selftest_access *staccess;
	uintptr_t *pages;
	size_t npages;
	int rc;

	/* A bound like the kernel's, for fuzzers */
	if (length > 16 * 1024 * 1024)
		return -ENOMEM;
	if (flags & ~(MOCK_FLAGS_ACCESS_WRITE | MOCK_FLAGS_ACCESS_SYZ))
		return -EOPNOTSUPP;

	staccess = iommufd_access_get((int)access_id);
	if (IS_ERR(staccess))
		return (int)PTR_ERR(staccess);

	if (!staccess->needs_pin) {
		rc = -EOPNOTSUPP;
		goto out_put;
	}
	if (flags & MOCK_FLAGS_ACCESS_SYZ)
		iova = iommufd_access_syz_conv_iova(staccess->access,
						    &cmd->access_pages.iova);

	npages = (ALIGN_UP(iova + length, PAGE_SIZE) -
		  ALIGN_DOWN(iova, PAGE_SIZE)) /
		 PAGE_SIZE;
	pages = ufd_zalloc(npages * sizeof(*pages));
	if (!pages) {
		rc = -ENOMEM;
		goto out_put;
	}

	/*
	 * Unmaps must not return until the range is unpinned, so pins and
	 * the unmap callback are serialised by one lock here.
	 */
	mutex_lock(&staccess->lock);
	rc = iommufd_access_pin_pages(staccess->access, iova, length, pages,
				      flags & MOCK_FLAGS_ACCESS_WRITE);
	if (rc)
		goto out_unlock;

	/* A NULL uptr skips the check, for fuzzers */
	if (uptr) {
		rc = iommufd_test_check_pages(
			uptr_add(uptr, -(iova - ALIGN_DOWN(iova, PAGE_SIZE))),
			pages, npages);
		if (rc)
			goto out_unaccess;
	}

	item = ufd_new(struct selftest_access_item);
	if (!item) {
		rc = -ENOMEM;
		goto out_unaccess;
	}
	item->iova = iova;
	item->length = length;
	item->id = staccess->next_id++;
	list_add_tail(&item->items_elm, &staccess->items);

	cmd->access_pages.out_access_pages_id = item->id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_free_item;
	goto out_unlock;

out_free_item:
	list_del(&item->items_elm);
	ufd_free(item);
out_unaccess:
	iommufd_access_unpin_pages(staccess->access, iova, length);
out_unlock:
	mutex_unlock(&staccess->lock);
	ufd_free(pages);
out_put:
	iommufd_file_put(staccess->file);
	return rc;
}

int iommufd_test_access_rw(struct iommufd_ucmd *ucmd, unsigned int access_id,
			   unsigned long iova, size_t length, void *ubuf,
			   unsigned int flags)
{
	struct iommu_test_cmd *cmd = ucmd->cmd;
	struct selftest_access *staccess;
	void *tmp;
	int rc;

	if (length > 16 * 1024 * 1024)
		return -ENOMEM;
	if (flags & ~(MOCK_ACCESS_RW_WRITE | MOCK_ACCESS_RW_SLOW_PATH |
		      MOCK_FLAGS_ACCESS_SYZ))
		return -EOPNOTSUPP;

	staccess = iommufd_access_get((int)access_id);
	if (IS_ERR(staccess))
		return (int)PTR_ERR(staccess);

	/*
	 * The kernel's is zeroed, which nobody sees: a write fills it from
	 * the caller, a read from the pages, or the op fails unread
	 */
	tmp = ufd_alloc(length);
	if (!tmp) {
		rc = -ENOMEM;
		goto out_put;
	}
	if (flags & MOCK_ACCESS_RW_WRITE) {
		if (copy_from_user(tmp, ubuf, length)) {
			rc = -EFAULT;
			goto out_free;
		}
	}
	if (flags & MOCK_FLAGS_ACCESS_SYZ)
		iova = iommufd_access_syz_conv_iova(staccess->access,
						    &cmd->access_rw.iova);

	rc = iommufd_access_rw(staccess->access, iova, tmp, length, flags);
	if (rc)
		goto out_free;
	if (!(flags & MOCK_ACCESS_RW_WRITE)) {
		if (copy_to_user(ubuf, tmp, length))
			rc = -EFAULT;
	}
out_free:
	ufd_free(tmp);
out_put:
	iommufd_file_put(staccess->file);
	return rc;
}

_Static_assert((unsigned int)MOCK_ACCESS_RW_WRITE == IOMMUFD_ACCESS_RW_WRITE,
	       "rw flags");
_Static_assert((unsigned int)MOCK_ACCESS_RW_SLOW_PATH ==
		       __IOMMUFD_ACCESS_RW_SLOW_PATH,
	       "rw flags");
