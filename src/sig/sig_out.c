/*
 * sig_out.c: calls out to numbers outside the center through a trunk,
 * the one dialer. Every way the server places such a call comes here with
 * its purpose and where the number came from: an agent taking a callback
 * task, an agent's blind transfer or consult to a number, a flow's
 * transfer node that says "external": true. The dial-out policy (src/dial,
 * over the trunks' allow/deny prefixes: sig_trunk_dial_decide) decides
 * first; a denied dial sends nothing to any trunk and returns EACCES with
 * the reason for the caller to record.
 *
 * The INVITE goes to sip:NUMBER@outbound_addr of the chosen trunk, with
 * its username and password answering its digest challenge.
 */
#include <errno.h>
#include <string.h>
#include <re.h>
#include "core/cc.h"
#include "sig/sig.h"
#include "sig/sig_int.h"

struct auth {
	char user[64];
	char pass[128];
};

static int auth_h(char **user, char **pass, const char *realm, void *arg)
{
	const struct auth *a = arg;
	int err;

	(void)realm;
	if (!a->user[0])
		return EAUTH;
	err = str_dup(user, a->user);
	if (!err)
		err = str_dup(pass, a->pass);
	return err;
}

bool sig_out_number_ok(const char *number)
{
	return dial_number_ok(number);
}

int sig_call_dial_out(struct sipsess **sessp, struct dial_decision *d,
		      const char *number, enum dial_purpose purpose,
		      enum dial_origin origin, const char *from_number,
		      struct mbuf *sdp, const struct sig_out_handlers *h,
		      void *arg, const char *hdrs)
{
	struct sig_trunk_out out;
	char to_uri[192], from_uri[192];
	struct auth *auth;
	const char *from;
	int err;

	if (!sessp || !h || !sdp || !d)
		return EINVAL;
	err = sig_trunk_dial_decide(d, number, purpose, origin, &out);
	if (err == ENOENT)
		return ENOENT;
	if (err)
		return EINVAL;
	if (!d->allowed) {
		cc_warn("sig", "dial %s (%s, %s): %s", number,
			dial_purpose_name(purpose), dial_origin_name(origin),
			d->reason);
		return EACCES;
	}
	/* the session's auth handler keeps this until the session goes */
	auth = mem_zalloc(sizeof(*auth), NULL);
	if (!auth)
		return ENOMEM;
	str_ncpy(auth->user, out.user, sizeof(auth->user));
	str_ncpy(auth->pass, out.pass, sizeof(auth->pass));
	from = out.caller_id[0] ? out.caller_id :
	       from_number && *from_number ? from_number : "switchboard";
	(void)re_snprintf(to_uri, sizeof(to_uri), "sip:%s@%s", number,
			  out.addr);
	(void)re_snprintf(from_uri, sizeof(from_uri), "sip:%s@%s", from,
			  sig_laddr_str());
	cc_info("sig", "dialling %s through trunk %s (%s, %s: %s)", number,
		out.name, dial_purpose_name(purpose),
		dial_origin_name(origin), d->reason);
	err = sipsess_connect(sessp, sig_sess_sock(), to_uri, from, from_uri,
			      "switchboard", NULL, 0, "application/sdp", sdp,
			      auth_h, auth, true, h->offer, h->answer,
			      h->progr, h->estab, h->info, h->refer, h->close,
			      arg, "%s", hdrs ? hdrs : "");
	mem_deref(auth);
	return err;
}
