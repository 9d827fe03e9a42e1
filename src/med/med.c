/*
 * med.c: legs, the tick, SDP, RTP relay and DTMF (see med.h).
 *
 * A leg owns one libre RTP socket (RTP port even, RTCP the next one) from
 * --rtp-ports and one SDP session with a single audio stream offering
 * PCMU, PCMA and telephone-event. The RTP socket is read by the media
 * thread (med_io.c), not by libre's loop; RTP is written here, header
 * included, straight to the socket (libre keeps only RTCP and the port).
 * Received packets are handled at once, on the media thread:
 * RFC 4733 events become digits (and are relayed when the bridged peer
 * negotiated telephone-event); audio is relayed to the bridged peer as it
 * arrives, with a byte-table PCMU<->PCMA conversion when the two legs
 * differ, unless the peer is playing a prompt (music for a caller on hold);
 * legs that are not bridged run librem's in-band DTMF decoder.
 *
 * One periodic 20 ms tick (not a timer per leg), run by the media thread
 * under the media lock, sends the next frame of every playing leg,
 * catching up on frames it is late for; a prompt that ends is reported to
 * the main loop, which releases it. Once a second the main loop checks
 * every leg for RTP timeouts; events it raises are delivered after the
 * sweep, so a handler may release any leg.
 *
 * Threads: the main loop owns every leg and is the only one to change its
 * negotiated state (address, codec, direction), its prompt and its bridge,
 * always under the media lock; the media thread reads those under the same
 * lock while it handles a packet or runs the tick. The media thread writes
 * the receive side (last packet time, counters, DTMF state), the send side
 * (sequence, timestamp, marker: the tick for a playing leg, the relay for
 * a bridged peer that is not playing) and ends a prompt (playing), never
 * anything the main loop owns. Events raised on the media thread reach the
 * main loop by mqueue.
 *
 * Leg states (by fields): raddr unset until the remote SDP is known;
 * peer set while bridged; play set while a prompt plays (or waits to be
 * loaded); timed_out once the RTP timeout was reported.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <re.h>
#include <rem.h>
#include "core/cc.h"
#include "med/med.h"
#include "med/med_int.h"

enum {
	TICK_MS = MED_PTIME,
	TIMEOUT_CHECK_TICKS = 50,
	CATCH_UP_MAX = 5, /* frames sent at most per leg per tick */
	LATE_BUCKETS = 1000, /* lateness histogram: 0-100 ms by 0.1 ms */
};

struct med_leg {
	struct le le; /* med.legs */
	struct rtp_sock *rtp;
	int fd;        /* the RTP socket, read by the media thread */
	uint32_t slot; /* its media thread slot */
	bool io;       /* registered with the media thread */
	struct sdp_session *sdp;
	struct sdp_media *m;
	struct sa raddr;
	enum med_codec codec;
	int pt;         /* negotiated audio payload type */
	int telev_pt;   /* remote telephone-event PT, -1 none */
	enum med_dir ldir;
	struct med_leg *peer;
	bool mute; /* main loop; read by the relay under the lock */
	med_event_h *eh;
	void *arg;
	/* playback: play is set and released by the main loop only; playing
	 * is true from med_leg_play until the media thread ends it */
	struct med_prompt *play;
	bool playing;
	bool loop;
	size_t pos;
	uint32_t play_id;
	uint64_t next_frame; /* when the next frame is due (ms) */
	/* tx */
	uint32_t ssrc;
	uint16_t seq;
	uint32_t ts;
	bool marker;
	/* rx */
	uint64_t last_rx; /* atomic: written by the media thread */
	bool timed_out;
	bool got_rtp;
	struct med_telev_rx telev;
	struct dtmf_dec *dtmf;
	struct med_leg_stats st;
};

struct pending {
	struct le le;
	struct med_leg *leg; /* not a reference: see pending_drop */
	struct med_event ev;
};

