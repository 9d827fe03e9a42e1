/*
 * Private to the kb module: helpers shared by its API files.
 */
#ifndef SB_KB_INT_H
#define SB_KB_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <sqlite3.h>
#include "kb/kb.h"

/* The role may see drafts and write. */
bool kb_writer(const struct api_req *req);
/* This thread's reader of the server's store, NULL on failure. */
sqlite3 *kb_reader(void);
/* Column i as text (NULL for NULL) and as a JSON string or null. */
const char *kb_col(sqlite3_stmt *st, int i);
json_t *kb_json_col(sqlite3_stmt *st, int i);
/* A calendar date YYYY-MM-DD; today's (UTC). */
bool kb_date_ok(const char *s);
void kb_today(char out[11]);

/* --- Route handlers (kb_api.c, kb_mailout.c; the table is kb_routev[]) -- */

int kb_api_search(struct api_req *req);
int kb_api_suggest(struct api_req *req);
int kb_api_preview(struct api_req *req);
int kb_api_articles_get(struct api_req *req);
int kb_api_article_add(struct api_req *req);
int kb_api_article_get(struct api_req *req);
int kb_api_article_update(struct api_req *req);
int kb_api_article_publish(struct api_req *req);
int kb_api_article_unpublish(struct api_req *req);
int kb_api_versions_get(struct api_req *req);
int kb_api_version_get(struct api_req *req);
int kb_api_feedback_add(struct api_req *req);
int kb_api_review_get(struct api_req *req);
int kb_api_article_reviewed(struct api_req *req);
int kb_api_mailout_add(struct api_req *req);
int kb_api_mailouts_get(struct api_req *req);
int kb_api_mailout_get(struct api_req *req);
int kb_api_required_get(struct api_req *req);
int kb_api_mailout_ack(struct api_req *req);

static inline int64_t kb_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

#endif
