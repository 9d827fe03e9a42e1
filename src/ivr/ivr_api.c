/*
 * ivr_api.c: IVR flows over the HTTP API (routes in src/api/api_routes.c).
 *   GET /api/v1/flows/{name}            the active definition, its version
 *                                       and the list of versions
 *   GET /api/v1/flows/{name}/versions/{version}   one stored version
 *   PUT /api/v1/flows/{name}  {"definition": {...}}
 *       checked with the validator against the center's queues; a flow
 *       with problems is refused (422, every problem with its JSON path)
 *       and changes nothing; otherwise it is stored as the next version,
 *       becomes the active definition and live calls to its numbers use
 *       it from their next call on (calls in the flow keep their version).
 *   GET /api/v1/interactions/{id}/recording   the interaction's WAV (a
 *       voicemail): staff, or the agent it was assigned to (else 403)
 * Runs on API worker threads: reads through store_reader, writes through
 * store_txn_wait, activation on the main loop through api_core_call.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <sqlite3.h>
#include "api/api_req.h"
#include "core/cc.h"
#include "store/store.h"
#include "sig/sig.h"
#include "ivr/ivr.h"

enum { QUEUES_MAX = 256 };

struct names {
	char *v[QUEUES_MAX];
	size_t n;
};

static int queue_row_h(sqlite3_stmt *st, void *arg)
{
	struct names *q = arg;
	const char *name = (const char *)sqlite3_column_text(st, 0);

	if (name && q->n < QUEUES_MAX)
		q->v[q->n++] = strdup(name);
	return 0;
}

static void problem_h(const char *path, const char *msg, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s,s:s}", "path", path,
					     "message", msg));
}

static bool name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (!n || n >= IVR_NAME_MAX)
		return false;
	for (; *name; name++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", *name))
			return false;
	return true;
}

/* --- GET ----------------------------------------------------------------- */

static int version_row_h(sqlite3_stmt *st, void *arg)
{
	json_array_append_new(
		arg, json_pack("{s:I,s:I,s:s?}", "version",
			       (json_int_t)sqlite3_column_int64(st, 0),
			       "created_at",
			       (json_int_t)sqlite3_column_int64(st, 1),
			       "created_by",
			       (const char *)sqlite3_column_text(st, 2)));
	return 0;
}

struct def {
	json_t *def;
	json_int_t version;
};

static int def_row_h(sqlite3_stmt *st, void *arg)
{
	struct def *d = arg;
	const char *txt = (const char *)sqlite3_column_text(st, 0);

	d->def = txt ? json_loads(txt, 0, NULL) : NULL;
	d->version = sqlite3_column_int64(st, 1);
	return 1;
}

static int ivr_api_flow_get(struct api_req *req)
{
	const char *name = api_req_param(req, "name");
	sqlite3 *db = store_reader(store_main());
	struct def d = {NULL, 0};
	json_t *versions;
	int err;

	if (!db)
		return EIO;
	err = store_query(db, def_row_h, &d,
			  "SELECT f.definition, coalesce((SELECT max(version)"
			  " FROM flow_versions v WHERE v.name = f.name), 0)"
			  " FROM flows f WHERE f.name = ?1", "s", name);
	if (err && err != 1) {
		json_decref(d.def);
		return err;
	}
	if (!d.def)
		return api_reply_error(req, 404, "not_found", "name",
				       "no flow named %s", name ? name : "");
	versions = json_array();
	(void)store_query(db, version_row_h, versions,
			  "SELECT version, created_at, created_by FROM"
			  " flow_versions WHERE name = ?1 ORDER BY version",
			  "s", name);
	return api_reply_json(req, 200,
			      json_pack("{s:s,s:I,s:o,s:o}", "name", name,
					"version", d.version, "definition",
					d.def, "versions", versions));
}

static int ivr_api_flow_version_get(struct api_req *req)
{
	const char *name = api_req_param(req, "name");
	sqlite3 *db = store_reader(store_main());
	struct def d = {NULL, 0};
	int64_t version;
	int err;

	err = api_req_param_id(&version, req, "version");
	if (err)
		return err;
	if (!db)
		return EIO;
	err = store_query(db, def_row_h, &d,
			  "SELECT definition, version FROM flow_versions"
			  " WHERE name = ?1 AND version = ?2", "si", name,
			  version);
	if (err && err != 1) {
		json_decref(d.def);
		return err;
	}
	if (!d.def)
		return api_reply_error(req, 404, "not_found", "version",
				       "flow %s has no version %lld",
				       name ? name : "", (long long)version);
	return api_reply_json(req, 200,
			      json_pack("{s:s,s:I,s:o}", "name", name,
					"version", d.version, "definition",
					d.def));
}

