// SPDX-License-Identifier: MIT
/*
 * uiommufdctl: look into the iommufd contexts of running programs.
 *
 * The engine lives inside each program, so the program answers: run with
 * uiommufd-run --ctl (UIOMMUFD_CTL=1), it serves a unix socket per process
 * (src/api/ctl_server.c) that gives its contexts and their descriptions
 * in the text of docs/introspection.md. This tool finds those sockets,
 * asks, and shows the answer as text, JSON or a Graphviz picture.
 *
 *   uiommufdctl list [--json]
 *   uiommufdctl show PID [FD] [--json]
 *   uiommufdctl graph PID FD [-o FILE.svg|.png|.dot]
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl_dump.h"

static bool opt_json;

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: uiommufdctl list [--json]\n"
		"       uiommufdctl show PID [FD] [--json]\n"
		"       uiommufdctl graph PID FD [-o FILE]\n"
		"List the processes serving uiommufdctl (uiommufd-run --ctl) "
		"and their\n"
		"iommufd contexts; show a context's objects, IOAS maps, pins, "
		"devices\n"
		"and attachments as text or JSON; draw it with Graphviz "
		"(FILE ending\n"
		"in .svg or .png; .dot or none: the Graphviz source).\n");
}

/* Where the programs' sockets are: as ctl_server.c makes it */
static void socket_dir(char *buf, size_t size)
{
	const char *runtime = getenv("XDG_RUNTIME_DIR");

	if (runtime && runtime[0] == '/')
		snprintf(buf, size, "%s/uiommufd", runtime);
	else
		snprintf(buf, size, "/tmp/uiommufd-%u", getuid());
}

/* Send @req to process @pid; its whole answer (malloc'd), NULL on error */
static char *ask(int pid, const char *req)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char dir[sizeof(addr.sun_path) - 16];
	size_t len = 0, cap = 4096;
	char *buf = NULL;
	int sock;

	socket_dir(dir, sizeof(dir));
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/%d.sock", dir, pid);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return NULL;
	if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) ||
	    dprintf(sock, "%s\n", req) < 0)
		goto err;
	buf = malloc(cap);
	while (buf) {
		ssize_t n = read(sock, buf + len, cap - len - 1);
		char *bigger;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (cap - len > 1)
			continue;
		cap *= 2;
		bigger = realloc(buf, cap);
		if (!bigger)
			goto err;
		buf = bigger;
	}
	if (!buf)
		goto err;
	buf[len] = '\0';
	close(sock);
	return buf;
err:
	free(buf);
	close(sock);
	return NULL;
}

static void comm_of(int pid, char *buf, size_t size)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	snprintf(buf, size, "?");
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* Each context of @pid: fd and kind, from its "list" answer */
static int for_each_context(int pid,
			    void (*fn)(int pid, int fd, const char *kind,
				       void *arg),
			    void *arg)
{
	char *list = ask(pid, "list"), *line, *save = NULL;
	char kind[16];
	int fd;

	if (!list)
		return -1;
	for (line = strtok_r(list, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "fd %d kind %15s", &fd, kind) == 2)
			fn(pid, fd, kind, arg);
	free(list);
	return 0;
}

static void list_one_context(int pid, int fd, const char *kind, void *arg)
{
	char *text, comm[64];
	struct ctx_dump dump;
	bool *first = arg;

	snprintf(comm, sizeof(comm), "dump %d", fd);
	text = ask(pid, comm);
	if (!text || ctx_dump_parse(text, &dump)) {
		free(text);
		return;
	}
	comm_of(pid, comm, sizeof(comm));
	if (opt_json) {
		printf("%s{\"pid\":%d,\"command\":\"%s\",\"fd\":%d,"
		       "\"kind\":\"%s\",\"objects\":%u}",
		       *first ? "" : ",\n", pid, comm, fd, kind,
		       dump.nr_objects);
	} else {
		printf("%-8d %-16s %4d  %-8s %7u\n", pid, comm, fd, kind,
		       dump.nr_objects);
	}
	*first = false;
	ctx_dump_free(&dump);
	free(text);
}

/* The pids with a socket in the directory, whose process is alive */
static int cmd_list(void)
{
	char dir[PATH_MAX], proc[64];
	bool first = true;
	struct dirent *de;
	DIR *d;

	socket_dir(dir, sizeof(dir));
	d = opendir(dir);
	if (opt_json)
		printf("[");
	else
		printf("%-8s %-16s %4s  %-8s %7s\n", "PID", "COMMAND", "FD",
		       "KIND", "OBJECTS");
	while (d && (de = readdir(d))) {
		int pid;
		char end[8];

		if (sscanf(de->d_name, "%d%7s", &pid, end) != 2 ||
		    strcmp(end, ".sock"))
			continue;
		snprintf(proc, sizeof(proc), "/proc/%d", pid);
		if (access(proc, F_OK))
			continue; /* a process that died without cleaning up */
		for_each_context(pid, list_one_context, &first);
	}
	if (d)
		closedir(d);
	if (opt_json)
		printf("]\n");
	return 0;
}

