/*
 * med_rec.c: recording what a leg receives (voicemail). The main loop only
 * decodes each received G.711 packet into a recording's ring buffer (a
 * short copy under a mutex); a writer thread of its own drains the rings
 * every REC_DRAIN_MS into WAV files through libsndfile with
 * SFC_SET_UPDATE_HEADER_AUTO, so that the header is right after every
 * write and a crash of the process leaves a valid file of what was
 * written. Opening, writing and closing files never happen on the main
 * loop; the end of a recording comes back through an mqueue.
 *
 * A recording:
 *
 *   med_leg_record_start ──> RECORDING (main: rx fills the ring;
 *                            writer: opens the file, drains the ring)
 *        med_leg_record_stop / max length / med_rec_close
 *                        ──> CLOSING (the writer drains what is left,
 *                            closes the file) ──> DONE: the handler runs
 *                            on the main loop, the recording is freed.
 *
 * Threads: packets are received on med's media thread (med_io.c), which
 * calls med_rec_rx with the media lock held. The main loop changes
 * rec.active (recordings still receiving), med_rec_active and a
 * recording's full flag only under that lock too, so the media thread
 * reads them consistently; it never frees or unlinks anything (a
 * recording that reached its length is only marked full and closing).
 * The writer's list rec.wlist and each recording's ring, state and error
 * are under rec.lock (taken inside the media lock, never around it). A
 * recording is freed on the main loop only after the writer has put it
 * on the done list.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sndfile.h>
#include <re.h>
#include "core/cc.h"
#include "med/med.h"
#include "med/med_int.h"

enum {
	REC_RING = MED_SRATE * 4, /* samples: 4 s of headroom */
	REC_DRAIN_MS = 100,
};

enum rec_state {
	RS_RECORDING,
	RS_CLOSING,
	RS_DONE,
};

struct med_rec {
	struct le le;            /* rec.active (main loop), RECORDING only */
	struct med_rec *wnext;   /* rec.wlist / rec.done (under rec.lock) */
	struct med_leg *leg;     /* reference, RECORDING only */
	char path[512];
	uint32_t max_samples;
	uint32_t samples;        /* media thread: received so far */
	bool full;               /* max length reached (media lock) */
	med_rec_done_h *doneh;
	void *arg;
	/* under rec.lock */
	enum rec_state state;
	int16_t ring[REC_RING];
	size_t head, tail;       /* head: next write, tail: next read */
	uint32_t dropped;        /* samples lost to a full ring */
	int err;
	/* writer thread only */
	SNDFILE *sf;
	uint32_t written;
};

static struct {
	struct list active;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct med_rec *wlist;
	struct med_rec *done;
	struct mqueue *mq;
	bool running, stop;
} rec = {.lock = PTHREAD_MUTEX_INITIALIZER,
	 .cond = PTHREAD_COND_INITIALIZER};

unsigned med_rec_active;

static const char *statename(enum rec_state s)
{
	switch (s) {
	case RS_RECORDING: return "recording";
	case RS_CLOSING:   return "closing";
	case RS_DONE:      return "done";
	}
	return "?";
}

/* --- Writer thread ------------------------------------------------------ */

/* mkdir -p of the file's directory (writer thread). */
static int dir_make(const char *path)
{
	char dir[512];
	char *p;

	str_ncpy(dir, path, sizeof(dir));
	p = strrchr(dir, '/');
	if (!p || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0750) && errno != EEXIST)
			return errno;
		*p = '/';
	}
	if (mkdir(dir, 0750) && errno != EEXIST)
		return errno;
	return 0;
}

