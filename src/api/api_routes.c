/*
 * The routes served: the api module's own table, api_routev[] (sessions,
 * documents, the record, the live center, the configuration, lists,
 * administration), and the tables other modules export (crm_routev[],
 * kb_routev[] ...) that main registers with api_routes_register() before
 * api_init(). The router (api_http.c) and the OpenAPI generator
 * (api_openapi.c) walk them all, api_routev[] first, through
 * api_route_tables(). See api_req.h for the row format.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include "core/cc.h"
#include "api_int.h"
#include "api_handlers.h"

#define V1 API_V1

enum { TABLES_MAX = 16 };

const struct api_route api_routev[] = {
	/* Sessions */
	{"POST", V1 "/login", API_PERM_PUBLIC, 0, api_route_login,
	 "Log in: answers {token, role, expires_at} and sets the sb_token "
	 "cookie", "username:string!, password:string!", NULL},
	{"POST", V1 "/logout", API_PERM_SESSION, 0, api_route_logout,
	 "Revoke the session's token", NULL, NULL},
	{"GET", V1 "/me", API_PERM_SESSION, 0, api_route_me,
	 "The logged-in account", NULL, NULL},
	{"GET", V1 "/permissions", API_PERM_SESSION, 0, api_route_permissions,
	 "The permission table (roles: permissions granted on their own "
	 "objects or on anyone's) and what the caller's role holds", NULL,
	 NULL},
	{"POST", V1 "/me/password", API_PERM_SESSION, 0, api_route_me_password,
	 "Change one's own password (ends one's other sessions)",
	 "old_password:string!, new_password:string!", NULL},

	/* Documents and figures */
	{"GET", V1 "/health", API_PERM_PUBLIC, 0, api_route_health,
	 "Liveness: the HTTP thread, a worker and the core loop all answer",
	 NULL, NULL},
	{"GET", V1 "/openapi.json", API_PERM_PUBLIC, API_INLINE,
	 api_openapi_get, "This document", NULL, NULL},
	{"GET", "/metrics", API_PERM_PUBLIC, API_INLINE, api_metrics_get,
	 "Prometheus metrics (text format)", NULL, NULL},
	{"GET", V1 "/stats/live", API_PERM_STATS_LIVE, API_INLINE,
	 api_route_stats_live,
	 "Live figures per queue and agent (refreshed every second)", NULL,
	 NULL},

	/* The center's record */
	{"GET", V1 "/interactions", API_PERM_HISTORY_READ, API_CSV,
	 api_route_interactions_get,
	 "Interaction history, newest first (an agent sees only their own;"
	 " CSV with ?format=csv or Accept: text/csv). Times are ms since the"
	 " epoch, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC); number matches "
	 "the caller's or dialled number; before pages by id", NULL,
	 "from, to, queue, agent:integer, channel, outcome, number, "
	 "limit:integer, before:integer, format"},
	{"GET", V1 "/interactions/{id}", API_PERM_HISTORY_READ, API_OWN_IX,
	 api_route_interaction_get,
	 "One interaction with its events timeline, notes, IVR path and the "
	 "customer's previous contacts (an agent: only their own, else 403)",
	 NULL, NULL},
	{"GET", V1 "/stats/intervals", API_PERM_STATS_READ, 0,
	 api_route_intervals_get,
	 "A day's 15-minute intervals: per queue (counts, service level, "
	 "ASA, AHT, abandonment) and per agent (time per state, handled, "
	 "missed, occupancy)", NULL, "date:string!, queue, agent:integer"},

	/* The live center */
	{"GET", V1 "/agents/{id}/state", API_PERM_LIVE_READ, API_OWN_AGENT,
	 api_route_agent_state_get,
	 "An agent's state, since when, and the interaction they are on "
	 "(agents: their own)", NULL, NULL},
	{"POST", V1 "/agents/{id}/state", API_PERM_AGENT_STATE, API_OWN_AGENT,
	 api_route_agent_state_set,
	 "Set an agent's state: available, away (with an active away "
	 "reason) or logged_out (agents: their own; team leaders, "
	 "supervisors and administrators: anyone's, audited)",
	 "state:string!, reason:string", NULL},
	{"GET", V1 "/calls", API_PERM_LIVE_READ, 0, api_route_calls_get,
	 "Live interactions: queued, ringing, talking, held, in wrap-up "
	 "(agents: their own)", NULL, NULL},
	{"GET", V1 "/calls/{id}", API_PERM_LIVE_READ, API_OWN_LIVE,
	 api_route_call_get,
	 "One live interaction: state, caller, queue, agent, since when, "
	 "the pop's attributes (agents: their own)", NULL, NULL},
	{"POST", V1 "/interactions/{id}/hangup", API_PERM_CALLS_CONTROL,
	 API_OWN_LIVE,
	 api_route_call_control,
	 "Hang up a live interaction (agents: their own)", NULL, NULL},
	{"POST", V1 "/interactions/{id}/hold", API_PERM_CALLS_CONTROL,
	 API_OWN_LIVE,
	 api_route_call_control, "Put a call on hold (music for the caller)",
	 NULL, NULL},
	{"POST", V1 "/interactions/{id}/resume", API_PERM_CALLS_CONTROL,
	 API_OWN_LIVE,
	 api_route_call_control, "Take a call off hold", NULL, NULL},
	/* Agent desktop (web): the agent's microphone for the caller */
	{"POST", V1 "/interactions/{id}/mute", API_PERM_CALLS_CONTROL,
	 API_OWN_LIVE, api_route_call_mute,
	 "Mute (or unmute) the agent for the caller: the server stops "
	 "relaying the agent's audio (agents: their own call)",
	 "muted:boolean!", NULL},
	{"POST", V1 "/interactions/{id}/transfer", API_PERM_CALLS_CONTROL,
	 API_OWN_LIVE,
	 api_route_call_control,
	 "Blind transfer to an agent (extension) or a queue (name), or with "
	 "number to an outside number through the outbound trunk (the "
	 "agent's phone is released, the agent wraps up)",
	 "target:string, number:string", NULL},
	{"POST", V1 "/interactions/{id}/consult", API_PERM_CALLS_CONTROL,
	 API_OWN_LIVE,
	 api_route_call_control,
	 "Attended transfer, first step: the caller holds (music) while the "
	 "agent's phone is bridged to another agent's (agent: extension), "
	 "to the longest idle available agent of a queue (queue: name) or "
	 "to an outside number through the outbound trunk (number; 409 "
	 "no_trunk without one)",
	 "agent:string, queue:string, number:string", NULL},
	{"POST", V1 "/interactions/{id}/transfer/complete",
	 API_PERM_CALLS_CONTROL, API_OWN_LIVE,
	 api_route_call_control,
	 "Attended transfer: the caller is bridged to the consulted agent, "
	 "the transferring agent's phone is released", NULL, NULL},
	{"POST", V1 "/interactions/{id}/transfer/cancel",
	 API_PERM_CALLS_CONTROL, API_OWN_LIVE,
	 api_route_call_control,
	 "Attended transfer: drop the consult, the caller is back with the "
	 "agent", NULL, NULL},
	{"POST", V1 "/interactions/{id}/accept", API_PERM_CALLS_CONTROL,
	 API_OWN_LIVE,
	 api_route_call_control,
	 "Accept the offer being rung (the agent's own): the phone is rung "
	 "again asking it to answer by itself (Call-Info answer-after=0)",
	 NULL, NULL},
	{"POST", V1 "/interactions/{id}/reject", API_PERM_CALLS_CONTROL,
	 API_OWN_LIVE,
	 api_route_call_control,
	 "Decline the offer being rung: the phone stops ringing and the next "
	 "agent is tried at once", NULL, NULL},
	{"POST", V1 "/agents/{id}/auto-answer", API_PERM_AGENT_STATE,
	 API_OWN_AGENT,
	 api_route_agent_auto_answer,
	 "Offers to the agent's phone ask it to answer by itself (agents: "
	 "their own)", "enabled:boolean!", NULL},
	{"PUT", V1 "/interactions/{id}/notes", API_PERM_INTERACTION_WRITE,
	 API_OWN_IX,
	 api_route_notes_put,
	 "Save the notes of an interaction (the desktop saves as the agent "
	 "types; agents: the ones they handled)", "notes:string!", NULL},
	{"POST", V1 "/interactions/{id}/wrapup", API_PERM_INTERACTION_WRITE,
	 API_OWN_IX,
	 api_route_wrapup,
	 "Wrap up: disposition code (and notes); ends the agent's wrap-up "
	 "time", "disposition:string!, notes:string", NULL},

	/* The center's configuration */
	{"GET", V1 "/agents", API_PERM_CONFIG_READ, 0, api_route_agents_get,
	 "Agents with their skills and levels", NULL, NULL},
	{"POST", V1 "/agents", API_PERM_CONFIG_WRITE, 0, api_route_agents_add,
	 "Create an agent", "extension:string!, name:string!, "
	 "sip_password:string!, skills:object", NULL},
	{"PATCH", V1 "/agents/{id}", API_PERM_CONFIG_WRITE, 0,
	 api_route_agents_update, "Update an agent's name, SIP password, "
	 "skills and levels, or disable it", "name:string, "
	 "sip_password:string, skills:object, enabled:boolean", NULL},
	{"DELETE", V1 "/agents/{id}", API_PERM_CONFIG_WRITE, 0,
	 api_route_agents_delete, "Delete an agent", NULL, NULL},
	{"GET", V1 "/queues", API_PERM_DIRECTORY_READ, 0, api_route_queues_get,
	 "Queues with their settings and members", NULL, NULL},
	{"POST", V1 "/queues", API_PERM_CONFIG_WRITE, 0, api_route_queues_add,
	 "Create a queue", "name:string!, strategy:string, "
	 "sl_target_pct:integer, sl_threshold_s:integer, max_wait_s:integer, "
	 "max_len:integer, overflow_queue:string, wrapup_s:integer, "
	 "ring_timeout_s:integer, short_abandon_s:integer, "
	 "announce_every_s:integer, skill:string, min_level:integer, "
	 "members:array, escalations:array", NULL},
	{"PATCH", V1 "/queues/{id}", API_PERM_CONFIG_WRITE, 0,
	 api_route_queues_update, "Update a queue's settings or members "
	 "(null clears skill and overflow_queue)",
	 "strategy:string, sl_target_pct:integer, sl_threshold_s:integer, "
	 "max_wait_s:integer, max_len:integer, overflow_queue:string, "
	 "wrapup_s:integer, ring_timeout_s:integer, short_abandon_s:integer, "
	 "announce_every_s:integer, skill:string, min_level:integer, "
	 "members:array, escalations:array", NULL},
	{"DELETE", V1 "/queues/{id}", API_PERM_CONFIG_WRITE, 0,
	 api_route_queues_delete, "Delete a queue", NULL, NULL},
	{"GET", V1 "/flows", API_PERM_CONFIG_READ, 0, api_route_flows_get,
	 "IVR flows by name with the numbers that lead to them", NULL, NULL},

	/* Managed lists */
	{"GET", V1 "/dispositions", API_PERM_DIRECTORY_READ, 0,
	 api_route_list_get,
	 "Disposition codes", NULL, "all:boolean"},
	{"POST", V1 "/dispositions", API_PERM_CONFIG_WRITE, 0,
	 api_route_list_add,
	 "Add a disposition code", "code:string!, label:string!", NULL},
	{"PATCH", V1 "/dispositions/{id}", API_PERM_CONFIG_WRITE, 0,
	 api_route_list_update, "Rename or (de)activate a disposition code",
	 "label:string, active:boolean", NULL},
	{"DELETE", V1 "/dispositions/{id}", API_PERM_CONFIG_WRITE, 0,
	 api_route_list_delete, "Delete a disposition code", NULL, NULL},
	{"GET", V1 "/away-reasons", API_PERM_DIRECTORY_READ, 0,
	 api_route_list_get,
	 "Away reasons", NULL, "all:boolean"},
	{"POST", V1 "/away-reasons", API_PERM_CONFIG_WRITE, 0,
	 api_route_list_add,
	 "Add an away reason", "code:string!, label:string!", NULL},
	{"PATCH", V1 "/away-reasons/{id}", API_PERM_CONFIG_WRITE, 0,
	 api_route_list_update, "Rename or (de)activate an away reason",
	 "label:string, active:boolean", NULL},
	{"DELETE", V1 "/away-reasons/{id}", API_PERM_CONFIG_WRITE, 0,
	 api_route_list_delete, "Delete an away reason", NULL, NULL},

	/* Administration */
	{"GET", V1 "/accounts", API_PERM_ACCOUNTS, 0, api_route_accounts_get,
	 "Logins", NULL, NULL},
	{"POST", V1 "/accounts", API_PERM_ACCOUNTS, 0, api_route_accounts_add,
	 "Create a login (agent logins name their agent_id)",
	 "username:string!, password:string!, role:string!, "
	 "agent_id:integer", NULL},
	{"PATCH", V1 "/accounts/{id}", API_PERM_ACCOUNTS, 0,
	 api_route_accounts_update,
	 "Change a login's role or agent, or disable it (revokes sessions)",
	 "role:string, agent_id:integer, disabled:boolean", NULL},
	{"PUT", V1 "/accounts/{id}/password", API_PERM_ACCOUNTS, 0,
	 api_route_accounts_password,
	 "Reset a login's password (revokes its other sessions)",
	 "password:string!", NULL},
	{"DELETE", V1 "/accounts/{id}", API_PERM_ACCOUNTS, 0,
	 api_route_accounts_delete, "Delete a login", NULL, NULL},
	{"GET", V1 "/audit", API_PERM_AUDIT_READ, 0,
	 api_route_audit_get, "The audit log, newest first", NULL,
	 "limit:integer, before:integer"},

	/* live: the dial plan, applied live (api_numbers.c) */
	{"GET", V1 "/numbers", API_PERM_CONFIG_WRITE, 0, api_route_numbers_get,
	 "Public numbers and the flow or queue each leads to", NULL, NULL},
	{"POST", V1 "/numbers", API_PERM_CONFIG_WRITE, 0, api_route_numbers_add,
	 "Add a public number leading to a queue or a flow (answers its "
	 "next call)", "number:string!, queue:string, flow:string", NULL},
	{"PATCH", V1 "/numbers/{number}", API_PERM_CONFIG_WRITE, 0,
	 api_route_numbers_update, "Lead a number to another queue or flow "
	 "(calls in progress go on)", "queue:string, flow:string", NULL},
	{"DELETE", V1 "/numbers/{number}", API_PERM_CONFIG_WRITE, 0,
	 api_route_numbers_delete, "Delete a number: new calls to it are "
	 "refused, calls in progress go on", NULL, NULL},

	/* Trunks and the dial-out policy (src/api/api_trunks.c, module
	 * dial): administrators only, audited, applied live */
