/*
 * The event channel /api/v1/events: a ring buffer of the last RING events,
 * each with a sequence number, fed from any thread by api_event_publish();
 * WebSocket clients on the HTTP thread, each remembering the last number it
 * was sent; and the per-second figures for wallboards, sent to every client
 * whenever a newer set exists (not sequenced: only the latest matters) to
 * the channels that take them (staff by default, agents with ?stats=1).
 *
 * A client's life (HTTP thread only):
 *
 *   FILTER (token + Origin checked, wsc allocated) -> ESTABLISHED (hello)
 *   -> WRITEABLE* (hello, resync?, events in order, figures) -> CLOSED
 *
 * Resume: the client connects with ?since=N&epoch=E, where E is the epoch
 * from the hello message (the server's start time: numbers restart with
 * the process). If every event after N is still in the ring it gets them
 * all, in order; if not (or the epoch differs) it gets {"type":"resync"}
 * and should reload its state over REST.
 *
 * Agent-targeted events (agent != 0) go only to that agent's channels.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <libwebsockets.h>
#include "core/cc.h"
#include "api_int.h"

enum { RING = 8192 };

struct event {
	uint64_t seq;
	int64_t agent;
	char *text;
	size_t len;
};

struct wsc {
	struct lws *wsi;
	struct wsc *next;
	int64_t agent;
	int64_t account;
	enum api_role role;
	char token_hash[65];
	int64_t expires;     /* ms; the channel closes then */
	uint64_t last_seq;   /* last event sent or skipped */
	uint64_t stats_gen;  /* figures generation sent */
	bool hello_sent;
	bool resync;
	bool established;
	bool stats;          /* sent the per-second figures */
};

static struct {
	pthread_mutex_t lock;
	struct event ring[RING];
	uint64_t head;      /* last sequence number given */
	char *stats;        /* latest figures message */
	size_t stats_len;
	json_t *stats_json; /* latest figures */
	char *stats_data;   /* the same as text */
	struct api_buf *stats_buf; /* stats_data, shared with replies */
	uint64_t stats_gen;
	struct wsc *clients; /* HTTP thread only */
	unsigned nclients;
	unsigned auth_gen;   /* sessions rechecked at this generation */
	int64_t next_expiry_check;
	bool inited;
} ws;

int api_ws_init(void)
{
	memset(&ws, 0, sizeof(ws));
	pthread_mutex_init(&ws.lock, NULL);
	ws.inited = true;
	return 0;
}

void api_ws_close(void)
{
	size_t i;

	if (!ws.inited)
		return;
	for (i = 0; i < RING; i++)
		free(ws.ring[i].text);
	free(ws.stats);
	free(ws.stats_data);
	api_buf_unref(ws.stats_buf);
	ws.stats_buf = NULL;
	json_decref(ws.stats_json);
	while (ws.clients) {
		struct wsc *c = ws.clients;

		ws.clients = c->next;
		free(c);
	}
	pthread_mutex_destroy(&ws.lock);
	memset(&ws, 0, sizeof(ws));
}

uint64_t api_ws_seq(void)
{
	uint64_t s;

	pthread_mutex_lock(&ws.lock);
	s = ws.head;
	pthread_mutex_unlock(&ws.lock);
	return s;
}

uint64_t api_event_publish(const char *type, json_t *data, int64_t agent)
{
	json_t *ev;
	char *text;
	uint64_t seq;
	struct event *e;

	if (!ws.inited || !type) {
		json_decref(data);
		return 0;
	}
	pthread_mutex_lock(&ws.lock);
	seq = ws.head + 1;
	ev = json_pack("{s:I,s:s,s:I,s:o?}", "seq", (json_int_t)seq, "type",
		       type, "at", (json_int_t)cc_wall_ms(), "data", data);
	if (ev && agent)
		json_object_set_new(ev, "agent", json_integer(agent));
	text = ev ? json_dumps(ev, JSON_COMPACT) : NULL;
	json_decref(ev);
	if (!text) {
		pthread_mutex_unlock(&ws.lock);
		return 0;
	}
	e = &ws.ring[seq % RING];
	free(e->text);
	e->seq = seq;
	e->agent = agent;
	e->text = text;
	e->len = strlen(text);
	ws.head = seq;
	pthread_mutex_unlock(&ws.lock);
	api_http_wake();
	return seq;
}

void api_ws_stats_set(json_t *stats)
{
	json_t *msg = json_pack("{s:s,s:I,s:O}", "type", "stats", "at",
				(json_int_t)cc_wall_ms(), "data", stats);
	char *text = msg ? json_dumps(msg, JSON_COMPACT) : NULL, *data;

	json_decref(msg);
	if (!text) {
		json_decref(stats);
		return;
	}
	data = json_dumps(stats, JSON_COMPACT);
	pthread_mutex_lock(&ws.lock);
	free(ws.stats);
	free(ws.stats_data);
	api_buf_unref(ws.stats_buf);
	ws.stats_buf = data ? api_buf_alloc(data, strlen(data)) : NULL;
	ws.stats_data = data;
	ws.stats = text;
	ws.stats_len = strlen(text);
	json_decref(ws.stats_json);
	ws.stats_json = stats;
	ws.stats_gen++;
	pthread_mutex_unlock(&ws.lock);
	api_http_wake();
}

