/*
 * sig.c: the SIP stack of the server. Owns one libre `struct sip` with a
 * UDP and a TCP transport on the --sip address and one request listener
 * for out-of-dialog requests. libre's sipsess handles only
 * INVITE/ACK/BYE/INFO/REFER, so OPTIONS (keep-alive pings from phones and
 * trunks) is answered here. Malformed messages never reach us: libre's
 * parser drops them.
 */
#include <errno.h>
#include <string.h>
#include <re.h>
#include "sig/sig.h"

#define SIG_ALLOW "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, REFER, REGISTER"

static struct {
	struct sip *sip;
	struct sip_lsnr *lsnr;
	bool stopping;
} sig;

static bool request_handler(const struct sip_msg *msg, void *arg)
{
	(void)arg;

	if (!pl_strcmp(&msg->met, "OPTIONS")) {
		(void)sip_replyf(sig.sip, msg, 200, "OK",
				 "Allow: " SIG_ALLOW "\r\n"
				 "Accept: application/sdp\r\n"
				 "Content-Length: 0\r\n\r\n");
		return true;
	}
	if (!pl_strcmp(&msg->met, "ACK"))
		return true;
	if (sig.stopping) {
		(void)sip_reply(sig.sip, msg, 503, "Service Unavailable");
		return true;
	}
	(void)sip_replyf(sig.sip, msg, 501, "Not Implemented",
			 "Allow: " SIG_ALLOW "\r\n"
			 "Content-Length: 0\r\n\r\n");
	return true;
}

int sig_init(const struct cc_config *cfg)
{
	struct sa laddr, bound;
	char buf[128];
	int err;

	err = sa_decode(&laddr, cfg->sip, strlen(cfg->sip));
	if (err) {
		cc_error("sig", "bad --sip address '%s'", cfg->sip);
		return EINVAL;
	}
	err = sip_alloc(&sig.sip, NULL, 32, 32, 32, "switchboard", NULL,
			NULL);
	if (err)
		goto out;
	err = sip_transp_add(sig.sip, SIP_TRANSP_UDP, &laddr);
	if (err) {
		cc_error("sig", "cannot bind UDP %s: %s", cfg->sip, strerror(err));
		goto out;
	}
	err = sip_transp_laddr(sig.sip, &bound, SIP_TRANSP_UDP, &laddr);
	if (err)
		goto out;
	sa_set_port(&laddr, sa_port(&bound));
	err = sip_transp_add(sig.sip, SIP_TRANSP_TCP, &laddr);
	if (err) {
		cc_error("sig", "cannot bind TCP on the UDP port of %s: %s", cfg->sip, strerror(err));
		goto out;
	}
	err = sip_listen(&sig.lsnr, sig.sip, true, request_handler, NULL);
	if (err)
		goto out;
	re_snprintf(buf, sizeof(buf), "%J", &laddr);
	cc_listen_report("sip", buf);
out:
	if (err)
		sig_close();
	return err;
}

void sig_stop(void)
{
	sig.stopping = true;
}

void sig_close(void)
{
	sig.lsnr = mem_deref(sig.lsnr);
	if (sig.sip)
		sip_close(sig.sip, true);
	sig.sip = mem_deref(sig.sip);
	sig.stopping = false;
}
