/*
 * api_concurrency.c - one writer and four searchers on one index, in one
 * process, for LEDE_STRESS_SECONDS (default 10): the writer adds, updates
 * and deletes articles and commits often (and compacts once, which
 * switches the database directory under the readers); each searcher has
 * its own read handle and loops over a mix of queries, sometimes moving
 * to the latest commit, sometimes opening a fresh handle.
 *
 * Checked: no call fails; every hit is an article the writer added at some
 * point, whole (its stored body names its own id and a version the writer
 * wrote); counts never exceed what was ever added. lede.h promises one
 * thread per handle and any number of handles per index: this is that
 * promise under load, and `make SANITIZE=thread` runs it under TSan.
 *
 * Includes nothing but <lede.h> (and cmocka). Threads never call cmocka:
 * they count failures and keep the first message; the test thread asserts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lede.h>

#define SEARCHERS 4
/* Article ids are w0..w(MAX_IDS-1); the writer stops adding new ones
 * there and keeps updating and deleting, so that a long run (a large
 * LEDE_STRESS_SECONDS) does not turn into a test of ever slower searches:
 * Xapian keeps two revisions, and a search slower than a couple of the
 * writer's commits is overtaken on every retry. */
#define MAX_IDS 4000
/* Writes per commit: small, so searchers are overtaken often. */
#define OPS_PER_COMMIT 25
/* Pause after each commit: at most 10 commits a second (lede-index
 * commits every 2000 articles, seconds apart). Xapian keeps two
 * revisions, so a search slower than the gap between two commits is
 * overtaken on every retry, however many: a writer committing flat out
 * (50 a second here) starves readers by design, and that is not what
 * this test is about. */
#define COMMIT_PAUSE_MS 100
#define DEFAULT_SECONDS 10

typedef struct shared {
	char path[128];
	atomic_int stop;
	/* ever[n]: the highest version of wN ever added (0: never). Set
	 * before the commit that makes it visible. */
	atomic_uint ever[MAX_IDS];
	atomic_uint added_total; /* distinct ids ever added */
	atomic_ulong searches, hits, reopens, commits;
	atomic_int failures;
	pthread_mutex_t mu; /* guards first_failure */
	char first_failure[512];
} shared;

static void record(shared *sh, const char *fmt, ...)
{
	va_list ap;

	if (atomic_fetch_add(&sh->failures, 1) == 0) {
		pthread_mutex_lock(&sh->mu);
		va_start(ap, fmt);
		vsnprintf(sh->first_failure, sizeof sh->first_failure, fmt, ap);
		va_end(ap);
		pthread_mutex_unlock(&sh->mu);
	}
}

static const char *const WORDS[] = {
    "harbour", "budget", "council",  "ferry",	"tariff",  "drought",
    "vaccine", "strike", "election", "pension", "railway", "satellite"};
#define NWORDS (sizeof WORDS / sizeof WORDS[0])

/* Article wN, version v: the body names both, so a reader can tell a
 * whole article from a torn one. */
static lede_status put(lede_index *idx, unsigned n, unsigned v)
{
	char id[32], title[96], body[512];
	lede_article a = LEDE_ARTICLE_INIT;

	snprintf(id, sizeof id, "w%u", n);
	snprintf(title, sizeof title, "The %s report %u", WORDS[n % NWORDS], n);
	snprintf(body, sizeof body,
		 "Article w%u version v%u. The harbour council debated the %s "
		 "and the %s today; item%u was on the %s agenda.",
		 n, v, WORDS[(n + v) % NWORDS], WORDS[(n * 7) % NWORDS], n,
		 WORDS[v % NWORDS]);
	a.id = id;
	a.title = title;
	a.body = body;
	a.body_len = strlen(body);
	a.date = 1700000000 + (int64_t)n * 3600 + v;
	a.source = (n % 3) ? "Agency News" : "Wire Service";
	return lede_index_add(idx, &a);
}

