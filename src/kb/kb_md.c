/*
 * kb_md.c: the knowledge base's Markdown renderer, a pure function from
 * the text a writer typed to HTML an agent's browser can show with
 * innerHTML. Nothing typed can run script: every character of the input
 * reaches the output escaped (& < > " ' become entities), the only tags
 * are the ones this file writes, the only attribute is href, and an href
 * is written only for http:, https: and mailto: URLs (anything else keeps
 * its text and loses the link). Raw HTML is shown as text.
 *
 * Blocks: ATX headings (# to ######), paragraphs, fenced code (``` or
 * ~~~), bullet (- * +) and ordered (1. or 1)) lists nested by indentation,
 * block quotes (>), thematic breaks (--- *** ___). Inline: `code`,
 * *em* _em_ **strong** __strong__, [text](url "title"), ![alt](url) (a
 * link, never an image), <https://autolinks>, bare http(s) URLs, backslash
 * escapes and hard breaks (two trailing spaces or a backslash). Entities
 * the writer types are shown as typed (&amp; stays "&amp;" on screen).
 *
 * Cost is linear in practice: searches for a closing delimiter look at
 * most SCAN_MAX bytes ahead and nesting stops at DEPTH_MAX, so hostile
 * input cannot make it quadratic or recurse without bound.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "kb/kb.h"

enum {
	DEPTH_MAX = 16,  /* nested blocks and inline spans */
	SCAN_MAX = 2048, /* look-ahead for a closing delimiter */
	URL_MAX = 2048,
};

struct buf {
	char *p;
	size_t n, sz;
	bool oom;
};

struct line {
	const char *s;
	size_t len;
};

/* --- Output ------------------------------------------------------------- */

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->oom || !n)
		return;
	if (b->n + n + 1 > b->sz) {
		size_t sz = b->sz ? b->sz : 256;
		char *p;

		while (sz < b->n + n + 1)
			sz *= 2;
		p = realloc(b->p, sz);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->sz = sz;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* Escapes for text and attribute values alike. Control characters other
 * than tab and newline are dropped (they have no business in an article
 * and the index uses two of them as highlight markers). */
static void put_esc(struct buf *b, const char *s, size_t n)
{
	size_t i, from = 0;
	const char *rep;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			rep = (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f
			              ? ""
			              : NULL;
			break;
		}
		if (!rep)
			continue;
		put(b, s + from, i - from);
		puts_(b, rep);
		from = i + 1;
	}
	put(b, s + from, n - from);
}

/* --- Links -------------------------------------------------------------- */

/* True for a URL that may become an href: http, https or mailto, with no
 * space, control character or quote anywhere in it. */
bool kb_md_url_allowed(const char *url, size_t n)
{
	size_t i;

	if (!n || n > URL_MAX)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)url[i];

		if (c <= 0x20 || c == 0x7f || c == '"' || c == '\'' ||
		    c == '<' || c == '>' || c == '`')
			return false;
	}
	if (n > 7 && !strncasecmp(url, "http://", 7))
		return true;
	if (n > 8 && !strncasecmp(url, "https://", 8))
		return true;
	if (n > 7 && !strncasecmp(url, "mailto:", 7))
		return true;
	return false;
}

static void put_link_open(struct buf *b, const char *url, size_t n)
{
	puts_(b, "<a href=\"");
	put_esc(b, url, n);
	puts_(b, "\" rel=\"nofollow noopener noreferrer\">");
}

/* --- Inline ------------------------------------------------------------- */

static void inline_render(struct buf *b, const char *s, size_t n, int depth,
                          bool in_link);

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static bool is_alnum(char c)
{
	return isalnum((unsigned char)c) || (unsigned char)c >= 0x80;
}

static size_t run_len(const char *s, size_t n, size_t i, char c)
{
	size_t k = i;

	while (k < n && s[k] == c)
		k++;
	return k - i;
}

/* Closing delimiter for emphasis of w copies of c opened at i; 0 if none
 * within SCAN_MAX. */
