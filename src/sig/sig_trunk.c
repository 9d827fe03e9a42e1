/*
 * sig_trunk.c: the trunks (table trunks), inbound and outbound, and the
 * dial-out policy applied to them. Loaded at start and reloaded whole
 * when the trunks API changes the table (sig_trunk_reload, main loop):
 * the next call and the next dial see the new table, calls in progress
 * keep what they were set up with.
 *
 * Inbound: a trunk is a carrier's peer that delivers calls to the public
 * numbers. It is recognised by the address its requests come from
 * (source_addr: "IP" or "IP:PORT"), or, for a trunk with a username and
 * no source address, by digest credentials: a call whose From user is
 * the trunk's username is challenged (407) and must answer with the
 * trunk's password (403 when it does not).
 *
 * Recognising a trunk changes what the server believes, never where a call
 * may go: a trunk reaches the public numbers like anyone else. What it
 * changes: the P-Asserted-Identity (RFC 3325) of a trunk marked trusted is
 * taken as the caller's number, since that carrier asserts who called;
 * from anyone else the header is ignored, or any stranger could claim to
 * be any customer and have the center call that number back. The
 * interaction records which trunk brought the call.
 *
 * Outbound: trunks with outbound = 1 and an outbound_addr, in id order.
 * Every dial goes through sig_trunk_dial_decide (dial_route over their
 * allow/deny prefixes): the first trunk that allows the number carries
 * the call. The table sits behind a mutex only for that function, which
 * the API threads call too (to say why a dial was denied); everything
 * else runs on the main loop, the only writer.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>
#include <re.h>
#include "core/cc.h"
#include "crm/crm.h"
#include "dial/dial.h"
#include "store/store.h"
#include "sig/sig.h"
#include "sig/sig_int.h"

enum { TRUNKS_MAX = 64 };

struct trunk {
	char name[64];
	struct sa src;  /* source address; port 0 = any port */
	bool has_src;
	bool inbound;   /* recognisable: a source or credentials */
	bool trusted;
	char user[64];
	char pass[128];
	struct sig_trunk_out out; /* out.addr[0]: outbound */
	char allowv[DIAL_PREFIXES_MAX][DIAL_PREFIX_MAX];
	char denyv[DIAL_PREFIXES_MAX][DIAL_PREFIX_MAX];
	const char *allowp[DIAL_PREFIXES_MAX];
	const char *denyp[DIAL_PREFIXES_MAX];
	size_t allowc, denyc;
};

struct table {
	struct trunk v[TRUNKS_MAX];
	size_t n;
	struct dial_trunk dv[TRUNKS_MAX]; /* the outbound ones, in order */
	size_t outv[TRUNKS_MAX];          /* their index in v */
	size_t outc;
};

static struct {
	pthread_mutex_t lock;
	struct table *t;        /* written on the main loop under lock */
	const struct crm_country *country;
} tr = {PTHREAD_MUTEX_INITIALIZER, NULL, NULL};

/* "a b c" into v; prefixes the API did not check are skipped. */
static size_t prefixes_split(char v[][DIAL_PREFIX_MAX], const char **p,
			     const char *text, const char *trunk)
{
	size_t n = 0;

	while (text && *text && n < DIAL_PREFIXES_MAX) {
		size_t len = strcspn(text, " ,\t");

		if (len && len < DIAL_PREFIX_MAX) {
			memcpy(v[n], text, len);
			v[n][len] = '\0';
			if (dial_prefix_ok(v[n])) {
				p[n] = v[n];
				n++;
			}
			else
				cc_warn("sig", "trunk %s: prefix '%s' ignored",
					trunk, v[n]);
		}
		text += len;
		text += strspn(text, " ,\t");
	}
	return n;
}

static const char *col(sqlite3_stmt *st, int i)
{
	const char *v = (const char *)sqlite3_column_text(st, i);

	return v ? v : "";
}

static int trunk_h(sqlite3_stmt *st, void *arg)
{
	struct table *tb = arg;
	const char *name = col(st, 0), *src = col(st, 1);
	struct trunk *t;

	if (tb->n >= TRUNKS_MAX || !*name)
		return 1;
	t = &tb->v[tb->n];
	memset(t, 0, sizeof(*t));
	str_ncpy(t->name, name, sizeof(t->name));
	if (*src) {
		if (sa_decode(&t->src, src, strlen(src)) &&
		    sa_set_str(&t->src, src, 0))
			cc_warn("sig", "trunk %s: source_addr '%s' is not an"
				" IP or IP:PORT: ignored", name, src);
		else
			t->has_src = true;
	}
	str_ncpy(t->user, col(st, 2), sizeof(t->user));
	str_ncpy(t->pass, col(st, 3), sizeof(t->pass));
	t->inbound = t->has_src || (t->user[0] && t->pass[0]);
	t->trusted = sqlite3_column_int(st, 7) != 0;
	if (sqlite3_column_int(st, 4) && *col(st, 5)) {
		str_ncpy(t->out.name, t->name, sizeof(t->out.name));
		str_ncpy(t->out.addr, col(st, 5), sizeof(t->out.addr));
		str_ncpy(t->out.user, t->user, sizeof(t->out.user));
		str_ncpy(t->out.pass, t->pass, sizeof(t->out.pass));
		str_ncpy(t->out.caller_id, col(st, 6),
			 sizeof(t->out.caller_id));
	}
	t->allowc = prefixes_split(t->allowv, t->allowp, col(st, 8), name);
	t->denyc = prefixes_split(t->denyv, t->denyp, col(st, 9), name);
	if (!t->inbound && !t->out.addr[0])
		return 0; /* neither inbound nor outbound: unused */
	tb->n++;
	return 0;
}