static struct {
	bool ready;
	struct list legs;
	struct list pending;
	struct tmr sweep; /* once a second: RTP timeouts */
	struct sa bind_ip;   /* IP legs bind to */
	struct sa sdp_ip;    /* IP written into SDP when the peer's is not
			      * known: --public-addr, --sip's, or the
			      * default source address */
	struct sa public_ip; /* --public-addr, or unset */
	uint16_t port_min, port_max;
	uint32_t timeout_ms;
	uint32_t play_seq;
	struct med_tick_stats ts;
	uint64_t io_received, io_relayed; /* media thread, under the lock */
	uint32_t late_hist[LATE_BUCKETS + 1]; /* 0.1 ms buckets */
} med;

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* --- Events -------------------------------------------------------------- */

static void event_now(struct med_leg *leg, const struct med_event *ev)
{
	if (leg->eh)
		leg->eh(leg, ev, leg->arg);
}

static void pending_destructor(void *arg)
{
	struct pending *p = arg;

	list_unlink(&p->le);
}

/* Queues an event delivered after the current tick (or packet). A leg
 * released meanwhile takes its pending events with it. */
static void event_later(struct med_leg *leg, const struct med_event *ev)
{
	struct pending *p = mem_zalloc(sizeof(*p), pending_destructor);

	if (!p)
		return;
	p->leg = leg;
	p->ev = *ev;
	list_append(&med.pending, &p->le, p);
}

static void pending_drop(const struct med_leg *leg)
{
	struct le *le = med.pending.head;

	while (le) {
		struct pending *p = le->data;

		le = le->next;
		if (p->leg == leg)
			mem_deref(p);
	}
}

static void events_deliver(void)
{
	struct le *le;

	while ((le = med.pending.head)) {
		struct pending *p = le->data;
		struct med_leg *leg = p->leg;
		struct med_event ev = p->ev;

		mem_deref(p);
		event_now(leg, &ev);
	}
}

/* --- Sending ------------------------------------------------------------ */

static bool can_send(const struct med_leg *leg)
{
	return sa_isset(&leg->raddr, SA_ALL) &&
	       leg->ldir != MED_DIR_INACTIVE && leg->ldir != MED_DIR_RECVONLY;
}

/* Writes the RTP header into the 12 bytes before payload (the caller
 * leaves that room) and sends header and payload in one datagram from the
 * leg's socket. Media thread, lock held (the tick and the relay). */
static int rtp_out(struct med_leg *leg, int pt, bool marker, uint32_t ts,
		   uint8_t *payload, size_t n)
{
	uint8_t *h = payload - RTP_HEADER_SIZE;
	ssize_t r;

	if (!can_send(leg))
		return 0;
	h[0] = 0x80;
	h[1] = (uint8_t)((marker ? 0x80 : 0) | (pt & 0x7f));
	h[2] = (uint8_t)(leg->seq >> 8);
	h[3] = (uint8_t)leg->seq;
	h[4] = (uint8_t)(ts >> 24);
	h[5] = (uint8_t)(ts >> 16);
	h[6] = (uint8_t)(ts >> 8);
	h[7] = (uint8_t)ts;
	h[8] = (uint8_t)(leg->ssrc >> 24);
	h[9] = (uint8_t)(leg->ssrc >> 16);
	h[10] = (uint8_t)(leg->ssrc >> 8);
	h[11] = (uint8_t)leg->ssrc;
	r = sendto(leg->fd, h, n + RTP_HEADER_SIZE, MSG_DONTWAIT,
		   &leg->raddr.u.sa, leg->raddr.len);
	if (r < 0)
		return errno;
	leg->seq++;
	leg->st.tx_packets++;
	return 0;
}

/* Sends a payload of at most 1024 bytes (copied behind a header). */
static int send_payload(struct med_leg *leg, int pt, bool marker,
			uint32_t ts, const uint8_t *p, size_t n)
{
	uint8_t pkt[RTP_HEADER_SIZE + 1024];

	if (!can_send(leg))
		return 0;
	if (n > 1024)
		return EMSGSIZE;
	memcpy(pkt + RTP_HEADER_SIZE, p, n);
	return rtp_out(leg, pt, marker, ts, pkt + RTP_HEADER_SIZE, n);
}