static size_t emph_close(const char *s, size_t n, size_t i, char c, size_t w)
{
	size_t j, lim = i + w + SCAN_MAX < n ? i + w + SCAN_MAX : n;

	for (j = i + w + 1; j + w <= lim; j++) {
		if (s[j] == '\\') {
			j++;
			continue;
		}
		if (s[j] != c || run_len(s, n, j, c) < w)
			continue;
		if (is_space(s[j - 1]))
			continue;
		if (w == 1 && ((j + 1 < n && s[j + 1] == c) || s[j - 1] == c))
			continue;
		if (c == '_' && j + w < n && is_alnum(s[j + w]))
			continue;
		return j;
	}
	return 0;
}

/* Parses "[text](url "title")" at s[i] == '['. On success sets the text
 * span, the URL span and *endp (index after ')'). */
static bool link_parse(const char *s, size_t n, size_t i, size_t *t0,
                       size_t *t1, size_t *u0, size_t *u1, size_t *endp)
{
	size_t j, lim = i + SCAN_MAX < n ? i + SCAN_MAX : n;
	int nest = 0;

	for (j = i + 1; j < lim; j++) {
		if (s[j] == '\\') {
			j++;
			continue;
		}
		if (s[j] == '[')
			nest++;
		else if (s[j] == ']' && nest-- == 0)
			break;
	}
	if (j >= lim || j + 1 >= n || s[j + 1] != '(')
		return false;
	*t0 = i + 1;
	*t1 = j;
	j += 2;
	while (j < n && (s[j] == ' ' || s[j] == '\t'))
		j++;
	*u0 = j;
	nest = 0;
	lim = j + URL_MAX < n ? j + URL_MAX : n;
	for (; j < lim; j++) {
		if (is_space(s[j]))
			break;
		if (s[j] == '(')
			nest++;
		else if (s[j] == ')' && nest-- == 0)
			break;
	}
	if (j >= lim)
		return false;
	*u1 = j;
	while (j < n && (s[j] == ' ' || s[j] == '\t'))
		j++;
	if (j < n && (s[j] == '"' || s[j] == '\'')) {
		char q = s[j];

		for (j++; j < lim && s[j] != q; j++)
			;
		if (j >= lim)
			return false;
		j++;
		while (j < n && (s[j] == ' ' || s[j] == '\t'))
			j++;
	}
	if (j >= n || s[j] != ')')
		return false;
	*endp = j + 1;
	return true;
}

static size_t bare_url_len(const char *s, size_t n, size_t i)
{
	size_t j;

	if (!((n - i > 7 && !strncasecmp(s + i, "http://", 7)) ||
	      (n - i > 8 && !strncasecmp(s + i, "https://", 8))))
		return 0;
	if (i && (is_alnum(s[i - 1]) || s[i - 1] == '/'))
		return 0;
	for (j = i; j < n && j - i < URL_MAX; j++) {
		unsigned char c = (unsigned char)s[j];

		if (c <= 0x20 || c == '<' || c == '>' || c == '"' ||
		    c == '\'' || c == '`' || c == 0x7f)
			break;
	}
	while (j > i && strchr(".,;:!?)*_", s[j - 1]))
		j--;
	return kb_md_url_allowed(s + i, j - i) ? j - i : 0;
}

