/*
 * sig private interface, shared by sig.c (the stack and the request
 * dispatcher), sig_auth.c (digest challenges), sig_reg.c (the registrar),
 * sig_call.c (calls: caller legs, agent legs, the bridge) and sig_menu.c
 * (the demo menu's definition, read with jansson).
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

/* --- sig_menu.c: the demo flow's menu ----------------------------------- */

enum { SIG_MENU_CHOICES = 12, SIG_NAME_MAX = 64 };
struct sig_menu {
	char prompt[512];
	unsigned timeout_s;
	unsigned tries;
	char queue[SIG_MENU_CHOICES][SIG_NAME_MAX]; /* by digit 0-9 * # */
	char no_input[SIG_NAME_MAX];
};
/* Reads the menu node of a flow definition (JSON). EBADMSG naming the
 * problem in the log when it is not one. */
int sig_menu_parse(struct sig_menu *m, const char *json);
int sig_menu_digit_index(char digit);

#endif
