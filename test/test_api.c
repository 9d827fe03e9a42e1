/*
 * Tests of the api module's pure parts: body validation against a route's
 * spec, token extraction, roles and the permission table, CSV quoting,
 * and the event ring's sequence numbers. The HTTP server itself is
 * driven by test/e2e/api_*.sh.
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "api/api_int.h"
#include "test.h"

static const struct api_route route = {
	"POST", "/api/v1/x", API_PERM_SESSION, 0, NULL, "x",
	"name:string!, level:integer, skills:array, on:boolean", NULL};

/* Validates text against route; returns the HTTP status (0 = valid) and
 * copies the error field into field. */
static int validate(const char *text, char *field, size_t sz)
{
	struct api_req *req = calloc(1, sizeof(*req));
	json_t *f;
	int status;

	req->route = &route;
	req->json = json_loads(text, 0, NULL);
	field[0] = '\0';
	status = api_body_validate(req) ? req->status : 0;
	if (req->resp) {
		json_t *j = json_loads(req->resp, 0, NULL);

		f = json_object_get(json_object_get(j, "error"), "field");
		if (json_is_string(f))
			snprintf(field, sz, "%s", json_string_value(f));
		json_decref(j);
	}
	api_req_destroy(req);
	return status;
}

static int body_spec_checked(void)
{
	char field[64];
	int err = 0;

	TEST_EQ(validate("{\"name\":\"a\",\"level\":3,\"skills\":[]}", field,
			 sizeof(field)), 0);
	TEST_EQ(validate("{\"level\":3}", field, sizeof(field)), 400);
	TEST_STREQ(field, "name");
	TEST_EQ(validate("{\"name\":\"a\",\"level\":\"3\"}", field,
			 sizeof(field)), 400);
	TEST_STREQ(field, "level");
	TEST_EQ(validate("{\"name\":\"a\",\"on\":1}", field, sizeof(field)),
		400);
	TEST_STREQ(field, "on");
	TEST_EQ(validate("{\"name\":\"a\",\"bogus\":1}", field,
			 sizeof(field)), 400);
	TEST_STREQ(field, "bogus");
	TEST_EQ(validate("[1]", field, sizeof(field)), 400);
	/* null counts as absent: allowed for optional fields only */
	TEST_EQ(validate("{\"name\":\"a\",\"level\":null}", field,
			 sizeof(field)), 0);
	TEST_EQ(validate("{\"name\":null}", field, sizeof(field)), 400);
out:
	return err;
}

static int token_from_header_or_cookie(void)
{
	char tok[100];
	int err = 0;

	TEST_ASSERT(api_auth_token_get(tok, sizeof(tok), "Bearer abc", ""));
	TEST_STREQ(tok, "abc");
	TEST_ASSERT(api_auth_token_get(tok, sizeof(tok), "",
				       "theme=x; sb_token=def; other=1"));
	TEST_STREQ(tok, "def");
	TEST_ASSERT(!api_auth_token_get(tok, sizeof(tok), "Basic xyz",
					"a=b"));
	TEST_ASSERT(!api_auth_token_get(tok, 4, "Bearer abcdef", ""));
out:
	return err;
}

static int roles_round_trip(void)
{
	enum api_role r;
	int err = 0;

	TEST_ERR(api_role_decode(&r, "quality_analyst"));
	TEST_EQ(r, API_ROLE_QUALITY);
	TEST_STREQ(api_role_name(API_ROLE_TEAM_LEADER), "team_leader");
	TEST_EQ(api_role_decode(&r, "root"), EINVAL);
out:
	return err;
}

/* The matrix of issue 12: quality analysts read but never touch live
 * calls or agents' states; agents act on their own; only admins change
 * the configuration and the logins. */
static int perm_table(void)
{
	const enum api_role all[] = {API_ROLE_AGENT, API_ROLE_TEAM_LEADER,
				     API_ROLE_SUPERVISOR, API_ROLE_QUALITY,
				     API_ROLE_ADMIN};
	json_t *t = NULL;
	int err = 0;

	TEST_EQ(api_perm_grant(API_ROLE_QUALITY, API_PERM_CALLS_CONTROL),
		API_GRANT_NONE);
	TEST_EQ(api_perm_grant(API_ROLE_QUALITY, API_PERM_AGENT_STATE),
		API_GRANT_NONE);
	TEST_EQ(api_perm_grant(API_ROLE_QUALITY, API_PERM_HISTORY_READ),
		API_GRANT_ANY);
	TEST_EQ(api_perm_grant(API_ROLE_QUALITY, API_PERM_RECORDINGS_READ),
		API_GRANT_ANY);
	TEST_EQ(api_perm_grant(API_ROLE_AGENT, API_PERM_CALLS_CONTROL),
		API_GRANT_OWN);
	TEST_EQ(api_perm_grant(API_ROLE_TEAM_LEADER, API_PERM_CALLS_CONTROL),
		API_GRANT_ANY);
	TEST_EQ(api_perm_grant(API_ROLE_SUPERVISOR, API_PERM_AGENT_STATE),
		API_GRANT_ANY);
	TEST_EQ(api_perm_grant((enum api_role)0, API_PERM_SESSION),
		API_GRANT_NONE);
	for (unsigned p = API_PERM_PUBLIC + 1; p < API_PERM_N; p++) {
		/* named, only scoped ones grant OWN, admins hold all */
		TEST_ASSERT(strcmp(api_perm_name((enum api_perm)p), "?"));
		TEST_EQ(api_perm_grant(API_ROLE_ADMIN, (enum api_perm)p),
			API_GRANT_ANY);
		for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
			if (api_perm_scoped((enum api_perm)p))
				continue;
			TEST_ASSERT(api_perm_grant(all[i], (enum api_perm)p) !=
				    API_GRANT_OWN);
		}
		if (p == API_PERM_CONFIG_WRITE || p == API_PERM_ACCOUNTS ||
		    p == API_PERM_TRUNKS) {
			for (size_t i = 0; i < 4; i++)
				TEST_EQ(api_perm_grant(all[i],
						       (enum api_perm)p),
					API_GRANT_NONE);
		}
	}
	t = api_perm_table();
	TEST_STREQ(json_string_value(json_object_get(json_object_get(
			   json_object_get(t, "roles"), "agent"),
			   "calls_control")), "own");
	TEST_ASSERT(!json_object_get(json_object_get(json_object_get(t,
			"roles"), "quality_analyst"), "calls_control"));
	TEST_EQ(json_array_size(json_object_get(t, "permissions")),
		API_PERM_N - 1);
