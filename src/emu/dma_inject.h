/* SPDX-License-Identifier: MIT */
/*
 * DMA faults a user injects into the emulated devices, to test how a
 * driver handles them: UIOMMUFD_FAIL_DMA (uiommufd-run --fail-dma) holds
 * ranges separated by ';', each ADDR[+LEN][:read|:write] (LEN 1, both
 * directions by default). A transfer of any emulated device that touches
 * such a range faults there as if the IOVA were not mapped.
 */
#ifndef UIOMMUFD_EMU_DMA_INJECT_H
#define UIOMMUFD_EMU_DMA_INJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Does a transfer of [addr, addr + len) hit an injected range? Then true,
 * with the first address it hits in *@at.
 */
bool dma_inject_hits(uint64_t addr, size_t len, bool write, uint64_t *at);

#endif
