/*
 * med_prompt: the prompt cache and med's worker thread. A prompt is audio
 * converted once to 8 kHz 16-bit mono and pre-encoded to PCMU and PCMA, so
 * that playing it costs a memcpy per packet. Prompts are found by key
 * ("file:PATH", "tts:HASH", "moh") in one hash and live until med_close.
 *
 * Loading blocks (disk, libsndfile, libsamplerate, espeak-ng), so it runs
 * on one worker thread; results come back to the main loop through an
 * mqueue. The worker owns nothing of the main loop's: a job carries plain
 * copies of what it needs and its results; the prompt itself is only
 * touched on the main loop, when the job is done.
 *
 * Text prompts are cached on disk as <data>/prompts/tts-<key>.wav (key: a
 * hash of voice and text) and written to a temporary name then renamed, so
 * a crash never leaves a half file under the final name.
 *
 * Prompt states: LOADING -> READY | FAILED (final).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <re.h>
#include <sndfile.h>
#include <espeak-ng/speak_lib.h>
#include "core/cc.h"
#include "med/med.h"
#include "med/med_int.h"

enum prompt_state {
	PROMPT_LOADING,
	PROMPT_READY,
	PROMPT_FAILED,
};

enum prompt_kind {
	KIND_FILE,
	KIND_TEXT,
	KIND_MOH,
};

struct med_prompt {
	struct le he;
	char *key;
	enum prompt_state state;
	int err;
	int16_t *pcm;
	uint8_t *ulaw;
	uint8_t *alaw;
	size_t n;
};

/* A load job: inputs copied from the main loop, outputs read back there. */
struct load_job {
	struct med_job job;
	struct med_prompt *p; /* reference, touched on the main loop only */
	enum prompt_kind kind;
	char path[512];
	char voice[64];
	char *text;
	int16_t *pcm;
	uint8_t *ulaw;
	uint8_t *alaw;
	size_t n;
};

static struct {
	struct hash *cache;
	char dir[512];
	bool ready;
} pr;

/*
 * Finished jobs wait on a done list; the mqueue only wakes the main loop
 * (at most one wake-up in flight, so the pipe never fills), and
 * med_worker_stop delivers what is left after joining the thread.
 */
static struct {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct med_job *head, *tail; /* to do */
	struct med_job *done, *done_tail;
	bool wake_pending;
	struct mqueue *mq;
	bool running;
	bool stop;
	bool espeak_ready;
	int espeak_srate;
} wk = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

/* --- worker ------------------------------------------------------------- */

static void *worker_main(void *arg)
{
	(void)arg;
	for (;;) {
		struct med_job *job;
		bool wake;

		pthread_mutex_lock(&wk.lock);
		while (!wk.head && !wk.stop)
			pthread_cond_wait(&wk.cond, &wk.lock);
		if (!wk.head) {
			pthread_mutex_unlock(&wk.lock);
			break;
		}
		job = wk.head;
		wk.head = job->next;
		if (!wk.head)
			wk.tail = NULL;
		pthread_mutex_unlock(&wk.lock);

		job->run(job);

		pthread_mutex_lock(&wk.lock);
		job->next = NULL;
		if (wk.done_tail)
			wk.done_tail->next = job;
		else
			wk.done = job;
		wk.done_tail = job;
		wake = !wk.wake_pending && !wk.stop;
		if (wake)
			wk.wake_pending = true;
		pthread_mutex_unlock(&wk.lock);
		if (wake && mqueue_push(wk.mq, 0, NULL))
			cc_error("med", "worker: cannot wake the main loop");
	}
	if (wk.espeak_ready)
		espeak_Terminate();
	wk.espeak_ready = false;
	return NULL;
}

/* Main loop: runs done() of every finished job. */
static void worker_deliver(void)
{
	struct med_job *job;

	pthread_mutex_lock(&wk.lock);
	job = wk.done;
	wk.done = wk.done_tail = NULL;
	wk.wake_pending = false;
	pthread_mutex_unlock(&wk.lock);
	while (job) {
		struct med_job *next = job->next;

		job->done(job);
		job = next;
	}
}

static void worker_wake(int id, void *data, void *arg)
{
	(void)id;
	(void)data;
	(void)arg;
	worker_deliver();
}

