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

json_t *api_rows_json(sqlite3_stmt *st)
{
	json_t *arr = json_array();
	int rc, i, n;

	while (arr && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = json_object();

		n = sqlite3_column_count(st);
		for (i = 0; o && i < n; i++) {
			const char *name = sqlite3_column_name(st, i);
			json_t *v;

			switch (sqlite3_column_type(st, i)) {
			case SQLITE_INTEGER:
				v = json_integer(sqlite3_column_int64(st, i));
				break;
			case SQLITE_FLOAT:
				v = json_real(sqlite3_column_double(st, i));
				break;
			case SQLITE_NULL:
				v = json_null();
				break;
			default:
				v = json_string(
				        (const char *)sqlite3_column_text(st,
				                                          i));
				if (!v)
					v = json_null();
				break;
			}
			json_object_set_new(o, name, v);
		}
		json_array_append_new(arr, o);
	}
	sqlite3_finalize(st);
	return arr;
}
