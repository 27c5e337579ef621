/*
 * lede-index - build or update a lede index from article files.
 *
 * A pure client of include/lede.h: lede_index_update() does the work
 * (incremental, resumable); this file parses options, takes the index
 * lock, shows progress on a terminal and reports in words and exit codes
 * that cron and monitoring understand:
 *
 *   0   done
 *   1   done, but some records or files were skipped (reported on stderr)
 *   2   error (bad option, unreadable path, disk full, corrupt index...)
 *   75  the index is locked by another indexer (EX_TEMPFAIL: retry later)
 *
 * SIGINT/SIGTERM stop the run cleanly: work so far is committed (into the
 * index, or into the parts of a parallel first build, which the next run
 * resumes); a second one kills it at once.
 */
#include <errno.h>
#include <getopt.h>
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lede.h"
#include "../searcher/cli_opts.h"
#include "../searcher/cli_text.h"

#if defined(__GNUC__)
#define LEDE_CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define LEDE_CLI_PRINTF(f, a)
#endif

#define EXIT_DONE 0
#define EXIT_SKIPPED 1
#define EXIT_ERROR 2
#define EXIT_LOCKED 75
/* Problems printed one per line before they are only counted: a broken
 * archive should not bury the cron mail. */
#define MAX_PROBLEM_LINES 50
/* Longest diagnostic line printed (longer ones are cut). */
#define MAX_LINE_BYTES 4096
/* Default --jobs: the CPUs, up to this many (each job holds a Xapian
 * writer's buffers; past a few, the merge and the disk are the limit). */
#define MAX_DEFAULT_JOBS 8
/* Largest --commit-every: a batch that big is the whole run for most
 * archives, and what a kill loses. */
#define MAX_COMMIT_EVERY 10000000
/* Longest --wait, in seconds (a day). */
#define MAX_WAIT_SECONDS 86400
/* Most --include/--exclude/--map options. */
#define MAX_PATTERNS 64
/* Flush threshold pinned for libxapian (it reads the environment): small
 * batches measured fastest with least memory (xapian.md 7.3). */
#define XAPIAN_FLUSH_DEFAULT "2000"

static const char *prog = "lede-index";
static volatile sig_atomic_t got_signal;

typedef struct cli {
	int quiet, verbose, progress;
	unsigned problems;
	struct timespec t0;
	int bar_shown;
} cli;

