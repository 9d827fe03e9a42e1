/*
 * med_io.c: the media receive thread. Every leg's RTP socket is read here,
 * never on the main loop: libre's per-packet path (an 8 KiB mbuf allocated,
 * resized and freed for every datagram, a mutex around its helper list,
 * then the RTP decoder) cost most of the ~11 us of CPU per relayed packet
 * that limited one loop to about 500 bridged calls. This thread waits on
 * its own epoll set, reads each ready socket with one recvmmsg() into
 * buffers allocated once, and hands every datagram to med.c's receive
 * function (med_rx_packet), which relays it in place with one sendto().
 *
 * Ownership: the main loop adds and removes sockets (med_io_add/remove)
 * and is the only one to change a leg's negotiated state; it does so while
 * holding the media lock (med_io_lock). This thread holds the same lock
 * while it handles one socket's datagrams, so what med_rx_packet reads of
 * a leg and its peer is consistent. A socket is named in the epoll set by
 * a slot index and a generation: a removal bumps the generation, so an
 * event that epoll_wait returned just before the removal is recognised as
 * stale and dropped instead of touching a released leg.
 *
 * The same thread runs med.c's 20 ms playback tick (med_tick) from a
 * periodic timerfd in its epoll set, so prompts and music are as punctual
 * as relayed audio, whatever the main loop is doing.
 *
 * Events (first RTP, digits, prompts ended) raised here are queued with the slot and
 * generation and delivered on the main loop through an mqueue, where the
 * slot is checked again before the leg's handler runs.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/socket.h>
#include <time.h>
#include <re.h>
#include "core/cc.h"
#include "med/med.h"
#include "med/med_int.h"

enum {
	SLOTS = 32768,      /* at most one leg per even port */
	EVENTS = 128,       /* epoll events per wait */
	BATCH = 8,          /* datagrams per recvmmsg */
	BUFSZ = 2048,       /* one datagram (G.711 at ptime 20: 172 bytes) */
	WAKE_SLOT = SLOTS,  /* epoll data of the wake-up eventfd */
	TICK_SLOT,          /* epoll data of the tick's timerfd */
	RES_BUCKETS = 10000, /* residence histogram: 0-100 ms by 10 us */
	CMSG_SZ = 64,
};

struct slot {
	struct med_leg *leg; /* NULL when free */
	uint32_t gen;
	int fd;
	uint32_t next_free;
};

struct io_event {
	uint32_t slot, gen;
	struct med_event ev;
};

static struct {
	bool running;
	atomic_bool stop;
	pthread_t thread;
	pthread_mutex_t lock;
	int epfd, wakefd, tickfd;
	uint64_t tick_due_us; /* when the next tick is due */
	struct slot *slotv;
	uint32_t free_head; /* SLOTS: none */
	uint32_t used;
	struct mqueue *mq;
	/* receive buffers, the io thread's own */
	struct mmsghdr msgv[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_storage srcv[BATCH];
	uint8_t (*bufv)[BUFSZ];
	uint8_t ctlv[BATCH][CMSG_SZ];
	/* how long each datagram stayed in the server: from the kernel's
	 * receive timestamp (SO_TIMESTAMPNS) to the end of its handling
	 * (relayed, or decoded); under the lock */
	uint32_t *res_hist;
	uint64_t res_max_ns, res_count;
} io = {.epfd = -1, .wakefd = -1, .tickfd = -1, .lock = PTHREAD_MUTEX_INITIALIZER};

void med_io_lock(void)
{
	pthread_mutex_lock(&io.lock);
}

void med_io_unlock(void)
{
	pthread_mutex_unlock(&io.lock);
}

/* --- Events to the main loop --------------------------------------------- */

void med_io_event(uint32_t slot, const struct med_event *ev)
{
	struct io_event *e;

	if (slot >= SLOTS)
		return;
	e = mem_zalloc(sizeof(*e), NULL);
	if (!e)
		return;
	e->slot = slot;
	e->gen = io.slotv[slot].gen;
	e->ev = *ev;
	if (mqueue_push(io.mq, 0, e))
		mem_deref(e);
}

static void mq_h(int id, void *data, void *arg)
{
	struct io_event *e = data;
	struct slot *s;

	(void)id;
	(void)arg;
	if (!e)
		return;
	s = &io.slotv[e->slot];
	if (s->leg && s->gen == e->gen)
		med_leg_event(s->leg, &e->ev);
	mem_deref(e);
}

/* --- The thread ------------------------------------------------------------ */

static uint64_t ts_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec;
}

