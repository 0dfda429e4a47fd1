// SPDX-License-Identifier: MIT
/*
 * The decoded trace of the calls a program makes, and the failures a user
 * injects into them (uiommufd-run --trace, --fail).
 *
 * Every ioctl is decoded from the tables generated from the uAPI headers:
 * the struct as the caller passed it, the fields the engine changed or
 * returned, the result with its errno by name, and the time it took. The
 * argument is read with the fault-safe user copies, so a bad pointer is
 * traced as such and answered EFAULT by the call, as without the trace.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <uiommufd/uiommufd.h>

#include "../fs/file.h"
#include "../lib/trace.h"
#include "../lib/uaccess.h"
#include "trace.h"
#include "trace_tables.h"

/* Bigger than every struct of the tables (checked when decoding) */
#define TRACE_SNAPSHOT 256
/* The elements of an array shown at most */
#define TRACE_MAX_ELEMS 8
/* The capabilities of a chain shown at most */
#define TRACE_MAX_CAPS 16

/* A struct argument as read from the caller, before or after the call */
struct trace_snapshot {
	unsigned char data[TRACE_SNAPSHOT];
	size_t len; /* bytes read: the caller's size, at most the struct's */
	bool fault; /* the pointer could not be read */
	uintptr_t uaddr; /* where it was read from */
};

static bool trace_class_matches(enum trace_file_class on, int kind)
{
	switch (on) {
	case TRACE_ON_IOMMUFD:
		return kind == UIOMMUFD_FD_IOMMUFD || kind == UIOMMUFD_FD_VFIO;
	case TRACE_ON_GROUP:
		return kind == UIOMMUFD_FD_VFIO_GROUP;
	case TRACE_ON_DEVICE:
		return kind == UIOMMUFD_FD_VFIO_DEVICE;
	}
	return false;
}

static const struct trace_ioctl *trace_ioctl_find(int kind, unsigned long cmd)
{
	for (unsigned int i = 0; i != trace_nr_ioctls; i++)
		if (trace_ioctls[i].cmd == cmd &&
		    trace_class_matches(trace_ioctls[i].on, kind))
			return &trace_ioctls[i];
	return NULL;
}

static uint64_t trace_load(const unsigned char *p, size_t size)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64 = 0;

	switch (size) {
	case 1:
		memcpy(&u8, p, 1);
		return u8;
	case 2:
		memcpy(&u16, p, 2);
		return u16;
	case 4:
		memcpy(&u32, p, 4);
		return u32;
	default:
		memcpy(&u64, p, sizeof(u64));
		return u64;
	}
}

static int64_t trace_sign(uint64_t v, size_t size)
{
	if (size < 8 && (v & (1ULL << (size * 8 - 1))))
		return (int64_t)(v | ~((1ULL << (size * 8)) - 1));
	return (int64_t)v;
}

static void trace_snapshot_read(struct trace_snapshot *s,
				const struct trace_ioctl *ti, unsigned long arg)
{
	uint32_t usize;

	s->len = 0;
	s->fault = false;
	s->uaddr = arg;
	if (ti->struct_size > TRACE_SNAPSHOT ||
	    copy_from_user(&usize, (void *)arg, sizeof(usize))) {
		s->fault = true;
		return;
	}
	s->len = min((size_t)usize, ti->struct_size);
	if (s->len < sizeof(usize))
		s->len = sizeof(usize);
	if (copy_from_user(s->data, (void *)arg, s->len)) {
		s->len = sizeof(usize);
		memcpy(s->data, &usize, sizeof(usize));
	}
}

/* The value of a flags or enum field by its names */
static void trace_put_names(struct trace_line *l, const struct trace_field *f,
			    uint64_t v)
{
	bool any = false;

	if (f->kind == TF_ENUM) {
		for (const struct trace_name *n = f->names; n->name; n++)
			if (n->value == v) {
				trace_line_printf(l, "%s", n->name);
				return;
			}
		trace_line_printf(l, "%llu", (unsigned long long)v);
		return;
	}
	for (const struct trace_name *n = f->names; n->name && v; n++) {
		if (!n->value || (v & n->value) != n->value)
			continue;
		trace_line_printf(l, "%s%s", any ? "|" : "", n->name);
		v &= ~n->value;
		any = true;
	}
	if (v || !any)
		trace_line_printf(l, "%s%#llx", any ? "|" : "",
				  (unsigned long long)v);
}

