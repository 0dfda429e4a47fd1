// SPDX-License-Identifier: MIT
/*
 * The lock checker (see lockdep.h).
 *
 * Classes and the dependency graph are global: an adjacency bit matrix
 * read without a lock (a dependency, once recorded, stays) and written
 * under graph_lock, a plain pthread mutex the checker does not check. A
 * new dependency is looked for in reverse (is A reachable from B?) before
 * it is recorded, so the graph never holds a cycle: the first acquisition
 * that would close one is reported. The checker never uses the engine's
 * allocator, so it does not change what fail-nth counts.
 *
 * UIOMMUFD_LOCKDEP_DUMP=1 prints the classes and dependencies seen when
 * the process exits.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lock.h"

#ifdef UFD_LOCKDEP

#define MAX_CLASSES 256
#define MAX_DEPTH   32
#define MAX_DEPS    2048

struct lock_class {
	const void *key;
	const char *name;
	unsigned int id;
};

struct held_lock {
	const void *lock;
	struct lock_class *class;
	int mode;
};

/* The classes held when a dependency was first seen: its witness */
struct dep_witness {
	uint16_t from, to;
	uint16_t n;
	uint16_t held[MAX_DEPTH];
};

static pthread_mutex_t graph_lock = PTHREAD_MUTEX_INITIALIZER;
static struct lock_class classes[MAX_CLASSES];
static unsigned int nr_classes;
/* deps[a][b / 64] bit b % 64: b was taken while a was held */
static uint64_t deps[MAX_CLASSES][MAX_CLASSES / 64];
static struct dep_witness witnesses[MAX_DEPS];
static unsigned int nr_witnesses;

static __thread struct held_lock held[MAX_DEPTH];
static __thread unsigned int depth;

__attribute__((noreturn, format(printf, 1, 2))) static void
lockdep_die(const char *fmt, ...);

static void print_held(const char *indent)
{
	for (unsigned int i = 0; i != depth; i++)
		fprintf(stderr, "%s%s%s\n", indent, held[i].class->name,
			held[i].mode == LOCKDEP_HELD_READ ? " (read)" : "");
}

static void lockdep_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "uiommufd lockdep: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n  thread %ld holds:\n", (long)gettid());
	if (!depth)
		fprintf(stderr, "    nothing\n");
	print_held("    ");
	abort();
}

void lockdep_init_map(struct lockdep_map *map, const char *name,
		      const struct lock_class_key *key)
{
	map->key = key;
	map->name = name;
	map->class = NULL;
}

