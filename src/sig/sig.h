/*
 * sig: SIP signalling. Listens on UDP and TCP at --sip (port 0 allowed:
 * both transports share the port chosen for UDP) and answers what reaches
 * it outside a dialog. So far: OPTIONS is answered 200 with Allow; every
 * other out-of-dialog request gets 501 until the registrar and calls land.
 */
#ifndef SIG_SIG_H
#define SIG_SIG_H

#include <stdbool.h>
#include <stdint.h>
#include "core/cc.h"
#include "dial/dial.h"

/* Binds --sip on UDP and TCP and reports it as "sip". */
int sig_init(const struct cc_config *cfg);
/* Begins shutdown: stops taking new requests. */
void sig_stop(void);
/* Releases the SIP stack. */
void sig_close(void);
/* Main loop: the numbers leading to flow name take definition def from
 * their next call on (calls in the flow finish on the version they
 * started with). EBADMSG when def fails the check (nothing changes);
 * *numbersp (optional) counts the numbers updated. */
int sig_flow_activate(const char *name, const char *def,
		      unsigned *numbersp);
/* Main loop: the public number leads to flow (with its definition def)
 * or to queue from its next call on (one of the two; calls in progress
 * go on as they started). EINVAL: bad arguments; EBADMSG: def fails the
 * check and no stored version passes; ENOSPC: the table is full. */
int sig_number_set(const char *number, const char *flow, const char *def,
		   const char *queue);
/* Main loop: new calls to number are refused (404) from now on; calls in
 * progress go on. ENOENT: not a number. */
int sig_number_remove(const char *number);

/*
 * What sig refused or could not do, counted since start (for /metrics).
 * Each kind is one reason a request was answered with an error; every
 * error answer is also counted by status class (4xx, 5xx, 6xx). Messages
 * libre's parser drops never reach sig and are not counted.
 */
enum sig_error {
	SIG_ERR_MALFORMED,      /* 400 from the checks (sig_check.c) */
	SIG_ERR_URI_SCHEME,     /* 416 */
	SIG_ERR_EXTENSION,      /* 420 Require/Proxy-Require */
	SIG_ERR_MEDIA_TYPE,     /* 415 / 406 */
	SIG_ERR_AUTH_CHALLENGE, /* 401 / 407 sent (no or stale credentials) */
	SIG_ERR_AUTH_FAILED,    /* 403: wrong username or password */
	SIG_ERR_REGISTER,       /* REGISTER refused otherwise (403 423 400) */
	SIG_ERR_NOT_FOUND,      /* 404: not a number of this center */
	SIG_ERR_METHOD,         /* 405 */
	SIG_ERR_NO_DIALOG,      /* 481 */
	SIG_ERR_SDP,            /* 488 / 400: offers we cannot answer */
	SIG_ERR_UNAVAILABLE,    /* 503 (stopping), 480 (feature refused) */
	SIG_ERR_IN_DIALOG,      /* REFER / INFO refused inside a call */
	SIG_ERR_INTERNAL,       /* 500 */
	SIG_ERR_KINDS
};

struct sig_counters {
	uint64_t kind[SIG_ERR_KINDS];
	uint64_t class[7]; /* error answers by status class: [4] = 4xx */
};

/* Main loop: copies the counters into *c. */
void sig_counters_get(struct sig_counters *c);
/* The kind's name for metrics ("malformed", "auth_failed", ...). */
const char *sig_error_name(enum sig_error kind);

/*
 * Main loop: whether the INVITEs that offer calls to agent carry an
 * auto-answer hint (Call-Info: answer-after=0, Alert-Info
 * info=alert-autoanswer, Answer-Mode: Auto, RFC 5373), which phones that
 * support it obey by answering at once. Set from the agent's desktop; kept
 * while the server runs. ENOMEM when the table of agents is full.
 */
int sig_agent_auto_answer_set(uint32_t agent, bool on);
bool sig_agent_auto_answer(uint32_t agent);

/* Main loop: the agent's registered phones now, up to max copied into dv
 * (where the registrar reaches each, seconds until it expires); returns
 * how many there are (0: no phone can ring). */
struct sig_device {
	char uri[256];
	uint32_t expires_s;
};
unsigned sig_agent_devices(uint32_t agent, struct sig_device *dv,
			   unsigned max);

/* --- Trunks and the dial-out policy (sig_trunk.c) ----------------------- */

/* What a dial needs of the trunk the policy chose. */
struct sig_trunk_out {
	char name[64];
	char addr[128];      /* "host:port" */
	char user[64];
	char pass[128];
	char caller_id[32];
};

/* Main loop: rereads the trunks table; the next call and the next dial
 * use it (calls in progress are unaffected). ENOMEM, or the store's error
 * (then the table in use stays). */
int sig_trunk_reload(void);
/*
 * Any thread: the dial-out policy over the outbound trunks for number
 * (dial_route). 0: decided (d->allowed, d->reason; *out, optional, the
 * chosen trunk when allowed); ENOENT: no outbound trunk; EINVAL: not a
 * number.
 */
int sig_trunk_dial_decide(struct dial_decision *d, const char *number,
			  enum dial_purpose purpose, enum dial_origin origin,
			  struct sig_trunk_out *out);

#endif