/* Sends the next frame of the leg's prompt; false when it ended. */
static bool play_frame(struct med_leg *leg)
{
	size_t n = 0, len;
	const uint8_t *payload = med_prompt_payload(leg->play, leg->codec, &n);
	uint8_t frame[MED_FRAME];

	if (!payload || !n)
		return true; /* not loaded yet: wait */
	if (leg->pos >= n) {
		if (!leg->loop)
			return false;
		leg->pos = 0;
	}
	len = n - leg->pos;
	if (len >= MED_FRAME) {
		memcpy(frame, payload + leg->pos, MED_FRAME);
	}
	else {
		memcpy(frame, payload + leg->pos, len);
		memset(frame + len, leg->codec == MED_CODEC_PCMA ? 0xd5 : 0xff,
		       MED_FRAME - len);
	}
	leg->pos += MED_FRAME;
	if (!send_payload(leg, leg->pt, leg->marker, leg->ts, frame,
			  MED_FRAME)) {
		med.ts.played++;
	}
	leg->marker = false;
	leg->ts += MED_FRAME;
	return true;
}

/* Media thread, lock held: the prompt ended (or failed to load). The main
 * loop releases it when the event arrives (med_leg_event). */
static void play_end(struct med_leg *leg, int err)
{
	struct med_event ev = {0};

	ev.play_id = leg->play_id;
	leg->playing = false;
	leg->marker = true;
	ev.type = err ? MED_EVENT_PLAY_FAILED : MED_EVENT_PLAY_DONE;
	ev.err = err;
	med_io_event(leg->slot, &ev);
}

/* --- The tick ------------------------------------------------------------ */

static void tick_leg(struct med_leg *leg, uint64_t now)
{
	int err = 0;
	unsigned k = 0;

	if (!leg->playing)
		return;
	med.ts.playing++;
	if (!med_prompt_ready(leg->play, &err)) {
		if (err)
			play_end(leg, err);
		leg->next_frame = now;
		return;
	}
	if (!leg->codec)
		return;
	if (!leg->next_frame)
		leg->next_frame = now;
	while (leg->next_frame <= now && k++ < CATCH_UP_MAX) {
		leg->next_frame += MED_PTIME;
		if (!play_frame(leg)) {
			play_end(leg, 0);
			return;
		}
	}
	if (leg->next_frame <= now) /* hopelessly late: skip ahead */
		leg->next_frame = now + MED_PTIME;
}

static void timeouts_check(uint64_t now)
{
	for (struct le *le = med.legs.head; le; le = le->next) {
		struct med_leg *leg = le->data;
		struct med_event ev = {.type = MED_EVENT_RTP_TIMEOUT};

		if (leg->timed_out || !med.timeout_ms ||
		    !sa_isset(&leg->raddr, SA_ALL) ||
		    med_leg_rdir(leg) == MED_DIR_INACTIVE ||
		    med_leg_rdir(leg) == MED_DIR_RECVONLY)
			continue;
		uint64_t last = __atomic_load_n(&leg->last_rx, __ATOMIC_RELAXED);

		if (!last) {
			last = now;
			__atomic_store_n(&leg->last_rx, now, __ATOMIC_RELAXED);
		}
		/* last may be a packet the media thread took after now */
		if (last >= now || now - last < med.timeout_ms)
			continue;
		leg->timed_out = true;
		event_later(leg, &ev);
	}
}

/* Media thread, lock held: one 20 ms tick; due_us is when it was due. */
void med_tick(uint64_t due_us)
{
	uint64_t start = now_us(), now = start / 1000, late_us;
	size_t bucket;
	struct le *le;

	late_us = start > due_us ? start - due_us : 0;
	bucket = late_us / 100;
	med.late_hist[bucket < LATE_BUCKETS ? bucket : LATE_BUCKETS]++;
	med.ts.ticks++;
	med.ts.frames++;
	if (late_us > 5000) {
		med.ts.late_ticks++;
		med.ts.frames += late_us / 1000 / MED_PTIME;
	}
	if (late_us > med.ts.max_late_us)
		med.ts.max_late_us = late_us;
	med.ts.playing = 0;
	for (le = med.legs.head; le; le = le->next)
		tick_leg(le->data, now);
	med.ts.busy_us += now_us() - start;
}

