/*
 * sig_reg.c: the registrar for agents' phones. A REGISTER to sip:EXT@...
 * must carry digest credentials for the agent with that extension (its
 * SIP password); each Contact becomes a binding with its expiry (default
 * 3600 s, at least 60, at most 3600), up to SIG_BINDINGS_MAX per agent so
 * that a desk phone and a softphone can both ring. When the Contact's IP
 * is not the one the REGISTER came from (the phone is behind home NAT),
 * we reach the binding at the source address and transport instead (the
 * rport rule of RFC 3581 applied to registration); over TCP always
 * through the connection the phone opened. One timer sweeps expired
 * bindings every second; the center hears each change of an agent's device
 * count.
 *
 * Bindings are kept in the store (sig_db.c) and the 200 to a REGISTER is
 * sent once its changes are durable (the transaction, created at once,
 * absorbs retransmissions meanwhile): after a crash the unexpired UDP
 * bindings are restored at start, so calls ring the phones without
 * waiting for them to register again, and with --auto-login their agents
 * are logged in again as they were (the last presence the center
 * published is kept: away stays away, logged out stays logged out). TCP
 * bindings are not restored: the connection they need died with the
 * process, and a phone on TCP registers again as soon as it sees it
 * close.
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
	int64_t expires_at;   /* b.expires on the wall clock (the store's) */
};

/* A REGISTER whose 200 waits for its writes to be durable. */
struct pending {
	struct le le;
	uint64_t id;
	uint32_t agent;
	struct sip_strans *st;
	const struct sip_msg *msg;
};

/* An agent's presence before the restart (sig_reg_init only). */
struct presence {
	struct le le;
	uint32_t agent;
	enum acd_agent_state state;
	char reason[64];
};

static struct {
	struct list bindings;
	struct list pending;
	uint64_t pending_seq;
	struct tmr sweep;
	struct list presences;
	bool auto_login;
	bool subscribed;
} reg;

/* Queues the binding's row (insert or update). */
static void binding_save(const struct binding *b)
{
	struct sig_db_binding row = {
		.agent = b->agent,
		.contact = b->contact,
		.uri = b->b.uri,
		.addr = sig_sa_str(&b->b.addr),
		.transport = b->b.tp == SIP_TRANSP_TCP ? "tcp" : "udp",
		.expires_at = b->expires_at,
	};
	int err = sig_db_binding_save(&row, NULL, NULL);

	if (err)
		cc_error("sig", "agent %u: cannot save registration %s: %s",
			 b->agent, b->contact, strerror(err));
}

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
		(void)sig_db_binding_delete(b->agent, b->contact, NULL, NULL);
		list_unlink(&b->le);
		cc_agent_devices(b->agent, count_of(b->agent));
		mem_deref(b);
	}
	tmr_start(&reg.sweep, 1000, sweep_h, NULL);
}

/* A row of the store at start: the binding again, if its agent is still
 * one of ours and it can be reached without the phone's help. */
static int restore_h(const struct sig_db_binding *row, void *arg)
{
	const struct cc_agent_info *a = cc_agent_by_id(row->agent);
	int64_t now = *(int64_t *)arg;
	struct binding *b;
	struct sa addr;

	if (!a || strcmp(row->transport, "udp") ||
	    sa_decode(&addr, row->addr, strlen(row->addr)) ||
	    strlen(row->uri) >= sizeof(b->b.uri) ||
	    count_of(row->agent) >= SIG_BINDINGS_MAX) {
		cc_info("sig", "agent %u: registration %s (%s) not restored",
			row->agent, row->contact, row->transport);
		(void)sig_db_binding_delete(row->agent, row->contact, NULL,
					    NULL);
		return 0;
	}
	b = mem_zalloc(sizeof(*b), NULL);
	if (!b)
		return ENOMEM;
	b->agent = row->agent;
	str_ncpy(b->contact, row->contact, sizeof(b->contact));
	str_ncpy(b->b.uri, row->uri, sizeof(b->b.uri));
	b->b.addr = addr;
	b->b.tp = SIP_TRANSP_UDP;
	b->expires_at = row->expires_at;
	b->b.expires = cc_clock_ms() + (uint64_t)(row->expires_at - now);
	list_append(&reg.bindings, &b->le, b);
	cc_info("sig", "agent %s: registration %s restored (%s, expires in"
		" %lld s)", a->extension, b->contact, b->b.uri,
		(long long)((row->expires_at - now) / 1000));
	return 0;
}

