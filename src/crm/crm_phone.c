/*
 * crm_phone.c: identities in one canonical form, so that a number typed
 * "(415) 555-0100" by an agent, sent "+14155550100" by a trunk and
 * imported "001 415 555 0100" from a spreadsheet are one identity. Phone
 * numbers become E.164 using a small table of countries (calling code,
 * trunk and international prefixes, national number lengths); numbers
 * too short to be national numbers stay bare digits (extensions, service
 * codes, test lines). E-mail addresses are lower-cased. Pure: no I/O.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "crm.h"
#include "crm_int.h"

static const struct crm_country countryv[] = {
	{"US", "1", "1", "011", 10, 10},   {"CA", "1", "1", "011", 10, 10},
	{"GB", "44", "0", "00", 9, 10},    {"IE", "353", "0", "00", 7, 9},
	{"FR", "33", "0", "00", 9, 9},     {"DE", "49", "0", "00", 6, 13},
	{"AT", "43", "0", "00", 4, 13},    {"CH", "41", "0", "00", 9, 9},
	{"BE", "32", "0", "00", 8, 9},     {"NL", "31", "0", "00", 9, 9},
	{"LU", "352", "", "00", 4, 11},    {"ES", "34", "", "00", 9, 9},
	{"PT", "351", "", "00", 9, 9},     {"IT", "39", "", "00", 6, 11},
	{"DK", "45", "", "00", 8, 8},      {"NO", "47", "", "00", 8, 8},
	{"SE", "46", "0", "00", 7, 9},     {"FI", "358", "0", "00", 5, 12},
	{"PL", "48", "", "00", 9, 9},      {"CZ", "420", "", "00", 9, 9},
	{"GR", "30", "", "00", 10, 10},    {"RO", "40", "0", "00", 9, 9},
	{"AU", "61", "0", "0011", 9, 9},   {"NZ", "64", "0", "00", 8, 10},
	{"IN", "91", "0", "00", 10, 10},   {"JP", "81", "0", "010", 9, 10},
	{"CN", "86", "0", "00", 10, 11},   {"SG", "65", "", "000", 8, 8},
	{"BR", "55", "0", "00", 10, 11},   {"MX", "52", "", "00", 10, 10},
	{"AR", "54", "0", "00", 10, 10},   {"ZA", "27", "0", "00", 9, 9},
	{"IL", "972", "0", "00", 8, 9},    {"AE", "971", "0", "00", 8, 9},
};

static const struct crm_country *country_dflt = &countryv[0];

const struct crm_country *crm_country_find(const char *iso)
{
	for (size_t i = 0; iso && i < sizeof(countryv) / sizeof(*countryv);
	     i++)
		if (!strcasecmp(countryv[i].iso, iso))
			return &countryv[i];
	return NULL;
}

const struct crm_country *crm_country_default(void)
{
	return country_dflt;
}

void crm_country_default_set(const struct crm_country *c)
{
	country_dflt = c ? c : &countryv[0];
}

static bool starts(const char *s, const char *prefix)
{
	return *prefix && !strncmp(s, prefix, strlen(prefix));
}

int crm_phone_normalise(char *out, size_t sz, const char *in,
			const struct crm_country *c)
{
	char d[40];
	size_t n = 0, len;
	bool plus = false;
	const char *s = in, *end;

	if (!out || !sz || !in)
		return EINVAL;
	if (!c)
		c = country_dflt;
	if (!strncasecmp(s, "sip:", 4) || !strncasecmp(s, "tel:", 4))
		s += 4;
	else if (!strncasecmp(s, "sips:", 5))
		s += 5;
	end = s + strcspn(s, "@;");
	while (s < end && isspace((unsigned char)*s))
		s++;
	if (s < end && *s == '+') {
		plus = true;
		s++;
	}
	for (; s < end; s++) {
		if (isdigit((unsigned char)*s)) {
			if (n + 1 >= sizeof(d))
				return EINVAL;
			d[n++] = *s;
		}
		else if (!strchr(" \t-.()/", *s))
			return EINVAL;
	}
	d[n] = '\0';
	if (n < 3 || n > 15 + strlen(c->intl))
		return EINVAL;
	if (!plus && starts(d, c->intl)) {
		memmove(d, d + strlen(c->intl), n - strlen(c->intl) + 1);
		n -= strlen(c->intl);
		plus = true;
	}
	if (plus) {
		if (n < 7 || n > 15 || d[0] == '0')
			return EINVAL;
		return snprintf(out, sz, "+%s", d) < (int)sz ? 0 : EINVAL;
	}
	/* A national number: with the trunk prefix, or without it. */
	len = n;
	s = d;
	if (starts(d, c->trunk) && len - strlen(c->trunk) >= c->nsn_min &&
	    len - strlen(c->trunk) <= c->nsn_max) {
		s += strlen(c->trunk);
		len -= strlen(c->trunk);
	}
	/* A national number starts with 0 only where 0 is not the trunk
	 * prefix (Italy: +39 06...). */
	if (len >= c->nsn_min && len <= c->nsn_max &&
	    (*s != '0' || !*c->trunk) &&
	    strlen(c->cc) + len <= 15)
		return snprintf(out, sz, "+%s%s", c->cc, s) < (int)sz ? 0
								   : EINVAL;
	if (n > 15)
		return EINVAL;
	/* Too short or long for this country: a short number as dialled. */
	return snprintf(out, sz, "%s", d) < (int)sz ? 0 : EINVAL;
}