static int file_open(struct med_rec *r)
{
	SF_INFO info = {.samplerate = MED_SRATE, .channels = 1,
			.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
	int err = dir_make(r->path);

	if (err)
		return err;
	r->sf = sf_open(r->path, SFM_WRITE, &info);
	if (!r->sf)
		return EIO;
	/* the header is rewritten after every write: a crash leaves a
	 * valid file holding everything written so far */
	(void)sf_command(r->sf, SFC_SET_UPDATE_HEADER_AUTO, NULL, SF_TRUE);
	return 0;
}

/* Drains one recording's ring into its file; true when it is finished
 * (closed or failed) and can go back to the main loop. */
static bool drain(struct med_rec *r, int16_t *buf)
{
	size_t n = 0;
	bool closing;

	pthread_mutex_lock(&rec.lock);
	while (r->tail != r->head && n < REC_RING) {
		buf[n++] = r->ring[r->tail];
		r->tail = (r->tail + 1) % REC_RING;
	}
	closing = r->state == RS_CLOSING;
	pthread_mutex_unlock(&rec.lock);
	if (!r->sf && !r->err)
		r->err = file_open(r);
	if (r->sf && n) {
		if (sf_write_short(r->sf, buf, (sf_count_t)n) != (sf_count_t)n)
			r->err = EIO;
		r->written += (uint32_t)n;
	}
	if (!closing)
		return false;
	if (r->sf && sf_close(r->sf) && !r->err)
		r->err = EIO;
	r->sf = NULL;
	return true;
}

static void *writer_main(void *arg)
{
	int16_t *buf = malloc(REC_RING * sizeof(*buf));

	(void)arg;
	if (!buf)
		return NULL;
	pthread_mutex_lock(&rec.lock);
	for (;;) {
		struct timespec ts;
		struct med_rec **pp;
		bool wake = false;

		if (!rec.wlist && rec.stop)
			break;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += REC_DRAIN_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		(void)pthread_cond_timedwait(&rec.cond, &rec.lock, &ts);
		/* The main loop only prepends to the list (under the lock),
		 * so r and what follows it stay put while r drains
		 * unlocked. */
		pp = &rec.wlist;
		while (*pp) {
			struct med_rec *r = *pp;
			bool fin;

			pthread_mutex_unlock(&rec.lock);
			fin = drain(r, buf);
			pthread_mutex_lock(&rec.lock);
			if (!fin) {
				pp = &r->wnext;
				continue;
			}
			/* the main loop may have prepended meanwhile */
			for (pp = &rec.wlist; *pp != r; pp = &(*pp)->wnext)
				;
			*pp = r->wnext;
			r->state = RS_DONE;
			r->wnext = rec.done;
			rec.done = r;
			wake = true;
		}
		if (wake) {
			pthread_mutex_unlock(&rec.lock);
			(void)mqueue_push(rec.mq, 0, NULL);
			pthread_mutex_lock(&rec.lock);
		}
	}
	pthread_mutex_unlock(&rec.lock);
	free(buf);
	return NULL;
}

/* --- Main loop ------------------------------------------------------------ */

/* Main loop: out of rec.active (the media thread no longer sees it). */
static void active_unlink(struct med_rec *r)
{
	med_io_lock();
	list_unlink(&r->le);
	med_rec_active = list_count(&rec.active);
	med_io_unlock();
	r->leg = mem_deref(r->leg);
}

static void rec_destructor(void *arg)
{
	struct med_rec *r = arg;

	active_unlink(r);
}

/* Runs the handlers of finished recordings and frees them. */
static void done_deliver(void)
{
	struct med_rec *r;

	pthread_mutex_lock(&rec.lock);
	r = rec.done;
	rec.done = NULL;
	pthread_mutex_unlock(&rec.lock);
	while (r) {
		struct med_rec *next = r->wnext;
		uint32_t ms = r->written / (MED_SRATE / 1000);

		if (r->le.list) /* closed by its length on the media thread */
			active_unlink(r);
		if (r->full)
			cc_info("med", "recording %s: maximum length reached",
				r->path);
		if (r->dropped)
			cc_warn("med", "recording %s: %u samples lost (the"
				" writer fell behind)", r->path, r->dropped);
		cc_info("med", "recording %s: %s, %u ms", r->path,
			r->err ? strerror(r->err) : "saved", ms);
		if (r->doneh)
			r->doneh(r->err, r->path, ms, r->arg);
		mem_deref(r);
		r = next;
	}
}

static void wake_h(int id, void *data, void *arg)
{
	(void)id;
	(void)data;
	(void)arg;
	done_deliver();
}

static int writer_start(void)
{
	int err;

	if (rec.running)
		return 0;
	list_init(&rec.active);
	err = mqueue_alloc(&rec.mq, wake_h, NULL);
	if (err)
		return err;
	rec.stop = false;
	err = pthread_create(&rec.thread, NULL, writer_main, NULL);
	if (err) {
		rec.mq = mem_deref(rec.mq);
		return err;
	}
	rec.running = true;
	return 0;
}

static struct med_rec *rec_find(const struct med_leg *leg)
{
	for (struct le *le = rec.active.head; le; le = le->next) {
		struct med_rec *r = le->data;

		if (r->leg == leg)
			return r;
	}
	return NULL;
}

/* RECORDING -> CLOSING (main loop): the leg is no longer recorded. */
static void rec_close(struct med_rec *r)
{
	active_unlink(r);
	pthread_mutex_lock(&rec.lock);
	r->state = RS_CLOSING;
	pthread_cond_signal(&rec.cond);
	pthread_mutex_unlock(&rec.lock);
}

void med_rec_rx(struct med_leg *leg, enum med_codec codec, const uint8_t *p,
		size_t n)
{
	struct med_rec *r = rec_find(leg);
	int16_t pcm[512];

	if (!r || !codec || r->full)
		return;
	if (n > ARRAY_SIZE(pcm))
		n = ARRAY_SIZE(pcm);
	if (r->samples + n > r->max_samples)
		n = r->max_samples - r->samples;
	med_g711_decode(codec, pcm, p, n);
	pthread_mutex_lock(&rec.lock);
	for (size_t i = 0; i < n; i++) {
		size_t next = (r->head + 1) % REC_RING;

		if (next == r->tail) {
			r->dropped += (uint32_t)(n - i);
			break;
		}
		r->ring[r->head] = pcm[i];
		r->head = next;
	}
	r->samples += (uint32_t)n;
	if (r->samples >= r->max_samples) {
		/* the main loop unlinks it when the writer is done */
		r->full = true;
		r->state = RS_CLOSING;
		pthread_cond_signal(&rec.cond);
	}
	pthread_mutex_unlock(&rec.lock);
}

int med_leg_record_start(struct med_leg *leg, const char *path,
			 uint32_t max_ms, med_rec_done_h *h, void *arg)
{
	struct med_rec *r;
	int err;

	if (!leg || !path || !*path || !max_ms)
		return EINVAL;
	err = writer_start();
	if (err)
		return err;
	if (rec_find(leg))
		return EALREADY;
	r = mem_zalloc(sizeof(*r), rec_destructor);
	if (!r)
		return ENOMEM;
	str_ncpy(r->path, path, sizeof(r->path));
	r->leg = mem_ref(leg);
	r->max_samples = max_ms > UINT32_MAX / 8 ? UINT32_MAX :
						   max_ms * (MED_SRATE / 1000);
	r->doneh = h;
	r->arg = arg;
	r->state = RS_RECORDING;
	med_io_lock();
	list_append(&rec.active, &r->le, r);
	med_rec_active = list_count(&rec.active);
	med_io_unlock();
	pthread_mutex_lock(&rec.lock);
	r->wnext = rec.wlist;
	rec.wlist = r;
	pthread_mutex_unlock(&rec.lock);
	cc_info("med", "recording %s (%s, at most %u s)", path,
		statename(r->state), max_ms / 1000);
	return 0;
}

int med_leg_record_stop(struct med_leg *leg)
{
	struct med_rec *r = rec_find(leg);

	if (!r)
		return ENOENT;
	rec_close(r);
	return 0;
}

bool med_leg_recording(const struct med_leg *leg)
{
	return rec.running && rec_find(leg) != NULL;
}

void med_rec_close(void)
{
	if (!rec.running)
		return;
	while (rec.active.head)
		rec_close(rec.active.head->data);
	pthread_mutex_lock(&rec.lock);
	rec.stop = true;
	pthread_cond_signal(&rec.cond);
	pthread_mutex_unlock(&rec.lock);
	pthread_join(rec.thread, NULL);
	rec.running = false;
	done_deliver();
	rec.mq = mem_deref(rec.mq);
}
