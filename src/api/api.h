/*
 * api: the HTTP/1.1 + WebSocket server (libwebsockets, own thread, own
 * loop), the REST routes under /api/v1, the event channel
 * /api/v1/events, accounts, roles and sessions, /metrics and the static
 * pages under web/.
 *
 * Adding a route is one row in api_routev[] (src/api/api_routes.c):
 *
 *	{"GET", "/api/v1/customers/{id}", API_ROLES_STAFF, 0,
 *	 crm_api_customer_get, "Read one customer", NULL, NULL},
 *
 * The handler runs on an API worker thread (never on the libre main loop,
 * never on the HTTP thread unless the row says API_INLINE). It may block
 * on the store (store_reader() for reads, store_write_wait() for writes)
 * and on the core bridge (api_core_call()). It answers with api_reply*();
 * returning an errno value without a reply maps to a JSON error (ENOENT
 * 404, EINVAL 400, EPERM/EACCES 403, EEXIST 409, ETIMEDOUT 504, else 500).
 *
 * The body spec ("name:string!, level:integer, skills:array") is checked
 * before the handler runs (a '!' marks a required field; unknown fields are
 * refused) and is also what /api/v1/openapi.json publishes, so the
 * document and the validation cannot drift apart.
 */
#ifndef SB_API_H
#define SB_API_H

#include <stdbool.h>
#include <stdint.h>
/* Not <jansson.h>: it clashes with <re.h> (JSON_STRING, JSON_NULL), and
 * main.c includes both. Handlers include <jansson.h> themselves. */
typedef struct json_t json_t;

struct cc_config;

/* Roles: one per account. Route rows hold a mask of the roles allowed. */
enum api_role {
	API_ROLE_AGENT = 1 << 0,
	API_ROLE_TEAM_LEADER = 1 << 1,
	API_ROLE_SUPERVISOR = 1 << 2,
	API_ROLE_QUALITY = 1 << 3,
	API_ROLE_ADMIN = 1 << 4,
};

#define API_ROLES_PUBLIC 0u
#define API_ROLES_ALL 0x1fu
#define API_ROLES_STAFF                                                      \
	(API_ROLE_TEAM_LEADER | API_ROLE_SUPERVISOR | API_ROLE_QUALITY |     \
	 API_ROLE_ADMIN)
#define API_ROLES_MANAGE                                                     \
	(API_ROLE_TEAM_LEADER | API_ROLE_SUPERVISOR | API_ROLE_ADMIN)
#define API_ROLES_ADMIN API_ROLE_ADMIN

/* Route flags. */
enum {
	API_INLINE = 1 << 0, /* run on the HTTP thread: must never block */
	API_CSV = 1 << 1,    /* may answer text/csv (documented so) */
	API_UPLOAD = 1 << 2, /* takes a raw body (a CSV file) of up to
			      * API_UPLOAD_MAX bytes: api_req_data() */
};

#define API_UPLOAD_MAX (64u * 1024 * 1024)

struct api_req;
typedef int(api_route_h)(struct api_req *req);

struct api_route {
	const char *method;  /* GET POST PUT PATCH DELETE */
	const char *path;    /* "/api/v1/agents/{id}": {x} is a parameter */
	unsigned roles;      /* mask of enum api_role; 0 = no login needed */
	unsigned flags;      /* API_INLINE, API_CSV */
	api_route_h *h;
	const char *summary; /* one line for the OpenAPI document */
	const char *body;    /* request body spec or NULL (see above) */
	const char *query;   /* query parameters "from,to,agent" or NULL */
};

extern const struct api_route api_routev[]; /* ends with a NULL method */

/* --- Module (main thread) ------------------------------------------------ */

int api_init(const struct cc_config *cfg);
void api_stop(void);
void api_close(void);
/* The server has started (main, once every module is up): the demo
 * accounts' logins are printed once they exist, never after a failed
 * start. */
void api_demo_logins_print(void);

/* --- Request accessors (handler threads) --------------------------------- */

const char *api_req_method(const struct api_req *req);
/* Path parameter {name}, or NULL. */
const char *api_req_param(const struct api_req *req, const char *name);
/* Path parameter as a positive integer; on failure replies 400/404 and
 * returns EINVAL (the handler then just returns it). */
int api_req_param_id(int64_t *idp, struct api_req *req, const char *name);
/* Query argument ?name=value (URL-decoded), or NULL. */
const char *api_req_query(const struct api_req *req, const char *name);
/* The validated JSON body (borrowed), or NULL when the route has none. */
json_t *api_req_body(const struct api_req *req);
/* The raw body of an API_UPLOAD route (NUL-terminated, borrowed) and its
 * length; NULL when there is none. */
const char *api_req_data(const struct api_req *req, size_t *lenp);
/* The logged-in account. */
int64_t api_req_account(const struct api_req *req);
const char *api_req_username(const struct api_req *req);
enum api_role api_req_role(const struct api_req *req);
/* The agent linked to the account, 0 if none. */
int64_t api_req_agent(const struct api_req *req);
const char *api_req_peer(const struct api_req *req);

/* --- Replies -------------------------------------------------------------- */

/* Replies with status and a JSON body; takes the reference to body. */
int api_reply_json(struct api_req *req, int status, json_t *body);
/* Replies with any body (copied) and content type. */
int api_reply_data(struct api_req *req, int status, const char *ctype,
		   const char *data, size_t len);
/* Replies {"error": {"code", "message", "field"}}; field may be NULL.
 * Returns EINVAL so a handler can `return api_reply_error(...)`. */
int api_reply_error(struct api_req *req, int status, const char *code,
		    const char *field, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Adds a response header line such as "Set-Cookie: ..." (copied). */
int api_reply_header(struct api_req *req, const char *name,
		     const char *value);

/* Writes an entry to the audit log (store writer, blocking). */
int api_audit(struct api_req *req, const char *action, const char *object,
	      json_t *detail);

/* --- Bridge to the core (libre main loop) ------------------------------- */

/* Runs on the main thread; args borrowed; sets *resultp (new reference)
 * or returns an errno value. */
typedef int(api_core_h)(json_t **resultp, const json_t *args);

/*
 * From an API thread: posts fn(args) to the libre main loop and waits up
 * to timeout_ms for its result. Takes the reference to args. Returns
 * ETIMEDOUT when the core did not answer in time (fn may still run later,
 * its result is then dropped).
 */
int api_core_call(json_t **resultp, api_core_h *fn, json_t *args,
		  uint32_t timeout_ms);

/* --- Events --------------------------------------------------------------- */

/*
 * From any thread: publishes an event on /api/v1/events with the next
 * sequence number. agent is the target agent id (only that agent's
 * sessions receive it) or 0 for every session. Takes the reference
 * to data. Returns the sequence number given, 0 on failure.
 */
uint64_t api_event_publish(const char *type, json_t *data, int64_t agent);

/* Number of open event channels (for tests and metrics). */
unsigned api_event_clients(void);

#endif