/* --- PUT ----------------------------------------------------------------- */

struct save {
	const char *name;
	const char *text;
	const char *by;
	int64_t version;
};

static int max_row_h(sqlite3_stmt *st, void *arg)
{
	*(int64_t *)arg = sqlite3_column_int64(st, 0);
	return 1;
}

static int save_txn(sqlite3 *db, void *arg)
{
	struct save *s = arg;
	int64_t now = (int64_t)cc_wall_ms();
	int64_t max = 0;
	int err;

	err = store_query(db, max_row_h, &max, "SELECT coalesce(max(version),"
			  " 0) FROM flow_versions WHERE name = ?1", "s",
			  s->name);
	if (err && err != 1)
		return err;
	s->version = max + 1;
	err = store_exec(db, "INSERT INTO flow_versions(name, version,"
			 " definition, created_at, created_by) VALUES (?1,"
			 " ?2, ?3, ?4, ?5)", "sisis", s->name, s->version,
			 s->text, now, s->by);
	if (err)
		return err;
	return store_exec(db, "INSERT INTO flows(name, definition, updated_at)"
			  " VALUES (?1, ?2, ?3) ON CONFLICT(name) DO UPDATE"
			  " SET definition = excluded.definition, updated_at"
			  " = excluded.updated_at", "ssi", s->name, s->text,
			  now);
}

/* On the main loop: the numbers of this flow take the new definition. */
static int activate_h(json_t **resultp, const json_t *args)
{
	const char *name = json_string_value(json_object_get(args, "name"));
	const char *def = json_string_value(json_object_get(args, "def"));
	unsigned numbers = 0;
	int err = sig_flow_activate(name, def, &numbers);

	if (err)
		return err;
	*resultp = json_pack("{s:i}", "numbers", (int)numbers);
	return 0;
}

static int ivr_api_flow_put(struct api_req *req)
{
	const char *name = api_req_param(req, "name");
	json_t *body = api_req_body(req);
	json_t *def = json_object_get(body, "definition");
	json_t *problems = NULL, *res = NULL;
	struct names q = {{0}, 0};
	struct ivr_check_opts o = {0};
	struct save s = {name, NULL, api_req_username(req), 0};
	const char *dn;
	char *text = NULL, obj[128];
	sqlite3 *db = store_reader(store_main());
	int err;

	if (!name_ok(name))
		return api_reply_error(req, 400, "invalid", "name",
				       "a flow name is 1-63 letters, digits,"
				       " '-', '_' or '.'");
	dn = json_string_value(json_object_get(def, "name"));
	if (dn && strcmp(dn, name))
		return api_reply_error(req, 400, "invalid", "definition.name",
				       "the definition's name '%s' differs"
				       " from %s", dn, name);
	if (!dn)
		json_object_set_new(def, "name", json_string(name));
	if (!db)
		return EIO;
	(void)store_query(db, queue_row_h, &q, "SELECT name FROM queues", "");
	o.queues = (const char *const *)q.v;
	o.queuec = q.n;
	text = json_dumps(def, JSON_COMPACT);
	problems = json_array();
	if (!text || !problems) {
		err = ENOMEM;
		goto out;
	}
	if (ivr_flow_check(text, &o, problem_h, problems)) {
		err = api_reply_json(
			req, 422,
			json_pack("{s:{s:s,s:s,s:s},s:O}", "error", "code",
				  "invalid_flow", "message",
				  "the flow has problems and was not"
				  " activated", "field", "definition",
				  "problems", problems));
		goto out;
	}
	s.text = text;
	err = store_txn_wait(store_main(), save_txn, &s);
	if (err)
		goto out;
	err = api_core_call(&res, activate_h,
			    json_pack("{s:s,s:s}", "name", name, "def", text),
			    2000);
	if (err) {
		/* Stored and active in the database: the numbers take it at
		 * the next start. */
		cc_warn("ivr", "flow %s version %lld stored, live activation"
			" failed: %s", name, (long long)s.version,
			strerror(err));
	}
	(void)snprintf(obj, sizeof(obj), "flow/%s", name);
	api_audit(req, "flow.save", obj,
		  json_pack("{s:I}", "version", (json_int_t)s.version));
	err = api_reply_json(
		req, 200,
		json_pack("{s:s,s:I,s:b,s:i}", "name", name, "version",
			  (json_int_t)s.version, "live", !err, "numbers",
			  res ? (int)json_integer_value(
					json_object_get(res, "numbers")) :
				0));
out:
	for (size_t i = 0; i < q.n; i++)
		free(q.v[i]);
	json_decref(problems);
	json_decref(res);
	free(text);
	return err;
}

