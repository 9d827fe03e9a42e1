/*
 * crm_csv.c: the CSV reader and writer of customer import and export
 * (RFC 4180). The reader walks a buffer one record at a time, decoding
 * quoted fields into its scratch buffer, and counts lines so that every
 * problem can be reported with the line its record starts on. Pure: no
 * I/O.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "crm.h"

void crm_csv_init(struct crm_csv *c, const char *data, size_t len)
{
	memset(c, 0, sizeof(*c));
	c->p = data;
	c->end = data + len;
	c->next_line = 1;
	/* A UTF-8 byte order mark (spreadsheets write one). */
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		c->p += 3;
}

void crm_csv_reset(struct crm_csv *c)
{
	free(c->buf);
	free(c->fieldv);
	memset(c, 0, sizeof(*c));
}

static int grow(void **pp, size_t *capp, size_t need, size_t elem)
{
	size_t cap = *capp ? *capp : 64;
	void *p;

	if (need <= *capp)
		return 0;
	while (cap < need)
		cap *= 2;
	p = realloc(*pp, cap * elem);
	if (!p)
		return ENOMEM;
	*pp = p;
	*capp = cap;
	return 0;
}

int crm_csv_next(struct crm_csv *c)
{
	const char *p = c->p;
	size_t used = 0, starts[1024];
	size_t nf = 0;
	int err;

	if (p >= c->end)
		return ENODATA;
	c->line = c->next_line;
	/* Worst case the decoded record is as long as the rest plus NULs. */
	for (;;) {
		bool quoted = false;

		err = grow((void **)&c->buf, &c->cap,
			   used + (size_t)(c->end - p) + 2, 1);
		if (err)
			return err;
		if (nf == sizeof(starts) / sizeof(*starts))
			return EBADMSG;
		starts[nf++] = used;
		if (p < c->end && *p == '"') {
			quoted = true;
			p++;
			for (;;) {
				if (p >= c->end)
					return EBADMSG;
				if (*p == '"') {
					if (p + 1 < c->end && p[1] == '"') {
						c->buf[used++] = '"';
						p += 2;
						continue;
					}
					p++;
					break;
				}
				if (*p == '\n')
					c->next_line++;
				c->buf[used++] = *p++;
			}
		}
		while (p < c->end && *p != ',' && *p != '\n' &&
		       !(*p == '\r' && (p + 1 == c->end || p[1] == '\n'))) {
			if (quoted || *p == '"')
				return EBADMSG;
			c->buf[used++] = *p++;
		}
		c->buf[used++] = '\0';
		if (p < c->end && *p == ',') {
			p++;
			continue;
		}
		if (p < c->end && *p == '\r')
			p++;
		if (p < c->end && *p == '\n')
			p++;
		c->next_line++;
		break;
	}
	c->p = p;
	err = grow((void **)&c->fieldv, &c->fieldcap, nf, sizeof(char *));
	if (err)
		return err;
	for (size_t i = 0; i < nf; i++)
		c->fieldv[i] = c->buf + starts[i];
	c->fieldc = nf;
	return 0;
}

int crm_csv_put(char **bufp, size_t *lenp, size_t *capp, const char *s,
		bool last)
{
	size_t n = s ? strlen(s) : 0;
	bool quote = s && (strpbrk(s, ",\"\r\n") || (n && (s[0] == ' ' ||
							     s[n - 1] == ' ')));
	int err = grow((void **)bufp, capp, *lenp + 2 * n + 4, 1);

	if (err)
		return err;
	if (quote)
		(*bufp)[(*lenp)++] = '"';
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			(*bufp)[(*lenp)++] = '"';
		(*bufp)[(*lenp)++] = s[i];
	}
	if (quote)
		(*bufp)[(*lenp)++] = '"';
	(*bufp)[(*lenp)++] = last ? '\n' : ',';
	(*bufp)[*lenp] = '\0';
	return 0;
}
