/*
 * The HTTP thread: one libwebsockets context with its own service loop in
 * its own thread, the router over api_routev[], request bodies, replies,
 * static files from web/, and a small pool of worker threads that run the
 * route handlers (which may block on the store or on the core bridge).
 *
 * A request's life:
 *
 *   HTTP (uri) --> [body?] --BODY_COMPLETION--> dispatch
 *   dispatch: inline route  -> run handler here -> reply
 *             other route   -> worker queue -> handler -> done list
 *                              -> lws_cancel_service -> EVENT_WAIT_CANCELLED
 *                              -> reply
 *   reply: headers, then body chunks on HTTP_WRITEABLE, then
 *          lws_http_transaction_completed (keep-alive) or close.
 *
 * Ownership: the HTTP thread owns the request except while it is
 * `pending` on a worker. If the connection closes meanwhile, wsi is set to
 * NULL and the request is freed when it comes back.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libwebsockets.h>
#include "core/cc.h"
#include "api_db.h"
#include "api_int.h"

enum {
	WORKERS = 4,
	CHUNK = 16384,
	REPLY_HDR_MAX = 4096,
	REPLY_MAX = 65536, /* headers and body in one send up to this */
};

struct pss {
	struct api_req *req;   /* HTTP: the current transaction */
	char peer[64];         /* the connection's peer, looked up once */
	void *ws;              /* WebSocket: the event client */
	bool is_ws;
};

static struct {
	struct lws_context *ctx;
	pthread_t thread;
	bool thread_running;
	volatile bool stopping;
	char webroot[PATH_MAX];

	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct api_req *work_head, *work_tail; /* for the workers */
	struct api_req *done;                  /* back to the HTTP thread */
	pthread_t workers[WORKERS];
	unsigned nworkers;
	bool workers_stop;
	bool demo;
} http;

uint64_t api_started_ms;

struct lws_context *api_http_context(void)
{
	return http.ctx;
}

void api_http_wake(void)
{
	if (http.ctx)
		lws_cancel_service(http.ctx);
}

void api_req_destroy(struct api_req *req)
{
	unsigned i;

	if (!req)
		return;
	for (i = 0; i < req->queryc; i++)
		free(req->queryv[i]);
	free(req->body);
	if (req->resp_buf)
		api_buf_unref(req->resp_buf);
	else
		free(req->resp);
	free(req->hdrs);
	json_decref(req->json);
	free(req);
}

/* --- Accessors ------------------------------------------------------------ */

const char *api_req_method(const struct api_req *req)
{
	return req->method;
}

const char *api_req_param(const struct api_req *req, const char *name)
{
	unsigned i;

	for (i = 0; i < req->paramc; i++) {
		if (!strcmp(req->pname[i], name))
			return req->pval[i];
	}
	return NULL;
}

int api_req_param_id(int64_t *idp, struct api_req *req, const char *name)
{
	const char *s = api_req_param(req, name);
	char *end;
	long long v;

	if (!s || !*s)
		return api_reply_error(req, 400, "bad_parameter", name,
				       "missing path parameter %s", name);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v <= 0)
		return api_reply_error(req, 400, "bad_parameter", name,
				       "%s must be a positive whole number",
				       name);
	*idp = v;
	return 0;
}

const char *api_req_query(const struct api_req *req, const char *name)
{
	size_t n = strlen(name);
	unsigned i;

	for (i = 0; i < req->queryc; i++) {
		if (!strncmp(req->queryv[i], name, n) &&
		    req->queryv[i][n] == '=')
			return req->queryv[i] + n + 1;
	}
	return NULL;
}

json_t *api_req_body(const struct api_req *req)
{
	return req->json;
}

const char *api_req_data(const struct api_req *req, size_t *lenp)
{
	if (lenp)
		*lenp = req->body ? req->body_len : 0;
	return req->body;
}

int64_t api_req_account(const struct api_req *req)
{
	return req->account;
}

const char *api_req_username(const struct api_req *req)
{
	return req->username;
}

enum api_role api_req_role(const struct api_req *req)
{
	return req->role;
}

int64_t api_req_agent(const struct api_req *req)
{
	return req->agent;
}