json_t *api_ws_stats_json(void)
{
	json_t *j;

	pthread_mutex_lock(&ws.lock);
	j = ws.stats_json ? json_deep_copy(ws.stats_json) : NULL;
	pthread_mutex_unlock(&ws.lock);
	return j;
}

char *api_ws_stats_text(void)
{
	char *t = NULL;

	pthread_mutex_lock(&ws.lock);
	if (ws.stats_data)
		t = strdup(ws.stats_data);
	pthread_mutex_unlock(&ws.lock);
	return t;
}

struct api_buf *api_ws_stats_buf(void)
{
	struct api_buf *b;

	pthread_mutex_lock(&ws.lock);
	b = api_buf_ref(ws.stats_buf);
	pthread_mutex_unlock(&ws.lock);
	return b;
}

unsigned api_event_clients(void)
{
	return ws.nclients;
}

static bool client_pending(const struct wsc *c)
{
	return !c->hello_sent || c->resync || c->last_seq < ws.head ||
	       (c->stats && c->stats_gen < ws.stats_gen);
}

/* Closes channels whose session was revoked or expired (HTTP thread). */
static void sessions_recheck(void)
{
	unsigned gen = api_auth_gen();
	int64_t now = cc_wall_ms();
	bool all = gen != ws.auth_gen;
	struct wsc *c;

	if (!all && now < ws.next_expiry_check)
		return;
	ws.auth_gen = gen;
	ws.next_expiry_check = now + 1000;
	for (c = ws.clients; c; c = c->next) {
		if (!c->established)
			continue;
		if (c->expires <= now ||
		    (all && !api_auth_session_valid(c->token_hash))) {
			c->established = false;
			lws_set_timeout(c->wsi, PENDING_TIMEOUT_CLOSE_SEND,
					LWS_TO_KILL_ASYNC);
		}
	}
}

void api_ws_wake(void)
{
	struct wsc *c;

	sessions_recheck();
	pthread_mutex_lock(&ws.lock);
	for (c = ws.clients; c; c = c->next) {
		if (c->established && client_pending(c))
			lws_callback_on_writable(c->wsi);
	}
	pthread_mutex_unlock(&ws.lock);
}

static bool origin_ok(struct lws *wsi)
{
	char origin[256], host[256], want[300];

	if (lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN) <= 0)
		return true; /* not a browser: the token is what counts */
	lws_hdr_copy(wsi, origin, sizeof(origin), WSI_TOKEN_ORIGIN);
	if (lws_hdr_total_length(wsi, WSI_TOKEN_HOST) <= 0)
		return false;
	lws_hdr_copy(wsi, host, sizeof(host), WSI_TOKEN_HOST);
	snprintf(want, sizeof(want), "http://%s", host);
	if (!strcmp(origin, want))
		return true;
	snprintf(want, sizeof(want), "https://%s", host);
	return !strcmp(origin, want);
}

static int client_filter(struct lws *wsi)
{
	struct api_req *req = NULL;
	char uri[128], token[160], arg[200];
	const char *v;
	struct wsc *c;
	int err = -1;

	uri[0] = '\0';
	if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) > 0)
		lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI);
	if (strcmp(uri, "/api/v1/events"))
		return -1;
	if (!origin_ok(wsi)) {
		cc_warn("api", "event channel refused: foreign Origin");
		return -1;
	}
	req = calloc(1, sizeof(*req));
	if (!req)
		return -1;
	token[0] = '\0';
	/* lws copies "name=value" and points at the value. */
	v = lws_get_urlarg_by_name(wsi, "token=", arg, sizeof(arg));
	if (v && strlen(v) < sizeof(token))
		memmove(token, v, strlen(v) + 1);
	else {
		if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_AUTHORIZATION) >
		    0)
			lws_hdr_copy(wsi, req->authz, sizeof(req->authz),
				     WSI_TOKEN_HTTP_AUTHORIZATION);
		if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_COOKIE) > 0)
			lws_hdr_copy(wsi, req->cookie, sizeof(req->cookie),
				     WSI_TOKEN_HTTP_COOKIE);
		if (!api_auth_token_get(token, sizeof(token), req->authz,
					req->cookie))
			goto out;
	}
	if (api_auth_token_lookup(req, token))
		goto out;
	c = calloc(1, sizeof(*c));
	if (!c)
		goto out;
	c->wsi = wsi;
	c->agent = req->agent;
	c->account = req->account;
	c->role = req->role;
	memcpy(c->token_hash, req->token_hash, sizeof(c->token_hash));
	c->expires = api_auth_session_expires(req->token_hash);
	/* The per-second figures (tens of KiB with many agents) go to
	 * wallboards, not to agents' desktops, unless asked: ?stats=0|1. */
	c->stats = req->role != API_ROLE_AGENT;
	v = lws_get_urlarg_by_name(wsi, "stats=", arg, sizeof(arg));
	if (v)
		c->stats = !strcmp(v, "1");
	pthread_mutex_lock(&ws.lock);
	c->last_seq = ws.head;
	v = lws_get_urlarg_by_name(wsi, "since=", arg, sizeof(arg));
	if (v) {
		uint64_t since = strtoull(v, NULL, 10);
		char ep[200];
		uint64_t epoch = 0;

		v = lws_get_urlarg_by_name(wsi, "epoch=", ep, sizeof(ep));
		if (v)
			epoch = strtoull(v, NULL, 10);
		if (epoch != api_started_ms || since > ws.head ||
		    (ws.head > RING && since < ws.head - RING))
			c->resync = true;
		else
			c->last_seq = since;
	}
	c->next = ws.clients;
	ws.clients = c;
	ws.nclients++;
	pthread_mutex_unlock(&ws.lock);
	lws_set_opaque_user_data(wsi, c);
	err = 0;
