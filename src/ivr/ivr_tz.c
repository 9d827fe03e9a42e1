/*
 * ivr_tz.c: named time zones for business hours, without the C library's
 * process-wide TZ. The host (sig_ivr.c) reads a zone's TZif file once
 * (/usr/share/zoneinfo/NAME) and asks ivr_tzif_offset for the offset at
 * each instant; the interpreter only ever sees minutes east of UTC. Pure:
 * bytes in, an offset out.
 *
 * TZif (RFC 8536): a header ("TZif", version, six 32-bit counts) and a
 * data block of 32-bit times; version 2 and later repeat header and data
 * with 64-bit times, which we use when present. Data: transition times,
 * the local time type index of each, then the types (offset, isdst,
 * abbreviation index).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "ivr/ivr.h"

enum {
	TZ_HDR = 44,
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzhdr {
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static int hdr_read(struct tzhdr *h, const uint8_t *p, size_t n)
{
	if (n < TZ_HDR || memcmp(p, "TZif", 4))
		return EBADMSG;
	h->isutcnt = be32(p + 20);
	h->isstdcnt = be32(p + 24);
	h->leapcnt = be32(p + 28);
	h->timecnt = be32(p + 32);
	h->typecnt = be32(p + 36);
	h->charcnt = be32(p + 40);
	if (!h->typecnt || h->typecnt > 256 || h->timecnt > 100000 ||
	    h->leapcnt > 100000 || h->charcnt > 100000 ||
	    h->isutcnt > 256 || h->isstdcnt > 256)
		return EBADMSG;
	return 0;
}

static size_t block_len(const struct tzhdr *h, size_t tsz)
{
	return h->timecnt * tsz + h->timecnt + h->typecnt * 6 + h->charcnt +
	       h->leapcnt * (tsz + 4) + h->isstdcnt + h->isutcnt;
}

int ivr_tzif_offset(const uint8_t *data, size_t n, int64_t t, int *minutes)
{
	struct tzhdr h;
	const uint8_t *p = data, *times, *idx, *types;
	size_t tsz = 4, len;
	uint32_t type = 0;
	int err;

	if (!data || !minutes)
		return EINVAL;
	err = hdr_read(&h, p, n);
	if (err)
		return err;
	len = block_len(&h, 4);
	if (TZ_HDR + len > n)
		return EBADMSG;
	if (p[4] >= '2') { /* skip the v1 block: the 64-bit one follows */
		p += TZ_HDR + len;
		n -= TZ_HDR + len;
		err = hdr_read(&h, p, n);
		if (err)
			return err;
		tsz = 8;
		len = block_len(&h, 8);
		if (TZ_HDR + len > n)
			return EBADMSG;
	}
	times = p + TZ_HDR;
	idx = times + h.timecnt * tsz;
	types = idx + h.timecnt;
	/* Before the first transition: the first type (RFC 8536 3.2). The
	 * last transition at or before t decides otherwise. */
	for (uint32_t i = 0; i < h.timecnt; i++) {
		int64_t at = tsz == 8 ? be64(times + i * 8) :
					(int64_t)(int32_t)be32(times + i * 4);

		if (at > t)
			break;
		type = idx[i];
	}
	if (type >= h.typecnt)
		return EBADMSG;
	*minutes = (int32_t)be32(types + type * 6) / 60;
	return 0;
}

bool ivr_tz_name_ok(const char *name)
{
	size_t n;

	if (!name || !*name || *name == '/' || strstr(name, ".."))
		return false;
	n = strlen(name);
	if (n >= IVR_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || strchr("/_-+", c)))
			return false;
	}
	return true;
}