static int presence_load_h(uint32_t agent, const char *state,
			   const char *reason, void *arg)
{
	struct presence *p;

	(void)arg;
	p = mem_zalloc(sizeof(*p), NULL);
	if (!p)
		return ENOMEM;
	p->agent = agent;
	p->state = !strcmp(state, acd_state_name(ACD_AWAY)) ? ACD_AWAY :
		   !strcmp(state, acd_state_name(ACD_LOGGED_OUT)) ?
		   ACD_LOGGED_OUT : ACD_AVAILABLE;
	str_ncpy(p->reason, reason ? reason : "", sizeof(p->reason));
	list_append(&reg.presences, &p->le, p);
	return 0;
}

/*
 * The center hears of an agent's restored devices. With auto-login the
 * agent is logged in as before the restart: away (with its reason) stays
 * away, set before the devices so that no call is offered in between;
 * logged out stays logged out (the center is not told of the devices:
 * that would log the agent in); anything else becomes available.
 */
static void restore_devices_h(const struct cc_agent_info *a, void *arg)
{
	const struct presence *p = NULL;
	unsigned n = count_of(a->id);

	(void)arg;
	if (!n)
		return;
	for (struct le *le = reg.presences.head; le; le = le->next) {
		if (((struct presence *)le->data)->agent == a->id)
			p = le->data;
	}
	if (reg.auto_login && p && p->state == ACD_LOGGED_OUT) {
		cc_info("sig", "agent %s stays logged out as before the"
			" restart", a->extension);
		return;
	}
	if (reg.auto_login && p && p->state == ACD_AWAY)
		(void)cc_agent_presence(a->id, ACD_AWAY,
					p->reason[0] ? p->reason : NULL,
					"restart");
	cc_agent_devices(a->id, n);
}

/* Every presence change the center publishes is kept for the next start. */
static void presence_h(const struct cc_event *ev, void *arg)
{
	(void)arg;
	if (ev->type != CC_EV_AGENT_STATE || !ev->state)
		return;
	if (strcmp(ev->state, acd_state_name(ACD_AVAILABLE)) &&
	    strcmp(ev->state, acd_state_name(ACD_AWAY)) &&
	    strcmp(ev->state, acd_state_name(ACD_LOGGED_OUT)))
		return; /* reserved, busy, wrap-up: working while available */
	(void)sig_db_presence_save(ev->agent, ev->state, ev->reason);
}

int sig_reg_init(const struct cc_config *cfg)
{
	int64_t now = cc_wall_ms();
	int err;

	list_init(&reg.bindings);
	list_init(&reg.pending);
	list_init(&reg.presences);
	tmr_init(&reg.sweep);
	reg.auto_login = cfg->auto_login || cfg->demo;
	err = sig_db_bindings_load(restore_h, &now, now);
	if (!err)
		err = sig_db_presence_load(presence_load_h, NULL);
	if (err && err != ENOENT) {
		cc_error("sig", "cannot load registrations: %s",
			 strerror(err));
		list_flush(&reg.presences);
		list_flush(&reg.bindings);
		return err;
	}
	(void)sig_db_bindings_expire(now);
	cc_agent_foreach(restore_devices_h, NULL);
	list_flush(&reg.presences);
	err = cc_event_subscribe(presence_h, NULL);
	if (err) {
		list_flush(&reg.bindings);
		return err;
	}
	reg.subscribed = true;
	tmr_start(&reg.sweep, 1000, sweep_h, NULL);
	return 0;
}

void sig_reg_close(void)
{
	if (reg.subscribed)
		cc_event_unsubscribe(presence_h, NULL);
	reg.subscribed = false;
	tmr_cancel(&reg.sweep);
	list_flush(&reg.pending);
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
			(void)sig_db_binding_delete(c->agent, contact, NULL,
						    NULL);
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
		    sa_cmp(&ca, &msg->src, SA_ADDR)) {
			(void)re_snprintf(b->b.uri, sizeof(b->b.uri),
					  "sip:%s@%J", c->ext, &ca);
			b->b.addr = ca;
		}
	}
	if (!b->b.uri[0]) {
		(void)re_snprintf(b->b.uri, sizeof(b->b.uri), "sip:%s@%J%s",
				  c->ext, &msg->src,
				  msg->tp == SIP_TRANSP_TCP ? ";transport=tcp" :
							      "");
		b->b.addr = msg->src;
	}
	b->b.tp = msg->tp;
	b->b.expires = cc_clock_ms() + (uint64_t)exp * 1000;
	b->expires_at = cc_wall_ms() + (int64_t)exp * 1000;
	binding_save(b);
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

