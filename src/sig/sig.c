/*
 * sig.c: the SIP stack of the server. Owns one libre `struct sip` with a
 * UDP and a TCP transport on the --sip address, libre's session socket
 * (sipsess: INVITE, ACK, BYE, INFO, REFER, CANCEL of calls) and one
 * request listener for what sipsess does not take: OPTIONS (keep-alive
 * pings from phones and trunks) is answered 200, REGISTER goes to the
 * registrar, anything else outside a dialog gets 405 with Allow.
 * Malformed messages never reach us: libre's parser drops them.
 */
#include <errno.h>
#include <string.h>
#include <re.h>
#include "core/cc.h"
#include "sig/sig.h"
#include "sig/sig_int.h"

const char sig_allow[] =
	"INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, REFER, REGISTER";

static struct sig_counters counters;

static const char *const error_namev[SIG_ERR_KINDS] = {
	[SIG_ERR_MALFORMED] = "malformed",
	[SIG_ERR_URI_SCHEME] = "uri_scheme",
	[SIG_ERR_EXTENSION] = "extension",
	[SIG_ERR_MEDIA_TYPE] = "media_type",
	[SIG_ERR_AUTH_CHALLENGE] = "auth_challenge",
	[SIG_ERR_AUTH_FAILED] = "auth_failed",
	[SIG_ERR_REGISTER] = "register_refused",
	[SIG_ERR_NOT_FOUND] = "not_found",
	[SIG_ERR_METHOD] = "method_not_allowed",
	[SIG_ERR_NO_DIALOG] = "no_dialog",
	[SIG_ERR_SDP] = "sdp",
	[SIG_ERR_UNAVAILABLE] = "unavailable",
	[SIG_ERR_IN_DIALOG] = "in_dialog_refused",
	[SIG_ERR_INTERNAL] = "internal",
};

void sig_count(unsigned kind, uint16_t scode)
{
	if (kind < SIG_ERR_KINDS)
		counters.kind[kind]++;
	if (scode / 100 >= 4 && scode / 100 <= 6)
		counters.class[scode / 100]++;
}

void sig_counters_get(struct sig_counters *c)
{
	*c = counters;
}

const char *sig_error_name(enum sig_error kind)
{
	return (unsigned)kind < SIG_ERR_KINDS ? error_namev[kind] : "?";
}

static struct {
	struct sip *sip;
	struct sip_lsnr *lsnr;
	struct sip_lsnr *check;
	struct sipsess_sock *sock;
	char laddr[64];
	bool stopping;
} sig;

struct sip *sig_sip(void)
{
	return sig.sip;
}

struct sipsess_sock *sig_sess_sock(void)
{
	return sig.sock;
}

const char *sig_laddr_str(void)
{
	return sig.laddr;
}

const char *sig_sa_str(const struct sa *sa)
{
	static char buf[64];

	(void)re_snprintf(buf, sizeof(buf), "%J", sa);
	return buf;
}

bool sig_stopping(void)
{
	return sig.stopping;
}

static bool check_handler(const struct sip_msg *msg, void *arg)
{
	(void)arg;
	return sig_check_request(msg);
}

static bool request_handler(const struct sip_msg *msg, void *arg)
{
	(void)arg;

	if (!pl_strcmp(&msg->met, "OPTIONS")) {
		(void)sip_replyf(sig.sip, msg, 200, "OK",
				 "Allow: %s\r\n"
				 "Accept: application/sdp\r\n"
				 "Content-Length: 0\r\n\r\n", sig_allow);
		return true;
	}
	if (!pl_strcmp(&msg->met, "ACK"))
		return true;
	if (sig.stopping) {
		sig_count(SIG_ERR_UNAVAILABLE, 503);
		(void)sip_reply(sig.sip, msg, 503, "Service Unavailable");
		return true;
	}
	if (!pl_strcmp(&msg->met, "REGISTER")) {
		sig_reg_handle(msg);
		return true;
	}
	if (!pl_strcmp(&msg->met, "BYE") || !pl_strcmp(&msg->met, "INFO") ||
	    !pl_strcmp(&msg->met, "REFER") ||
	    !pl_strcmp(&msg->met, "NOTIFY")) {
		/* In-dialog methods that no dialog of ours matched. */
		sig_count(SIG_ERR_NO_DIALOG, 481);
		(void)sip_reply(sig.sip, msg, 481,
				"Call/Transaction Does Not Exist");
		return true;
	}
	sig_count(SIG_ERR_METHOD, 405);
	(void)sip_replyf(sig.sip, msg, 405, "Method Not Allowed",
			 "Allow: %s\r\nContent-Length: 0\r\n\r\n", sig_allow);
	return true;
}

/*
 * UDP and TCP on one port. With port 0 the kernel picks the UDP port, and
 * another process may hold the same TCP port: then both are dropped and
 * another UDP port is tried (a few times).
 */
static int transports_add(struct sa *laddr, const char *what)
{
	bool any = sa_port(laddr) == 0;
	struct sa bound;
	int err = 0;

	for (int tries = 0; tries < (any ? 20 : 1); tries++) {
		if (tries) {
			sip_transp_flush(sig.sip);
			sa_set_port(laddr, 0);
		}
		err = sip_transp_add(sig.sip, SIP_TRANSP_UDP, laddr);
		if (err) {
			cc_error("sig", "cannot bind UDP %s: %s", what,
				 strerror(err));
			return err;
		}
		err = sip_transp_laddr(sig.sip, &bound, SIP_TRANSP_UDP,
				       laddr);
		if (err)
			return err;
		sa_set_port(laddr, sa_port(&bound));
		err = sip_transp_add(sig.sip, SIP_TRANSP_TCP, laddr);
		if (!err)
			return 0;
	}
	cc_error("sig", "cannot bind TCP on the UDP port of %s: %s", what,
		 strerror(err));
	return err;
}

int sig_init(const struct cc_config *cfg)
{
	struct sa laddr;
	int err;

	err = sa_decode(&laddr, cfg->sip, strlen(cfg->sip));
	if (err) {
		cc_error("sig", "bad --sip address '%s'", cfg->sip);
		return EINVAL;
	}
	err = sig_auth_init();
	if (err)
		return err;
	err = sip_alloc(&sig.sip, NULL, 4096, 4096, 4096, "switchboard",
			NULL, NULL);
	if (err)
		goto out;
	err = transports_add(&laddr, cfg->sip);
	if (err)
		goto out;
	/* The check comes first: listeners see requests in order. */
	err = sip_listen(&sig.check, sig.sip, true, check_handler, NULL);
	if (err)
		goto out;
	err = sipsess_listen(&sig.sock, sig.sip, 4096, sig_call_incoming,
			     NULL);
	if (err)
		goto out;
	err = sip_listen(&sig.lsnr, sig.sip, true, request_handler, NULL);
	if (err)
		goto out;
	err = sig_reg_init();
	if (err)
		goto out;
	err = sig_call_init(cfg);
	if (err)
		goto out;
	re_snprintf(sig.laddr, sizeof(sig.laddr), "%J", &laddr);
	cc_listen_report("sip", sig.laddr);
out:
	if (err)
		sig_close();
	return err;
}

void sig_stop(void)
{
	sig.stopping = true;
	sig_call_stop();
}

void sig_close(void)
{
	sig_call_close();
	sig_reg_close();
	sig.sock = mem_deref(sig.sock);
	sig.lsnr = mem_deref(sig.lsnr);
	sig.check = mem_deref(sig.check);
	if (sig.sip)
		sip_close(sig.sip, true);
	sig.sip = mem_deref(sig.sip);
	sig.stopping = false;
}