out:
	json_decref(t);
	return err;
}

static int h_none(struct api_req *req)
{
	(void)req;
	return 0;
}

/* A module's table joins the api module's own; a row served twice (in
 * two tables or one) is refused and nothing is added. */
static int routes_registered(void)
{
	static const struct api_route dup_other[] = {
		{"GET", API_V1 "/x-test/a", API_PERM_SESSION, 0, h_none, "a",
		 NULL, NULL},
		{"GET", API_V1 "/me", API_PERM_SESSION, 0, h_none, "me again",
		 NULL, NULL},
		API_ROUTES_END,
	};
	static const struct api_route dup_self[] = {
		{"GET", API_V1 "/x-test/b", API_PERM_SESSION, 0, h_none, "b",
		 NULL, NULL},
		{"GET", API_V1 "/x-test/b", API_PERM_SESSION, 0, h_none, "b",
		 NULL, NULL},
		API_ROUTES_END,
	};
	static const struct api_route good[] = {
		{"GET", API_V1 "/x-test/c", API_PERM_SESSION, 0, h_none, "c",
		 NULL, NULL},
		{"POST", API_V1 "/x-test/c", API_PERM_SESSION, 0, h_none, "c",
		 NULL, NULL},
		API_ROUTES_END,
	};
	static const struct api_route bad_own[] = {
		/* owning an agent needs a scoped permission */
		{"POST", API_V1 "/x-test/{id}", API_PERM_CONFIG_WRITE,
		 API_OWN_AGENT, h_none, "d", NULL, NULL},
		API_ROUTES_END,
	};
	static const struct api_route bad_perm[] = {
		{"GET", API_V1 "/x-test/e", (enum api_perm)API_PERM_N, 0,
		 h_none, "e", NULL, NULL},
		API_ROUTES_END,
	};
	const struct api_route *const *t;
	size_t n0 = 0, n1 = 0;
	int err = 0;

	for (t = api_route_tables(); *t; t++)
		n0++;
	TEST_ASSERT(n0 >= 1);
	TEST_ASSERT(api_route_tables()[0] == api_routev);
	TEST_EQ(api_routes_register(NULL), EINVAL);
	TEST_EQ(api_routes_register(dup_other), EEXIST);
	TEST_EQ(api_routes_register(dup_self), EEXIST);
	TEST_EQ(api_routes_register(bad_own), EINVAL);
	TEST_EQ(api_routes_register(bad_perm), EINVAL);
	TEST_ERR(api_routes_register(good));
	TEST_EQ(api_routes_register(good), EEXIST);
	for (t = api_route_tables(); *t; t++)
		n1++;
	TEST_EQ(n1, n0 + 1);
	TEST_ASSERT(api_route_tables()[n0] == good);
	/* every row of the server's own table and of good is sound */
	TEST_ERR(api_routes_check());
out:
	return err;
}

static int csv_quoting(void)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int err = 0;

	TEST_ERR(api_csv_field(&buf, &len, &cap, "plain", false));
	TEST_ERR(api_csv_field(&buf, &len, &cap, "a,\"b\"", false));
	TEST_ERR(api_csv_field(&buf, &len, &cap, "=cmd()", true));
	TEST_STREQ(buf, "plain,\"a,\"\"b\"\"\",'=cmd()\r\n");
out:
	free(buf);
	return err;
}

static int events_numbered_in_order(void)
{
	uint64_t a, b;
	int err = 0;

	TEST_ERR(api_ws_init());
	a = api_event_publish("x", json_object(), 0);
	b = api_event_publish("y", NULL, 1001);
	TEST_EQ(a, 1);
	TEST_EQ(b, 2);
	TEST_EQ(api_ws_seq(), 2);
	TEST_EQ(api_event_publish(NULL, json_object(), 0), 0);
out:
	api_ws_close();
	return err;
}

const struct test_case test_cases[] = {
	TEST_CASE(body_spec_checked),
	TEST_CASE(token_from_header_or_cookie),
	TEST_CASE(roles_round_trip),
	TEST_CASE(perm_table),
	TEST_CASE(routes_registered),
	TEST_CASE(csv_quoting),
	TEST_CASE(events_numbered_in_order),
};
TEST_TABLE_END;
