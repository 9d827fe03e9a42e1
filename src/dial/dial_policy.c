/*
 * dial_policy.c: the dial-out policy (see dial.h for the rules). Pure:
 * data in, a decision out. Prefix matching compares a prefix twice, in
 * E.164 and as written, so that administrators may write "+90", "0090"
 * or "011 90" habits alike; the longest match wins, deny first at equal
 * length, and a trunk's own prefixes come before the built-in defaults.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "crm/crm.h"
#include "dial/dial.h"

const char *const dial_builtin_deny[] = {
	/* NANP: premium, and the Caribbean codes billed as international */
	"+1900", "+1976", "+1242", "+1246", "+1264", "+1268", "+1284",
	"+1345", "+1441", "+1473", "+1649", "+1664", "+1721", "+1758",
	"+1767", "+1784", "+1809", "+1829", "+1849", "+1868", "+1869",
	"+1876",
	/* GB: premium (09), 087, personal numbers (070), directory (118) */
	"+449", "+4487", "+4470", "+44118",
	/* FR, DE, IT, ES premium ranges */
	"+3381", "+3382", "+3389", "+49900", "+49137", "+49118", "+39892",
	"+39899", "+34803", "+34806", "+34807", "+34905",
	/* international networks: satellite, international premium */
	"+870", "+881", "+882", "+883", "+979",
	NULL,
};

/* Codes that start an international number when dialled from the
 * country, whatever the home country is. */
static const char *const access_codes[] = {"0011", "000", "011", "010",
					   "00", NULL};

enum rank {
	RANK_BUILTIN_ALLOW = 1,
	RANK_BUILTIN_DENY,
	RANK_TRUNK_ALLOW,
	RANK_TRUNK_DENY,
};

enum kind {
	K_NONE,
	K_HOME,          /* built-in allow: the home calling code */
	K_INTERNATIONAL, /* built-in deny "+" */
	K_ACCESS,        /* built-in deny: an access code, bare number */
	K_PREMIUM,       /* built-in deny: dial_builtin_deny */
	K_ALLOW,         /* the trunk's allow */
	K_DENY,          /* the trunk's deny */
};

struct match {
	size_t len;
	enum rank rank;
	enum kind kind;
	const char *prefix; /* as written */
};

static const char *const purposev[] = {"callback", "agent_transfer",
				       "agent_consult", "ivr_transfer",
				       "campaign"};
static const char *const originv[] = {"untrusted", "trusted", "confirmed",
				      "staff"};

const char *dial_purpose_name(enum dial_purpose p)
{
	return (size_t)p < sizeof(purposev) / sizeof(*purposev) ?
		       purposev[p] : "?";
}

const char *dial_origin_name(enum dial_origin o)
{
	return (size_t)o < sizeof(originv) / sizeof(*originv) ? originv[o] :
								 "?";
}

static bool digits(const char *s, size_t min, size_t max)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (s[n] < '0' || s[n] > '9')
			return false;
	return n >= min && n <= max;
}

bool dial_number_ok(const char *number)
{
	if (!number)
		return false;
	return digits(number + (*number == '+'), 3, 20);
}

bool dial_prefix_ok(const char *prefix)
{
	if (!prefix)
		return false;
	if (!strcmp(prefix, "+"))
		return true;
	return digits(prefix + (*prefix == '+'), 1, 15);
}

static bool starts(const char *s, const char *prefix)
{
	return *prefix && !strncmp(s, prefix, strlen(prefix));
}

/* A prefix in E.164 where it says how: "+..." as is, the country's
 * international prefix for "+", its trunk prefix for "+CC"; otherwise
 * bare digits (a short number's start). */
static void prefix_norm(char *out, size_t sz, const char *p,
			const struct crm_country *c)
{
	if (*p == '+')
		(void)snprintf(out, sz, "%s", p);
	else if (starts(p, c->intl))
		(void)snprintf(out, sz, "+%s", p + strlen(c->intl));
	else if (starts(p, c->trunk))
		(void)snprintf(out, sz, "+%s%s", c->cc, p + strlen(c->trunk));
	else
		(void)snprintf(out, sz, "%s", p);
}

/* How long a match prefix p makes with the number (0: none). */
static size_t prefix_len(const char *p, const char *norm, const char *raw,
			 const struct crm_country *c)
{
	char pn[DIAL_PREFIX_MAX + 8];

	prefix_norm(pn, sizeof(pn), p, c);
	if (starts(norm, pn))
		return strlen(pn);
	if (starts(raw, p))
		return strlen(p);
	return 0;
}

static void consider(struct match *best, size_t len, enum rank rank,
		     enum kind kind, const char *prefix)
{
	if (!len)
		return;
	if (len < best->len || (len == best->len && rank <= best->rank))
		return;
	best->len = len;
	best->rank = rank;
	best->kind = kind;
	best->prefix = prefix;
}

