/*
 * Private to the acd module: the engine's objects and the small containers
 * (id maps and indexed binary heaps) the routing decisions run on.
 */
#ifndef SB_ACD_INT_H
#define SB_ACD_INT_H

#include <stdint.h>
#include "acd.h"

/* An indexed binary heap of pointers: each item records its position
 * through setidx so that it can be removed or re-keyed in O(log n). */
struct heap {
	void **v;
	size_t n, cap;
	int (*less)(const void *a, const void *b);
	void (*setidx)(void *item, size_t idx);
};

enum { HEAP_NONE = SIZE_MAX };

int heap_push(struct heap *h, void *item);
void heap_remove(struct heap *h, size_t idx);
void heap_fix(struct heap *h, size_t idx);
void heap_free(struct heap *h);

/* Open-addressing map from a nonzero 64-bit id to a pointer. */
struct idmap {
	uint64_t *keys;
	void **vals;
	size_t n, cap; /* cap a power of two */
};

int idmap_put(struct idmap *m, uint64_t key, void *val);
void *idmap_get(const struct idmap *m, uint64_t key);
void idmap_del(struct idmap *m, uint64_t key);
void idmap_free(struct idmap *m);

/* Per-queue counts of one 15-minute interval. */
struct bucket {
	uint64_t start;
	bool used;
	struct acd_counts c;
};

enum { BUCKETS = 96 };

#endif
