/*
 * sig_reg.c: the registrar for agents' phones. A REGISTER to sip:EXT@...
 * must carry digest credentials for the agent with that extension (its
 * SIP password); each Contact becomes a binding with its expiry (default
 * 3600 s, at least 60, at most 3600), up to SIG_BINDINGS_MAX per agent so
 * that a desk phone and a softphone can both ring. When the Contact's IP
 * is not the one the REGISTER came from (the phone is behind home NAT),
 * we reach the binding at the source address and transport instead (the
 * rport rule of RFC 3581 applied to registration); over TCP always
 * through the connection the phone opened. One timer sweeps expired bindings every second; the
 * center hears each change of an agent's device count.
 */
#include <errno.h>
#include <string.h>
#include <re.h>
#include "core/cc.h"
#include "core/center.h"
#include "sig/sig.h"
#include "sig/sig_int.h"

enum {
	SIG_BINDINGS_MAX = 8,
	SIG_EXPIRES_DEFAULT = 3600,
	SIG_EXPIRES_MIN = 60,
	SIG_EXPIRES_MAX = 3600,
};

struct binding {
	struct le le;
	uint32_t agent;
	char contact[256];    /* as registered (identity of the binding) */
	struct sig_binding b; /* how we reach it */
};

static struct {
	struct list bindings;
	struct tmr sweep;
} reg;

const char *sig_reg_password(const char *ext)
{
	const struct cc_agent_info *a = cc_agent_by_ext(ext);

	return a ? a->sip_password : NULL;
}

static unsigned count_of(uint32_t agent)
{
	unsigned n = 0;

	for (struct le *le = reg.bindings.head; le; le = le->next)
		n += ((struct binding *)le->data)->agent == agent;
	return n;
}

unsigned sig_reg_bindings(uint32_t agent, struct sig_binding *bv,
			  unsigned max)
{
	unsigned n = 0;

	for (struct le *le = reg.bindings.head; le && n < max; le = le->next) {
		struct binding *b = le->data;

		if (b->agent == agent)
			bv[n++] = b->b;
	}
	return n;
}

unsigned sig_agent_devices(uint32_t agent, struct sig_device *dv,
			   unsigned max)
{
	uint64_t now = cc_clock_ms();
	unsigned n = 0;

	for (struct le *le = reg.bindings.head; le; le = le->next) {
		const struct binding *b = le->data;

		if (b->agent != agent)
			continue;
		if (n < max) {
			str_ncpy(dv[n].uri, b->b.uri, sizeof(dv[n].uri));
			dv[n].expires_s = b->b.expires > now ?
						  (uint32_t)((b->b.expires -
							      now) / 1000) :
						  0;
		}
		n++;
	}
	return n;
}

static struct binding *binding_find(uint32_t agent, const char *contact)
{
	for (struct le *le = reg.bindings.head; le; le = le->next) {
		struct binding *b = le->data;

		if (b->agent == agent && !strcmp(b->contact, contact))
			return b;
	}
	return NULL;
}

static void sweep_h(void *arg)
{
	uint64_t now = cc_clock_ms();
	struct le *le = reg.bindings.head;

	(void)arg;
	while (le) {
		struct binding *b = le->data;

		le = le->next;
		if (b->b.expires > now)
			continue;
		cc_info("sig", "agent %u: registration %s expired", b->agent,
			b->contact);
		list_unlink(&b->le);
		cc_agent_devices(b->agent, count_of(b->agent));
		mem_deref(b);
	}
	tmr_start(&reg.sweep, 1000, sweep_h, NULL);
}

int sig_reg_init(void)
{
	list_init(&reg.bindings);
	tmr_init(&reg.sweep);
	tmr_start(&reg.sweep, 1000, sweep_h, NULL);
	return 0;
}

void sig_reg_close(void)
{
	tmr_cancel(&reg.sweep);
	list_flush(&reg.bindings);
}