int dial_check(struct dial_decision *d, const char *number,
	       enum dial_purpose purpose, enum dial_origin origin,
	       const struct dial_trunk *t, const struct crm_country *c)
{
	struct match best = {0, 0, K_NONE, NULL};
	const char *name;
	char home[8];

	if (!d || !t)
		return EINVAL;
	memset(d, 0, sizeof(*d));
	name = t->name ? t->name : "?";
	if (!c)
		c = crm_country_default();
	if (!dial_number_ok(number)) {
		(void)snprintf(d->reason, sizeof(d->reason),
			       "denied: '%.40s' is not a phone number",
			       number ? number : "");
		return EINVAL;
	}
	if (crm_phone_normalise(d->number, sizeof(d->number), number, c))
		(void)snprintf(d->number, sizeof(d->number), "%s", number);
	if (purpose == DIAL_CALLBACK && origin != DIAL_ORIGIN_TRUSTED &&
	    origin != DIAL_ORIGIN_CONFIRMED) {
		(void)snprintf(d->reason, sizeof(d->reason),
			       "denied: a callback goes only to a number "
			       "asserted by a trusted trunk or confirmed by "
			       "the caller (this one is %s)",
			       dial_origin_name(origin));
		return 0;
	}
	/* the built-in defaults */
	if (d->number[0] == '+') {
		(void)snprintf(home, sizeof(home), "+%s", c->cc);
		consider(&best, 1, RANK_BUILTIN_DENY, K_INTERNATIONAL, "+");
		consider(&best, starts(d->number, home) ? strlen(home) : 0,
			 RANK_BUILTIN_ALLOW, K_HOME, c->cc);
		for (size_t i = 0; dial_builtin_deny[i]; i++)
			consider(&best, starts(d->number, dial_builtin_deny[i])
					? strlen(dial_builtin_deny[i]) : 0,
				 RANK_BUILTIN_DENY, K_PREMIUM,
				 dial_builtin_deny[i]);
	}
	else {
		for (size_t i = 0; access_codes[i]; i++)
			consider(&best, starts(d->number, access_codes[i]) ?
					strlen(access_codes[i]) : 0,
				 RANK_BUILTIN_DENY, K_ACCESS, access_codes[i]);
	}
	/* the trunk's own lists */
	for (size_t i = 0; i < t->allowc; i++)
		if (t->allow[i] && *t->allow[i])
			consider(&best, prefix_len(t->allow[i], d->number,
						   number, c),
				 RANK_TRUNK_ALLOW, K_ALLOW, t->allow[i]);
	for (size_t i = 0; i < t->denyc; i++)
		if (t->deny[i] && *t->deny[i])
			consider(&best, prefix_len(t->deny[i], d->number,
						   number, c),
				 RANK_TRUNK_DENY, K_DENY, t->deny[i]);
	switch (best.kind) {
	case K_NONE:
		d->allowed = true;
		(void)snprintf(d->reason, sizeof(d->reason), "allowed: no "
			       "prefix of trunk %s matches (a national or "
			       "short number)", name);
		break;
	case K_HOME:
		d->allowed = true;
		(void)snprintf(d->reason, sizeof(d->reason), "allowed: a "
			       "national number (+%s) on trunk %s",
			       best.prefix, name);
		break;
	case K_ALLOW:
		d->allowed = true;
		(void)snprintf(d->reason, sizeof(d->reason), "allowed by "
			       "prefix %s of trunk %s", best.prefix, name);
		break;
	case K_DENY:
		(void)snprintf(d->reason, sizeof(d->reason), "denied by "
			       "prefix %s of trunk %s", best.prefix, name);
		break;
	case K_INTERNATIONAL:
		(void)snprintf(d->reason, sizeof(d->reason), "denied: "
			       "international, not allowed on trunk %s (the "
			       "default; an allow prefix permits it)", name);
		break;
	case K_ACCESS:
		(void)snprintf(d->reason, sizeof(d->reason), "denied: "
			       "international access code %s, not allowed "
			       "on trunk %s (the default; an allow prefix "
			       "permits it)", best.prefix, name);
		break;
	case K_PREMIUM:
		(void)snprintf(d->reason, sizeof(d->reason), "denied by "
			       "premium-rate prefix %s (the default of trunk "
			       "%s; an allow prefix permits it)", best.prefix,
			       name);
		break;
	}
	return 0;
}

int dial_route(struct dial_decision *d, const char *number,
	       enum dial_purpose purpose, enum dial_origin origin,
	       const struct dial_trunk *tv, size_t tc,
	       const struct crm_country *country)
{
	struct dial_decision first;
	int err;

	if (!d)
		return EINVAL;
	if (!tv || !tc) {
		memset(d, 0, sizeof(*d));
		(void)snprintf(d->reason, sizeof(d->reason),
			       "denied: no trunk allows outbound calls");
		return ENOENT;
	}
	for (size_t i = 0; i < tc; i++) {
		err = dial_check(d, number, purpose, origin, &tv[i], country);
		if (err)
			return err;
		if (d->allowed) {
			d->trunk = i;
			return 0;
		}
		if (!i)
			first = *d;
	}
	*d = first;
	return 0;
}