static void sweep_h(void *arg)
{
	(void)arg;
	timeouts_check(cc_clock_ms());
	tmr_start(&med.sweep, TIMEOUT_CHECK_TICKS * TICK_MS, sweep_h, NULL);
	events_deliver();
}

static uint64_t late_pct(unsigned pct)
{
	uint64_t total = 0, want, sum = 0;

	for (size_t i = 0; i <= LATE_BUCKETS; i++)
		total += med.late_hist[i];
	want = (total * pct + 99) / 100;
	for (size_t i = 0; i <= LATE_BUCKETS; i++) {
		sum += med.late_hist[i];
		if (sum >= want && want)
			return (uint64_t)i * 100;
	}
	return 0;
}

void med_tick_stats_get(struct med_tick_stats *st)
{
	med_io_lock();
	*st = med.ts;
	st->received = med.io_received;
	st->relayed = med.io_relayed;
	st->legs = list_count(&med.legs);
	st->late_p50_us = late_pct(50);
	st->late_p99_us = late_pct(99);
	med_io_unlock();
}

/* --- Receiving (the media thread, under the media lock) ------------------ */

static void dtmf_h(char digit, void *arg)
{
	struct med_leg *leg = arg;
	struct med_event ev = {.type = MED_EVENT_DTMF, .digit = digit,
			       .dtmf_source = MED_DTMF_INBAND};

	leg->st.dtmf++;
	med_io_event(leg->slot, &ev);
}

/* Relays a received payload to the bridged peer in place (the receive
 * buffer has the received header, at least 12 bytes, before it). */
static void relay_audio(struct med_leg *leg, struct med_leg *peer,
			bool marker, uint8_t *p, size_t n)
{
	if (peer->playing || !peer->codec)
		return;
	if (peer->codec != leg->codec) {
		const uint8_t *tab = leg->codec == MED_CODEC_PCMU ? med_u2a :
								    med_a2u;

		for (size_t i = 0; i < n; i++)
			p[i] = tab[p[i]];
	}
	if (!rtp_out(peer, peer->pt, marker || peer->marker, peer->ts, p, n)) {
		peer->st.relayed++;
		med.io_relayed++;
	}
	peer->marker = false;
	peer->ts += (uint32_t)n;
}

/* One datagram read from leg's RTP socket. */
void med_rx_packet(struct med_leg *leg, uint8_t *buf, size_t len)
{
	struct med_leg *peer = leg->peer;
	struct med_rtp r;
	size_t n;
	uint8_t *p;
	bool marker;
	int pt;
	uint32_t ts;

	__atomic_store_n(&leg->last_rx, cc_clock_ms(), __ATOMIC_RELAXED);
	med.io_received++;
	if (med_rtp_decode(&r, buf, len))
		goto bad;
	p = buf + r.off;
	n = r.n;
	marker = r.marker;
	pt = r.pt;
	ts = r.ts;
	if (leg->telev_pt >= 0 && pt == leg->telev_pt) {
		char digit = med_telev_rx_packet(&leg->telev, ts, p, n);

		leg->st.rx_packets++;
		if (peer && !leg->mute && peer->telev_pt >= 0 &&
		    !peer->playing)
			(void)rtp_out(peer, peer->telev_pt, marker, peer->ts,
				      p, n);
		if (digit) {
			struct med_event ev = {.type = MED_EVENT_DTMF,
					       .digit = digit,
					       .dtmf_source = MED_DTMF_RFC4733};

			leg->st.dtmf++;
			med_io_event(leg->slot, &ev);
		}
		return;
	}
	if (!leg->codec || pt != leg->pt)
		goto bad;
	leg->st.rx_packets++;
	if (!leg->got_rtp) {
		struct med_event ev = {.type = MED_EVENT_RTP_FIRST};

		leg->got_rtp = true;
		med_io_event(leg->slot, &ev);
	}
	/* med_rec: the leg's audio into its recording (voicemail) */
	if (med_rec_active)
		med_rec_rx(leg, leg->codec, p, n);
	if (peer) {
		if (!leg->mute)
			relay_audio(leg, peer, marker, p, n);
		return;
	}
	if (leg->dtmf) {
		int16_t pcm[512];

		if (n > ARRAY_SIZE(pcm))
			n = ARRAY_SIZE(pcm);
		med_g711_decode(leg->codec, pcm, p, n);
		dtmf_dec_probe(leg->dtmf, pcm, n);
	}
	return;
bad:
	leg->st.rx_dropped++;
}

