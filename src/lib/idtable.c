// SPDX-License-Identifier: MIT
#include "idtable.h"

#include "alloc.h"
#include "util.h"

void idt_init(struct idtable *t, uint32_t limit)
{
	t->slots = NULL;
	t->nslots = 0;
	t->free_hint = 1;
	t->used = 0;
	t->limit = limit;
}

void idt_destroy(struct idtable *t)
{
	ufd_free(t->slots);
	t->slots = NULL;
	t->nslots = 0;
}

static int idt_grow(struct idtable *t, uint32_t need)
{
	uint32_t n = t->nslots ? t->nslots : 16;
	void **slots;

	while (n <= need)
		n *= 2;
	slots = ufd_realloc_array(t->slots, n, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (uint32_t i = t->nslots; i != n; i++)
		slots[i] = NULL;
	t->slots = slots;
	t->nslots = n;
	return 0;
}

int idt_alloc(struct idtable *t, uint32_t *out_id)
{
	uint32_t id = t->free_hint;
	int rc;

	while (id < t->nslots && t->slots[id])
		id++;
	if (id > t->limit)
		return -EBUSY;
	if (id >= t->nslots) {
		rc = idt_grow(t, id);
		if (rc)
			return rc;
	}
	t->slots[id] = IDT_RESERVED;
	t->used++;
	t->free_hint = id + 1;
	*out_id = id;
	return 0;
}

void *idt_load(const struct idtable *t, uint32_t id)
{
	if (!id || id >= t->nslots)
		return NULL;
	return t->slots[id];
}

void *idt_store(struct idtable *t, uint32_t id, void *entry)
{
	void *old;

	if (WARN_ON(!id || id >= t->nslots || !t->slots[id] || !entry))
		return NULL;
	old = t->slots[id];
	t->slots[id] = entry;
	return old;
}

void *idt_erase(struct idtable *t, uint32_t id)
{
	void *old;

	if (!id || id >= t->nslots || !t->slots[id])
		return NULL;
	old = t->slots[id];
	t->slots[id] = NULL;
	t->used--;
	if (id < t->free_hint)
		t->free_hint = id;
	return old;
}

uint32_t idt_next_used(const struct idtable *t, uint32_t start)
{
	for (uint32_t id = start ? start : 1; id < t->nslots; id++)
		if (t->slots[id])
			return id;
	return 0;
}