static void inline_render(struct buf *b, const char *s, size_t n, int depth,
                          bool in_link)
{
	size_t i = 0, from = 0, k, j;

	if (depth > DEPTH_MAX) {
		put_esc(b, s, n);
		return;
	}
#define FLUSH()                                                                \
	do {                                                                   \
		put_esc(b, s + from, i - from);                                \
	} while (0)
	while (i < n) {
		char c = s[i];

		if (c == '\\' && i + 1 < n &&
		    ispunct((unsigned char)s[i + 1])) {
			FLUSH();
			put_esc(b, s + i + 1, 1);
			i += 2;
			from = i;
			continue;
		}
		if (c == '\n' &&
		    ((i >= 2 && s[i - 1] == ' ' && s[i - 2] == ' ') ||
		     (i >= 1 && s[i - 1] == '\\'))) {
			size_t e = i;

			while (e > from &&
			       (s[e - 1] == ' ' || s[e - 1] == '\\'))
				e--;
			put_esc(b, s + from, e - from);
			puts_(b, "<br>\n");
			from = ++i;
			continue;
		}
		if (c == '`') {
			size_t r = run_len(s, n, i, '`');
			size_t lim =
			        i + r + SCAN_MAX < n ? i + r + SCAN_MAX : n;

			for (j = i + r; j < lim; j++)
				if (s[j] == '`') {
					k = run_len(s, n, j, '`');
					if (k == r)
						break;
					j += k - 1;
				}
			FLUSH();
			if (j < lim) {
				size_t a = i + r, e = j;

				if (e - a >= 2 && s[a] == ' ' &&
				    s[e - 1] == ' ')
					a++, e--;
				puts_(b, "<code>");
				put_esc(b, s + a, e - a);
				puts_(b, "</code>");
				i = j + r;
			} else {
				put_esc(b, s + i, r);
				i += r;
			}
			from = i;
			continue;
		}
		if (c == '*' || c == '_') {
			size_t r = run_len(s, n, i, c);
			size_t w = r >= 2 ? 2 : 1;

			j = 0;
			if (i + w < n && !is_space(s[i + w]) &&
			    !(c == '_' && i && is_alnum(s[i - 1])))
				j = emph_close(s, n, i, c, w);
			FLUSH();
			if (j) {
				puts_(b, w == 2 ? "<strong>" : "<em>");
				inline_render(b, s + i + w, j - i - w,
				              depth + 1, in_link);
				puts_(b, w == 2 ? "</strong>" : "</em>");
				i = j + w;
			} else {
				put_esc(b, s + i, r);
				i += r;
			}
			from = i;
			continue;
		}
		if ((c == '[' || (c == '!' && i + 1 < n && s[i + 1] == '[')) &&
		    !in_link) {
			size_t t0, t1, u0, u1, end;
			size_t at = c == '!' ? i + 1 : i;

			if (link_parse(s, n, at, &t0, &t1, &u0, &u1, &end)) {
				FLUSH();
				if (kb_md_url_allowed(s + u0, u1 - u0)) {
					put_link_open(b, s + u0, u1 - u0);
					inline_render(b, s + t0, t1 - t0,
					              depth + 1, true);
					puts_(b, "</a>");
				} else
					inline_render(b, s + t0, t1 - t0,
					              depth + 1, true);
				i = end;
				from = i;
				continue;
			}
		}
		if (c == '<' && !in_link) {
			for (j = i + 1; j < n && j - i < URL_MAX; j++)
				if (s[j] == '>' || s[j] == '<' ||
				    is_space(s[j]))
					break;
			if (j < n && s[j] == '>' &&
			    kb_md_url_allowed(s + i + 1, j - i - 1)) {
				FLUSH();
				put_link_open(b, s + i + 1, j - i - 1);
				put_esc(b, s + i + 1, j - i - 1);
				puts_(b, "</a>");
				i = j + 1;
				from = i;
				continue;
			}
		}
		if ((c == 'h' || c == 'H') && !in_link &&
		    (k = bare_url_len(s, n, i))) {
			FLUSH();
			put_link_open(b, s + i, k);
			put_esc(b, s + i, k);
			puts_(b, "</a>");
			i += k;
			from = i;
			continue;
		}
		i++;
	}
	FLUSH();
#undef FLUSH
}

/* --- Blocks ------------------------------------------------------------- */

static size_t indent_of(const struct line *l)
{
	size_t i, col = 0;

	for (i = 0; i < l->len; i++) {
		if (l->s[i] == ' ')
			col++;
		else if (l->s[i] == '\t')
			col += 4 - col % 4;
		else
			break;
	}
	return col;
}

/* Index of the first non-blank byte. */
static size_t lead(const struct line *l)
{
	size_t i = 0;

	while (i < l->len && (l->s[i] == ' ' || l->s[i] == '\t'))
		i++;
	return i;
}

static bool blank(const struct line *l)
{
	return lead(l) == l->len;
}

static bool is_fence(const struct line *l, char *fc, size_t *fl)
{
	size_t i = lead(l), r;

	if (indent_of(l) > 3 || i >= l->len ||
	    (l->s[i] != '`' && l->s[i] != '~'))
		return false;
	r = run_len(l->s, l->len, i, l->s[i]);
	if (r < 3)
		return false;
	*fc = l->s[i];
	*fl = r;
	return true;
}

