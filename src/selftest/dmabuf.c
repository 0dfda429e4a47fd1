// SPDX-License-Identifier: MIT
/*
 * The test dma-buf exporter (IOMMU_TEST_OP_DMABUF_GET/REVOKE): a buffer of
 * engine memory that the test can revoke and restore, to check that
 * iommufd tears down and refuses mappings of a revoked dma-buf.
 */
#include <fcntl.h>
#include <sys/mman.h>

#include "../fs/dma_buf.h"
#include "selftest_private.h"

struct test_dmabuf {
	struct ufd_dmabuf buf;
	void *memory;
	size_t length;
	bool revoked;
};

static int test_dmabuf_map(struct ufd_dmabuf *buf, uintptr_t *host, size_t *len)
{
	struct test_dmabuf *priv = container_of(buf, struct test_dmabuf, buf);

	if (priv->revoked)
		return -ENODEV;
	*host = (uintptr_t)priv->memory;
	*len = priv->length;
	return 0;
}

static void test_dmabuf_release(struct ufd_dmabuf *buf)
{
	struct test_dmabuf *priv = container_of(buf, struct test_dmabuf, buf);

	munmap(priv->memory, priv->length);
	ufd_free(priv);
}

static const struct ufd_dmabuf_ops test_dmabuf_ops = {
	.map = test_dmabuf_map,
	.release = test_dmabuf_release,
};

/* Returns the new dma-buf's descriptor */
int iommufd_test_dmabuf_get(struct iommufd_ucmd *ucmd, unsigned int open_flags,
			    size_t len)
{
	struct test_dmabuf *priv;
	int fd;

	(void)ucmd;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (len == 0 || len > PAGE_SIZE * 512)
		return -EINVAL;

	priv = ufd_new(struct test_dmabuf);
	if (!priv)
		return -ENOMEM;
	priv->length = len;
	priv->memory = mmap(NULL, len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (priv->memory == MAP_FAILED || ufd_should_fail()) {
		if (priv->memory != MAP_FAILED)
			munmap(priv->memory, len);
		ufd_free(priv);
		return -ENOMEM;
	}
	fd = ufd_dmabuf_export(&priv->buf, &test_dmabuf_ops, len,
			       (int)open_flags);
	if (fd < 0) {
		munmap(priv->memory, len);
		ufd_free(priv);
	}
	return fd;
}

int iommufd_test_dmabuf_revoke(struct iommufd_ucmd *ucmd, int fd, bool revoked)
{
	struct test_dmabuf *priv;
	struct ufd_dmabuf *buf;
	int rc = 0;

	(void)ucmd;
	buf = ufd_dmabuf_get(fd);
	if (IS_ERR(buf))
		return (int)PTR_ERR(buf);
	if (buf->ops != &test_dmabuf_ops) {
		rc = -EOPNOTSUPP;
		goto out_put;
	}
	priv = container_of(buf, struct test_dmabuf, buf);
	mutex_lock(&buf->lock);
	priv->revoked = revoked;
	mutex_unlock(&buf->lock);
	ufd_dmabuf_invalidate_mappings(buf);
out_put:
	ufd_dmabuf_put(buf);
	return rc;
}
