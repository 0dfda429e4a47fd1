// SPDX-License-Identifier: MIT
/*
 * The lock checker (src/lib/lockdep.c) catches what it must: each case runs
 * in a child process and must either finish, or abort with the report it
 * names on stderr. Built with UFD_LOCKDEP whatever the build type.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../src/lib/lock.h"

struct locks {
	struct mutex a, b, c;
	struct mutex same[2];
	struct rw_semaphore outer, sem[2];
};

static void locks_init(struct locks *l)
{
	mutex_init(&l->a);
	mutex_init(&l->b);
	mutex_init(&l->c);
	for (int i = 0; i != 2; i++)
		mutex_init(&l->same[i]);
	init_rwsem(&l->outer);
	for (int i = 0; i != 2; i++)
		init_rwsem(&l->sem[i]);
}

static void lock_pair(struct mutex *x, struct mutex *y)
{
	mutex_lock(x);
	mutex_lock(y);
	mutex_unlock(y);
	mutex_unlock(x);
}

static void case_good_order(struct locks *l)
{
	for (int i = 0; i != 3; i++) {
		mutex_lock(&l->a);
		lockdep_assert_held(&l->a);
		lock_pair(&l->b, &l->c);
		mutex_unlock(&l->a);
	}
	down_read(&l->outer);
	lockdep_assert_held_read(&l->outer);
	up_read(&l->outer);
}

static void case_inversion(struct locks *l)
{
	lock_pair(&l->a, &l->b);
	lock_pair(&l->b, &l->a);
}

static void case_inversion_path(struct locks *l)
{
	lock_pair(&l->a, &l->b);
	lock_pair(&l->b, &l->c);
	lock_pair(&l->c, &l->a);
}

static void case_recursive(struct locks *l)
{
	mutex_lock(&l->a);
	mutex_lock(&l->a);
}

static void case_same_class(struct locks *l)
{
	lock_pair(&l->same[0], &l->same[1]);
}

static void case_nest_lock(struct locks *l)
{
	down_write(&l->outer);
	down_write_nest_lock(&l->sem[0], &l->outer);
	down_write_nest_lock(&l->sem[1], &l->outer);
	up_write(&l->sem[1]);
	up_write(&l->sem[0]);
	up_write(&l->outer);
}

static void case_nest_lock_not_held(struct locks *l)
{
	down_write_nest_lock(&l->sem[0], &l->outer);
}

static void case_assert_held(struct locks *l)
{
	lockdep_assert_held(&l->a);
}

static void case_assert_write(struct locks *l)
{
	down_read(&l->outer);
	lockdep_assert_held_write(&l->outer);
}

static void case_destroy_held(struct locks *l)
{
	mutex_lock(&l->a);
	mutex_destroy(&l->a);
}

static const struct {
	const char *name;
	void (*fn)(struct locks *l);
	const char *report; /* NULL: must finish */
} cases[] = {
	{"good order", case_good_order, NULL},
	{"inversion", case_inversion, "lock order inversion"},
	{"inversion through a path", case_inversion_path,
	 "lock order inversion"},
	{"recursive", case_recursive, "recursive locking: &l->a"},
	{"same class", case_same_class, "possible recursive locking"},
	{"nest lock", case_nest_lock, NULL},
	{"nest lock not held", case_nest_lock_not_held, "nested under a lock"},
	{"assert held", case_assert_held, "lockdep_assert_held(&l->a)"},
	{"assert write", case_assert_write, "lockdep_assert_held_write"},
	{"destroy held", case_destroy_held, "destroying a held lock"},
};

static bool run_case(unsigned int n)
{
	char out[4096] = "";
	ssize_t len = 0, got;
	int fds[2], status;
	pid_t pid;

	if (pipe(fds))
		return false;
	pid = fork();
	if (pid == 0) {
		struct locks l;

		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		locks_init(&l);
		cases[n].fn(&l);
		_exit(0);
	}
	close(fds[1]);
	while ((got = read(fds[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += got;
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (!cases[n].report) {
		if (WIFEXITED(status) && !WEXITSTATUS(status))
			return true;
		fprintf(stderr, "%s: should finish, got status %#x:\n%s",
			cases[n].name, status, out);
		return false;
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT &&
	    strstr(out, cases[n].report))
		return true;
	fprintf(stderr, "%s: should abort with \"%s\", got status %#x:\n%s",
		cases[n].name, cases[n].report, status, out);
	return false;
}

int main(void)
{
	unsigned int failed = 0;

	for (unsigned int n = 0; n != sizeof(cases) / sizeof(cases[0]); n++) {
		bool ok = run_case(n);

		printf("%-28s %s\n", cases[n].name, ok ? "ok" : "FAILED");
		failed += !ok;
	}
	return failed ? 1 : 0;
}
