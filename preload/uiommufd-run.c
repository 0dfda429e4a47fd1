// SPDX-License-Identifier: MIT
/*
 * uiommufd-run: run a program with /dev/iommu served by uiommufd.
 *
 * Puts the preload shim first in LD_PRELOAD and executes the program, which
 * then finds the user-space iommufd behind /dev/iommu. The shim is, in
 * order: --lib, $UIOMMUFD_PRELOAD, the library next to this launcher (a
 * build tree), the installed one (UIOMMUFD_PRELOAD_DEFAULT), or one found
 * from this launcher's place in an installed tree.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SHIM_NAME "libuiommufd-preload.so"

/* Where the shim is installed, relative to the prefix (set by the build) */
#ifndef UIOMMUFD_LIBDIR
#define UIOMMUFD_LIBDIR "lib"
#endif

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: uiommufd-run [--lib PATH] [--device SPEC]... [--] "
		"PROGRAM [ARGS...]\n"
		"Run PROGRAM with /dev/iommu served by the user-space "
		"iommufd.\n"
		"\n"
		"  --lib PATH     the preload library to use (default: "
		"$UIOMMUFD_PRELOAD,\n"
		"                 else the installed " SHIM_NAME ")\n"
		"  --device SPEC  an emulated device, served through VFIO:\n"
		"                 "
		"udma[,group=N][,name=DDDD:BB:DD.F][,noiommu]\n"
		"                 (repeat for more; added to "
		"$UIOMMUFD_DEVICES)\n"
		"  --help         show this help\n"
		"\n"
		"UIOMMUFD_DISABLE=1 in the environment turns the shim off.\n");
}

/* @dir/@rel, if that file exists; into @buf of PATH_MAX */
static const char *try_path(char *buf, const char *dir, const char *rel)
{
	if (snprintf(buf, PATH_MAX, "%s/%s", dir, rel) >= PATH_MAX)
		return NULL;
	return access(buf, R_OK) ? NULL : buf;
}

/* The shim's place relative to this launcher: same directory, or ../lib */
static const char *find_near_self(char *buf, bool same_dir)
{
	static const char *const libdirs[] = {
		UIOMMUFD_LIBDIR "/" SHIM_NAME,
		"lib/" SHIM_NAME,
		"lib64/" SHIM_NAME,
	};
	char self[PATH_MAX];
	ssize_t len;
	char *slash;

	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0)
		return NULL;
	self[len] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return NULL;
	*slash = '\0'; /* the launcher's directory */
	if (same_dir)
		return try_path(buf, self, SHIM_NAME);
	slash = strrchr(self, '/');
	if (!slash)
		return NULL;
	*slash = '\0'; /* its parent, the prefix */
	for (size_t i = 0; i != sizeof(libdirs) / sizeof(libdirs[0]); i++)
		if (libdirs[i][0] != '/' && try_path(buf, self, libdirs[i]))
			return buf;
	return NULL;
}

static const char *find_shim(const char *opt_lib, char *buf)
{
	const char *env = getenv("UIOMMUFD_PRELOAD");
	const char *path;

	if (opt_lib)
		return opt_lib;
	if (env && env[0])
		return env;
	path = find_near_self(buf, true);
	if (path)
		return path;
#ifdef UIOMMUFD_PRELOAD_DEFAULT
	if (!access(UIOMMUFD_PRELOAD_DEFAULT, R_OK))
		return UIOMMUFD_PRELOAD_DEFAULT;
#endif
	path = find_near_self(buf, false);
	if (path)
		return path;
#ifdef UIOMMUFD_PRELOAD_DEFAULT
	return UIOMMUFD_PRELOAD_DEFAULT; /* for the error message */
#else
	return SHIM_NAME;
#endif
}

/*
 * A launcher built in a sanitized tree runs a sanitized shim, whose runtime
 * must be the first library loaded: it goes before the shim.
 */
#ifdef UIOMMUFD_SANITIZER_RUNTIME
#define RUNTIME_FIRST UIOMMUFD_SANITIZER_RUNTIME ":"
#else
#define RUNTIME_FIRST ""
#endif

/*
 * LD_PRELOAD with the shim first. The path is made absolute, so the program
 * still finds it after a chdir() and in the programs it runs; it cannot
 * hold the separators of the list.
 */
static int set_preload(const char *lib)
{
	const char *old = getenv("LD_PRELOAD");
	char abs[PATH_MAX];
	char *val;
	int rc;

	if (!realpath(lib, abs)) {
		fprintf(stderr, "uiommufd-run: %s: %s\n", lib, strerror(errno));
		return -1;
	}
	if (strpbrk(abs, " :")) {
		fprintf(stderr,
			"uiommufd-run: %s: a path with ' ' or ':' cannot be "
			"preloaded\n",
			abs);
		return -1;
	}
	if (old && old[0])
		rc = asprintf(&val, RUNTIME_FIRST "%s:%s", abs, old);
	else
		rc = asprintf(&val, RUNTIME_FIRST "%s", abs);
	if (rc < 0 || setenv("LD_PRELOAD", val, 1)) {
		perror("uiommufd-run");
		return -1;
	}
	free(val);
	return 0;
}

/* Append @spec to the device list UIOMMUFD_DEVICES gives the engine */
static int add_device(const char *spec)
{
	const char *old = getenv("UIOMMUFD_DEVICES");
	char *val;
	int rc;

	if (!spec[0] || strpbrk(spec, "; \t\n")) {
		fprintf(stderr, "uiommufd-run: bad device '%s'\n", spec);
		return -1;
	}
	if (old && old[0])
		rc = asprintf(&val, "%s;%s", old, spec);
	else
		rc = asprintf(&val, "%s", spec);
	if (rc < 0 || setenv("UIOMMUFD_DEVICES", val, 1)) {
		perror("uiommufd-run");
		return -1;
	}
	free(val);
	return 0;
}

int main(int argc, char **argv)
{
	const char *opt_lib = NULL;
	char buf[PATH_MAX];
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (!strcmp(argv[i], "--help") ||
			   !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--lib")) {
			if (i + 1 == argc) {
				fprintf(stderr,
					"uiommufd-run: --lib needs a path\n");
				return 2;
			}
			opt_lib = argv[++i];
		} else if (!strncmp(argv[i], "--lib=", 6)) {
			opt_lib = argv[i] + 6;
		} else if (!strcmp(argv[i], "--device")) {
			if (i + 1 == argc) {
				fprintf(stderr, "uiommufd-run: --device needs "
						"a spec\n");
				return 2;
			}
			if (add_device(argv[++i]))
				return 2;
		} else if (!strncmp(argv[i], "--device=", 9)) {
			if (add_device(argv[i] + 9))
				return 2;
		} else {
			fprintf(stderr, "uiommufd-run: bad option '%s'\n",
				argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (i == argc) {
		usage(stderr);
		return 2;
	}
	if (set_preload(find_shim(opt_lib, buf)))
		return 127;
	execvp(argv[i], argv + i);
	fprintf(stderr, "uiommufd-run: cannot execute %s: %s\n", argv[i],
		strerror(errno));
	return 127;
}
