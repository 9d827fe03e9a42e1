/*
 * sig: SIP signalling. Listens on UDP and TCP at --sip (port 0 allowed:
 * both transports share the port chosen for UDP) and answers what reaches
 * it outside a dialog. So far: OPTIONS is answered 200 with Allow; every
 * other out-of-dialog request gets 501 until the registrar and calls land.
 */
#ifndef SIG_SIG_H
#define SIG_SIG_H

#include "core/cc.h"

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

#endif
