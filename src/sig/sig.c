/*
 * sig.c: the SIP stack of the server. Owns one libre `struct sip` with a
 * UDP and a TCP transport on the --sip address, libre's session socket
 * (sipsess: INVITE, ACK, BYE, INFO, REFER, CANCEL of calls) and one
 * request listener for what sipsess does not take: OPTIONS (keep-alive
 * pings from phones and trunks) is answered 200, REGISTER goes to the
 * registrar, anything else outside a dialog gets 405 with Allow.
 * Malformed messages never reach us: libre's parser drops them.
 *
 * A wildcard --sip (0.0.0.0, or [::] for both families) is bound as one
 * UDP and one TCP transport per address of every interface that is up,
 * all on one port: libre 1.1.0 refuses a wildcard transport (and would
 * then write 0.0.0.0 into Via). Replies leave from the address the
 * request came to; what we write into Contact, From and SDP toward a peer
 * is --public-addr when set, else the local address the kernel routes to
 * that peer from (sig_laddr_for). Requests we originate over UDP leave
 * from the first transport of the peer's family, the address of the
 * default route, which the kernel accepts toward any peer. Interfaces
 * that appear after start are not bound until a restart.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <stdarg.h>
#include <net/if.h>
#include <string.h>
#include <unistd.h>
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
	char laddr[64];      /* --sip as bound (reported as "sip") */
	char laddr_any[64];  /* what sig_laddr_str() gives */
	struct sa bind;      /* --sip with the port bound */
	struct sa public_ip; /* --public-addr, or unset */
	bool wildcard;
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
	return sig.laddr_any;
}

/* The local address the kernel would send from toward peer. */
static int route_source(struct sa *src, const struct sa *peer)
{
	struct sa tmp = *peer;
	int fd, err = 0;

	if (!sa_port(&tmp))
		sa_set_port(&tmp, SIP_PORT);
	fd = socket(sa_af(&tmp), SOCK_DGRAM, 0);
	if (fd < 0)
		return errno;
	sa_init(src, sa_af(&tmp));
	if (connect(fd, &tmp.u.sa, tmp.len) ||
	    getsockname(fd, &src->u.sa, &src->len))
		err = errno;
	(void)close(fd);
	return err;
}

int sig_laddr_for(struct sa *laddr, const struct sa *peer)
{
	uint16_t port = sa_port(&sig.bind);

	if (!laddr)
		return EINVAL;
	if (sa_isset(&sig.public_ip, SA_ADDR))
		*laddr = sig.public_ip;
	else if (!sig.wildcard)
		*laddr = sig.bind;
	else if ((!peer || !sa_isset(peer, SA_ADDR) ||
		  route_source(laddr, peer)) &&
		 sip_transp_laddr(sig.sip, laddr, SIP_TRANSP_UDP, peer))
		*laddr = sig.bind; /* no transport of the peer's family */
	sa_set_port(laddr, port);
	return 0;
}

const char *sig_contact(const struct sa *peer, int tp)
{
	static char buf[128];
	struct sa la;

	(void)sig_laddr_for(&la, peer);
	(void)re_snprintf(buf, sizeof(buf), "sip:switchboard@%J%s", &la,
			  sip_transp_param(tp));
	return buf;
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

int sig_replyf(const struct sip_msg *msg, uint16_t scode,
	       const char *reason, const char *fmt, ...)
{
	char *hdrs = NULL;
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = re_vsdprintf(&hdrs, fmt, ap);
	va_end(ap);
	if (!err)
		err = sip_treplyf(NULL, NULL, sig.sip, msg, false, scode,
				  reason, "%s", hdrs);
	mem_deref(hdrs);
	return err;
}

int sig_reply(const struct sip_msg *msg, uint16_t scode, const char *reason)
{
	return sig_replyf(msg, scode, reason, "Content-Length: 0\r\n\r\n");
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
		(void)sig_replyf(msg, 200, "OK",
				 "Allow: %s\r\n"
				 "Accept: application/sdp\r\n"
				 "Content-Length: 0\r\n\r\n", sig_allow);
		return true;
	}
	if (!pl_strcmp(&msg->met, "ACK"))
		return true;
	if (sig.stopping) {
		sig_count(SIG_ERR_UNAVAILABLE, 503);
		(void)sig_reply(msg, 503, "Service Unavailable");
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
		(void)sig_reply(msg, 481,
				"Call/Transaction Does Not Exist");
		return true;
	}
	sig_count(SIG_ERR_METHOD, 405);
	(void)sig_replyf(msg, 405, "Method Not Allowed",
			 "Allow: %s\r\nContent-Length: 0\r\n\r\n", sig_allow);
	return true;
}

/* The addresses a wildcard stands for: those of the interfaces that
 * are up, IPv4 (and IPv6 for [::], as the kernel's dual-stack wildcard
 * does), without IPv6 link-local ones (they need a scope). The address
 * of the default route comes first in its family: requests we originate
 * leave from the first transport of the peer's family. */
