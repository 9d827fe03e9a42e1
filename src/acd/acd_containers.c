/*
 * The containers under the routing core: an indexed binary heap (ordered
 * waiting tasks per queue, ordered available agents per queue) and an
 * open-addressing id map. Both are O(log n) / O(1) so that a routing
 * decision costs the same at 1,000 and 100,000 agents, give or take a log.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "acd_int.h"

static void heap_set(struct heap *h, size_t i, void *item)
{
	h->v[i] = item;
	h->setidx(item, i);
}

static void sift_up(struct heap *h, size_t i)
{
	void *item = h->v[i];

	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (!h->less(item, h->v[p]))
			break;
		heap_set(h, i, h->v[p]);
		i = p;
	}
	heap_set(h, i, item);
}

static void sift_down(struct heap *h, size_t i)
{
	void *item = h->v[i];

	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		void *best = item;

		if (l < h->n && h->less(h->v[l], best)) {
			m = l;
			best = h->v[l];
		}
		if (r < h->n && h->less(h->v[r], best))
			m = r;
		if (m == i)
			break;
		heap_set(h, i, h->v[m]);
		i = m;
	}
	heap_set(h, i, item);
}

int heap_push(struct heap *h, void *item)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 16;
		void **v = realloc(h->v, cap * sizeof(*v));

		if (!v)
			return ENOMEM;
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n] = item;
	sift_up(h, h->n++);
	return 0;
}

void heap_remove(struct heap *h, size_t idx)
{
	void *item = h->v[idx];

	h->setidx(item, HEAP_NONE);
	if (idx == --h->n)
		return;
	h->v[idx] = h->v[h->n];
	heap_fix(h, idx);
}

void heap_fix(struct heap *h, size_t idx)
{
	if (idx > 0 && h->less(h->v[idx], h->v[(idx - 1) / 2]))
		sift_up(h, idx);
	else
		sift_down(h, idx);
}

void heap_free(struct heap *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}

static size_t slot(uint64_t key, size_t cap)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (size_t)key & (cap - 1);
}

static int idmap_grow(struct idmap *m)
{
	struct idmap nm = {0};
	size_t i;

	nm.cap = m->cap ? m->cap * 2 : 64;
	nm.keys = calloc(nm.cap, sizeof(*nm.keys));
	nm.vals = calloc(nm.cap, sizeof(*nm.vals));
	if (!nm.keys || !nm.vals) {
		free(nm.keys);
		free(nm.vals);
		return ENOMEM;
	}
	for (i = 0; i < m->cap; i++) {
		if (m->keys[i])
			idmap_put(&nm, m->keys[i], m->vals[i]);
	}
	free(m->keys);
	free(m->vals);
	*m = nm;
	return 0;
}

int idmap_put(struct idmap *m, uint64_t key, void *val)
{
	size_t i;

	if (!key)
		return EINVAL;
	if ((m->n + 1) * 2 > m->cap) {
		int err = idmap_grow(m);

		if (err)
			return err;
	}
	for (i = slot(key, m->cap); m->keys[i]; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			m->vals[i] = val;
			return 0;
		}
	}
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
	return 0;
}

void *idmap_get(const struct idmap *m, uint64_t key)
{
	size_t i;

	if (!m->cap || !key)
		return NULL;
	for (i = slot(key, m->cap); m->keys[i]; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key)
			return m->vals[i];
	}
	return NULL;
}

void idmap_del(struct idmap *m, uint64_t key)
{
	size_t i, j;

	if (!m->cap || !key)
		return;
	for (i = slot(key, m->cap); m->keys[i]; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key)
			break;
	}
	if (!m->keys[i])
		return;
	m->keys[i] = 0;
	m->n--;
	/* Re-insert the rest of the cluster (backward-shift deletion). */
	for (j = (i + 1) & (m->cap - 1); m->keys[j];
	     j = (j + 1) & (m->cap - 1)) {
		uint64_t k = m->keys[j];
		void *v = m->vals[j];

		m->keys[j] = 0;
		m->n--;
		idmap_put(m, k, v);
	}
}

void idmap_free(struct idmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}