static int heading_level(const struct line *l, size_t *textp)
{
	size_t i = lead(l), r;

	if (indent_of(l) > 3 || i >= l->len || l->s[i] != '#')
		return 0;
	r = run_len(l->s, l->len, i, '#');
	if (r > 6 ||
	    (i + r < l->len && l->s[i + r] != ' ' && l->s[i + r] != '\t'))
		return 0;
	*textp = i + r;
	return (int)r;
}

static bool is_hr(const struct line *l)
{
	size_t i = lead(l), count = 0;
	char c;

	if (indent_of(l) > 3 || i >= l->len)
		return false;
	c = l->s[i];
	if (c != '-' && c != '*' && c != '_')
		return false;
	for (; i < l->len; i++) {
		if (l->s[i] == c)
			count++;
		else if (l->s[i] != ' ' && l->s[i] != '\t')
			return false;
	}
	return count >= 3;
}

static bool is_quote(const struct line *l)
{
	size_t i = lead(l);

	return indent_of(l) <= 3 && i < l->len && l->s[i] == '>';
}

/* A list item marker: *ordered says which kind, *contentp the byte index
 * of the item's text and *colp its column. */
static bool list_marker(const struct line *l, bool *ordered, size_t *contentp,
                        size_t *colp)
{
	size_t i = lead(l), j = i;

	if (i >= l->len)
		return false;
	if (l->s[i] == '-' || l->s[i] == '*' || l->s[i] == '+') {
		*ordered = false;
		j = i + 1;
	} else {
		while (j < l->len && j - i < 9 &&
		       isdigit((unsigned char)l->s[j]))
			j++;
		if (j == i || j >= l->len || (l->s[j] != '.' && l->s[j] != ')'))
			return false;
		*ordered = true;
		j++;
	}
	if (j < l->len && l->s[j] != ' ' && l->s[j] != '\t')
		return false;
	*colp = indent_of(l) + (j - i) + 1;
	while (j < l->len && (l->s[j] == ' ' || l->s[j] == '\t'))
		j++;
	*contentp = j;
	return true;
}

static bool starts_block(const struct line *l)
{
	size_t t, c, col;
	bool o;
	char fc;

	return heading_level(l, &t) || is_fence(l, &fc, &t) || is_hr(l) ||
	       is_quote(l) || list_marker(l, &o, &c, &col);
}

/* Removes up to col columns of indentation from l into out. */
static struct line dedent(const struct line *l, size_t col)
{
	struct line o = *l;
	size_t c = 0;

	while (o.len && c < col && (o.s[0] == ' ' || o.s[0] == '\t')) {
		c += o.s[0] == '\t' ? 4 - c % 4 : 1;
		o.s++;
		o.len--;
	}
	return o;
}

static void blocks_render(struct buf *b, const struct line *lv, size_t n,
                          int depth, bool tight);

static void paragraph(struct buf *b, const struct line *lv, size_t n,
                      bool tight)
{
	struct buf tmp = {0};
	size_t i;

	for (i = 0; i < n; i++) {
		size_t a = lead(&lv[i]);

		if (i)
			put(&tmp, "\n", 1);
		put(&tmp, lv[i].s + a, lv[i].len - a);
	}
	/* trailing spaces of the last line are no hard break */
	while (tmp.n && (tmp.p[tmp.n - 1] == ' ' || tmp.p[tmp.n - 1] == '\t'))
		tmp.n--;
	if (tmp.oom)
		b->oom = true;
	if (!tight)
		puts_(b, "<p>");
	if (tmp.n)
		inline_render(b, tmp.p, tmp.n, 0, false);
	if (!tight)
		puts_(b, "</p>\n");
	free(tmp.p);
}

