/*
 * sig_timer.c: SIP session timers (RFC 4028), the way a dead leg is found
 * when RTP alone cannot tell (a leg on hold sends none, a NAT that lost
 * its binding drops the BYE too). The server is always the refresher: it
 * answers a caller's INVITE that supports timers with refresher=uas and
 * offers refresher=uac on the INVITEs it sends to agents' phones, then
 * sends a re-INVITE (the same SDP) every half interval. A refresh that
 * fails (408, 481, no answer: libre then ends the session) ends the leg,
 * and the call treats it as a lost leg (an agent's is a dropout). When a
 * phone insists on refreshing itself (its 2xx says refresher=uas), the
 * server waits for its refreshes instead and ends the leg when none came
 * by the interval minus min(32 s, a third of it).
 *
 * Only what sig_call.c asks is here: parsing, the headers, and when the
 * next step is due (times in, decisions out).
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <re.h>
#include "core/cc.h"
#include "sig/sig.h"
#include "sig/sig_int.h"

static struct {
	uint32_t se;     /* the interval we ask for, s; 0: no timers */
	uint32_t min_se; /* the shortest we accept, s */
	char offer[160]; /* headers of our INVITEs */
} st;

void sig_stimer_init(const struct cc_config *cfg)
{
	st.se = cfg->session_expires;
	st.min_se = cfg->min_se;
	if (st.se && st.se < st.min_se)
		st.se = st.min_se;
	if (st.se)
		(void)re_snprintf(st.offer, sizeof(st.offer),
				  "Supported: timer\r\n"
				  "Session-Expires: %u;refresher=uac\r\n"
				  "Min-SE: %u\r\n", st.se, st.min_se);
	else
		st.offer[0] = '\0';
}

const char *sig_stimer_offer_hdrs(void)
{
	return st.offer;
}

/* The value of Session-Expires (or its compact form x) and whether it
 * names refresher=uas; false when absent or not a number. */
static bool se_parse(const struct sip_msg *msg, uint32_t *sep, bool *uasp)
{
	const struct sip_hdr *h = sip_msg_xhdr(msg, "Session-Expires");
	struct pl v, r;

	if (!h)
		h = sip_msg_xhdr(msg, "x");
	if (!h || re_regex(h->val.p, h->val.l, "[0-9]+", &v))
		return false;
	*sep = pl_u32(&v);
	*uasp = !re_regex(h->val.p, h->val.l, "refresher=[a-z]+", &r) &&
		!pl_strcasecmp(&r, "uas");
	return *sep > 0;
}

static bool supports_timer(const struct sip_msg *msg)
{
	const struct sip_hdr *h = sip_msg_xhdr(msg, "Supported");

	if (!h)
		h = sip_msg_xhdr(msg, "k");
	return h && !re_regex(h->val.p, h->val.l, "timer");
}

int sig_stimer_uas(struct sig_stimer *t, const struct sip_msg *msg,
		   uint64_t now, char *hdrs, size_t sz)
{
	uint32_t se = 0;
	bool uas = false, asked = se_parse(msg, &se, &uas);
	bool sup = supports_timer(msg);

	memset(t, 0, sizeof(*t));
	hdrs[0] = '\0';
	if (!st.se || (!asked && !sup))
		return 0; /* no timers on this leg */
	if (asked && se < st.min_se)
		return EPROTO; /* 422 with our Min-SE */
	if (!asked || se > st.se)
		se = st.se; /* we may lower it, never below Min-SE */
	/* Without Supported: timer the caller cannot refresh, but it need
	 * not: we do. It is told the interval all the same (RFC 4028 9). */
	t->se_ms = se * 1000u;
	t->refresher = true;
	t->last = now;
	(void)re_snprintf(hdrs, sz, "Session-Expires: %u;refresher=uas\r\n%s",
			  se, sup ? "Require: timer\r\n" : "");
	return 0;
}

uint32_t sig_stimer_min_se(void)
{
	return st.min_se;
}

void sig_stimer_uac_answered(struct sig_stimer *t, const struct sip_msg *msg,
			     uint64_t now)
{
	uint32_t se = 0;
	bool uas = false;

	memset(t, 0, sizeof(*t));
	if (!st.se || !se_parse(msg, &se, &uas))
		return; /* the phone does not do timers: RTP tells */
	if (se < st.min_se)
		se = st.min_se;
	t->se_ms = se * 1000u;
	t->refresher = !uas;
	t->last = now;
}

void sig_stimer_refreshed(struct sig_stimer *t, uint64_t now)
{
	if (t->se_ms)
		t->last = now;
}

enum sig_stimer_due sig_stimer_due(struct sig_stimer *t, uint64_t now)
{
	uint64_t grace;

	if (!t->se_ms || now < t->last)
		return SIG_STIMER_NONE;
	if (t->refresher) {
		if (now - t->last < t->se_ms / 2)
			return SIG_STIMER_NONE;
		t->last = now; /* the next one in half an interval again */
		return SIG_STIMER_REFRESH;
	}
	grace = t->se_ms / 3 < 32000 ? t->se_ms / 3 : 32000;
	if (now - t->last < t->se_ms - grace)
		return SIG_STIMER_NONE;
	t->se_ms = 0; /* reported once */
	return SIG_STIMER_EXPIRED;
}

bool sig_stimer_refresh_failed(const struct sip_msg *msg)
{
	return msg && !msg->req && (msg->scode == 408 || msg->scode == 481);
}
