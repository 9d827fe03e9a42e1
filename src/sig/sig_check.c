/*
 * sig_check.c: what libre's parser lets through but a careful server must
 * refuse (RFC 3261 and the RFC 4475 torture tests). Every request passes
 * here before anything else handles it; a bad one is answered with the
 * right status and a Warning naming the problem, and goes no further:
 *
 *   400  a required header missing or repeated, CSeq method not the
 *        request's, scalar values out of range (CSeq, Max-Forwards,
 *        Expires, Content-Length), an unbalanced quote or non-token
 *        display name, spaces inside <addr-spec>, a URI with '?' headers
 *        outside <>, headers escaped into the Request-URI, a Date that
 *        is not GMT
 *   416  a Request-URI scheme other than sip/sips
 *   420  Require / Proxy-Require options we do not support
 *   415  an INVITE body that is not SDP;  406  an INVITE whose Accept
 *        excludes SDP
 * ACKs are never answered: a bad one is dropped.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <re.h>
#include "core/cc.h"
#include "sig/sig.h"
#include "sig/sig_int.h"

struct verdict {
	uint16_t scode;
	const char *reason;
	char why[160];
	char extra[160]; /* additional header lines */
};

static bool fail(struct verdict *v, uint16_t scode, const char *reason,
		 const char *fmt, const char *arg)
{
	v->scode = scode;
	v->reason = reason;
	(void)snprintf(v->why, sizeof(v->why), fmt, arg);
	return false;
}

static bool all_digits(const struct pl *pl, size_t maxlen)
{
	if (!pl_isset(pl) || pl->l > maxlen)
		return false;
	for (size_t i = 0; i < pl->l; i++)
		if (!isdigit((unsigned char)pl->p[i]))
			return false;
	return true;
}

static bool is_token_char(char c)
{
	return isalnum((unsigned char)c) || strchr("-.!%*_+`'~", c);
}

/* A name-addr or addr-spec header value (From, To, Contact). */
static bool addr_ok(const struct pl *val, struct verdict *v,
		    const char *name)
{
	size_t i = 0, n = val->l;
	const char *p = val->p;
	bool quoted = false, angle = false;

	if (n == 1 && p[0] == '*')
		return true; /* Contact: * */
	/* Display name: a quoted string or tokens. */
	for (; i < n; i++) {
		if (p[i] == '"') {
			quoted = !quoted;
			continue;
		}
		if (quoted) {
			if (p[i] == '\\' && i + 1 < n)
				i++;
			continue;
		}
		if (p[i] == '<') {
			angle = true;
			break;
		}
		if (p[i] == ';' || p[i] == ':')
			break; /* an addr-spec: no display name */
		if (!is_token_char(p[i]) && p[i] != ' ' && p[i] != '\t')
			return fail(v, 400, "Bad Request",
				    "%s: display name with characters that"
				    " need quotes", name);
	}
	if (quoted)
		return fail(v, 400, "Bad Request",
			    "%s: unterminated quoted string", name);
	if (angle) {
		size_t j = i + 1;

		for (; j < n && p[j] != '>'; j++)
			if (p[j] == ' ' || p[j] == '\t')
				return fail(v, 400, "Bad Request",
					    "%s: spaces inside <addr-spec>",
					    name);
		if (j == n)
			return fail(v, 400, "Bad Request", "%s: missing '>'",
				    name);
		return true;
	}
	/* addr-spec without <>: '?' and ',' cannot appear in it. */
	for (i = 0; i < n && p[i] != ';'; i++)
		if (p[i] == '?' || p[i] == ',')
			return fail(v, 400, "Bad Request",
				    "%s: a URI with '%s' must be enclosed"
				    " in <>", name);
	return true;
}

struct addr_walk {
	struct verdict *v;
	const char *name;
	bool ok;
};