static void usage(FILE *f)
{
	fprintf(f,
"Usage: %s [-i INDEX] [options] PATH...\n"
"Index article files (directories recursively, or - for stdin) into a lede\n"
"index, creating it when missing. Reruns are incremental: unchanged files\n"
"are skipped, changed ones updated, deleted ones removed.\n"
"\n"
"Formats (by extension, then content; any of them gzipped as .gz):\n"
"  text (.txt .text .md .markdown), jsonl (.jsonl .ndjson .json),\n"
"  trec (.trec), html (.html .htm .xhtml); other names (.sgm, none) and\n"
"  stdin by their first bytes: jsonl, reuters, trec, html, else text\n"
"\n"
"Options:\n"
"  -i, --index DIR       index directory (default: $LEDE_INDEX)\n"
"  -f, --format FMT      force the input format: text, jsonl, trec,\n"
"                        reuters, html\n"
"      --lang LANG       stemming language when creating the index\n"
"                        (english default; french, german, russian, ...,\n"
"                        none)\n"
"      --no-accent-folding  on create: cafe and café stay different\n"
"      --shard-by PERIOD on create: one database per year or month (time\n"
"                        shards); nightly runs touch only changed shards\n"
"      --b B             on create: BM25's length normalisation, 0 to 1\n"
"                        (default 0.5), built into the postings\n"
"      --avglen N        on create: the article length in words that b\n"
"                        measures against (default: measured); give\n"
"                        indexes searched together the same\n"
"      --positions       on create: keep word positions in the index\n"
"                        (about twice the size; phrases are then matched\n"
"                        by Xapian, as remote shards need); without it,\n"
"                        phrases are checked against the stored text\n"
"      --expire-before DATE  drop the time shards of periods that ended\n"
"                        before DATE (2020, 2020-06, 2020-06-30, or 2y)\n"
"      --map FIELD=NAME  JSONL: read article field NAME from FIELD\n"
"      --include GLOB    only files whose name matches (repeatable)\n"
"      --exclude GLOB    skip files whose name matches (repeatable)\n"
"                        (files left out keep their articles as they\n"
"                        are; a --full rebuild of an unsharded index\n"
"                        holds only the files it reads)\n"
"      --encoding ENC    input encoding: utf-8 (default) or latin-1\n"
"      --no-prune        keep articles of files that disappeared\n"
"      --full            re-read every file, changed or not\n"
"      --compact         compact the index afterwards (smaller, faster)\n"
"      --commit-every N  articles per commit (default 2000, 1 to %d)\n"
"      --wait SECONDS    wait this long for another indexer (default 0,\n"
"                        at most %d)\n"
"      --jobs N          threads for a build from scratch (a new index or\n"
"                        --full), 1 to %d: default the number of CPUs, at\n"
"                        most %d; with 2 or more, a rerun stats big\n"
"                        directories' files on two threads\n"
"  -q, --quiet           no progress bar and no summary: print only errors\n"
"                        and each record or file skipped (file:line)\n"
"  -v, --verbose         print every file read\n"
"      --progress, --no-progress  progress bar (default: on a terminal)\n"
"  -V, --version         print the version\n"
"  -h, --help            this help\n"
"\n"
"Interrupting: SIGINT or SIGTERM commits the work done and exits 2; a\n"
"second signal kills at once. kill -9 loses at most what followed the\n"
"last commit (every --commit-every articles). A parallel build from\n"
"scratch writes its parts beside the index and merges them at the end: a\n"
"first build interrupted before then keeps its parts and the next run\n"
"finishes it; an interrupted --full leaves the index as it was. A rerun\n"
"always completes the job, with no duplicates and nothing missing.\n"
"\n"
"Exit status: 0 done; 1 done, some records or files skipped; 2 error or\n"
"interrupted; 75 index locked by another indexer (cron: retry later).\n",
	        prog, MAX_COMMIT_EVERY, MAX_WAIT_SECONDS, LEDE_MAX_JOBS,
	        MAX_DEFAULT_JOBS);
}

/* Writes s to stderr with what could drive the terminal defused: file
 * names and messages carry bytes from the disk and from articles. A
 * newline or tab shows as \n or \t, another control character as \u00NN,
 * a byte that is not UTF-8 as \xNN (so the file can still be found). */
static void put_safe(const char *s)
{
	size_t n = strlen(s), len;
	uint32_t cp;

	for (size_t i = 0; i < n; i += len) {
		switch (text_next(s + i, n - i, &len, &cp)) {
		case TEXT_PLAIN: fwrite(s + i, 1, len, stderr); break;
		case TEXT_SPACE:
			fputs(cp == '\t' ? "\\t" : "\\n", stderr);
			break;
		case TEXT_CONTROL: fprintf(stderr, "\\u%04x", (unsigned)cp); break;
		case TEXT_INVALID: fprintf(stderr, "\\x%02X", (unsigned)cp); break;
		}
	}
}

/* Prints "lede-index: " and the formatted line, defused, to stderr. */
static void say(const char *fmt, ...) LEDE_CLI_PRINTF(1, 2);
static void say(const char *fmt, ...)
{
	char line[MAX_LINE_BYTES];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: ", prog);
	put_safe(line);
	fputc('\n', stderr);
}

static void die(int code, const char *fmt, ...) LEDE_CLI_PRINTF(2, 3);
static void die(int code, const char *fmt, ...)
{
	char line[MAX_LINE_BYTES];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	say("%s", line);
	exit(code);
}

/* Dies for the option getopt_long refused (opt ':' for a missing value,
 * '?' otherwise; arg: the argument it was in), naming it as typed. */
static void bad_option(int opt, const char *arg, const struct option *longs)
{
	char msg[128];

	cli_option_problem(msg, sizeof msg, opt, arg, longs);
	die(EXIT_ERROR, "%s", msg);
}

