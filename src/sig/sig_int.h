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
#include "dial/dial.h"

struct cc_config;
struct sip;
struct sip_msg;
struct sipsess_sock;
struct sa;

/* The stack (sig.c). */
struct sip *sig_sip(void);
struct sipsess_sock *sig_sess_sock(void);
/* Our SIP address as "IP:PORT" when the peer is not known (the address
 * of the default route when --sip is a wildcard, or --public-addr). */
const char *sig_laddr_str(void);
/* Our SIP address (IP and --sip port) toward peer, for Contact, From and
 * SDP: --public-addr, else the --sip address, else (wildcard) the local
 * address the kernel routes to peer from. peer NULL: the default. */
int sig_laddr_for(struct sa *laddr, const struct sa *peer);
/* "sip:switchboard@IP:PORT[;transport=tcp]" toward peer, for sipsess's
 * contact user (a static buffer, copied by sipsess). */
const char *sig_contact(const struct sa *peer, int tp); /* sip_transp */
bool sig_stopping(void);
/* "IP:PORT" of sa in a static buffer (for logs; not reentrant). */
const char *sig_sa_str(const struct sa *sa);
extern const char sig_allow[];
/*
 * Replies to a request through libre's server transaction: a
 * retransmission of the request (same Via branch) is answered with the
 * identical bytes (same To tag, same challenge nonce) and never reaches us
 * again; an INVITE's error answer is retransmitted until its ACK. fmt
 * gives the extra header lines and the body, ending with the blank line
 * (re_printf formats). Use these, not sip_reply(), for final answers.
 */
int sig_replyf(const struct sip_msg *msg, uint16_t scode,
	       const char *reason, const char *fmt, ...);
int sig_reply(const struct sip_msg *msg, uint16_t scode, const char *reason);
/* Counts an error answer of status scode for reason kind (sig.h). */
struct sig_counters;
void sig_count(unsigned kind, uint16_t scode);

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

int sig_reg_init(const struct cc_config *cfg);
void sig_reg_close(void);
/* Handles a REGISTER (replies to it). */
void sig_reg_handle(const struct sip_msg *msg);
/* The password of an agent by extension, for sig_auth_check. */
const char *sig_reg_password(const char *ext);

struct sig_binding {
	char uri[256];       /* where to send: sip:EXT@SRC-IP:PORT;transport= */
	struct sa addr;      /* the address in uri */
	int tp;              /* enum sip_transp of uri */
	uint64_t expires;    /* cc_clock_ms() */
};
/* Up to max current bindings of agent; returns their count. */
unsigned sig_reg_bindings(uint32_t agent, struct sig_binding *bv,
			  unsigned max);

/* --- sig_db.c: the registrar's rows in the store ------------------------ */

struct sig_db_binding {
	uint32_t agent;
	const char *contact;   /* as registered: the binding's identity */
	const char *uri;       /* where calls go */
	const char *addr;      /* "IP:PORT" of uri */
	const char *transport; /* "udp", "tcp" */
	int64_t expires_at;    /* wall-clock ms */
};
/* Called per row (strings valid during the call); nonzero stops. */
typedef int(sig_db_binding_h)(const struct sig_db_binding *b, void *arg);
/* Main loop, at start: the bindings not expired at now (wall ms). */
int sig_db_bindings_load(sig_db_binding_h *h, void *arg, int64_t now);
/* Queued writes (doneh may be NULL; it runs on the main loop once the
 * write is durable): insert or update a binding; delete one (contact) or
 * all of an agent's (contact NULL); delete those expired at now. */
int sig_db_binding_save(const struct sig_db_binding *b,
			void (*doneh)(int err, void *arg), void *arg);
int sig_db_binding_delete(uint32_t agent, const char *contact,
			  void (*doneh)(int err, void *arg), void *arg);
int sig_db_bindings_expire(int64_t now);
/* doneh runs once every write queued before is durable. */
int sig_db_barrier(void (*doneh)(int err, void *arg), void *arg);
/* The agent's last presence ("available", "away" with reason,
 * "logged_out"): queued write, and the load at start. */
int sig_db_presence_save(uint32_t agent, const char *state,
			 const char *reason);
typedef int(sig_db_presence_h)(uint32_t agent, const char *state,
			       const char *reason, void *arg);
int sig_db_presence_load(sig_db_presence_h *h, void *arg);

/* --- sig_trunk.c: trunks ------------------------------------------------ */

/* Reads the trunks table (main loop, at start); country: the ISO code of
 * numbers written without a prefix (phone-country). */
int sig_trunk_init(const char *country);
void sig_trunk_close(void);
/*
 * Whether an INVITE to a public number comes from a trunk: by source
 * address, or by the digest credentials of a trunk whose username is the
 * From user. 0: a trunk (its name in name); ENOENT: not a trunk (anyone:
 * go on); EAGAIN: challenged (407 sent); EACCES: wrong credentials (403
 * sent). The last two have answered the request.
 */
int sig_trunk_identify(const struct sip_msg *msg, char *name, size_t sz);
/* Whether the trunk of that name is trusted: its P-Asserted-Identity is
 * the caller's number. */
bool sig_trunk_trusted(const char *name);
/* The number in the request's P-Asserted-Identity ("+15550100" or
 * digits): ENOENT none, EBADMSG not a number. Only for trusted trunks. */
int sig_trunk_asserted(const struct sip_msg *msg, char *number, size_t sz);

/* --- sig_timer.c: session timers (RFC 4028) ------------------------------ */

