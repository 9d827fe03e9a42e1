/*
 * sig_dialplan.c: where an INVITE goes, and the public numbers it can
 * reach (their flows or queues, loaded at start and changed live).
 *
 *   INVITE ──> a public number (its flow or queue)
 *          │     ──> the trunk identified (or challenged) ──> answered,
 *          │         the interaction recorded ──> MENU or QUEUED
 *          │         (sig_caller.c)
 *          └─> not a public number: agents only (digest, 407)
 *                ──> *50 available, *51 away, *52 log out: answered, a
 *                    confirmation spoken, ended (FEATURE)
 *                ──> anything else: 404
 *   while stopping: 503
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <sys/stat.h>
#include <re.h>
#include "core/cc.h"
#include "core/cc_ix.h"
#include "core/center.h"
#include "med/med.h"
#include "ivr/ivr.h"
#include "sig/sig.h"
#include "sig/sig_int.h"
#include "sig/sig_call_int.h"
#include "store/store.h"
#include "crm/crm.h"

const struct number *number_find(const struct pl *user)
{
	for (size_t i = 0; i < sc.numberc; i++)
		if (!pl_strcmp(user, sc.numberv[i].number))
			return &sc.numberv[i];
	return NULL;
}

static void record_start(struct call *c, const struct sip_msg *msg)
{
	char callid[128];

	if (cc_ix_alloc(&c->ix, "voice", "inbound", c->from, c->to))
		return;
	(void)pl_strcpy(&msg->callid, callid, sizeof(callid));
	(void)cc_ix_call_id_set(c->ix, callid);
	(void)cc_ix_ivr(c->ix);
	ix_event(c, "call_started", 0, NULL);
	/* Who is calling: links the interaction to its customer (or a
	 * provisional one) before the IVR and the agent see it. */
	crm_call_arrived(store_main(), c->ix, c->from, NULL);
}

/* *50 / *51 / *52 from an agent's phone (digest-authenticated). */
static void feature_call(const struct sip_msg *msg, const char *ext)
{
	const struct cc_agent_info *a = cc_agent_by_ext(ext);
	enum acd_agent_state st;
	const char *say, *reason = NULL;
	struct call *c = NULL;
	char code[8];

	(void)pl_strcpy(&msg->uri.user, code, sizeof(code));
	if (!strcmp(code, "*50")) {
		st = ACD_AVAILABLE;
		say = "You are logged in and available.";
	}
	else if (!strcmp(code, "*51")) {
		st = ACD_AWAY;
		reason = "break";
		say = "You are on a break.";
	}
	else {
		st = ACD_LOGGED_OUT;
		say = "You are logged out. Goodbye.";
	}
	if (!a || cc_agent_presence(a->id, st, reason, "phone")) {
		sig_count(SIG_ERR_UNAVAILABLE, 480);
		(void)sip_reply(sig_sip(), msg, 480, "Temporarily Unavailable");
		return;
	}
	if (call_answer(&c, msg, ""))
		return;
	c->state = CS_FEATURE;
	play_text(c, say, &c->play_id);
}

void sig_call_incoming(const struct sip_msg *msg, void *arg)
{
	const struct number *num;
	struct call *c = NULL;
	char user[64], trunk[64];
	int err;

	(void)arg;
	if (sig_stopping()) {
		sig_count(SIG_ERR_UNAVAILABLE, 503);
		(void)sig_reply(msg, 503, "Service Unavailable");
		return;
	}
	num = number_find(&msg->uri.user);
	if (!num) {
		/* Not a public number: only agents, with credentials. */
		err = sig_auth_check(msg, true, user, sizeof(user),
				     sig_reg_password);
		if (err == ENOENT || err == ETIMEDOUT) {
			sig_auth_challenge(msg, true, err == ETIMEDOUT);
			return;
		}
		if (err) {
			sig_count(SIG_ERR_AUTH_FAILED, 403);
			(void)sig_replyf(msg, 403, "Forbidden",
					 "Warning: 399 switchboard \"wrong"
					 " username or password\"\r\n"
					 "Content-Length: 0\r\n\r\n");
			return;
		}
		if (!pl_strcmp(&msg->uri.user, "*50") ||
		    !pl_strcmp(&msg->uri.user, "*51") ||
		    !pl_strcmp(&msg->uri.user, "*52")) {
			feature_call(msg, user);
			return;
		}
		sig_count(SIG_ERR_NOT_FOUND, 404);
		(void)sig_replyf(msg, 404, "Not Found",
				 "Warning: 399 switchboard \"%r is not a"
				 " number of this center\"\r\n"
				 "Content-Length: 0\r\n\r\n", &msg->uri.user);
		return;
	}
	err = sig_trunk_identify(msg, trunk, sizeof(trunk));
	if (err == EAGAIN || err == EACCES)
		return; /* challenged or refused: answered */
	if (call_answer(&c, msg, trunk))
		return;
	record_start(c, msg);
	if (trunk[0]) {
		char detail[128];

		(void)re_snprintf(detail, sizeof(detail), "{\"trunk\": \"%s\"}",
				  trunk);
		ix_event(c, "trunk", 0, detail);
		cc_info("sig", "call %lld: from trunk %s", (long long)c->ix,
			trunk);
	}
	cc_info("sig", "call %lld: %s -> %s", (long long)c->ix, c->from,
		c->to);
	if (num->flow) {
		c->state = CS_MENU;
		if (sig_ivr_alloc(&c->ivr, num->flow, c->leg, c->ix, c->from,
				  c->origin == DIAL_ORIGIN_TRUSTED, c->to,
				  &ivr_ops, c)) {
			call_queue(c, "support", 0, 0); /* out of memory */
			return;
		}
		sig_ivr_start(c->ivr);
	}
	else {
		call_queue(c, num->queue, 0, 0);
	}
}