/* Main loop: an event the media thread raised, its leg still alive. */
void med_leg_event(struct med_leg *leg, const struct med_event *ev)
{
	if ((ev->type == MED_EVENT_PLAY_DONE ||
	     ev->type == MED_EVENT_PLAY_FAILED) && leg->play) {
		struct med_prompt *old;

		med_io_lock();
		old = leg->playing ? NULL : leg->play;
		if (old)
			leg->play = NULL;
		med_io_unlock();
		mem_deref(old);
	}
	mem_ref(leg);
	event_now(leg, ev);
	mem_deref(leg);
}

/* libre never reads the RTP socket (it is detached from libre's loop). */
static void rtp_h(const struct sa *src, const struct rtp_header *hdr,
		  struct mbuf *mb, void *arg)
{
	(void)src;
	(void)hdr;
	(void)mb;
	(void)arg;
}

static void rtcp_h(const struct sa *src, struct rtcp_msg *msg, void *arg)
{
	struct med_leg *leg = arg;

	(void)src;
	(void)msg;
	/* RTCP keeps a held leg alive */
	__atomic_store_n(&leg->last_rx, cc_clock_ms(), __ATOMIC_RELAXED);
}

/* --- Legs ----------------------------------------------------------------- */

static void leg_destructor(void *arg)
{
	struct med_leg *leg = arg;

	if (leg->io) {
		/* Out of the media thread, then back on libre's loop so that
		 * libre's socket destructor finds it where it left it. */
		med_io_remove(leg->slot);
		udp_thread_attach(rtp_sock(leg->rtp));
	}
	med_io_lock();
	if (leg->peer) {
		leg->peer->peer = NULL;
		leg->peer->marker = true;
		leg->peer = NULL;
	}
	list_unlink(&leg->le); /* the tick walks the list */
	med_io_unlock();
	pending_drop(leg);
	mem_deref(leg->play);
	mem_deref(leg->dtmf);
	mem_deref(leg->m);
	mem_deref(leg->sdp);
	mem_deref(leg->rtp);
}

