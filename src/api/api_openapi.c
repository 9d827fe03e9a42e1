/*
 * The OpenAPI 3 document at /api/v1/openapi.json, generated once at start
 * from the route tables (paths, methods, permissions, path and query
 * parameters, request body schemas), and the request body validator that
 * reads the very same body specs. So what the document says a route takes is what
 * the server checks.
 *
 * Body spec: comma-separated `name:type` with `!` after the type for a
 * required field; types string, integer, number, boolean, array, object.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api_int.h"

static char *doc_text;
static size_t doc_len;

struct field {
	char name[40];
	char type[16];
	bool required;
};

/* Parses the next field of spec at *sp; false at the end. */
static bool spec_next(struct field *f, const char **sp)
{
	const char *s = *sp, *colon, *end;
	size_t n;

	while (*s == ' ' || *s == ',')
		s++;
	if (!*s)
		return false;
	end = strchr(s, ',');
	if (!end)
		end = s + strlen(s);
	colon = memchr(s, ':', (size_t)(end - s));
	if (!colon)
		colon = end;
	n = (size_t)(colon - s);
	snprintf(f->name, sizeof(f->name), "%.*s", (int)n, s);
	f->type[0] = '\0';
	f->required = false;
	if (colon < end) {
		n = (size_t)(end - colon - 1);
		snprintf(f->type, sizeof(f->type), "%.*s", (int)n, colon + 1);
		n = strlen(f->type);
		while (n && f->type[n - 1] == ' ')
			f->type[--n] = '\0';
		if (n && f->type[n - 1] == '!') {
			f->type[--n] = '\0';
			f->required = true;
		}
	}
	*sp = end;
	return true;
}

static bool type_ok(const json_t *v, const char *type)
{
	if (!strcmp(type, "string"))
		return json_is_string(v);
	if (!strcmp(type, "integer"))
		return json_is_integer(v);
	if (!strcmp(type, "number"))
		return json_is_number(v);
	if (!strcmp(type, "boolean"))
		return json_is_boolean(v);
	if (!strcmp(type, "array"))
		return json_is_array(v);
	if (!strcmp(type, "object"))
		return json_is_object(v);
	return true;
}

int api_body_validate(struct api_req *req)
{
	const char *spec = req->route->body, *key, *s;
	struct field f;
	json_t *v;

	if (!json_is_object(req->json))
		return api_reply_error(req, 400, "wrong_type", NULL,
				       "the body must be a JSON object");
	for (s = spec; spec_next(&f, &s);) {
		v = json_object_get(req->json, f.name);
		if (!v || json_is_null(v)) {
			if (f.required)
				return api_reply_error(req, 400,
						       "missing_field", f.name,
						       "%s is required",
						       f.name);
			continue;
		}
		if (!type_ok(v, f.type))
			return api_reply_error(req, 400, "wrong_type", f.name,
					       "%s must be of type %s",
					       f.name, f.type);
	}
	json_object_foreach(req->json, key, v)
	{
		bool known = false;

		for (s = spec; !known && spec_next(&f, &s);)
			known = !strcmp(f.name, key);
		if (!known)
			return api_reply_error(req, 400, "unknown_field", key,
					       "unknown field %s", key);
	}
	return 0;
}

static json_t *error_schema(void)
{
	return json_pack("{s:s}", "$ref", "#/components/schemas/Error");
}

