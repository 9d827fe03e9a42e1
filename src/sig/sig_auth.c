/*
 * sig_auth.c: SIP digest authentication (RFC 3261 section 22, RFC 2617
 * MD5 with qop=auth). Nonces are stateless: hex(time) followed by an MD5
 * of a per-process random secret and that time, so a nonce we did not
 * issue, or one older than SIG_NONCE_TTL, is refused without keeping a
 * table of nonces.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <re.h>
#include <sodium.h>
#include "core/cc.h"
#include "sig/sig.h"
#include "sig/sig_int.h"

enum { SIG_NONCE_TTL_MS = 300 * 1000 };

static uint8_t secret[16];

int sig_auth_init(void)
{
	if (sodium_init() < 0)
		return ENOSYS;
	randombytes_buf(secret, sizeof(secret));
	return 0;
}

static void nonce_make(char nonce[49], uint64_t t)
{
	uint8_t md[16];

	(void)md5_printf(md, "%b%llx", secret, sizeof(secret),
			 (unsigned long long)t);
	(void)re_snprintf(nonce, 49, "%016llx%w", (unsigned long long)t, md,
			  sizeof(md));
}

/* 0 fresh, ETIMEDOUT stale, EAUTH not ours. */
static int nonce_check(const struct pl *nonce)
{
	char want[49];
	uint64_t t;
	struct pl ts;

	if (nonce->l != 48)
		return EAUTH;
	ts.p = nonce->p;
	ts.l = 16;
	t = pl_x64(&ts);
	nonce_make(want, t);
	if (memcmp(want, nonce->p, 48))
		return EAUTH;
	if (cc_clock_ms() - t > SIG_NONCE_TTL_MS)
		return ETIMEDOUT;
	return 0;
}

void sig_auth_challenge(const struct sip_msg *msg, bool proxy, bool stale)
{
	char nonce[49];

	nonce_make(nonce, cc_clock_ms());
	sig_count(SIG_ERR_AUTH_CHALLENGE, proxy ? 407 : 401);
	(void)sig_replyf(msg, proxy ? 407 : 401,
			 proxy ? "Proxy Authentication Required" :
				 "Unauthorized",
			 "%s: Digest realm=\"" SIG_REALM "\", nonce=\"%s\","
			 " qop=\"auth\", algorithm=MD5%s\r\n"
			 "Content-Length: 0\r\n\r\n",
			 proxy ? "Proxy-Authenticate" : "WWW-Authenticate",
			 nonce, stale ? ", stale=true" : "");
}

int sig_auth_check(const struct sip_msg *msg, bool proxy, char *user,
		   size_t usersz, const char *(*password)(const char *user))
{
	const struct sip_hdr *hdr;
	struct httpauth_digest_resp resp;
	const char *pw;
	uint8_t ha1[16];
	int err;

	user[0] = '\0';
	hdr = sip_msg_hdr(msg, proxy ? SIP_HDR_PROXY_AUTHORIZATION :
				       SIP_HDR_AUTHORIZATION);
	if (!hdr || hdr->val.l < 7 || strncasecmp(hdr->val.p, "Digest", 6))
		return ENOENT; /* none, or a scheme we do not know: challenge */
	if (httpauth_digest_response_decode(&resp, &hdr->val))
		return EAUTH;
	if (pl_strcmp(&resp.realm, SIG_REALM))
		return ENOENT;
	(void)pl_strcpy(&resp.username, user, usersz);
	if (resp.username.l >= usersz)
		return EAUTH;
	err = nonce_check(&resp.nonce);
	if (err)
		return err;
	pw = password(user);
	if (!pw)
		return EAUTH;
	err = md5_printf(ha1, "%r:%s:%s", &resp.username, SIG_REALM, pw);
	if (err)
		return err;
	err = httpauth_digest_response_auth(&resp, &msg->met, ha1);
	return err ? EAUTH : 0;
}
