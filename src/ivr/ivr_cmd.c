/*
 * ivr_cmd.c: `switchboard flow check [--queues a,b] [--prompts DIR]
 * FILE...` validates flow files without starting anything: every problem
 * is printed as "FILE: $.json.path: message"; exit status 2 when any,
 * 1 when a file cannot be read. Prompt files are looked for relative to
 * --prompts, by default the flow file's own folder.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ivr/ivr.h"

enum { QUEUES_MAX = 64 };

static void print_h(const char *path, const char *msg, void *arg)
{
	printf("%s: %s: %s\n", (const char *)arg, path, msg);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || n > 4 << 20 ||
	    fseek(f, 0, SEEK_SET))
		goto out;
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
out:
	fclose(f);
	return buf;
}

static int usage(void)
{
	fprintf(stderr, "usage: switchboard flow check [--queues a,b,...]"
			" [--prompts DIR] FILE...\n");
	return 2;
}

int ivr_cmd_flow(int argc, char *argv[])
{
	const char *queuev[QUEUES_MAX];
	char qbuf[2048] = "", dir[1024];
	const char *prompts = NULL;
	struct ivr_check_opts o = {0};
	unsigned problems = 0, files = 0;
	int i, status = 0;

	if (argc < 2 || strcmp(argv[1], "check"))
		return usage();
	for (i = 2; i < argc && argv[i][0] == '-'; i += 2) {
		if (i + 1 >= argc)
			return usage();
		if (!strcmp(argv[i], "--queues")) {
			char *tok, *save = NULL;

			snprintf(qbuf, sizeof(qbuf), "%s", argv[i + 1]);
			o.queues = queuev;
			for (tok = strtok_r(qbuf, ",", &save);
			     tok && o.queuec < QUEUES_MAX;
			     tok = strtok_r(NULL, ",", &save))
				queuev[o.queuec++] = tok;
		}
		else if (!strcmp(argv[i], "--prompts")) {
			prompts = argv[i + 1];
		}
		else {
			fprintf(stderr, "flow check: unknown option %s\n",
				argv[i]);
			return usage();
		}
	}
	if (i >= argc)
		return usage();
	o.check_files = true;
	for (; i < argc; i++) {
		char *json = slurp(argv[i]);
		const char *slash = strrchr(argv[i], '/');
		unsigned n;

		if (!json) {
			fprintf(stderr, "%s: cannot read: %s\n", argv[i],
				strerror(errno ? errno : EIO));
			status = status ? status : 1;
			continue;
		}
		if (prompts)
			snprintf(dir, sizeof(dir), "%s", prompts);
		else if (slash)
			snprintf(dir, sizeof(dir), "%.*s",
				 (int)(slash - argv[i]), argv[i]);
		else
			strcpy(dir, ".");
		o.prompt_dir = dir;
		n = ivr_flow_check(json, &o, print_h, argv[i]);
		free(json);
		problems += n;
		files++;
		if (!n)
			printf("%s: ok\n", argv[i]);
	}
	if (problems) {
		printf("%u problem%s in %u file%s\n", problems,
		       problems == 1 ? "" : "s", files, files == 1 ? "" : "s");
		return 2;
	}
	return status;
}
