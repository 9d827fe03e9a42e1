/*
 * bench_ivr: the interpreter's cost per caller. Loads the demo flow
 * (data/flows/demo-5000.json, or argv[1]), keeps SESSIONS callers in the
 * flow at once (default 2,000) and drives each through it as a live host
 * would: greeting, barge-in with 2, six account digits and #, lookup,
 * queue. Prints the events per second, the cost of one event and the heap
 * per session (mallinfo2). It measures the flow engine only: the media of
 * 2,000 callers is bench/sip's "callers waiting with music".
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ivr/ivr.h"

int prompt_bench(void); /* prompt_bench.c */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint32_t last_play(const struct ivr_action *a, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].type == IVR_ACT_PLAY)
			id = a[i].play_id;
	return id;
}

int main(int argc, char *argv[])
{
	const char *path = argc > 1 ? argv[1] : "data/flows/demo-5000.json";
	const char *env = getenv("SESSIONS");
	size_t sessions = env ? strtoul(env, NULL, 10) : 2000, queued = 0;
	struct ivr_session **sv;
	struct ivr_flow *flow = NULL;
	uint32_t *play;
	char *json = slurp(path), alt[1024];
	unsigned long long events = 0;
	struct mallinfo2 m0, m1;
	double t0, t1;
	const char *script = "S2123456#LL"; /* by account, by caller */
	int round;

	if (!json && argc < 2 && strrchr(argv[0], '/')) {
		/* Run from elsewhere: the source tree next to build/. */
		snprintf(alt, sizeof(alt), "%.*s/../%s",
			 (int)(strrchr(argv[0], '/') - argv[0]), argv[0],
			 path);
		path = alt;
		json = slurp(path);
	}
	if (!json || ivr_flow_decode(&flow, json, NULL, NULL, NULL)) {
		fprintf(stderr, "bench_ivr: cannot load %s\n", path);
		return 1;
	}
	sv = calloc(sessions, sizeof(*sv));
	play = calloc(sessions, sizeof(*play));
	m0 = mallinfo2();
	for (size_t i = 0; i < sessions; i++)
		if (ivr_session_alloc(&sv[i], flow, NULL, "+15550001", "5000"))
			return 1;
	t0 = now_s();
	/* Every caller advances one event per round, all alive at once. */
	for (round = 0; script[round]; round++) {
		for (size_t i = 0; i < sessions; i++) {
			struct ivr_event ev = {0};
			const struct ivr_action *a;
			size_t n;

			ev.now = 1000 + (uint64_t)round * 300;
			ev.wall = 1795000000000LL;
			switch (script[round]) {
			case 'S':
				ev.type = IVR_EV_START;
				break;
			case 'L':
				ev.type = IVR_EV_LOOKUP;
				break;
			default:
				ev.type = IVR_EV_DIGIT;
				ev.digit = script[round];
			}
			ev.play_id = play[i];
			if (ivr_session_event(sv[i], &ev, &a, &n) == 0) {
				play[i] = last_play(a, n, play[i]);
				events++;
			}
			if (round == 0 && i == sessions - 1)
				m1 = mallinfo2();
		}
	}
	t1 = now_s();
	for (size_t i = 0; i < sessions; i++) {
		queued += ivr_session_done(sv[i]);
		ivr_session_free(sv[i]);
	}
	printf("ivr-sessions: %zu callers\n", sessions);
	printf("ivr-queued-at-end: %zu callers\n", queued);
	printf("ivr-events-per-s: %.0f events/s\n", events / (t1 - t0));
	printf("ivr-event-cost: %.2f us\n", (t1 - t0) * 1e6 / events);
	printf("ivr-heap-per-session: %.1f KiB\n",
	       (double)(m1.uordblks - m0.uordblks) / sessions / 1024);
	free(sv);
	free(play);
	free(json);
	ivr_flow_unref(flow);
	if (prompt_bench())
		return 1;
	return queued == sessions ? 0 : 1;
}
