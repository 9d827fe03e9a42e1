/*
 * med: media. Every call leg is anchored here: one RTP/RTCP socket pair per
 * leg from --rtp-ports, an SDP session for offer/answer (the SIP layer hands
 * the bodies to libre's sipsess), G.711 PCMU/PCMA at ptime 20 and RFC 4733
 * telephone-event. A leg can play a prompt (once or looped, e.g. music on
 * hold), be bridged to another leg (the server relays, transcoding
 * PCMU<->PCMA when the two legs differ), report DTMF (RFC 4733, in-band,
 * or injected from SIP INFO: one event path), and reports RTP timeouts.
 *
 * Threading: every function here runs on the main loop (libre's re_main)
 * only. Prompt loading, speech synthesis and recording run on med's worker
 * thread and come back through an mqueue; callers never block. RTP is
 * received and relayed on med's own media thread (med_io.c), which can
 * run at real-time priority (--media-priority); its events (digits, first
 * RTP) reach the leg's handler on the main loop like every other.
 *
 * Timing: one periodic 20 ms tick drives playback for all legs (no timer
 * per leg). Relayed packets are forwarded as they arrive, not on the tick.
 *
 * Typical use by the SIP layer (sipsess):
 *   inbound INVITE:  med_leg_alloc(&leg, &laddr, ev_h, call);
 *                    med_leg_answer(leg, msg->mb, &answer) -> 200 OK body
 *                    (ENOTSUP: no common codec -> 488)
 *   outbound INVITE: med_leg_alloc(); med_leg_offer(leg, &offer) -> INVITE
 *                    body; sipsess answer handler: med_leg_apply_answer()
 *   re-INVITE (sipsess offer handler): body present -> med_leg_answer(),
 *                    else med_leg_offer() (the ACK's body then goes to
 *                    med_leg_apply_answer()). After it, med_leg_rdir() says
 *                    whether the peer put us on hold (SENDONLY/INACTIVE).
 *   INFO with DTMF:  med_leg_dtmf_inject(leg, digit)
 *   bridge:          med_leg_bridge(caller, agent); hang up: mem_deref(leg)
 */
#ifndef MED_MED_H
#define MED_MED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/cc.h"

struct sa;
struct mbuf;
struct med_leg;
struct med_prompt;

/* --- Module ------------------------------------------------------------ */

/*
 * Starts the media module: the 20 ms tick, the worker thread, the prompt
 * cache under <cfg->data>/prompts/ and the music-on-hold file (generated at
 * first start into <data>/prompts/moh.wav). Uses cfg->rtp_min/rtp_max,
 * cfg->rtp_timeout and cfg->public_addr (copied). Main-loop thread only.
 */
int med_init(const struct cc_config *cfg);
/* Stops the tick and the worker (waits for pending recordings to be
 * flushed). Every leg must have been released before. */
void med_close(void);

/* --- Events ------------------------------------------------------------ */

enum med_event_type {
	MED_EVENT_RTP_FIRST,   /* first RTP packet received on the leg */
	MED_EVENT_RTP_TIMEOUT, /* no RTP/RTCP for cfg->rtp_timeout seconds
				* while the peer should be sending: the leg
				* is dead (reported once) */
	MED_EVENT_DTMF,	       /* a digit: ev->digit, ev->dtmf_source */
	MED_EVENT_PLAY_DONE,   /* a prompt played to its end (not for a
				* looped one, nor after med_leg_stop) */
	MED_EVENT_PLAY_FAILED, /* the prompt could not be loaded or
				* synthesised: ev->err */
};

enum med_dtmf_source {
	MED_DTMF_RFC4733, /* RTP telephone-event */
	MED_DTMF_INBAND,  /* tones in the audio (Goertzel) */
	MED_DTMF_INFO,	  /* injected by the SIP layer (SIP INFO) */
};

struct med_event {
	enum med_event_type type;
	char digit;			  /* DTMF: '0'-'9', '*', '#', 'A'-'D' */
	enum med_dtmf_source dtmf_source; /* DTMF */
	uint32_t play_id;		  /* PLAY_*: what med_leg_play gave */
	int err;			  /* PLAY_FAILED: errno value */
};

/*
 * Called on the main loop for each event of a leg. The handler may release
 * the leg (mem_deref) or bridge/play on it.
 */
