/*
 * The permission table and the one check every request passes.
 *
 * Each route row names the permission it needs (api.h, enum api_perm);
 * permv[] below says which role holds which, and for a scoped permission
 * whether on the caller's own objects only (OWN) or on anyone's (ANY).
 * api_perm_check() runs in the router after the token is resolved and
 * before the body is parsed, so a role without the permission gets 403
 * and learns nothing of the body's schema. For a caller granted OWN it
 * also decides ownership of the path's {id}, as the row's API_OWN_* flag
 * says:
 *
 *   API_OWN_AGENT  {id} is an agent: the account's own agent
 *   API_OWN_LIVE   {id} is a live interaction: the one on the account's
 *                  agent now (asked of the core); 404 when not live
 *   API_OWN_IX     {id} is a recorded interaction: the agent was
 *                  assigned, offered or answered it; 404 when there is no
 *                  such interaction
 *
 * A route without such a flag lists things and filters by
 * api_req_scope_agent() itself. Handlers never look at the role: they ask
 * api_req_can() for a finer permission (a knowledge-base writer sees
 * drafts) and pass api_req_scope_agent() down to the core, which checks
 * the ownership of a live interaction again atomically as it acts.
 *
 * The matrix is what a contact center runs on: agents act on their own
 * state and calls; team leaders and supervisors on anyone's; quality
 * analysts read history, recordings, reports and the live view but never
 * touch a live call or an agent's state; only administrators change the
 * configuration and the logins.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "core/cc.h"
#include "store/store.h"
#include "api_int.h"
#include "api_live.h"

enum { ROLES = 5 };

/* The roles in table order (the columns of permv[]). */
static const enum api_role rolev[ROLES] = {
	API_ROLE_AGENT, API_ROLE_TEAM_LEADER, API_ROLE_SUPERVISOR,
	API_ROLE_QUALITY, API_ROLE_ADMIN,
};

/* clang-format off: one line of grants per permission reads as a table */
#define N API_GRANT_NONE
#define O API_GRANT_OWN
#define A API_GRANT_ANY

static const struct perm_def {
	const char *name;
	bool scoped;
	/* agent, team_leader, supervisor, quality_analyst, admin */
	enum api_grant grant[ROLES];
	const char *what;
} permv[API_PERM_N] = {
	[API_PERM_PUBLIC] = {"public", false, {A, A, A, A, A},
			     "no login needed"},
	[API_PERM_SESSION] = {"session", false, {A, A, A, A, A},
			      "one's own login: log out, password, who am I, "
			      "one's unfinished work, this table"},
	[API_PERM_STATS_LIVE] = {"stats_live", false, {A, A, A, A, A},
				 "the live per-second figures (wallboard)"},
	[API_PERM_STATS_READ] = {"stats_read", false, {N, A, A, A, A},
				 "interval reports per queue and agent"},
	[API_PERM_HISTORY_READ] = {"history_read", true, {O, A, A, A, A},
				   "interaction records, timelines and notes"},
	[API_PERM_RECORDINGS_READ] = {"recordings_read", true,
				      {O, A, A, A, A},
				      "call recordings and voicemail"},
	[API_PERM_LIVE_READ] = {"live_read", true, {O, A, A, A, A},
				"live interactions and agents' states"},
	[API_PERM_AGENT_STATE] = {"agent_state", true, {O, A, A, N, A},
				  "set an agent's state and auto-answer"},
	[API_PERM_CALLS_CONTROL] = {"calls_control", true, {O, A, A, N, A},
				    "hang up, hold, resume, transfer, consult,"
				    " accept or reject a live interaction"},
	[API_PERM_INTERACTION_WRITE] = {"interaction_write", true,
					{O, A, A, N, A},
					"an interaction's notes, wrap-up and "
					"customer"},
	[API_PERM_DIRECTORY_READ] = {"directory_read", false, {A, A, A, A, A},
				     "queues, disposition codes, away reasons,"
				     " custom customer fields"},
	[API_PERM_CONFIG_READ] = {"config_read", false, {N, A, A, A, A},
				  "agents and IVR flows"},
	[API_PERM_CONFIG_WRITE] = {"config_write", false, {N, N, N, N, A},
				   "change agents, queues, flows, codes, "
				   "reasons and custom fields"},
	[API_PERM_ACCOUNTS] = {"accounts", false, {N, N, N, N, A},
			       "logins, their roles and passwords"},
	[API_PERM_TRUNKS] = {"trunks", false, {N, N, N, N, A},
			     "trunks and the dial-out policy (toll fraud: "
			     "administrators only)"},
	[API_PERM_AUDIT_READ] = {"audit_read", false, {N, N, A, N, A},
				 "the audit log"},
	[API_PERM_WFM] = {"wfm", false, {N, A, A, N, A},
			  "staffing, simulation, forecasts, schedules, "
			  "adherence"},
	[API_PERM_KB_READ] = {"kb_read", false, {A, A, A, A, A},
			      "published articles, feedback, required reads"},
	[API_PERM_KB_WRITE] = {"kb_write", false, {N, A, A, N, A},
			       "article drafts, versions, reviews, mail-out "
			       "read lists"},
	[API_PERM_KB_PUBLISH] = {"kb_publish", false, {N, N, A, N, A},
				 "publish and withdraw articles, mail-outs"},
	[API_PERM_CUSTOMERS_READ] = {"customers_read", false, {A, A, A, A, A},
				     "customers, their timelines, search"},
	[API_PERM_CUSTOMERS_WRITE] = {"customers_write", false,
				      {A, A, A, N, A},
				      "create and update customers"},
	[API_PERM_CUSTOMERS_EXPORT] = {"customers_export", false,
				       {N, A, A, A, A},
				       "every customer as CSV"},
	[API_PERM_CUSTOMERS_MANAGE] = {"customers_manage", false,
				       {N, N, A, N, A},
				       "import, merge and delete customers"},
	[API_PERM_CASES_READ] = {"cases_read", false, {A, A, A, A, A},
				 "cases and their comments"},
	[API_PERM_CASES_WRITE] = {"cases_write", false, {A, A, A, N, A},
				  "open, update, comment on and link cases"},
	[API_PERM_CASES_REOPEN] = {"cases_reopen", false, {N, A, A, N, A},
				   "reopen a closed case by hand"},
	[API_PERM_CASES_DELETE] = {"cases_delete", false, {N, N, A, N, A},
				   "delete cases"},
};