static void trace_put_value(struct trace_line *l, const struct trace_field *f,
			    uint64_t v, bool json)
{
	bool quoted = json && (f->kind == TF_HEX || f->kind == TF_FLAGS ||
			       f->kind == TF_ENUM);

	if (quoted)
		trace_line_printf(l, "\"");
	switch (f->kind) {
	case TF_SDEC:
		trace_line_printf(l, "%lld", (long long)trace_sign(v, f->size));
		break;
	case TF_HEX:
		trace_line_printf(l, "%#llx", (unsigned long long)v);
		break;
	case TF_FLAGS:
	case TF_ENUM:
		trace_put_names(l, f, v);
		break;
	default:
		trace_line_printf(l, "%llu", (unsigned long long)v);
	}
	if (quoted)
		trace_line_printf(l, "\"");
}

static void trace_put_field(struct trace_line *l, const struct trace_field *f,
			    const unsigned char *data, bool json)
{
	if (json)
		trace_line_printf(l, "\"%s\":", f->name);
	else
		trace_line_printf(l, "%s=", f->name);
	if (f->nelem > 1)
		trace_line_printf(l, "[");
	for (unsigned int i = 0; i != f->nelem; i++) {
		if (i)
			trace_line_printf(l, ",");
		trace_put_value(l, f,
				trace_load(data + f->offset + i * f->size,
					   f->size),
				json);
	}
	if (f->nelem > 1)
		trace_line_printf(l, "]");
}

static bool trace_field_in(const struct trace_field *f, size_t len)
{
	return f->offset + f->size * f->nelem <= len;
}

static bool trace_member_in(const struct trace_snapshot *s, size_t offset,
			    size_t size)
{
	return size && offset + size <= s->len;
}

static uint64_t trace_member(const struct trace_snapshot *s, size_t offset,
			     size_t size)
{
	return trace_member_in(s, offset, size)
		       ? trace_load(s->data + offset, size)
		       : 0;
}

/*
 * How many elements of @ti's array to show: those the caller passes for
 * an array the call reads; for one it fills, those both the caller's
 * count and the count the call returned cover (@before, @after)
 */
static uint64_t trace_array_count(const struct trace_array *a,
				  const struct trace_snapshot *before,
				  const struct trace_snapshot *after)
{
	uint64_t n;

	if (!trace_member_in(before, a->count_offset, a->count_size) ||
	    !trace_member_in(before, a->ptr_offset, a->ptr_size))
		return 0;
	n = trace_member(before, a->count_offset, a->count_size);
	if (after)
		n = min(n, trace_member(after, a->count_offset, a->count_size));
	return n;
}

static const struct trace_elem_type *
trace_elem_type(const struct trace_array *a, const struct trace_snapshot *s)
{
	uint64_t selector = 0;

	if (a->selector_size) {
		if (!trace_member_in(s, a->selector_offset, a->selector_size))
			return NULL;
		selector =
			trace_member(s, a->selector_offset, a->selector_size);
	}
	for (unsigned int i = 0; i != a->nr_types; i++)
		if (a->types[i].selector == selector)
			return &a->types[i];
	return NULL;
}

/* The fields of @data in @len bytes, each after a separator */
static void trace_put_more_fields(struct trace_line *l,
				  const struct trace_field *fields,
				  unsigned int nr_fields,
				  const unsigned char *data, size_t len,
				  bool json)
{
	for (unsigned int i = 0; i != nr_fields; i++) {
		if (!trace_field_in(&fields[i], len))
			continue;
		trace_line_printf(l, json ? "," : ", ");
		trace_put_field(l, &fields[i], data, json);
	}
}

static void trace_put_fields(struct trace_line *l,
			     const struct trace_field *fields,
			     unsigned int nr_fields, const unsigned char *data,
			     size_t len, bool json)
{
	unsigned int i = 0;

	trace_line_printf(l, "{");
	while (i != nr_fields && !trace_field_in(&fields[i], len))
		i++;
	if (i != nr_fields) {
		trace_put_field(l, &fields[i], data, json);
		trace_put_more_fields(l, fields + i + 1, nr_fields - i - 1,
				      data, len, json);
	}
	trace_line_printf(l, "}");
}