static struct lock_class *register_class(struct lockdep_map *map,
					 const void *lock)
{
	const void *key = map->key ? (const void *)map->key : lock;
	struct lock_class *class = NULL;

	pthread_mutex_lock(&graph_lock);
	for (unsigned int i = 0; i != nr_classes; i++)
		if (classes[i].key == key)
			class = &classes[i];
	if (!class) {
		if (nr_classes == MAX_CLASSES) {
			pthread_mutex_unlock(&graph_lock);
			lockdep_die("more than %u lock classes", MAX_CLASSES);
		}
		class = &classes[nr_classes];
		class->key = key;
		class->name = map->name ? map->name : "(unnamed lock)";
		class->id = nr_classes;
		__atomic_store_n(&nr_classes, nr_classes + 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&graph_lock);
	__atomic_store_n(&map->class, class, __ATOMIC_RELEASE);
	return class;
}

static struct lock_class *map_class(struct lockdep_map *map, const void *lock)
{
	struct lock_class *class =
		__atomic_load_n(&map->class, __ATOMIC_ACQUIRE);

	return class ? class : register_class(map, lock);
}

static bool dep_test(unsigned int a, unsigned int b)
{
	return __atomic_load_n(&deps[a][b / 64], __ATOMIC_ACQUIRE) &
	       (1ULL << (b % 64));
}

/* A path from -> ... -> to in the graph (parent[] gives it); graph_lock */
static bool dep_path(unsigned int from, unsigned int to, int *parent)
{
	unsigned int queue[MAX_CLASSES], head = 0, tail = 0;

	for (unsigned int i = 0; i != MAX_CLASSES; i++)
		parent[i] = -1;
	parent[from] = (int)from;
	queue[tail++] = from;
	while (head != tail) {
		unsigned int n = queue[head++];

		if (n == to)
			return true;
		for (unsigned int m = 0; m != nr_classes; m++) {
			if (parent[m] >= 0 || !dep_test(n, m))
				continue;
			parent[m] = (int)n;
			queue[tail++] = m;
		}
	}
	return false;
}

static const struct dep_witness *find_witness(unsigned int a, unsigned int b)
{
	for (unsigned int i = 0; i != nr_witnesses; i++)
		if (witnesses[i].from == a && witnesses[i].to == b)
			return &witnesses[i];
	return NULL;
}

static void print_witness(unsigned int a, unsigned int b)
{
	const struct dep_witness *w = find_witness(a, b);

	fprintf(stderr, "    %s -> %s, taken while holding:", classes[a].name,
		classes[b].name);
	for (unsigned int i = 0; w && i != w->n; i++)
		fprintf(stderr, " %s", classes[w->held[i]].name);
	fprintf(stderr, "\n");
}

/* The graph has b ->* a: taking b while holding a can deadlock */
__attribute__((noreturn)) static void
report_inversion(struct lock_class *a, struct lock_class *b, const int *parent)
{
	unsigned int path[MAX_CLASSES], n = 0;

	for (unsigned int c = a->id; c != b->id; c = (unsigned int)parent[c])
		path[n++] = c;
	path[n++] = b->id;
	fprintf(stderr,
		"uiommufd lockdep: lock order inversion (possible deadlock)\n"
		"  thread %ld takes %s while holding:\n",
		(long)gettid(), b->name);
	print_held("    ");
	fprintf(stderr, "  but the opposite order was seen before:\n");
	while (n > 1) {
		print_witness(path[n - 1], path[n - 2]);
		n--;
	}
	abort();
}

/* Record a -> b, unless it would close a cycle */
static void add_dep(struct lock_class *a, struct lock_class *b)
{
	int parent[MAX_CLASSES];
	struct dep_witness *w;

	pthread_mutex_lock(&graph_lock);
	if (dep_test(a->id, b->id))
		goto out_unlock;
	if (dep_path(b->id, a->id, parent)) {
		pthread_mutex_unlock(&graph_lock);
		report_inversion(a, b, parent);
	}
	if (nr_witnesses != MAX_DEPS) {
		w = &witnesses[nr_witnesses++];
		w->from = (uint16_t)a->id;
		w->to = (uint16_t)b->id;
		w->n = (uint16_t)depth;
		for (unsigned int i = 0; i != depth; i++)
			w->held[i] = (uint16_t)held[i].class->id;
	}
	__atomic_fetch_or(&deps[a->id][b->id / 64], 1ULL << (b->id % 64),
			  __ATOMIC_RELEASE);
out_unlock:
	pthread_mutex_unlock(&graph_lock);
}

void lockdep_acquire(struct lockdep_map *map, const void *lock, int mode,
		     const void *nest)
{
	struct lock_class *class = map_class(map, lock);

	if (nest && !lockdep_is_held(nest, LOCKDEP_HELD_ANY))
		lockdep_die("%s taken nested under a lock not held",
			    class->name);
	for (unsigned int i = 0; i != depth; i++) {
		if (held[i].lock == lock)
			lockdep_die("recursive locking: %s is already held",
				    class->name);
		if (held[i].class == class && !nest)
			lockdep_die("possible recursive locking: another lock "
				    "of class %s is held",
				    class->name);
	}
	for (unsigned int i = 0; i != depth; i++)
		if (held[i].class != class &&
		    !dep_test(held[i].class->id, class->id))
			add_dep(held[i].class, class);
	if (depth == MAX_DEPTH)
		lockdep_die("more than %u locks held", MAX_DEPTH);
	held[depth++] = (struct held_lock){
		.lock = lock,
		.class = class,
		.mode = mode,
	};
}

/*
 * A trylock that succeeded: it never waited, so it cannot close a cycle and
 * adds no order; it is only recorded as held, so what is taken under it is
 * ordered after it.
 */
void lockdep_acquired_trylock(struct lockdep_map *map, const void *lock,
			      int mode)
{
	struct lock_class *class = map_class(map, lock);

	for (unsigned int i = 0; i != depth; i++)
		if (held[i].lock == lock)
			lockdep_die("recursive locking: %s is already held",
				    class->name);
	if (depth == MAX_DEPTH)
		lockdep_die("more than %u locks held", MAX_DEPTH);
	held[depth++] = (struct held_lock){
		.lock = lock,
		.class = class,
		.mode = mode,
	};
}

void lockdep_release(const void *lock)
{
	unsigned int i = depth;

	while (i-- != 0) {
		if (held[i].lock != lock)
			continue;
		memmove(&held[i], &held[i + 1],
			(depth - i - 1) * sizeof(held[0]));
		depth--;
		return;
	}
	lockdep_die("releasing a lock this thread does not hold");
}

bool lockdep_is_held(const void *lock, int mode)
{
	for (unsigned int i = 0; i != depth; i++)
		if (held[i].lock == lock &&
		    (mode == LOCKDEP_HELD_ANY || held[i].mode == mode))
			return true;
	return false;
}

void lockdep_destroy(const void *lock)
{
	if (lockdep_is_held(lock, LOCKDEP_HELD_ANY))
		lockdep_die("destroying a held lock");
}

void lockdep_assert_failed(const char *what, const char *lock, const char *file,
			   int line)
{
	lockdep_die("%s(%s) failed at %s:%d", what, lock, file, line);
}

static void lockdep_dump(void)
{
	unsigned int n = __atomic_load_n(&nr_classes, __ATOMIC_ACQUIRE);

	fprintf(stderr, "uiommufd lockdep: %u classes\n", n);
	for (unsigned int a = 0; a != n; a++) {
		fprintf(stderr, "  %s ->", classes[a].name);
		for (unsigned int b = 0; b != n; b++)
			if (dep_test(a, b))
				fprintf(stderr, " %s", classes[b].name);
		fprintf(stderr, "\n");
	}
}

__attribute__((constructor)) static void lockdep_init(void)
{
	const char *dump = getenv("UIOMMUFD_LOCKDEP_DUMP");

	if (dump && *dump == '1')
		atexit(lockdep_dump);
}

#endif /* UFD_LOCKDEP */