static void show_one_context(int pid, int fd, const char *kind, void *arg)
{
	char req[32], *text;
	struct ctx_dump dump;
	bool *first = arg;

	snprintf(req, sizeof(req), "dump %d", fd);
	text = ask(pid, req);
	if (!text) {
		fprintf(stderr, "uiommufdctl: %d: no answer\n", pid);
		return;
	}
	if (!opt_json) {
		fputs(text, stdout);
	} else if (!ctx_dump_parse(text, &dump)) {
		printf("%s", *first ? "" : ",\n");
		ctx_dump_json(&dump, pid, kind, stdout);
		ctx_dump_free(&dump);
	}
	*first = false;
	free(text);
}

static int cmd_show(int pid, int fd)
{
	bool first = true;
	int rc = 0;

	if (opt_json)
		printf("[");
	if (fd >= 0)
		show_one_context(pid, fd, "iommufd", &first);
	else
		rc = for_each_context(pid, show_one_context, &first);
	if (opt_json)
		printf("]\n");
	if (rc)
		fprintf(stderr,
			"uiommufdctl: process %d does not answer (run it "
			"with uiommufd-run --ctl)\n",
			pid);
	return rc ? 1 : 0;
}

/* Run Graphviz's dot on @dot_file to make @out in format @fmt */
static int run_dot(const char *fmt, const char *dot_file, const char *out)
{
	char tflag[16];
	pid_t child;
	int status;

	snprintf(tflag, sizeof(tflag), "-T%s", fmt);
	child = fork();
	if (child < 0)
		return -1;
	if (!child) {
		execlp("dot", "dot", tflag, "-o", out, dot_file, (char *)NULL);
		fprintf(stderr, "uiommufdctl: dot: %s (install graphviz)\n",
			strerror(errno));
		_exit(127);
	}
	if (waitpid(child, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

static int cmd_graph(int pid, int fd, const char *out)
{
	const char *ext = out ? strrchr(out, '.') : NULL;
	char req[32], tmp[] = "/tmp/uiommufdctl-XXXXXX";
	struct ctx_dump dump;
	char *text;
	FILE *f;
	int rc, tmpfd;

	snprintf(req, sizeof(req), "dump %d", fd);
	text = ask(pid, req);
	if (!text || ctx_dump_parse(text, &dump)) {
		fprintf(stderr, "uiommufdctl: %d: no context %d\n", pid, fd);
		free(text);
		return 1;
	}
	if (!ext || !strcmp(ext, ".dot")) {
		f = out ? fopen(out, "w") : stdout;
		rc = f ? 0 : -1;
		if (f) {
			ctx_dump_dot(&dump, pid, f);
			if (f != stdout)
				rc = fclose(f);
		}
	} else {
		tmpfd = mkstemp(tmp);
		f = tmpfd >= 0 ? fdopen(tmpfd, "w") : NULL;
		rc = -1;
		if (f) {
			ctx_dump_dot(&dump, pid, f);
			rc = fclose(f) ? -1 : run_dot(ext + 1, tmp, out);
		}
		if (tmpfd >= 0)
			unlink(tmp);
	}
	if (rc)
		fprintf(stderr, "uiommufdctl: cannot write %s\n",
			out ? out : "stdout");
	ctx_dump_free(&dump);
	free(text);
	return rc ? 1 : 0;
}

/* A decimal argument, or -1 */
static int number(const char *s)
{
	char *end;
	long v = s ? strtol(s, &end, 10) : -1;

	return s && end != s && !*end && v >= 0 && v <= INT_MAX ? (int)v : -1;
}

int main(int argc, char **argv)
{
	const char *args[3] = {NULL, NULL, NULL}, *out = NULL;
	unsigned int nargs = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			opt_json = true;
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--help") ||
			   !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] != '-' && nargs < 3) {
			args[nargs++] = argv[i];
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (nargs == 1 && !strcmp(args[0], "list"))
		return cmd_list();
	if (nargs >= 2 && !strcmp(args[0], "show") && number(args[1]) >= 0 &&
	    (nargs == 2 || number(args[2]) >= 0))
		return cmd_show(number(args[1]),
				nargs == 3 ? number(args[2]) : -1);
	if (nargs == 3 && !strcmp(args[0], "graph") && number(args[1]) >= 0 &&
	    number(args[2]) >= 0)
		return cmd_graph(number(args[1]), number(args[2]), out);
	usage(stderr);
	return 2;
}