/* s as a number from lo to hi, or dies naming opt and that range. */
static unsigned parse_uint(const char *opt, const char *s, unsigned lo,
                           unsigned hi)
{
	unsigned v;
	char msg[256];

	if (cli_parse_uint(&v, opt, s, lo, hi, msg, sizeof msg) != 0)
		die(EXIT_ERROR, "%s", msg);
	return v;
}

static double parse_real(const char *opt, const char *s, double lo,
                         double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && v <= hi))
		die(EXIT_ERROR, "%s: expected a number from %g to %g, got "
		    "'%s'", opt, lo, hi, s);
	return v;
}

static double elapsed(const cli *c)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - c->t0.tv_sec) +
	       (double)(t.tv_nsec - c->t0.tv_nsec) / 1e9;
}

static void clear_bar(cli *c)
{
	if (c->bar_shown) {
		fputs("\r\033[K", stderr);
		c->bar_shown = 0;
	}
}

static void show_bar(cli *c, const lede_event *ev)
{
	double t = elapsed(c), frac = 0, rate;
	char eta[32] = "--:--";
	int width = 30, fill;

	if (ev->bytes_total > 0)
		frac = (double)ev->bytes_done / (double)ev->bytes_total;
	else if (ev->files_total > 0)
		frac = (double)ev->files_done / (double)ev->files_total;
	if (frac > 1)
		frac = 1;
	rate = t > 0 ? (double)ev->bytes_done / t / 1e6 : 0;
	if (frac > 0.01 && t > 1) {
		long rem = (long)(t / frac - t);
		snprintf(eta, sizeof eta, "%ld:%02ld", rem / 60, rem % 60);
	}
	fill = (int)(frac * width);
	fputs("\r[", stderr);
	for (int i = 0; i < width; i++)
		fputc(i < fill ? '=' : (i == fill ? '>' : ' '), stderr);
	fprintf(stderr, "] %3d%% %llu/%llu files  %llu articles  %.1f MB/s  "
	        "ETA %s\033[K",
	        (int)(frac * 100), (unsigned long long)ev->files_done,
	        (unsigned long long)ev->files_total,
	        ev->stats ? (unsigned long long)(ev->stats->added +
	                                         ev->stats->updated +
	                                         ev->stats->unchanged)
	                  : 0ULL,
	        rate, eta);
	c->bar_shown = 1;
}

static int on_event(void *ctx, const lede_event *ev)
{
	cli *c = ctx;

	switch (ev->kind) {
	case LEDE_EVENT_PROBLEM:
		/* --quiet still names every record or file skipped, so that
		 * cron mail says what went wrong; a warning (status OK: a
		 * duplicate id, a date that did not parse, a body cut; the
		 * article is kept) is not printed. */
		if (c->quiet && ev->status == LEDE_OK)
			break;
		c->problems++;
		if (c->problems > MAX_PROBLEM_LINES && !c->verbose)
			break;
		clear_bar(c);
		if (ev->where && ev->msg &&
		    strncmp(ev->msg, ev->where, strlen(ev->where)) == 0)
			say("%s", ev->msg); /* the message names the place */
		else
			say("%s%s%s", ev->where ? ev->where : "",
			    ev->where ? ": " : "", ev->msg ? ev->msg : "");
		break;
	case LEDE_EVENT_FILE:
		if (c->verbose) {
			clear_bar(c);
			say("reading %s", ev->where);
		}
		break;
	case LEDE_EVENT_COMMIT:
		if (c->verbose) {
			clear_bar(c);
			say("committed (%llu added so far)",
			    (unsigned long long)ev->stats->added);
		}
		break;
	case LEDE_EVENT_PROGRESS:
		if (c->progress)
			show_bar(c, ev);
		break;
	}
	return got_signal != 0;
}

/* One line on what was indexed imperfectly, or nothing when all was
 * well: dates that did not parse, invalid UTF-8, articles without a
 * date. The summary line before it keeps its specified format. */
