// SPDX-License-Identifier: MIT
/*
 * uiommufdctl: a context's description read back, as JSON or Graphviz.
 *
 * The lines of the description are "object ID TYPE users N" and, under
 * each, indented lines "KEY VALUE NAME VALUE ... FLAG ...": a key and its
 * value, then named values and bare flags (docs/introspection.md). Each
 * line becomes a JSON object of those; the numbers naming other objects
 * (attached, ioas, parent) become the edges of the picture.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_dump.h"

#define MAX_TOKENS 64
/* Past these, a picture's node says how many lines it left out */
#define DOT_MAX_LINES 24

/* Words of the description that stand alone, without a value */
static const char *const bare_flags[] = {
	"auto", "coherent",	  "in-domains",
	"busy", "dirty-tracking", "nest-parent",
};

/* Words whose value is the ID of another object: edges of the graph */
static const char *const link_words[] = {"attached", "ioas", "parent"};

static bool in_list(const char *word, const char *const *list, size_t n)
{
	for (size_t i = 0; i != n; i++)
		if (!strcmp(word, list[i]))
			return true;
	return false;
}

static bool is_bare(const char *word)
{
	return in_list(word, bare_flags,
		       sizeof(bare_flags) / sizeof(bare_flags[0]));
}

static bool is_link(const char *word)
{
	return in_list(word, link_words,
		       sizeof(link_words) / sizeof(link_words[0]));
}