struct sig_stimer {
	uint32_t se_ms; /* the session interval; 0: no timer on the leg */
	bool refresher; /* we refresh; else the peer must */
	uint64_t last;  /* last refresh, cc_clock_ms() */
};

enum sig_stimer_due {
	SIG_STIMER_NONE,
	SIG_STIMER_REFRESH, /* send a re-INVITE now */
	SIG_STIMER_EXPIRED, /* the peer did not refresh: the leg is dead */
};

struct cc_config;
void sig_stimer_init(const struct cc_config *cfg);
/* Headers for our INVITEs ("" when timers are off). */
const char *sig_stimer_offer_hdrs(void);
/* A caller's INVITE: sets t and the headers of our 2xx. EPROTO when its
 * interval is below our Min-SE (answer 422 with sig_stimer_min_se()). */
int sig_stimer_uas(struct sig_stimer *t, const struct sip_msg *msg,
		   uint64_t now, char *hdrs, size_t sz);
uint32_t sig_stimer_min_se(void);
/* The 2xx of our INVITE to a phone. */
void sig_stimer_uac_answered(struct sig_stimer *t, const struct sip_msg *msg,
			     uint64_t now);
/* A re-INVITE from the peer, or the answer to ours. */
void sig_stimer_refreshed(struct sig_stimer *t, uint64_t now);
/* What is due now (each step reported once). */
enum sig_stimer_due sig_stimer_due(struct sig_stimer *t, uint64_t now);
/* Whether a session's close came from a failed refresh (408 or 481 to
 * our re-INVITE). */
bool sig_stimer_refresh_failed(const struct sip_msg *msg);

/* --- sig_call.c: calls ---------------------------------------------------- */

struct cc_config;
int sig_call_init(const struct cc_config *cfg);
/* The data directory (recordings go under it). */
const char *sig_call_data_dir(void);
/* A voicemail left in a flow (file at path, ms long) for interaction ix:
 * a new interaction of channel 'voicemail' queued in queue. Works after
 * the call has gone. */
void sig_call_voicemail_add(int64_t ix, const char *from, const char *to,
			    const char *queue, const char *path, uint32_t ms);
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
	/* A callback task to number in queue: confirmed by the caller in
	 * the flow, or else the caller's own (believed only when a trusted
	 * trunk asserted it). 0 when made (the flow goes on: its prompt,
	 * then hang-up), else the caller is queued (EACCES: the dial-out
	 * policy denied the number). */
	int (*callback)(const char *queue, const char *number, bool confirmed,
			void *arg);
	/* To an extension, a queue or (external) an outside number;
	 * queue: where an extension's caller waits. */
	void (*transfer)(const char *to, bool external, const char *queue,
			 void *arg);
	/* The caller left the queue by one of its options: the task goes
	 * out of the queue, the flow goes on. */
	void (*leave)(void *arg);
	/* How the call ends when it ends in the flow ("voicemail"). */
	void (*outcome)(const char *outcome, void *arg);
};

/* Parses and checks a flow definition against the center's queues;
 * EBADMSG (problems logged with their JSON paths). */
int sig_ivr_flow_load(struct ivr_flow **fp, const char *name,
		      const char *def);
/* A session of flow on the caller's leg (borrowed; must outlive it);
 * from_trusted: a trusted trunk asserted from (a callback node then calls
 * it back without asking for a number). */
int sig_ivr_alloc(struct sig_ivr **ivp, struct ivr_flow *flow,
		  struct med_leg *leg, int64_t ix, const char *from,
		  bool from_trusted, const char *to,
		  const struct sig_ivr_ops *ops, void *arg);
void sig_ivr_start(struct sig_ivr *iv);
void sig_ivr_digit(struct sig_ivr *iv, char digit);
/* A digit while queued: true when it was one of the queue node's options
 * (ops->leave was called and the flow goes on). */
bool sig_ivr_queued_digit(struct sig_ivr *iv, char digit);
/* What to tell a waiting caller about the options, NULL when none. */
const char *sig_ivr_options_prompt(const struct sig_ivr *iv);
/* Releases the time zone cache (sig_call_close). */
void sig_ivr_close(void);
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

/* --- sig_out.c: calls out through a trunk ------------------------------ */

/* libre's sipsess handlers for an outbound call (include <re.h> first). */
struct sig_out_handlers {
	sipsess_offer_h *offer;
	sipsess_answer_h *answer;
	sipsess_progr_h *progr;
	sipsess_estab_h *estab;
	sipsess_info_h *info;
	sipsess_refer_h *refer;
	sipsess_close_h *close;
};

/* True when some trunk allows outbound calls. */
bool sig_out_available(void);
/* A number as a trunk takes it: optional '+', 3 to 20 digits. */
bool sig_out_number_ok(const char *number);
/*
 * Calls number through the first outbound trunk whose dial-out policy
 * allows it for purpose (origin: where the number came from), with our
 * SDP offer sdp; from_number is the From when the trunk has no caller_id;
 * hdrs extra headers ("Name: value\r\n"...) or NULL. *sessp: the new
 * session (release to CANCEL/BYE). *d: the decision and its reason.
 * EACCES: the policy denies it (nothing sent; d->reason says why);
 * ENOENT: no trunk allows outbound; EINVAL: not a number.
 */
int sig_call_dial_out(struct sipsess **sessp, struct dial_decision *d,
		      const char *number, enum dial_purpose purpose,
		      enum dial_origin origin, const char *from_number,
		      struct mbuf *sdp, const struct sig_out_handlers *h,
		      void *arg, const char *hdrs);

#endif