typedef struct writer_arg {
	shared *sh;
	lede_index *w;
	unsigned seconds;
} writer_arg;

static void *writer_main(void *p)
{
	writer_arg *wa = p;
	shared *sh = wa->sh;
	unsigned *live = calloc(MAX_IDS, sizeof *live); /* live ids */
	unsigned *version = calloc(MAX_IDS, sizeof *version);
	unsigned char *is_live = calloc(MAX_IDS, 1);
	size_t nlive = 0;
	unsigned next = 0, ops = 0, seed = 12345;
	time_t start = time(NULL);
	time_t end = start + wa->seconds, half = start + wa->seconds / 2;
	int compacted = 0;
	struct timespec pause = {0, COMMIT_PAUSE_MS * 1000000L};
	lede_status st;

	if (live == NULL || version == NULL || is_live == NULL) {
		record(sh, "writer: out of memory");
		goto out;
	}
	while (time(NULL) < end) {
		unsigned r = (seed = seed * 1103515245u + 12345u) >> 16;
		unsigned op = r % 10;

		if ((op < 5 || nlive < 50) && nlive < MAX_IDS) {
			/* add an article: a new id, or once all are used,
			 * one deleted earlier comes back */
			unsigned n = next < MAX_IDS ? next++ : r % MAX_IDS;

			while (is_live[n])
				n = (n + 1) % MAX_IDS;
			if (version[n] == 0)
				atomic_fetch_add(&sh->added_total, 1);
			version[n]++;
			atomic_store(&sh->ever[n], version[n]);
			st = put(wa->w, n, version[n]);
			live[nlive++] = n;
			is_live[n] = 1;
		} else if (op < 8 && nlive > 0) {
			/* update one */
			unsigned n = live[r % nlive];
			version[n]++;
			atomic_store(&sh->ever[n], version[n]);
			st = put(wa->w, n, version[n]);
		} else if (nlive > 0) {
			/* delete one */
			size_t k = r % nlive;
			char id[32];
			snprintf(id, sizeof id, "w%u", live[k]);
			st = lede_index_delete(wa->w, id);
			is_live[live[k]] = 0;
			live[k] = live[--nlive];
		} else {
			continue;
		}
		if (st != LEDE_OK) {
			record(sh, "writer: %s: %s", lede_status_str(st),
			       lede_errmsg(wa->w));
			break;
		}
		if (++ops % OPS_PER_COMMIT == 0) {
			st = lede_index_commit(wa->w);
			if (st != LEDE_OK) {
				record(sh, "commit: %s: %s",
				       lede_status_str(st), lede_errmsg(wa->w));
				break;
			}
			atomic_fetch_add(&sh->commits, 1);
			nanosleep(&pause, NULL);
		}
		if (!compacted && time(NULL) >= half) {
			/* a new database directory under the readers */
			compacted = 1;
			st = lede_index_compact(wa->w);
			if (st != LEDE_OK) {
				record(sh, "compact: %s: %s",
				       lede_status_str(st), lede_errmsg(wa->w));
				break;
			}
		}
	}
	st = lede_index_commit(wa->w);
	if (st != LEDE_OK)
		record(sh, "last commit: %s", lede_errmsg(wa->w));
out:
	atomic_store(&sh->stop, 1);
	free(live);
	free(version);
	free(is_live);
	return NULL;
}

static const char *const QUERIES[] = {
    "harbour",
    "harbour council",
    "\"harbour council\"",
    "budget OR tariff",
    "council -drought",
    "title:report",
    "harb* sat*",
    "debated NEAR/5 today",
    "source:agency",
    "railway satellite election",
};
#define NQUERIES (sizeof QUERIES / sizeof QUERIES[0])

/* Checks one hit: an id the writer added, a body naming that id and a
 * version the writer wrote for it. */