int med_worker_start(void)
{
	int err;

	if (wk.running)
		return 0;
	err = mqueue_alloc(&wk.mq, worker_wake, NULL);
	if (err)
		return err;
	wk.stop = false;
	wk.wake_pending = false;
	err = pthread_create(&wk.thread, NULL, worker_main, NULL);
	if (err) {
		wk.mq = mem_deref(wk.mq);
		return err;
	}
	wk.running = true;
	return 0;
}

/* Lets queued jobs finish (recordings must be flushed), joins the thread,
 * then delivers every result on the calling (main) thread. */
void med_worker_stop(void)
{
	if (!wk.running)
		return;
	pthread_mutex_lock(&wk.lock);
	wk.stop = true;
	pthread_cond_signal(&wk.cond);
	pthread_mutex_unlock(&wk.lock);
	pthread_join(wk.thread, NULL);
	wk.running = false;
	worker_deliver();
	wk.mq = mem_deref(wk.mq);
}

void med_worker_push(struct med_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&wk.lock);
	if (wk.tail)
		wk.tail->next = job;
	else
		wk.head = job;
	wk.tail = job;
	pthread_cond_signal(&wk.cond);
	pthread_mutex_unlock(&wk.lock);
}

/* --- loading (worker thread) --------------------------------------------- */

static int read_audio(struct load_job *lj, const char *path)
{
	SF_INFO info;
	SNDFILE *sf;
	float *buf = NULL;
	sf_count_t got;
	int err = 0;

	memset(&info, 0, sizeof(info));
	sf = sf_open(path, SFM_READ, &info);
	if (!sf)
		return access(path, R_OK) ? errno : EBADMSG;
	if (info.channels < 1 || info.samplerate < 1000 ||
	    info.frames < 0 || info.frames > (sf_count_t)3600 * 192000) {
		err = EBADMSG;
		goto out;
	}
	buf = malloc(((size_t)info.frames + 1) * (size_t)info.channels *
		     sizeof(*buf));
	if (!buf) {
		err = ENOMEM;
		goto out;
	}
	got = sf_readf_float(sf, buf, info.frames);
	if (got < 0) {
		err = EIO;
		goto out;
	}
	err = med_dsp_to8k(&lj->pcm, &lj->n, buf, (size_t)got,
			   (unsigned)info.channels, info.samplerate);
out:
	free(buf);
	sf_close(sf);
	return err;
}

/* Writes 8 kHz 16-bit mono to path via a temporary name and rename. */
static int write_wav(const char *path, const int16_t *pcm, size_t n)
{
	char tmp[600];
	SF_INFO info;
	SNDFILE *sf;
	int err = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp%d", path, (int)getpid());
	memset(&info, 0, sizeof(info));
	info.samplerate = MED_SRATE;
	info.channels = 1;
	info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
	sf = sf_open(tmp, SFM_WRITE, &info);
	if (!sf)
		return EIO;
	if (sf_writef_short(sf, pcm, (sf_count_t)n) != (sf_count_t)n)
		err = EIO;
	sf_close(sf);
	if (!err && rename(tmp, path))
		err = errno;
	if (err)
		unlink(tmp);
	return err;
}

struct tts_buf {
	short *v;
	size_t n, cap;
	int err;
};

static int tts_cb(short *wav, int numsamples, espeak_EVENT *events)
{
	struct tts_buf *tb = events ? events->user_data : NULL;

	if (!tb || !wav || numsamples <= 0)
		return 0;
	if (tb->n + (size_t)numsamples > tb->cap) {
		size_t cap = (tb->cap ? tb->cap * 2 : 65536) +
			     (size_t)numsamples;
		short *v = realloc(tb->v, cap * sizeof(*v));

		if (!v) {
			tb->err = ENOMEM;
			return 1;
		}
		tb->v = v;
		tb->cap = cap;
	}
	memcpy(tb->v + tb->n, wav, (size_t)numsamples * sizeof(*wav));
	tb->n += (size_t)numsamples;
	return 0;
}