const char *api_req_peer(const struct api_req *req)
{
	return req->peer;
}

/* --- Replies ------------------------------------------------------------- */

int api_reply_data(struct api_req *req, int status, const char *ctype,
		   const char *data, size_t len)
{
	char *copy = malloc(len + 1);

	if (!copy)
		return ENOMEM;
	memcpy(copy, data, len);
	copy[len] = '\0';
	if (req->resp_buf)
		req->resp_buf = (api_buf_unref(req->resp_buf), NULL);
	else
		free(req->resp);
	req->resp = copy;
	req->resp_len = len;
	req->status = status;
	snprintf(req->ctype, sizeof(req->ctype), "%s", ctype);
	req->replied = true;
	return 0;
}

int api_reply_buf(struct api_req *req, int status, const char *ctype,
		  struct api_buf *b)
{
	if (req->resp_buf)
		api_buf_unref(req->resp_buf);
	else
		free(req->resp);
	req->resp_buf = api_buf_ref(b);
	req->resp = b->data;
	req->resp_len = b->len;
	req->status = status;
	snprintf(req->ctype, sizeof(req->ctype), "%s", ctype);
	req->replied = true;
	return 0;
}

int api_reply_json(struct api_req *req, int status, json_t *body)
{
	char *text;
	int err;

	if (!body)
		return ENOMEM;
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text)
		return ENOMEM;
	err = api_reply_data(req, status, "application/json", text,
			     strlen(text));
	free(text);
	return err;
}

int api_reply_error(struct api_req *req, int status, const char *code,
		    const char *field, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	api_reply_json(req, status,
		       json_pack("{s:{s:s,s:s,s:s?}}", "error", "code", code,
				 "message", msg, "field", field));
	return EINVAL;
}

int api_reply_header(struct api_req *req, const char *name,
		     const char *value)
{
	size_t old = req->hdrs ? strlen(req->hdrs) : 0;
	size_t add = strlen(name) + strlen(value) + 4;
	char *h = realloc(req->hdrs, old + add + 1);

	if (!h)
		return ENOMEM;
	snprintf(h + old, add + 1, "%s: %s\r\n", name, value);
	req->hdrs = h;
	return 0;
}

/* --- Routing -------------------------------------------------------------- */

/* Matches path against a pattern with {name} segments. */
static bool route_match(struct api_req *req, const char *pat,
			const char *path)
{
	req->paramc = 0;
	while (*pat && *path) {
		if (*pat == '{') {
			const char *pe = strchr(pat, '}');
			const char *se = strchr(path, '/');
			size_t pn, sn;

			if (!pe || req->paramc >= API_PARAM_MAX)
				return false;
			pn = (size_t)(pe - pat - 1);
			sn = se ? (size_t)(se - path) : strlen(path);
			if (!sn || pn >= sizeof(req->pname[0]) ||
			    sn >= sizeof(req->pval[0]))
				return false;
			memcpy(req->pname[req->paramc], pat + 1, pn);
			req->pname[req->paramc][pn] = '\0';
			memcpy(req->pval[req->paramc], path, sn);
			req->pval[req->paramc][sn] = '\0';
			req->paramc++;
			pat = pe + 1;
			path += sn;
			continue;
		}
		if (*pat != *path)
			return false;
		pat++;
		path++;
	}
	return !*pat && !*path;
}

/* Finds the route; *path_known tells 405 from 404. */
static const struct api_route *route_find(struct api_req *req,
					  bool *path_known)
{
	const struct api_route *r;

	*path_known = false;
	for (const struct api_route *const *t = api_route_tables(); *t; t++) {
		for (r = *t; r->method; r++) {
			if (!route_match(req, r->path, req->path))
				continue;
			*path_known = true;
			if (!strcmp(r->method, req->method))
				return r;
		}
	}
	req->paramc = 0;
	return NULL;
}

