// SPDX-License-Identifier: MIT
/*
 * IOMMU_IOAS_NOIOMMU_GET_PA (EXPERIMENTAL, after 7.2): where the memory
 * behind an IOVA is, for the driver of a device without an IOMMU, which
 * must give its device physical addresses. The IOAS pins the memory and
 * the no-IOMMU page table of the attached device records where each page
 * is; the IOVA is only the key. As the kernel's iopt_get_phys() of the
 * iommufd for-next tree (7.3 cycle).
 */
#include <linux/capability.h>
#include <uiommufd/experimental.h>

#include "../iommu/noiommu.h"
#include "io_pagetable.h"

/*
 * The table holding @area: the kernel's storage domain, the first domain
 * of the IOAS, which every filled area is in. NULL when none holds it.
 */
static struct iommu_domain *iopt_area_storage_domain(struct io_pagetable *iopt,
						     struct iopt_area *area)
{
	lockdep_assert_held(&iopt->domains_rwsem);
	if (!area->filled || !iopt->next_domain_id)
		return NULL;
	return iopt->domains[0];
}

/*
 * How many bytes from @iova on are contiguous in @domain, up to the end
 * of the area (@last) and at most @max_length (0: no limit): the first
 * page's rest, then whole pages while each follows the previous one
 */
static uint64_t noiommu_contig_length(struct iommu_domain *domain,
				      unsigned long iova, unsigned long last,
				      uint64_t phys, uint64_t max_length)
{
	uint64_t length = PAGE_SIZE - (iova & (PAGE_SIZE - 1));
	unsigned long next;

	while (iova < last) {
		if (max_length && length >= max_length)
			break;
		if (__builtin_add_overflow(iova, PAGE_SIZE, &next) ||
		    next > last)
			break;
		if (domain->ops->iova_to_host(domain, next) != phys + PAGE_SIZE)
			break;
		iova = next;
		phys += PAGE_SIZE;
		length += PAGE_SIZE;
	}
	if (max_length && length > max_length)
		length = max_length;
	return length;
}

static int iopt_get_phys(struct io_pagetable *iopt, unsigned long iova,
			 uint64_t *phys, uint64_t *length)
{
	struct iommu_domain *domain;
	struct iopt_area *area;
	int rc = 0;

	down_read(&iopt->domains_rwsem);
	down_read(&iopt->iova_rwsem);
	area = iopt_area_iter_first(iopt, iova, iova);
	if (!area || !area->pages) {
		rc = -ENOENT;
		goto out_unlock;
	}
	/* Only a no-IOMMU table holds physical addresses */
	domain = iopt_area_storage_domain(iopt, area);
	if (!iommu_domain_is_noiommu(domain)) {
		rc = -EOPNOTSUPP;
		goto out_unlock;
	}
	*phys = domain->ops->iova_to_host(domain, iova);
	if (!*phys) {
		rc = -EINVAL;
		goto out_unlock;
	}
	*length = noiommu_contig_length(domain, iova, iopt_area_last_iova(area),
					*phys, *length);
out_unlock:
	up_read(&iopt->iova_rwsem);
	up_read(&iopt->domains_rwsem);
	return rc;
}

int iommufd_ioas_noiommu_get_pa(struct iommufd_ucmd *ucmd)
{
	struct iommu_ioas_noiommu_get_pa *cmd = ucmd->cmd;
	uint64_t length = cmd->length, phys;
	struct iommufd_ioas *ioas;
	int rc;

	/* The device DMAs anywhere it is told: as VFIO's no-IOMMU mode */
	if (!ufd_capable(CAP_SYS_RAWIO))
		return -EPERM;
	if (cmd->flags || cmd->__reserved)
		return -EOPNOTSUPP;
	if (cmd->iova >= ULONG_MAX)
		return -EOVERFLOW;

	ioas = iommufd_get_ioas(ucmd->ictx, cmd->ioas_id);
	if (IS_ERR(ioas))
		return (int)PTR_ERR(ioas);
	rc = iopt_get_phys(&ioas->iopt, (unsigned long)cmd->iova, &phys,
			   &length);
	if (!rc) {
		cmd->out_phys = phys;
		cmd->length = length;
		rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	}
	iommufd_put_object(ucmd->ictx, &ioas->obj);
	return rc;
}