/*
 * The first elements of the array @s points to, "[{...}, {...}]". Each is
 * read with the fault-safe copies: one that cannot be read ends the list
 * with "?", as the call would answer EFAULT.
 */
static void trace_put_elems(struct trace_line *l, const struct trace_array *a,
			    const struct trace_snapshot *s, uint64_t count,
			    bool json)
{
	const struct trace_elem_type *type = trace_elem_type(a, s);
	unsigned char elem[TRACE_SNAPSHOT];
	uintptr_t ptr, stride;
	size_t len;
	uint64_t i;

	if (!type || type->size > TRACE_SNAPSHOT)
		return;
	stride = a->stride_size
			 ? trace_member(s, a->stride_offset, a->stride_size)
			 : type->size;
	if (!stride)
		return;
	ptr = (uintptr_t)trace_member(s, a->ptr_offset, a->ptr_size);
	len = min((size_t)stride, type->size);
	trace_line_printf(l, json ? ",\"%s[]\":[" : "[", a->ptr_name);
	for (i = 0; i != count && i != TRACE_MAX_ELEMS; i++) {
		if (i)
			trace_line_printf(l, json ? "," : ", ");
		memset(elem, 0, sizeof(elem));
		if (copy_from_user(elem, (void *)(ptr + i * stride), len)) {
			trace_line_printf(l, json ? "\"?\"" : "?");
			break;
		}
		trace_put_fields(l, type->fields, type->nr_fields, elem, len,
				 json);
	}
	if (i == TRACE_MAX_ELEMS && count > TRACE_MAX_ELEMS)
		trace_line_printf(l, json ? ",\"...\"" : ", ...");
	trace_line_printf(l, "]");
}

static const struct trace_cap_type *trace_cap_type(const struct trace_caps *c,
						   uint16_t id)
{
	for (unsigned int i = 0; i != c->nr_types; i++)
		if (c->types[i].id == id)
			return &c->types[i];
	return NULL;
}

/*
 * The flexible array at the end of a capability at @cap (the user address)
 * in @room bytes, its count in @data
 */
static void trace_put_cap_elems(struct trace_line *l,
				const struct trace_cap_type *t, uintptr_t cap,
				const unsigned char *data, size_t room,
				bool json)
{
	unsigned char elem[TRACE_SNAPSHOT];
	uint64_t count, i;

	if (!t->elems_name || t->elem_size > TRACE_SNAPSHOT ||
	    t->count_offset + t->count_size > t->size)
		return;
	count = trace_load(data + t->count_offset, t->count_size);
	trace_line_printf(l, json ? ",\"%s\":[" : ", %s=[", t->elems_name);
	for (i = 0; i != count && i != TRACE_MAX_ELEMS; i++) {
		size_t at = t->elems_offset + i * t->elem_size;

		if (i)
			trace_line_printf(l, json ? "," : ", ");
		if (at + t->elem_size > room ||
		    copy_from_user(elem, (void *)(cap + at), t->elem_size)) {
			trace_line_printf(l, json ? "\"?\"" : "?");
			break;
		}
		trace_put_fields(l, t->elem_fields, t->nr_elem_fields, elem,
				 t->elem_size, json);
	}
	if (i == TRACE_MAX_ELEMS && count > TRACE_MAX_ELEMS)
		trace_line_printf(l, json ? ",\"...\"" : ", ...");
	trace_line_printf(l, "]");
}

/*
 * One capability at @off of the caller's buffer of @bufsz bytes at @base;
 * returns the offset of the next one, 0 at the end of the chain or where
 * the chain cannot be followed
 */
static uint32_t trace_put_cap(struct trace_line *l, const struct trace_caps *c,
			      uintptr_t base, uint32_t off, uint32_t bufsz,
			      bool json)
{
	struct vfio_info_cap_header hdr;
	unsigned char data[TRACE_SNAPSHOT] = {0};
	const struct trace_cap_type *t;
	size_t room = off < bufsz ? bufsz - off : 0;

	if (room < sizeof(hdr) ||
	    copy_from_user(&hdr, (void *)(base + off), sizeof(hdr))) {
		trace_line_printf(l, json ? "\"?\"" : "?");
		return 0;
	}
	t = trace_cap_type(c, hdr.id);
	if (t)
		trace_line_printf(l, json ? "{\"id\":\"%s\"" : "{id=%s",
				  t->name);
	else
		trace_line_printf(l, json ? "{\"id\":%u" : "{id=%u", hdr.id);
	trace_line_printf(l,
			  json ? ",\"version\":%u,\"next\":%u"
			       : ", version=%u, next=%u",
			  hdr.version, hdr.next);
	if (t && t->size <= TRACE_SNAPSHOT &&
	    !copy_from_user(data, (void *)(base + off), min(room, t->size))) {
		trace_put_more_fields(l, t->fields, t->nr_fields, data,
				      min(room, t->size), json);
		if (room >= t->size)
			trace_put_cap_elems(l, t, base + off, data, room, json);
	}
	trace_line_printf(l, "}");
	/* A chain only goes forward: anything else would loop */
	return hdr.next > off && hdr.next < bufsz ? hdr.next : 0;
}

