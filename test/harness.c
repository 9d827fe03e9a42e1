/*
 * The runner shared by every unit-test executable: runs the case named on
 * the command line, or all cases in table order, and prints one line per
 * case and a closing `N passed, N failed`.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>
#include "test.h"

static char tmpdir[256];
static int failed_here;

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	failed_here = 1;
}

const char *test_tmpdir(void)
{
	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof(tmpdir), "/tmp/sbtest.XXXXXX");
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			exit(2);
		}
	}
	return tmpdir;
}

static void tmpdir_remove(void)
{
	char cmd[300];

	if (!tmpdir[0] || failed_here)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	tmpdir[0] = '\0';
}

static int run(const struct test_case *tc)
{
	int err;

	failed_here = 0;
	err = tc->fn();
	tmpdir_remove();
	if (err || failed_here) {
		printf("FAIL %s (%s)\n", tc->name, strerror(err ? err : EINVAL));
		return 1;
	}
	printf("ok   %s\n", tc->name);
	return 0;
}

int main(int argc, char *argv[])
{
	size_t i, passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < test_casec; i++) {
		if (argc > 1 && strcmp(argv[1], test_cases[i].name))
			continue;
		if (run(&test_cases[i]))
			failed++;
		else
			passed++;
	}
	if (argc > 1 && passed + failed == 0) {
		fprintf(stderr, "no test case named %s\n", argv[1]);
		return 2;
	}
	printf("%zu passed, %zu failed\n", passed, failed);
	return failed ? 1 : 0;
}
