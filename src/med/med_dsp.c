/*
 * med_dsp: the pure signal helpers of the media module. G.711 encode and
 * decode over librem's tables plus direct PCMU<->PCMA byte tables (a relay
 * transcodes with one table lookup per byte, no PCM in between), the
 * conversion of any audio to 8 kHz mono (libsamplerate), RFC 4733 payload
 * decoding with the receiver state that turns a stream of event packets
 * into one digit, the prompt cache key, and the generated music on hold.
 * No I/O, no clock: test/test_med.c tests these directly.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include <rem.h>
#include <samplerate.h>
#include <sodium.h>
#include "med/med_int.h"

uint8_t med_u2a[256];
uint8_t med_a2u[256];
static bool dsp_ready;

void med_dsp_init(void)
{
	int i;

	if (dsp_ready)
		return;
	for (i = 0; i < 256; i++) {
		med_u2a[i] = g711_pcm2alaw(g711_ulaw2pcm((uint8_t)i));
		med_a2u[i] = g711_pcm2ulaw(g711_alaw2pcm((uint8_t)i));
	}
	dsp_ready = true;
}

void med_g711_encode(enum med_codec codec, uint8_t *out, const int16_t *in,
		     size_t n)
{
	size_t i;

	if (codec == MED_CODEC_PCMA) {
		for (i = 0; i < n; i++)
			out[i] = g711_pcm2alaw(in[i]);
	}
	else {
		for (i = 0; i < n; i++)
			out[i] = g711_pcm2ulaw(in[i]);
	}
}

void med_g711_decode(enum med_codec codec, int16_t *out, const uint8_t *in,
		     size_t n)
{
	size_t i;

	if (codec == MED_CODEC_PCMA) {
		for (i = 0; i < n; i++)
			out[i] = g711_alaw2pcm(in[i]);
	}
	else {
		for (i = 0; i < n; i++)
			out[i] = g711_ulaw2pcm(in[i]);
	}
}

int med_dsp_to8k(int16_t **outp, size_t *outnp, const float *in,
		 size_t frames, unsigned channels, double srate)
{
	float *mono = NULL, *res = NULL;
	int16_t *out = NULL;
	size_t i, outn;
	SRC_DATA sd;
	unsigned c;
	int err = 0;

	if (!outp || !outnp || (!in && frames) || !channels || srate < 1000 ||
	    srate > 384000)
		return EINVAL;

	mono = malloc((frames ? frames : 1) * sizeof(*mono));
	if (!mono)
		return ENOMEM;
	for (i = 0; i < frames; i++) {
		float s = 0;

		for (c = 0; c < channels; c++)
			s += in[i * channels + c];
		mono[i] = s / (float)channels;
	}

	if (srate == MED_SRATE) {
		res = mono;
		mono = NULL;
		outn = frames;
	}
	else {
		double ratio = MED_SRATE / srate;
		size_t cap = (size_t)ceil((double)frames * ratio) + 64;

		res = malloc(cap * sizeof(*res));
		if (!res) {
			err = ENOMEM;
			goto out;
		}
		memset(&sd, 0, sizeof(sd));
		sd.data_in = mono;
		sd.input_frames = (long)frames;
		sd.data_out = res;
		sd.output_frames = (long)cap;
		sd.src_ratio = ratio;
		if (frames && src_simple(&sd, SRC_SINC_MEDIUM_QUALITY, 1)) {
			err = EINVAL;
			goto out;
		}
		outn = (size_t)sd.output_frames_gen;
	}

	out = malloc((outn ? outn : 1) * sizeof(*out));
	if (!out) {
		err = ENOMEM;
		goto out;
	}
	for (i = 0; i < outn; i++) {
		float v = res[i] * 32767.0f;

		if (v > 32767.0f)
			v = 32767.0f;
		else if (v < -32768.0f)
			v = -32768.0f;
		out[i] = (int16_t)lrintf(v);
	}
	*outp = out;
	*outnp = outn;
	out = NULL;
out:
	free(out);
	free(res);
	free(mono);
	return err;
}

int med_telev_decode(struct med_telev *ev, const uint8_t *p, size_t n)
{
	if (!ev || !p)
		return EINVAL;
	if (n < 4)
		return EBADMSG;
	ev->event = p[0];
	ev->end = (p[1] & 0x80) != 0;
	ev->volume = p[1] & 0x3f;
	ev->duration = (uint16_t)((p[2] << 8) | p[3]);
	return 0;
}

static const char telev_digits[] = "0123456789*#ABCD";

char med_telev_digit(uint8_t event)
{
	return event < 16 ? telev_digits[event] : 0;
}

int med_telev_code(char digit)
{
	const char *p;

	if (digit >= 'a' && digit <= 'd')
		digit = (char)(digit - 'a' + 'A');
	if (!digit)
		return -1;
	p = strchr(telev_digits, digit);
	return p ? (int)(p - telev_digits) : -1;
}

char med_telev_rx_packet(struct med_telev_rx *rx, uint32_t rtp_ts,
			 const uint8_t *p, size_t n)
{
	struct med_telev ev;
	bool fresh;

	if (!rx || med_telev_decode(&ev, p, n))
		return 0;
	/* One event = one RTP timestamp (RFC 4733 2.5.1.2): every update
	 * and the end-bit retransmissions carry the start timestamp. */
	fresh = !rx->active || rx->ts != rtp_ts;
	if (!fresh)
		return 0;
	rx->active = true;
	rx->ts = rtp_ts;
	rx->ended = ev.end;
	return med_telev_digit(ev.event);
}