static int synth(struct load_job *lj)
{
	struct tts_buf tb = {0};
	float *f = NULL;
	size_t i;
	int err = 0;

	if (!wk.espeak_ready) {
		wk.espeak_srate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS,
						    0, NULL,
						    espeakINITIALIZE_DONT_EXIT);
		if (wk.espeak_srate <= 0)
			return ENOENT;
		espeak_SetSynthCallback(tts_cb);
		wk.espeak_ready = true;
	}
	if (espeak_SetVoiceByName(lj->voice) != EE_OK)
		return ENOENT;
	if (espeak_Synth(lj->text, strlen(lj->text) + 1, 0, POS_CHARACTER, 0,
			 espeakCHARS_UTF8, NULL, &tb) != EE_OK) {
		err = EIO;
		goto out;
	}
	if (tb.err) {
		err = tb.err;
		goto out;
	}
	f = malloc((tb.n + 1) * sizeof(*f));
	if (!f) {
		err = ENOMEM;
		goto out;
	}
	for (i = 0; i < tb.n; i++)
		f[i] = (float)tb.v[i] / 32768.0f;
	err = med_dsp_to8k(&lj->pcm, &lj->n, f, tb.n, 1, wk.espeak_srate);
out:
	free(f);
	free(tb.v);
	return err;
}

static void load_run(struct med_job *job)
{
	struct load_job *lj = (struct load_job *)job;
	struct stat st;
	int err = 0;

	switch (lj->kind) {

	case KIND_FILE:
		err = read_audio(lj, lj->path);
		break;

	case KIND_TEXT:
	case KIND_MOH:
		if (!stat(lj->path, &st)) {
			err = read_audio(lj, lj->path);
			if (!err)
				break;
			cc_warn("med", "cached prompt %s unreadable (%s): "
				"rendering again", lj->path, strerror(err));
			free(lj->pcm);
			lj->pcm = NULL;
		}
		if (lj->kind == KIND_TEXT)
			err = synth(lj);
		else
			err = med_dsp_moh(&lj->pcm, &lj->n, 16);
		if (!err)
			err = write_wav(lj->path, lj->pcm, lj->n);
		break;
	}
	if (!err && !lj->n)
		err = ENODATA;
	if (!err) {
		lj->ulaw = malloc(lj->n);
		lj->alaw = malloc(lj->n);
		if (!lj->ulaw || !lj->alaw)
			err = ENOMEM;
	}
	if (!err) {
		med_g711_encode(MED_CODEC_PCMU, lj->ulaw, lj->pcm, lj->n);
		med_g711_encode(MED_CODEC_PCMA, lj->alaw, lj->pcm, lj->n);
	}
	job->err = err;
}

/* --- main loop ----------------------------------------------------------- */

static void load_done(struct med_job *job)
{
	struct load_job *lj = (struct load_job *)job;
	struct med_prompt *p = lj->p;

	/* The media thread's tick reads a prompt's state and payload under
	 * the media lock. */
	med_io_lock();
	if (job->err) {
		p->state = PROMPT_FAILED;
		p->err = job->err;
	}
	else {
		p->pcm = lj->pcm;
		p->ulaw = lj->ulaw;
		p->alaw = lj->alaw;
		p->n = lj->n;
		lj->pcm = NULL;
		lj->ulaw = lj->alaw = NULL;
		p->state = PROMPT_READY;
	}
	med_io_unlock();
	if (job->err) {
		cc_warn("med", "prompt %s: %s", p->key, strerror(job->err));
	}
	else {
		cc_debug("med", "prompt %s ready: %zu ms", p->key,
			 p->n / (MED_SRATE / 1000));
	}
	mem_deref(lj);
}

static void job_destructor(void *arg)
{
	struct load_job *lj = arg;

	free(lj->pcm);
	free(lj->ulaw);
	free(lj->alaw);
	mem_deref(lj->text);
	mem_deref(lj->p);
}

static void prompt_destructor(void *arg)
{
	struct med_prompt *p = arg;

	hash_unlink(&p->he);
	mem_deref(p->key);
	free(p->pcm);
	free(p->ulaw);
	free(p->alaw);
}

static bool key_cmp(struct le *le, void *arg)
{
	const struct med_prompt *p = le->data;

	return !strcmp(p->key, arg);
}