/*
 * The capability chain an INFO call wrote after its struct, inside the
 * buffer the caller gave (its argsz before the call)
 */
static void trace_put_caps(struct trace_line *l, const struct trace_caps *c,
			   const struct trace_snapshot *before,
			   const struct trace_snapshot *after, bool json)
{
	uint32_t bufsz = (uint32_t)trace_load(before->data, sizeof(uint32_t));
	uint32_t off =
		(uint32_t)trace_member(after, c->offset_offset, c->offset_size);

	trace_line_printf(l, json ? ",\"cap_offset[]\":[" : "[");
	for (unsigned int n = 0; off && n != TRACE_MAX_CAPS; n++) {
		if (n)
			trace_line_printf(l, json ? "," : ", ");
		off = trace_put_cap(l, c, after->uaddr, off, bufsz, json);
	}
	trace_line_printf(l, "]");
}

/* @f is the offset of a capability chain the call wrote */
static bool trace_caps_field(const struct trace_ioctl *ti,
			     const struct trace_field *f,
			     const struct trace_snapshot *s)
{
	const struct trace_caps *c = ti->caps;

	return c && f->offset == c->offset_offset &&
	       trace_member(s, c->offset_offset, c->offset_size);
}

static bool trace_field_changed(const struct trace_field *f,
				const struct trace_snapshot *before,
				const struct trace_snapshot *after)
{
	if (!strncmp(f->name, "out_", 4))
		return true;
	return memcmp(before->data + f->offset, after->data + f->offset,
		      f->size * f->nelem) != 0;
}

/* @f is the pointer to an array the call filled, with elements to show */
static bool trace_out_array_field(const struct trace_ioctl *ti,
				  const struct trace_field *f,
				  const struct trace_snapshot *before,
				  const struct trace_snapshot *after)
{
	const struct trace_array *a = ti->array;

	return a && a->out && f->offset == a->ptr_offset &&
	       trace_array_count(a, before, after);
}

static bool trace_struct_changed(const struct trace_ioctl *ti,
				 const struct trace_snapshot *before,
				 const struct trace_snapshot *after)
{
	for (unsigned int i = 0; i != ti->nr_fields; i++)
		if (trace_field_in(&ti->fields[i], after->len) &&
		    (trace_field_changed(&ti->fields[i], before, after) ||
		     trace_out_array_field(ti, &ti->fields[i], before, after) ||
		     trace_caps_field(ti, &ti->fields[i], after)))
			return true;
	return false;
}

/*
 * The struct's fields, all of them (@before NULL) or those the call
 * changed or returns; the elements of the array it points to after the
 * pointer, those the call reads in the first form, those it filled in the
 * second
 */
static void trace_put_struct(struct trace_line *l, const struct trace_ioctl *ti,
			     const struct trace_snapshot *s,
			     const struct trace_snapshot *before, bool json)
{
	const struct trace_array *a = ti->array;
	bool first = true;

	trace_line_printf(l, "{");
	for (unsigned int i = 0; i != ti->nr_fields; i++) {
		const struct trace_field *f = &ti->fields[i];
		bool elems = a && f->offset == a->ptr_offset &&
			     a->out == (before != NULL);

		if (!trace_field_in(f, s->len) ||
		    (before && !trace_field_changed(f, before, s) &&
		     !trace_out_array_field(ti, f, before, s) &&
		     !trace_caps_field(ti, f, s)))
			continue;
		if (!first)
			trace_line_printf(l, json ? "," : ", ");
		trace_put_field(l, f, s->data, json);
		first = false;
		if (elems)
			trace_put_elems(l, a, s,
					before ? trace_array_count(a, before, s)
					       : trace_array_count(a, s, NULL),
					json);
		if (before && trace_caps_field(ti, f, s))
			trace_put_caps(l, ti->caps, before, s, json);
	}
	trace_line_printf(l, "}");
}

