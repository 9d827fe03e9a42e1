/*
 * Private to the api module: the request object shared by the HTTP thread
 * (which owns the connection), the worker threads (which run handlers) and
 * the helpers in the other api_*.c files.
 */
#ifndef SB_API_INT_H
#define SB_API_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include <sqlite3.h>
#include "api.h"

enum {
	API_BODY_MAX = 64 * 1024, /* request bodies above this get 413 */
	API_PARAM_MAX = 4,
	API_QUERY_MAX = 16,
	API_CORE_TIMEOUT_MS = 2000,
};

struct lws;

/* A reference-counted, immutable byte buffer shared between threads (the
 * per-second figures, served by every request of the live-stats route
 * without a copy). */
struct api_buf {
	_Atomic unsigned refs;
	size_t len;
	char data[]; /* len bytes and a '\0' */
};
struct api_buf *api_buf_alloc(const char *data, size_t len);
struct api_buf *api_buf_ref(struct api_buf *b);
void api_buf_unref(struct api_buf *b);

struct api_req {
	/* Owned by the HTTP thread. */
	struct lws *wsi;      /* NULL once the connection closed */
	struct api_req *next; /* worker queue / done list */
	bool pending;         /* handed to a worker, not back yet */
	bool close_after;     /* close the connection after the reply */
	bool hdrs_sent;
	bool all_sent;        /* headers and body went out in one piece */
	size_t resp_off;
	uint64_t t_start;

	/* Request, filled by the HTTP thread before dispatch. */
	char method[8];
	char path[512];
	char *queryv[API_QUERY_MAX]; /* "name=value", decoded */
	unsigned queryc;
	char pname[API_PARAM_MAX][24];
	char pval[API_PARAM_MAX][128];
	unsigned paramc;
	const struct api_route *route;
	char authz[320];
	char cookie[1024];
	char peer[64];
	char ctype_in[128];
	char accept[128];
	char *body;
	size_t body_len;
	size_t content_length;
	json_t *json;

	/* The logged-in account, set by api_auth_check(). */
	int64_t account;
	int64_t agent;
	enum api_role role;
	enum api_grant grant; /* of the route's permission, api_perm_check() */
	char username[64];
	char token_hash[65];

	/* Reply. */
	int status;
	char ctype[64];
	char *resp;
	size_t resp_len;
	struct api_buf *resp_buf; /* when resp is borrowed from it */
	char *hdrs; /* "name: value\r\n"... */
	bool replied;
};

/* api_routes.c */
extern const struct api_route api_routev[];
/* Every route table served, api_routev[] first; ends with NULL. */
const struct api_route *const *api_route_tables(void);
/* Checks every row of every table (logs the first bad one): EINVAL. */
int api_routes_check(void);

/* api_http.c */
void api_req_destroy(struct api_req *req);
struct lws_context *api_http_context(void);
void api_http_wake(void);
extern uint64_t api_started_ms;

/* api_auth.c */
int api_auth_init(void);
int api_auth_seed_demo(void);
/* Resolves the token of the request (Bearer or cookie) into the account
 * fields. Returns 0, or EACCES when missing/unknown/expired/revoked. */
int api_auth_check(struct api_req *req);
int api_auth_token_lookup(struct api_req *req, const char *token);
/* Forgets cached sessions: call after revoking or changing any login. */
void api_auth_invalidate(void);
/* Generation bumped by every invalidation. */
unsigned api_auth_gen(void);
/* Whether the session with this token hash is still good (database). */
bool api_auth_session_valid(const char *hash);
int64_t api_auth_session_expires(const char *hash);
/* The token from the Authorization header or the sb_token cookie. */
bool api_auth_token_get(char *buf, size_t sz, const char *authz,
			const char *cookie);
const char *api_role_name(enum api_role role);
int api_role_decode(enum api_role *rolep, const char *name);
extern uint32_t api_session_ttl;

/* Replies with the bytes of b (no copy; takes a new reference). */
int api_reply_buf(struct api_req *req, int status, const char *ctype,
		  struct api_buf *b);

/* api_perm.c */
/* The one authorization check (the router calls it after the token is
 * resolved, before the body is read): 0, or replies 403 (404 when the
 * object to own is missing) and returns an errno value. */
int api_perm_check(struct api_req *req);
enum api_grant api_perm_grant(enum api_role role, enum api_perm perm);
const char *api_perm_name(enum api_perm perm);
bool api_perm_scoped(enum api_perm perm);
/* The table as published (new reference). */
json_t *api_perm_table(void);

/* api_ws.c */
int api_ws_init(void);
void api_ws_close(void);
/* Replaces the per-second figures sent to every channel (takes json). */
void api_ws_stats_set(json_t *stats);
/* The last figures as JSON text (new string, free()), or NULL. */
char *api_ws_stats_text(void);
/* The same as a shared buffer (new reference), or NULL. */
struct api_buf *api_ws_stats_buf(void);
json_t *api_ws_stats_json(void);
int api_ws_callback(struct lws *wsi, int reason, void *user, void *in,
		    size_t len);
void api_ws_wake(void);
uint64_t api_ws_seq(void);

/* api_core.c */
int api_core_init(void);
void api_core_close(void);

/* api_openapi.c */
int api_openapi_build(void);
void api_openapi_close(void);
int api_openapi_get(struct api_req *req);
/* Checks body against the route's spec; replies 400 on the first problem. */
int api_body_validate(struct api_req *req);

/* api_metrics.c */
void api_metrics_count(int status);
int api_metrics_get(struct api_req *req);

/* api_util.c */
char *api_json_text(const json_t *j); /* compact text, free() it */
/* Steps st to the end, each row an object keyed by column name (integer,
 * real, text or null); finalizes st. New reference. */
json_t *api_rows_json(sqlite3_stmt *st);
void api_hex(char *out, const uint8_t *in, size_t n);
int api_csv_field(char **bufp, size_t *lenp, size_t *capp, const char *s,
		  bool last);

#endif