static void say_quality(const lede_update_stats *s)
{
	char line[256];
	size_t n = 0;
	const char *sep = "";

	line[0] = '\0';
	if (s->bad_date) {
		n += (size_t)snprintf(line + n, sizeof line - n,
		                      "%s%llu date%s could not be read (kept "
		                      "undated)", sep,
		                      (unsigned long long)s->bad_date,
		                      s->bad_date == 1 ? "" : "s");
		sep = ", ";
	}
	if (s->bad_utf8 && n < sizeof line) {
		n += (size_t)snprintf(line + n, sizeof line - n,
		                      "%s%llu article%s had invalid UTF-8 "
		                      "(replaced)", sep,
		                      (unsigned long long)s->bad_utf8,
		                      s->bad_utf8 == 1 ? "" : "s");
		sep = ", ";
	}
	if (s->no_date && n < sizeof line)
		n += (size_t)snprintf(line + n, sizeof line - n,
		                      "%s%llu article%s had no date (a text or "
		                      "HTML file's mtime stands in; others stay "
		                      "undated)", sep,
		                      (unsigned long long)s->no_date,
		                      s->no_date == 1 ? "" : "s");
	if (n > 0)
		say("%s", line);
}

static void on_signal(int sig)
{
	got_signal = sig;
}

int main(int argc, char **argv)
{
	enum { OPT_LANG = 256, OPT_NOFOLD, OPT_SHARD, OPT_B, OPT_AVGLEN,
	       OPT_POSITIONS, OPT_EXPIRE, OPT_MAP, OPT_INCLUDE, OPT_EXCLUDE,
	       OPT_ENCODING, OPT_NOPRUNE, OPT_FULL, OPT_COMPACT, OPT_COMMIT,
	       OPT_WAIT, OPT_JOBS, OPT_PROGRESS, OPT_NOPROGRESS };
	static const struct option long_opts[] = {
		{ "index", required_argument, NULL, 'i' },
		{ "format", required_argument, NULL, 'f' },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "no-accent-folding", no_argument, NULL, OPT_NOFOLD },
		{ "shard-by", required_argument, NULL, OPT_SHARD },
		{ "b", required_argument, NULL, OPT_B },
		{ "avglen", required_argument, NULL, OPT_AVGLEN },
		{ "positions", no_argument, NULL, OPT_POSITIONS },
		{ "expire-before", required_argument, NULL, OPT_EXPIRE },
		{ "map", required_argument, NULL, OPT_MAP },
		{ "include", required_argument, NULL, OPT_INCLUDE },
		{ "exclude", required_argument, NULL, OPT_EXCLUDE },
		{ "encoding", required_argument, NULL, OPT_ENCODING },
		{ "no-prune", no_argument, NULL, OPT_NOPRUNE },
		{ "full", no_argument, NULL, OPT_FULL },
		{ "compact", no_argument, NULL, OPT_COMPACT },
		{ "commit-every", required_argument, NULL, OPT_COMMIT },
		{ "wait", required_argument, NULL, OPT_WAIT },
		{ "jobs", required_argument, NULL, OPT_JOBS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "no-progress", no_argument, NULL, OPT_NOPROGRESS },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *index = getenv("LEDE_INDEX");
	const char *maps[MAX_PATTERNS], *inc[MAX_PATTERNS], *exc[MAX_PATTERNS];
	lede_open_opts oo = LEDE_OPEN_OPTS_INIT;
	lede_update_opts uo = LEDE_UPDATE_OPTS_INIT;
	lede_update_stats stats;
	lede_index *idx = NULL;
	lede_status st;
	cli c;
	int opt, progress = -1, compact = 0, code;
	unsigned jobs = 0, wait_s = 0, dropped = 0;
	int64_t expire = INT64_MIN;
	struct sigaction sa;

	memset(&c, 0, sizeof c);
	uo.map = maps;
	uo.include = inc;
	uo.exclude = exc;
	oo.flags = LEDE_OPEN_CREATE;
	/* The leading ':' turns getopt's own messages off: a missing value
	 * comes back as ':', and bad_option() names the option as typed. */
	while ((opt = getopt_long(argc, argv, ":i:f:qvVh", long_opts,
	                          NULL)) != -1) {
		switch (opt) {
		case 'i': index = optarg; break;
		case 'f':
			if (lede_format_parse(&uo.format, optarg) != LEDE_OK)
				die(EXIT_ERROR, "--format: unknown format '%s' "
				    "(text, jsonl, trec, reuters, html)", optarg);
			break;
		case OPT_LANG: oo.lang = optarg; break;
		case OPT_NOFOLD: oo.fold_accents = 0; break;
		case OPT_SHARD:
			if (strcmp(optarg, "year") && strcmp(optarg, "month") &&
			    strcmp(optarg, "none"))
				die(EXIT_ERROR, "--shard-by: expected year, month "
				    "or none, got '%s'", optarg);
			oo.shard_by = optarg;
			break;
		case OPT_B:
			oo.b = parse_real("--b", optarg, 0, 1);
			break;
		case OPT_AVGLEN:
			oo.avglen = parse_real("--avglen", optarg, 1, 1e7);
			break;
		case OPT_POSITIONS:
			oo.positions = 1;
			break;
		case OPT_EXPIRE: {
			int64_t lo, hi;
			if (lede_parse_date(&lo, &hi, optarg, 0) != LEDE_OK)
				die(EXIT_ERROR, "--expire-before: bad date '%s' "
				    "(use YYYY, YYYY-MM, YYYY-MM-DD or 2y)", optarg);
			expire = lo;
			break;
		}
		case OPT_MAP:
			if (uo.nmap >= MAX_PATTERNS ||
			    lede_map_check(optarg) != LEDE_OK)
				die(EXIT_ERROR, "--map: expected FIELD=NAME with "
				    "NAME one of " LEDE_MAP_NAMES ", got '%s'",
				    optarg);
			maps[uo.nmap++] = optarg;
			break;
		case OPT_INCLUDE:
			if (uo.ninclude >= MAX_PATTERNS)
				die(EXIT_ERROR, "too many --include");
			inc[uo.ninclude++] = optarg;
			break;
		case OPT_EXCLUDE:
			if (uo.nexclude >= MAX_PATTERNS)
				die(EXIT_ERROR, "too many --exclude");
			exc[uo.nexclude++] = optarg;
			break;
		case OPT_ENCODING:
			if (strcasecmp(optarg, "latin-1") == 0 ||
			    strcasecmp(optarg, "latin1") == 0 ||
			    strcasecmp(optarg, "iso-8859-1") == 0)
				uo.latin1 = 1;
			else if (strcasecmp(optarg, "utf-8") == 0 ||
			         strcasecmp(optarg, "utf8") == 0)
				uo.latin1 = 0;
			else
				die(EXIT_ERROR, "--encoding: expected utf-8 or "
				    "latin-1, got '%s'", optarg);
			break;
		case OPT_NOPRUNE: uo.prune = 0; break;
		case OPT_FULL: uo.full = 1; break;
		case OPT_COMPACT: compact = 1; break;
		case OPT_COMMIT:
			uo.commit_every = parse_uint("--commit-every", optarg,
			                             1, MAX_COMMIT_EVERY);
			break;
		case OPT_WAIT:
			wait_s = parse_uint("--wait", optarg, 0,
			                    MAX_WAIT_SECONDS);
			break;
		case OPT_JOBS:
			jobs = parse_uint("--jobs", optarg, 1, LEDE_MAX_JOBS);
			break;
		case 'q': c.quiet = 1; break;
		case 'v': c.verbose = 1; break;
		case OPT_PROGRESS: progress = 1; break;
		case OPT_NOPROGRESS: progress = 0; break;
		case 'V': printf("lede-index %s\n", lede_version()); return 0;
		case 'h': usage(stdout); return 0;
		default: bad_option(opt, argv[optind - 1], long_opts);
		}
	}
	if (index == NULL || *index == '\0')
		die(EXIT_ERROR, "no index given: use -i DIR or set LEDE_INDEX");
	if (optind >= argc && !compact && expire == INT64_MIN)
		die(EXIT_ERROR, "no input paths given (try --help)");
	/* A mistyped path is refused before the index is opened: a first
	 * run would otherwise leave an empty index behind. The library
	 * checks again (a path can vanish meanwhile). */
	for (int k = optind; k < argc; k++) {
		struct stat sb;
		if (strcmp(argv[k], "-") != 0 && stat(argv[k], &sb) != 0)
			die(EXIT_ERROR, "%s: %s", argv[k], strerror(errno));
	}
	if (jobs == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = n < 1 ? 1 : n > MAX_DEFAULT_JOBS ? MAX_DEFAULT_JOBS
		                                        : (unsigned)n;
	}
	uo.jobs = jobs;
	c.progress = progress >= 0 ? progress
	                           : (!c.quiet && isatty(STDERR_FILENO));
	if (c.quiet)
		c.progress = 0;
	uo.on_event = on_event;
	uo.ctx = &c;
	oo.lock_wait_ms = wait_s * 1000u;
	/* libxapian reads its flush threshold from the environment; pin it
	 * unless the user chose one. */
	setenv("XAPIAN_FLUSH_THRESHOLD", XAPIAN_FLUSH_DEFAULT, 0);
#ifdef M_MXFAST
	/* No fastbins in glibc's malloc (its per-thread cache still serves
	 * small blocks): Xapian frees many small map nodes, and with fastbins
	 * holding them every request of 1 KiB or more first consolidated
	 * them (malloc_consolidate: 2% of a build). x1 build CPU -4% over
	 * two rounds of alternated runs. A process-wide setting, so the
	 * program sets it, never the library. */
	mallopt(M_MXFAST, 0);
#endif

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	/* One-shot: a second signal kills, for when the stop never comes
	 * (libxapian can loop forever on a damaged index; the index is
	 * safe to kill at any moment anyway). */
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	clock_gettime(CLOCK_MONOTONIC, &c.t0);

	st = lede_index_open(&idx, index, &oo);
	if (st != LEDE_OK) {
		say("%s", lede_errmsg(idx));
		lede_index_close(idx);
		return st == LEDE_ERR_LOCKED ? EXIT_LOCKED : EXIT_ERROR;
	}
	memset(&stats, 0, sizeof stats);
	st = LEDE_OK;
	if (optind < argc)
		st = lede_index_update(idx, (const char *const *)argv + optind,
		                       (size_t)(argc - optind), &uo, &stats);
	clear_bar(&c);
	if (st == LEDE_OK && expire != INT64_MIN) {
		st = lede_index_expire_before(idx, expire, &dropped);
		if (st == LEDE_OK && !c.quiet)
			say("dropped %u time shards",
			        dropped);
	}
	if (st == LEDE_OK && compact && !uo.full && !got_signal) {
		if (!c.quiet && c.verbose)
			say("compacting");
		st = lede_index_compact(idx);
	}
	if (st != LEDE_OK) {
		say("%s", lede_errmsg(idx));
		lede_index_close(idx);
		return EXIT_ERROR;
	}
	st = lede_index_close(idx);
	if (st != LEDE_OK) {
		say("%s: %s", index, lede_status_str(st));
		return EXIT_ERROR;
	}
	code = (stats.skipped || stats.files_failed) ? EXIT_SKIPPED : EXIT_DONE;
	if (c.problems > MAX_PROBLEM_LINES && !c.verbose)
		say("... and %u more problems", c.problems - MAX_PROBLEM_LINES);
	if (!c.quiet) {
		fprintf(stderr,
		        "%s: added %llu, updated %llu, removed %llu, unchanged "
		        "%llu, skipped %llu (%.1f s)\n", prog,
		        (unsigned long long)stats.added,
		        (unsigned long long)stats.updated,
		        (unsigned long long)stats.removed,
		        (unsigned long long)stats.unchanged,
		        (unsigned long long)(stats.skipped + stats.files_failed),
		        elapsed(&c));
		if (stats.duplicates)
			fprintf(stderr, "%s: %llu duplicate article ids (the "
			        "copy latest in path order is kept)\n", prog,
			        (unsigned long long)stats.duplicates);
		say_quality(&stats);
	} else if (code == EXIT_SKIPPED) {
		say("%llu records or files skipped",
		        (unsigned long long)(stats.skipped + stats.files_failed));
	}
	return code;
}