out:
	if (err)
		cc_info("api", "event channel refused: no valid token");
	api_req_destroy(req);
	return err;
}

static void client_remove(struct wsc *c)
{
	struct wsc **pp;

	pthread_mutex_lock(&ws.lock);
	for (pp = &ws.clients; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			ws.nclients--;
			break;
		}
	}
	pthread_mutex_unlock(&ws.lock);
	free(c);
}

/* Picks the next message for c (copy, with LWS_PRE room), or NULL. */
static uint8_t *client_next(struct wsc *c, size_t *lenp)
{
	const char *text = NULL;
	char tmp[200];
	size_t len = 0;
	uint8_t *buf;

	pthread_mutex_lock(&ws.lock);
	if (!c->hello_sent) {
		snprintf(tmp, sizeof(tmp),
			 "{\"type\":\"hello\",\"seq\":%llu,\"epoch\":%llu,"
			 "\"agent\":%lld,\"role\":\"%s\"}",
			 (unsigned long long)c->last_seq,
			 (unsigned long long)api_started_ms,
			 (long long)c->agent, api_role_name(c->role));
		c->hello_sent = true;
		text = tmp;
	}
	else if (c->resync) {
		snprintf(tmp, sizeof(tmp),
			 "{\"type\":\"resync\",\"seq\":%llu,\"epoch\":%llu}",
			 (unsigned long long)ws.head,
			 (unsigned long long)api_started_ms);
		c->last_seq = ws.head;
		c->resync = false;
		text = tmp;
	}
	else {
		while (c->last_seq < ws.head) {
			struct event *e = &ws.ring[(c->last_seq + 1) % RING];

			c->last_seq++;
			if (e->agent && e->agent != c->agent)
				continue;
			text = e->text;
			break;
		}
		if (!text && c->stats && c->stats_gen < ws.stats_gen &&
		    ws.stats) {
			text = ws.stats;
			c->stats_gen = ws.stats_gen;
		}
	}
	if (text) {
		len = strlen(text);
		buf = malloc(LWS_PRE + len);
		if (buf)
			memcpy(buf + LWS_PRE, text, len);
	}
	else
		buf = NULL;
	pthread_mutex_unlock(&ws.lock);
	*lenp = len;
	return buf;
}

int api_ws_callback(struct lws *wsi, int reason, void *user, void *in,
		    size_t len)
{
	struct wsc *c = lws_get_opaque_user_data(wsi);
	uint8_t *buf;
	size_t n;
	bool more;

	(void)user;
	(void)in;
	(void)len;
	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		return client_filter(wsi);
	case LWS_CALLBACK_ESTABLISHED:
		if (!c)
			return -1;
		c->established = true;
		lws_callback_on_writable(wsi);
		return 0;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		if (!c)
			return -1;
		buf = client_next(c, &n);
		if (!buf)
			return 0;
		if (lws_write(wsi, buf + LWS_PRE, n, LWS_WRITE_TEXT) < (int)n) {
			free(buf);
			return -1;
		}
		free(buf);
		pthread_mutex_lock(&ws.lock);
		more = client_pending(c);
		pthread_mutex_unlock(&ws.lock);
		if (more)
			lws_callback_on_writable(wsi);
		return 0;
	case LWS_CALLBACK_RECEIVE:
		return 0; /* the channel is one-way; pings are lws's */
	case LWS_CALLBACK_CLOSED:
	case LWS_CALLBACK_WSI_DESTROY:
		if (c) {
			lws_set_opaque_user_data(wsi, NULL);
			client_remove(c);
		}
		return 0;
	}
	return 0;
}
