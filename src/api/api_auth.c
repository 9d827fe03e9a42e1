/*
 * Accounts, roles and sessions. Passwords are argon2id hashes
 * (crypto_pwhash_str), computed and checked only on API worker threads,
 * never on the libre main loop. A session token is 256 random bits sent to
 * the client once (JSON and an HttpOnly SameSite=Strict cookie); only its
 * SHA-256 is stored, with an expiry and a revoked flag.
 *
 * Failed logins are counted per user name, known or not: from the 3rd
 * failure on, the next attempt must wait 2^(n-3) seconds (429 otherwise);
 * the 6th failure locks the name for LOCK_MS. A success clears the count.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sodium.h>
#include "core/cc.h"
#include "store/store.h"
#include "api_int.h"

enum {
	SLOW_FROM = 3,
	LOCK_AT = 6,
	LOCK_MS = 5 * 60 * 1000,
};

uint32_t api_session_ttl = 12 * 3600;

static const struct {
	enum api_role role;
	const char *name;
} rolev[] = {
	{API_ROLE_AGENT, "agent"},
	{API_ROLE_TEAM_LEADER, "team_leader"},
	{API_ROLE_SUPERVISOR, "supervisor"},
	{API_ROLE_QUALITY, "quality_analyst"},
	{API_ROLE_ADMIN, "admin"},
};

const char *api_role_name(enum api_role role)
{
	size_t i;

	for (i = 0; i < sizeof(rolev) / sizeof(rolev[0]); i++) {
		if (rolev[i].role == role)
			return rolev[i].name;
	}
	return "none";
}

int api_role_decode(enum api_role *rolep, const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof(rolev) / sizeof(rolev[0]); i++) {
		if (!strcmp(rolev[i].name, name)) {
			*rolep = rolev[i].role;
			return 0;
		}
	}
	return EINVAL;
}

int api_auth_init(void)
{
	if (sodium_init() < 0)
		return EIO;
	return 0;
}

static void token_hash(char out[65], const char *token)
{
	uint8_t h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const uint8_t *)token, strlen(token));
	api_hex(out, h, sizeof(h));
}

bool api_auth_token_get(char *buf, size_t sz, const char *authz,
			const char *cookie)
{
	const char *p;
	size_t n;

	if (!strncasecmp(authz, "Bearer ", 7)) {
		p = authz + 7;
		while (*p == ' ')
			p++;
		n = strlen(p);
		if (!n || n >= sz)
			return false;
		memcpy(buf, p, n + 1);
		return true;
	}
	for (p = cookie; p && *p;) {
		while (*p == ' ' || *p == ';')
			p++;
		if (!strncmp(p, "sb_token=", 9)) {
			p += 9;
			n = strcspn(p, ";");
			if (!n || n >= sz)
				return false;
			memcpy(buf, p, n);
			buf[n] = '\0';
			return true;
		}
		p = strchr(p, ';');
	}
	return false;
}

/*
 * A small cache of recent session lookups, so that a busy read route does
 * not hit the database for every request. Any revocation (logout,
 * disabled login, password change, deleted login) bumps the generation,
 * which empties the cache at once; expiry is checked on every hit.
 */
enum { CACHE = 1024 };