static void check_hit(shared *sh, const lede_hit *h)
{
	const lede_article *a = &h->article;
	unsigned n = 0, v = 0, ever;
	char want[48];
	const char *at;

	if (a->id == NULL || sscanf(a->id, "w%u", &n) != 1 || n >= MAX_IDS) {
		record(sh, "hit with a foreign id '%s'",
		       a->id ? a->id : "(null)");
		return;
	}
	ever = atomic_load(&sh->ever[n]);
	if (ever == 0) {
		record(sh, "hit %s was never added", a->id);
		return;
	}
	snprintf(want, sizeof want, "Article w%u version v", n);
	at = a->body ? strstr(a->body, want) : NULL;
	if (at == NULL || sscanf(at + strlen(want), "%u", &v) != 1 || v == 0 ||
	    v > atomic_load(&sh->ever[n]))
		record(sh,
		       "hit %s has a body that is not one the writer wrote: "
		       "%.80s",
		       a->id, a->body ? a->body : "(null)");
}

static lede_status open_reader(lede_index **out, const char *path)
{
	lede_open_opts oo = LEDE_OPEN_OPTS_INIT;
	return lede_index_open(out, path, &oo);
}

typedef struct searcher_arg {
	shared *sh;
	unsigned k;
} searcher_arg;

static void *searcher_main(void *p)
{
	searcher_arg *sa = p;
	shared *sh = sa->sh;
	lede_index *idx = NULL;
	unsigned seed = 777u * (sa->k + 1), i = 0;
	lede_status st;

	st = open_reader(&idx, sh->path);
	if (st != LEDE_OK) {
		record(sh, "searcher %u: open: %s", sa->k, lede_errmsg(idx));
		lede_index_close(idx);
		return NULL;
	}
	while (!atomic_load(&sh->stop) && atomic_load(&sh->failures) == 0) {
		unsigned r = (seed = seed * 1103515245u + 12345u) >> 16;
		lede_search_opts so = LEDE_SEARCH_OPTS_INIT;
		lede_results *res = NULL;
		uint64_t count = 0;
		const char *q = QUERIES[r % NQUERIES];

		so.limit = 20;
		so.sort =
		    (r / 16) % 3 == 0 ? LEDE_SORT_NEWEST : LEDE_SORT_RELEVANCE;
		so.collapse = (r / 64) % 4 == 0;
		so.exact_count = (r / 256) % 2;
		st = lede_search(&res, idx, q, &so);
		if (st != LEDE_OK) {
			record(sh, "searcher %u: '%s': %s: %s", sa->k, q,
			       lede_status_str(st), lede_errmsg(idx));
			break;
		}
		for (size_t h = 0; h < lede_results_count(res); h++)
			check_hit(sh, lede_results_hit(res, h));
		if (so.exact_count &&
		    lede_results_total(res) > atomic_load(&sh->added_total))
			record(sh,
			       "searcher %u: '%s': %llu hits, more than the "
			       "%u articles ever added",
			       sa->k, q,
			       (unsigned long long)lede_results_total(res),
			       atomic_load(&sh->added_total));
		atomic_fetch_add(&sh->hits, lede_results_count(res));
		lede_results_free(res);
		atomic_fetch_add(&sh->searches, 1);

		if (++i % 8 == 0) {
			/* see the latest commit */
			st = lede_index_reopen(idx);
			atomic_fetch_add(&sh->reopens, 1);
		} else if (i % 50 == 0) {
			/* or start over with a fresh handle */
			lede_index_close(idx);
			idx = NULL;
			st = open_reader(&idx, sh->path);
		}
		if (st != LEDE_OK) {
			record(sh, "searcher %u: reopen: %s: %s", sa->k,
			       lede_status_str(st), lede_errmsg(idx));
			break;
		}
		st = lede_index_count(&count, idx);
		if (st != LEDE_OK || count > atomic_load(&sh->added_total))
			record(sh, "searcher %u: count %llu (%s)", sa->k,
			       (unsigned long long)count, lede_status_str(st));
	}
	lede_index_close(idx);
	return NULL;
}

