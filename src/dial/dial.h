/*
 * dial: the one dial-out policy. Every call the center places to a number
 * outside it (a callback, an agent's blind transfer or consult to a
 * number, a flow's transfer to an outside number, later an outbound
 * campaign) is decided here before anything reaches a trunk: toll fraud
 * is a stranger making the center pay for a call anywhere.
 *
 * Pure: the caller passes the destination, the purpose, where the number
 * came from, the trunks' prefix lists and the home country; the answer is
 * allow or deny with a reason that names the rule. No I/O, no clock.
 *
 * Numbers and prefixes are compared in E.164 (crm_phone_normalise with
 * the phone-country setting) and as written, so a deny prefix "0090" and
 * "+90" both catch "00900123456". The longest matching prefix decides; at
 * equal length the trunk's deny beats its allow, which beats the built-in
 * defaults. Built-in defaults, which a trunk's allow prefix overrides
 * (an equal or longer one):
 *   - international: every E.164 number outside the home country's
 *     calling code ("+" denied, "+CC" of the home country allowed), and
 *     bare numbers starting with an international access code (00, 011,
 *     010, 0011, 000) that did not make an E.164 number;
 *   - premium-rate and high-cost ranges: dial_builtin_deny below (US/CA
 *     +1900 +1976 and the Caribbean NANP codes billed as international,
 *     GB +449 +4487 +4470 +44118, FR +3381 +3382 +3389, DE +49900 +49137
 *     +49118, IT +39892 +39899, ES +34803 +34806 +34807 +34905, and the
 *     international networks +870 +881 +882 +883 +979).
 * A callback goes only to a number asserted by a trusted trunk or keyed
 * in and confirmed by the caller in the IVR (dial_origin).
 */
#ifndef SB_DIAL_H
#define SB_DIAL_H

#include <stdbool.h>
#include <stddef.h>

struct crm_country;

enum {
	DIAL_NUMBER_MAX = 24,   /* "+" and up to 20 digits, NUL */
	DIAL_PREFIX_MAX = 16,   /* one prefix as written */
	DIAL_PREFIXES_MAX = 64, /* per list */
	DIAL_REASON_MAX = 192,
};

/* Why the center dials. */
enum dial_purpose {
	DIAL_CALLBACK,        /* a callback task taken by an agent */
	DIAL_AGENT_TRANSFER,  /* an agent's blind transfer to a number */
	DIAL_AGENT_CONSULT,   /* an agent's consult of a number */
	DIAL_IVR_TRANSFER,    /* a flow's transfer node, external */
	DIAL_CAMPAIGN,        /* an outbound campaign's attempt */
};

/* Where the number came from. */
enum dial_origin {
	DIAL_ORIGIN_UNTRUSTED, /* a caller's From, anything unverified */
	DIAL_ORIGIN_TRUSTED,   /* P-Asserted-Identity of a trusted trunk */
	DIAL_ORIGIN_CONFIRMED, /* keyed in and confirmed in the IVR */
	DIAL_ORIGIN_STAFF,     /* typed by an agent, set by an admin */
};

/* One outbound trunk's lists (borrowed strings). */
struct dial_trunk {
	const char *name;
	const char *const *allow;
	size_t allowc;
	const char *const *deny;
	size_t denyc;
};

struct dial_decision {
	bool allowed;
	size_t trunk;                  /* index in the trunk list */
	char number[DIAL_NUMBER_MAX];  /* normalised (E.164 or digits) */
	char reason[DIAL_REASON_MAX];  /* names the rule */
};

/* The built-in premium and high-cost prefixes (E.164), NULL-terminated. */
extern const char *const dial_builtin_deny[];

const char *dial_purpose_name(enum dial_purpose p);
const char *dial_origin_name(enum dial_origin o);

/* A destination as written to a trunk: optional '+', 3 to 20 digits. */
bool dial_number_ok(const char *number);
/* A prefix an administrator may write: "+" alone, or an optional '+'
 * then 1 to 15 digits. */
bool dial_prefix_ok(const char *prefix);

/*
 * Decides whether number may be dialled for purpose through trunk t,
 * country being the home country (NULL: the CRM's default). d gets the
 * decision, the normalised number and the reason. Returns 0 when decided
 * (see d->allowed), EINVAL when number is not a dialable number (d says
 * so, denied).
 */
int dial_check(struct dial_decision *d, const char *number,
	       enum dial_purpose purpose, enum dial_origin origin,
	       const struct dial_trunk *t,
	       const struct crm_country *country);

/*
 * The same over the outbound trunks tv[0..tc) in order: the first that
 * allows the number is chosen (d->trunk); when none does, d is the first
 * trunk's denial. ENOENT when tc is 0, EINVAL as dial_check.
 */
int dial_route(struct dial_decision *d, const char *number,
	       enum dial_purpose purpose, enum dial_origin origin,
	       const struct dial_trunk *tv, size_t tc,
	       const struct crm_country *country);

#endif