static struct {
	pthread_mutex_t lock;
	atomic_uint gen;
	struct cached {
		char hash[65];
		unsigned gen;
		int64_t account, agent, expires;
		enum api_role role;
		char username[64];
	} v[CACHE];
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

void api_auth_invalidate(void)
{
	atomic_fetch_add(&cache.gen, 1);
	api_http_wake(); /* event channels recheck their sessions */
}

unsigned api_auth_gen(void)
{
	return atomic_load(&cache.gen);
}

int64_t api_auth_session_expires(const char *hash)
{
	sqlite3_stmt *st;
	int64_t exp = 0;

	if (store_prepare(&st, store_reader(store_main()),
	                  "SELECT expires_at FROM sessions WHERE "
	                  "token_hash = ?",
	                  "s", hash))
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		exp = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return exp;
}

bool api_auth_session_valid(const char *hash)
{
	sqlite3_stmt *st;
	bool ok = false;

	if (store_prepare(&st, store_reader(store_main()),
	                  "SELECT 1 FROM sessions s JOIN accounts a ON "
	                  "a.id = s.account_id WHERE s.token_hash = ? AND "
	                  "s.revoked = 0 AND s.expires_at > ? AND "
	                  "a.disabled = 0",
	                  "si", hash, (int64_t)cc_wall_ms()))
		return true; /* cannot tell: keep the channel */
	ok = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return ok;
}

static unsigned cache_slot(const char *hash)
{
	return (unsigned)strtoul((char[]){hash[0], hash[1], hash[2], 0}, NULL,
				 16) % CACHE;
}

static bool cache_get(struct api_req *req)
{
	struct cached *c = &cache.v[cache_slot(req->token_hash)];
	bool hit = false;

	pthread_mutex_lock(&cache.lock);
	if (c->gen == atomic_load(&cache.gen) && c->expires > cc_wall_ms() &&
	    !strcmp(c->hash, req->token_hash)) {
		req->account = c->account;
		req->agent = c->agent;
		req->role = c->role;
		memcpy(req->username, c->username, sizeof(req->username));
		hit = true;
	}
	pthread_mutex_unlock(&cache.lock);
	return hit;
}

static void cache_put(const struct api_req *req, unsigned gen,
		      int64_t expires)
{
	struct cached *c = &cache.v[cache_slot(req->token_hash)];

	pthread_mutex_lock(&cache.lock);
	memcpy(c->hash, req->token_hash, sizeof(c->hash));
	c->gen = gen;
	c->account = req->account;
	c->agent = req->agent;
	c->role = req->role;
	c->expires = expires;
	memcpy(c->username, req->username, sizeof(c->username));
	pthread_mutex_unlock(&cache.lock);
}

int api_auth_token_lookup(struct api_req *req, const char *token)
{
	unsigned gen = atomic_load(&cache.gen);
	sqlite3_stmt *st;
	int64_t expires;
	int err;

	if (strlen(token) != 64)
		return EACCES;
	token_hash(req->token_hash, token);
	if (cache_get(req))
		return 0;
	err = store_prepare(&st, store_reader(store_main()),
	                    "SELECT a.id, a.username, a.role, a.agent_id, "
	                    "s.expires_at "
	                    "FROM sessions s JOIN accounts a "
	                    "ON a.id = s.account_id WHERE s.token_hash = ? "
	                    "AND s.revoked = 0 AND s.expires_at > ? "
	                    "AND a.disabled = 0",
	                    "si", req->token_hash, (int64_t)cc_wall_ms());
	if (err)
		return err;
	if (sqlite3_step(st) != SQLITE_ROW) {
		err = EACCES;
		goto out;
	}
	req->account = sqlite3_column_int64(st, 0);
	snprintf(req->username, sizeof(req->username), "%s",
		 (const char *)sqlite3_column_text(st, 1));
	if (api_role_decode(&req->role,
			    (const char *)sqlite3_column_text(st, 2)))
		err = EACCES;
	req->agent = sqlite3_column_int64(st, 3);
	expires = sqlite3_column_int64(st, 4);
	if (!err)
		cache_put(req, gen, expires);
out:
	sqlite3_finalize(st);
	return err;
}

int api_auth_check(struct api_req *req)
{
	char token[160];

	if (!api_auth_token_get(token, sizeof(token), req->authz,
				req->cookie))
		return EACCES;
	return api_auth_token_lookup(req, token);
}

/* Hashes pw into out (crypto_pwhash_STRBYTES). Slow by design. */
int api_auth_hash(char *out, const char *pw)
{
	if (crypto_pwhash_str(out, pw, strlen(pw),
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE))
		return ENOMEM;
	return 0;
}

int api_account_create(int64_t *idp, const char *username,
		       const char *password, const char *role,
		       int64_t agent)
{
	char hash[crypto_pwhash_STRBYTES];
	struct store_wrote wr = {0, 0};
	int err;

	err = api_auth_hash(hash, password);
	if (err)
		return err;
	err = store_write_wait_ex(
	        store_main(), &wr,
	        "INSERT INTO accounts (username, role, agent_id, "
	        "pw_hash, created_at) VALUES (?, ?, nullif(?, 0), "
	        "?, ?)",
	        "ssisi", username, role, agent, hash, (int64_t)cc_wall_ms());
	if (!err && idp)
		*idp = wr.rowid;
	return err;
}

int api_account_password_set(int64_t account, const char *password)
{
	char hash[crypto_pwhash_STRBYTES];
	struct store_wrote wr = {0, 0};
	int err;

	err = api_auth_hash(hash, password);
	if (err)
		return err;
	err = store_write_wait_ex(
	        store_main(), &wr,
	        "UPDATE accounts SET pw_hash = ? WHERE id = ?", "si", hash,
	        account);
	if (!err && !wr.changes)
		err = ENOENT;
	api_auth_invalidate();
	return err;
}

static const struct {
	const char *user, *pw, *role;
	int64_t agent;
} demov[] = {
	{"1001", "pw1001", "agent", 1001},
	{"1002", "pw1002", "agent", 1002},
	{"1003", "pw1003", "agent", 1003},
	{"1004", "pw1004", "agent", 1004},
	{"super", "pwsuper", "supervisor", 0},
	{"admin", "pwadmin", "admin", 0},
};

/* The logins are printed once the accounts exist (the HTTP thread seeds
 * them) and the server has started (main): whichever comes second. */
static atomic_int demo_steps;

static void demo_step(void)
{
	if (atomic_fetch_add(&demo_steps, 1) != 1)
		return;
	for (size_t i = 0; i < sizeof(demov) / sizeof(demov[0]); i++)
		cc_info("api", "demo login %-6s password %-8s role %s",
			demov[i].user, demov[i].pw, demov[i].role);
}

int api_auth_seed_demo(void)
{
	sqlite3_stmt *st;
	int64_t n = 0;
	size_t i;
	int err;

	err = store_prepare(&st, store_reader(store_main()),
			    "SELECT count(*) FROM accounts", NULL);
	if (err)
		return err;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (!n) {
		for (i = 0; i < sizeof(demov) / sizeof(demov[0]); i++) {
			err = api_account_create(NULL, demov[i].user,
						 demov[i].pw, demov[i].role,
						 demov[i].agent);
			if (err) {
				cc_error("api", "demo account %s: %s",
					 demov[i].user, strerror(err));
				return err;
			}
		}
	}
	demo_step();
	return 0;
}

void api_demo_logins_print(void)
{
	demo_step();
}

/* --- Throttling ------------------------------------------------------- */

/* 0 if username may try now; else the ms to wait, *locked when locked. */
static int64_t throttle_wait(const char *username, bool *locked)
{
	sqlite3_stmt *st;
	int64_t now = cc_wall_ms(), wait = 0, failures, last, until;

	*locked = false;
	if (store_prepare(&st, store_reader(store_main()),
	                  "SELECT failures, last_at, locked_until FROM "
	                  "login_throttle WHERE username = ?",
	                  "s", username))
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		failures = sqlite3_column_int64(st, 0);
		last = sqlite3_column_int64(st, 1);
		until = sqlite3_column_int64(st, 2);
		if (until > now) {
			*locked = true;
			wait = until - now;
		}
		else if (failures >= SLOW_FROM) {
			int64_t delay = 1000LL << (failures - SLOW_FROM);

			if (last + delay > now)
				wait = last + delay - now;
		}
	}
	sqlite3_finalize(st);
	return wait;
}

