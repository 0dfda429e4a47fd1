/* SPDX-License-Identifier: MIT */
/*
 * Per-page pin counts of the process: the engine's equivalent of the pin
 * count the kernel keeps in each struct page (GUP_PIN_COUNTING_BIAS).
 *
 * A page is named by a space and a page number in it: space 0 is the
 * process' virtual memory (page number = VA >> PAGE_SHIFT); every file that
 * is mapped through IOAS_MAP_FILE gets a space of its own (page number =
 * file offset >> PAGE_SHIFT), since its pages exist apart from any mapping.
 * The single-pin rule of the pages objects is checked with these counts, and
 * the mlock policy uses them to lock a page once, however many pin it.
 */
#ifndef UIOMMUFD_IOPT_PIN_TABLE_H
#define UIOMMUFD_IOPT_PIN_TABLE_H

#include <stdint.h>
#include <sys/types.h>

#define PIN_SPACE_VA 0u

/* Add 1 to npages counts; -ENOMEM (nothing changed) or 0 */
int pin_table_get(unsigned int space, unsigned long first,
		  unsigned long npages);
/* Take 1 from npages counts */
void pin_table_put(unsigned int space, unsigned long first,
		   unsigned long npages);
unsigned int pin_table_count(unsigned int space, unsigned long pfn);

/* The space of a file, by identity; created on first use. -ENOMEM or id */
int pin_space_of_file(dev_t dev, ino_t ino);
/* The space of a file if it has one, else -ENOENT */
int pin_space_lookup(dev_t dev, ino_t ino);

#endif