/* --- Module ------------------------------------------------------------- */

struct good_version {
	const char *name;
	struct ivr_flow **fp;
	int64_t version;
};

static int good_version_h(sqlite3_stmt *st, void *arg)
{
	struct good_version *gv = arg;
	const char *def = (const char *)sqlite3_column_text(st, 1);

	if (!def || sig_ivr_flow_load(gv->fp, gv->name, def))
		return 0; /* older still */
	gv->version = sqlite3_column_int64(st, 0);
	return 1;
}

/* The active definition of a flow fails the check (a queue it names was
 * removed, say): the newest stored version that passes stays live. */
static int flow_last_good(struct ivr_flow **fp, const char *name)
{
	struct good_version gv = {name, fp, 0};
	sqlite3 *db = store_reader(store_main());

	if (!db)
		return EIO;
	(void)store_query(db, good_version_h, &gv,
			  "SELECT version, definition FROM flow_versions"
			  " WHERE name = ?1 ORDER BY version DESC", "s", name);
	if (!gv.version)
		return ENOENT;
	cc_warn("sig", "flow %s: the active definition fails the check;"
		" version %lld stays live", name, (long long)gv.version);
	return 0;
}

int number_h(const struct store_number *n, void *arg)
{
	struct number *num;
	char *def = NULL;
	int err;

	(void)arg;
	if (sc.numberc == SIG_NUMBERS_MAX)
		return 0;
	num = &sc.numberv[sc.numberc];
	memset(num, 0, sizeof(*num));
	str_ncpy(num->number, n->number, sizeof(num->number));
	if (n->queue) {
		str_ncpy(num->queue, n->queue, sizeof(num->queue));
		sc.numberc++;
		return 0;
	}
	str_ncpy(num->flow_name, n->flow, sizeof(num->flow_name));
	err = store_flow_get(store_main(), &def, n->flow);
	if (!err)
		err = sig_ivr_flow_load(&num->flow, n->flow, def);
	mem_deref(def);
	if (err == EBADMSG)
		err = flow_last_good(&num->flow, n->flow);
	if (err) {
		cc_error("sig", "number %s: flow %s cannot be used (%s):"
			 " calls to it are refused", n->number, n->flow,
			 strerror(err));
		return 0;
	}
	sc.numberc++;
	return 0;
}

static struct number *number_get(const char *number)
{
	for (size_t i = 0; number && i < sc.numberc; i++)
		if (!strcmp(number, sc.numberv[i].number))
			return &sc.numberv[i];
	return NULL;
}

int sig_number_set(const char *number, const char *flow, const char *def,
		   const char *queue)
{
	struct ivr_flow *f = NULL;
	struct number *num;
	int err;

	if (!number || !*number || strlen(number) >= sizeof(num->number) ||
	    (!flow == !queue) || (flow && !def))
		return EINVAL;
	if (flow) {
		err = sig_ivr_flow_load(&f, flow, def);
		if (err == EBADMSG)
			err = flow_last_good(&f, flow);
		if (err)
			return err;
	}
	num = number_get(number);
	if (!num) {
		if (sc.numberc == SIG_NUMBERS_MAX) {
			ivr_flow_unref(f);
			return ENOSPC;
		}
		num = &sc.numberv[sc.numberc++];
		memset(num, 0, sizeof(*num));
		str_ncpy(num->number, number, sizeof(num->number));
	}
	/* Calls already in the old flow or queue go on as they are. */
	num->flow = ivr_flow_unref(num->flow);
	num->flow = f;
	num->queue[0] = num->flow_name[0] = '\0';
	if (flow)
		str_ncpy(num->flow_name, flow, sizeof(num->flow_name));
	else
		str_ncpy(num->queue, queue, sizeof(num->queue));
	cc_info("sig", "number %s leads to %s %s", number,
		flow ? "flow" : "queue", flow ? flow : queue);
	return 0;
}

int sig_number_remove(const char *number)
{
	struct number *num = number_get(number);

	if (!num)
		return ENOENT;
	ivr_flow_unref(num->flow);
	*num = sc.numberv[--sc.numberc];
	cc_info("sig", "number %s removed: new calls to it are refused",
		number);
	return 0;
}

int sig_flow_activate(const char *name, const char *def,
		      unsigned *numbersp)
{
	struct ivr_flow *flow = NULL;
	unsigned n = 0;
	int err;

	if (!name || !def)
		return EINVAL;
	err = sig_ivr_flow_load(&flow, name, def);
	if (err)
		return err;
	for (size_t i = 0; i < sc.numberc; i++) {
		struct number *num = &sc.numberv[i];

		if (num->queue[0] || strcmp(num->flow_name, name))
			continue;
		ivr_flow_unref(num->flow);
		num->flow = ivr_flow_ref(flow);
		n++;
	}
	ivr_flow_unref(flow);
	cc_info("sig", "flow %s activated on %u number%s", name, n,
		n == 1 ? "" : "s");
	if (numbersp)
		*numbersp = n;
	return 0;
}