static void pending_destructor(void *arg)
{
	struct pending *p = arg;

	list_unlink(&p->le);
	mem_deref(p->st);
	mem_deref((void *)p->msg);
}

static void reply_ok(const struct sip_msg *msg, struct sip_strans **stp,
		     uint32_t agent)
{
	(void)sip_treplyf(stp, NULL, sig_sip(), msg, false, 200, "OK",
			  "%HContent-Length: 0\r\n\r\n", contacts_print,
			  &agent);
}

/* The writes queued before are durable (or failed): the 200 goes out. */
static void saved_h(int err, void *arg)
{
	uint64_t id = (uint64_t)(uintptr_t)arg;
	struct pending *p = NULL;

	for (struct le *le = reg.pending.head; le; le = le->next) {
		if (((struct pending *)le->data)->id == id) {
			p = le->data;
			break;
		}
	}
	if (!p)
		return; /* closed meanwhile */
	if (err)
		cc_error("sig", "agent %u: registration not saved: %s",
			 p->agent, strerror(err));
	reply_ok(p->msg, &p->st, p->agent);
	mem_deref(p);
}

/* Answers 200 once what the REGISTER changed is in the store: a phone
 * told "registered" stays registered through a crash. The transaction
 * exists from now on, so a retransmission waits with the original. */
static void reply_when_saved(const struct sip_msg *msg, uint32_t agent)
{
	struct pending *p = mem_zalloc(sizeof(*p), pending_destructor);
	int err;

	if (!p)
		goto now;
	p->id = ++reg.pending_seq;
	p->agent = agent;
	p->msg = mem_ref((void *)msg);
	list_append(&reg.pending, &p->le, p);
	err = sip_strans_alloc(&p->st, sig_sip(), msg, NULL, NULL);
	if (!err)
		err = sig_db_barrier(saved_h, (void *)(uintptr_t)p->id);
	if (!err)
		return;
	cc_warn("sig", "agent %u: answering REGISTER before it is saved: %s",
		agent, strerror(err));
	reply_ok(msg, &p->st, agent);
	mem_deref(p);
	return;
now:
	reply_ok(msg, NULL, agent);
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
		(void)sig_replyf(msg, 403, "Forbidden",
				 "Warning: 399 switchboard \"wrong username"
				 " or password\"\r\nContent-Length: 0\r\n\r\n");
		return;
	}
	a = cc_agent_by_ext(ext);
	if (!a || strcmp(user, ext)) {
		sig_count(SIG_ERR_REGISTER, 403);
		(void)sig_replyf(msg, 403, "Forbidden",
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
		(void)sig_replyf(msg, 423, "Interval Too Brief",
				 "Min-Expires: %u\r\nContent-Length: 0\r\n\r\n",
				 SIG_EXPIRES_MIN);
		return;
	}
	if (!c.err && count_of(a->id) + c.adds > SIG_BINDINGS_MAX) {
		sig_count(SIG_ERR_REGISTER, 403);
		(void)sig_replyf(msg, 403, "Forbidden",
				 "Warning: 399 switchboard \"more than %u"
				 " devices\"\r\nContent-Length: 0\r\n\r\n",
				 SIG_BINDINGS_MAX);
		return;
	}
	if (c.err || (c.star && (!pl_isset(&msg->expires) ||
				 pl_u32(&msg->expires)))) {
		sig_count(SIG_ERR_REGISTER, 400);
		(void)sig_replyf(msg, 400, "Bad Request",
				 "Warning: 399 switchboard \"%s\"\r\n"
				 "Content-Length: 0\r\n\r\n",
				 c.star ? "Contact: * needs Expires: 0" :
					  "malformed Contact");
		return;
	}
	if (c.star) {
		struct le *le = reg.bindings.head;

		(void)sig_db_binding_delete(a->id, NULL, NULL, NULL);
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
		(void)sig_reply(msg, 500, "Server Internal Error");
		return;
	}
	reply_when_saved(msg, a->id);
	if (count_of(a->id) != before)
		cc_agent_devices(a->id, count_of(a->id));
}