static void reply_errno(struct api_req *req, int err)
{
	switch (err) {
	case ENOENT:
		api_reply_error(req, 404, "not_found", NULL,
				"no such object");
		break;
	case EINVAL:
		api_reply_error(req, 400, "invalid", NULL, "invalid request");
		break;
	case EPERM:
	case EACCES:
		api_reply_error(req, 403, "forbidden", NULL,
				"your role may not do this");
		break;
	case EEXIST:
		api_reply_error(req, 409, "conflict", NULL,
				"the object already exists");
		break;
	case ETIMEDOUT:
		api_reply_error(req, 504, "timeout", NULL,
				"the core did not answer in time");
		break;
	default:
		api_reply_error(req, 500, "internal", NULL, "%s",
				strerror(err));
		break;
	}
}

/* Authenticates, checks the role, parses and validates the body and runs
 * the handler. Runs on a worker or, for inline routes, the HTTP thread. */
static void req_run(struct api_req *req)
{
	const struct api_route *r = req->route;
	json_error_t jerr;
	int err;

	if (r->perm != API_PERM_PUBLIC) {
		if (api_auth_check(req)) {
			api_reply_error(req, 401, "unauthorized", NULL,
					"log in first: missing, expired or "
					"revoked token");
			return;
		}
		/* Before the body: a forbidden caller learns nothing of it. */
		err = api_perm_check(req);
		if (err) {
			if (!req->replied)
				reply_errno(req, err);
			return;
		}
	}
	if (r->body) {
		if (!req->body_len) {
			api_reply_error(req, 400, "missing_body", NULL,
					"this route needs a JSON body");
			return;
		}
		if (strncasecmp(req->ctype_in, "application/json", 16)) {
			api_reply_error(req, 415, "unsupported_media_type",
					NULL, "send Content-Type: "
					"application/json");
			return;
		}
		req->json = json_loadb(req->body, req->body_len,
				       JSON_REJECT_DUPLICATES, &jerr);
		if (!req->json) {
			api_reply_error(req, 400, "bad_json", NULL,
					"invalid JSON at line %d column %d: "
					"%s", jerr.line, jerr.column,
					jerr.text);
			return;
		}
		if (api_body_validate(req))
			return;
	}
	else if (req->body_len && !(r->flags & API_UPLOAD)) {
		api_reply_error(req, 400, "unexpected_body", NULL,
				"this route takes no body");
		return;
	}
	err = r->h(req);
	if (!req->replied)
		reply_errno(req, err ? err : EIO);
}

static void *worker_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&http.lock);
	for (;;) {
		struct api_req *req;

		while (!http.work_head && !http.workers_stop)
			pthread_cond_wait(&http.cond, &http.lock);
		if (!http.work_head)
			break;
		req = http.work_head;
		http.work_head = req->next;
		if (!http.work_head)
			http.work_tail = NULL;
		pthread_mutex_unlock(&http.lock);

		req_run(req);

		pthread_mutex_lock(&http.lock);
		req->next = http.done;
		http.done = req;
		pthread_mutex_unlock(&http.lock);
		api_http_wake();
		pthread_mutex_lock(&http.lock);
	}
	pthread_mutex_unlock(&http.lock);
	return NULL;
}

/* --- Writing replies (HTTP thread) ---------------------------------------- */

/* The HTTP thread's buffer for replies sent in one piece. */
static uint8_t reply_buf[LWS_PRE + REPLY_MAX];

/*
 * Sends the headers, and with them the whole body when both fit in
 * REPLY_MAX (one send(); lws keeps what the socket does not take). Returns
 * -1 on failure, 1 when the reply is all out (the caller completes the
 * transaction), 0 when the body follows on HTTP_WRITEABLE.
 */
