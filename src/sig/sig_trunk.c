/*
 * sig_trunk.c: inbound trunks. A trunk (table trunks) is a carrier's peer
 * that delivers calls to the public numbers. It is recognised by the
 * address its requests come from (source_addr: "IP" or "IP:PORT"), or,
 * for a trunk with a username and no source address, by digest
 * credentials: a call whose From user is the trunk's username is
 * challenged (407) and must answer with the trunk's password (403 when it
 * does not).
 *
 * Recognising a trunk changes what the server believes, never where a call
 * may go: a trunk reaches the public numbers like anyone else. What it
 * changes: a trunk's P-Asserted-Identity (RFC 3325) is taken as the
 * caller's number, since a carrier asserts who called; from anyone else
 * the header is ignored, or any stranger could claim to be any customer.
 * The interaction records which trunk brought the call.
 *
 * The table is read at start (like the numbers and the outbound trunk).
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <re.h>
#include "core/cc.h"
#include "store/store.h"
#include "sig/sig.h"
#include "sig/sig_int.h"

enum { TRUNKS_MAX = 64 };

struct trunk {
	char name[64];
	struct sa src;  /* source address; port 0 = any port */
	bool has_src;
	char user[64];
	char pass[128];
};

static struct {
	struct trunk v[TRUNKS_MAX];
	size_t n;
} tr;

static int trunk_h(sqlite3_stmt *st, void *arg)
{
	const char *name = (const char *)sqlite3_column_text(st, 0);
	const char *src = (const char *)sqlite3_column_text(st, 1);
	const char *user = (const char *)sqlite3_column_text(st, 2);
	const char *pass = (const char *)sqlite3_column_text(st, 3);
	struct trunk *t;

	(void)arg;
	if (tr.n >= TRUNKS_MAX || !name)
		return 1;
	t = &tr.v[tr.n];
	memset(t, 0, sizeof(*t));
	str_ncpy(t->name, name, sizeof(t->name));
	if (src && *src) {
		if (sa_decode(&t->src, src, strlen(src)) &&
		    sa_set_str(&t->src, src, 0)) {
			cc_warn("sig", "trunk %s: source_addr '%s' is not an"
				" IP or IP:PORT: ignored", name, src);
			return 0;
		}
		t->has_src = true;
	}
	str_ncpy(t->user, user ? user : "", sizeof(t->user));
	str_ncpy(t->pass, pass ? pass : "", sizeof(t->pass));
	if (!t->has_src && (!t->user[0] || !t->pass[0]))
		return 0; /* neither way to recognise it: not inbound */
	tr.n++;
	return 0;
}

int sig_trunk_init(void)
{
	sqlite3 *db = store_main() ? store_reader(store_main()) : NULL;

	memset(&tr, 0, sizeof(tr));
	if (!db)
		return 0;
	(void)store_query(db, trunk_h, NULL,
			  "SELECT name, source_addr, username, password FROM"
			  " trunks ORDER BY id", "");
	for (size_t i = 0; i < tr.n; i++) {
		char a[64];

		if (tr.v[i].has_src) {
			(void)re_snprintf(a, sizeof(a), "%J", &tr.v[i].src);
			cc_info("sig", "inbound trunk %s from %s",
				tr.v[i].name, a);
		}
		else
			cc_info("sig", "inbound trunk %s by credentials of"
				" '%s'", tr.v[i].name, tr.v[i].user);
	}
	return 0;
}

static const struct trunk *by_source(const struct sa *src)
{
	for (size_t i = 0; i < tr.n; i++) {
		const struct trunk *t = &tr.v[i];

		if (!t->has_src || !sa_cmp(&t->src, src, SA_ADDR))
			continue;
		if (!sa_port(&t->src) || sa_port(&t->src) == sa_port(src))
			return t;
	}
	return NULL;
}

static const struct trunk *by_user(const char *user)
{
	for (size_t i = 0; i < tr.n; i++) {
		const struct trunk *t = &tr.v[i];

		if (!t->has_src && t->user[0] && !strcmp(t->user, user))
			return t;
	}
	return NULL;
}

static const char *trunk_password(const char *user)
{
	const struct trunk *t = by_user(user);

	return t ? t->pass : NULL;
}

int sig_trunk_identify(const struct sip_msg *msg, char *name, size_t sz)
{
	const struct trunk *t = by_source(&msg->src);
	char from[64], user[64];
	int err;

	name[0] = '\0';
	if (t) {
		str_ncpy(name, t->name, sz);
		return 0;
	}
	if (pl_strcpy(&msg->from.uri.user, from, sizeof(from)) ||
	    !by_user(from))
		return ENOENT;
	err = sig_auth_check(msg, true, user, sizeof(user), trunk_password);
	if (err == ENOENT || err == ETIMEDOUT) {
		sig_auth_challenge(msg, true, err == ETIMEDOUT);
		return EAGAIN;
	}
	if (err || strcmp(user, from)) {
		sig_count(SIG_ERR_AUTH_FAILED, 403);
		(void)sip_replyf(sig_sip(), msg, 403, "Forbidden",
				 "Warning: 399 switchboard \"wrong trunk"
				 " username or password\"\r\n"
				 "Content-Length: 0\r\n\r\n");
		return EACCES;
	}
	str_ncpy(name, by_user(user)->name, sz);
	return 0;
}

int sig_trunk_asserted(const struct sip_msg *msg, char *number, size_t sz)
{
	const struct sip_hdr *h = sip_msg_xhdr(msg, "P-Asserted-Identity");
	const char *p, *end;
	size_t n = 0;

	if (!h || !sz)
		return ENOENT;
	p = h->val.p;
	end = h->val.p + h->val.l;
	/* the first sip:, sips: or tel: URI of the header */
	while (p < end) {
		if (end - p > 4 && !strncasecmp(p, "sip:", 4)) {
			p += 4;
			break;
		}
		if (end - p > 5 && !strncasecmp(p, "sips:", 5)) {
			p += 5;
			break;
		}
		if (end - p > 4 && !strncasecmp(p, "tel:", 4)) {
			p += 4;
			break;
		}
		p++;
	}
	if (p >= end)
		return EBADMSG;
	if (*p == '+' && n + 1 < sz)
		number[n++] = *p++;
	while (p < end && *p >= '0' && *p <= '9' && n + 1 < sz)
		number[n++] = *p++;
	number[n] = '\0';
	/* a number, whole: digits up to the URI's end */
	if (n < 3 || (p < end && *p != '@' && *p != ';' && *p != '>')) {
		number[0] = '\0';
		return EBADMSG;
	}
	return 0;
}