/* A list starting at lv[0]; returns the number of lines it used. */
static size_t list_render(struct buf *b, const struct line *lv, size_t n,
                          int depth)
{
	struct line *item = calloc(n ? n : 1, sizeof(*item));
	size_t i = 0, content, col, base = indent_of(&lv[0]);
	bool ordered, o2;

	if (!item) {
		b->oom = true;
		return n;
	}
	(void)list_marker(&lv[0], &ordered, &content, &col);
	puts_(b, ordered ? "<ol>\n" : "<ul>\n");
	while (i < n) {
		size_t m = 0, c2, col2, last = 0;
		bool loose = false;

		if (!list_marker(&lv[i], &o2, &content, &col) ||
		    o2 != ordered || indent_of(&lv[i]) < base ||
		    indent_of(&lv[i]) >= base + 4)
			break;
		item[m].s = lv[i].s + content;
		item[m].len = lv[i].len - content;
		m++;
		for (i++; i < n; i++) {
			if (blank(&lv[i])) {
				item[m++] = lv[i];
				continue;
			}
			if (indent_of(&lv[i]) >= col) {
				if (m && blank(&item[m - 1]))
					loose = true;
				item[m++] = dedent(&lv[i], col);
				continue;
			}
			/* a lazy continuation of the item's paragraph */
			if (!blank(&item[m - 1]) && !starts_block(&lv[i])) {
				item[m++] = lv[i];
				continue;
			}
			break;
		}
		/* blank lines at the end belong to no one */
		last = m;
		while (last > 1 && blank(&item[last - 1]))
			last--;
		if (last < m && i < n && list_marker(&lv[i], &o2, &c2, &col2) &&
		    o2 == ordered && indent_of(&lv[i]) >= base &&
		    indent_of(&lv[i]) < base + 4)
			loose = true;
		puts_(b, "<li>");
		blocks_render(b, item, last, depth + 1, !loose);
		puts_(b, "</li>\n");
		if (last < m &&
		    !(i < n && list_marker(&lv[i], &o2, &c2, &col2)))
			break;
	}
	puts_(b, ordered ? "</ol>\n" : "</ul>\n");
	free(item);
	return i ? i : 1;
}

static void blocks_render(struct buf *b, const struct line *lv, size_t n,
                          int depth, bool tight)
{
	size_t i = 0, j, t, fl;
	bool o;
	char fc;
	int level;

	if (depth > DEPTH_MAX) {
		paragraph(b, lv, n, tight);
		return;
	}
	while (i < n && !b->oom) {
		const struct line *l = &lv[i];

		if (blank(l)) {
			i++;
			continue;
		}
		if (is_fence(l, &fc, &fl)) {
			size_t strip = indent_of(l);

			puts_(b, "<pre><code>");
			for (j = i + 1; j < n; j++) {
				char fc2;
				size_t fl2;

				if (is_fence(&lv[j], &fc2, &fl2) && fc2 == fc &&
				    fl2 >= fl &&
				    lead(&lv[j]) + fl2 == lv[j].len)
					break;
				struct line d = dedent(&lv[j], strip);

				put_esc(b, d.s, d.len);
				put(b, "\n", 1);
			}
			puts_(b, "</code></pre>\n");
			i = j < n ? j + 1 : n;
			continue;
		}
		if ((level = heading_level(l, &t))) {
			size_t e = l->len;
			char tag[8];

			while (e > t &&
			       (l->s[e - 1] == ' ' || l->s[e - 1] == '\t'))
				e--;
			while (e > t && l->s[e - 1] == '#')
				e--;
			while (t < e && (l->s[t] == ' ' || l->s[t] == '\t'))
				t++;
			while (e > t &&
			       (l->s[e - 1] == ' ' || l->s[e - 1] == '\t'))
				e--;
			tag[0] = '<', tag[1] = 'h',
			tag[2] = (char)('0' + level);
			tag[3] = '>', tag[4] = '\0';
			puts_(b, tag);
			inline_render(b, l->s + t, e - t, 0, false);
			tag[1] = '/', tag[2] = 'h',
			tag[3] = (char)('0' + level);
			tag[4] = '>', tag[5] = '\0';
			puts_(b, tag);
			put(b, "\n", 1);
			i++;
			continue;
		}
		if (is_hr(l)) {
			puts_(b, "<hr>\n");
			i++;
			continue;
		}
		if (is_quote(l)) {
			struct line *q = calloc(n - i, sizeof(*q));
			size_t m = 0;

			if (!q) {
				b->oom = true;
				return;
			}
			for (j = i; j < n && is_quote(&lv[j]); j++) {
				size_t a = lead(&lv[j]) + 1;

				if (a < lv[j].len && lv[j].s[a] == ' ')
					a++;
				q[m].s = lv[j].s + a;
				q[m].len = lv[j].len - a;
				m++;
			}
			puts_(b, "<blockquote>\n");
			blocks_render(b, q, m, depth + 1, false);
			puts_(b, "</blockquote>\n");
			free(q);
			i = j;
			continue;
		}
		if (list_marker(l, &o, &t, &fl)) {
			i += list_render(b, lv + i, n - i, depth);
			continue;
		}
		for (j = i + 1;
		     j < n && !blank(&lv[j]) && !starts_block(&lv[j]); j++)
			;
		paragraph(b, lv + i, j - i, tight);
		if (tight && j < n)
			put(b, "\n", 1);
		i = j;
	}
}