static int wildcard_addrs(struct sa *av, size_t max, size_t *np,
			  bool v6)
{
	struct ifaddrs *ifa, *i;
	struct sa def[2];
	size_t n = 0;

	if (getifaddrs(&ifa))
		return errno;
	if (net_default_source_addr_get(AF_INET, &def[0]))
		sa_init(&def[0], AF_UNSPEC);
	if (!v6 || net_default_source_addr_get(AF_INET6, &def[1]))
		sa_init(&def[1], AF_UNSPEC);
	for (int pass = 0; pass < 2; pass++) {
		for (i = ifa; i && n < max; i = i->ifa_next) {
			struct sa a;
			bool isdef;

			if (!i->ifa_addr || !(i->ifa_flags & IFF_UP))
				continue;
			if (i->ifa_addr->sa_family != AF_INET &&
			    (!v6 || i->ifa_addr->sa_family != AF_INET6))
				continue;
			if (sa_set_sa(&a, i->ifa_addr) || sa_is_linklocal(&a))
				continue;
			isdef = sa_cmp(&a, &def[0], SA_ADDR) ||
				sa_cmp(&a, &def[1], SA_ADDR);
			if (isdef != !pass)
				continue;
			av[n++] = a;
		}
	}
	freeifaddrs(ifa);
	*np = n;
	return n ? 0 : EADDRNOTAVAIL;
}

/* UDP then TCP on each of av[0..n) at one port. With port 0 the kernel
 * picks the first UDP port, and another process may hold it on another
 * address or for TCP: then everything is dropped and another port is
 * tried (a few times). */
static int transports_add(struct sa *av, size_t *np, uint16_t port,
			  const char *what)
{
	size_t n = *np;
	char ip[64];
	size_t i = 0;
	int err = 0;

	for (int tries = 0; tries < (port ? 1 : 20); tries++) {
		uint16_t p = port;

		sip_transp_flush(sig.sip);
		for (i = 0; i < n; i++) {
			struct sa la = av[i], bound;

			sa_set_port(&la, p);
			err = sip_transp_add(sig.sip, SIP_TRANSP_UDP, &la);
			if (err == EADDRNOTAVAIL && sig.wildcard && n > 1) {
				/* An address not usable yet (IPv6 duplicate
				 * address detection): the others serve. */
				(void)re_snprintf(ip, sizeof(ip), "%j", &la);
				cc_warn("sig", "not listening on %s: %s", ip,
					strerror(err));
				memmove(&av[i], &av[i + 1],
					(n - i - 1) * sizeof(*av));
				*np = --n;
				i--;
				err = 0;
				continue;
			}
			if (!err && !p) {
				err = sip_transp_laddr(sig.sip, &bound,
						       SIP_TRANSP_UDP, &la);
				p = sa_port(&bound);
				sa_set_port(&la, p);
			}
			if (!err)
				err = sip_transp_add(sig.sip, SIP_TRANSP_TCP,
						     &la);
			if (err)
				break;
		}
		if (!err) {
			sa_set_port(&sig.bind, p);
			return 0;
		}
		if (port || err != EADDRINUSE)
			break;
	}
	(void)re_snprintf(ip, sizeof(ip), "%j", &av[i < n ? i : 0]);
	cc_error("sig", "cannot bind UDP and TCP on %s port %u (--sip %s):"
		 " %s", ip, port, what, strerror(err));
	return err;
}

static int listen_start(const struct cc_config *cfg)
{
	struct sa av[32], def;
	size_t n = 1;
	int err;

	sa_init(&sig.public_ip, AF_UNSPEC);
	if (cfg->public_addr[0] &&
	    sa_set_str(&sig.public_ip, cfg->public_addr, 0)) {
		cc_error("sig", "--public-addr %s is not an IP address",
			 cfg->public_addr);
		return EINVAL;
	}
	sig.wildcard = sa_is_any(&sig.bind);
	av[0] = sig.bind;
	if (sig.wildcard) {
		err = wildcard_addrs(av, ARRAY_SIZE(av), &n,
				     sa_af(&sig.bind) == AF_INET6);
		if (err) {
			cc_error("sig", "no address to listen on for %s: %s",
				 cfg->sip, strerror(err));
			return err;
		}
	}
	err = transports_add(av, &n, sa_port(&sig.bind), cfg->sip);
	if (err)
		return err;
	re_snprintf(sig.laddr, sizeof(sig.laddr), "%J", &sig.bind);
	(void)sig_laddr_for(&def, NULL);
	re_snprintf(sig.laddr_any, sizeof(sig.laddr_any), "%J", &def);
	for (size_t i = 0; sig.wildcard && i < n; i++) {
		char ip[64];

		(void)re_snprintf(ip, sizeof(ip), "%j", &av[i]);
		cc_info("sig", "listening on %s port %u (UDP, TCP)", ip,
			sa_port(&sig.bind));
	}
	return 0;
}

int sig_init(const struct cc_config *cfg)
{
	int err;

	err = sa_decode(&sig.bind, cfg->sip, strlen(cfg->sip));
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
	err = listen_start(cfg);
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
	err = sig_reg_init(cfg);
	if (err)
		goto out;
	err = sig_call_init(cfg);
	if (err)
		goto out;
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
