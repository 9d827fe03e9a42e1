/*
 * Routes over logins (accounts): list, create, change role or agent link,
 * disable, reset a password, delete; and an account changing its own
 * password. Hashing happens here, on an API worker thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "store/store.h"
#include "api_handlers.h"
#include "api_int.h"

enum { PW_MIN = 6, PW_MAX = 256 };

static int pw_check(struct api_req *req, const char *field, const char *pw)
{
	size_t n = strlen(pw);

	if (n < PW_MIN || n > PW_MAX)
		return api_reply_error(req, 400, "invalid", field,
				       "%s must be %d to %d characters", field,
				       PW_MIN, PW_MAX);
	return 0;
}

static bool username_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 64)
		return false;
	for (; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("._-@", *s)))
			return false;
	}
	return true;
}

int api_route_accounts_get(struct api_req *req)
{
	sqlite3_stmt *st;
	int err;

	err = store_prepare(&st, store_reader(store_main()),
	                    "SELECT id, username, role, agent_id, "
	                    "disabled, created_at FROM accounts ORDER BY id",
	                    NULL);
	if (err)
		return err;
	return api_reply_json(req, 200, api_rows_json(st));
}

int api_route_accounts_add(struct api_req *req)
{
	const char *user = json_string_value(json_object_get(req->json,
							     "username"));
	const char *pw = json_string_value(json_object_get(req->json,
							   "password"));
	const char *role = json_string_value(json_object_get(req->json,
							     "role"));
	json_int_t agent = json_integer_value(json_object_get(req->json,
							      "agent_id"));
	enum api_role r;
	char obj[48];
	int64_t id;
	int err;

	if (!username_ok(user))
		return api_reply_error(req, 400, "invalid", "username",
				       "username must be 1 to 64 of letters, "
				       "digits and . _ - @");
	if (pw_check(req, "password", pw))
		return EINVAL;
	if (api_role_decode(&r, role))
		return api_reply_error(req, 400, "invalid", "role",
				       "role must be agent, team_leader, "
				       "supervisor, quality_analyst or admin");
	if (agent < 0 || (r == API_ROLE_AGENT && agent == 0))
		return api_reply_error(req, 400, "invalid", "agent_id",
				       "an agent login needs its agent_id");
	err = api_account_create(&id, user, pw, role, agent);
	if (err == EEXIST)
		return api_reply_error(req, 409, "conflict", "username",
				       "username or agent already has a "
				       "login");
	if (err)
		return err;
	snprintf(obj, sizeof(obj), "account/%lld", (long long)id);
	api_audit(req, "account.create", obj,
		  json_pack("{s:s,s:s,s:I}", "username", user, "role", role,
			    "agent_id", agent));
	return api_reply_json(req, 201,
			      json_pack("{s:I,s:s,s:s,s:I}", "id",
					(json_int_t)id, "username", user,
					"role", role, "agent_id", agent));
}

int api_route_accounts_update(struct api_req *req)
{
	json_t *role = json_object_get(req->json, "role");
	json_t *agent = json_object_get(req->json, "agent_id");
	json_t *dis = json_object_get(req->json, "disabled");
	enum api_role r;
	char obj[48];
	int64_t id;
	struct store_wrote wr = {0, 0};
	int err;

	err = api_req_param_id(&id, req, "id");
	if (err)
		return err;
	if (role && api_role_decode(&r, json_string_value(role)))
		return api_reply_error(req, 400, "invalid", "role",
				       "unknown role %s",
				       json_string_value(role));
	if (agent && json_integer_value(agent) < 0)
		return api_reply_error(req, 400, "invalid", "agent_id",
				       "agent_id must be 0 (none) or an agent");
	if (id == req->account && ((dis && json_is_true(dis)) ||
				   (role && r != API_ROLE_ADMIN)))
		return api_reply_error(req, 409, "conflict", "id",
				       "you cannot disable or demote your own "
				       "login");
	err = store_write_wait_ex(
	        store_main(), &wr,
	        "UPDATE accounts SET role = coalesce(?, role), "
	        "agent_id = CASE WHEN ? THEN nullif(?, 0) ELSE "
	        "agent_id END, disabled = CASE WHEN ? < 0 THEN "
	        "disabled ELSE ? END WHERE id = ?",
	        "siiiii", json_string_value(role), (int64_t)(agent != NULL),
	        (int64_t)json_integer_value(agent),
	        (int64_t)(dis ? json_is_true(dis) : -1),
	        (int64_t)(dis ? json_is_true(dis) : -1), id);
	if (err == EEXIST)
		return api_reply_error(req, 409, "conflict", "agent_id",
				       "that agent already has a login");
	if (err)
		return err;
	if (!wr.changes)
		return api_reply_error(req, 404, "not_found", "id",
				       "no account %lld", (long long)id);
	if (dis && json_is_true(dis))
		store_write_wait(store_main(),
		                 "UPDATE sessions SET revoked = 1 "
		                 "WHERE account_id = ?",
		                 "i", id);
	api_auth_invalidate();
	snprintf(obj, sizeof(obj), "account/%lld", (long long)id);
	api_audit(req, "account.update", obj, json_incref(req->json));
	return api_reply_json(req, 200, json_pack("{s:I}", "id",
						  (json_int_t)id));
}

int api_route_accounts_delete(struct api_req *req)
{
	char obj[48];
	int64_t id;
	struct store_wrote wr = {0, 0};
	int err;

	err = api_req_param_id(&id, req, "id");
	if (err)
		return err;
	if (id == req->account)
		return api_reply_error(req, 409, "conflict", "id",
				       "you cannot delete your own login");
	store_write_wait(store_main(),
	                 "DELETE FROM sessions WHERE account_id = ?", "i", id);
	err = store_write_wait_ex(store_main(), &wr,
	                          "DELETE FROM accounts WHERE id = ?", "i", id);
	api_auth_invalidate();
	if (err)
		return err;
	if (!wr.changes)
		return api_reply_error(req, 404, "not_found", "id",
				       "no account %lld", (long long)id);
	snprintf(obj, sizeof(obj), "account/%lld", (long long)id);
	api_audit(req, "account.delete", obj, NULL);
	return api_reply_json(req, 200, json_pack("{s:b}", "deleted", 1));
}

int api_route_accounts_password(struct api_req *req)
{
	const char *pw = json_string_value(json_object_get(req->json,
							   "password"));
	char obj[48];
	int64_t id;
	int err;

	err = api_req_param_id(&id, req, "id");
	if (err)
		return err;
	if (pw_check(req, "password", pw))
		return EINVAL;
	err = api_account_password_set(id, pw);
	if (err == ENOENT)
		return api_reply_error(req, 404, "not_found", "id",
				       "no account %lld", (long long)id);
	if (err)
		return err;
	/* A reset password ends the account's other sessions. */
	store_write_wait(store_main(),
	                 "UPDATE sessions SET revoked = 1 WHERE "
	                 "account_id = ? AND token_hash <> ?",
	                 "is", id, req->token_hash);
	api_auth_invalidate();
	snprintf(obj, sizeof(obj), "account/%lld", (long long)id);
	api_audit(req, "account.password", obj, NULL);
	return api_reply_json(req, 200, json_pack("{s:b}", "ok", 1));
}

int api_route_me_password(struct api_req *req)
{
	const char *old = json_string_value(json_object_get(req->json,
							    "old_password"));
	const char *pw = json_string_value(json_object_get(req->json,
							   "new_password"));
	sqlite3_stmt *st;
	char *hash = NULL;
	int err;

	if (pw_check(req, "new_password", pw))
		return EINVAL;
	err = store_prepare(&st, store_reader(store_main()),
	                    "SELECT pw_hash FROM accounts WHERE id = ?", "i",
	                    req->account);
	if (err)
		return err;
	if (sqlite3_step(st) == SQLITE_ROW)
		hash = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (!hash || crypto_pwhash_str_verify(hash, old, strlen(old))) {
		free(hash);
		return api_reply_error(req, 403, "invalid_credentials",
				       "old_password",
				       "the old password is wrong");
	}
	free(hash);
	err = api_account_password_set(req->account, pw);
	if (err)
		return err;
	store_write_wait(store_main(),
	                 "UPDATE sessions SET revoked = 1 WHERE "
	                 "account_id = ? AND token_hash <> ?",
	                 "is", req->account, req->token_hash);
	api_auth_invalidate();
	return api_reply_json(req, 200, json_pack("{s:b}", "ok", 1));
}