#define TRUNK_BODY(req)                                                      \
	"name:string" req ", source_addr:string, username:string, "          \
	"password:string, outbound:boolean, outbound_addr:string, "          \
	"caller_id:string, trusted:boolean, allow:array, deny:array"
	{"GET", V1 "/trunks", API_PERM_TRUNKS, 0, api_route_trunks_get,
	 "Trunks: inbound (source_addr or username/password), outbound "
	 "(outbound_addr), trusted (its P-Asserted-Identity is believed) and "
	 "the dial-out policy's allow and deny prefixes (the password is "
	 "never shown: has_password)", NULL, NULL},
	{"POST", V1 "/trunks", API_PERM_TRUNKS, 0, api_route_trunks_add,
	 "Add a trunk (applied at once; international and premium-rate "
	 "numbers denied unless an allow prefix permits them)",
	 TRUNK_BODY("!"), NULL},
	{"PATCH", V1 "/trunks/{id}", API_PERM_TRUNKS, 0,
	 api_route_trunks_update,
	 "Change a trunk (applied at once; calls in progress unaffected; "
	 "null clears a text field)", TRUNK_BODY(""), NULL},
	{"DELETE", V1 "/trunks/{id}", API_PERM_TRUNKS, 0,
	 api_route_trunks_delete, "Delete a trunk (applied at once)", NULL,
	 NULL},
