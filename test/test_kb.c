/*
 * Tests of the knowledge base's pure parts and its search: the Markdown
 * renderer (what it draws, hostile input of every known kind, and random
 * input checked by a strict validator of the HTML that comes out), edit
 * distance and term splitting, and FTS5 search on a real store (ranking
 * with the title over the body, prefix matching, typo tolerance, the
 * fall-back to any term, escaped snippets, audience and tag filters,
 * suggestions). The routes are driven by test/e2e/kb_api.sh.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <strings.h>
#include <re.h>
#include "core/cc.h"
#include "store/store.h"
#include "kb/kb.h"
#include "test.h"

/* --- An HTML validator: exactly what the renderer may produce ----------- */

static const char *const tagv[] = {
        "p",    "h1",  "h2", "h3", "h4", "h5",         "h6", "strong", "em",
        "code", "pre", "ul", "ol", "li", "blockquote", "a",  "br",     "hr",
};

static bool tag_known(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(tagv) / sizeof(tagv[0]); i++)
		if (strlen(tagv[i]) == n && !strncmp(tagv[i], name, n))
			return true;
	return false;
}

/* NULL when html is well-formed and safe, else what is wrong. */
static const char *html_check(const char *html)
{
	static const char rel[] = "\" rel=\"nofollow noopener noreferrer\">";
	const char *stack[64];
	size_t depth = 0, links = 0;
	const char *p = html;

	while (*p) {
		if (*p == '<') {
			bool close = p[1] == '/';
			const char *name = p + 1 + close, *e = name;
			size_t n;

			while (isalnum((unsigned char)*e))
				e++;
			n = (size_t)(e - name);
			if (!n || !tag_known(name, n))
				return "unknown tag";
			if (close) {
				if (*e != '>' || !depth ||
				    strncmp(stack[depth - 1], name, n) ||
				    stack[depth - 1][n] != '\0')
					return "unbalanced close tag";
				if (!strncmp(name, "a", n) && n == 1)
					links--;
				depth--;
				p = e + 1;
				continue;
			}
			if (n == 1 && *name == 'a') {
				const char *v = e + 7, *q;

				if (strncmp(e, " href=\"", 7))
					return "a without href";
				q = strchr(v, '"');
				if (!q || memchr(v, '<', (size_t)(q - v)) ||
				    memchr(v, '>', (size_t)(q - v)))
					return "bad href";
				if (strncasecmp(v, "http://", 7) &&
				    strncasecmp(v, "https://", 8) &&
				    strncasecmp(v, "mailto:", 7))
					return "href scheme";
				if (strncmp(q, rel, sizeof(rel) - 1))
					return "a attributes";
				if (links++)
					return "nested links";
				e = q + sizeof(rel) - 2;
			}
			if (*e != '>')
				return "attribute";
			if (strncmp(name, "br", n) && strncmp(name, "hr", n)) {
				static const char *const *tv = tagv;
				size_t i;

				if (depth == 64)
					return "too deep";
				for (i = 0; i < sizeof(tagv) / sizeof(tagv[0]);
				     i++)
					if (strlen(tv[i]) == n &&
					    !strncmp(tv[i], name, n))
						stack[depth++] = tv[i];
			}
			p = e + 1;
			continue;
		}
		if (*p == '>' || *p == '"' || *p == '\'')
			return "unescaped > or quote in text";
		if (*p == '&') {
			static const char *const entv[] = {
			        "&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
			size_t i;

			for (i = 0; i < 5; i++)
				if (!strncmp(p, entv[i], strlen(entv[i])))
					break;
			if (i == 5)
				return "raw & in text";
		}
		if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
			return "control character";
		p++;
	}
	if (depth)
		return "unclosed tag";
	if (strcasestr(html, "<script"))
		return "script";
	return NULL;
}

static int render_eq(const char *md, const char *want)
{
	char *html = NULL;
	const char *bad;
	int err = 0;

	TEST_ERR(kb_md_render(&html, md, strlen(md)));
	bad = html_check(html);
	if (bad)
		test_fail(__FILE__, __LINE__, "%s: %s", bad, html);
	TEST_ASSERT(!bad);
	if (want)
		TEST_STREQ(html, want);
out:
	free(html);
	return err;
}

#define RENDER(md, want) TEST_ERR(render_eq(md, want))

/* --- Renderer ------------------------------------------------------------ */

static int md_blocks(void)
{
	int err = 0;

	RENDER("", "");
	RENDER("# Title\n\nText *em* and **strong**.",
	       "<h1>Title</h1>\n<p>Text <em>em</em> and "
	       "<strong>strong</strong>.</p>\n");
	RENDER("### Three ###", "<h3>Three</h3>\n");
	RENDER("#Not a heading", "<p>#Not a heading</p>\n");
	RENDER("line one\nline two", "<p>line one\nline two</p>\n");
	RENDER("hard  \nbreak", "<p>hard<br>\nbreak</p>\n");
	RENDER("- a\n- b\n", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n");
	RENDER("1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n");
	RENDER("- a\n  - nested\n- b",
	       "<ul>\n<li>a\n<ul>\n<li>nested</li>\n</ul>\n</li>\n"
	       "<li>b</li>\n</ul>\n");
	RENDER("```\nx < y && z\n```", "<pre><code>x &lt; y &amp;&amp; z\n"
	                               "</code></pre>\n");
	RENDER("use `rm -rf` never", "<p>use <code>rm -rf</code> never</p>\n");
	RENDER("> quoted\n> more", "<blockquote>\n<p>quoted\nmore</p>\n"
	                           "</blockquote>\n");
	RENDER("---", "<hr>\n");
	RENDER("snake_case_name stays", "<p>snake_case_name stays</p>\n");
	RENDER("_em_ and __strong__",
	       "<p><em>em</em> and <strong>strong</strong></p>\n");
	RENDER("\\*not em\\*", "<p>*not em*</p>\n");
	RENDER("[docs](https://example.com/a?b=1&c=2)",
	       "<p><a href=\"https://example.com/a?b=1&amp;c=2\" "
	       "rel=\"nofollow noopener noreferrer\">docs</a></p>\n");
	RENDER("mail [us](mailto:help@example.com \"Help\")",
	       "<p>mail <a href=\"mailto:help@example.com\" "
	       "rel=\"nofollow noopener noreferrer\">us</a></p>\n");
	RENDER("see https://status.example.com.",
	       "<p>see <a href=\"https://status.example.com\" "
	       "rel=\"nofollow noopener noreferrer\">"
	       "https://status.example.com</a>.</p>\n");
	RENDER("<https://example.com>",
	       "<p><a href=\"https://example.com\" rel=\"nofollow noopener "
	       "noreferrer\">https://example.com</a></p>\n");
	RENDER("![logo](https://example.com/l.png)",
	       "<p><a href=\"https://example.com/l.png\" rel=\"nofollow "
	       "noopener noreferrer\">logo</a></p>\n");
	RENDER("a\r\nb\r\n", "<p>a\nb</p>\n");
out:
	return err;
}

static int md_hostile(void)
{
	static const struct {
		const char *md, *want;
	} v[] = {
	        {"<script>alert(1)</script>",
	         "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"},
	        {"<SCRIPT SRC=//evil.example/x.js></SCRIPT>", NULL},
	        {"<scr<script>ipt>alert(1)</script>", NULL},
	        {"[click](javascript:alert(1))", "<p>click</p>\n"},
	        {"[click](JaVaScRiPt:alert(1))", "<p>click</p>\n"},
	        {"[click]( javascript:alert(1))", "<p>click</p>\n"},
	        {"[click](java\tscript:alert(1))", NULL},
	        {"[click](&#106;avascript:alert(1))", "<p>click</p>\n"},
	        {"[click](&#x6A;avascript&colon;alert(1))", "<p>click</p>\n"},
	        {"[click](vbscript:msgbox(1))", "<p>click</p>\n"},
	        {"[x](data:text/"
	         "html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
	         "<p>x</p>\n"},
	        {"![x](data:image/svg+xml,<svg onload=alert(1)>)", NULL},
	        {"<img src=x onerror=alert(1)>",
	         "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n"},
	        {"<a href=\"javascript:alert(1)\">x</a>",
	         "<p>&lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt;"
	         "</p>\n"},
	        {"[x](https://a.example/\" onmouseover=\"alert(1))", NULL},
	        {"[x](https://a.example/\"onmouseover=\"alert(1))",
	         "<p>x</p>\n"},
	        {"[x](https://a.example/'onmouseover='alert(1))", "<p>x</p>\n"},
	        {"<javascript:alert(1)>",
	         "<p>&lt;javascript:alert(1)&gt;</p>\n"},
	        {"&lt;script&gt;alert(1)&lt;/script&gt;",
	         "<p>&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;"
	         "</p>\n"},
	        {"&#60;script&#62;", "<p>&amp;#60;script&amp;#62;</p>\n"},
	        {"**<b onclick=alert(1)>bold</b>**",
	         "<p><strong>&lt;b onclick=alert(1)&gt;bold&lt;/b&gt;</strong>"
	         "</p>\n"},
	        {"`<script>`", "<p><code>&lt;script&gt;</code></p>\n"},
	        {"```html\n<script>alert(1)</script>\n```",
	         "<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;\n"
	         "</code></pre>\n"},
	        {"<style>body{display:none}</style>", NULL},
	        {"<iframe src=https://evil.example></iframe>", NULL},
	        {"<svg><animate onbegin=alert(1) attributeName=x></svg>", NULL},
	        {"[<img src=x onerror=alert(1)>](https://ok.example)", NULL},
	        {"[x](https://ok.example)<!-- <script> -->", NULL},
	        {"\"><script>alert(1)</script>", NULL},
	        {"javascript:alert(1)", "<p>javascript:alert(1)</p>\n"},
	        {"http://x\" onclick=\"alert(1)", NULL},
	        {"[a](<javascript:alert(1)>)", NULL},
	        {"ctrl\x01\x02\x03\x1b[31m chars", "<p>ctrl[31m chars</p>\n"},
	};
	size_t i;
	int err = 0;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char *html = NULL;

		TEST_ERR(kb_md_render(&html, v[i].md, strlen(v[i].md)));
		if (html_check(html) || strcasestr(html, "<script") ||
		    (v[i].want && strcmp(html, v[i].want)))
			test_fail(__FILE__, __LINE__, "case %zu: %s -> %s (%s)",
			          i, v[i].md, html,
			          html_check(html) ? html_check(html) : "");
		/* javascript: may remain as text, escaped, outside tags; the
		 * validator above already refuses it in an href */
		if (v[i].want)
			TEST_STREQ(html, v[i].want);
		else
			TEST_ASSERT(!html_check(html));
		free(html);
	}
out:
	return err;
}

/* Random input assembled from Markdown syntax, HTML and hostile pieces:
 * the renderer never crashes and its output always passes the validator. */
static int md_fuzz(void)
{
	static const char *const partv[] = {
	        "<",
	        ">",
	        "&",
	        "\"",
	        "'",
	        "*",
	        "**",
	        "_",
	        "__",
	        "`",
	        "```",
	        "[",
	        "]",
	        "(",
	        ")",
	        "![",
	        "\\",
	        "\n",
	        "\n\n",
	        "  \n",
	        "# ",
	        "- ",
	        "1. ",
	        "> ",
	        "    ",
	        "\t",
	        "---",
	        "~~~",
	        "http://",
	        "https://x.example/",
	        "mailto:",
	        "javascript:",
	        "data:",
	        "<script>",
	        "</script>",
	        "onerror=",
	        "onload=\"x\"",
	        "&#106;",
	        "&lt;",
	        "<img src=x ",
	        "<a href=",
	        "a",
	        "word ",
	        "\xc3\xa9",
	        "\x01",
	        "\xff",
	        "](",
	        "](https://",
	        "\")",
	        "<https://a.b>",
	};
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	char in[600];
	int err = 0, i;

	for (i = 0; i < 30000; i++) {
		size_t n = 0, parts = cc_rand_next(&seed) % 40;
		char *html = NULL;
		const char *bad;

		while (parts--) {
			const char *p;
			size_t l;

			if (cc_rand_next(&seed) % 8 == 0) {
				in[n++] = (char)(cc_rand_next(&seed) % 256);
				continue;
			}
			p = partv[cc_rand_next(&seed) %
			          (sizeof(partv) / sizeof(partv[0]))];
			l = strlen(p);
			if (n + l >= sizeof(in) - 1)
				break;
			memcpy(in + n, p, l);
			n += l;
		}
		in[n] = '\0';
		TEST_ERR(kb_md_render(&html, in, n));
		bad = html_check(html);
		if (bad) {
			test_fail(__FILE__, __LINE__, "%s: input \"%s\" -> %s",
			          bad, in, html);
			free(html);
			err = EINVAL;
			goto out;
		}
		free(html);
	}
out:
	return err;
}

/* Hostile nesting and sizes: bounded depth, no quadratic blow-up. */
static int md_deep_and_large(void)
{
	size_t n = KB_BODY_MAX, i;
	char *in = malloc(n + 1), *html = NULL;
	uint64_t t0;
	int err = 0, k;
	static const char *const patv[] = {"> ", "- ", "*", "[", "**a", "`"};

	TEST_ASSERT(in);
	for (k = 0; k < 6; k++) {
		size_t pl = strlen(patv[k]);

		for (i = 0; i + pl <= n; i += pl)
			memcpy(in + i, patv[k], pl);
		in[i] = '\0';
		t0 = cc_clock_ms();
		TEST_ERR(kb_md_render(&html, in, i));
		TEST_ASSERT(!html_check(html));
		free(html);
		html = NULL;
		TEST_ASSERT(cc_clock_ms() - t0 < 2000);
	}
out:
	free(in);
	free(html);
	return err;
}

static int md_text_plain(void)
{
	char *t = NULL;
	int err = 0;
	const char *md = "# Reset\n\n- **Verify** the <caller>\n- send "
	                 "[link](https://x.example)";

	TEST_ERR(kb_md_text(&t, md, strlen(md)));
	TEST_STREQ(t, "Reset Verify the <caller> send link");
out:
	free(t);
	return err;
}

/* --- Search, pure parts -------------------------------------------------- */

static int edit_distance(void)
{
	int err = 0;

	TEST_EQ(kb_edit_distance("password", 8, "password", 8, 2, false), 0);
	TEST_EQ(kb_edit_distance("pasword", 7, "password", 8, 2, false), 1);
	TEST_EQ(kb_edit_distance("recieve", 7, "receive", 7, 2, false), 1);
	TEST_EQ(kb_edit_distance("refnud", 6, "refund", 6, 1, false), 1);
	TEST_EQ(kb_edit_distance("abc", 3, "xyz", 3, 1, false), 2);
	TEST_EQ(kb_edit_distance("cat", 3, "catalogue", 9, 2, false), 3);
	/* a word being typed: distance to the nearest prefix */
	TEST_EQ(kb_edit_distance("pasw", 4, "password", 8, 1, true), 1);
	TEST_EQ(kb_edit_distance("pass", 4, "password", 8, 1, true), 0);
	TEST_EQ(kb_edit_distance("xasw", 4, "password", 8, 1, true), 2);
out:
	return err;
}

struct collect {
	char v[8][32];
	unsigned n;
};

static void collect_h(const char *t, size_t len, void *arg)
{
	struct collect *c = arg;

	if (c->n < 8)
		snprintf(c->v[c->n++], 32, "%.*s", (int)len, t);
}

static int terms_split(void)
{
	struct collect c = {0};
	int err = 0;

	TEST_EQ(kb_terms_split("Reset \"pass-WORD\" OR NEAR(x*", 8, collect_h,
	                       &c),
	        6);
	TEST_STREQ(c.v[0], "reset");
	TEST_STREQ(c.v[1], "pass");
	TEST_STREQ(c.v[2], "word");
	TEST_STREQ(c.v[3], "or");
	TEST_STREQ(c.v[4], "near");
	TEST_STREQ(c.v[5], "x");
	c.n = 0;
	TEST_EQ(kb_terms_split("café crème", 8, collect_h, &c), 2);
	TEST_STREQ(c.v[0], "café");
out:
	return err;
}

/* --- Search on a real store ---------------------------------------------- */

struct art {
	const char *title, *body, *tags, *audience;
};

static const struct art corpus[] = {
        /* 1 */ {"Reset a customer's password",
                 "Verify the caller, then send the reset link.",
                 "support account", "internal"},
        /* 2 */
        {"Billing questions",
         "A password is never needed for billing. Password, password: "
         "do not ask for the password.",
         "support billing", "internal"},
        /* 3 */
        {"Refund a duplicate charge",
         "Refund the second charge. Refunds take 5-10 days.",
         "support billing refund", "internal"},
        /* 4 */
        {"Upgrade to the annual plan",
         "Offer the annual plan to callers asking about price.",
         "sales pricing", "internal"},
        /* 5 */
        {"How to cancel your subscription",
         "Cancel at any time from the account page <b>Account</b>.",
         "support cancel", "customer"},
        /* 6 */
        {"Receive a parcel", "When you receive the parcel, check it.",
         "logistics", "internal"},
};

static int corpus_txn(sqlite3 *db, void *arg)
{
	size_t i;
	int err = 0;

	(void)arg;
	for (i = 0; i < sizeof(corpus) / sizeof(corpus[0]) && !err; i++)
		err = kb_index_put(db, (int64_t)i + 1, corpus[i].title,
		                   corpus[i].body, corpus[i].tags,
		                   corpus[i].audience);
	return err;
}

struct hits {
	int64_t id[16];
	char snippet[16][256];
	char title[16][256];
	unsigned n;
};

static int hits_h(const struct kb_hit *h, void *arg)
{
	struct hits *r = arg;

	if (r->n < 16) {
		snprintf(r->snippet[r->n], 256, "%s", h->snippet_html);
		snprintf(r->title[r->n], 256, "%s", h->title_html);
		r->id[r->n++] = h->id;
	}
	return 0;
}

static int corpus_open(struct store **stp)
{
	char path[512];
	int err;

	snprintf(path, sizeof(path), "%s/kb.db", test_tmpdir());
	err = store_open(stp, path, false);
	if (err)
		return err;
	return store_txn_wait(*stp, corpus_txn, NULL);
}

static int search(struct store *st, const char *q, struct hits *r,
                  struct kb_search_info *info, const char *audience)
{
	struct kb_search_opts o = {audience, NULL, 10};

	memset(r, 0, sizeof(*r));
	return kb_search(store_reader(st), q, &o, hits_h, r, info);
}

static int search_ranking(void)
{
	struct store *st = NULL;
	struct kb_search_info info;
	struct hits r;
	int err = 0;

	TEST_ERR(corpus_open(&st));
	/* article 2 says password four times in its body; 1 has it once in
	 * the title: the title wins */
	TEST_ERR(search(st, "password", &r, &info, NULL));
	TEST_EQ(r.n, 2);
	TEST_EQ(r.id[0], 1);
	TEST_EQ(r.id[1], 2);
	TEST_ASSERT(info.all_terms);
	TEST_ASSERT(strstr(r.title[0], "<mark>password</mark>"));
	/* tags count too */
	TEST_ERR(search(st, "billing", &r, &info, NULL));
	TEST_EQ(r.n, 2);
	TEST_EQ(r.id[0], 2);
	/* every term must match */
	TEST_ERR(search(st, "refund charge", &r, &info, NULL));
	TEST_EQ(r.n, 1);
	TEST_EQ(r.id[0], 3);
	/* FTS5 syntax typed by an agent is just words */
	TEST_ERR(search(st, "\"refund\" OR NEAR(charge*", &r, &info, NULL));
	TEST_ASSERT(!info.all_terms); /* no article has "or" and "near" */
	TEST_EQ(r.id[0], 3);
	TEST_ERR(search(st, "refund) AND (", &r, &info, NULL));
	TEST_EQ(r.id[0], 3);
out:
	mem_deref(st);
	return err;
}

static int search_prefix(void)
{
	struct store *st = NULL;
	struct kb_search_info info;
	struct hits r;
	int err = 0;

	TEST_ERR(corpus_open(&st));
	/* as the agent types, from the third letter on */
	TEST_ERR(search(st, "pa", &r, &info, NULL));
	TEST_EQ(r.n, 0);
	TEST_ERR(search(st, "pas", &r, &info, NULL));
	TEST_EQ(r.n, 2);
	TEST_ERR(search(st, "passw", &r, &info, NULL));
	TEST_EQ(r.n, 2);
	TEST_EQ(r.id[0], 1);
	TEST_ERR(search(st, "res pass", &r, &info, NULL));
	TEST_EQ(r.n, 1);
	TEST_EQ(r.id[0], 1);
	/* a trailing single letter is not yet a word */
	TEST_ERR(search(st, "refund d", &r, &info, NULL));
	TEST_EQ(r.n, 1);
	/* refund* also finds refunds */
	TEST_ERR(search(st, "refund", &r, &info, NULL));
	TEST_EQ(r.id[0], 3);
	TEST_ASSERT(strstr(r.snippet[0], "<mark>Refunds</mark>"));
out:
	mem_deref(st);
	return err;
}

static int search_typo(void)
{
	struct store *st = NULL;
	struct kb_search_info info;
	struct hits r;
	int err = 0;

	TEST_ERR(corpus_open(&st));
	TEST_ERR(search(st, "pasword", &r, &info, NULL));
	TEST_EQ(r.n, 2);
	TEST_EQ(r.id[0], 1);
	TEST_ASSERT(strstr(info.corrected, "pasword>password"));
	/* a transposition, and a typo while typing */
	TEST_ERR(search(st, "recieve", &r, &info, NULL));
	TEST_EQ(r.n, 1);
	TEST_EQ(r.id[0], 6);
	TEST_ERR(search(st, "reset pasw", &r, &info, NULL));
	TEST_EQ(r.n, 1);
	TEST_EQ(r.id[0], 1);
	/* two edits for long words */
	TEST_ERR(search(st, "subscirpton", &r, &info, NULL));
	TEST_EQ(r.n, 1);
	TEST_EQ(r.id[0], 5);
	/* the first two letters swapped: found through the second */
	TEST_ERR(search(st, "erfund", &r, &info, NULL));
	TEST_EQ(r.id[0], 3);
	/* short words are taken as typed (too many neighbours) */
	TEST_ERR(search(st, "pln", &r, &info, NULL));
	TEST_EQ(r.n, 0);
	/* long queries are not corrected */
	TEST_ERR(search(st, "refund second charge pasword", &r, &info, NULL));
	TEST_EQ(info.corrected[0], '\0');
	/* nothing near: nothing found, no error */
	TEST_ERR(search(st, "zzzzzzzz", &r, &info, NULL));
	TEST_EQ(r.n, 0);
out:
	mem_deref(st);
	return err;
}

static int search_any_and_filters(void)
{
	struct store *st = NULL;
	struct kb_search_info info;
	struct kb_search_opts o = {NULL, "refund", 10};
	struct hits r;
	int err = 0;

	TEST_ERR(corpus_open(&st));
	/* no article has both: the ones with either */
	TEST_ERR(search(st, "parcel annual", &r, &info, NULL));
	TEST_ASSERT(!info.all_terms);
	TEST_EQ(r.n, 2);
	/* audience */
	TEST_ERR(search(st, "cancel", &r, &info, "internal"));
	TEST_EQ(r.n, 0);
	TEST_ERR(search(st, "cancel", &r, &info, "customer"));
	TEST_EQ(r.n, 1);
	/* the snippet escapes what the body holds */
	TEST_ERR(search(st, "account page", &r, &info, NULL));
	TEST_EQ(r.id[0], 5);
	TEST_ASSERT(strstr(r.snippet[0], "&lt;b&gt;"));
	TEST_ASSERT(!strstr(r.snippet[0], "<b>"));
	TEST_ASSERT(strstr(r.snippet[0], "<mark>page</mark>"));
	/* tag filter */
	memset(&r, 0, sizeof(r));
	TEST_ERR(kb_search(store_reader(st), "billing", &o, hits_h, &r, &info));
	TEST_EQ(r.n, 1);
	TEST_EQ(r.id[0], 3);
out:
	mem_deref(st);
	return err;
}

static int unpublish_txn(sqlite3 *db, void *arg)
{
	(void)arg;
	return kb_index_remove(db, 3);
}

static int index_remove_and_replace(void)
{
	struct store *st = NULL;
	struct kb_search_info info;
	struct hits r;
	int err = 0;

	TEST_ERR(corpus_open(&st));
	TEST_ERR(store_txn_wait(st, unpublish_txn, NULL));
	TEST_ERR(search(st, "refund", &r, &info, NULL));
	TEST_EQ(r.n, 0);
	/* putting an article again replaces it */
	TEST_ERR(store_txn_wait(st, corpus_txn, NULL));
	TEST_ERR(search(st, "password", &r, &info, NULL));
	TEST_EQ(r.n, 2);
out:
	mem_deref(st);
	return err;
}

static int suggest_by_queue_and_text(void)
{
	struct store *st = NULL;
	struct kb_search_info info;
	struct kb_suggest_in in = {0};
	struct hits r = {0};
	int err = 0;

	TEST_ERR(corpus_open(&st));
	in.queue = "sales";
	TEST_ERR(kb_suggest(store_reader(st), &in, 5, hits_h, &r, &info));
	TEST_EQ(r.n, 1);
	TEST_EQ(r.id[0], 4);
	/* IVR choice and an open case: billing first, the refund (billing
	 * and the case's words) on top */
	memset(&r, 0, sizeof(r));
	in.queue = "support";
	in.ivr = "menu billing";
	in.subject = "Charged twice, wants a refund";
	TEST_ERR(kb_suggest(store_reader(st), &in, 5, hits_h, &r, &info));
	TEST_ASSERT(r.n >= 3);
	TEST_EQ(r.id[0], 3);
	/* chat text alone, stop words ignored */
	memset(&r, 0, sizeof(r));
	memset(&in, 0, sizeof(in));
	in.text = "hi, I would like to know when I will receive my parcel";
	TEST_ERR(kb_suggest(store_reader(st), &in, 5, hits_h, &r, &info));
	TEST_EQ(r.id[0], 6);
	/* nothing to go on */
	memset(&r, 0, sizeof(r));
	memset(&in, 0, sizeof(in));
	in.text = "hello the and";
	TEST_ERR(kb_suggest(store_reader(st), &in, 5, hits_h, &r, &info));
	TEST_EQ(r.n, 0);
out:
	mem_deref(st);
	return err;
}

/* More matches than BM25 ranks in full (2,000): the articles with the word
 * in their title still come first, best first; when even those are too
 * many, the newest 2,000 of them are ranked. */
struct big {
	unsigned n, titled;
};

static int big_txn(sqlite3 *db, void *arg)
{
	const struct big *b = arg;
	char title[64], body[128];
	unsigned i;
	int err = 0;

	for (i = 1; i <= b->n && !err; i++) {
		bool t = i % (b->n / b->titled) == 0;

		snprintf(title, sizeof(title), "%s %u",
		         t ? "Common rule" : "Filler article", i);
		snprintf(body, sizeof(body), "Some common words%s here, %u.",
		         i == 1999 ? " common common common" : "", i);
		err = kb_index_put(db, i, title, body, "", "internal");
	}
	return err;
}

static int search_bounded_large(void)
{
	struct big b = {2400, 6};
	struct kb_search_opts o = {NULL, NULL, 10};
	struct kb_search_info info;
	struct kb_suggest_in in = {0};
	struct store *st = NULL;
	char path[512];
	struct hits r = {0};
	unsigned i;
	int err = 0;

	snprintf(path, sizeof(path), "%s/big.db", test_tmpdir());
	TEST_ERR(store_open(&st, path, false));
	TEST_ERR(store_txn_wait(st, big_txn, &b));
	TEST_ERR(kb_search(store_reader(st), "common", &o, hits_h, &r, &info));
	TEST_EQ(r.n, 10);
	/* the six with Common in the title first */
	for (i = 0; i < 6; i++)
		TEST_ASSERT(strstr(r.title[i], "<mark>Common</mark> rule"));
	TEST_ASSERT(!strstr(r.title[6], "rule"));
	/* then the body matches (of the newest 2,000), 1999 (the word four
	 * times) on top */
	TEST_EQ(r.id[6], 1999);
	/* the same for a prefix */
	memset(&r, 0, sizeof(r));
	TEST_ERR(kb_search(store_reader(st), "comm", &o, hits_h, &r, &info));
	TEST_EQ(r.n, 10);
	TEST_ASSERT(strstr(r.title[0], "rule"));
	/* and for suggestions */
	memset(&r, 0, sizeof(r));
	in.subject = "a common question";
	TEST_ERR(kb_suggest(store_reader(st), &in, 5, hits_h, &r, &info));
	TEST_EQ(r.n, 5);
	TEST_ASSERT(strstr(r.title[0], "rule"));
	/* every title matches: the newest 2,000 are ranked */
	memset(&r, 0, sizeof(r));
	TEST_ERR(kb_search(store_reader(st), "some", &o, hits_h, &r, &info));
	TEST_EQ(r.n, 10);
	memset(&r, 0, sizeof(r));
	TEST_ERR(kb_search(store_reader(st), "article", &o, hits_h, &r, &info));
	TEST_EQ(r.n, 10);
	for (i = 0; i < r.n; i++)
		TEST_ASSERT(r.id[i] >= 395); /* 2,394 match: the newest 2,000 */
out:
	mem_deref(st);
	return err;
}

const struct test_case test_cases[] = {
        TEST_CASE(md_blocks),
        TEST_CASE(md_hostile),
        TEST_CASE(md_fuzz),
        TEST_CASE(md_deep_and_large),
        TEST_CASE(md_text_plain),
        TEST_CASE(edit_distance),
        TEST_CASE(terms_split),
        TEST_CASE(search_ranking),
        TEST_CASE(search_prefix),
        TEST_CASE(search_typo),
        TEST_CASE(search_any_and_filters),
        TEST_CASE(index_remove_and_replace),
        TEST_CASE(search_bounded_large),
        TEST_CASE(suggest_by_queue_and_text),
};
TEST_TABLE_END;
