/*
 * med private interface: shared between med.c (legs, tick, SDP, RTP),
 * med_prompt.c (prompt cache, worker thread), med_dsp.c (pure signal
 * helpers, tested directly by test/test_med.c) and med_rec.c (recording).
 */
#ifndef MED_MED_INT_H
#define MED_MED_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	MED_SRATE = 8000,
	MED_PTIME = 20,
	MED_FRAME = MED_SRATE * MED_PTIME / 1000, /* 160 samples */
	MED_PT_PCMU = 0,
	MED_PT_PCMA = 8,
	MED_PT_TELEV = 101, /* our telephone-event payload type */
};

/* --- med_dsp.c: pure helpers ------------------------------------------ */

enum med_codec {
	MED_CODEC_NONE = 0,
	MED_CODEC_PCMU,
	MED_CODEC_PCMA,
};

/* Tables filled by med_dsp_init (idempotent, not thread-safe on first
 * call: med_init calls it). */
extern uint8_t med_u2a[256];
extern uint8_t med_a2u[256];
void med_dsp_init(void);

void med_g711_encode(enum med_codec codec, uint8_t *out, const int16_t *in,
		     size_t n);
void med_g711_decode(enum med_codec codec, int16_t *out, const uint8_t *in,
		     size_t n);

/*
 * Converts interleaved float frames (any rate, any channels) to 8 kHz mono
 * int16 with libsamplerate. *outp: malloc'd, *outnp samples.
 */
int med_dsp_to8k(int16_t **outp, size_t *outnp, const float *in,
		 size_t frames, unsigned channels, double srate);

/* An RFC 4733 telephone-event payload. */
struct med_telev {
	uint8_t event;	   /* 0-15 digits, others ignored */
	bool end;	   /* E bit */
	uint8_t volume;	   /* -dBm0 */
	uint16_t duration; /* timestamp units */
};
int med_telev_decode(struct med_telev *ev, const uint8_t *p, size_t n);
/* '0'..'9','*','#','A'..'D' for events 0-15, else 0. */
char med_telev_digit(uint8_t event);
int med_telev_code(char digit);

/*
 * Receiver state for RFC 4733: one digit per event (identified by its RTP
 * timestamp), reported on its first packet; repeats and the three end-bit
 * retransmissions are swallowed. Returns the digit or 0.
 */
struct med_telev_rx {
	bool active;
	uint32_t ts;
	bool ended;
};
char med_telev_rx_packet(struct med_telev_rx *rx, uint32_t rtp_ts,
			 const uint8_t *p, size_t n);

/* Prompt cache key: lowercase hex SHA-1 of "voice\0text", 40 chars + NUL */
void med_prompt_key(char key[41], const char *voice, const char *text);

/*
 * Music on hold: a soft chord progression, 8 kHz int16 mono, seconds long.
 * *outp malloc'd.
 */
int med_dsp_moh(int16_t **outp, size_t *outnp, unsigned seconds);

/* --- med_prompt.c -------------------------------------------------------- */

struct med_prompt;

int med_prompt_init(const char *datadir);
void med_prompt_close(void);
/* Samples encoded for codec; n = number of bytes (= samples). NULL if not
 * ready. */
const uint8_t *med_prompt_payload(const struct med_prompt *p,
				  enum med_codec codec, size_t *np);

/* Worker thread: run() there, done() back on the main loop. */
struct med_job;
typedef void(med_job_h)(struct med_job *job);
struct med_job {
	struct med_job *next;
	med_job_h *run;
	med_job_h *done;
	void *arg;
	int err;
};
int med_worker_start(void);
void med_worker_stop(void);
/* Takes the job (it must live until done() has run; done frees it). */
void med_worker_push(struct med_job *job);

/* --- med_dsp.c: RTP header (RFC 3550) ------------------------------------ */

struct med_rtp {
	bool marker;
	uint8_t pt;
	uint16_t seq;
	uint32_t ts, ssrc;
	size_t off; /* the payload: buf + off, n bytes (padding removed) */
	size_t n;
};
/* Parses the header of a datagram of len bytes (version 2; CSRCs and an
 * extension skipped, padding checked and removed). EBADMSG when it is not
 * RTP or claims more than it holds. Pure. */
int med_rtp_decode(struct med_rtp *r, const uint8_t *buf, size_t len);

/* --- med_io.c: the media receive thread ---------------------------------- */

struct med_leg;
struct med_event;

/* Starts the media thread; priority > 0 asks for SCHED_FIFO at that
 * priority (refused without the privilege: then normal scheduling). */
int med_io_start(unsigned priority);
void med_io_stop(void);
/* Main loop: hands fd (leg's RTP socket, already off libre's loop) to the
 * media thread; *slotp names it. EMFILE when every slot is taken. */
int med_io_add(uint32_t *slotp, int fd, struct med_leg *leg);
/* Main loop: takes the socket back; nothing of the leg is read after. */
void med_io_remove(uint32_t slot);
/* The media lock: held by the media thread while it handles a socket's
 * datagrams, and by the main loop while it changes a leg. Not recursive. */
void med_io_lock(void);
void med_io_unlock(void);
/* Media thread, lock held: queues ev for slot's leg, delivered on the main
 * loop (dropped if the leg is gone by then). */
void med_io_event(uint32_t slot, const struct med_event *ev);
/* How long received datagrams stayed in the server (kernel receive time
 * to the end of their relay), since med_io_start. */
struct med_io_stats {
	uint64_t count;
	uint64_t p50_us, p99_us, max_us; /* 10 us steps */
};
void med_io_residence(struct med_io_stats *st);

/* --- med_rec.c: recording ------------------------------------------- */

/* Recordings receiving now: med.c calls med_rec_rx only when non-zero
 * (written by the main loop under the media lock). */
extern unsigned med_rec_active;
/* Media thread, media lock held: a received audio payload of leg (codec
 * as negotiated). */
void med_rec_rx(struct med_leg *leg, enum med_codec codec, const uint8_t *p,
		size_t n);

/* --- med.c --------------------------------------------------------------- */

/* Media thread, lock held: one datagram received on leg's RTP socket. */
void med_rx_packet(struct med_leg *leg, uint8_t *buf, size_t len);
/* Media thread, lock held: the 20 ms playback tick, due at due_us
 * (CLOCK_MONOTONIC microseconds). */
void med_tick(uint64_t due_us);
/* Main loop: delivers an event raised on the media thread. */
void med_leg_event(struct med_leg *leg, const struct med_event *ev);


/* What the tick measured since med_init (for bench/med and logs). */
struct med_tick_stats {
	uint64_t ticks;	      /* tick handler runs */
	uint64_t frames;      /* 20 ms frames due (>= ticks when late) */
	uint64_t late_ticks;  /* ran > 5 ms after the frame was due */
	uint64_t max_late_us; /* worst lateness */
	uint64_t busy_us;     /* time spent inside the tick */
	uint64_t played;      /* packets sent by playback */
	uint64_t relayed;     /* packets relayed between bridged legs */
	uint64_t received;    /* RTP packets received on all legs */
	uint64_t late_p50_us; /* tick lateness percentiles (0.1 ms steps) */
	uint64_t late_p99_us;
	uint32_t legs;	      /* live legs */
	uint32_t playing;     /* legs with a prompt */
};
void med_tick_stats_get(struct med_tick_stats *st);

#endif