#undef N
#undef O
#undef A
/* clang-format on */

static int role_index(enum api_role role)
{
	for (int i = 0; i < ROLES; i++) {
		if (rolev[i] == role)
			return i;
	}
	return -1;
}

enum api_grant api_perm_grant(enum api_role role, enum api_perm perm)
{
	int i = role_index(role);

	if (i < 0 || (unsigned)perm >= API_PERM_N)
		return API_GRANT_NONE;
	return permv[perm].grant[i];
}

const char *api_perm_name(enum api_perm perm)
{
	return (unsigned)perm < API_PERM_N ? permv[perm].name : "?";
}

bool api_perm_scoped(enum api_perm perm)
{
	return (unsigned)perm < API_PERM_N && permv[perm].scoped;
}

static const char *grant_name(enum api_grant g)
{
	return g == API_GRANT_ANY ? "any" : g == API_GRANT_OWN ? "own" : "none";
}

/* {permissions: [{name, scoped, description}], roles: {role: {perm:
 * "any"|"own"}}}: only what is granted is listed under a role. */
json_t *api_perm_table(void)
{
	json_t *perms = json_array(), *roles = json_object();

	for (unsigned p = API_PERM_PUBLIC + 1; p < API_PERM_N; p++)
		json_array_append_new(perms,
				      json_pack("{s:s,s:b,s:s}", "name",
						permv[p].name, "scoped",
						permv[p].scoped, "description",
						permv[p].what));
	for (int i = 0; i < ROLES; i++) {
		json_t *g = json_object();

		for (unsigned p = API_PERM_PUBLIC + 1; p < API_PERM_N; p++) {
			if (permv[p].grant[i] != API_GRANT_NONE)
				json_object_set_new(
					g, permv[p].name,
					json_string(grant_name(
						permv[p].grant[i])));
		}
		json_object_set_new(roles, api_role_name(rolev[i]), g);
	}
	return json_pack("{s:o,s:o}", "permissions", perms, "roles", roles);
}

/* GET /api/v1/permissions: the table and what the caller holds. */
int api_route_permissions(struct api_req *req)
{
	json_t *t = api_perm_table(), *mine;

	if (!t)
		return ENOMEM;
	mine = json_incref(json_object_get(json_object_get(t, "roles"),
					   api_role_name(req->role)));
	json_object_set_new(t, "role", json_string(api_role_name(req->role)));
	json_object_set_new(t, "granted", mine ? mine : json_object());
	return api_reply_json(req, 200, t);
}