#undef TRUNK_BODY
	API_ROUTES_END,
};

/* Written by the main thread before api_init() starts the HTTP thread,
 * read-only afterwards. */
static const struct api_route *tablev[TABLES_MAX + 1] = {api_routev};

const struct api_route *const *api_route_tables(void)
{
	return tablev;
}

static const struct api_route *route_served(const char *method,
					    const char *path)
{
	for (size_t t = 0; tablev[t]; t++) {
		for (const struct api_route *r = tablev[t]; r->method; r++) {
			if (!strcmp(r->method, method) && !strcmp(r->path, path))
				return r;
		}
	}
	return NULL;
}

/* A row the router could serve as its author meant: a known method, a
 * path under /, a permission of the table, and an API_OWN_* flag (at most
 * one) only with a scoped permission and an {id} to own. */
static bool row_ok(const struct api_route *r)
{
	unsigned own = r->flags & (API_OWN_AGENT | API_OWN_LIVE | API_OWN_IX);

	if (!r->path || r->path[0] != '/' || !r->h ||
	    (strcmp(r->method, "GET") && strcmp(r->method, "POST") &&
	     strcmp(r->method, "PUT") && strcmp(r->method, "PATCH") &&
	     strcmp(r->method, "DELETE")))
		return false;
	if ((unsigned)r->perm >= API_PERM_N)
		return false;
	if (own && (!api_perm_scoped(r->perm) || (own & (own - 1)) ||
		    !strstr(r->path, "{id}")))
		return false;
	return true;
}

