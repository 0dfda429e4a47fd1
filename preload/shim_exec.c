// SPDX-License-Identifier: MIT
/*
 * execve() and its relatives: the engine's files with no state yet are kept
 * over the exec (src/fs/file_exec.c, docs/multiprocess.md). Before the
 * exec their list goes into the new image's environment; the new image's
 * shim makes them again when it is loaded, before the program runs.
 *
 * glibc's execl(), execle(), execlp() and posix_spawn() reach the system
 * call without passing through these names: files are not kept by them.
 */
#include "shim.h"

#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define EXEC_FILES_VAR "UIOMMUFD_EXEC_FILES"
#define EXEC_FILES_MAX 4096

extern char **environ;

/*
 * The environment for the exec: @envp with the list of kept files, in one
 * allocation with the list; NULL when nothing is kept (or from a vfork()ed
 * child, which must not allocate: the engine says so before any malloc)
 */
static char **exec_env(char *const envp[])
{
	char list[EXEC_FILES_MAX];
	size_t n = 0, out = 0;
	char **env;
	char *var;
	int len;

	len = ENGINE_CALL(uiommufd_exec_prepare(list, sizeof(list)));
	if (len <= 0)
		return NULL;
	while (envp && envp[n])
		n++;
	env = malloc((n + 2) * sizeof(*env) + sizeof(EXEC_FILES_VAR "=") +
		     (size_t)len);
	if (!env) {
		ENGINE_CALL((uiommufd_exec_failed(), 0));
		return NULL;
	}
	var = (char *)(env + n + 2);
	strcpy(var, EXEC_FILES_VAR "=");
	strcat(var, list);
	/* A list of an earlier exec is stale here */
	for (size_t i = 0; i != n; i++)
		if (strncmp(envp[i], EXEC_FILES_VAR "=",
			    strlen(EXEC_FILES_VAR "=")))
			env[out++] = envp[i];
	env[out++] = var;
	env[out] = NULL;
	return env;
}

/* After the exec failed: the files stay as they were */
static int exec_failed(char **env)
{
	int saved = errno;

	if (env)
		ENGINE_CALL((uiommufd_exec_failed(), 0));
	free(env);
	errno = saved;
	return -1;
}

SHIM_EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	shim_execve_fn fn = REAL(execve);
	char **env = exec_env(envp);

	if (fn)
		fn(path, argv, env ? env : envp);
	else
		syscall(SYS_execve, path, argv, env ? env : envp);
	return exec_failed(env);
}

SHIM_EXPORT int execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

SHIM_EXPORT int execvpe(const char *file, char *const argv[],
			char *const envp[])
{
	shim_execvpe_fn fn = REAL(execvpe);
	char **env;

	if (!fn)
		return shim_fail(-ENOSYS);
	env = exec_env(envp);
	fn(file, argv, env ? env : envp);
	return exec_failed(env);
}

SHIM_EXPORT int execvp(const char *file, char *const argv[])
{
	return execvpe(file, argv, environ);
}

SHIM_EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	shim_fexecve_fn fn = REAL(fexecve);
	char **env;

	if (!fn)
		return shim_fail(-ENOSYS);
	env = exec_env(envp);
	fn(fd, argv, env ? env : envp);
	return exec_failed(env);
}

/*
 * The new image: the files its predecessor kept, before the program's
 * own code runs (after the engine's page size, constructor 105)
 */
__attribute__((constructor(110))) static void shim_exec_restore(void)
{
	const char *list = getenv(EXEC_FILES_VAR);

	if (!list)
		return;
	ENGINE_CALL(uiommufd_exec_restore(list));
	unsetenv(EXEC_FILES_VAR);
}
