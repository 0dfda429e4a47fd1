/* SPDX-License-Identifier: MIT */
/*
 * The ioctls the trace decodes, and the fields of their structs: tables
 * generated from the uAPI headers by scripts/gen-trace-tables.py.
 */
#ifndef UIOMMUFD_API_TRACE_TABLES_H
#define UIOMMUFD_API_TRACE_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uiommufd/experimental.h>
#include <uiommufd/iommufd.h>
#include <uiommufd/iommufd_test.h>
#include <uiommufd/vfio.h>

/* How a field is printed */
enum trace_field_kind {
	TF_DEC,	  /* unsigned decimal */
	TF_SDEC,  /* signed decimal (descriptors) */
	TF_HEX,	  /* addresses, lengths, masks */
	TF_ID,	  /* an object ID: decimal, and seen by the object filter */
	TF_FLAGS, /* a bit set, by the names of its bits */
	TF_ENUM,  /* one value of an enum, by name */
};

struct trace_name {
	const char *name;
	uint64_t value;
};

struct trace_field {
	const char *name;
	size_t offset;
	size_t size;	    /* of one element: 1, 2, 4 or 8 */
	unsigned int nelem; /* 1, or the length of an array */
	enum trace_field_kind kind;
	const struct trace_name *names; /* TF_FLAGS, TF_ENUM */
};

/* Which files an ioctl number means this call on */
enum trace_file_class {
	TRACE_ON_IOMMUFD, /* an iommufd or a VFIO container */
	TRACE_ON_GROUP,
	TRACE_ON_DEVICE,
};

enum trace_arg_kind {
	TRACE_ARG_STRUCT, /* a struct starting with its size (size, argsz) */
	TRACE_ARG_NONE,
	TRACE_ARG_VALUE,  /* an integer passed by value */
	TRACE_ARG_INTPTR, /* a pointer to an int */
	TRACE_ARG_STRING, /* a pointer to a NUL-terminated string */
};

/* One element format of an array a struct points to */
struct trace_elem_type {
	uint64_t selector; /* the selector field's value for this format */
	size_t size;
	const struct trace_field *fields;
	unsigned int nr_fields;
};

/*
 * An array a struct points to (IOMMU_IOAS_IOVA_RANGES's allowed_iovas):
 * where the pointer, the element count and, when present, the element
 * size (the stride) and the field choosing the element format are
 */
struct trace_array {
	const char *ptr_name;
	size_t ptr_offset, ptr_size;
	size_t count_offset, count_size;
	size_t stride_offset, stride_size;     /* size 0: elements packed */
	size_t selector_offset, selector_size; /* size 0: one format */
	bool out; /* filled by the call, else read by it */
	const struct trace_elem_type *types;
	unsigned int nr_types;
};

/*
 * One capability of an INFO call's chain: its struct (header included),
 * and the flexible array at its end, if any, with the field counting it
 */
struct trace_cap_type {
	uint16_t id;
	const char *name;
	size_t size;
	const struct trace_field *fields; /* after the header */
	unsigned int nr_fields;
	const char *elems_name; /* NULL: no array */
	size_t elems_offset;
	size_t count_offset, count_size;
	size_t elem_size;
	const struct trace_field *elem_fields;
	unsigned int nr_elem_fields;
};

/* The chain of an INFO call, from the offset field of its struct */
struct trace_caps {
	size_t offset_offset, offset_size;
	const struct trace_cap_type *types;
	unsigned int nr_types;
};

struct trace_ioctl {
	const char *name;
	unsigned long cmd;
	enum trace_file_class on;
	enum trace_arg_kind arg;
	size_t struct_size;
	const struct trace_field *fields;
	unsigned int nr_fields;
	const struct trace_array *array; /* NULL: points to none */
	const struct trace_caps *caps;	 /* NULL: has no chain */
};

extern const struct trace_ioctl trace_ioctls[];
extern const unsigned int trace_nr_ioctls;

#endif