struct reg_ctx {
	const struct sip_msg *msg;
	uint32_t agent;
	const char *ext;
	bool star;
	int err;          /* EINVAL bad contact, ERANGE too brief */
	unsigned adds;    /* new bindings the request asks for */
	unsigned changes;
};

static uint32_t expires_of(const struct sip_msg *msg,
			   const struct sip_addr *addr)
{
	struct pl val;

	if (!msg_param_decode(&addr->params, "expires", &val))
		return pl_u32(&val);
	if (pl_isset(&msg->expires))
		return pl_u32(&msg->expires);
	return SIG_EXPIRES_DEFAULT;
}

/* First pass: validate every Contact before changing anything. */
static bool contact_check_h(const struct sip_hdr *hdr,
			    const struct sip_msg *msg, void *arg)
{
	struct reg_ctx *c = arg;
	struct sip_addr addr;
	uint32_t exp;

	if (!pl_strcmp(&hdr->val, "*")) {
		c->star = true;
		return false;
	}
	if (sip_addr_decode(&addr, &hdr->val) || addr.auri.l >= 256) {
		c->err = EINVAL;
		return true;
	}
	exp = expires_of(msg, &addr);
	if (exp && exp < SIG_EXPIRES_MIN) {
		c->err = ERANGE;
		return true;
	}
	if (exp) {
		char contact[256];

		(void)pl_strcpy(&addr.auri, contact, sizeof(contact));
		c->adds += !binding_find(c->agent, contact);
	}
	return false;
}

static bool contact_apply_h(const struct sip_hdr *hdr,
			    const struct sip_msg *msg, void *arg)
{
	struct reg_ctx *c = arg;
	struct sip_addr addr;
	struct binding *b;
	char contact[256];
	uint32_t exp;

	if (sip_addr_decode(&addr, &hdr->val))
		return false;
	(void)pl_strcpy(&addr.auri, contact, sizeof(contact));
	exp = expires_of(msg, &addr);
	if (exp > SIG_EXPIRES_MAX)
		exp = SIG_EXPIRES_MAX;
	b = binding_find(c->agent, contact);
	if (!exp) {
		if (b) {
			list_unlink(&b->le);
			mem_deref(b);
			c->changes++;
		}
		return false;
	}
	if (!b) {
		b = mem_zalloc(sizeof(*b), NULL);
		if (!b) {
			c->err = ENOMEM;
			return true;
		}
		b->agent = c->agent;
		str_ncpy(b->contact, contact, sizeof(b->contact));
		list_append(&reg.bindings, &b->le, b);
		c->changes++;
		cc_info("sig", "agent %s registered %s from %s/%s", c->ext,
			contact, sig_sa_str(&msg->src),
			sip_transp_name(msg->tp));
	}
	b->b.uri[0] = '\0';
	if (msg->tp == SIP_TRANSP_UDP) {
		struct sa ca;

		/* The Contact is usable as given only when its IP is the
		 * one the request came from (no NAT in between). */
		if (!sa_set(&ca, &addr.uri.host, addr.uri.port ?
					 addr.uri.port : SIP_PORT) &&
		    sa_cmp(&ca, &msg->src, SA_ADDR))
			(void)re_snprintf(b->b.uri, sizeof(b->b.uri),
					  "sip:%s@%J", c->ext, &ca);
	}
	if (!b->b.uri[0])
		(void)re_snprintf(b->b.uri, sizeof(b->b.uri), "sip:%s@%J%s",
				  c->ext, &msg->src,
				  msg->tp == SIP_TRANSP_TCP ? ";transport=tcp" :
							      "");
	b->b.expires = cc_clock_ms() + (uint64_t)exp * 1000;
	return false;
}

static int contacts_print(struct re_printf *pf, void *arg)
{
	uint32_t agent = *(uint32_t *)arg;
	uint64_t now = cc_clock_ms();
	int err = 0;

	for (struct le *le = reg.bindings.head; le; le = le->next) {
		struct binding *b = le->data;

		if (b->agent != agent)
			continue;
		err |= re_hprintf(pf, "Contact: <%s>;expires=%llu\r\n",
				  b->contact,
				  (unsigned long long)(b->b.expires - now +
						       999) / 1000);
	}
	return err;
}