void med_prompt_key(char key[41], const char *voice, const char *text)
{
	static const char hex[] = "0123456789abcdef";
	crypto_generichash_state st;
	uint8_t md[20];
	size_t i;

	crypto_generichash_init(&st, NULL, 0, sizeof(md));
	voice = voice ? voice : "";
	text = text ? text : "";
	crypto_generichash_update(&st, (const uint8_t *)voice,
				  strlen(voice) + 1);
	crypto_generichash_update(&st, (const uint8_t *)text, strlen(text));
	crypto_generichash_final(&st, md, sizeof(md));
	for (i = 0; i < sizeof(md); i++) {
		key[2 * i] = hex[md[i] >> 4];
		key[2 * i + 1] = hex[md[i] & 15];
	}
	key[40] = '\0';
}

/*
 * Music on hold: I-vi-IV-V in C, two seconds a chord. Each chord is a soft
 * pad (root, third, fifth with a little second harmonic, slow attack and
 * release so chord changes do not click) under an arpeggio of plucked
 * notes an octave up, eight a chord with exponential decay. Every chord
 * starts and ends near zero, so the loop point is seamless.
 */
int med_dsp_moh(int16_t **outp, size_t *outnp, unsigned seconds)
{
	static const double chordv[4][3] = {
		{261.63, 329.63, 392.00}, /* C  */
		{220.00, 261.63, 329.63}, /* Am */
		{174.61, 220.00, 261.63}, /* F  */
		{196.00, 246.94, 293.66}, /* G  */
	};
	static const int arpv[8] = {0, 1, 2, 1, 0, 1, 2, 1};
	const size_t chord_len = 2 * MED_SRATE, note_len = chord_len / 8;
	int16_t *out;
	size_t i, n;

	if (!outp || !outnp || !seconds || seconds > 600)
		return EINVAL;
	/* Whole progressions only, so the loop ends on the cadence. */
	n = ((seconds + 7) / 8) * 4 * chord_len;
	out = malloc(n * sizeof(*out));
	if (!out)
		return ENOMEM;
	for (i = 0; i < n; i++) {
		size_t ci = (i / chord_len) % 4, pos = i % chord_len;
		size_t ni = pos / note_len, npos = pos % note_len;
		double t = (double)i / MED_SRATE;
		double tc = (double)pos / MED_SRATE;
		double tn = (double)npos / MED_SRATE;
		double env, pad = 0, pluck, f, v;
		int k;

		/* pad envelope: 0.3 s rise, 0.3 s fall */
		env = 1.0;
		if (tc < 0.3)
			env = tc / 0.3;
		else if (tc > 1.7)
			env = (2.0 - tc) / 0.3;
		env = env * env * (3 - 2 * env); /* smoothstep */
		for (k = 0; k < 3; k++) {
			f = chordv[ci][k];
			pad += sin(2 * M_PI * f * t) +
			       0.25 * sin(2 * M_PI * 2 * f * t);
		}
		pad *= env / 3.0;

		f = 2 * chordv[ci][arpv[ni]];
		pluck = sin(2 * M_PI * f * tn) * exp(-tn * 9.0);
		if (tn < 0.005)
			pluck *= tn / 0.005;
		/* fade the last note's tail before the chord boundary */
		if (ni == 7)
			pluck *= 1.0 - (double)npos / note_len;

		v = 0.22 * pad + 0.18 * pluck;
		out[i] = (int16_t)lrint(v * 32767.0);
	}
	*outp = out;
	*outnp = n;
	return 0;
}

/* --- RTP header (RFC 3550) ------------------------------------------------ */

int med_rtp_decode(struct med_rtp *r, const uint8_t *buf, size_t len)
{
	size_t off = 12;

	if (!r || !buf || len < 12 || (buf[0] >> 6) != 2)
		return EBADMSG;
	off += 4u * (buf[0] & 0x0f); /* CSRCs */
	if (off > len)
		return EBADMSG;
	if (buf[0] & 0x10) { /* extension: 4-byte header, length in words */
		if (off + 4 > len)
			return EBADMSG;
		off += 4 + 4u * ((size_t)buf[off + 2] << 8 | buf[off + 3]);
		if (off > len)
			return EBADMSG;
	}
	r->n = len - off;
	if (buf[0] & 0x20) { /* padding: the last byte counts it */
		if (!r->n || !buf[len - 1] || buf[len - 1] > r->n)
			return EBADMSG;
		r->n -= buf[len - 1];
	}
	r->off = off;
	r->marker = buf[1] & 0x80;
	r->pt = buf[1] & 0x7f;
	r->seq = (uint16_t)(buf[2] << 8 | buf[3]);
	r->ts = (uint32_t)buf[4] << 24 | (uint32_t)buf[5] << 16 |
		(uint32_t)buf[6] << 8 | buf[7];
	r->ssrc = (uint32_t)buf[8] << 24 | (uint32_t)buf[9] << 16 |
		  (uint32_t)buf[10] << 8 | buf[11];
	return 0;
}