static void residence_add(const struct msghdr *mh)
{
	struct timespec now;
	struct cmsghdr *c;
	uint64_t ns, b;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR((struct msghdr *)mh, c)) {
		struct timespec rx;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS)
			continue;
		memcpy(&rx, CMSG_DATA(c), sizeof(rx));
		clock_gettime(CLOCK_REALTIME, &now);
		ns = ts_ns(&now) > ts_ns(&rx) ? ts_ns(&now) - ts_ns(&rx) : 0;
		b = ns / 10000;
		io.res_hist[b < RES_BUCKETS ? b : RES_BUCKETS]++;
		io.res_count++;
		if (ns > io.res_max_ns)
			io.res_max_ns = ns;
		return;
	}
}

static void read_socket(struct slot *s)
{
	int n;

	for (unsigned i = 0; i < BATCH; i++) {
		io.msgv[i].msg_hdr.msg_name = &io.srcv[i];
		io.msgv[i].msg_hdr.msg_namelen = sizeof(io.srcv[i]);
		io.msgv[i].msg_hdr.msg_control = io.ctlv[i];
		io.msgv[i].msg_hdr.msg_controllen = CMSG_SZ;
		io.msgv[i].msg_hdr.msg_flags = 0;
	}
	n = recvmmsg(s->fd, io.msgv, BATCH, MSG_DONTWAIT, NULL);
	for (int i = 0; i < n && s->leg; i++) {
		med_rx_packet(s->leg, io.bufv[i], io.msgv[i].msg_len);
		residence_add(&io.msgv[i].msg_hdr);
	}
}

void med_io_residence(struct med_io_stats *st)
{
	uint64_t want, sum = 0;

	memset(st, 0, sizeof(*st));
	if (!io.res_hist)
		return;
	med_io_lock();
	st->count = io.res_count;
	st->max_us = io.res_max_ns / 1000;
	for (unsigned pct = 50; pct <= 99; pct += 49) {
		want = (io.res_count * pct + 99) / 100;
		sum = 0;
		for (size_t i = 0; i <= RES_BUCKETS && want; i++) {
			sum += io.res_hist[i];
			if (sum >= want) {
				if (pct == 50)
					st->p50_us = i * 10;
				else
					st->p99_us = i * 10;
				break;
			}
		}
	}
	med_io_unlock();
}

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* The timerfd expired (once or, when this thread was late, several times:
 * the tick catches up on frames itself). */
static void tick(void)
{
	uint64_t n = 0, due = io.tick_due_us;

	if (read(io.tickfd, &n, sizeof(n)) != sizeof(n) || !n)
		return;
	io.tick_due_us += n * MED_PTIME * 1000u;
	med_io_lock();
	med_tick(due);
	med_io_unlock();
}

static void *io_thread(void *arg)
{
	struct epoll_event evv[EVENTS];

	(void)arg;
	while (!atomic_load(&io.stop)) {
		int n = epoll_wait(io.epfd, evv, EVENTS, 1000);

		for (int i = 0; i < n; i++) {
			uint64_t d = evv[i].data.u64;
			uint32_t idx = (uint32_t)d, gen = (uint32_t)(d >> 32);
			struct slot *s;

			if (idx == TICK_SLOT) {
				tick();
				continue;
			}
			if (idx == WAKE_SLOT) {
				uint64_t v;

				if (read(io.wakefd, &v, sizeof(v)) < 0)
					(void)0; /* drained already */
				continue;
			}
			if (idx >= SLOTS)
				continue;
			med_io_lock();
			s = &io.slotv[idx];
			if (s->leg && s->gen == gen)
				read_socket(s);
			med_io_unlock();
		}
	}
	return NULL;
}

/* --- Sockets (main loop) ------------------------------------------------- */