static bool addr_hdr_h(const struct sip_hdr *hdr, const struct sip_msg *msg,
		       void *arg)
{
	struct addr_walk *w = arg;

	(void)msg;
	if (!addr_ok(&hdr->val, w->v, w->name)) {
		w->ok = false;
		return true;
	}
	return false;
}

static bool require_h(const struct sip_hdr *hdr, const struct sip_msg *msg,
		      void *arg)
{
	struct verdict *v = arg;
	size_t used = strlen(v->extra);

	(void)msg;
	if (!used)
		used = (size_t)snprintf(v->extra, sizeof(v->extra),
					"Unsupported: %.*s", (int)hdr->val.l,
					hdr->val.p);
	else if (used < sizeof(v->extra))
		(void)snprintf(v->extra + used, sizeof(v->extra) - used,
			       ", %.*s", (int)hdr->val.l, hdr->val.p);
	return false;
}

static bool pl_has(const struct pl *pl, const char *s)
{
	return memmem(pl->p, pl->l, s, strlen(s)) != NULL;
}

static bool content_ok(const struct sip_msg *msg, struct verdict *v)
{
	const struct sip_hdr *h;

	if (pl_strcmp(&msg->met, "INVITE"))
		return true;
	if (mbuf_get_left(msg->mb) && pl_isset(&msg->ctyp.type) &&
	    !msg_ctype_cmp(&msg->ctyp, "application", "sdp")) {
		(void)snprintf(v->extra, sizeof(v->extra),
			       "Accept: application/sdp");
		return fail(v, 415, "Unsupported Media Type",
			    "%s", "only application/sdp bodies");
	}
	h = sip_msg_hdr(msg, SIP_HDR_ACCEPT);
	if (h && !pl_has(&h->val, "application/sdp") &&
	    !pl_has(&h->val, "application/*") && !pl_has(&h->val, "*/*")) {
		(void)snprintf(v->extra, sizeof(v->extra),
			       "Accept: application/sdp");
		return fail(v, 406, "Not Acceptable", "%s",
			    "we answer with application/sdp only");
	}
	return true;
}