/* --- Recordings --------------------------------------------------------- */

enum { RECORDING_MAX = 64 << 20 };

struct rec_row {
	bool found;
	int64_t agent;
	char path[600];
};

static int rec_row_h(sqlite3_stmt *st, void *arg)
{
	struct rec_row *r = arg;
	const char *p = (const char *)sqlite3_column_text(st, 1);

	r->found = true;
	r->agent = sqlite3_column_int64(st, 0);
	if (p)
		(void)snprintf(r->path, sizeof(r->path), "%s", p);
	return 0; /* one row: the id is the key */
}

static int ivr_api_recording_get(struct api_req *req)
{
	sqlite3 *db = store_reader(store_main());
	struct rec_row r = {0};
	char *data = NULL;
	FILE *f = NULL;
	long len;
	int64_t id;
	int err;

	err = api_req_param_id(&id, req, "id");
	if (err)
		return err;
	if (!db)
		return EIO;
	err = store_query(db, rec_row_h, &r, "SELECT agent_id, recording FROM"
			  " interactions WHERE id = ?1", "i", id);
	if (err)
		return err;
	if (!r.found)
		return api_reply_error(req, 404, "not_found", NULL,
				       "no interaction %lld", (long long)id);
	/* Only what the server itself recorded, under its data directory. */
	if (!r.path[0] || strstr(r.path, "..") ||
	    !strstr(r.path, "/recordings/"))
		return api_reply_error(req, 404, "not_found", NULL,
				       "interaction %lld has no recording",
				       (long long)id);
	f = fopen(r.path, "rb");
	if (!f)
		return api_reply_error(req, 404, "not_found", NULL,
				       "the recording of %lld is gone",
				       (long long)id);
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 ||
	    len > RECORDING_MAX || fseek(f, 0, SEEK_SET)) {
		err = EIO;
		goto out;
	}
	data = malloc(len ? (size_t)len : 1);
	if (!data) {
		err = ENOMEM;
		goto out;
	}
	if (fread(data, 1, (size_t)len, f) != (size_t)len) {
		err = EIO;
		goto out;
	}
	err = api_reply_data(req, 200, "audio/wav", data, (size_t)len);
out:
	free(data);
	if (f)
		fclose(f);
	return err;
}

/* --- Routes ------------------------------------------------------------- */

/* The ivr module's HTTP routes (IVR flows and their versions, and recordings):
 * registered by main with api_routes_register(), served and documented
 * by the api module. */
const struct api_route ivr_routev[] = {
	{"GET", API_V1 "/interactions/{id}/recording", API_PERM_RECORDINGS_READ,
	 API_OWN_IX,
	 ivr_api_recording_get,
	 "The interaction's recording as WAV (a voicemail): staff, or the "
	 "agent it was assigned to (else 403)", NULL, NULL},
	{"GET", API_V1 "/flows/{name}", API_PERM_CONFIG_READ, 0,
	 ivr_api_flow_get,
	 "An IVR flow's active definition and its versions", NULL, NULL},
	{"GET", API_V1 "/flows/{name}/versions/{version}", API_PERM_CONFIG_READ,
	 0,
	 ivr_api_flow_version_get, "One stored version of an IVR flow", NULL,
	 NULL},
	{"PUT", API_V1 "/flows/{name}", API_PERM_CONFIG_WRITE, 0,
	 ivr_api_flow_put,
	 "Save an IVR flow as its next version and activate it (422 listing "
	 "every problem when it fails the check; nothing changes then)",
	 "definition:object!", NULL},
	API_ROUTES_END,
};
