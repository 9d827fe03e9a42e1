/*
 * sig private interface, shared by sig.c (the stack and the request
 * dispatcher), sig_auth.c (digest challenges), sig_reg.c (the registrar),
 * sig_call.c (calls: caller legs, agent legs, the bridge) and sig_ivr.c
 * (the IVR flow interpreter's host on live calls).
 */
#ifndef SIG_SIG_INT_H
#define SIG_SIG_INT_H

#include <stdbool.h>
#include <stdint.h>

struct sip;
struct sip_msg;
struct sipsess_sock;
struct sa;

/* The stack (sig.c). */
struct sip *sig_sip(void);
struct sipsess_sock *sig_sess_sock(void);
/* Our SIP address as "IP:PORT" (for From/Contact of calls we place). */
const char *sig_laddr_str(void);
bool sig_stopping(void);
/* "IP:PORT" of sa in a static buffer (for logs; not reentrant). */
const char *sig_sa_str(const struct sa *sa);
extern const char sig_allow[];

/* --- sig_check.c: requests libre parses but we must refuse ------------ */

/* Answers a bad request (400, 416, 420, 415, 406 with a Warning) and
 * returns true; false when the request may go on. */
bool sig_check_request(const struct sip_msg *msg);

/* --- sig_auth.c: SIP digest (RFC 2617 MD5, qop auth) ------------------ */

#define SIG_REALM "switchboard"

/*
 * Checks the request's Authorization (hdr SIP_HDR_AUTHORIZATION, for
 * REGISTER) or Proxy-Authorization (for other requests) against the
 * password of user. Returns 0 when valid, ENOENT when there is no
 * credential for our realm (challenge), EAUTH when it is wrong, and
 * ETIMEDOUT when the nonce is stale (challenge with stale=true). *userp
 * receives the username given (even when wrong), empty when none.
 */
int sig_auth_check(const struct sip_msg *msg, bool proxy, char *user,
		   size_t usersz, const char *(*password)(const char *user));
/* Replies 401 (REGISTER) or 407 with a fresh challenge. */
void sig_auth_challenge(const struct sip_msg *msg, bool proxy, bool stale);
int sig_auth_init(void);

/* --- sig_reg.c: the registrar ------------------------------------------ */

int sig_reg_init(void);
void sig_reg_close(void);
/* Handles a REGISTER (replies to it). */
void sig_reg_handle(const struct sip_msg *msg);
/* The password of an agent by extension, for sig_auth_check. */
const char *sig_reg_password(const char *ext);

struct sig_binding {
	char uri[256];       /* where to send: sip:EXT@SRC-IP:PORT;transport= */
	uint64_t expires;    /* cc_clock_ms() */
};
/* Up to max current bindings of agent; returns their count. */
unsigned sig_reg_bindings(uint32_t agent, struct sig_binding *bv,
			  unsigned max);

/* --- sig_call.c: calls ---------------------------------------------------- */

int sig_call_init(void);
void sig_call_stop(void);
void sig_call_close(void);
/* A new INVITE outside a dialog (sipsess_listen's connect handler). */
void sig_call_incoming(const struct sip_msg *msg, void *arg);

enum { SIG_NAME_MAX = 64 };

/* --- sig_ivr.c: the IVR host on a live call --------------------------- */

struct ivr_flow;
struct med_leg;
struct sig_ivr;

/* Where a flow ends, carried out by the call (sig_call.c). The handler
 * may destroy the call and the sig_ivr with it. */
struct sig_ivr_ops {
	void (*queue)(const char *queue, int priority, uint32_t agent,
		      void *arg);
	void (*hangup)(void *arg);
};

/* Parses and checks a flow definition against the center's queues;
 * EBADMSG (problems logged with their JSON paths). */
int sig_ivr_flow_load(struct ivr_flow **fp, const char *name,
		      const char *def);
/* A session of flow on the caller's leg (borrowed; must outlive it). */
int sig_ivr_alloc(struct sig_ivr **ivp, struct ivr_flow *flow,
		  struct med_leg *leg, int64_t ix, const char *from,
		  const char *to, const struct sig_ivr_ops *ops, void *arg);
void sig_ivr_start(struct sig_ivr *iv);
void sig_ivr_digit(struct sig_ivr *iv, char digit);
/* MED_EVENT_PLAY_DONE/FAILED: false when the play is not the IVR's. */
bool sig_ivr_play_done(struct sig_ivr *iv, uint32_t med_play_id);
/* From the call sweep: serves the deadline; true when it was no input. */
bool sig_ivr_sweep(struct sig_ivr *iv, uint64_t now);
/* The agent hung up: runs the flow's post-call survey; false when the
 * flow has none. */
bool sig_ivr_survey(struct sig_ivr *iv);
/* The survey's answers as JSON text, malloc'd (free()), NULL when none. */
char *sig_ivr_survey_answers(const struct sig_ivr *iv);
/* The path as for the interaction's ivr_path (detail false) or with
 * times and variables (true); malloc'd (free()), NULL when none. */
char *sig_ivr_path(const struct sig_ivr *iv, bool detail);
/* The customer a lookup node found (the CRM's id), 0 when none. */
int64_t sig_ivr_customer(const struct sig_ivr *iv);

#endif