int med_leg_alloc(struct med_leg **legp, const struct sa *laddr,
		  med_event_h *eh, void *arg)
{
	struct med_leg *leg;
	struct sa ip, sdpaddr;
	int err;

	if (!legp || !med.ready)
		return EINVAL;
	leg = mem_zalloc(sizeof(*leg), leg_destructor);
	if (!leg)
		return ENOMEM;
	med_io_lock();
	list_append(&med.legs, &leg->le, leg);
	med_io_unlock();
	leg->eh = eh;
	leg->arg = arg;
	leg->telev_pt = -1;
	leg->ldir = MED_DIR_SENDRECV;
	leg->marker = true;
	leg->ts = (uint32_t)rand_u32();
	leg->seq = (uint16_t)rand_u32();
	leg->fd = -1;
	/* A wildcard --sip: the wildcard of the peer's family (a socket
	 * of the other family could not send to it). */
	ip = med.bind_ip;
	if (sa_is_any(&ip))
		sa_init(&ip, laddr && sa_isset(laddr, SA_ADDR) ?
				     sa_af(laddr) : AF_INET);
	sa_set_port(&ip, 0);
	err = rtp_listen(&leg->rtp, IPPROTO_UDP, &ip, med.port_min,
			 med.port_max, true, rtp_h, rtcp_h, leg);
	if (err)
		goto out;
	leg->ssrc = rtp_sess_ssrc(leg->rtp);
	leg->fd = udp_sock_fd(rtp_sock(leg->rtp), sa_af(&ip));
	udp_thread_detach(rtp_sock(leg->rtp));
	err = med_io_add(&leg->slot, leg->fd, leg);
	if (err) {
		udp_thread_attach(rtp_sock(leg->rtp));
		goto out;
	}
	leg->io = true;
	/* Never a wildcard in SDP: --public-addr, else our address toward
	 * the peer, else the bound IP, else the default source address. */
	sdpaddr = sa_isset(&med.public_ip, SA_ADDR) ? med.public_ip :
		  laddr && sa_isset(laddr, SA_ADDR) ? *laddr :
		  !sa_is_any(&ip) ? ip : med.sdp_ip;
	if (!sa_isset(&sdpaddr, SA_ADDR) &&
	    net_default_source_addr_get(sa_af(&ip), &sdpaddr))
		sdpaddr = *rtp_local(leg->rtp);
	sa_set_port(&sdpaddr, sa_port(rtp_local(leg->rtp)));
	err = sdp_session_alloc(&leg->sdp, &sdpaddr);
	if (!err)
		err = sdp_media_add(&leg->m, leg->sdp, "audio",
				    sa_port(rtp_local(leg->rtp)), "RTP/AVP");
	if (!err)
		err = sdp_format_add(NULL, leg->m, false, "0", "PCMU", 8000, 1,
				     NULL, NULL, NULL, false, NULL);
	if (!err)
		err = sdp_format_add(NULL, leg->m, false, "8", "PCMA", 8000, 1,
				     NULL, NULL, NULL, false, NULL);
	if (!err)
		err = sdp_format_add(NULL, leg->m, false, "101",
				     "telephone-event", 8000, 1, NULL, NULL,
				     NULL, false, "0-15");
	if (!err)
		err = sdp_media_set_lattr(leg->m, true, "ptime", "%u",
					  MED_PTIME);
	if (!err)
		err = dtmf_dec_alloc(&leg->dtmf, MED_SRATE, 1, dtmf_h, leg);
out:
	if (err)
		mem_deref(leg);
	else
		*legp = leg;
	return err;
}

/* Takes what the remote SDP says: address, codec, telephone-event. */
static int leg_update(struct med_leg *leg)
{
	const struct sdp_format *fmt = NULL, *te;
	const struct list *lst = sdp_media_format_lst(leg->m, false);

	for (struct le *le = lst ? lst->head : NULL; le; le = le->next) {
		const struct sdp_format *f = le->data;

		if (!f->sup)
			continue;
		if (!str_casecmp(f->name, "PCMU") ||
		    !str_casecmp(f->name, "PCMA")) {
			fmt = f;
			break;
		}
	}
	if (!fmt)
		return ENOTSUP;
	te = sdp_media_rformat(leg->m, "telephone-event");
	med_io_lock();
	leg->codec = !str_casecmp(fmt->name, "PCMA") ? MED_CODEC_PCMA :
						      MED_CODEC_PCMU;
	leg->pt = fmt->pt;
	leg->telev_pt = te ? te->pt : -1;
	if (sa_isset(sdp_media_raddr(leg->m), SA_ALL))
		leg->raddr = *sdp_media_raddr(leg->m);
	leg->timed_out = false;
	__atomic_store_n(&leg->last_rx, cc_clock_ms(), __ATOMIC_RELAXED);
	med_io_unlock();
	return 0;
}

int med_leg_offer(struct med_leg *leg, struct mbuf **sdpp)
{
	if (!leg || !sdpp)
		return EINVAL;
	sdp_media_set_ldir(leg->m, (enum sdp_dir)leg->ldir);
	return sdp_encode(sdpp, leg->sdp, true);
}

int med_leg_answer(struct med_leg *leg, struct mbuf *offer,
		   struct mbuf **answerp)
{
	size_t pos;
	int err;

	if (!leg || !offer || !answerp)
		return EINVAL;
	pos = offer->pos;
	sdp_media_set_ldir(leg->m, (enum sdp_dir)leg->ldir);
	err = sdp_decode(leg->sdp, offer, true);
	offer->pos = pos;
	if (err)
		return EBADMSG;
	err = leg_update(leg);
	if (err)
		return err;
	return sdp_encode(answerp, leg->sdp, false);
}

