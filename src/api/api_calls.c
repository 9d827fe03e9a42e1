/*
 * Routes over the live center: an agent's state (available, away with a
 * reason, logged out), the live interactions and the commands on them
 * (hang up, hold, resume, mute, blind transfer to an agent or a queue), notes
 * saved as the agent types, and wrap-up with a disposition code.
 *
 * They run on API worker threads: what is durable is read and written
 * through the store (api_db), what is live is reached through
 * api_core_call() into api_live.c on the main loop. Who may act on whom
 * is decided before a handler runs (api_perm.c: an agent on themself and
 * their own interactions, team leaders, supervisors and administrators on
 * anyone's); changes made on someone else's go to the audit log.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/cc.h"
#include "core/cc_ix.h"
#include "sig/sig.h"
#include "store/store.h"
#include "api_handlers.h"
#include "api_int.h"
#include "api_live.h"

enum { NOTES_MAX = 20000 };

/* Replies for the errno of a core command. */
static int core_err(struct api_req *req, int err, const char *what)
{
	switch (err) {
	case ENOENT:
		return api_reply_error(req, 404, "not_found", "id",
				       "no live %s", what);
	case EPERM:
		return api_reply_error(req, 403, "forbidden", "id",
				       "the %s is another agent's", what);
	case EALREADY:
	case EPROTO:
		return api_reply_error(req, 409, "wrong_state", NULL,
				       "the %s is not in a state for that",
				       what);
	case ENOTSUP:
		return api_reply_error(req, 501, "not_supported", NULL,
				       "this channel cannot do that");
	case ETIMEDOUT:
		return api_reply_error(req, 504, "timeout", NULL,
				       "the core did not answer in time");
	default:
		return err;
	}
}

/* EACCES from a transfer or consult to a number: the dial-out policy
 * denied it in the core (nothing was dialled, the call goes on). The
 * reason is the same decision asked again (src/dial is pure). */
static int dial_denied(struct api_req *req, const char *number,
		       enum dial_purpose purpose)
{
	struct dial_decision d;

	if (sig_trunk_dial_decide(&d, number, purpose, DIAL_ORIGIN_STAFF,
				  NULL) || d.allowed)
		(void)snprintf(d.reason, sizeof(d.reason),
			       "denied by the dial-out policy");
	return api_reply_error(req, 403, "dial_denied", "number",
			       "%s: %s", number, d.reason);
}

/* The agent {id} of the path (whether the caller may act on it was
 * decided before: api_perm.c). */
static int agent_param(int64_t *idp, struct api_req *req)
{
	return api_req_param_id(idp, req, "id");
}

int api_route_agent_state_get(struct api_req *req)
{
	json_t *r = NULL;
	int64_t id;
	int err;

	err = agent_param(&id, req);
	if (err)
		return err;
	err = api_core_call(&r, api_live_agent_state,
			    json_pack("{s:I}", "agent", (json_int_t)id),
			    API_CORE_TIMEOUT_MS);
	if (err)
		return core_err(req, err, "agent");
	return api_reply_json(req, 200, r);
}

