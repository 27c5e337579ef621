/*
 * slow_commit.so - a test-only LD_PRELOAD hook that makes Xapian commits
 * slow, so that a kill -9 in the crash tests lands inside a commit rather
 * than only between commits.
 *
 * A glass commit writes the changed blocks of every table, then makes
 * them the current revision by renaming a new version file over
 * "iamglass". This hook sleeps LEDE_TEST_SLOW_COMMIT_MS milliseconds
 * (from the environment; unset or 0: no delay) before each such rename:
 * the new blocks are on disk, the revision that names them is not yet,
 * which is the moment a crash must leave the previous commit intact.
 *
 * Nothing in lede reads this variable; only the tests set it, and only
 * with this library preloaded (tests/cli/reliability.bats). It is not
 * installed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int (*rename_fn)(const char *, const char *);

static void maybe_sleep(const char *to)
{
	const char *ms = getenv("LEDE_TEST_SLOW_COMMIT_MS");
	size_t n = to ? strlen(to) : 0;
	long v;
	struct timespec ts;

	if (ms == NULL || n < 8 || strcmp(to + n - 8, "iamglass") != 0)
		return;
	v = strtol(ms, NULL, 10);
	if (v <= 0)
		return;
	ts.tv_sec = v / 1000;
	ts.tv_nsec = (v % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

int rename(const char *from, const char *to)
{
	static rename_fn real;

	if (real == NULL)
		real = (rename_fn)dlsym(RTLD_NEXT, "rename");
	maybe_sleep(to);
	return real(from, to);
}