int med_leg_apply_answer(struct med_leg *leg, struct mbuf *answer)
{
	size_t pos;
	int err;

	if (!leg || !answer)
		return EINVAL;
	pos = answer->pos;
	err = sdp_decode(leg->sdp, answer, false);
	answer->pos = pos;
	if (err)
		return EBADMSG;
	return leg_update(leg);
}

void med_leg_set_dir(struct med_leg *leg, enum med_dir dir)
{
	if (!leg)
		return;
	med_io_lock();
	leg->ldir = dir;
	med_io_unlock();
}

enum med_dir med_leg_rdir(const struct med_leg *leg)
{
	if (!leg || !leg->codec)
		return MED_DIR_SENDRECV;
	return (enum med_dir)sdp_media_rdir(leg->m);
}

const char *med_leg_codec(const struct med_leg *leg)
{
	if (!leg)
		return NULL;
	return leg->codec == MED_CODEC_PCMU ? "PCMU" :
	       leg->codec == MED_CODEC_PCMA ? "PCMA" :
					      NULL;
}

const struct sa *med_leg_laddr(const struct med_leg *leg)
{
	return leg ? rtp_local(leg->rtp) : NULL;
}

void med_leg_stats_get(const struct med_leg *leg, struct med_leg_stats *st)
{
	if (!leg || !st)
		return;
	med_io_lock();
	*st = leg->st;
	med_io_unlock();
}

/* --- Playback ------------------------------------------------------------- */

int med_leg_play(struct med_leg *leg, struct med_prompt *p, bool loop,
		 uint32_t *idp)
{
	struct med_prompt *old;

	if (!leg || !p)
		return EINVAL;
	med_io_lock();
	old = leg->play;
	leg->play = mem_ref(p);
	leg->playing = true;
	leg->loop = loop;
	leg->pos = 0;
	leg->play_id = ++med.play_seq;
	leg->next_frame = 0;
	leg->marker = true;
	med_io_unlock();
	mem_deref(old);
	if (idp)
		*idp = leg->play_id;
	return 0;
}

/* Under the media lock; returns the prompt to release after it. */
static struct med_prompt *stop_locked(struct med_leg *leg)
{
	struct med_prompt *old = leg->play;

	leg->play = NULL;
	leg->playing = false;
	if (old)
		leg->marker = true;
	return old;
}

void med_leg_stop(struct med_leg *leg)
{
	struct med_prompt *old;

	if (!leg || !leg->play)
		return;
	med_io_lock();
	old = stop_locked(leg);
	med_io_unlock();
	mem_deref(old);
}

bool med_leg_playing(const struct med_leg *leg)
{
	bool playing;

	if (!leg)
		return false;
	med_io_lock();
	playing = leg->playing;
	med_io_unlock();
	return playing;
}

/* --- Bridge ------------------------------------------------------------- */

static void unbridge_locked(struct med_leg *leg)
{
	if (!leg->peer)
		return;
	leg->peer->peer = NULL;
	leg->peer->marker = true;
	leg->peer = NULL;
	leg->marker = true;
}

int med_leg_bridge(struct med_leg *a, struct med_leg *b)
{
	struct med_prompt *pa, *pb;

	if (!a || !b)
		return EINVAL;
	if (a == b)
		return EINVAL;
	med_io_lock();
	unbridge_locked(a);
	unbridge_locked(b);
	pa = stop_locked(a);
	pb = stop_locked(b);
	a->peer = b;
	b->peer = a;
	a->mute = b->mute = false; /* muting is for one bridge */
	med_io_unlock();
	mem_deref(pa);
	mem_deref(pb);
	return 0;
}

void med_leg_unbridge(struct med_leg *leg)
{
	if (!leg || !leg->peer)
		return;
	med_io_lock();
	unbridge_locked(leg);
	med_io_unlock();
}

