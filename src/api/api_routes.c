/*
 * The route table: every REST route of the server, one row each, read by
 * the router (api_http.c) and by the OpenAPI generator (api_openapi.c).
 * Other modules add their rows here and put their handlers in their own
 * folder (declared in their public header). See api.h for the row format.
 */
#include "api_int.h"
#include "api_handlers.h"
#include "wfm/wfm.h"
#include "ivr/ivr.h"
#include "crm/crm.h"
#include "kb/kb.h"

#define V1 "/api/v1"

const struct api_route api_routev[] = {
	/* Sessions */
	{"POST", V1 "/login", API_ROLES_PUBLIC, 0, api_route_login,
	 "Log in: answers {token, role, expires_at} and sets the sb_token "
	 "cookie", "username:string!, password:string!", NULL},
	{"POST", V1 "/logout", API_ROLES_ALL, 0, api_route_logout,
	 "Revoke the session's token", NULL, NULL},
	{"GET", V1 "/me", API_ROLES_ALL, 0, api_route_me,
	 "The logged-in account", NULL, NULL},
	{"POST", V1 "/me/password", API_ROLES_ALL, 0, api_route_me_password,
	 "Change one's own password (ends one's other sessions)",
	 "old_password:string!, new_password:string!", NULL},

	/* Documents and figures */
	{"GET", V1 "/health", API_ROLES_PUBLIC, 0, api_route_health,
	 "Liveness: the HTTP thread, a worker and the core loop all answer",
	 NULL, NULL},
	{"GET", V1 "/openapi.json", API_ROLES_PUBLIC, API_INLINE,
	 api_openapi_get, "This document", NULL, NULL},
	{"GET", "/metrics", API_ROLES_PUBLIC, API_INLINE, api_metrics_get,
	 "Prometheus metrics (text format)", NULL, NULL},
	{"GET", V1 "/stats/live", API_ROLES_ALL, API_INLINE,
	 api_route_stats_live,
	 "Live figures per queue and agent (refreshed every second)", NULL,
	 NULL},

	/* The center's record */
	{"GET", V1 "/interactions", API_ROLES_ALL, API_CSV,
	 api_route_interactions_get,
	 "Interaction history, newest first (an agent sees only their own;"
	 " CSV with ?format=csv or Accept: text/csv). Times are ms since the"
	 " epoch, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC); number matches "
	 "the caller's or dialled number; before pages by id", NULL,
	 "from, to, queue, agent:integer, channel, outcome, number, "
	 "limit:integer, before:integer, format"},
	{"GET", V1 "/interactions/{id}", API_ROLES_ALL, 0,
	 api_route_interaction_get,
	 "One interaction with its events timeline, notes, IVR path and the "
	 "customer's previous contacts (an agent: only their own, else 403)",
	 NULL, NULL},
	/* IVR: voicemail recordings (src/ivr/ivr_api.c) */
	{"GET", V1 "/interactions/{id}/recording", API_ROLES_ALL, 0,
	 ivr_api_recording_get,
	 "The interaction's recording as WAV (a voicemail): staff, or the "
	 "agent it was assigned to (else 403)", NULL, NULL},
	{"GET", V1 "/stats/intervals", API_ROLES_STAFF, 0,
	 api_route_intervals_get,
	 "A day's 15-minute intervals: per queue (counts, service level, "
	 "ASA, AHT, abandonment) and per agent (time per state, handled, "
	 "missed, occupancy)", NULL, "date:string!, queue, agent:integer"},

	/* The live center */
	{"GET", V1 "/agents/{id}/state", API_ROLES_ALL, 0,
	 api_route_agent_state_get,
	 "An agent's state, since when, and the interaction they are on "
	 "(agents: their own)", NULL, NULL},
	{"POST", V1 "/agents/{id}/state", API_ROLES_ALL, 0,
	 api_route_agent_state_set,
	 "Set an agent's state: available, away (with an active away "
	 "reason) or logged_out (agents: their own; team leaders, "
	 "supervisors and administrators: anyone's, audited)",
	 "state:string!, reason:string", NULL},
	{"GET", V1 "/calls", API_ROLES_ALL, 0, api_route_calls_get,
	 "Live interactions: queued, ringing, talking, held, in wrap-up "
	 "(agents: their own)", NULL, NULL},
	{"GET", V1 "/calls/{id}", API_ROLES_ALL, 0, api_route_call_get,
	 "One live interaction: state, caller, queue, agent, since when, "
	 "the pop's attributes (agents: their own)", NULL, NULL},
	{"POST", V1 "/interactions/{id}/hangup", API_ROLES_ALL, 0,
	 api_route_call_control,
	 "Hang up a live interaction (agents: their own)", NULL, NULL},
	{"POST", V1 "/interactions/{id}/hold", API_ROLES_ALL, 0,
	 api_route_call_control, "Put a call on hold (music for the caller)",
	 NULL, NULL},
	{"POST", V1 "/interactions/{id}/resume", API_ROLES_ALL, 0,
	 api_route_call_control, "Take a call off hold", NULL, NULL},
	{"POST", V1 "/interactions/{id}/transfer", API_ROLES_ALL, 0,
	 api_route_call_control,
	 "Blind transfer to an agent (extension) or a queue (name), or with "
	 "number to an outside number through the outbound trunk (the "
	 "agent's phone is released, the agent wraps up)",
	 "target:string, number:string", NULL},
	{"POST", V1 "/interactions/{id}/consult", API_ROLES_ALL, 0,
	 api_route_call_control,
	 "Attended transfer, first step: the caller holds (music) while the "
	 "agent's phone is bridged to another agent's (agent: extension), "
	 "to the longest idle available agent of a queue (queue: name) or "
	 "to an outside number through the outbound trunk (number; 409 "
	 "no_trunk without one)",
	 "agent:string, queue:string, number:string", NULL},
	{"POST", V1 "/interactions/{id}/transfer/complete", API_ROLES_ALL, 0,
	 api_route_call_control,
	 "Attended transfer: the caller is bridged to the consulted agent, "
	 "the transferring agent's phone is released", NULL, NULL},
	{"POST", V1 "/interactions/{id}/transfer/cancel", API_ROLES_ALL, 0,
	 api_route_call_control,
	 "Attended transfer: drop the consult, the caller is back with the "
	 "agent", NULL, NULL},
	{"POST", V1 "/interactions/{id}/accept", API_ROLES_ALL, 0,
	 api_route_call_control,
	 "Accept the offer being rung (the agent's own): the phone is rung "
	 "again asking it to answer by itself (Call-Info answer-after=0)",
	 NULL, NULL},
	{"POST", V1 "/interactions/{id}/reject", API_ROLES_ALL, 0,
	 api_route_call_control,
	 "Decline the offer being rung: the phone stops ringing and the next "
	 "agent is tried at once", NULL, NULL},
	{"POST", V1 "/agents/{id}/auto-answer", API_ROLES_ALL, 0,
	 api_route_agent_auto_answer,
	 "Offers to the agent's phone ask it to answer by itself (agents: "
	 "their own)", "enabled:boolean!", NULL},
	{"PUT", V1 "/interactions/{id}/notes", API_ROLES_ALL, 0,
	 api_route_notes_put,
	 "Save the notes of an interaction (the desktop saves as the agent "
	 "types; agents: the ones they handled)", "notes:string!", NULL},
	{"POST", V1 "/interactions/{id}/wrapup", API_ROLES_ALL, 0,
	 api_route_wrapup,
	 "Wrap up: disposition code (and notes); ends the agent's wrap-up "
	 "time", "disposition:string!, notes:string", NULL},

	/* The center's configuration */
	{"GET", V1 "/agents", API_ROLES_STAFF, 0, api_route_agents_get,
	 "Agents with their skills and levels", NULL, NULL},
	{"POST", V1 "/agents", API_ROLES_ADMIN, 0, api_route_agents_add,
	 "Create an agent", "extension:string!, name:string!, "
	 "sip_password:string!, skills:object", NULL},
	{"PATCH", V1 "/agents/{id}", API_ROLES_ADMIN, 0,
	 api_route_agents_update, "Update an agent's name, SIP password, "
	 "skills and levels, or disable it", "name:string, "
	 "sip_password:string, skills:object, enabled:boolean", NULL},
	{"DELETE", V1 "/agents/{id}", API_ROLES_ADMIN, 0,
	 api_route_agents_delete, "Delete an agent", NULL, NULL},
	{"GET", V1 "/queues", API_ROLES_ALL, 0, api_route_queues_get,
	 "Queues with their settings and members", NULL, NULL},
	{"POST", V1 "/queues", API_ROLES_ADMIN, 0, api_route_queues_add,
	 "Create a queue", "name:string!, strategy:string, "
	 "sl_target_pct:integer, sl_threshold_s:integer, max_wait_s:integer, "
	 "max_len:integer, overflow_queue:string, wrapup_s:integer, "
	 "ring_timeout_s:integer, short_abandon_s:integer, "
	 "announce_every_s:integer, skill:string, min_level:integer, "
	 "members:array", NULL},
	{"PATCH", V1 "/queues/{id}", API_ROLES_ADMIN, 0,
	 api_route_queues_update, "Update a queue's settings or members",
	 "strategy:string, sl_target_pct:integer, sl_threshold_s:integer, "
	 "max_wait_s:integer, max_len:integer, overflow_queue:string, "
	 "wrapup_s:integer, ring_timeout_s:integer, short_abandon_s:integer, "
	 "announce_every_s:integer, skill:string, min_level:integer, "
	 "members:array", NULL},
	{"DELETE", V1 "/queues/{id}", API_ROLES_ADMIN, 0,
	 api_route_queues_delete, "Delete a queue", NULL, NULL},
	{"GET", V1 "/flows", API_ROLES_STAFF, 0, api_route_flows_get,
	 "IVR flows by name with the numbers that lead to them", NULL, NULL},
	{"GET", V1 "/flows/{name}", API_ROLES_STAFF, 0, ivr_api_flow_get,
	 "An IVR flow's active definition and its versions", NULL, NULL},
	{"GET", V1 "/flows/{name}/versions/{version}", API_ROLES_STAFF, 0,
	 ivr_api_flow_version_get, "One stored version of an IVR flow", NULL,
	 NULL},
	{"PUT", V1 "/flows/{name}", API_ROLES_ADMIN, 0, ivr_api_flow_put,
	 "Save an IVR flow as its next version and activate it (422 listing "
	 "every problem when it fails the check; nothing changes then)",
	 "definition:object!", NULL},

	/* Workforce planning */
	{"POST", V1 "/wfm/staff", API_ROLES_MANAGE, 0, wfm_api_staff,
	 "Staffing table (Erlang C, or Erlang A with patience_s)",
	 "calls:number!, interval_s:number!, aht_s:number!, sl_pct:number!, "
	 "threshold_s:number!, patience_s:number, shrinkage_pct:number, "
	 "asa_s:number, max_occupancy_pct:number", NULL},
	{"POST", V1 "/wfm/simulate", API_ROLES_MANAGE, 0, wfm_api_simulate,
	 "Simulate a scenario with the real routing engine (figures with 95 %"
	 " confidence intervals); a queue with \"calls_from_history\": true"
	 " gets its recorded arrivals by time of day", "scenario:object!",
	 NULL},
	{"GET", V1 "/wfm/forecast", API_ROLES_MANAGE, 0, wfm_api_forecast,
	 "Tomorrow's contacts, handle time and required agents per 30 "
	 "minutes for a queue (or the center), from the last 28 days; "
	 "holidays (days in ms) are left out of the model", NULL,
	 "queue,holidays"},
	{"POST", V1 "/wfm/schedule", API_ROLES_MANAGE, 0, wfm_api_schedule,
	 "Assign shifts covering a day's required agents per interval (saved,"
	 " replacing that day's); answers the shifts and the coverage",
	 "day:integer!, interval_s:integer, required:array!, "
	 "shift_length_s:integer!, breaks:array, agents:array!", NULL},
	{"GET", V1 "/wfm/adherence", API_ROLES_MANAGE, 0, wfm_api_adherence,
	 "Schedule adherence per agent for a day (planned and unplanned "
	 "away)", NULL, "day"},

	/* Managed lists */
	{"GET", V1 "/dispositions", API_ROLES_ALL, 0, api_route_list_get,
	 "Disposition codes", NULL, "all:boolean"},
	{"POST", V1 "/dispositions", API_ROLES_ADMIN, 0, api_route_list_add,
	 "Add a disposition code", "code:string!, label:string!", NULL},
	{"PATCH", V1 "/dispositions/{id}", API_ROLES_ADMIN, 0,
	 api_route_list_update, "Rename or (de)activate a disposition code",
	 "label:string, active:boolean", NULL},
	{"DELETE", V1 "/dispositions/{id}", API_ROLES_ADMIN, 0,
	 api_route_list_delete, "Delete a disposition code", NULL, NULL},
	{"GET", V1 "/away-reasons", API_ROLES_ALL, 0, api_route_list_get,
	 "Away reasons", NULL, "all:boolean"},
	{"POST", V1 "/away-reasons", API_ROLES_ADMIN, 0, api_route_list_add,
	 "Add an away reason", "code:string!, label:string!", NULL},
	{"PATCH", V1 "/away-reasons/{id}", API_ROLES_ADMIN, 0,
	 api_route_list_update, "Rename or (de)activate an away reason",
	 "label:string, active:boolean", NULL},
	{"DELETE", V1 "/away-reasons/{id}", API_ROLES_ADMIN, 0,
	 api_route_list_delete, "Delete an away reason", NULL, NULL},

	/* Knowledge base (kb) */
	{"GET", V1 "/kb/search", API_ROLES_ALL, 0, kb_api_search,
	 "Search the published articles (BM25, title over body; prefix "
	 "matching as one types; typo tolerance for short queries): titles "
	 "and snippets with the matches in <mark>", NULL,
	 "q:string!, limit:integer, audience, tag"},
	{"POST", V1 "/kb/suggest", API_ROLES_ALL, 0, kb_api_suggest,
	 "Articles for a task: its queue, the caller's IVR choice, the "
	 "customer's open case (case_subject, or customer_id's open cases) "
	 "and chat text", "queue:string, ivr:string, case_subject:string, "
	 "customer_id:integer, text:string, limit:integer", NULL},
	{"POST", V1 "/kb/preview", KB_ROLES_WRITE, 0, kb_api_preview,
	 "Render Markdown as an article would be shown (sanitised HTML)",
	 "body:string!", NULL},
	{"GET", V1 "/kb/articles", API_ROLES_ALL, 0, kb_api_articles_get,
	 "Articles, newest change first (agents: published ones; writers "
	 "also drafts: status all, published, draft, changed)", NULL,
	 "status, tag, owner, audience, limit:integer"},
	{"POST", V1 "/kb/articles", KB_ROLES_WRITE, 0, kb_api_article_add,
	 "Create an article (version 1, a draft until published)",
	 "title:string!, body:string!, tags:array, audience:string, "
	 "owner_id:integer, review_date:string", NULL},
	{"GET", V1 "/kb/articles/{id}", API_ROLES_ALL, 0, kb_api_article_get,
	 "One article as published, body rendered to safe HTML (writers: "
	 "?version=latest or N, and the Markdown)", NULL, "version"},
	{"PATCH", V1 "/kb/articles/{id}", KB_ROLES_WRITE, 0,
	 kb_api_article_update,
	 "Edit an article: a change of title, body or tags saves the next "
	 "version (the published one stays until published again)",
	 "title:string, body:string, tags:array, audience:string, "
	 "owner_id:integer, review_date:string", NULL},
	{"POST", V1 "/kb/articles/{id}/publish", KB_ROLES_PUBLISH, 0,
	 kb_api_article_publish,
	 "Publish the latest version (or the one named): agents see and "
	 "find it; outdated marks on older versions are resolved",
	 "version:integer", NULL},
	{"POST", V1 "/kb/articles/{id}/unpublish", KB_ROLES_PUBLISH, 0,
	 kb_api_article_unpublish,
	 "Withdraw an article from agents and search", NULL, NULL},
	{"GET", V1 "/kb/articles/{id}/versions", KB_ROLES_WRITE, 0,
	 kb_api_versions_get, "An article's versions, newest first", NULL,
	 NULL},
	{"GET", V1 "/kb/articles/{id}/versions/{version}", KB_ROLES_WRITE, 0,
	 kb_api_version_get, "One version of an article", NULL, NULL},
	{"POST", V1 "/kb/articles/{id}/feedback", API_ROLES_ALL, 0,
	 kb_api_feedback_add,
	 "Mark a published article helpful or outdated (outdated goes to "
	 "its owner's review list)", "kind:string!, comment:string", NULL},
	{"GET", V1 "/kb/review", KB_ROLES_WRITE, 0, kb_api_review_get,
	 "Articles to review: marked outdated or past their review date "
	 "(owner me, all or an account id)", NULL, "owner"},
	{"POST", V1 "/kb/articles/{id}/reviewed", KB_ROLES_WRITE, 0,
	 kb_api_article_reviewed,
	 "Record a review: resolves the outdated marks, sets the next "
	 "review date", "review_date:string!", NULL},
	{"POST", V1 "/kb/mailouts", KB_ROLES_PUBLISH, 0, kb_api_mailout_add,
	 "Push a published article to agents as a required read (one of "
	 "queue, agents or all)", "article_id:integer!, queue:string, "
	 "agents:array, all:boolean, note:string", NULL},
	{"GET", V1 "/kb/mailouts", KB_ROLES_WRITE, 0, kb_api_mailouts_get,
	 "Mail-outs with how many have read them", NULL, NULL},
	{"GET", V1 "/kb/mailouts/{id}", KB_ROLES_WRITE, 0, kb_api_mailout_get,
	 "One mail-out: who has and has not read it", NULL, NULL},
	{"GET", V1 "/kb/required", API_ROLES_ALL, 0, kb_api_required_get,
	 "The logged-in agent's required reads not yet acknowledged", NULL,
	 NULL},
	{"POST", V1 "/kb/mailouts/{id}/ack", API_ROLES_ALL, 0,
	 kb_api_mailout_ack,
	 "Acknowledge a required read (the agent it was sent to)", NULL,
	 NULL},

	/* Administration */
	{"GET", V1 "/accounts", API_ROLES_ADMIN, 0, api_route_accounts_get,
	 "Logins", NULL, NULL},
	{"POST", V1 "/accounts", API_ROLES_ADMIN, 0, api_route_accounts_add,
	 "Create a login (agent logins name their agent_id)",
	 "username:string!, password:string!, role:string!, "
	 "agent_id:integer", NULL},
	{"PATCH", V1 "/accounts/{id}", API_ROLES_ADMIN, 0,
	 api_route_accounts_update,
	 "Change a login's role or agent, or disable it (revokes sessions)",
	 "role:string, agent_id:integer, disabled:boolean", NULL},
	{"PUT", V1 "/accounts/{id}/password", API_ROLES_ADMIN, 0,
	 api_route_accounts_password,
	 "Reset a login's password (revokes its other sessions)",
	 "password:string!", NULL},
	{"DELETE", V1 "/accounts/{id}", API_ROLES_ADMIN, 0,
	 api_route_accounts_delete, "Delete a login", NULL, NULL},
	{"GET", V1 "/audit", API_ROLES_ADMIN | API_ROLE_SUPERVISOR, 0,
	 api_route_audit_get, "The audit log, newest first", NULL,
	 "limit:integer, before:integer"},

	/* Customers and cases (crm) */
#define CRM_DEL (API_ROLE_SUPERVISOR | API_ROLE_ADMIN)
	{"GET", V1 "/customers", API_ROLES_ALL, 0, crm_api_customers_get,
	 "Customers, newest first; ?q= searches name, company, number (any "
	 "format), e-mail or handle as the agent types; ?tag= filters",
	 NULL, "q, tag, limit:integer, before:integer"},
	{"POST", V1 "/customers", API_ROLES_ALL, 0, crm_api_customer_add,
	 "Create a customer (identities are normalised: phone to E.164, "
	 "e-mail lower-case)", "name:string, company:string, "
	 "language:string, tier:string, time_zone:string, custom:object, "
	 "tags:array, consent:object, identities:array, provisional:boolean",
	 NULL},
	{"GET", V1 "/customers/match", API_ROLES_ALL, 0,
	 crm_api_customer_match,
	 "The customers an incoming contact's identity leads to (several: "
	 "the agent chooses)", NULL, "phone, email, chat, messaging, account"},
	{"GET", V1 "/customers/export", API_ROLES_STAFF, API_CSV,
	 crm_api_customers_export,
	 "Every customer as CSV (the columns the import reads)", NULL, NULL},
	{"POST", V1 "/customers/import", CRM_DEL, API_UPLOAD,
	 crm_api_customers_import,
	 "Import customers from a CSV body: ?dry_run=1 reports every bad row"
	 " (line, column, reason); otherwise all rows or none (422 with the "
	 "report); ?mapping=Header:target,... maps columns", NULL,
	 "dry_run, mapping"},
	{"GET", V1 "/customers/{id}", API_ROLES_ALL, 0, crm_api_customer_get,
	 "One customer with identities, tags, custom fields and consent",
	 NULL, NULL},
	{"PATCH", V1 "/customers/{id}", API_ROLES_ALL, 0,
	 crm_api_customer_update,
	 "Update a customer (complete a provisional one): identities and "
	 "tags given replace, custom keys given replace (null removes)",
	 "name:string, company:string, language:string, tier:string, "
	 "time_zone:string, custom:object, tags:array, consent:object, "
	 "identities:array, provisional:boolean", NULL},
	{"DELETE", V1 "/customers/{id}", CRM_DEL, 0, crm_api_customer_delete,
	 "Delete a customer (their interactions stay, unlinked)", NULL, NULL},
	{"POST", V1 "/customers/{id}/merge", CRM_DEL, 0,
	 crm_api_customer_merge,
	 "Merge customer `from` into this one: identities, tags, custom "
	 "fields, interactions and cases all move", "from:integer!", NULL},
	{"GET", V1 "/customers/{id}/timeline", API_ROLES_ALL, 0,
	 crm_api_customer_timeline,
	 "Every interaction of the customer, newest first: queue, agent, "
	 "duration, disposition, notes, IVR path, survey, cases", NULL,
	 "limit:integer, before:integer"},
	{"GET", V1 "/customer-fields", API_ROLES_ALL, 0, crm_api_fields_get,
	 "Custom customer fields", NULL, NULL},
	{"PUT", V1 "/customer-fields/{name}", API_ROLES_ADMIN, 0,
	 crm_api_field_put, "Define a custom field (text, number, date, "
	 "choice)", "label:string!, type:string!, choices:array", NULL},
	{"DELETE", V1 "/customer-fields/{name}", API_ROLES_ADMIN, 0,
	 crm_api_field_delete, "Delete a custom field and its values", NULL,
	 NULL},
	{"GET", V1 "/search", API_ROLES_ALL, 0, crm_api_search,
	 "Search as the agent types: customers (name, number, e-mail) and "
	 "cases (subject)", NULL, "q!, limit:integer"},
	{"PUT", V1 "/interactions/{id}/customer", API_ROLES_ALL, 0,
	 crm_api_interaction_customer,
	 "Link an interaction to its customer (the agent's choice among "
	 "matches)", "customer_id:integer!", NULL},
	{"GET", V1 "/interactions/{id}/notes/versions", API_ROLES_ALL, 0,
	 crm_api_notes_versions, "Every saved version of the notes, newest "
	 "first", NULL, NULL},
	{"GET", V1 "/me/unfinished", API_ROLES_ALL, 0, crm_api_unfinished,
	 "My interactions interrupted (server or connection lost) and not "
	 "wrapped up, with the notes saved", NULL, NULL},
	{"GET", V1 "/cases", API_ROLES_ALL, 0, crm_api_cases_get,
	 "Cases, last updated first", NULL,
	 "status, customer:integer, owner:integer, q, limit:integer"},
	{"POST", V1 "/cases", API_ROLES_ALL, 0, crm_api_case_add,
	 "Open a case (optionally linked to an interaction)",
	 "subject:string!, customer_id:integer, status:string, "
	 "priority:string, owner_agent_id:integer, due_at:integer, "
	 "interaction_id:integer", NULL},
	{"GET", V1 "/cases/{id}", API_ROLES_ALL, 0, crm_api_case_get,
	 "One case with its comments and interactions", NULL, NULL},
	{"PATCH", V1 "/cases/{id}", API_ROLES_ALL, 0, crm_api_case_update,
	 "Update a case (status, priority, owner, due date, subject)",
	 "subject:string, status:string, priority:string, "
	 "owner_agent_id:integer, due_at:integer, customer_id:integer", NULL},
	{"DELETE", V1 "/cases/{id}", CRM_DEL, 0, crm_api_case_delete,
	 "Delete a case", NULL, NULL},
	{"POST", V1 "/cases/{id}/comments", API_ROLES_ALL, 0,
	 crm_api_case_comment, "Add an internal comment", "body:string!",
	 NULL},
	{"POST", V1 "/cases/{id}/interactions", API_ROLES_ALL, 0,
	 crm_api_case_link,
	 "Link an interaction; a solved or closed case is reopened by a new "
	 "contact of its customer", "interaction_id:integer!", NULL},
#undef CRM_DEL

	/* Agent desktop (web): the agent's microphone for the caller */
	{"POST", V1 "/interactions/{id}/mute", API_ROLES_ALL, 0,
	 api_route_call_mute,
	 "Mute (or unmute) the agent for the caller: the server stops "
	 "relaying the agent's audio (agents: their own call)",
	 "muted:boolean!", NULL},

	/* Trunks and the dial-out policy (src/api/api_trunks.c, module
	 * dial): administrators only, audited, applied live */
#define TRUNK_BODY(req)                                                      \
	"name:string" req ", source_addr:string, username:string, "          \
	"password:string, outbound:boolean, outbound_addr:string, "          \
	"caller_id:string, trusted:boolean, allow:array, deny:array"
	{"GET", V1 "/trunks", API_ROLES_ADMIN, 0, api_route_trunks_get,
	 "Trunks: inbound (source_addr or username/password), outbound "
	 "(outbound_addr), trusted (its P-Asserted-Identity is believed) and "
	 "the dial-out policy's allow and deny prefixes (the password is "
	 "never shown: has_password)", NULL, NULL},
	{"POST", V1 "/trunks", API_ROLES_ADMIN, 0, api_route_trunks_add,
	 "Add a trunk (applied at once; international and premium-rate "
	 "numbers denied unless an allow prefix permits them)",
	 TRUNK_BODY("!"), NULL},
	{"PATCH", V1 "/trunks/{id}", API_ROLES_ADMIN, 0,
	 api_route_trunks_update,
	 "Change a trunk (applied at once; calls in progress unaffected; "
	 "null clears a text field)", TRUNK_BODY(""), NULL},
	{"DELETE", V1 "/trunks/{id}", API_ROLES_ADMIN, 0,
	 api_route_trunks_delete, "Delete a trunk (applied at once)", NULL,
	 NULL},
#undef TRUNK_BODY

	{NULL, NULL, 0, 0, NULL, NULL, NULL, NULL},
};
