/*
 * Small helpers shared by the api files: hex, JSON text, CSV fields.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "api_int.h"

void api_hex(char *out, const uint8_t *in, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hx[in[i] >> 4];
		out[2 * i + 1] = hx[in[i] & 15];
	}
	out[2 * n] = '\0';
}

char *api_json_text(const json_t *j)
{
	return json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
}

static int buf_put(char **bufp, size_t *lenp, size_t *capp, const char *s,
		   size_t n)
{
	if (*lenp + n + 1 > *capp) {
		size_t cap = (*capp ? *capp * 2 : 4096) + n;
		char *b = realloc(*bufp, cap);

		if (!b)
			return ENOMEM;
		*bufp = b;
		*capp = cap;
	}
	memcpy(*bufp + *lenp, s, n);
	*lenp += n;
	(*bufp)[*lenp] = '\0';
	return 0;
}

/* Appends one CSV field (RFC 4180 quoting; a leading = + - @ is prefixed
 * with ' so spreadsheets do not run it as a formula). */
int api_csv_field(char **bufp, size_t *lenp, size_t *capp, const char *s,
		  bool last)
{
	bool quote;
	int err = 0;

	if (!s)
		s = "";
	quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		err |= buf_put(bufp, lenp, capp, "\"", 1);
	if (strchr("=+-@", s[0]) && s[0])
		err |= buf_put(bufp, lenp, capp, "'", 1);
	for (; *s && !err; s++) {
		if (*s == '"')
			err |= buf_put(bufp, lenp, capp, "\"\"", 2);
		else
			err |= buf_put(bufp, lenp, capp, s, 1);
	}
	if (quote)
		err |= buf_put(bufp, lenp, capp, "\"", 1);
	err |= buf_put(bufp, lenp, capp, last ? "\r\n" : ",", last ? 2 : 1);
	return err ? ENOMEM : 0;
}

struct api_buf *api_buf_alloc(const char *data, size_t len)
{
	struct api_buf *b = malloc(sizeof(*b) + len + 1);

	if (!b)
		return NULL;
	atomic_init(&b->refs, 1);
	b->len = len;
	memcpy(b->data, data, len);
	b->data[len] = '\0';
	return b;
}

struct api_buf *api_buf_ref(struct api_buf *b)
{
	if (b)
		atomic_fetch_add_explicit(&b->refs, 1, memory_order_relaxed);
	return b;
}

void api_buf_unref(struct api_buf *b)
{
	if (b && atomic_fetch_sub_explicit(&b->refs, 1,
					   memory_order_acq_rel) == 1)
		free(b);
}
