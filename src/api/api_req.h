/*
 * api_req.h: what a module that serves HTTP routes needs of the api
 * module, and nothing of the server's internals: the route row, the
 * permissions a row names, request accessors, replies, the audit log, the
 * bridge to the core (libre main loop) and the event channel.
 *
 * A module exports its routes as one table (crm_routev[] in crm.h, ...),
 * ending with a row whose method is NULL:
 *
 *	const struct api_route crm_routev[] = {
 *		{"GET", API_V1 "/customers/{id}", API_PERM_CUSTOMERS_READ, 0,
 *		 crm_api_customer_get, "Read one customer", NULL, NULL},
 *		...
 *		API_ROUTES_END,
 *	};
 *
 * and main registers the table with api_routes_register() (api.h) before
 * the api module starts.
 *
 * The handler runs on an API worker thread (never on the libre main loop,
 * never on the HTTP thread unless the row says API_INLINE). It may block
 * on the store (store_reader() for reads, store_write_wait() for writes)
 * and on the core bridge (api_core_call()). It answers with api_reply*();
 * returning an errno value without a reply maps to a JSON error (ENOENT
 * 404, EINVAL 400, EPERM/EACCES 403, EEXIST 409, ETIMEDOUT 504, else 500).
 * Before it runs, the router has checked the login and the row's
 * permission (api_perm.c) and then the body against the row's spec.
 *
 * The body spec ("name:string!, level:integer, skills:array") is checked
 * before the handler runs (a '!' marks a required field; unknown fields are
 * refused) and is also what /api/v1/openapi.json publishes, so the
 * document and the validation cannot drift apart.
 */
#ifndef SB_API_REQ_H
#define SB_API_REQ_H

#include <stdbool.h>
#include <stdint.h>
/* Not <jansson.h>: it clashes with <re.h> (JSON_STRING, JSON_NULL), and
 * main.c includes both. Handlers include <jansson.h> themselves. */
typedef struct json_t json_t;

/* Where the REST routes live. */
#define API_V1 "/api/v1"

/* Roles: one per account. */
enum api_role {
	API_ROLE_AGENT = 1 << 0,
	API_ROLE_TEAM_LEADER = 1 << 1,
	API_ROLE_SUPERVISOR = 1 << 2,
	API_ROLE_QUALITY = 1 << 3,
	API_ROLE_ADMIN = 1 << 4,
};

/*
 * Permissions: what a route (or a part of a handler) needs. Which role
 * holds which is one table, api_perm.c, checked in one place (the router,
 * before the body is looked at). A scoped permission is granted either on
 * the caller's own objects (API_GRANT_OWN: an agent, their own state and
 * calls) or on anyone's (API_GRANT_ANY); the route row's API_OWN_* flag
 * says what "own" means for its {id}. GET /api/v1/permissions and the
 * OpenAPI document publish the table.
 */
enum api_perm {
	API_PERM_PUBLIC = 0,	  /* no login needed */
	API_PERM_SESSION,	  /* one's own login, password, work left */
	API_PERM_STATS_LIVE,	  /* the per-second figures (wallboard) */
	API_PERM_STATS_READ,	  /* interval reports per queue and agent */
	API_PERM_HISTORY_READ,	  /* scoped: interaction records, notes */
	API_PERM_RECORDINGS_READ, /* scoped: recordings, voicemail */
	API_PERM_LIVE_READ,	  /* scoped: live calls, agents' states */
	API_PERM_AGENT_STATE,	  /* scoped: set state, auto-answer */
	API_PERM_CALLS_CONTROL,	  /* scoped: hang up, hold, transfer */
	API_PERM_INTERACTION_WRITE, /* scoped: notes, wrap-up */
	API_PERM_DIRECTORY_READ,  /* queues, codes, reasons, fields */
	API_PERM_CONFIG_READ,	  /* agents, IVR flows */
	API_PERM_CONFIG_WRITE,	  /* change agents, queues, flows... */
	API_PERM_ACCOUNTS,	  /* logins and their roles */
	API_PERM_TRUNKS,	  /* trunks and the dial-out policy */
	API_PERM_AUDIT_READ,	  /* the audit log */
	API_PERM_WFM,		  /* staffing, simulation, schedules */
	API_PERM_KB_READ,	  /* published articles, required reads */
	API_PERM_KB_WRITE,	  /* drafts, versions, reviews */
	API_PERM_KB_PUBLISH,	  /* publish, withdraw, mail-outs */
	API_PERM_CUSTOMERS_READ,  /* customers, timelines, search */
	API_PERM_CUSTOMERS_WRITE, /* create and update customers */
	API_PERM_CUSTOMERS_EXPORT, /* every customer as CSV */
	API_PERM_CUSTOMERS_MANAGE, /* import, merge, delete */
	API_PERM_CASES_READ,	  /* cases and their comments */
	API_PERM_CASES_WRITE,	  /* open, update, comment, link */
	API_PERM_CASES_REOPEN,	  /* reopen a closed case by hand */
	API_PERM_CASES_DELETE,	  /* delete a case */
	API_PERM_N
};

enum api_grant {
	API_GRANT_NONE = 0,
	API_GRANT_OWN, /* only on the caller's own objects */
	API_GRANT_ANY,
};

/* Route flags. */
enum {
	API_INLINE = 1 << 0, /* run on the HTTP thread: must never block */
	API_CSV = 1 << 1,    /* may answer text/csv (documented so) */
	API_UPLOAD = 1 << 2, /* takes a raw body (a CSV file) of up to
			      * API_UPLOAD_MAX bytes: api_req_data() */
	/* What {id} is for a caller granted a scoped permission on their own
	 * objects only (a route without one of these filters by
	 * api_req_scope_agent() itself): */
	API_OWN_AGENT = 1 << 3, /* an agent: the caller's own */
	API_OWN_LIVE = 1 << 4,	/* a live interaction on the caller */
	API_OWN_IX = 1 << 5,	/* a recorded interaction the caller
				 * was assigned, offered or answered */
};

#define API_UPLOAD_MAX (64u * 1024 * 1024)

struct api_req;
typedef int(api_route_h)(struct api_req *req);

struct api_route {
	const char *method;  /* GET POST PUT PATCH DELETE */
	const char *path;    /* "/api/v1/agents/{id}": {x} is a parameter */
	enum api_perm perm;  /* what the caller needs; API_PERM_PUBLIC */
	unsigned flags;      /* API_INLINE, API_CSV, API_UPLOAD, API_OWN_* */
	api_route_h *h;
	const char *summary; /* one line for the OpenAPI document */
	const char *body;    /* request body spec or NULL (see above) */
	const char *query;   /* query parameters "from,to,agent" or NULL */
};

/* The row ending a route table. */
#define API_ROUTES_END                                                       \
	{NULL, NULL, API_PERM_PUBLIC, 0, NULL, NULL, NULL, NULL}

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
/* What the caller's role is granted of perm (the table in api_perm.c). */
enum api_grant api_req_grant(const struct api_req *req, enum api_perm perm);
/* Whether the caller holds perm on anyone's objects. */
bool api_req_can(const struct api_req *req, enum api_perm perm);
/* For the route's scoped permission: the agent the caller is limited to
 * (their own, API_GRANT_OWN; -1 when the account has no agent), or 0 when
 * granted on anyone's. List routes filter by it. */
int64_t api_req_scope_agent(const struct api_req *req);
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