static void throttle_fail(const char *username)
{
	int64_t now = cc_wall_ms();

	store_write_wait(
	        store_main(),
	        "INSERT INTO login_throttle (username, failures, last_at) "
	        "VALUES (?, 1, ?) ON CONFLICT(username) DO UPDATE SET "
	        "failures = CASE WHEN locked_until > 0 AND "
	        "locked_until <= excluded.last_at THEN 1 "
	        "ELSE failures + 1 END, "
	        "last_at = excluded.last_at, "
	        "locked_until = CASE WHEN failures + 1 >= ? AND "
	        "locked_until <= excluded.last_at "
	        "THEN excluded.last_at + ? ELSE locked_until END",
	        "siii", username, now, (int64_t)LOCK_AT, (int64_t)LOCK_MS);
}

/* --- Routes --------------------------------------------------------------- */

int api_route_login(struct api_req *req)
{
	const char *username, *password, *hash = NULL, *role = NULL;
	uint8_t raw[32];
	char token[65], th[65], cookie[320], retry[24], *hcopy = NULL;
	sqlite3_stmt *st = NULL;
	int64_t wait, account = 0, agent = 0, now, expires;
	bool locked;
	int err;

	username = json_string_value(json_object_get(req->json, "username"));
	password = json_string_value(json_object_get(req->json, "password"));
	if (!*username || strlen(username) > 64)
		return api_reply_error(req, 400, "invalid", "username",
				       "username must be 1 to 64 characters");
	if (strlen(password) > 256)
		return api_reply_error(req, 400, "invalid", "password",
				       "password is longer than 256 bytes");
	wait = throttle_wait(username, &locked);
	if (wait) {
		snprintf(retry, sizeof(retry), "%lld",
			 (long long)((wait + 999) / 1000));
		api_reply_header(req, "Retry-After", retry);
		return api_reply_error(req, 429,
				       locked ? "locked" : "slow_down",
				       "username",
				       locked ? "too many failed logins: "
						"locked, retry in %s s"
					      : "too many failed logins: "
						"retry in %s s",
				       retry);
	}
	err = store_prepare(&st, store_reader(store_main()),
	                    "SELECT id, pw_hash, role, agent_id FROM "
	                    "accounts WHERE username = ? AND disabled = 0",
	                    "s", username);
	if (err)
		return err;
	if (sqlite3_step(st) == SQLITE_ROW) {
		account = sqlite3_column_int64(st, 0);
		hcopy = strdup((const char *)sqlite3_column_text(st, 1));
		role = strdup((const char *)sqlite3_column_text(st, 2));
		agent = sqlite3_column_int64(st, 3);
		hash = hcopy;
	}
	sqlite3_finalize(st);
	if (!hash || crypto_pwhash_str_verify(hash, password,
					      strlen(password))) {
		throttle_fail(username);
		cc_info("api", "login failed for '%s' from %s", username,
			req->peer);
		err = api_reply_error(req, 401, "invalid_credentials", NULL,
				      "wrong username or password");
		goto out;
	}
	store_write_wait(store_main(),
	                 "DELETE FROM login_throttle WHERE "
	                 "username = ?",
	                 "s", username);

	randombytes_buf(raw, sizeof(raw));
	api_hex(token, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
	token_hash(th, token);
	now = cc_wall_ms();
	expires = now + (int64_t)api_session_ttl * 1000;
	err = store_write_wait(store_main(),
	                       "INSERT INTO sessions (token_hash, account_id, "
	                       "created_at, expires_at, peer) VALUES "
	                       "(?, ?, ?, ?, ?)",
	                       "siiis", th, account, now, expires, req->peer);
	if (err)
		goto out;
	snprintf(cookie, sizeof(cookie),
		 "sb_token=%s; Path=/; Max-Age=%u; HttpOnly; "
		 "SameSite=Strict",
		 token, api_session_ttl);
	api_reply_header(req, "Set-Cookie", cookie);
	err = api_reply_json(req, 200,
			     json_pack("{s:s,s:s,s:I,s:s,s:I,s:I}", "token",
				       token, "role", role, "expires_at",
				       (json_int_t)expires, "username",
				       username, "agent_id",
				       (json_int_t)agent, "account_id",
				       (json_int_t)account));
	sodium_memzero(token, sizeof(token));
out:
	free(hcopy);
	free((char *)role);
	return err;
}

int api_route_logout(struct api_req *req)
{
	int err;

	err = store_write_wait(store_main(),
	                       "UPDATE sessions SET revoked = 1 "
	                       "WHERE token_hash = ?",
	                       "s", req->token_hash);
	api_auth_invalidate();
	if (err)
		return err;
	api_reply_header(req, "Set-Cookie",
			 "sb_token=; Path=/; Max-Age=0; HttpOnly; "
			 "SameSite=Strict");
	return api_reply_json(req, 200, json_pack("{s:b}", "ok", 1));
}

int api_route_me(struct api_req *req)
{
	return api_reply_json(req, 200,
			      json_pack("{s:I,s:s,s:s,s:I}", "account_id",
					(json_int_t)req->account, "username",
					req->username, "role",
					api_role_name(req->role), "agent_id",
					(json_int_t)req->agent));
}

int api_audit(struct api_req *req, const char *action, const char *object,
	      json_t *detail)
{
	char *text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
	int err;

	json_decref(detail);
	err = store_write_wait(
	        store_main(),
	        "INSERT INTO audit_log (at, account_id, username, "
	        "action, object, detail) VALUES (?, ?, ?, ?, ?, ?)",
	        "iissss", (int64_t)cc_wall_ms(), req->account, req->username,
	        action, object, text);
	free(text);
	return err;
}
