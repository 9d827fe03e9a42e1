/*
 * kb: the knowledge base. Articles (title, Markdown body, tags, audience,
 * owner, review date) with every saved edit kept as a version; publishing
 * is a separate step that points the article at one version and puts it
 * in the full-text index agents search (SQLite FTS5, BM25 with the title
 * weighted over the body, prefix matching, typo tolerance); suggestions
 * for a task from its queue, IVR choice, open case and chat text;
 * mail-outs (required reads with acknowledgements) and feedback. Tables:
 * src/store/migrations/050_kb.sql. Routes: kb_routev[] at the end of
 * kb_api.c, handlers in kb_api.c and kb_mailout.c.
 *
 * Permissions (the table in src/api/api_perm.c, README.md "Permissions"):
 *   read published articles, search, suggest, feedback, required reads:
 *     API_PERM_KB_READ (every role);
 *   drafts, versions, create and edit, review list, who has read a
 *     mail-out: API_PERM_KB_WRITE (team leaders, supervisors,
 *     administrators);
 *   publish, unpublish, mail-outs: API_PERM_KB_PUBLISH (supervisors,
 *     administrators).
 */
#ifndef SB_KB_H
#define SB_KB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include "api/api_req.h"

struct cc_config;

enum {
	KB_TITLE_MAX = 200,  /* bytes */
	KB_BODY_MAX = 60000, /* bytes of Markdown (a request is 64 KiB) */
	KB_TAGS_MAX = 20,
	KB_TAG_MAX = 40,
	KB_LIMIT_MAX = 50, /* results per search */
	KB_TERMS_MAX = 16, /* query terms used */
	KB_TERM_MAX = 64,  /* bytes per term */
};

/* --- Markdown (kb_md.c), pure ----------------------------------------- */

/*
 * Renders Markdown to HTML that is safe to insert into a page: text is
 * escaped, the only tags are the renderer's own, links only for http,
 * https and mailto. *htmlp is malloc'd (free() it). EINVAL, ENOMEM.
 */
int kb_md_render(char **htmlp, const char *md, size_t len);
/* The words of the rendered article without markup (for the index and
 * its snippets). *textp is malloc'd. */
int kb_md_text(char **textp, const char *md, size_t len);
/* True when url may become an href (http:, https:, mailto:, no space,
 * quote or control character). */
bool kb_md_url_allowed(const char *url, size_t n);

/* --- Search (kb_search.c) ---------------------------------------------- */

/* Optimal string alignment distance between a and b (bytes), or max + 1
 * when it exceeds max. With prefix set, the distance from a to the
 * nearest prefix of b (for a word still being typed). Pure. */
unsigned kb_edit_distance(const char *a, size_t alen, const char *b,
                          size_t blen, unsigned max, bool prefix);

/* Splits text into lower-case search terms (letters and digits; bytes
 * above 0x7f count as letters). Calls termh for each, at most max. */
typedef void(kb_term_h)(const char *term, size_t len, void *arg);
unsigned kb_terms_split(const char *text, unsigned max, kb_term_h *termh,
                        void *arg);

struct kb_hit {
	int64_t id;
	const char *title;
	const char *title_html;   /* matches in <mark> */
	const char *snippet_html; /* escaped body excerpt, matches marked */
	const char *tags;         /* space separated */
	const char *audience;
	double score; /* bm25: lower is better */
};
typedef int(kb_hit_h)(const struct kb_hit *hit, void *arg);

struct kb_search_opts {
	const char *audience; /* NULL: both */
	const char *tag;      /* NULL: any */
	unsigned limit;       /* 0: 10 */
};

struct kb_search_info {
	char match[1024];    /* the FTS5 expression run */
	char corrected[256]; /* "pasword>password ..." typo corrections */
	bool all_terms;      /* false: no article had every term, any term */
	unsigned hits;
};

/*
 * Searches the published articles: every term must match (prefix match
 * for terms of 3+ bytes and for the last term of 2+), ranked by BM25 with
 * the title weighing 10, tags 4, body 1. A term no article contains is
 * replaced, for queries of up to 3 terms, by the known words within 1
 * edit (terms of 4-7 bytes) or 2 edits (8+). When no article has every
 * term, articles with any are returned. Calls hith per hit (strings valid
 * during the call). info (may be NULL) says what ran. db: a reader.
 */
int kb_search(sqlite3 *db, const char *q, const struct kb_search_opts *o,
              kb_hit_h *hith, void *arg, struct kb_search_info *info);

/* What a task brings to suggest articles: each field may be NULL. */
struct kb_suggest_in {
	const char *queue;   /* queue name: matched against tags first */
	const char *ivr;     /* the caller's IVR choices (node names, words) */
	const char *subject; /* the customer's open case(s) */
	const char *text;    /* chat text so far */
};

/* Articles for a task: any of its words (stop words left out), tags
 * weighing most. Same hit handler as kb_search. */
int kb_suggest(sqlite3 *db, const struct kb_suggest_in *in, unsigned limit,
               kb_hit_h *hith, void *arg, struct kb_search_info *info);

/* Puts (replaces) article id in the index: body is Markdown, tags space
 * separated. On the writer's connection, inside its transaction. */
int kb_index_put(sqlite3 *db, int64_t id, const char *title, const char *body,
                 const char *tags, const char *audience);
int kb_index_remove(sqlite3 *db, int64_t id);

/* --- Module (kb_demo.c) ---------------------------------------------- */

/* Seeds the demo articles (with --demo, when there are none). */
int kb_init(const struct cc_config *cfg);
void kb_close(void);
/* The demo articles into an open store's database (blocking). */
int kb_demo_seed(sqlite3 *db);

/* --- Routes -------------------------------------------------------------- */

/* The module's HTTP routes (kb_api.c), ending with API_ROUTES_END; main
 * registers them with api_routes_register(). */
extern const struct api_route kb_routev[];

#endif