void sig_reg_handle(const struct sip_msg *msg)
{
	const struct cc_agent_info *a;
	struct reg_ctx c = {.msg = msg};
	char user[64], ext[64];
	unsigned before;
	int err;

	(void)pl_strcpy(&msg->to.uri.user, ext, sizeof(ext));
	err = sig_auth_check(msg, false, user, sizeof(user),
			     sig_reg_password);
	if (err == ENOENT || err == ETIMEDOUT) {
		sig_auth_challenge(msg, false, err == ETIMEDOUT);
		return;
	}
	if (err) {
		cc_warn("sig", "REGISTER for %s from %s: wrong credentials"
			" for '%s'", ext, sig_sa_str(&msg->src), user);
		sig_count(SIG_ERR_AUTH_FAILED, 403);
		(void)sip_replyf(sig_sip(), msg, 403, "Forbidden",
				 "Warning: 399 switchboard \"wrong username"
				 " or password\"\r\nContent-Length: 0\r\n\r\n");
		return;
	}
	a = cc_agent_by_ext(ext);
	if (!a || strcmp(user, ext)) {
		sig_count(SIG_ERR_REGISTER, 403);
		(void)sip_replyf(sig_sip(), msg, 403, "Forbidden",
				 "Warning: 399 switchboard \"credentials of"
				 " %s cannot register %s\"\r\n"
				 "Content-Length: 0\r\n\r\n", user, ext);
		return;
	}
	c.agent = a->id;
	c.ext = a->extension;
	before = count_of(a->id);
	(void)sip_msg_hdr_apply(msg, true, SIP_HDR_CONTACT, contact_check_h,
				&c);
	if (c.err == ERANGE) {
		sig_count(SIG_ERR_REGISTER, 423);
		(void)sip_replyf(sig_sip(), msg, 423, "Interval Too Brief",
				 "Min-Expires: %u\r\nContent-Length: 0\r\n\r\n",
				 SIG_EXPIRES_MIN);
		return;
	}
	if (!c.err && count_of(a->id) + c.adds > SIG_BINDINGS_MAX) {
		sig_count(SIG_ERR_REGISTER, 403);
		(void)sip_replyf(sig_sip(), msg, 403, "Forbidden",
				 "Warning: 399 switchboard \"more than %u"
				 " devices\"\r\nContent-Length: 0\r\n\r\n",
				 SIG_BINDINGS_MAX);
		return;
	}
	if (c.err || (c.star && (!pl_isset(&msg->expires) ||
				 pl_u32(&msg->expires)))) {
		sig_count(SIG_ERR_REGISTER, 400);
		(void)sip_replyf(sig_sip(), msg, 400, "Bad Request",
				 "Warning: 399 switchboard \"%s\"\r\n"
				 "Content-Length: 0\r\n\r\n",
				 c.star ? "Contact: * needs Expires: 0" :
					  "malformed Contact");
		return;
	}
	if (c.star) {
		struct le *le = reg.bindings.head;

		while (le) {
			struct binding *b = le->data;

			le = le->next;
			if (b->agent == a->id) {
				list_unlink(&b->le);
				mem_deref(b);
			}
		}
	}
	else {
		(void)sip_msg_hdr_apply(msg, true, SIP_HDR_CONTACT,
					contact_apply_h, &c);
	}
	if (c.err) {
		sig_count(SIG_ERR_INTERNAL, 500);
		(void)sip_reply(sig_sip(), msg, 500, "Server Internal Error");
		return;
	}
	(void)sip_replyf(sig_sip(), msg, 200, "OK", "%H"
			 "Content-Length: 0\r\n\r\n", contacts_print, &c.agent);
	if (count_of(a->id) != before)
		cc_agent_devices(a->id, count_of(a->id));
}