static unsigned stress_seconds(void)
{
	const char *s = getenv("LEDE_STRESS_SECONDS");
	char *end = NULL;
	unsigned long v;

	if (s == NULL || *s == '\0')
		return DEFAULT_SECONDS;
	v = strtoul(s, &end, 10);
	return (*end == '\0' && v > 0 && v < 86400) ? (unsigned)v
						    : DEFAULT_SECONDS;
}

/* The index directory; removed by the group teardown, so a failed run
 * leaves nothing behind either. */
static char dir[] = "/tmp/lede-conc-XXXXXX";

static int remove_dir(void **state)
{
	char cmd[160];

	(void)state;
	if (strchr(dir, 'X') != NULL)
		return 0; /* never created */
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_one_writer_four_searchers(void **state)
{
	static shared sh; /* big: ever[] */
	lede_open_opts oo = LEDE_OPEN_OPTS_INIT;
	writer_arg wa;
	searcher_arg sa[SEARCHERS];
	pthread_t wt, st[SEARCHERS];

	(void)state;
	memset(&sh, 0, sizeof sh);
	pthread_mutex_init(&sh.mu, NULL);
	assert_non_null(mkdtemp(dir));
	snprintf(sh.path, sizeof sh.path, "%s/idx", dir);

	/* the index exists, with a first batch, before anyone searches */
	oo.flags = LEDE_OPEN_CREATE;
	memset(&wa, 0, sizeof wa);
	wa.sh = &sh;
	wa.seconds = stress_seconds();
	assert_int_equal(lede_index_open(&wa.w, sh.path, &oo), LEDE_OK);
	assert_int_equal(lede_index_commit(wa.w), LEDE_OK);

	for (unsigned k = 0; k < SEARCHERS; k++) {
		sa[k].sh = &sh;
		sa[k].k = k;
		assert_int_equal(
		    pthread_create(&st[k], NULL, searcher_main, &sa[k]), 0);
	}
	assert_int_equal(pthread_create(&wt, NULL, writer_main, &wa), 0);
	pthread_join(wt, NULL);
	for (unsigned k = 0; k < SEARCHERS; k++)
		pthread_join(st[k], NULL);
	assert_int_equal(lede_index_close(wa.w), LEDE_OK);

	print_message("%u s: %lu commits, %u ids added, %lu searches, %lu "
		      "hits checked, %lu reopens, %d failures\n",
		      wa.seconds, atomic_load(&sh.commits),
		      atomic_load(&sh.added_total), atomic_load(&sh.searches),
		      atomic_load(&sh.hits), atomic_load(&sh.reopens),
		      atomic_load(&sh.failures));
	if (atomic_load(&sh.failures))
		fail_msg("%d failures; the first: %s",
			 atomic_load(&sh.failures), sh.first_failure);
	assert_true(atomic_load(&sh.searches) > 0);
	assert_true(atomic_load(&sh.commits) > 0);

	/* after the storm, the index is whole: a fresh reader sees only
	 * articles that were added, and every one of them intact */
	{
		lede_index *r = NULL;
		lede_results *res = NULL;
		lede_search_opts so = LEDE_SEARCH_OPTS_INIT;
		uint64_t n = 0;

		assert_int_equal(open_reader(&r, sh.path), LEDE_OK);
		assert_int_equal(lede_index_count(&n, r), LEDE_OK);
		assert_true(n <= atomic_load(&sh.added_total));
		so.limit = 1000;
		so.exact_count = 1;
		assert_int_equal(lede_search(&res, r, "harbour", &so), LEDE_OK);
		assert_int_equal(lede_results_total(res), n);
		for (size_t h = 0; h < lede_results_count(res); h++)
			check_hit(&sh, lede_results_hit(res, h));
		lede_results_free(res);
		lede_index_close(r);
		assert_int_equal(atomic_load(&sh.failures), 0);
	}
	pthread_mutex_destroy(&sh.mu);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_one_writer_four_searchers),
	};
	return cmocka_run_group_tests(tests, NULL, remove_dir);
}
