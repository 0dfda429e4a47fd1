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
#include <fcntl.h>
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
		"Usage: uiommufd-run [OPTION]... [--] PROGRAM [ARGS...]\n"
		"Run PROGRAM with /dev/iommu served by the user-space "
		"iommufd.\n"
		"\n"
		"  --lib PATH          the preload library to use (default: "
		"$UIOMMUFD_PRELOAD,\n"
		"                      else the installed " SHIM_NAME ")\n"
		"  --device SPEC       an emulated device, served through "
		"VFIO:\n"
		"                      "
		"udma[,group=N][,name=DDDD:BB:DD.F][,iommu=vtd|smmuv3|amd][,"
		"noiommu]\n"
		"                      (repeat for more; added to "
		"$UIOMMUFD_DEVICES)\n"
		"  --trace[=FILE]      print every iommufd and VFIO call, "
		"decoded, and the\n"
		"                      devices' events (stderr, or FILE)\n"
		"  --trace-json        the trace as JSON lines\n"
		"  --trace-calls=LIST  only these calls and events (A,B*,...)\n"
		"  --trace-objects=LIST  only calls naming these object IDs\n"
		"  --fail CALL:ERRNO[:N|:N+|:P%%]\n"
		"                      make the Nth (every, from the Nth, P "
		"percent) such\n"
		"                      call fail with ERRNO (repeat for more)\n"
		"  --fail-seed N       the seed of the P%% choices\n"
		"  --fail-nth N        the Nth failable point of the engine "
		"fails\n"
		"  --fail-dma ADDR[+LEN][:read|:write]\n"
		"                      device DMA touching the range faults\n"
		"  --iotlb-strict      report every DMA through an IOTLB "
		"entry the guest's\n"
		"                      tables no longer agree with, and the "
		"missing\n"
		"                      invalidation (vtd, smmuv3)\n"
		"  --ctl               serve uiommufdctl(1) from the program\n"
		"  --experimental=noiommu\n"
		"                      uAPI after Linux 7.2, not stable: "
		"no-IOMMU devices\n"
		"                      bound to an iommufd, "
		"IOMMU_IOAS_NOIOMMU_GET_PA\n"
		"  --help              show this help\n"
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

/* Append @value to the list in the environment variable @name */
static int append_env(const char *name, const char *value)
{
	const char *old = getenv(name);
	char *val;
	int rc;

	if (old && old[0])
		rc = asprintf(&val, "%s;%s", old, value);
	else
		rc = asprintf(&val, "%s", value);
	if (rc < 0 || setenv(name, val, 1)) {
		perror("uiommufd-run");
		return -1;
	}
	free(val);
	return 0;
}

/* Append @spec to the device list UIOMMUFD_DEVICES gives the engine */
static int add_device(const char *spec)
{
	if (!spec[0] || strpbrk(spec, "; \t\n")) {
		fprintf(stderr, "uiommufd-run: bad device '%s'\n", spec);
		return -1;
	}
	return append_env("UIOMMUFD_DEVICES", spec);
}

/*
 * The trace goes to @file, emptied first; the engine appends to it, so
 * the programs PROGRAM runs add their lines. The path is made absolute:
 * the program may change its directory.
 */
static int set_trace(const char *file)
{
	char abs[PATH_MAX];
	int fd;

	if (!file)
		return setenv("UIOMMUFD_TRACE", "-", 1);
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || !realpath(file, abs)) {
		fprintf(stderr, "uiommufd-run: %s: %s\n", file,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return setenv("UIOMMUFD_TRACE", abs, 1);
}

/* Options that set an environment variable of the engine */
struct env_option {
	const char *name;
	const char *env;
	int (*set)(const char *env, const char *value); /* NULL: setenv */
};

static int set_plain(const char *env, const char *value)
{
	return setenv(env, value, 1);
}

static const struct env_option env_options[] = {
	{"--trace-calls", "UIOMMUFD_TRACE_CALLS", set_plain},
	{"--trace-objects", "UIOMMUFD_TRACE_OBJECTS", set_plain},
	{"--fail", "UIOMMUFD_FAIL", append_env},
	{"--fail-seed", "UIOMMUFD_FAIL_SEED", set_plain},
	{"--fail-nth", "UIOMMUFD_FAIL_NTH", set_plain},
	{"--fail-dma", "UIOMMUFD_FAIL_DMA", append_env},
	{"--experimental", "UIOMMUFD_EXPERIMENTAL", append_env},
};

/*
 * "--name VALUE" or "--name=VALUE" of the table: 1 if handled (*i moved
 * past the value), 0 if not such an option, -1 on error
 */
static int env_option(int argc, char **argv, int *i)
{
	for (size_t k = 0; k != sizeof(env_options) / sizeof(env_options[0]);
	     k++) {
		const struct env_option *o = &env_options[k];
		size_t len = strlen(o->name);
		const char *value;

		if (strncmp(argv[*i], o->name, len))
			continue;
		if (argv[*i][len] == '=') {
			value = argv[*i] + len + 1;
		} else if (!argv[*i][len] && *i + 1 < argc) {
			value = argv[++*i];
		} else if (!argv[*i][len]) {
			fprintf(stderr, "uiommufd-run: %s needs a value\n",
				o->name);
			return -1;
		} else {
			continue;
		}
		if (o->set(o->env, value)) {
			perror("uiommufd-run");
			return -1;
		}
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *opt_lib = NULL;
	char buf[PATH_MAX];
	int i, rc;

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
		} else if (!strcmp(argv[i], "--trace") ||
			   !strncmp(argv[i], "--trace=", 8)) {
			if (set_trace(argv[i][7] ? argv[i] + 8 : NULL))
				return 2;
		} else if (!strcmp(argv[i], "--trace-json")) {
			setenv("UIOMMUFD_TRACE_FORMAT", "json", 1);
		} else if (!strcmp(argv[i], "--iotlb-strict")) {
			setenv("UIOMMUFD_IOTLB_STRICT", "1", 1);
		} else if (!strcmp(argv[i], "--ctl")) {
			setenv("UIOMMUFD_CTL", "1", 1);
		} else if ((rc = env_option(argc, argv, &i))) {
			if (rc < 0)
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
