/*
 * bench_sip (rtpprobe): the media side of bench/sip phase B. SIPp places
 * the calls and logs, for each answered call, the server's RTP port for
 * it (one number per line in --ports FILE, appended as calls come up).
 * The probe sends one 20 ms PCMU packet per call from --bind (the address
 * the callers' SDP names) to each port; the server relays it to the agent
 * phone (SIPp -rtp_echo), which echoes it; the server relays it back to
 * us unchanged (PCMU both ways, no transcoding). Calls send in 20 phases
 * a millisecond apart, as independent phones would. Each payload carries the
 * call index, a sequence number and the send time, so every packet's
 * round trip is measured. The jitter a packet met is its round trip minus
 * the fastest round trip of its call: two passes through the server plus
 * the echo.
 *
 *   bench_sip --ports FILE --bind IP:PORT --target IP --seconds N
 *             [--talk-ms MS]  (stop sending to a call MS after it came up)
 *
 * Prints figures as `figure-name: value unit`.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { MAX_CALLS = 8192, HIST = 100000 /* 10 us buckets: 1 s */, PHASES = 20 };

struct call {
	uint64_t until_ns; /* stop sending (the call is about to end) */
	uint16_t port;
	uint32_t seq;
	uint64_t min_rtt_ns;
};

static struct call callv[MAX_CALLS];
static size_t callc;
static uint32_t rtt_hist[HIST + 1], jit_hist[HIST + 1];
static uint64_t sent, received, late_over_5ms, talk_ns = UINT64_MAX / 2;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void hist_add(uint32_t *h, uint64_t ns)
{
	uint64_t b = ns / 10000;

	h[b < HIST ? b : HIST]++;
}

static double hist_pct(const uint32_t *h, double pct)
{
	uint64_t total = 0, sum = 0, want;

	for (size_t i = 0; i <= HIST; i++)
		total += h[i];
	want = (uint64_t)((double)total * pct / 100.0 + 0.5);
	for (size_t i = 0; i <= HIST; i++) {
		sum += h[i];
		if (sum >= want && want)
			return (double)i * 0.01; /* ms */
	}
	return 0;
}

/* Reads ports appended to the file since the last call. */
static void ports_read(FILE *f)
{
	char line[64];

	while (callc < MAX_CALLS && fgets(line, sizeof(line), f)) {
		long p = strtol(line, NULL, 10);

		if (p > 0 && p < 65536) {
			callv[callc].port = (uint16_t)p;
			callv[callc].until_ns = now_ns() + talk_ns;
			callv[callc].min_rtt_ns = UINT64_MAX;
			callc++;
		}
	}
	clearerr(f);
}

static void receive_all(int fd)
{
	uint8_t buf[2048];

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		uint32_t idx;
		uint64_t t, rtt, now;

		if (n < 12 + 16)
			return;
		memcpy(&idx, buf + 12, 4);
		memcpy(&t, buf + 20, 8);
		if (idx >= callc)
			continue;
		now = now_ns();
		rtt = now - t;
		received++;
		hist_add(rtt_hist, rtt);
		if (rtt < callv[idx].min_rtt_ns)
			callv[idx].min_rtt_ns = rtt;
		hist_add(jit_hist, rtt - callv[idx].min_rtt_ns);
		if (rtt - callv[idx].min_rtt_ns > 5000000)
			late_over_5ms++;
	}
}

int main(int argc, char *argv[])
{
	const char *ports = NULL, *bind_s = NULL, *target = "127.0.0.1";
	struct sockaddr_in local = {.sin_family = AF_INET};
	struct sockaddr_in dst = {.sin_family = AF_INET};
	uint64_t start, next, end;
	unsigned round_no = 0;
	int seconds = 20, fd, rcv = 8 << 20;
	FILE *f = NULL;
	uint8_t pkt[12 + 160];

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--ports"))
			ports = argv[i + 1];
		else if (!strcmp(argv[i], "--bind"))
			bind_s = argv[i + 1];
		else if (!strcmp(argv[i], "--target"))
			target = argv[i + 1];
		else if (!strcmp(argv[i], "--seconds"))
			seconds = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--talk-ms"))
			talk_ns = (uint64_t)atoi(argv[i + 1]) * 1000000u;
	}
	if (!ports || !bind_s || !strchr(bind_s, ':')) {
		fprintf(stderr, "usage: bench_sip --ports FILE --bind IP:PORT"
				" [--target IP] [--seconds N]\n");
		return 2;
	}
	local.sin_port = htons((uint16_t)atoi(strchr(bind_s, ':') + 1));
	*strchr(bind_s, ':') = '\0';
	if (inet_pton(AF_INET, bind_s, &local.sin_addr) != 1 ||
	    inet_pton(AF_INET, target, &dst.sin_addr) != 1)
		return 2;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &rcv, sizeof(rcv));
	if (fd < 0 || bind(fd, (struct sockaddr *)&local, sizeof(local))) {
		perror("bind");
		return 1;
	}
	memset(pkt, 0xff, sizeof(pkt));
	pkt[0] = 0x80;
	pkt[1] = 0; /* PCMU */
	start = now_ns();
	end = start + (uint64_t)seconds * 1000000000u;
	next = start;
	while (now_ns() < end) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		uint64_t now = now_ns();

		if (now >= next) {
			/* Phones are not in lockstep: call i sends in the
			 * (i mod 20)th millisecond of every 20 ms, so the
			 * server sees a steady stream, not one burst. */
			unsigned phase = round_no++ % PHASES;

			if (!f)
				f = fopen(ports, "r");
			if (f && !phase)
				ports_read(f);
			for (size_t i = phase; i < callc; i += PHASES) {
				uint32_t seq = callv[i].seq++, idx = (uint32_t)i;
				uint32_t ts = seq * 160, ssrc = htonl(idx + 1);
				uint64_t t = now_ns();

				if (t > callv[i].until_ns)
					continue;
				pkt[2] = (uint8_t)(seq >> 8);
				pkt[3] = (uint8_t)seq;
				ts = htonl(ts);
				memcpy(pkt + 4, &ts, 4);
				memcpy(pkt + 8, &ssrc, 4);
				memcpy(pkt + 12, &idx, 4);
				memcpy(pkt + 16, &seq, 4);
				memcpy(pkt + 20, &t, 8);
				dst.sin_port = htons(callv[i].port);
				if (sendto(fd, pkt, sizeof(pkt), 0,
					   (struct sockaddr *)&dst,
					   sizeof(dst)) == (ssize_t)sizeof(pkt))
					sent++;
			}
			next += 20000000 / PHASES;
			receive_all(fd);
			continue;
		}
		struct timespec wait = {0, (long)(next - now)};

		if (ppoll(&pfd, 1, &wait, NULL) > 0)
			receive_all(fd);
	}
	usleep(200000);
	receive_all(fd);
	printf("probe-calls: %zu calls\n", callc);
	printf("probe-sent: %llu packets\n", (unsigned long long)sent);
	printf("probe-received: %llu packets\n", (unsigned long long)received);
	printf("probe-loss: %.3f %%\n",
	       sent ? 100.0 * (double)(sent - received) / (double)sent : 0);
	printf("probe-rtt-p50: %.2f ms\n", hist_pct(rtt_hist, 50));
	printf("probe-rtt-p99: %.2f ms\n", hist_pct(rtt_hist, 99));
	printf("probe-jitter-p99: %.2f ms\n", hist_pct(jit_hist, 99));
	printf("probe-jitter-over-5ms: %.3f %%\n",
	       received ? 100.0 * (double)late_over_5ms / (double)received : 0);
	return 0;
}