int api_routes_check(void)
{
	for (size_t t = 0; tablev[t]; t++) {
		for (const struct api_route *r = tablev[t]; r->method; r++) {
			if (!row_ok(r)) {
				cc_error("api", "route %s %s: bad row "
					 "(method, path, permission or "
					 "API_OWN_* flag)", r->method,
					 r->path ? r->path : "?");
				return EINVAL;
			}
		}
	}
	return 0;
}

int api_routes_register(const struct api_route *routev)
{
	size_t n = 0;

	if (!routev)
		return EINVAL;
	while (tablev[n])
		n++;
	if (n >= TABLES_MAX) {
		cc_error("api", "more than %d route tables", TABLES_MAX);
		return E2BIG;
	}
	for (const struct api_route *r = routev; r->method; r++) {
		const struct api_route *o;

		if (!row_ok(r)) {
			cc_error("api", "route %s %s: bad row (method, path, "
				 "permission or API_OWN_* flag)", r->method,
				 r->path ? r->path : "?");
			return EINVAL;
		}
		o = route_served(r->method, r->path);

		/* A row after r in the same table is found when its table is
		 * added; one before r, now. */
		for (const struct api_route *p = routev; !o && p < r; p++) {
			if (!strcmp(p->method, r->method) &&
			    !strcmp(p->path, r->path))
				o = p;
		}
		if (o) {
			cc_error("api", "route %s %s is served twice",
				 r->method, r->path);
			return EEXIST;
		}
	}
	tablev[n] = routev;
	return 0;
}