int med_io_add(uint32_t *slotp, int fd, struct med_leg *leg)
{
	struct epoll_event ev = {.events = EPOLLIN};
	uint32_t idx;
	struct slot *s;
	int on = 1;

	if (!io.running || fd < 0 || !leg || !slotp)
		return EINVAL;
	(void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
	if (io.free_head >= SLOTS)
		return EMFILE;
	med_io_lock();
	idx = io.free_head;
	s = &io.slotv[idx];
	io.free_head = s->next_free;
	s->leg = leg;
	s->fd = fd;
	ev.data.u64 = (uint64_t)s->gen << 32 | idx;
	med_io_unlock();
	if (epoll_ctl(io.epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int err = errno;

		med_io_lock();
		s->leg = NULL;
		s->gen++;
		s->next_free = io.free_head;
		io.free_head = idx;
		med_io_unlock();
		return err;
	}
	io.used++;
	*slotp = idx;
	return 0;
}

void med_io_remove(uint32_t slot)
{
	struct slot *s;

	if (!io.running || slot >= SLOTS)
		return;
	s = &io.slotv[slot];
	if (!s->leg)
		return;
	(void)epoll_ctl(io.epfd, EPOLL_CTL_DEL, s->fd, NULL);
	med_io_lock();
	s->leg = NULL;
	s->gen++;
	s->fd = -1;
	s->next_free = io.free_head;
	io.free_head = slot;
	med_io_unlock();
	io.used--;
}

/* --- Module (main loop) --------------------------------------------------- */

/* Relayed audio is late by whatever the thread waits for a core: with
 * other busy processes on the box (a load generator, a backup) a normally
 * scheduled thread waits milliseconds. SCHED_FIFO makes it run as soon as a
 * packet is ready; it blocks in epoll_wait between packets, and the
 * kernel's real-time throttling keeps a share for everything else. */
static void priority_set(pthread_t t, unsigned priority)
{
	struct sched_param sp = {.sched_priority = (int)priority};
	int err;

	if (!priority)
		return;
	err = pthread_setschedparam(t, SCHED_FIFO, &sp);
	if (err)
		cc_info("med", "media thread: real-time priority %u not "
			"granted (%s): normal scheduling", priority,
			strerror(err));
	else
		cc_info("med", "media thread: real-time priority %u",
			priority);
}

int med_io_start(unsigned priority)
{
	struct epoll_event ev = {.events = EPOLLIN};
	int err;

	if (io.running)
		return EALREADY;
	io.slotv = mem_zalloc(SLOTS * sizeof(*io.slotv), NULL);
	io.bufv = mem_zalloc(BATCH * BUFSZ, NULL);
	io.res_hist = mem_zalloc((RES_BUCKETS + 1) * sizeof(*io.res_hist),
				 NULL);
	io.res_count = io.res_max_ns = 0;
	if (!io.slotv || !io.bufv || !io.res_hist) {
		err = ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < SLOTS; i++) {
		io.slotv[i].fd = -1;
		io.slotv[i].next_free = i + 1;
	}
	io.free_head = 0;
	io.used = 0;
	for (unsigned i = 0; i < BATCH; i++) {
		io.iov[i].iov_base = io.bufv[i];
		io.iov[i].iov_len = BUFSZ;
		memset(&io.msgv[i], 0, sizeof(io.msgv[i]));
		io.msgv[i].msg_hdr.msg_iov = &io.iov[i];
		io.msgv[i].msg_hdr.msg_iovlen = 1;
	}
	err = mqueue_alloc(&io.mq, mq_h, NULL);
	if (err)
		goto out;
	io.epfd = epoll_create1(EPOLL_CLOEXEC);
	io.wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (io.epfd < 0 || io.wakefd < 0) {
		err = errno;
		goto out;
	}
	ev.data.u64 = WAKE_SLOT;
	if (epoll_ctl(io.epfd, EPOLL_CTL_ADD, io.wakefd, &ev) < 0) {
		err = errno;
		goto out;
	}
	io.tickfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (io.tickfd < 0) {
		err = errno;
		goto out;
	}
	{
		struct itimerspec its = {
			.it_interval = {0, MED_PTIME * 1000000L},
			.it_value = {0, MED_PTIME * 1000000L},
		};

		io.tick_due_us = mono_us() + MED_PTIME * 1000u;
		ev.data.u64 = TICK_SLOT;
		if (timerfd_settime(io.tickfd, 0, &its, NULL) < 0 ||
		    epoll_ctl(io.epfd, EPOLL_CTL_ADD, io.tickfd, &ev) < 0) {
			err = errno;
			goto out;
		}
	}
	atomic_store(&io.stop, false);
	err = pthread_create(&io.thread, NULL, io_thread, NULL);
	if (err)
		goto out;
	priority_set(io.thread, priority);
	io.running = true;
out:
	if (err) {
		cc_error("med", "media thread: %s", strerror(err));
		if (io.epfd >= 0)
			close(io.epfd);
		if (io.wakefd >= 0)
			close(io.wakefd);
		if (io.tickfd >= 0)
			close(io.tickfd);
		io.epfd = io.wakefd = io.tickfd = -1;
		io.mq = mem_deref(io.mq);
		io.slotv = mem_deref(io.slotv);
		io.bufv = mem_deref(io.bufv);
		io.res_hist = mem_deref(io.res_hist);
	}
	return err;
}

void med_io_stop(void)
{
	uint64_t one = 1;

	if (!io.running)
		return;
	atomic_store(&io.stop, true);
	if (write(io.wakefd, &one, sizeof(one)) < 0)
		(void)0; /* the 1 s wait ends it anyway */
	pthread_join(io.thread, NULL);
	close(io.epfd);
	close(io.wakefd);
	close(io.tickfd);
	io.epfd = io.wakefd = io.tickfd = -1;
	io.mq = mem_deref(io.mq);
	io.slotv = mem_deref(io.slotv);
	io.bufv = mem_deref(io.bufv);
	io.res_hist = mem_deref(io.res_hist);
	io.running = false;
}
