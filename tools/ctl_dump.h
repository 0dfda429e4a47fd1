/* SPDX-License-Identifier: MIT */
/*
 * uiommufdctl: a context's description (the text of uiommufd_dump(),
 * docs/introspection.md) read back, and written as JSON or Graphviz.
 */
#ifndef UIOMMUFD_TOOLS_CTL_DUMP_H
#define UIOMMUFD_TOOLS_CTL_DUMP_H

#include <stdio.h>

struct ctx_object {
	unsigned int id;
	char type[32]; /* "ioas", "device" ... or "reserved" */
	long users;    /* -1 for an object being created */
	char **lines;  /* its indented lines, indentation removed */
	unsigned int nr_lines;
};

struct ctx_dump {
	int fd;
	long account_mode;
	long user_locked_pages;
	struct ctx_object *objects;
	unsigned int nr_objects;
};

/* Parse @text (modified: the lines point into it); 0 or -1 */
int ctx_dump_parse(char *text, struct ctx_dump *dump);
void ctx_dump_free(struct ctx_dump *dump);
void ctx_dump_json(const struct ctx_dump *dump, int pid, const char *kind,
		   FILE *out);
void ctx_dump_dot(const struct ctx_dump *dump, int pid, FILE *out);

#endif