/* The object filter: a call is shown if one of its ID fields is wanted */
static bool trace_names_wanted_object(const struct trace_ioctl *ti,
				      const struct trace_snapshot *before,
				      const struct trace_snapshot *after)
{
	if (!ufd_trace_object_filtered())
		return true;
	if (!ti || ti->arg != TRACE_ARG_STRUCT)
		return false;
	for (unsigned int i = 0; i != ti->nr_fields; i++) {
		const struct trace_field *f = &ti->fields[i];

		if (f->kind != TF_ID)
			continue;
		if ((trace_field_in(f, before->len) &&
		     ufd_trace_object_wanted((uint32_t)trace_load(
			     before->data + f->offset, f->size))) ||
		    (trace_field_in(f, after->len) &&
		     ufd_trace_object_wanted((uint32_t)trace_load(
			     after->data + f->offset, f->size))))
			return true;
	}
	return false;
}

/* The argument of a call that takes none, a value, an int or a string */
static void trace_put_plain_arg(struct trace_line *l,
				const struct trace_ioctl *ti, unsigned int cmd,
				unsigned long arg, bool json)
{
	char str[64];
	long n;
	int v;

	if (!ti) {
		trace_line_printf(l,
				  json ? ",\"cmd\":\"%#x\",\"arg\":\"%#lx\""
				       : ", %#x, %#lx",
				  cmd, arg);
		return;
	}
	switch (ti->arg) {
	case TRACE_ARG_VALUE:
		trace_line_printf(l, json ? ",\"arg\":%lu" : ", %lu", arg);
		break;
	case TRACE_ARG_INTPTR:
		if (copy_from_user(&v, (void *)arg, sizeof(v)))
			trace_line_printf(
				l, json ? ",\"arg\":\"%#lx\"" : ", %#lx", arg);
		else
			trace_line_printf(l, json ? ",\"arg\":%d" : ", [%d]",
					  v);
		break;
	case TRACE_ARG_STRING:
		n = strncpy_from_user(str, (void *)arg, sizeof(str));
		if (n < 0) {
			trace_line_printf(
				l, json ? ",\"arg\":\"%#lx\"" : ", %#lx", arg);
			break;
		}
		str[sizeof(str) - 1] = '\0';
		trace_line_printf(l, json ? ",\"arg\":\"" : ", \"");
		trace_line_json_str(l, str);
		trace_line_printf(l, "\"");
		break;
	default:
		break;
	}
}

static double trace_elapsed_us(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e6 +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e3;
}

/* "= 0", "= -1 ENOMEM (Cannot allocate memory)" and the JSON forms */
static void trace_put_result(struct trace_line *l, long rc, bool injected,
			     bool json)
{
	char buf[16];
	const char *name;

	if (rc >= 0) {
		trace_line_printf(l, json ? ",\"ret\":%ld" : " = %ld", rc);
		return;
	}
	name = ufd_errno_name((int)-rc, buf, sizeof(buf));
	if (json)
		trace_line_printf(l, ",\"ret\":-1,\"errno\":\"%s\"%s", name,
				  injected ? ",\"injected\":true" : "");
	else
		trace_line_printf(l, " = -1 %s (%s)%s", name,
				  strerror((int)-rc),
				  injected ? " [injected]" : "");
}

struct trace_call {
	const struct trace_ioctl *ti;
	const char *name;
	int fd;
	unsigned int cmd;
	unsigned long arg;
	struct trace_snapshot before, after;
	long rc;
	bool injected;
	double us;
};