/* --- Request accessors --------------------------------------------------- */

enum api_grant api_req_grant(const struct api_req *req, enum api_perm perm)
{
	return api_perm_grant(req->role, perm);
}

bool api_req_can(const struct api_req *req, enum api_perm perm)
{
	return api_perm_grant(req->role, perm) == API_GRANT_ANY;
}

int64_t api_req_scope_agent(const struct api_req *req)
{
	if (req->grant != API_GRANT_OWN)
		return 0;
	return req->agent ? req->agent : -1;
}

/* --- Ownership ----------------------------------------------------------- */

struct ix_own {
	bool found;
	bool mine;
};

static int ix_row_h(sqlite3_stmt *st, void *arg)
{
	struct ix_own *o = arg;

	o->found = true;
	o->mine = sqlite3_column_int(st, 0) != 0;
	return 0;
}

/* Whether the caller's agent was assigned, offered or answered recorded
 * interaction id; replies 404 when there is none. */
static int own_ix(bool *minep, struct api_req *req, int64_t id)
{
	struct ix_own o = {false, false};
	sqlite3 *db = store_reader(store_main());
	int err;

	if (!db)
		return EIO;
	err = store_query(db, ix_row_h, &o,
			  "SELECT i.agent_id = ?1 OR EXISTS (SELECT 1 FROM "
			  "interaction_events e WHERE e.interaction_id = i.id "
			  "AND e.agent_id = ?1 AND e.type IN ('offered', "
			  "'answered')) FROM interactions i WHERE i.id = ?2",
			  "ii", req->agent, id);
	if (err)
		return err;
	if (!o.found)
		return api_reply_error(req, 404, "not_found", "id",
				       "no interaction %lld", (long long)id);
	*minep = o.mine;
	return 0;
}

/* Whether live interaction id is on the caller's agent; replies 404 when
 * it is not live. */
static int own_live(bool *minep, struct api_req *req, int64_t id)
{
	json_t *r = NULL;
	int err;

	err = api_core_call(&r, api_live_call,
			    json_pack("{s:I,s:I}", "id", (json_int_t)id,
				      "agent", (json_int_t)req->agent),
			    API_CORE_TIMEOUT_MS);
	if (err == ENOENT)
		return api_reply_error(req, 404, "not_found", "id",
				       "no live interaction %lld",
				       (long long)id);
	if (err == ETIMEDOUT)
		return api_reply_error(req, 504, "timeout", NULL,
				       "the core did not answer in time");
	if (err)
		return err;
	*minep = json_is_true(json_object_get(r, "mine"));
	json_decref(r);
	return 0;
}

int api_perm_check(struct api_req *req)
{
	const struct api_route *r = req->route;
	bool mine = false;
	int64_t id;
	int err;

	req->grant = api_perm_grant(req->role, r->perm);
	if (req->grant == API_GRANT_NONE)
		return api_reply_error(req, 403, "forbidden", NULL,
				       "role %s lacks permission %s to %s %s",
				       api_role_name(req->role),
				       api_perm_name(r->perm), r->method,
				       r->path);
	if (req->grant == API_GRANT_ANY ||
	    !(r->flags & (API_OWN_AGENT | API_OWN_LIVE | API_OWN_IX)))
		return 0;
	if (!req->agent)
		return api_reply_error(req, 403, "forbidden", NULL,
				       "the login has no agent of its own");
	if (r->flags & API_OWN_AGENT) {
		const char *s = api_req_param(req, "id");
		char *end = NULL;

		id = s ? strtoll(s, &end, 10) : 0;
		mine = end && !*end && id == req->agent;
	}
	else {
		err = api_req_param_id(&id, req, "id");
		if (err)
			return err;
		err = r->flags & API_OWN_LIVE ? own_live(&mine, req, id)
					      : own_ix(&mine, req, id);
		if (err)
			return err;
	}
	if (!mine)
		return api_reply_error(req, 403, "forbidden", "id",
				       "%s may act only on their own %s",
				       api_role_name(req->role),
				       r->flags & API_OWN_AGENT
					       ? "agent"
					       : "interactions");
	return 0;
}