static void table_log(const struct table *tb)
{
	for (size_t i = 0; i < tb->n; i++) {
		const struct trunk *t = &tb->v[i];
		char a[64];

		if (t->has_src) {
			(void)re_snprintf(a, sizeof(a), "%J", &t->src);
			cc_info("sig", "inbound trunk %s from %s%s", t->name,
				a, t->trusted ? " (trusted)" : "");
		}
		else if (t->inbound)
			cc_info("sig", "inbound trunk %s by credentials of"
				" '%s'%s", t->name, t->user,
				t->trusted ? " (trusted)" : "");
		if (t->out.addr[0])
			cc_info("sig", "outbound calls through trunk %s (%s):"
				" %zu allow, %zu deny prefixes", t->name,
				t->out.addr, t->allowc, t->denyc);
	}
}

int sig_trunk_reload(void)
{
	sqlite3 *db = store_main() ? store_reader(store_main()) : NULL;
	struct table *tb = mem_zalloc(sizeof(*tb), NULL), *old;
	int err = 0;

	if (!tb)
		return ENOMEM;
	if (db)
		err = store_query(db, trunk_h, tb,
				  "SELECT name, source_addr, username,"
				  " password, outbound, outbound_addr,"
				  " caller_id, trusted, allow, deny FROM trunks"
				  " ORDER BY id", "");
	if (err) {
		cc_error("sig", "trunks: %s (the table in use stays)",
			 strerror(err));
		mem_deref(tb);
		return err;
	}
	for (size_t i = 0; i < tb->n; i++) {
		struct trunk *t = &tb->v[i];
		struct dial_trunk *d = &tb->dv[tb->outc];

		if (!t->out.addr[0])
			continue;
		d->name = t->name;
		d->allow = t->allowp;
		d->allowc = t->allowc;
		d->deny = t->denyp;
		d->denyc = t->denyc;
		tb->outv[tb->outc++] = i;
	}
	table_log(tb);
	pthread_mutex_lock(&tr.lock);
	old = tr.t;
	tr.t = tb;
	pthread_mutex_unlock(&tr.lock);
	mem_deref(old);
	return 0;
}

int sig_trunk_init(const char *country)
{
	tr.country = country ? crm_country_find(country) : NULL;
	return sig_trunk_reload();
}

void sig_trunk_close(void)
{
	pthread_mutex_lock(&tr.lock);
	tr.t = mem_deref(tr.t);
	pthread_mutex_unlock(&tr.lock);
}

static const struct trunk *by_source(const struct sa *src)
{
	for (size_t i = 0; tr.t && i < tr.t->n; i++) {
		const struct trunk *t = &tr.t->v[i];

		if (!t->has_src || !sa_cmp(&t->src, src, SA_ADDR))
			continue;
		if (!sa_port(&t->src) || sa_port(&t->src) == sa_port(src))
			return t;
	}
	return NULL;
}

static const struct trunk *by_user(const char *user)
{
	for (size_t i = 0; tr.t && i < tr.t->n; i++) {
		const struct trunk *t = &tr.t->v[i];

		if (!t->has_src && t->inbound && !strcmp(t->user, user))
			return t;
	}
	return NULL;
}

static const struct trunk *by_name(const char *name)
{
	for (size_t i = 0; tr.t && name && i < tr.t->n; i++)
		if (!strcmp(tr.t->v[i].name, name))
			return &tr.t->v[i];
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

bool sig_trunk_trusted(const char *name)
{
	const struct trunk *t = by_name(name);

	return t && t->trusted;
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

bool sig_out_available(void)
{
	return tr.t && tr.t->outc;
}

int sig_trunk_dial_decide(struct dial_decision *d, const char *number,
			  enum dial_purpose purpose, enum dial_origin origin,
			  struct sig_trunk_out *out)
{
	int err;

	pthread_mutex_lock(&tr.lock);
	err = dial_route(d, number, purpose, origin, tr.t ? tr.t->dv : NULL,
			 tr.t ? tr.t->outc : 0, tr.country);
	if (!err && d->allowed && out)
		*out = tr.t->v[tr.t->outv[d->trunk]].out;
	pthread_mutex_unlock(&tr.lock);
	return err;
}
