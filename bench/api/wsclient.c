/*
 * A small WebSocket client for the event channel /api/v1/events, for the
 * end-to-end tests and the API benchmark (no third-party client needed).
 *
 *   bench_api listen PORT TOKEN [QUERY] [COUNT] [SECONDS]
 *       one channel; prints every text message on its own line; stops
 *       after COUNT messages or SECONDS. QUERY is appended to the URL
 *       (e.g. "since=12&epoch=..."). Exit 0 if connected, 2 if refused.
 *   bench_api fanout PORT TOKEN CLIENTS [CHANNEL_TOKEN]
 *       opens CLIENTS channels, then makes one state change (adds an away
 *       reason over REST, which publishes an event) and measures the time
 *       from the request until every channel has the event.
 *   bench_api hold PORT TOKEN CLIENTS SECONDS
 *       keeps CLIENTS channels open for SECONDS, counting the per-second
 *       figures they receive (load beside wrk).
 *   bench_api origin PORT TOKEN ORIGIN
 *       tries an upgrade with the given Origin; exit 0 if accepted, 2 if
 *       refused.
 *
 * Figures are printed as `name: value unit` lines.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct conn {
	int fd;
	bool upgraded;
	char *buf;
	size_t len, cap;
	unsigned msgs;
	bool got;    /* fanout: saw the marker */
	double t_got;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int tcp_connect(int port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static int ws_open(int port, const char *token, const char *query,
		   const char *origin)
{
	char req[1024];
	int fd = tcp_connect(port), n;

	if (fd < 0)
		return -1;
	n = snprintf(req, sizeof(req),
		     "GET /api/v1/events?token=%s%s%s HTTP/1.1\r\n"
		     "Host: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
		     "Connection: Upgrade\r\n"
		     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
		     "Sec-WebSocket-Version: 13\r\n%s%s%s\r\n",
		     token, query && *query ? "&" : "", query ? query : "",
		     port, origin ? "Origin: " : "", origin ? origin : "",
		     origin ? "\r\n" : "");
	if (write(fd, req, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	return fd;
}

static void buf_add(struct conn *c, const char *p, size_t n)
{
	if (c->len + n + 1 > c->cap) {
		c->cap = (c->cap + n) * 2 + 4096;
		c->buf = realloc(c->buf, c->cap);
		if (!c->buf)
			exit(1);
	}
	memcpy(c->buf + c->len, p, n);
	c->len += n;
}

/* Reads what is there; calls msg(c, text, len) per complete text frame.
 * Returns -1 when the connection is gone or refused. */
static int conn_read(struct conn *c,
		     void (*msg)(struct conn *, const char *, size_t))
{
	char tmp[65536];
	ssize_t n = read(c->fd, tmp, sizeof(tmp));
	size_t off = 0;

	if (n <= 0)
		return n < 0 && errno == EAGAIN ? 0 : -1;
	buf_add(c, tmp, (size_t)n);
	if (!c->upgraded) {
		char *end;

		c->buf[c->len] = '\0';
		end = strstr(c->buf, "\r\n\r\n");
		if (!end)
			return 0;
		if (strncmp(c->buf, "HTTP/1.1 101", 12))
			return -1;
		c->upgraded = true;
		off = (size_t)(end + 4 - c->buf);
	}
	for (;;) {
		const uint8_t *p = (const uint8_t *)c->buf + off;
		size_t avail = c->len - off, hdr = 2;
		uint64_t plen;

		if (avail < 2)
			break;
		plen = p[1] & 0x7f;
		if (plen == 126) {
			if (avail < 4)
				break;
			plen = (uint64_t)p[2] << 8 | p[3];
			hdr = 4;
		}
		else if (plen == 127) {
			int i;

			if (avail < 10)
				break;
			for (plen = 0, i = 0; i < 8; i++)
				plen = plen << 8 | p[2 + i];
			hdr = 10;
		}
		if (avail < hdr + plen)
			break;
		if ((p[0] & 0x0f) == 1)
			msg(c, (const char *)p + hdr, (size_t)plen);
		else if ((p[0] & 0x0f) == 8)
			return -1;
		off += hdr + plen;
	}
	memmove(c->buf, c->buf + off, c->len - off);
	c->len -= off;
	return 0;
}

static unsigned listen_left;

static void msg_print(struct conn *c, const char *t, size_t n)
{
	c->msgs++;
	printf("%.*s\n", (int)n, t);
	fflush(stdout);
	if (listen_left)
		listen_left--;
}

static const char *marker;

static void msg_fanout(struct conn *c, const char *t, size_t n)
{
	c->msgs++;
	if (marker && !c->got && memmem(t, n, marker, strlen(marker))) {
		c->got = true;
		c->t_got = now_ms();
	}
}

static void msg_count(struct conn *c, const char *t, size_t n)
{
	(void)t;
	(void)n;
	c->msgs++;
}

static int http_post(int port, const char *token, const char *path,
		     const char *body)
{
	char req[2048], resp[2048];
	int fd = tcp_connect(port), n;
	ssize_t r;

	if (fd < 0)
		return -1;
	n = snprintf(req, sizeof(req),
		     "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		     "Authorization: Bearer %s\r\n"
		     "Content-Type: application/json\r\n"
		     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
		     path, token, strlen(body), body);
	if (write(fd, req, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	r = read(fd, resp, sizeof(resp) - 1);
	close(fd);
	if (r < 12)
		return -1;
	resp[r] = '\0';
	return atoi(resp + 9);
}

/* Opens n channels and waits until all are upgraded (or timeout). */
static struct conn *open_many(int ep, int port, const char *token, int n,
			      void (*msg)(struct conn *, const char *,
					  size_t))
{
	struct conn *cv = calloc((size_t)n, sizeof(*cv));
	struct epoll_event evs[256];
	double t_end = now_ms() + 30000;
	int i, up = 0;

	for (i = 0; i < n; i++) {
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &cv[i]};

		cv[i].fd = ws_open(port, token, NULL, NULL);
		if (cv[i].fd < 0) {
			fprintf(stderr, "connect %d failed: %s\n", i,
				strerror(errno));
			exit(1);
		}
		epoll_ctl(ep, EPOLL_CTL_ADD, cv[i].fd, &ev);
	}
	while (up < n && now_ms() < t_end) {
		int k, m = epoll_wait(ep, evs, 256, 100);

		for (k = 0; k < m; k++) {
			struct conn *c = evs[k].data.ptr;
			bool was = c->upgraded;

			if (conn_read(c, msg)) {
				fprintf(stderr, "channel refused or closed\n");
				exit(1);
			}
			if (!was && c->upgraded)
				up++;
		}
	}
	if (up < n) {
		fprintf(stderr, "only %d of %d channels opened\n", up, n);
		exit(1);
	}
	return cv;
}

int main(int argc, char *argv[])
{
	struct rlimit rl;
	int port, ep;

	if (argc < 4) {
		fprintf(stderr, "usage: see the top of bench/api/wsclient.c\n");
		return 2;
	}
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	port = atoi(argv[2]);
	ep = epoll_create1(0);

	if (!strcmp(argv[1], "listen") || !strcmp(argv[1], "origin")) {
		bool origin = !strcmp(argv[1], "origin");
		struct conn c = {0};
		double secs = argc > 6 ? atof(argv[6]) : 10, t_end;

		listen_left = argc > 5 ? (unsigned)atoi(argv[5]) : 0;
		c.fd = ws_open(port, argv[3], origin ? NULL : argc > 4 ? argv[4]
								     : NULL,
			       origin ? argv[4] : NULL);
		if (c.fd < 0)
			return 1;
		t_end = now_ms() + secs * 1000;
		while (now_ms() < t_end) {
			struct pollfd pf = {.fd = c.fd, .events = POLLIN};

			if (poll(&pf, 1, 100) <= 0)
				continue;
			if (conn_read(&c, msg_print))
				break;
			if (origin && c.upgraded)
				break;
			if (c.upgraded && argc > 5 && !listen_left)
				break;
		}
		close(c.fd);
		free(c.buf);
		return c.upgraded ? 0 : 2;
	}
	if (!strcmp(argv[1], "fanout") && argc >= 5) {
		int n = atoi(argv[4]), i, got = 0, status;
		/* The channels may belong to another login (agents'
		 * desktops) than the one making the change (an admin). */
		struct conn *cv = open_many(ep, port, argc > 5 ? argv[5]
								 : argv[3],
					    n, msg_fanout);
		struct epoll_event evs[256];
		char body[128], code[48];
		double t0, t_end, last = 0;

		snprintf(code, sizeof(code), "fanout_%ld", (long)getpid() ^
			 (long)now_ms());
		marker = code;
		snprintf(body, sizeof(body),
			 "{\"code\":\"%s\",\"label\":\"fan-out test\"}", code);
		t0 = now_ms();
		status = http_post(port, argv[3], "/api/v1/away-reasons",
				   body);
		if (status != 201) {
			fprintf(stderr, "state change answered %d\n", status);
			return 1;
		}
		t_end = t0 + 10000;
		while (got < n && now_ms() < t_end) {
			int k, m = epoll_wait(ep, evs, 256, 100);

			for (k = 0; k < m; k++) {
				struct conn *c = evs[k].data.ptr;
				bool was = c->got;

				conn_read(c, msg_fanout);
				if (!was && c->got) {
					got++;
					if (c->t_got > last)
						last = c->t_got;
				}
			}
		}
		printf("fanout-clients: %d clients\n", n);
		printf("fanout-received: %d clients\n", got);
		printf("fanout-all-ms: %.1f ms\n", last - t0);
		for (i = 0; i < n; i++) {
			close(cv[i].fd);
			free(cv[i].buf);
		}
		free(cv);
		return got == n ? 0 : 1;
	}
	if (!strcmp(argv[1], "hold") && argc >= 6) {
		int n = atoi(argv[4]), i;
		struct conn *cv = open_many(ep, port, argv[3], n, msg_count);
		struct epoll_event evs[256];
		double t_end = now_ms() + atof(argv[5]) * 1000;
		unsigned long total = 0;

		while (now_ms() < t_end) {
			int k, m = epoll_wait(ep, evs, 256, 100);

			for (k = 0; k < m; k++)
				conn_read(evs[k].data.ptr, msg_count);
		}
		for (i = 0; i < n; i++) {
			total += cv[i].msgs;
			close(cv[i].fd);
			free(cv[i].buf);
		}
		printf("ws-clients: %d clients\n", n);
		printf("ws-messages: %lu messages\n", total);
		printf("ws-messages-per-client-per-s: %.2f msg/s\n",
		       (double)total / n / atof(argv[5]));
		free(cv);
		return 0;
	}
	fprintf(stderr, "unknown mode %s\n", argv[1]);
	return 2;
}