static bool is_number(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static int add_line(struct ctx_object *obj, char *line)
{
	char **lines =
		realloc(obj->lines, (obj->nr_lines + 1) * sizeof(*obj->lines));

	if (!lines)
		return -1;
	obj->lines = lines;
	obj->lines[obj->nr_lines++] = line;
	return 0;
}

static int add_object(struct ctx_dump *dump, const char *line)
{
	struct ctx_object *objs, *obj;

	objs = realloc(dump->objects,
		       (dump->nr_objects + 1) * sizeof(*dump->objects));
	if (!objs)
		return -1;
	dump->objects = objs;
	obj = &objs[dump->nr_objects];
	memset(obj, 0, sizeof(*obj));
	obj->users = -1;
	if (sscanf(line, "object %u %31s users %ld", &obj->id, obj->type,
		   &obj->users) < 2)
		return -1;
	dump->nr_objects++;
	return 0;
}

int ctx_dump_parse(char *text, struct ctx_dump *dump)
{
	char *line, *save = NULL;

	memset(dump, 0, sizeof(*dump));
	line = strtok_r(text, "\n", &save);
	if (!line || sscanf(line,
			    "iommufd fd %d account_mode %ld "
			    "user_locked_pages %ld",
			    &dump->fd, &dump->account_mode,
			    &dump->user_locked_pages) != 3)
		return -1;
	while ((line = strtok_r(NULL, "\n", &save))) {
		int rc = 0;

		if (!strncmp(line, "object ", 7))
			rc = add_object(dump, line);
		else if (line[0] == ' ' && dump->nr_objects)
			rc = add_line(&dump->objects[dump->nr_objects - 1],
				      line + strspn(line, " "));
		if (rc) {
			ctx_dump_free(dump);
			return -1;
		}
	}
	return 0;
}

void ctx_dump_free(struct ctx_dump *dump)
{
	for (unsigned int i = 0; i != dump->nr_objects; i++)
		free(dump->objects[i].lines);
	free(dump->objects);
	memset(dump, 0, sizeof(*dump));
}

/* Split a copy of @line at spaces; the number of words */
static unsigned int split(const char *line, char *copy, size_t size,
			  char **words)
{
	unsigned int n = 0;
	char *save = NULL;

	snprintf(copy, size, "%s", line);
	for (char *w = strtok_r(copy, " ", &save); w && n < MAX_TOKENS;
	     w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	return n;
}

static void json_value(FILE *out, const char *v)
{
	if (is_number(v)) {
		fputs(v, out);
		return;
	}
	fputc('"', out);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			fputc('\\', out);
		fputc(*v, out);
	}
	fputc('"', out);
}

/*
 * One line as a JSON object: its key and value, then the named values
 * and flags; "pasid P attached H" pairs go to an array "pasids".
 */
static void json_line(FILE *out, const char *line)
{
	char copy[1024], *w[MAX_TOKENS];
	unsigned int n = split(line, copy, sizeof(copy), w), i;
	bool first = true, pasids = false;

	fputc('{', out);
	for (i = 0; i < n; i++) {
		if (!strcmp(w[i], "pasid") && i + 3 < n &&
		    !strcmp(w[i + 2], "attached")) {
			pasids = true;
			i += 3;
			continue;
		}
		fprintf(out, "%s\"%s\":", first ? "" : ",", w[i]);
		first = false;
		if (is_bare(w[i]) || i + 1 == n)
			fputs("true", out);
		else
			json_value(out, w[++i]);
	}
	if (pasids) {
		fprintf(out, "%s\"pasids\":[", first ? "" : ",");
		first = true;
		for (i = 0; i + 3 < n; i++) {
			if (strcmp(w[i], "pasid") ||
			    strcmp(w[i + 2], "attached"))
				continue;
			fprintf(out, "%s{\"pasid\":%s,\"attached\":%s}",
				first ? "" : ",", w[i + 1], w[i + 3]);
			first = false;
		}
		fputc(']', out);
	}
	fputc('}', out);
}

void ctx_dump_json(const struct ctx_dump *dump, int pid, const char *kind,
		   FILE *out)
{
	fprintf(out,
		"{\"pid\":%d,\"fd\":%d,\"kind\":\"%s\",\"account_mode\":%ld,"
		"\"user_locked_pages\":%ld,\"objects\":[",
		pid, dump->fd, kind, dump->account_mode,
		dump->user_locked_pages);
	for (unsigned int i = 0; i != dump->nr_objects; i++) {
		const struct ctx_object *obj = &dump->objects[i];

		fprintf(out,
			"%s{\"id\":%u,\"type\":\"%s\",\"users\":%ld,"
			"\"details\":[",
			i ? "," : "", obj->id, obj->type, obj->users);
		for (unsigned int l = 0; l != obj->nr_lines; l++) {
			if (l)
				fputc(',', out);
			json_line(out, obj->lines[l]);
		}
		fputs("]}", out);
	}
	fputs("]}", out);
}

static const char *dot_color(const char *type)
{
	if (!strcmp(type, "device"))
		return "lightblue";
	if (!strcmp(type, "ioas"))
		return "lightyellow";
	if (!strncmp(type, "hwpt", 4))
		return "palegreen";
	return "white";
}

static void dot_escaped(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
}

/* The edges of @obj: its words naming another object */
static void dot_edges(FILE *out, const struct ctx_object *obj)
{
	for (unsigned int l = 0; l != obj->nr_lines; l++) {
		char copy[1024], *w[MAX_TOKENS];
		unsigned int n = split(obj->lines[l], copy, sizeof(copy), w);

		for (unsigned int i = 0; i + 1 < n; i++)
			if (is_link(w[i]) && is_number(w[i + 1]))
				fprintf(out, "  o%u -> o%s [label=\"%s\"];\n",
					obj->id, w[i + 1], w[i]);
	}
}

void ctx_dump_dot(const struct ctx_dump *dump, int pid, FILE *out)
{
	fprintf(out,
		"digraph iommufd {\n"
		"  rankdir=LR;\n"
		"  label=\"process %d, iommufd %d: account_mode %ld, "
		"user_locked_pages %ld\";\n"
		"  node [shape=box, style=filled, fontname=\"monospace\"];\n",
		pid, dump->fd, dump->account_mode, dump->user_locked_pages);
	for (unsigned int i = 0; i != dump->nr_objects; i++) {
		const struct ctx_object *obj = &dump->objects[i];
		unsigned int shown = obj->nr_lines < DOT_MAX_LINES
					     ? obj->nr_lines
					     : DOT_MAX_LINES;

		fprintf(out,
			"  o%u [fillcolor=%s, label=\"%u %s (users %ld)\\l",
			obj->id, dot_color(obj->type), obj->id, obj->type,
			obj->users);
		for (unsigned int l = 0; l != shown; l++) {
			dot_escaped(out, obj->lines[l]);
			fputs("\\l", out);
		}
		if (shown != obj->nr_lines)
			fprintf(out, "... %u more\\l", obj->nr_lines - shown);
		fputs("\"];\n", out);
	}
	for (unsigned int i = 0; i != dump->nr_objects; i++)
		dot_edges(out, &dump->objects[i]);
	fputs("}\n", out);
}