/* Finds or starts loading the prompt under key. */
static int prompt_get(struct med_prompt **pp, const char *key,
		      enum prompt_kind kind, const char *path,
		      const char *voice, const char *text)
{
	struct load_job *lj = NULL;
	struct med_prompt *p;
	struct le *le;
	int err;

	if (!pr.ready)
		return ESRCH;
	le = hash_lookup(pr.cache, hash_joaat_str(key), key_cmp,
			 (void *)key);
	if (le) {
		*pp = mem_ref(le->data);
		return 0;
	}
	if (strlen(path) >= sizeof(lj->path))
		return ENAMETOOLONG;
	p = mem_zalloc(sizeof(*p), prompt_destructor);
	if (!p)
		return ENOMEM;
	err = str_dup(&p->key, key);
	if (err)
		goto out;
	lj = mem_zalloc(sizeof(*lj), job_destructor);
	if (!lj) {
		err = ENOMEM;
		goto out;
	}
	lj->job.run = load_run;
	lj->job.done = load_done;
	lj->kind = kind;
	str_ncpy(lj->path, path, sizeof(lj->path));
	str_ncpy(lj->voice, voice ? voice : "en", sizeof(lj->voice));
	if (text) {
		err = str_dup(&lj->text, text);
		if (err)
			goto out;
	}
	lj->p = mem_ref(p);
	p->state = PROMPT_LOADING;
	/* the cache holds one reference until med_close */
	hash_append(pr.cache, hash_joaat_str(key), &p->he, mem_ref(p));
	med_worker_push(&lj->job);
	lj = NULL;
	*pp = p;
	p = NULL;
out:
	mem_deref(lj);
	mem_deref(p);
	return err;
}

int med_prompt_file(struct med_prompt **pp, const char *path)
{
	char key[600];

	if (!pp || !path || !*path)
		return EINVAL;
	snprintf(key, sizeof(key), "file:%s", path);
	return prompt_get(pp, key, KIND_FILE, path, NULL, NULL);
}

int med_prompt_text(struct med_prompt **pp, const char *voice,
		    const char *text)
{
	char hash[41], key[64], path[600];

	if (!pp || !text || !*text)
		return EINVAL;
	if (!voice || !*voice)
		voice = "en";
	if (strlen(voice) >= 64 || strchr(voice, '/'))
		return EINVAL;
	med_prompt_key(hash, voice, text);
	snprintf(key, sizeof(key), "tts:%s", hash);
	snprintf(path, sizeof(path), "%s/tts-%s.wav", pr.dir, hash);
	return prompt_get(pp, key, KIND_TEXT, path, voice, text);
}

int med_prompt_moh(struct med_prompt **pp)
{
	char path[600];

	if (!pp)
		return EINVAL;
	snprintf(path, sizeof(path), "%s/moh.wav", pr.dir);
	return prompt_get(pp, "moh", KIND_MOH, path, NULL, NULL);
}

/* ivr: a voicemail played once to its agent need not stay cached. */
void med_prompt_forget(struct med_prompt *p)
{
	if (!p || !p->he.list)
		return;
	hash_unlink(&p->he);
	mem_deref(p); /* the cache's reference; the holders keep theirs */
}

bool med_prompt_ready(const struct med_prompt *p, int *errp)
{
	if (!p)
		return false;
	if (errp)
		*errp = p->state == PROMPT_FAILED ? p->err : 0;
	return p->state == PROMPT_READY;
}

uint32_t med_prompt_duration_ms(const struct med_prompt *p)
{
	if (!p || p->state != PROMPT_READY)
		return 0;
	return (uint32_t)(p->n / (MED_SRATE / 1000));
}

const uint8_t *med_prompt_payload(const struct med_prompt *p,
				  enum med_codec codec, size_t *np)
{
	if (!p || p->state != PROMPT_READY)
		return NULL;
	*np = p->n;
	return codec == MED_CODEC_PCMA ? p->alaw : p->ulaw;
}

int med_prompt_init(const char *datadir)
{
	int err;

	if (pr.ready)
		return 0;
	if (snprintf(pr.dir, sizeof(pr.dir), "%s/prompts", datadir) >=
	    (int)sizeof(pr.dir))
		return ENAMETOOLONG;
	if (mkdir(pr.dir, 0750) && errno != EEXIST) {
		err = errno;
		cc_error("med", "prompt cache %s: %s", pr.dir, strerror(err));
		return err;
	}
	err = hash_alloc(&pr.cache, 256);
	if (err)
		return err;
	pr.ready = true;
	return 0;
}

void med_prompt_close(void)
{
	if (!pr.ready)
		return;
	/* The cache's references: flush derefs each prompt. */
	hash_flush(pr.cache);
	pr.cache = mem_deref(pr.cache);
	pr.ready = false;
}
