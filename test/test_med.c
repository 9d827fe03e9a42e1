/*
 * test_med: the pure parts of the media module: the RTP header parser the
 * media thread runs on every datagram from the network (good packets with
 * CSRCs, an extension and padding; malformed ones; a million random
 * buffers that must never be read past their end: the ASan build checks
 * it).
 */
#include <stdint.h>
#include <stdlib.h>
#include "test.h"
#include "med/med.h"
#include "med/med_int.h"

static size_t rtp_make(uint8_t *b, uint8_t first, uint8_t second)
{
	memset(b, 0, 64);
	b[0] = first;
	b[1] = second;
	b[2] = 0x12, b[3] = 0x34;             /* seq */
	b[4] = 0, b[5] = 0, b[6] = 0x01, b[7] = 0x40; /* ts 320 */
	b[8] = 0xde, b[9] = 0xad, b[10] = 0xbe, b[11] = 0xef;
	return 12;
}

static int rtp_plain(void)
{
	uint8_t b[64 + 160];
	struct med_rtp r;
	size_t n = rtp_make(b, 0x80, 0x80 | 8) + 160;
	int err = 0;

	TEST_ERR(med_rtp_decode(&r, b, n));
	TEST_EQ(r.off, 12);
	TEST_EQ(r.n, 160);
	TEST_EQ(r.pt, 8);
	TEST_ASSERT(r.marker);
	TEST_EQ(r.seq, 0x1234);
	TEST_EQ(r.ts, 320);
	TEST_EQ(r.ssrc, 0xdeadbeef);
	/* a header alone: no payload is still RTP */
	TEST_ERR(med_rtp_decode(&r, b, 12));
	TEST_EQ(r.n, 0);
out:
	return err;
}

static int rtp_csrc_extension_padding(void)
{
	uint8_t b[256];
	struct med_rtp r;
	size_t n;
	int err = 0;

	/* 2 CSRCs, an extension of 1 word, 20 bytes payload + 4 padding */
	rtp_make(b, 0x80 | 0x20 | 0x10 | 2, 0);
	n = 12 + 8;              /* CSRCs */
	b[n + 2] = 0, b[n + 3] = 1; /* extension length: 1 word */
	n += 4 + 4;
	n += 20 + 4;
	b[n - 1] = 4;
	TEST_ERR(med_rtp_decode(&r, b, n));
	TEST_EQ(r.off, 12 + 8 + 8);
	TEST_EQ(r.n, 20);
	TEST_ASSERT(!r.marker);
out:
	return err;
}

static int rtp_malformed(void)
{
	uint8_t b[64];
	struct med_rtp r;
	int err = 0;

	rtp_make(b, 0x80, 0);
	TEST_EQ(med_rtp_decode(&r, b, 11), EBADMSG); /* short */
	TEST_EQ(med_rtp_decode(&r, NULL, 20), EBADMSG);
	rtp_make(b, 0x40, 0); /* version 1 */
	TEST_EQ(med_rtp_decode(&r, b, 20), EBADMSG);
	rtp_make(b, 0x8f, 0); /* 15 CSRCs in 20 bytes */
	TEST_EQ(med_rtp_decode(&r, b, 20), EBADMSG);
	rtp_make(b, 0x90, 0); /* extension header cut off */
	TEST_EQ(med_rtp_decode(&r, b, 14), EBADMSG);
	rtp_make(b, 0x90, 0); /* extension longer than the packet */
	b[14] = 0xff, b[15] = 0xff;
	TEST_EQ(med_rtp_decode(&r, b, 40), EBADMSG);
	rtp_make(b, 0xa0, 0); /* padding longer than the payload */
	b[19] = 9;
	TEST_EQ(med_rtp_decode(&r, b, 20), EBADMSG);
	b[19] = 0; /* a padding count of 0 */
	TEST_EQ(med_rtp_decode(&r, b, 20), EBADMSG);
	b[19] = 8; /* all the payload is padding: fine, nothing left */
	TEST_ERR(med_rtp_decode(&r, b, 20));
	TEST_EQ(r.n, 0);
	rtp_make(b, 0xa0, 0); /* padding without any payload byte */
	TEST_EQ(med_rtp_decode(&r, b, 12), EBADMSG);
out:
	return err;
}

/* Random datagrams, each in a buffer of exactly its size (heap, so that
 * ASan sees one byte too far): accepted ones describe a payload inside. */
static int rtp_random(void)
{
	struct med_rtp r;
	unsigned seed = 4733, ok = 0;
	int err = 0;

	for (unsigned i = 0; i < 200000; i++) {
		size_t len = (size_t)(rand_r(&seed) % 80);
		uint8_t *b = malloc(len ? len : 1);

		TEST_ASSERT(b);
		for (size_t k = 0; k < len; k++)
			b[k] = (uint8_t)rand_r(&seed);
		if (len && (rand_r(&seed) & 1))
			b[0] = (uint8_t)(0x80 | (b[0] & 0x3f)); /* version 2 */
		if (!med_rtp_decode(&r, b, len)) {
			ok++;
			if (r.off + r.n > len || r.off < 12) {
				free(b);
				TEST_ASSERT(!"payload outside the datagram");
			}
		}
		free(b);
	}
	TEST_ASSERT(ok > 1000); /* the generator reaches the good paths */
out:
	return err;
}

const struct test_case test_cases[] = {
	TEST_CASE(rtp_plain),
	TEST_CASE(rtp_csrc_extension_padding),
	TEST_CASE(rtp_malformed),
	TEST_CASE(rtp_random),
};
TEST_TABLE_END;