static void trace_call_emit(const struct trace_call *c)
{
	bool json = ufd_trace_json();
	bool is_struct = c->ti && c->ti->arg == TRACE_ARG_STRUCT;
	struct trace_line l;

	trace_line_init(&l);
	if (json)
		trace_line_printf(&l,
				  "{\"pid\":%d,\"tid\":%ld,\"call\":\"%s\","
				  "\"fd\":%d",
				  ufd_getpid(), (long)syscall(SYS_gettid),
				  c->name, c->fd);
	else
		trace_line_printf(&l, "%s(%d", c->name, c->fd);
	if (is_struct && c->before.fault) {
		trace_line_printf(&l, json ? ",\"in\":\"%#lx\"" : ", %#lx",
				  c->arg);
	} else if (is_struct) {
		trace_line_printf(&l, json ? ",\"in\":" : ", ");
		trace_put_struct(&l, c->ti, &c->before, NULL, json);
	} else {
		trace_put_plain_arg(&l, c->ti, c->cmd, c->arg, json);
	}
	if (!json)
		trace_line_printf(&l, ")");
	trace_put_result(&l, c->rc, c->injected, json);
	if (is_struct && !c->before.fault && c->rc >= 0 &&
	    (json || trace_struct_changed(c->ti, &c->before, &c->after))) {
		trace_line_printf(&l, json ? ",\"out\":" : " ");
		trace_put_struct(&l, c->ti, &c->after, &c->before, json);
	}
	trace_line_printf(&l, json ? ",\"us\":%.1f}" : " <%.1fus>", c->us);
	trace_line_emit(&l);
}

long trace_ioctl_call(struct iommufd_file *file, int fd, unsigned int cmd,
		      unsigned long arg)
{
	struct trace_call c = {.fd = fd, .cmd = cmd, .arg = arg};
	bool tracing = ufd_trace_on();
	struct timespec t0;
	int err;

	c.ti = trace_ioctl_find(file->ops->kind, cmd);
	c.name = c.ti ? c.ti->name : "ioctl";
	tracing = tracing && ufd_trace_wants(c.name);
	if (tracing && c.ti && c.ti->arg == TRACE_ARG_STRUCT)
		trace_snapshot_read(&c.before, c.ti, arg);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = inject_call_error(c.name);
	if (err) {
		c.rc = -err;
		c.injected = true;
	} else {
		c.rc = iommufd_file_ioctl(file, fd, cmd, arg);
	}
	if (!tracing)
		return c.rc;
	c.us = trace_elapsed_us(&t0);
	if (c.ti && c.ti->arg == TRACE_ARG_STRUCT)
		trace_snapshot_read(&c.after, c.ti, arg);
	if (trace_names_wanted_object(c.ti, &c.before, &c.after))
		trace_call_emit(&c);
	return c.rc;
}

void trace_file_call(const char *call, int fd, long rc, const char *fmt, ...)
{
	struct trace_line l, args;
	bool json;
	va_list ap;

	if (!ufd_trace_on() || !ufd_trace_wants(call) ||
	    ufd_trace_object_filtered())
		return;
	json = ufd_trace_json();
	trace_line_init(&args);
	va_start(ap, fmt);
	trace_line_vprintf(&args, fmt, ap);
	va_end(ap);
	trace_line_init(&l);
	if (json) {
		trace_line_printf(&l,
				  "{\"pid\":%d,\"tid\":%ld,\"call\":\"%s\","
				  "\"fd\":%d,\"args\":\"",
				  ufd_getpid(), (long)syscall(SYS_gettid), call,
				  fd);
		trace_line_json_str(&l, args.buf);
		trace_line_printf(&l, "\"");
	} else {
		trace_line_printf(&l, "%s(", call);
		if (fd >= 0)
			trace_line_printf(&l, "%d%s", fd, args.len ? ", " : "");
		trace_line_printf(&l, "%s)", args.buf);
	}
	trace_put_result(&l, rc, false, json);
	if (json)
		trace_line_printf(&l, "}");
	trace_line_emit(&l);
	if (args.buf != args.inline_buf)
		free(args.buf);
}

const char *trace_open_flags(int flags, char *buf, size_t size)
{
	int rest = flags & ~(O_ACCMODE | O_CLOEXEC | O_NONBLOCK);
	const char *mode = (flags & O_ACCMODE) == O_RDONLY   ? "O_RDONLY"
			   : (flags & O_ACCMODE) == O_WRONLY ? "O_WRONLY"
							     : "O_RDWR";

	snprintf(buf, size, "%s%s%s", mode,
		 flags & O_CLOEXEC ? "|O_CLOEXEC" : "",
		 flags & O_NONBLOCK ? "|O_NONBLOCK" : "");
	if (rest)
		snprintf(buf + strlen(buf), size - strlen(buf), "|%#o", rest);
	return buf;
}
