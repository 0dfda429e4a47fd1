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

/* The environment for the exec: @envp with the list of kept files */
static char **exec_env(char *const envp[], char *var)
{
	size_t n = 0, out = 0;
	char **env;
	int len;

	strcpy(var, EXEC_FILES_VAR "=");
	len = ENGINE_CALL(uiommufd_exec_prepare(var + strlen(var),
						EXEC_FILES_MAX - strlen(var)));
	while (envp && envp[n])
		n++;
	env = malloc((n + 2) * sizeof(*env));
	if (!env) {
		ENGINE_CALL((uiommufd_exec_failed(), 0));
		return NULL;
	}
	/* A list of an earlier exec is stale here */
	for (size_t i = 0; i != n; i++)
		if (strncmp(envp[i], EXEC_FILES_VAR "=",
			    strlen(EXEC_FILES_VAR "=")))
			env[out++] = envp[i];
	if (len > 0)
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
	static __thread char var[EXEC_FILES_MAX];
	char **env = exec_env(envp, var);

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
	static __thread char var[EXEC_FILES_MAX];
	char **env;

	if (!fn)
		return shim_fail(-ENOSYS);
	env = exec_env(envp, var);
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
	static __thread char var[EXEC_FILES_MAX];
	char **env;

	if (!fn)
		return shim_fail(-ENOSYS);
	env = exec_env(envp, var);
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