static json_t *op_build(const struct api_route *r)
{
	json_t *op, *params, *resp, *roles;
	const char *p, *s;
	struct field f;
	unsigned bit;

	op = json_pack("{s:s,s:s}", "summary", r->summary ? r->summary : "",
		       "operationId", "");
	{
		char id[160], *o = id;

		for (p = r->method; *p && o < id + sizeof(id) - 1; p++)
			*o++ = (char)tolower((unsigned char)*p);
		for (p = r->path + 7; *p && o < id + sizeof(id) - 1; p++)
			*o++ = isalnum((unsigned char)*p) ? *p : '_';
		*o = '\0';
		json_object_set_new(op, "operationId", json_string(id));
	}
	params = json_array();
	for (p = strchr(r->path, '{'); p; p = strchr(p + 1, '{')) {
		const char *e = strchr(p, '}');
		char name[40];

		if (!e)
			break;
		snprintf(name, sizeof(name), "%.*s", (int)(e - p - 1), p + 1);
		json_array_append_new(params,
				      json_pack("{s:s,s:s,s:b,s:{s:s}}",
						"name", name, "in", "path",
						"required", 1, "schema",
						"type", "string"));
	}
	for (s = r->query; s && spec_next(&f, &s);) {
		json_array_append_new(params,
				      json_pack("{s:s,s:s,s:b,s:{s:s}}",
						"name", f.name, "in", "query",
						"required", f.required,
						"schema", "type",
						*f.type ? f.type : "string"));
	}
	if (json_array_size(params))
		json_object_set_new(op, "parameters", params);
	else
		json_decref(params);
	if (r->body) {
		json_t *props = json_object(), *req = json_array(), *schema;

		for (s = r->body; spec_next(&f, &s);) {
			json_object_set_new(props, f.name,
					    json_pack("{s:s}", "type",
						      *f.type ? f.type
							      : "string"));
			if (f.required)
				json_array_append_new(req,
						      json_string(f.name));
		}
		schema = json_pack("{s:s,s:o,s:b}", "type", "object",
				   "properties", props,
				   "additionalProperties", 0);
		if (json_array_size(req))
			json_object_set_new(schema, "required", req);
		else
			json_decref(req);
		json_object_set_new(op, "requestBody",
				    json_pack("{s:b,s:{s:{s:o}}}", "required",
					      1, "content", "application/json",
					      "schema", schema));
	}
	resp = json_pack("{s:{s:s,s:{s:{s:{}}}}}", "200", "description", "OK",
			 "content", "application/json", "schema");
	if (r->flags & API_CSV)
		json_object_set_new(json_object_get(json_object_get(resp,
								    "200"),
						    "content"),
				    "text/csv",
				    json_pack("{s:{s:s}}", "schema", "type",
					      "string"));
	json_object_set_new(resp, "400",
			    json_pack("{s:s,s:{s:{s:o}}}", "description",
				      "invalid request", "content",
				      "application/json", "schema",
				      error_schema()));
	if (r->perm != API_PERM_PUBLIC) {
		json_object_set_new(resp, "401",
				    json_pack("{s:s}", "description",
					      "not logged in, token expired "
					      "or revoked"));
		json_object_set_new(resp, "403",
				    json_pack("{s:s}", "description",
					      "the role lacks the permission"
					      " (or the object is not its "
					      "own)"));
		json_object_set_new(op, "security",
				    json_pack("[{s:[]},{s:[]}]", "bearer",
					      "cookie"));
		json_object_set_new(op, "x-permission",
				    json_string(api_perm_name(r->perm)));
		if (r->flags & (API_OWN_AGENT | API_OWN_LIVE | API_OWN_IX))
			json_object_set_new(
				op, "x-own",
				json_string(r->flags & API_OWN_AGENT ? "agent"
					    : r->flags & API_OWN_LIVE
						? "live_interaction"
						: "interaction"));
		roles = json_array();
		for (bit = 1; bit <= API_ROLE_ADMIN; bit <<= 1) {
			if (api_perm_grant((enum api_role)bit, r->perm))
				json_array_append_new(
					roles, json_string(api_role_name(
						       (enum api_role)bit)));
		}
		json_object_set_new(op, "x-roles", roles);
	}
	else
		json_object_set_new(op, "security", json_array());
	json_object_set_new(op, "responses", resp);
	return op;
}

int api_openapi_build(void)
{
	const struct api_route *r;
	json_t *doc, *paths;
	char method[8];
	size_t i;

	doc = json_loads(
		"{\"openapi\": \"3.0.3\", \"info\": {\"title\": "
		"\"Switchboard API\", \"version\": \"1\", \"description\": "
		"\"Contact-center REST API. Errors are {error: {code, message, "
		"field}} with a 4xx status. Live events: WebSocket "
		"/api/v1/events?token=T&since=N&epoch=E.\"}, \"paths\": {}, "
		"\"components\": {\"securitySchemes\": {\"bearer\": "
		"{\"type\": \"http\", \"scheme\": \"bearer\"}, \"cookie\": "
		"{\"type\": \"apiKey\", \"in\": \"cookie\", \"name\": "
		"\"sb_token\"}}, \"schemas\": {\"Error\": {\"type\": "
		"\"object\", \"required\": [\"error\"], \"properties\": "
		"{\"error\": {\"type\": \"object\", \"required\": "
		"[\"code\", \"message\"], \"properties\": {\"code\": "
		"{\"type\": \"string\"}, \"message\": {\"type\": "
		"\"string\"}, \"field\": {\"type\": \"string\", "
		"\"nullable\": true}}}}}}}}",
		0, NULL);
	if (!doc)
		return ENOMEM;
	json_object_set_new(doc, "x-permissions", api_perm_table());
	paths = json_object_get(doc, "paths");
	for (const struct api_route *const *t = api_route_tables(); *t; t++) {
		for (r = *t; r->method; r++) {
			json_t *item = json_object_get(paths, r->path);

			if (!item) {
				item = json_object();
				json_object_set_new(paths, r->path, item);
			}
			for (i = 0; r->method[i] && i < sizeof(method) - 1;
			     i++)
				method[i] = (char)tolower(
					(unsigned char)r->method[i]);
			method[i] = '\0';
			json_object_set_new(item, method, op_build(r));
		}
	}
	free(doc_text);
	doc_text = json_dumps(doc, JSON_INDENT(1));
	json_decref(doc);
	if (!doc_text)
		return ENOMEM;
	doc_len = strlen(doc_text);
	return 0;
}

void api_openapi_close(void)
{
	free(doc_text);
	doc_text = NULL;
}

int api_openapi_get(struct api_req *req)
{
	return api_reply_data(req, 200, "application/json", doc_text,
			      doc_len);
}
