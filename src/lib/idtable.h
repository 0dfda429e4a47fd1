/* SPDX-License-Identifier: MIT */
/*
 * The object ID table of a context: u32 IDs handed out lowest free first,
 * starting at 1, as the kernel's xa_alloc() with XA_FLAGS_ALLOC1 does. A slot
 * is free, reserved (an ID taken by an object not yet visible, or a
 * tombstone), or holds an object. The caller provides the locking.
 */
#ifndef UIOMMUFD_CORE_IDTABLE_H
#define UIOMMUFD_CORE_IDTABLE_H

#include <stdbool.h>
#include <stdint.h>

/* A slot that is taken but holds nothing a lookup may return */
#define IDT_RESERVED ((void *)1)

struct idtable {
	void **slots;	    /* index is the ID; slot 0 unused */
	uint32_t nslots;    /* allocated length of slots[] */
	uint32_t free_hint; /* no free ID below this one */
	uint32_t used;	    /* slots that are not free */
	uint32_t limit;	    /* highest ID that may be handed out */
};

void idt_init(struct idtable *t, uint32_t limit);
void idt_destroy(struct idtable *t);
/* Reserve the lowest free ID: 0, -ENOMEM or -EBUSY when the ID space is full */
int idt_alloc(struct idtable *t, uint32_t *out_id);
/* The entry at id: NULL when free, IDT_RESERVED, or the pointer stored */
void *idt_load(const struct idtable *t, uint32_t id);
/* Replace the entry of a taken id; returns the old entry */
void *idt_store(struct idtable *t, uint32_t id, void *entry);
/* Free the id; returns the old entry */
void *idt_erase(struct idtable *t, uint32_t id);
static inline bool idt_empty(const struct idtable *t)
{
	return t->used == 0;
}
/* Next id >= start whose slot is not free (reserved or object), or 0 */
uint32_t idt_next_used(const struct idtable *t, uint32_t start);

#endif