static bool list_has(const char *table, const char *code)
{
	char sql[128];
	sqlite3_stmt *st;
	bool yes = false;

	snprintf(sql, sizeof(sql), "SELECT 1 FROM %s WHERE code = ? AND "
		 "active = 1", table);
	if (!store_prepare(&st, store_reader(store_main()), sql, "s", code)) {
		yes = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	return yes;
}

int api_route_agent_state_set(struct api_req *req)
{
	const char *state = json_string_value(json_object_get(req->json,
							      "state"));
	const char *reason = json_string_value(json_object_get(req->json,
							       "reason"));
	json_t *r = NULL;
	char obj[48];
	int64_t id;
	int err;

	err = agent_param(&id, req);
	if (err)
		return err;
	if (strcmp(state, "available") && strcmp(state, "away") &&
	    strcmp(state, "logged_out"))
		return api_reply_error(req, 400, "invalid", "state",
				       "state must be available, away or "
				       "logged_out");
	if (!strcmp(state, "away")) {
		if (!reason)
			return api_reply_error(req, 400, "missing_field",
					       "reason", "away needs a reason");
		if (!list_has("away_reasons", reason))
			return api_reply_error(req, 400, "invalid", "reason",
					       "%s is not an active away "
					       "reason", reason);
	}
	else if (reason)
		return api_reply_error(req, 400, "invalid", "reason",
				       "only away takes a reason");
	err = api_core_call(&r, api_live_agent_state_set,
			    json_pack("{s:I,s:s,s:s?,s:s}", "agent",
				      (json_int_t)id, "state", state,
				      "reason", reason, "by",
				      api_req_scope_agent(req) ? "api"
							       : "supervisor"),
			    API_CORE_TIMEOUT_MS);
	if (err == EINVAL)
		return api_reply_error(req, 409, "wrong_state", "state",
				       "the agent cannot go %s now", state);
	if (err)
		return core_err(req, err, "agent");
	if (!api_req_scope_agent(req) || id != api_req_agent(req)) {
		snprintf(obj, sizeof(obj), "agent/%lld", (long long)id);
		api_audit(req, "agent.state", obj, json_incref(req->json));
	}
	return api_reply_json(req, 200, r);
}

/* POST /agents/{id}/auto-answer {enabled}: offers to the agent's phone
 * carry the auto-answer hint (the desktop's switch). */
int api_route_agent_auto_answer(struct api_req *req)
{
	json_t *r = NULL;
	int64_t id;
	int err;

	err = agent_param(&id, req);
	if (err)
		return err;
	err = api_core_call(&r, api_live_auto_answer,
			    json_pack("{s:I,s:b}", "agent", (json_int_t)id,
				      "enabled",
				      json_is_true(json_object_get(
					      req->json, "enabled"))),
			    API_CORE_TIMEOUT_MS);
	if (err)
		return core_err(req, err, "agent");
	return api_reply_json(req, 200, r);
}

int api_route_calls_get(struct api_req *req)
{
	int64_t own = api_req_scope_agent(req);
	json_t *r = NULL;
	int err;

	if (own < 0)
		return api_reply_json(req, 200, json_array());
	err = api_core_call(&r, api_live_calls,
			    json_pack("{s:I}", "agent", (json_int_t)own),
			    API_CORE_TIMEOUT_MS);
	if (err)
		return core_err(req, err, "interaction");
	return api_reply_json(req, 200, r);
}

int api_route_call_get(struct api_req *req)
{
	json_t *r = NULL;
	int64_t id;
	int err;

	err = api_req_param_id(&id, req, "id");
	if (err)
		return err;
	err = api_core_call(&r, api_live_call,
			    json_pack("{s:I}", "id", (json_int_t)id),
			    API_CORE_TIMEOUT_MS);
	if (err)
		return core_err(req, err, "interaction");
	return api_reply_json(req, 200, r);
}

static bool number_ok(const char *s)
{
	size_t n = 0;

	if (*s == '+')
		s++;
	for (; *s; s++, n++)
		if (*s < '0' || *s > '9')
			return false;
	return n >= 3 && n <= 20;
}

/* POST /interactions/{id}/hangup|hold|resume|transfer|accept|reject */
int api_route_call_control(struct api_req *req)
{
	const char *op = strrchr(req->path, '/') + 1;
	const char *target = NULL;
	json_t *r = NULL;
	char obj[48];
	int64_t id;
	int err;

	err = api_req_param_id(&id, req, "id");
	if (err)
		return err;
	if (!strcmp(op, "complete") || !strcmp(op, "cancel"))
		op = op[1] == 'o' ? "consult_complete" : "consult_cancel";
	if (!strcmp(op, "consult")) {
		const char *ag = json_string_value(json_object_get(req->json,
								   "agent"));
		const char *q = json_string_value(json_object_get(req->json,
								  "queue"));
		const char *num = json_string_value(json_object_get(req->json,
								    "number"));
		const char *field = ag ? "agent" : q ? "queue" : "number";
		char tel[48];

		if ((ag != NULL) + (q != NULL) + (num != NULL) != 1)
			return api_reply_error(req, 400, "invalid",
					       /* the extra one, or agent */
					       num && (ag || q) ? "number" :
					       ag && q		? "queue" :
								  "agent",
					       "give one of agent (an "
					       "extension), queue (a name) or "
					       "number (an outside number)");
		if (num) {
			size_t n = strlen(num), i = num[0] == '+';

			if (n < 3 || n > 20)
				i = n + 1;
			for (; i < n && num[i] >= '0' && num[i] <= '9'; i++)
				;
			if (i != n)
				return api_reply_error(req, 400, "invalid",
						       "number", "number must"
						       " be 3 to 20 digits, "
						       "optionally after +");
			(void)snprintf(tel, sizeof(tel), "tel:%s", num);
			target = tel;
		}
		else {
			target = ag ? ag : q;
		}
		if (!num && (!*target || strlen(target) > 40))
			return api_reply_error(req, 400, "invalid", field,
					       "%s must be an agent's extension"
					       " or a queue name", field);
		err = api_core_call(&r, api_live_control,
				    json_pack("{s:I,s:s,s:s,s:I}", "id",
					      (json_int_t)id, "op", op,
					      "target", target, "agent",
					      (json_int_t)
						      api_req_scope_agent(req)),
				    API_CORE_TIMEOUT_MS);
		if (err == ENOTCONN)
			return api_reply_error(req, 409, "no_trunk", "number",
					       "no trunk allows outbound "
					       "calls");
		if (err == EACCES && num)
			return dial_denied(req, num, DIAL_AGENT_CONSULT);
		if (err == ENOENT)
			return api_reply_error(req, 404, "not_found", field,
					       "no live interaction %lld or "
					       "no %s %s", (long long)id,
					       field, num ? num : target);
		if (err == EBUSY || err == ENODEV || err == EINVAL)
			return api_reply_error(req, 409, "target_unavailable",
					       field,
					       "%s %s cannot take a consult "
					       "now (%s)", field,
					       num ? num : target,
					       err == ENODEV ? "no phone "
					       "registered" : err == EINVAL ?
					       (num ? "not a number the trunk"
						" may call" : "that is you") :
					       "nobody available");
		if (err)
			return core_err(req, err, "interaction");
		return api_reply_json(req, 200, r);
	}
	if (!strcmp(op, "transfer")) {
		const char *num = json_string_value(json_object_get(req->json,
								    "number"));
		size_t n;

		target = json_string_value(json_object_get(req->json,
							   "target"));
		if ((target && num) || (!target && !num))
			return api_reply_error(req, 400, "invalid",
					       num ? "number" : "target",
					       "give either target (an agent's "
					       "extension or a queue) or number"
					       " (outside, through the trunk)");
		if (num && !number_ok(num))
			return api_reply_error(req, 400, "invalid", "number",
					       "number must be 3 to 20 digits, "
					       "optionally after a '+'");
		if (num)
			target = num;
		n = strlen(target);
		if (!n || n > 40)
			return api_reply_error(req, 400, "invalid", "target",
					       "target must be an agent's "
					       "extension or a queue name");
	}
	err = api_core_call(&r, api_live_control,
			    json_pack("{s:I,s:s,s:s?,s:I}", "id",
				      (json_int_t)id, "op", op, "target",
				      target, "agent",
				      (json_int_t)api_req_scope_agent(req)),
			    API_CORE_TIMEOUT_MS);
	if (err == ENOTCONN)
		return api_reply_error(req, 409, "no_trunk", "number",
				       "no trunk allows outbound calls");
	if (err == EACCES && target && !strcmp(op, "transfer") &&
	    json_object_get(req->json, "number"))
		return dial_denied(req, target, DIAL_AGENT_TRANSFER);
	if (err == ENOENT && target)
		return api_reply_error(req, 404, "not_found", "target",
				       "no live interaction %lld or no agent "
				       "or queue %s", (long long)id, target);
	if (err)
		return core_err(req, err, "interaction");
	if (!api_req_scope_agent(req)) {
		char action[40];

		snprintf(obj, sizeof(obj), "interaction/%lld", (long long)id);
		snprintf(action, sizeof(action), "interaction.%s", op);
		api_audit(req, action, obj, json_incref(req->json));
	}
	return api_reply_json(req, 200, r);
}

/* POST /interactions/{id}/mute {muted}: the agent's audio stops reaching
 * the caller (SIP cannot ask a phone to mute; the media relay can). */
int api_route_call_mute(struct api_req *req)
{
	bool muted = json_is_true(json_object_get(req->json, "muted"));
	json_t *r = NULL;
	int64_t id;
	int err;

	err = api_req_param_id(&id, req, "id");
	if (err)
		return err;
	err = api_core_call(&r, api_live_control,
			    json_pack("{s:I,s:s,s:I}", "id", (json_int_t)id,
				      "op", muted ? "mute" : "unmute", "agent",
				      (json_int_t)api_req_scope_agent(req)),
			    API_CORE_TIMEOUT_MS);
	if (err)
		return core_err(req, err, "interaction");
	json_object_set_new(r, "muted", json_boolean(muted));
	return api_reply_json(req, 200, r);
}

/* Whether interaction id exists (replies 404 when not); that the caller
 * may write about it was decided before (api_perm.c: an agent, one they
 * handled). */
static int may_write(struct api_req *req, int64_t id)
{
	sqlite3_stmt *st;
	int err, rc;

	err = store_prepare(&st, store_reader(store_main()),
	                    "SELECT 1 FROM interactions WHERE id = ?", "i", id);
	if (err)
		return err;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return api_reply_error(req, 404, "not_found", "id",
				       "no interaction %lld", (long long)id);
	return 0;
}

static int notes_check(struct api_req *req, const char *notes)
{
	if (notes && strlen(notes) > NOTES_MAX)
		return api_reply_error(req, 400, "invalid", "notes",
				       "notes are limited to %d bytes",
				       NOTES_MAX);
	return 0;
}

int api_route_notes_put(struct api_req *req)
{
	const char *notes = json_string_value(json_object_get(req->json,
							      "notes"));
	int64_t id, now = cc_wall_ms();
	int err;

	err = api_req_param_id(&id, req, "id");
	if (!err)
		err = notes_check(req, notes);
	if (!err)
		err = may_write(req, id);
	if (err)
		return err;
	err = store_write_wait(
	        store_main(),
	        "INSERT INTO interaction_notes "
	        "(interaction_id, agent_id, notes, updated_at) "
	        "VALUES (?, ?, ?, ?) ON CONFLICT (interaction_id) "
	        "DO UPDATE SET notes = excluded.notes, updated_at = "
	        "excluded.updated_at",
	        "iisi", id, api_req_agent(req), notes, now);
	if (err)
		return err;
	return api_reply_json(req, 200,
			      json_pack("{s:I,s:I}", "interaction_id",
					(json_int_t)id, "saved_at",
					(json_int_t)now));
}

struct wrap_job {
	int64_t id, agent, now;
	const char *disposition, *notes;
};

static int wrap_save(sqlite3 *db, void *arg)
{
	const struct wrap_job *j = arg;
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "INSERT INTO interaction_notes "
			       "(interaction_id, agent_id, notes, disposition,"
			       " updated_at) VALUES (?, ?, coalesce(?, ''), ?,"
			       " ?) ON CONFLICT (interaction_id) DO UPDATE SET"
			       " notes = coalesce(?, notes), disposition = "
			       "excluded.disposition, updated_at = "
			       "excluded.updated_at", -1, &st, NULL))
		return EIO;
	sqlite3_bind_int64(st, 1, j->id);
	sqlite3_bind_int64(st, 2, j->agent);
	if (j->notes) {
		sqlite3_bind_text(st, 3, j->notes, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, j->notes, -1, SQLITE_STATIC);
	}
	sqlite3_bind_text(st, 4, j->disposition, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, j->now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return EIO;
	return cc_ix_db_wrapup_save(db, j->id, j->disposition, j->notes);
}

