/*
 * prompt_bench.c (part of bench_ivr): what a spoken prompt costs at call
 * time. Renders the demo flow's greeting three times through med: into an
 * empty cache (espeak-ng synthesis on med's worker, then the WAV cached
 * under DATA/prompts/), a second time in the same process (the memory
 * cache: ready when med_prompt_text returns, so no job and no synthesis
 * at all), and after med_close/med_init (the disk cache: a WAV read, no
 * synthesis). The number of tts-*.wav files written is the number of
 * syntheses.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <re.h>
#include "core/cc.h"
#include "med/med.h"

int prompt_bench(void);

static struct med_prompt *waiting;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void poll_h(void *arg)
{
	struct tmr *t = arg;

	if (med_prompt_ready(waiting, NULL)) {
		re_cancel();
		return;
	}
	tmr_start(t, 1, poll_h, t);
}

/* Renders text; returns the ms until ready, *at_once when it was ready
 * before any event ran (no worker job). */
static double render(const char *text, bool *at_once)
{
	struct tmr t;
	double t0 = now_ms(), t1;

	tmr_init(&t);
	if (med_prompt_text(&waiting, NULL, text))
		return -1;
	*at_once = med_prompt_ready(waiting, NULL);
	if (!*at_once) {
		tmr_start(&t, 1, poll_h, &t);
		(void)re_main(NULL);
	}
	t1 = now_ms();
	tmr_cancel(&t);
	waiting = mem_deref(waiting);
	return t1 - t0;
}

static unsigned tts_files(const char *dir)
{
	char path[600];
	DIR *d;
	struct dirent *e;
	unsigned n = 0;

	(void)snprintf(path, sizeof(path), "%s/prompts", dir);
	d = opendir(path);
	while (d && (e = readdir(d)))
		n += !strncmp(e->d_name, "tts-", 4);
	if (d)
		closedir(d);
	return n;
}

int prompt_bench(void)
{
	static const char text[] = "Thank you for calling. For sales press"
				   " 1, for support press 2.";
	char dir[] = "/tmp/sbpromptXXXXXX", cmd[64];
	struct cc_config cfg;
	double first, second, third;
	bool once1, once2, once3;

	if (!mkdtemp(dir) || libre_init())
		return 1;
	cc_config_init(&cfg);
	str_ncpy(cfg.data, dir, sizeof(cfg.data));
	str_ncpy(cfg.sip, "127.0.0.1:0", sizeof(cfg.sip));
	cfg.log_level = CC_LOG_WARN;
	if (med_init(&cfg))
		return 1;
	first = render(text, &once1);
	second = render(text, &once2);
	med_close();
	if (med_init(&cfg))
		return 1;
	third = render(text, &once3);
	med_close();
	printf("ivr-prompt-first-render: %.1f ms (synthesis%s)\n", first,
	       once1 ? "?!" : "");
	printf("ivr-prompt-second-render: %.3f ms (%s)\n", second,
	       once2 ? "ready at once: no job, no synthesis" : "a job ran");
	printf("ivr-prompt-render-after-restart: %.1f ms (%s)\n", third,
	       once3 ? "ready at once" : "the cached WAV read");
	printf("ivr-prompt-syntheses: %u for 3 renders\n", tts_files(dir));
	(void)snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)system(cmd);
	libre_close();
	return 0;
}