struct med_leg *med_leg_peer(const struct med_leg *leg)
{
	return leg ? leg->peer : NULL;
}

void med_leg_mute(struct med_leg *leg, bool mute)
{
	if (!leg)
		return;
	med_io_lock();
	leg->mute = mute;
	/* the peer's stream resumes with a marker (a talkspurt) */
	if (!mute && leg->peer)
		leg->peer->marker = true;
	med_io_unlock();
}

bool med_leg_muted(const struct med_leg *leg)
{
	return leg && leg->mute;
}

int med_leg_dtmf_inject(struct med_leg *leg, char digit)
{
	struct med_event ev = {.type = MED_EVENT_DTMF,
			       .dtmf_source = MED_DTMF_INFO};

	if (!leg || med_telev_code(digit) < 0)
		return EINVAL;
	ev.digit = digit;
	leg->st.dtmf++;
	event_now(leg, &ev);
	return 0;
}

/* --- Module ------------------------------------------------------------- */

int med_init(const struct cc_config *cfg)
{
	int err;

	if (med.ready)
		return EALREADY;
	memset(&med, 0, sizeof(med));
	med_dsp_init();
	list_init(&med.legs);
	list_init(&med.pending);
	tmr_init(&med.sweep);
	med.port_min = cfg->rtp_min;
	med.port_max = cfg->rtp_max;
	med.timeout_ms = cfg->rtp_timeout * 1000;
	if (sa_decode(&med.bind_ip, cfg->sip, strlen(cfg->sip)))
		sa_set_str(&med.bind_ip, "0.0.0.0", 0);
	sa_set_port(&med.bind_ip, 0);
	if (cfg->public_addr[0] &&
	    sa_set_str(&med.sdp_ip, cfg->public_addr, 0)) {
		cc_error("med", "--public-addr %s is not an IP address",
			 cfg->public_addr);
		return EINVAL;
	}
	med.public_ip = med.sdp_ip;
	if (!sa_isset(&med.sdp_ip, SA_ADDR) && !sa_is_any(&med.bind_ip))
		med.sdp_ip = med.bind_ip;
	if (!sa_isset(&med.sdp_ip, SA_ADDR))
		(void)net_default_source_addr_get(AF_INET, &med.sdp_ip);
	err = med_prompt_init(cfg->data);
	if (!err)
		err = med_worker_start();
	if (!err)
		err = med_io_start(cfg->media_priority);
	if (err)
		return err;
	med.ready = true;
	tmr_start(&med.sweep, TIMEOUT_CHECK_TICKS * TICK_MS, sweep_h, NULL);
	return 0;
}

static void residence_log(void)
{
	struct med_io_stats rs;

	med_io_residence(&rs);
	cc_info("med", "residence of %llu packets: p50 %.2f ms p99 %.2f ms"
		" max %.2f ms", (unsigned long long)rs.count,
		(double)rs.p50_us / 1000, (double)rs.p99_us / 1000,
		(double)rs.max_us / 1000);
}

void med_close(void)
{
	struct med_tick_stats st;

	if (!med.ready)
		return;
	med_tick_stats_get(&st);
	cc_info("med", "ticks %llu, late (>5 ms) %llu (%.2f%%), lateness p50"
		" %.1f ms p99 %.1f ms max %.1f ms, tick busy %llu us;"
		" packets played %llu, received %llu, relayed %llu",
		(unsigned long long)st.ticks,
		(unsigned long long)st.late_ticks,
		st.ticks ? 100.0 * (double)st.late_ticks / (double)st.ticks : 0,
		(double)st.late_p50_us / 1000, (double)st.late_p99_us / 1000,
		(double)st.max_late_us / 1000, (unsigned long long)st.busy_us,
		(unsigned long long)st.played, (unsigned long long)st.received,
		(unsigned long long)st.relayed);
	residence_log();
	tmr_cancel(&med.sweep);
	list_flush(&med.pending);
	if (med.legs.head)
		cc_warn("med", "%u legs still open at close",
			list_count(&med.legs));
	med_io_stop();
	med_worker_stop();
	med_prompt_close();
	med.ready = false;
}