int api_route_wrapup(struct api_req *req)
{
	struct wrap_job j;
	json_t *r = NULL;
	int err;

	memset(&j, 0, sizeof(j));
	j.disposition = json_string_value(json_object_get(req->json,
							  "disposition"));
	j.notes = json_string_value(json_object_get(req->json, "notes"));
	j.agent = api_req_agent(req);
	j.now = cc_wall_ms();
	err = api_req_param_id(&j.id, req, "id");
	if (!err)
		err = notes_check(req, j.notes);
	if (err)
		return err;
	if (!list_has("disposition_codes", j.disposition))
		return api_reply_error(req, 400, "invalid", "disposition",
				       "%s is not an active disposition code",
				       j.disposition);
	err = may_write(req, j.id);
	if (err)
		return err;
	err = store_txn_wait(store_main(), wrap_save, &j);
	if (err)
		return err;
	/* The agent's wrap-up for this interaction ends now (if it still
	 * runs: the queue's wrap-up time may have ended it already). */
	err = api_core_call(&r, api_live_wrapup_done,
			    json_pack("{s:I,s:I}", "agent",
				      (json_int_t)j.agent, "id",
				      (json_int_t)j.id),
			    API_CORE_TIMEOUT_MS);
	if (err)
		return core_err(req, err, "interaction");
	json_object_set_new(r, "interaction_id", json_integer(j.id));
	json_object_set_new(r, "disposition", json_string(j.disposition));
	return api_reply_json(req, 200, r);
}