static int lines_split(struct line **lvp, size_t *np, const char *md,
                       size_t len)
{
	size_t i, n = 1, k = 0, from = 0;
	struct line *lv;

	for (i = 0; i < len; i++)
		if (md[i] == '\n')
			n++;
	lv = calloc(n, sizeof(*lv));
	if (!lv)
		return ENOMEM;
	for (i = 0; i <= len; i++) {
		if (i == len || md[i] == '\n') {
			size_t e = i;

			if (e > from && md[e - 1] == '\r')
				e--;
			lv[k].s = md + from;
			lv[k].len = e - from;
			k++;
			from = i + 1;
		}
	}
	*lvp = lv;
	*np = k;
	return 0;
}

int kb_md_render(char **htmlp, const char *md, size_t len)
{
	struct buf b = {0};
	struct line *lv = NULL;
	size_t n = 0;
	int err;

	if (!htmlp || (!md && len))
		return EINVAL;
	err = lines_split(&lv, &n, md ? md : "", len);
	if (err)
		return err;
	blocks_render(&b, lv, n, 0, false);
	free(lv);
	put(&b, "", 0);
	if (!b.p && !b.oom)
		b.p = calloc(1, 1);
	if (b.oom || !b.p) {
		free(b.p);
		return ENOMEM;
	}
	*htmlp = b.p;
	return 0;
}

int kb_md_text(char **textp, const char *md, size_t len)
{
	static const struct {
		const char *ent;
		char c;
	} entv[] = {{"&amp;", '&'},
	            {"&lt;", '<'},
	            {"&gt;", '>'},
	            {"&quot;", '"'},
	            {"&#39;", '\''}};
	char *html = NULL, *out, *o;
	const char *p;
	int err;

	if (!textp)
		return EINVAL;
	err = kb_md_render(&html, md, len);
	if (err)
		return err;
	out = malloc(strlen(html) + 1);
	if (!out) {
		free(html);
		return ENOMEM;
	}
	for (p = html, o = out; *p;) {
		size_t e;

		if (*p == '<') {
			const char *gt = strchr(p, '>');

			/* block ends and breaks separate words */
			if (o > out && o[-1] != ' ' &&
			    (!strncmp(p, "</p", 3) || !strncmp(p, "</h", 3) ||
			     !strncmp(p, "</li", 4) || !strncmp(p, "<br", 3) ||
			     !strncmp(p, "<li", 3) || !strncmp(p, "</pre", 5)))
				*o++ = ' ';
			p = gt ? gt + 1 : p + strlen(p);
			continue;
		}
		if (*p == '&') {
			for (e = 0; e < sizeof(entv) / sizeof(entv[0]); e++) {
				size_t l = strlen(entv[e].ent);

				if (!strncmp(p, entv[e].ent, l)) {
					*o++ = entv[e].c;
					p += l;
					break;
				}
			}
			if (e < sizeof(entv) / sizeof(entv[0]))
				continue;
		}
		/* runs of blanks become one space */
		if (*p == ' ' || *p == '\n' || *p == '\t') {
			if (o > out && o[-1] != ' ')
				*o++ = ' ';
			p++;
			continue;
		}
		*o++ = *p++;
	}
	while (o > out && (o[-1] == ' ' || o[-1] == '\n'))
		o--;
	*o = '\0';
	free(html);
	*textp = out;
	return 0;
}
