/*
 * The unit-test harness. A test file defines its cases as functions
 * returning 0 or an errno value and lists them in one table:
 *
 *	const struct test_case test_cases[] = {
 *		TEST_CASE(queue_longest_idle),
 *		...
 *	};
 *	TEST_TABLE_END;
 *
 * CMake registers every TEST_CASE(name) line with ctest as
 * <file>.<name>; `test_acd name` runs one case, `test_acd` runs all.
 * Assertions report file:line and the compared values, then jump to the
 * case's `out:` label, so cleanup runs on failure too. Leaks are checked by
 * LeakSanitizer in the `make test-asan` build: each case is a process.
 */
#ifndef SB_TEST_H
#define SB_TEST_H

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct test_case {
	const char *name;
	int (*fn)(void);
};

#define TEST_CASE(fn) {#fn, fn}
#define TEST_TABLE_END                                                       \
	const size_t test_casec = sizeof(test_cases) / sizeof(test_cases[0])

extern const struct test_case test_cases[];
extern const size_t test_casec;

void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A scratch directory for this case, removed after it unless the case fails;
 * path is valid until the process ends. */
const char *test_tmpdir(void);

#define TEST_ASSERT(cond)                                                    \
	do {                                                                 \
		if (!(cond)) {                                               \
			test_fail(__FILE__, __LINE__, "%s", #cond);          \
			err = err ? err : EINVAL;                            \
			goto out;                                            \
		}                                                            \
	} while (0)

#define TEST_EQ(a, b)                                                        \
	do {                                                                 \
		long long a_ = (long long)(a), b_ = (long long)(b);          \
		if (a_ != b_) {                                              \
			test_fail(__FILE__, __LINE__,                        \
				  "%s == %s: %lld != %lld", #a, #b, a_, b_); \
			err = err ? err : EINVAL;                            \
			goto out;                                            \
		}                                                            \
	} while (0)

#define TEST_STREQ(a, b)                                                     \
	do {                                                                 \
		const char *a_ = (a), *b_ = (b);                             \
		if (!a_ || !b_ || strcmp(a_, b_)) {                          \
			test_fail(__FILE__, __LINE__,                        \
				  "%s == %s: \"%s\" != \"%s\"", #a, #b,      \
				  a_ ? a_ : "(null)", b_ ? b_ : "(null)");   \
			err = err ? err : EINVAL;                            \
			goto out;                                            \
		}                                                            \
	} while (0)

#define TEST_NEAR(a, b, eps)                                                 \
	do {                                                                 \
		double a_ = (a), b_ = (b);                                   \
		if (!(fabs(a_ - b_) <= (eps))) {                             \
			test_fail(__FILE__, __LINE__,                        \
				  "%s ~ %s: %.9g != %.9g (eps %g)", #a, #b,  \
				  a_, b_, (double)(eps));                    \
			err = err ? err : EINVAL;                            \
			goto out;                                            \
		}                                                            \
	} while (0)

/* Fails the case when e (an errno-style result) is not 0. */
#define TEST_ERR(e)                                                          \
	do {                                                                 \
		int e_ = (e);                                                \
		if (e_) {                                                    \
			test_fail(__FILE__, __LINE__, "%s: %s (%d)", #e,     \
				  strerror(e_), e_);                         \
			err = e_;                                            \
			goto out;                                            \
		}                                                            \
	} while (0)

#endif