/* True when the request may be handled; else v says why not. */
static bool request_ok(const struct sip_msg *msg, struct verdict *v)
{
	static const struct {
		enum sip_hdrid id;
		const char *name;
		bool required;
	} once[] = {
		{SIP_HDR_FROM, "From", true},
		{SIP_HDR_TO, "To", true},
		{SIP_HDR_CALL_ID, "Call-ID", true},
		{SIP_HDR_CSEQ, "CSeq", true},
		{SIP_HDR_MAX_FORWARDS, "Max-Forwards", false},
		{SIP_HDR_CONTENT_LENGTH, "Content-Length", false},
		{SIP_HDR_CONTENT_TYPE, "Content-Type", false},
		{SIP_HDR_EXPIRES, "Expires", false},
	};
	const struct sip_hdr *h;
	struct addr_walk w = {.v = v, .ok = true};

	if (!sip_msg_hdr(msg, SIP_HDR_VIA))
		return fail(v, 400, "Bad Request", "%s", "no Via header");
	for (size_t i = 0; i < ARRAY_SIZE(once); i++) {
		uint32_t n = sip_msg_hdr_count(msg, once[i].id);

		if (!n && once[i].required)
			return fail(v, 400, "Bad Request", "missing %s header",
				    once[i].name);
		if (n > 1)
			return fail(v, 400, "Bad Request", "more than one %s",
				    once[i].name);
	}
	h = sip_msg_hdr(msg, SIP_HDR_CSEQ);
	{
		struct pl num, met;

		if (re_regex(h->val.p, h->val.l, "[0-9]+[ \t\r\n]+[^ \t\r\n]+", &num,
			     NULL, &met) ||
		    !all_digits(&num, 10) || pl_u64(&num) > 2147483647u)
			return fail(v, 400, "Bad Request", "%s",
				    "CSeq number out of range");
		if (pl_cmp(&met, &msg->met))
			return fail(v, 400, "Bad Request", "%s",
				    "CSeq method differs from the request's");
	}
	h = sip_msg_hdr(msg, SIP_HDR_MAX_FORWARDS);
	if (h && (!all_digits(&h->val, 9) || pl_u32(&h->val) > 255))
		return fail(v, 400, "Bad Request", "%s",
			    "Max-Forwards out of range");
	h = sip_msg_hdr(msg, SIP_HDR_EXPIRES);
	if (h && (!all_digits(&h->val, 10) || pl_u64(&h->val) > 4294967295u))
		return fail(v, 400, "Bad Request", "%s",
			    "Expires out of range");
	h = sip_msg_hdr(msg, SIP_HDR_CONTENT_LENGTH);
	if (h && !all_digits(&h->val, 9))
		return fail(v, 400, "Bad Request", "%s",
			    "Content-Length is not a number");
	h = sip_msg_hdr(msg, SIP_HDR_DATE);
	if (h && (h->val.l < 3 || memcmp(h->val.p + h->val.l - 3, "GMT", 3)))
		return fail(v, 400, "Bad Request", "%s",
			    "Date must be in GMT");
	if (pl_strcasecmp(&msg->uri.scheme, "sip") &&
	    pl_strcasecmp(&msg->uri.scheme, "sips"))
		return fail(v, 416, "Unsupported URI Scheme", "%s",
			    "only sip: and sips: URIs");
	if (pl_isset(&msg->uri.headers))
		return fail(v, 400, "Bad Request", "%s",
			    "headers in the Request-URI");
	w.name = "From";
	(void)sip_msg_hdr_apply(msg, true, SIP_HDR_FROM, addr_hdr_h, &w);
	w.name = "To";
	if (w.ok)
		(void)sip_msg_hdr_apply(msg, true, SIP_HDR_TO, addr_hdr_h, &w);
	w.name = "Contact";
	if (w.ok)
		(void)sip_msg_hdr_apply(msg, true, SIP_HDR_CONTACT,
					addr_hdr_h, &w);
	if (!w.ok)
		return false;
	if (pl_strcmp(&msg->met, "CANCEL") &&
	    (sip_msg_hdr(msg, SIP_HDR_REQUIRE) ||
	     sip_msg_hdr(msg, SIP_HDR_PROXY_REQUIRE))) {
		(void)sip_msg_hdr_apply(msg, true, SIP_HDR_REQUIRE, require_h,
					v);
		(void)sip_msg_hdr_apply(msg, true, SIP_HDR_PROXY_REQUIRE,
					require_h, v);
		return fail(v, 420, "Bad Extension", "%s",
			    "no SIP extension is supported");
	}
	return content_ok(msg, v);
}

/* The first request listener: true when the request was refused. */
bool sig_check_request(const struct sip_msg *msg)
{
	struct verdict v = {0};

	if (request_ok(msg, &v) || !v.scode)
		return false;
	cc_info("sig", "refused %.*s from %s: %u %s", (int)msg->met.l,
		msg->met.p, sig_sa_str(&msg->src), v.scode, v.why);
	sig_count(v.scode == 416 ? SIG_ERR_URI_SCHEME :
		  v.scode == 420 ? SIG_ERR_EXTENSION :
		  v.scode == 415 || v.scode == 406 ? SIG_ERR_MEDIA_TYPE :
						     SIG_ERR_MALFORMED,
		  pl_strcmp(&msg->met, "ACK") ? v.scode : 0);
	if (!pl_strcmp(&msg->met, "ACK"))
		return true;
	(void)sig_replyf(msg, v.scode, v.reason,
			 "Warning: 399 switchboard \"%s\"\r\n"
			 "%s%s"
			 "Content-Length: 0\r\n\r\n",
			 v.why, v.extra, v.extra[0] ? "\r\n" : "");
	return true;
}