static int reply_start(struct api_req *req)
{
	uint8_t *start = &reply_buf[LWS_PRE], *p = start,
		*end = start + REPLY_HDR_MAX - 1;
	struct lws *wsi = req->wsi;
	char *h, *line, *save = NULL;
	size_t hlen;

	api_metrics_count(req->status);
	if (lws_add_http_common_headers(wsi, (unsigned)req->status,
					req->ctype, req->resp_len, &p, end))
		return -1;
	if (lws_add_http_header_by_name(wsi,
					(const uint8_t *)"cache-control:",
					(const uint8_t *)"no-store", 8, &p,
					end) ||
	    lws_add_http_header_by_name(wsi,
					(const uint8_t *)
					"x-content-type-options:",
					(const uint8_t *)"nosniff", 7, &p,
					end))
		return -1;
	if (req->close_after &&
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION,
					 (const uint8_t *)"close", 5, &p, end))
		return -1;
	h = req->hdrs ? strdup(req->hdrs) : NULL;
	for (line = h ? strtok_r(h, "\r\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\r\n", &save)) {
		char name[64], *colon = strchr(line, ':');
		size_t n, i;

		if (!colon || (n = (size_t)(colon - line)) >= sizeof(name) - 1)
			continue;
		for (i = 0; i < n; i++)
			name[i] = (char)tolower((unsigned char)line[i]);
		name[n] = ':';
		name[n + 1] = '\0';
		colon++;
		while (*colon == ' ')
			colon++;
		if (lws_add_http_header_by_name(wsi, (const uint8_t *)name,
						(const uint8_t *)colon,
						(int)strlen(colon), &p, end)) {
			free(h);
			return -1;
		}
	}
	free(h);
	req->hdrs_sent = true;
	if (req->close_after || (size_t)(p - start) + 4 + req->resp_len >
					REPLY_MAX) {
		/* Large or last: headers now, the body in chunks. */
		if (lws_finalize_write_http_header(wsi, start, &p, end))
			return -1;
		lws_callback_on_writable(wsi);
		return 0;
	}
	if (lws_finalize_http_header(wsi, &p, end))
		return -1;
	hlen = (size_t)(p - start);
	if (req->resp_len)
		memcpy(p, req->resp, req->resp_len);
	if (lws_write(wsi, start, hlen + req->resp_len,
		      LWS_WRITE_HTTP_FINAL) != (int)(hlen + req->resp_len))
		return -1;
	req->resp_off = req->resp_len;
	req->all_sent = true;
	return 1;
}