typedef void(med_event_h)(struct med_leg *leg, const struct med_event *ev,
			  void *arg);

/* --- Legs -------------------------------------------------------------- */

/* SDP directions (same values as libre's enum sdp_dir). */
enum med_dir {
	MED_DIR_INACTIVE = 0,
	MED_DIR_RECVONLY = 1,
	MED_DIR_SENDONLY = 2,
	MED_DIR_SENDRECV = 3,
};

/*
 * Allocates a leg: binds an RTP/RTCP port pair (even/odd) from --rtp-ports
 * on the IP of --sip or, when that is a wildcard, on the wildcard of
 * laddr's family (IPv4 when laddr is NULL). laddr is our address toward
 * the peer (sig_laddr_for; port ignored; NULL when unknown). The SDP
 * connection address is --public-addr if set, else laddr's IP, else the
 * IP of --sip, else the default source address: never a wildcard. eh/arg
 * receive the leg's events.
 * Returns a new reference in *legp; EADDRINUSE when the range is full.
 */
int med_leg_alloc(struct med_leg **legp, const struct sa *laddr,
		  med_event_h *eh, void *arg);

/*
 * Encodes an SDP offer (PCMU, PCMA, telephone-event 0-15, ptime 20, the
 * local direction set by med_leg_set_dir). *sdpp: new mbuf reference,
 * positioned at 0. Call again for a re-INVITE offer.
 */
int med_leg_offer(struct med_leg *leg, struct mbuf **sdpp);

/*
 * Takes a remote offer (read from offer->pos, which is left unchanged) and
 * encodes the answer into *answerp (new reference). Picks the first of the
 * offerer's formats we support (PCMU or PCMA) and telephone-event if
 * offered. The remote direction becomes med_leg_rdir(); our answer's
 * direction is the local direction narrowed to it (sendonly -> recvonly).
 * Returns EBADMSG if the body does not parse, ENOTSUP if there is no audio
 * stream with PCMU or PCMA (answer 488); the leg is unchanged then.
 */
int med_leg_answer(struct med_leg *leg, struct mbuf *offer,
		   struct mbuf **answerp);

/* Takes the remote answer to our last offer. EBADMSG / ENOTSUP as above. */
int med_leg_apply_answer(struct med_leg *leg, struct mbuf *answer);

/*
 * Sets the local direction for the next offer/answer: MED_DIR_SENDONLY or
 * MED_DIR_INACTIVE to put the peer on hold, MED_DIR_SENDRECV to resume
 * (then call med_leg_offer and send a re-INVITE).
 */
void med_leg_set_dir(struct med_leg *leg, enum med_dir dir);
/* The direction the peer asked for in its last SDP (SENDRECV before any):
 * SENDONLY or INACTIVE means the peer has put this leg on hold. */
enum med_dir med_leg_rdir(const struct med_leg *leg);

/* "PCMU" or "PCMA" once negotiated, else NULL. */
const char *med_leg_codec(const struct med_leg *leg);
/* The local RTP address (bound IP and port). */
const struct sa *med_leg_laddr(const struct med_leg *leg);

struct med_leg_stats {
	uint64_t rx_packets; /* RTP packets accepted */
	uint64_t tx_packets; /* RTP packets sent (played or relayed) */
	uint64_t relayed;    /* of tx_packets: relayed from the bridge */
	uint64_t rx_dropped; /* malformed, unknown payload type */
	uint64_t dtmf;	     /* digits reported */
};
void med_leg_stats_get(const struct med_leg *leg, struct med_leg_stats *st);

/* --- Playback ---------------------------------------------------------- */

/*
 * A prompt: audio converted once to 8 kHz 16-bit mono and cached in memory
 * (by path, or by voice+text). Getting one never blocks: loading runs on
 * the worker; a leg asked to play a prompt that is not ready yet starts it
 * when it is. References: the functions return a new reference; the cache
 * keeps prompts alive until med_close.
 */
/* A WAV (or any format libsndfile reads, any sample rate/channels). */
int med_prompt_file(struct med_prompt **pp, const char *path);
/*
 * Text rendered by espeak-ng (voice NULL = "en"), cached as WAV in
 * <data>/prompts/tts-<key>.wav so that a second use, even after a restart,
 * costs no synthesis.
 */