static int text_normalise(char *out, size_t sz, const char *in, bool lower)
{
	const char *s = in, *e;
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	n = (size_t)(e - s);
	if (!n || n > CRM_IDENT_MAX || n >= sz)
		return EINVAL;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 0x20 || ch == 0x7f)
			return EINVAL;
		out[i] = lower && ch < 0x80 ? (char)tolower(ch) : (char)ch;
	}
	out[n] = '\0';
	return 0;
}

int crm_identity_normalise(char *out, size_t sz, const char *kind,
			   const char *in)
{
	const char *at, *dot;
	int err;

	if (!kind || !in)
		return EINVAL;
	if (!strcmp(kind, "phone"))
		return crm_phone_normalise(out, sz, in, NULL);
	if (!strcmp(kind, "email")) {
		err = text_normalise(out, sz, in, true);
		if (err)
			return err;
		at = strchr(out, '@');
		if (!at || at == out || strchr(at + 1, '@') ||
		    strpbrk(out, " \t,;<>\"") || !(dot = strrchr(at, '.')) ||
		    dot == at + 1 || !dot[1])
			return EINVAL;
		return 0;
	}
	if (!strcmp(kind, "chat") || !strcmp(kind, "messaging") ||
	    !strcmp(kind, "account"))
		return text_normalise(out, sz, in, false);
	return EINVAL;
}

bool crm_identity_kind_ok(const char *kind)
{
	static const char *const kinds[] = {"phone", "email", "chat",
					    "messaging", "account", NULL};

	for (size_t i = 0; kind && kinds[i]; i++)
		if (!strcmp(kind, kinds[i]))
			return true;
	return false;
}

static bool word_char(unsigned char ch)
{
	return isalnum(ch) || ch >= 0x80;
}

size_t crm_words(char wordv[][CRM_WORD_MAX + 1], size_t max,
		 const char *text)
{
	size_t n = 0;
	const char *s = text;

	while (s && *s && n < max) {
		const char *start;
		size_t len;
		bool dup = false;

		while (*s && !word_char((unsigned char)*s))
			s++;
		if (!*s)
			break;
		for (start = s; *s && word_char((unsigned char)*s); s++)
			;
		len = (size_t)(s - start);
		if (len > CRM_WORD_MAX) {
			/* Cut on a character boundary, not inside UTF-8. */
			len = CRM_WORD_MAX;
			while (len && ((unsigned char)start[len] & 0xc0) == 0x80)
				len--;
		}
		for (size_t i = 0; i < len; i++) {
			unsigned char ch = (unsigned char)start[i];

			/* Latin-1 capitals (U+00C0-U+00DE but the sign
			 * U+00D7) lower-cased too: Å, É, Ö. */
			if (i && (unsigned char)start[i - 1] == 0xc3 &&
			    ch >= 0x80 && ch <= 0x9e && ch != 0x97)
				ch = (unsigned char)(ch + 0x20);
			wordv[n][i] = (char)tolower(ch);
		}
		wordv[n][len] = '\0';
		for (size_t i = 0; i < n && !dup; i++)
			dup = !strcmp(wordv[i], wordv[n]);
		if (len && !dup)
			n++;
	}
	return n;
}