/* The reply is all out: keep-alive (0) or close (-1). */
static int reply_done(struct pss *pss, struct lws *wsi)
{
	struct api_req *req = pss->req;
	bool close = req->close_after;

	pss->req = NULL;
	api_req_destroy(req);
	if (close)
		return -1;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/* Returns -1 to close the connection, 0 to keep going. */
static int reply_write(struct pss *pss)
{
	struct api_req *req = pss->req;
	uint8_t buf[LWS_PRE + CHUNK];
	size_t n = req->resp_len - req->resp_off;
	bool last;

	if (n > CHUNK)
		n = CHUNK;
	last = req->resp_off + n >= req->resp_len;
	if (n)
		memcpy(buf + LWS_PRE, req->resp + req->resp_off, n);
	if (lws_write(req->wsi, buf + LWS_PRE, n,
		      last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)n)
		return -1;
	req->resp_off += n;
	if (!last) {
		lws_callback_on_writable(req->wsi);
		return 0;
	}
	/* The caller completes the transaction (keep-alive) or closes. */
	pss->req = NULL;
	last = req->close_after;
	api_req_destroy(req);
	return last ? -1 : 0;
}

/* Replies from within the connection's callback: -1 to close, 0. */
static int reply_now(struct pss *pss, struct lws *wsi)
{
	int r = reply_start(pss->req);

	if (r < 0)
		return -1;
	return r ? reply_done(pss, wsi) : 0;
}

/* From the connection's callback: -1 to close, 0 to go on. */
static int dispatch(struct pss *pss)
{
	struct api_req *req = pss->req;

	if (req->route->flags & API_INLINE) {
		req_run(req);
		return reply_now(pss, req->wsi);
	}
	req->pending = true;
	pthread_mutex_lock(&http.lock);
	req->next = NULL;
	if (http.work_tail)
		http.work_tail->next = req;
	else
		http.work_head = req;
	http.work_tail = req;
	pthread_cond_signal(&http.cond);
	pthread_mutex_unlock(&http.lock);
	return 0;
}

static void done_drain(void)
{
	struct api_req *list, *req;

	pthread_mutex_lock(&http.lock);
	list = http.done;
	http.done = NULL;
	pthread_mutex_unlock(&http.lock);
	while ((req = list)) {
		list = req->next;
		req->next = NULL;
		req->pending = false;
		if (!req->wsi) {
			api_req_destroy(req);
			continue;
		}
		switch (reply_start(req)) {
		case -1:
			lws_set_timeout(req->wsi, PENDING_TIMEOUT_CLOSE_SEND, 1);
			break;
		case 1: /* all out: completed on HTTP_WRITEABLE */
			lws_callback_on_writable(req->wsi);
			break;
		}
	}
}

/* --- Static files ------------------------------------------------------- */

static const char *mime_of(const char *path)
{
	static const struct {
		const char *ext, *mime;
	} mv[] = {
		{".html", "text/html; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".json", "application/json"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".ico", "image/x-icon"},
		{".txt", "text/plain; charset=utf-8"},
	};
	const char *dot = strrchr(path, '.');
	size_t i;

	for (i = 0; dot && i < sizeof(mv) / sizeof(mv[0]); i++) {
		if (!strcmp(dot, mv[i].ext))
			return mv[i].mime;
	}
	return "application/octet-stream";
}

static void copy_hdr(struct lws *wsi, enum lws_token_indexes tok, char *buf,
		     size_t sz);

/* The supervisors' pages are served only to the roles holding, on
 * anyone's objects, the permission their data needs (api_perm.c): an
 * agent who opens one is sent to the desktop, anyone else without it to
 * the login page (the routes refuse the data anyway; this keeps the pages
 * and their links away from agents). */
static const struct {
	const char *uri;
	enum api_perm perm;
} page_rolev[] = {
	{"/wallboard.html", API_PERM_STATS_READ},
	{"/planning.html", API_PERM_WFM},
	{"/admin.html", API_PERM_CONFIG_READ},
};

/* Where to send the browser instead of uri, or NULL to serve it. May read
 * the sessions table (a token not in the cache). */
static const char *page_redirect(struct lws *wsi, const char *uri)
{
	const char *to = NULL;
	struct api_req *req;
	size_t i, n = sizeof(page_rolev) / sizeof(page_rolev[0]);

	for (i = 0; i < n && strcmp(uri, page_rolev[i].uri); i++)
		;
	if (i == n)
		return NULL;
	req = calloc(1, sizeof(*req));
	if (!req)
		return "/index.html";
	copy_hdr(wsi, WSI_TOKEN_HTTP_AUTHORIZATION, req->authz,
		 sizeof(req->authz));
	copy_hdr(wsi, WSI_TOKEN_HTTP_COOKIE, req->cookie, sizeof(req->cookie));
	if (api_auth_check(req))
		to = "/index.html";
	else if (api_perm_grant(req->role, page_rolev[i].perm) !=
		 API_GRANT_ANY)
		to = req->role == API_ROLE_AGENT ? "/agent.html" :
						   "/index.html";
	free(req);
	return to;
}

/* Serves a file under the web root; returns -1 to close, 0 otherwise. */
static int static_serve(struct lws *wsi, const char *uri)
{
	unsigned char hdr[LWS_PRE + 512], *p = hdr + LWS_PRE;
	char file[PATH_MAX + 600];
	const char *rel = uri, *to;
	struct stat st;
	int n;

	if (!*http.webroot || strstr(uri, "..") || strstr(uri, "//") ||
	    uri[0] != '/')
		goto notfound;
	to = page_redirect(wsi, uri);
	if (to) {
		if (lws_http_redirect(wsi, HTTP_STATUS_FOUND,
				      (const unsigned char *)to,
				      (int)strlen(to), &p, hdr + sizeof(hdr)) <
		    0)
			return -1;
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	}
	if (!strcmp(uri, "/"))
		rel = "/index.html";
	snprintf(file, sizeof(file), "%s%s", http.webroot, rel);
	if (stat(file, &st) || !S_ISREG(st.st_mode))
		goto notfound;
	n = lws_serve_http_file(wsi, file, mime_of(file), NULL, 0);
	if (n < 0 || (n > 0 && lws_http_transaction_completed(wsi)))
		return -1;
	return 0;
notfound:
	api_metrics_count(404);
	lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, "not found");
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/* --- The lws callback ---------------------------------------------------- */

static void copy_hdr(struct lws *wsi, enum lws_token_indexes tok, char *buf,
		     size_t sz)
{
	buf[0] = '\0';
	if (lws_hdr_total_length(wsi, tok) > 0)
		lws_hdr_copy(wsi, buf, (int)sz, tok);
}

static const char *method_of(struct lws *wsi)
{
	static const struct {
		enum lws_token_indexes tok;
		const char *name;
	} mv[] = {
		{WSI_TOKEN_GET_URI, "GET"},     {WSI_TOKEN_POST_URI, "POST"},
		{WSI_TOKEN_PUT_URI, "PUT"},     {WSI_TOKEN_PATCH_URI, "PATCH"},
		{WSI_TOKEN_DELETE_URI, "DELETE"},
		{WSI_TOKEN_OPTIONS_URI, "OPTIONS"},
		{WSI_TOKEN_HEAD_URI, "HEAD"},
	};
	size_t i;

	for (i = 0; i < sizeof(mv) / sizeof(mv[0]); i++) {
		if (lws_hdr_total_length(wsi, mv[i].tok) > 0)
			return mv[i].name;
	}
	return "";
}

/* Starts a request: returns -1 to close, 0 to go on. */
static int http_begin(struct lws *wsi, struct pss *pss, const char *uri)
{
	struct api_req *req;
	char clen[32], te[32], frag[512];
	const char *method = method_of(wsi);
	bool known;
	int i;

	if (strncmp(uri, "/api/", 5) && strcmp(uri, "/metrics")) {
		if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
			lws_return_http_status(wsi, 405, "method not allowed");
			return lws_http_transaction_completed(wsi) ? -1 : 0;
		}
		return static_serve(wsi, uri);
	}
	req = calloc(1, sizeof(*req));
	if (!req)
		return -1;
	req->wsi = wsi;
	req->t_start = cc_clock_ms();
	pss->req = req;
	snprintf(req->method, sizeof(req->method), "%s", method);
	if (strlen(uri) >= sizeof(req->path)) {
		req->close_after = true;
		api_reply_error(req, 414, "uri_too_long", NULL,
				"the path is too long");
		return reply_now(pss, wsi);
	}
	snprintf(req->path, sizeof(req->path), "%s", uri);
	copy_hdr(wsi, WSI_TOKEN_HTTP_AUTHORIZATION, req->authz,
		 sizeof(req->authz));
	copy_hdr(wsi, WSI_TOKEN_HTTP_COOKIE, req->cookie, sizeof(req->cookie));
	copy_hdr(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE, req->ctype_in,
		 sizeof(req->ctype_in));
	copy_hdr(wsi, WSI_TOKEN_HTTP_ACCEPT, req->accept, sizeof(req->accept));
	copy_hdr(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH, clen, sizeof(clen));
	copy_hdr(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING, te, sizeof(te));
	if (!pss->peer[0])
		lws_get_peer_simple(wsi, pss->peer, sizeof(pss->peer));
	memcpy(req->peer, pss->peer, sizeof(req->peer));
	for (i = 0; req->queryc < API_QUERY_MAX; i++) {
		int n = lws_hdr_copy_fragment(wsi, frag, sizeof(frag),
					      WSI_TOKEN_HTTP_URI_ARGS, i);

		if (n <= 0)
			break;
		req->queryv[req->queryc] = strdup(frag);
		if (req->queryv[req->queryc])
			req->queryc++;
	}
	req->content_length = clen[0] ? strtoull(clen, NULL, 10) : 0;

	req->route = route_find(req, &known);
	if (!req->route) {
		if (known)
			api_reply_error(req, 405, "method_not_allowed", NULL,
					"%s is not allowed on %s",
					req->method, req->path);
		else
			api_reply_error(req, 404, "not_found", NULL,
					"no route %s %s", req->method,
					req->path);
		if (req->content_length)
			req->close_after = true;
		return reply_now(pss, wsi);
	}
	if (te[0]) {
		req->close_after = true;
		api_reply_error(req, 411, "length_required", NULL,
				"send the body with a Content-Length");
		return reply_now(pss, wsi);
	}
	if (req->content_length > (req->route->flags & API_UPLOAD ?
				   API_UPLOAD_MAX : API_BODY_MAX)) {
		req->close_after = true;
		api_reply_error(req, 413, "body_too_large", NULL,
				"the body exceeds %u bytes",
				req->route->flags & API_UPLOAD ?
					API_UPLOAD_MAX : API_BODY_MAX);
		return reply_now(pss, wsi);
	}
	if (req->content_length) {
		req->body = malloc(req->content_length + 1);
		if (!req->body)
			return -1;
		return 0; /* wait for HTTP_BODY_COMPLETION */
	}
	return dispatch(pss);
}

static int cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
	      void *in, size_t len)
{
	struct pss *pss = user;

	switch (reason) {
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		done_drain();
		api_ws_wake();
		return 0;

	case LWS_CALLBACK_HTTP:
		if (pss->req) /* pipelined while busy: refuse */
			return -1;
		return http_begin(wsi, pss, (const char *)in);

	case LWS_CALLBACK_HTTP_BODY:
		if (!pss->req)
			return -1;
		if (!pss->req->body) /* refused already: discard */
			return 0;
		if (pss->req->body_len + len > pss->req->content_length)
			return -1;
		memcpy(pss->req->body + pss->req->body_len, in, len);
		pss->req->body_len += len;
		return 0;

	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (!pss->req || pss->req->pending || pss->req->replied)
			return 0;
		if (pss->req->body)
			pss->req->body[pss->req->body_len] = '\0';
		return dispatch(pss);

	case LWS_CALLBACK_HTTP_WRITEABLE:
		if (!pss->req || !pss->req->hdrs_sent)
			return 0;
		if (pss->req->all_sent)
			return reply_done(pss, wsi);
		if (reply_write(pss))
			return -1;
		if (!pss->req)
			return lws_http_transaction_completed(wsi) ? -1 : 0;
		return 0;

	case LWS_CALLBACK_HTTP_FILE_COMPLETION:
		return lws_http_transaction_completed(wsi) ? -1 : 0;

	case LWS_CALLBACK_CLOSED_HTTP:
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
		if (pss && pss->req) {
			if (pss->req->pending)
				pss->req->wsi = NULL;
			else
				api_req_destroy(pss->req);
			pss->req = NULL;
		}
		return 0;

	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
	case LWS_CALLBACK_ESTABLISHED:
	case LWS_CALLBACK_SERVER_WRITEABLE:
	case LWS_CALLBACK_RECEIVE:
	case LWS_CALLBACK_CLOSED:
	case LWS_CALLBACK_WSI_DESTROY:
		return api_ws_callback(wsi, (int)reason, user, in, len);

	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static const struct lws_protocols protocolv[] = {
	/* tx_packet_size: lws sends at most this much per send() and buffers
	 * the rest for the next POLLOUT; with the 4096 of rx_buffer_size a
	 * 27 KiB answer took seven passes through the loop. */
	{"http", cb, sizeof(struct pss), 4096, 0, NULL, REPLY_MAX},
	{NULL, NULL, 0, 0, 0, NULL, 0},
};

static void *http_main(void *arg)
{
	(void)arg;
	if (http.demo)
		api_auth_seed_demo();
	while (!http.stopping) {
		if (lws_service(http.ctx, 0) < 0)
			break;
	}
	return NULL;
}

static void lws_log(int level, const char *line)
{
	char buf[256];
	size_t n;

	snprintf(buf, sizeof(buf), "%s", line);
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	cc_log(level == LLL_ERR ? CC_LOG_ERROR : CC_LOG_WARN, "lws", "%s",
	       buf);
}

static void webroot_find(void)
{
	char exe[PATH_MAX], cand[PATH_MAX + 32], *slash;
	ssize_t n;
	struct stat st;

	if (!stat("web/index.html", &st) && realpath("web", http.webroot))
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return;
	*slash = '\0';
	snprintf(cand, sizeof(cand), "%s/../web/index.html", exe);
	if (!stat(cand, &st)) {
		snprintf(cand, sizeof(cand), "%s/../web", exe);
		if (!realpath(cand, http.webroot))
			http.webroot[0] = '\0';
	}
}

int api_init(const struct cc_config *cfg)
{
	struct lws_context_creation_info info;
	char host[64], addr[96];
	const char *colon;
	struct lws_vhost *vh;
	unsigned i;
	int port, err;

	memset(&http, 0, sizeof(http));
	pthread_mutex_init(&http.lock, NULL);
	pthread_cond_init(&http.cond, NULL);
	http.demo = cfg->demo;
	api_started_ms = (uint64_t)cc_wall_ms();
	webroot_find();
	if (!*http.webroot)
		cc_warn("api", "no web/ directory found: pages not served");

	if (cfg->http[0] == '[') {
		colon = strchr(cfg->http, ']');
		snprintf(host, sizeof(host), "%.*s",
			 (int)(colon - cfg->http - 1), cfg->http + 1);
		colon++;
	}
	else {
		colon = strrchr(cfg->http, ':');
		snprintf(host, sizeof(host), "%.*s",
			 (int)(colon - cfg->http), cfg->http);
	}
	port = atoi(colon + 1);

	api_session_ttl = cfg->session_ttl;
	err = api_auth_init();
	if (err)
		return err;
	err = api_db_init(cfg->data);
	if (err)
		return err;
	err = api_routes_check();
	if (err)
		return err;
	err = api_openapi_build();
	if (err)
		return err;
	err = api_ws_init();
	if (err)
		return err;

	lws_set_log_level(LLL_ERR | LLL_WARN, lws_log);
	memset(&info, 0, sizeof(info));
	info.port = port;
	info.iface = strcmp(host, "0.0.0.0") ? host : NULL;
	info.protocols = protocolv;
	info.server_string = "switchboard";
	info.max_http_header_data = 4096;
	info.max_http_header_pool = 1024;
	info.pt_serv_buf_size = 32768;
	info.timeout_secs = 20;
	info.keepalive_timeout = 60;
	info.options = LWS_SERVER_OPTION_DISABLE_IPV6 *
		       (strchr(host, ':') == NULL);
	http.ctx = lws_create_context(&info);
	if (!http.ctx) {
		cc_error("api", "cannot listen on %s", cfg->http);
		return EADDRINUSE;
	}
	vh = lws_get_vhost_by_name(http.ctx, "default");
	port = vh ? lws_get_vhost_listen_port(vh) : port;
	if (strchr(host, ':'))
		snprintf(addr, sizeof(addr), "[%s]:%d", host, port);
	else
		snprintf(addr, sizeof(addr), "%s:%d", host, port);
	cc_listen_report("http", addr);

	err = api_core_init();
	if (err)
		goto fail;
	for (i = 0; i < WORKERS; i++) {
		if (pthread_create(&http.workers[i], NULL, worker_main, NULL))
			break;
		http.nworkers++;
	}
	if (pthread_create(&http.thread, NULL, http_main, NULL)) {
		err = EAGAIN;
		goto fail;
	}
	http.thread_running = true;
	cc_info("api", "HTTP on %s, pages from %s", addr,
		*http.webroot ? http.webroot : "(none)");
	return 0;
fail:
	api_close();
	return err;
}

void api_stop(void)
{
	/* Pages show "server restarting" and reconnect (then resync). */
	api_event_publish("server.stopping", NULL, 0);
}

void api_close(void)
{
	unsigned i;

	http.stopping = true;
	if (http.thread_running) {
		lws_cancel_service(http.ctx);
		pthread_join(http.thread, NULL);
		http.thread_running = false;
	}
	pthread_mutex_lock(&http.lock);
	http.workers_stop = true;
	pthread_cond_broadcast(&http.cond);
	pthread_mutex_unlock(&http.lock);
	for (i = 0; i < http.nworkers; i++)
		pthread_join(http.workers[i], NULL);
	http.nworkers = 0;
	if (http.ctx) {
		lws_context_destroy(http.ctx);
		http.ctx = NULL;
	}
	/* Requests that came back after the loop stopped. */
	while (http.done) {
		struct api_req *req = http.done;

		http.done = req->next;
		api_req_destroy(req);
	}
	while (http.work_head) {
		struct api_req *req = http.work_head;

		http.work_head = req->next;
		api_req_destroy(req);
	}
	api_core_close();
	api_ws_close();
	api_openapi_close();
	api_db_close();
}