int med_prompt_text(struct med_prompt **pp, const char *voice,
		    const char *text);
/* The music on hold (<data>/prompts/moh.wav, generated at first start). */
int med_prompt_moh(struct med_prompt **pp);
/* Drops p from the cache (the next use loads it again); those holding a
 * reference keep it. For audio used once (a voicemail to its agent). */
void med_prompt_forget(struct med_prompt *p);
/* True once loaded; *errp (optional) set if loading failed. */
bool med_prompt_ready(const struct med_prompt *p, int *errp);
/* Length in milliseconds (0 until ready). */
uint32_t med_prompt_duration_ms(const struct med_prompt *p);

/*
 * Plays prompt p on the leg from its start, replacing what was playing (no
 * event for the replaced one). loop: repeat until med_leg_stop. While a
 * bridged leg plays, what the other leg sends is not relayed to it (music
 * for a caller on hold); relaying resumes when the prompt ends or stops.
 * Borrows p (holds its own reference). *idp (optional) identifies this play
 * in MED_EVENT_PLAY_DONE/FAILED.
 */
int med_leg_play(struct med_leg *leg, struct med_prompt *p, bool loop,
		 uint32_t *idp);
/* Stops playback (no PLAY_DONE). No-op when nothing plays. */
void med_leg_stop(struct med_leg *leg);
/* True while a prompt plays (or waits to be ready). */
bool med_leg_playing(const struct med_leg *leg);

/* --- Bridge ------------------------------------------------------------ */

/*
 * Bridges a and b: what one sends is relayed to the other, transcoded when
 * their codecs differ, RFC 4733 events relayed when both negotiated
 * telephone-event (and still reported as DTMF events). Stops playback on
 * both. A leg already bridged elsewhere is unbridged first. In-band DTMF
 * detection pauses on bridged legs (it costs per packet; RFC 4733 and INFO
 * still report). EINVAL if a == b.
 */
int med_leg_bridge(struct med_leg *a, struct med_leg *b);
/* Ends the bridge of leg (both sides). Releasing a leg also unbridges it. */
void med_leg_unbridge(struct med_leg *leg);
/* The leg bridged to leg, or NULL (borrowed). */
struct med_leg *med_leg_peer(const struct med_leg *leg);
/* Mute: what leg receives (audio and RFC 4733 events) is no longer
 * relayed to its bridged peer until unmuted; the peer hears silence (no
 * packets), recording and DTMF detection on leg go on. Holds for the
 * current bridge: med_leg_bridge starts both legs unmuted (an agent muted
 * for the caller is heard by the colleague they consult). */
void med_leg_mute(struct med_leg *leg, bool mute);
bool med_leg_muted(const struct med_leg *leg);

/* --- Recording (med_rec.c) ------------------------------------------- */

/*
 * What the leg receives goes to a WAV file at path (8 kHz 16-bit mono,
 * directories made as needed) until med_leg_record_stop, max_ms of audio,
 * or med_rec_close. Files are written by a thread of their own, the
 * header kept valid after every write. h runs on the main loop once the
 * file is closed (err 0 or EIO; ms: the audio's length), also when the
 * leg was released meanwhile (the recording holds a reference to it only
 * while receiving). EALREADY: the leg records already.
 */
typedef void(med_rec_done_h)(int err, const char *path, uint32_t ms,
			     void *arg);
int med_leg_record_start(struct med_leg *leg, const char *path,
			 uint32_t max_ms, med_rec_done_h *h, void *arg);
/* Ends the leg's recording (its handler follows). ENOENT: none. */
int med_leg_record_stop(struct med_leg *leg);
bool med_leg_recording(const struct med_leg *leg);
/* Ends every recording, waits until the files are closed and runs their
 * handlers (before the calls' owners go away at shutdown). */
void med_rec_close(void);

/* --- DTMF -------------------------------------------------------------- */

/* Reports a digit received by other means (SIP INFO) through the leg's
 * event path as MED_EVENT_DTMF with MED_DTMF_INFO. EINVAL for a character
 * that is not a DTMF digit. The event is delivered before this returns. */
int med_leg_dtmf_inject(struct med_leg *leg, char digit);

#endif
