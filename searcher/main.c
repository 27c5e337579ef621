/*
 * lede-search - search a lede index from the command line.
 *
 * A pure client of include/lede.h (as curl's tool is of libcurl): it parses
 * options, calls lede_search(), and renders the hits for a terminal, as
 * JSON Lines, as a TREC run, or as bare ids/counts. Exit status follows
 * grep: 0 = hits, 1 = no hits, 2 = error.
 *
 * Article text was written by strangers: every string printed to a
 * terminal goes through put_text(), which drops control characters (ESC,
 * C1, bidi overrides: cli_text.c), so an article cannot move the cursor,
 * retitle the window or reorder what is shown.
 */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_opts.h"
#include "cli_text.h"
#include "lede.h"

#define EXIT_HITS 0
#define EXIT_NO_HITS 1
#define EXIT_ERROR 2
/* Longest query accepted from the command line (the library has its own,
 * smaller limit with a clearer message). */
#define MAX_QUERY_BYTES (1u << 20)
/* Largest --limit: a bigger page is an export; use --offset to page. */
#define MAX_LIMIT 10000
/* Snippet fragments per hit, and their length in characters: more is a
 * copy of the article, not a snippet. */
#define MAX_SNIPPETS 16
#define MAX_SNIPPET_CHARS 4096
/* --expand: feedback documents beyond this are not "the top" any more
 * (the library caps them at the same value). */
#define MAX_EXPAND 100

static const char *prog = "lede-search";

typedef enum { OUT_HUMAN, OUT_JSON, OUT_TREC, OUT_IDS, OUT_COUNT } out_mode;

typedef struct cli {
	const char *index;
	lede_search_opts so;
	out_mode mode;
	const char *trec_qid;
	const char *run_tag;
	int color;              /* 1: ANSI bold for highlights */
	const char *mark_open, *mark_close;
	int explain;
	char *marks;            /* owned copy of --mark */
} cli;

static void usage(FILE *f)
{
	fprintf(f,
"Usage: %s [-i INDEX] [options] QUERY...\n"
"Search a lede index. The words of QUERY are joined into one query.\n"
"\n"
"Query language:\n"
"  nato spending        both words (AND); --any for either (OR)\n"
"  \"defense spending\"   exact phrase          deploy*   prefix\n"
"  -china, NOT china    exclude               a OR b, a AND b, ( )\n"
"  a NEAR/5 b           within 5 words        title: by: source: section:\n"
"  lang: host:          fields                date:2025-02-13, date:2025-02,\n"
"                                             date:2024..2025-03\n"
"\n"
"Options:\n"
"  -i, --index DIR       index directory (default: $LEDE_INDEX)\n"
"  -n, --limit N         hits to show (default 10, 1 to %d; --count for\n"
"                        the number of matches alone)\n"
"      --offset N        skip the first N hits\n"
"      --any             match any word instead of all\n"
"      --sort ORDER      relevance (default), date or newest (newest\n"
"                        first), -date or oldest\n"
"      --since WHEN      from this date: 2025-02-13, 2025-02, 2025, or\n"
"                        7d, 2w, 3m, 1y ago\n"
"      --until WHEN      up to the end of this date/period\n"
"      --source NAME     only articles from this outlet\n"
"      --section NAME    only this section or topic\n"
"      --lang CODE       only this language (en, de, fr, ...)\n"
"      --collapse        fold near-duplicate copies of a story\n"
"      --recency DAYS    favour recent articles: score halves every DAYS\n"
"                        (over 0, at most 3652500)\n"
"      --snippets N      snippet fragments per hit (default 2, 0 = none,\n"
"                        at most %d)\n"
"      --snippet-length CHARS  about this long each (default and 0: 160, at\n"
"                        most %d)\n"
"      --json            one JSON object per line: hits, then a summary\n"
"      --trec QID        TREC run lines: QID Q0 ID RANK SCORE TAG (QID\n"
"                        and TAG: one word each, no spaces)\n"
"      --run-tag TAG     the TREC run tag (default lede)\n"
"      --count           print only the number of matching articles\n"
"                        (of groups with --collapse)\n"
"      --ids             print only article ids, one per line\n"
"      --exact-count     count every match (slower on big indexes)\n"
"      --expand N        pseudo-relevance feedback: OR the best words of\n"
"                        the top N hits (at most %d) into the query and\n"
"                        search again; its filters and exclusions still\n"
"                        hold (best with --any; off by default)\n"
"      --explain         show the parsed query and, per hit, the parts of\n"
"                        its score (each word's BM25 weight, its title\n"
"                        share, prefixes, feedback words, recency)\n"
"      --color WHEN      highlight with colour: auto (default), always, never\n"
"      --mark OPEN,CLOSE highlight with these strings, e.g. '<b>,</b>'\n"
"      --k1 X, --b X     BM25 parameters (research use; k1 0 to 1000, b 0\n"
"                        to 1; an index of format 4 holds its b:\n"
"                        lede-index --b)\n"
"  -V, --version         print the version\n"
"  -h, --help            this help\n"
"\n"
"Exit status: 0 hits found, 1 no hits, 2 error (bad query, no index, ...).\n"
"NO_COLOR in the environment turns colour off.\n",
	        prog, MAX_LIMIT, MAX_SNIPPETS, MAX_SNIPPET_CHARS, MAX_EXPAND);
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_ERROR);
}

/* s as a number from lo to hi, or dies naming opt and that range. */
static unsigned parse_uint(const char *opt, const char *s, unsigned lo,
                           unsigned hi)
{
	unsigned v;
	char msg[256];

	if (cli_parse_uint(&v, opt, s, lo, hi, msg, sizeof msg) != 0)
		die("%s", msg);
	return v;
}

/* A TREC run line is six fields split at white space: the query id and
 * the run tag must each be one word of printable characters, or the
 * line has another number of fields. Returns s, or dies naming opt. */
static const char *trec_field(const char *opt, const char *s)
{
	size_t n = strlen(s), i = 0, len;
	uint32_t cp;

	while (i < n && text_next(s + i, n - i, &len, &cp) == TEXT_PLAIN &&
	       cp != ' ')
		i += len;
	if (n == 0 || i < n)
		die("%s: expected one word with no spaces or control "
		    "characters, got '%s'", opt, s);
	return s;
}

/* s as a number from 0 to max (over 0 when positive). NaN and the
 * infinities, which strtod reads too ("nan", "inf"), are refused. */
static double parse_double(const char *opt, const char *s, double max,
                           int positive)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < 0 || v > max ||
	    (positive && v == 0))
		die("%s: expected a number %s %.15g, got '%s'", opt,
		    positive ? "over 0, at most" : "from 0 to", max, s);
	return v;
}

/* ---- output ------------------------------------------------------------ */

/* Writes s[0..n) with control characters removed (newlines and tabs become
 * spaces): article text never drives the terminal. */
static void put_text(const char *s, size_t n)
{
	size_t i = 0, run = 0, len;
	uint32_t cp;

	/* plain characters go out in runs: one fwrite each was a tenth of
	 * a whole search's instructions */
	while (i < n) {
		text_class k = text_next(s + i, n - i, &len, &cp);
		if (k == TEXT_PLAIN) {
			i += len;
			continue;
		}
		fwrite(s + run, 1, i - run, stdout);
		if (k == TEXT_SPACE)
			fputc(' ', stdout);
		else if (k == TEXT_INVALID)
			fputs("\xef\xbf\xbd", stdout);
		i += len;
		run = i;
	}
	fwrite(s + run, 1, i - run, stdout);
}

static void put_str(const char *s)
{
	if (s)
		put_text(s, strlen(s));
}

static void put_fragment(const cli *c, const lede_fragment *f)
{
	size_t at = 0;

	for (size_t k = 0; k < f->nhighlights; k++) {
		size_t s = f->highlights[2 * k], e = f->highlights[2 * k + 1];
		if (s < at || e > f->len || s > e)
			continue;
		put_text(f->text + at, s - at);
		fputs(c->mark_open, stdout);
		put_text(f->text + s, e - s);
		fputs(c->mark_close, stdout);
		at = e;
	}
	put_text(f->text + at, f->len - at);
}

static void format_date(char *out, size_t cap, int64_t t, int full)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == LEDE_NO_DATE || gmtime_r(&tt, &tm) == NULL) {
		snprintf(out, cap, "%s", full ? "" : "----------");
		return;
	}
	strftime(out, cap, full ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d", &tm);
}

/* The separator put between snippet fragments. */
#define ELLIPSIS "\xe2\x80\xa6" /* U+2026 */

static void print_human(const cli *c, const lede_results *r, double secs)
{
	size_t n = lede_results_count(r);
	uint64_t total = lede_results_total(r);

	if (n > 0)
		printf("About %llu article%s (%.3f s)\n\n",
		       (unsigned long long)total, total == 1 ? "" : "s", secs);
	for (size_t i = 0; i < n; i++) {
		const lede_hit *h = lede_results_hit(r, i);
		const lede_article *a = &h->article;
		const char *where = a->url ? a->url : a->path ? a->path : a->id;
		char date[32];

		format_date(date, sizeof date, a->date, 0);
		printf("%u. %s  ", h->rank, date);
		if (a->source) {
			put_str(a->source);
			fputs("  ", stdout);
		}
		if (h->title && h->title->len)
			put_fragment(c, h->title);
		else
			fputs("(no title)", stdout);
		fputc('\n', stdout);
		if (h->nsnippets) {
			fputs("   ", stdout);
			for (size_t k = 0; k < h->nsnippets; k++) {
				const lede_fragment *f = &h->snippets[k];
				if (f->cut_before)
					fputs(ELLIPSIS " ", stdout);
				put_fragment(c, f);
				if (f->cut_after && k + 1 == h->nsnippets)
					fputs(" " ELLIPSIS, stdout);
				else if (k + 1 < h->nsnippets && !f->cut_after)
					fputc(' ', stdout);
				else if (k + 1 < h->nsnippets)
					fputc(' ', stdout);
			}
			fputc('\n', stdout);
		}
		fputs("   ", stdout);
		put_str(where);
		if (a->byline) {
			fputs("  by ", stdout);
			put_str(a->byline);
		}
		if (h->duplicates)
			printf("  (+%u similar)", h->duplicates);
		fputc('\n', stdout);
		if (c->explain) {
			printf("   score %.4f:", h->score);
			for (size_t k = 0; k < h->nexplain; k++) {
				fputs(" ", stdout);
				put_str(h->explain[k].term);
				printf("=%.4f", h->explain[k].weight);
			}
			fputc('\n', stdout);
		}
		fputc('\n', stdout);
	}
}

/* The inside of a JSON string, escaped per RFC 8259. Controls that could
 * drive a terminal (cli_text.c: C0, DEL, C1, bidi overrides) are \u
 * escaped too, so the text decodes unchanged but never acts on a terminal
 * it is shown on; a byte that is not UTF-8 (the library stores none, but
 * the output must stay JSON whatever an index holds) becomes U+FFFD. */
static void json_raw(const char *s, size_t n)
{
	size_t len, run = 0;
	uint32_t cp;

	for (size_t i = 0; i < n; i += len) {
		text_class k = text_next(s + i, n - i, &len, &cp);

		if (k == TEXT_PLAIN && cp != '"' && cp != '\\')
			continue; /* goes out with its run */
		fwrite(s + run, 1, i - run, stdout);
		run = i + len;
		if (cp == '"' || cp == '\\')
			printf("\\%c", (int)cp);
		else if (cp == '\n')
			fputs("\\n", stdout);
		else if (cp == '\t')
			fputs("\\t", stdout);
		else if (k == TEXT_CONTROL)
			printf("\\u%04x", (unsigned)cp);
		else if (k == TEXT_INVALID)
			fputs("\\ufffd", stdout);
	}
	fwrite(s + run, 1, n - run, stdout);
}

static void json_str(const char *s, size_t n)
{
	fputc('"', stdout);
	json_raw(s, n);
	fputc('"', stdout);
}

static void json_field(const char *name, const char *v)
{
	printf(",\"%s\":", name);
	if (v)
		json_str(v, strlen(v));
	else
		fputs("null", stdout);
}

/* A score or weight: JSON has no NaN or infinity, so such a value (which
 * the library's bounds on k1, b and the weights keep out) is null rather
 * than a line no parser reads. */
static void json_number(double v)
{
	if (isfinite(v))
		printf("%.6f", v);
	else
		fputs("null", stdout);
}

static void json_fragment(const lede_fragment *f)
{
	fputs("{\"text\":", stdout);
	json_str(f->text, f->len);
	fputs(",\"highlights\":[", stdout);
	for (size_t k = 0; k < f->nhighlights; k++)
		printf("%s[%zu,%zu]", k ? "," : "", f->highlights[2 * k],
		       f->highlights[2 * k + 1]);
	printf("],\"cut_before\":%s,\"cut_after\":%s}",
	       f->cut_before ? "true" : "false",
	       f->cut_after ? "true" : "false");
}

static void print_json(const cli *c, const lede_results *r, double secs)
{
	size_t n = lede_results_count(r);
	const char *sug = lede_results_suggestion(r);

	for (size_t i = 0; i < n; i++) {
		const lede_hit *h = lede_results_hit(r, i);
		const lede_article *a = &h->article;
		char date[32];

		format_date(date, sizeof date, a->date, 1);
		printf("{\"type\":\"hit\",\"rank\":%u,\"score\":", h->rank);
		json_number(h->score);
		json_field("id", a->id);
		json_field("title", a->title);
		json_field("date", a->date == LEDE_NO_DATE ? NULL : date);
		json_field("byline", a->byline);
		json_field("source", a->source);
		json_field("url", a->url);
		json_field("lang", a->lang);
		json_field("section", a->section);
		json_field("path", a->path);
		fputs(",\"tags\":[", stdout);
		for (size_t k = 0; k < a->ntags; k++) {
			if (k)
				fputc(',', stdout);
			json_str(a->tags[k], strlen(a->tags[k]));
		}
		printf("],\"duplicates\":%u", h->duplicates);
		if (h->title) {
			fputs(",\"title_highlights\":", stdout);
			json_fragment(h->title);
		}
		/* "snippet": the fragments joined as a terminal shows them,
		 * with "highlights" as byte ranges into it. */
		{
			size_t off = 0;
			fputs(",\"snippet\":\"", stdout);
			for (size_t k = 0; k < h->nsnippets; k++) {
				const lede_fragment *f = &h->snippets[k];
				const char *pre = f->cut_before ? ELLIPSIS " " :
				                  k ? " " : "";
				json_raw(pre, strlen(pre));
				json_raw(f->text, f->len);
				if (f->cut_after && k + 1 == h->nsnippets)
					json_raw(" " ELLIPSIS, 4);
			}
			fputs("\",\"highlights\":[", stdout);
			for (size_t k = 0, first = 1; k < h->nsnippets; k++) {
				const lede_fragment *f = &h->snippets[k];
				off += f->cut_before ? 4 : k ? 1 : 0;
				for (size_t j = 0; j < f->nhighlights; j++) {
					printf("%s[%zu,%zu]", first ? "" : ",",
					       off + f->highlights[2 * j],
					       off + f->highlights[2 * j + 1]);
					first = 0;
				}
				off += f->len;
			}
			fputc(']', stdout);
		}
		fputs(",\"snippets\":[", stdout);
		for (size_t k = 0; k < h->nsnippets; k++) {
			if (k)
				fputc(',', stdout);
			json_fragment(&h->snippets[k]);
		}
		fputc(']', stdout);
		if (c->explain) {
			fputs(",\"explain\":[", stdout);
			for (size_t k = 0; k < h->nexplain; k++) {
				if (k)
					fputc(',', stdout);
				fputs("{\"term\":", stdout);
				json_str(h->explain[k].term,
				         strlen(h->explain[k].term));
				fputs(",\"weight\":", stdout);
				json_number(h->explain[k].weight);
				fputc('}', stdout);
			}
			fputc(']', stdout);
		}
		fputs("}\n", stdout);
	}
	printf("{\"type\":\"summary\",\"total\":%llu,\"returned\":%zu",
	       (unsigned long long)lede_results_total(r), n);
	json_field("suggestion", sug);
	json_field("notice", lede_results_notice(r));
	json_field("query", lede_results_query(r));
	printf(",\"elapsed_ms\":%.3f}\n", secs * 1000.0);
}

static void print_trec(const cli *c, const lede_results *r)
{
	size_t n = lede_results_count(r), len;
	uint32_t cp;

	for (size_t i = 0; i < n; i++) {
		const lede_hit *h = lede_results_hit(r, i);
		const char *id = h->article.id, *end = id + strlen(id);

		/* TREC ids hold no spaces; replace any, and any control, with
		 * '_' to keep 6 columns and a quiet terminal. */
		fputs(c->trec_qid, stdout);
		fputs(" Q0 ", stdout);
		for (const char *p = id; p < end; p += len) {
			text_class k = text_next(p, (size_t)(end - p), &len, &cp);
			if (k == TEXT_PLAIN && *p != ' ')
				fwrite(p, 1, len, stdout);
			else
				fputc('_', stdout);
		}
		printf(" %u %.6f %s\n", h->rank, h->score, c->run_tag);
	}
}

/* ---- main -------------------------------------------------------------- */

enum {
	OPT_OFFSET = 256, OPT_ANY, OPT_SORT, OPT_SINCE, OPT_UNTIL, OPT_SOURCE,
	OPT_SECTION, OPT_LANG, OPT_COLLAPSE, OPT_RECENCY, OPT_SNIPPETS,
	OPT_SNIPLEN, OPT_JSON, OPT_TREC, OPT_RUNTAG, OPT_COUNT, OPT_IDS,
	OPT_EXPLAIN, OPT_COLOR, OPT_MARK, OPT_EXACT, OPT_K1, OPT_B, OPT_EXPAND
};

static const struct option long_opts[] = {
	{ "index", required_argument, NULL, 'i' },
	{ "limit", required_argument, NULL, 'n' },
	{ "offset", required_argument, NULL, OPT_OFFSET },
	{ "any", no_argument, NULL, OPT_ANY },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "section", required_argument, NULL, OPT_SECTION },
	{ "lang", required_argument, NULL, OPT_LANG },
	{ "collapse", no_argument, NULL, OPT_COLLAPSE },
	{ "recency", required_argument, NULL, OPT_RECENCY },
	{ "snippets", required_argument, NULL, OPT_SNIPPETS },
	{ "snippet-length", required_argument, NULL, OPT_SNIPLEN },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "trec", required_argument, NULL, OPT_TREC },
	{ "run-tag", required_argument, NULL, OPT_RUNTAG },
	{ "count", no_argument, NULL, OPT_COUNT },
	{ "ids", no_argument, NULL, OPT_IDS },
	{ "exact-count", no_argument, NULL, OPT_EXACT },
	{ "expand", required_argument, NULL, OPT_EXPAND },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "colour", required_argument, NULL, OPT_COLOR },
	{ "mark", required_argument, NULL, OPT_MARK },
	{ "k1", required_argument, NULL, OPT_K1 },
	{ "b", required_argument, NULL, OPT_B },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* Whether the long option typed as name[0..len) takes a value: the
 * option of that exact name, else the first one it abbreviates (as
 * getopt_long accepts). Unknown: 0, and getopt_long reports it. */
static int long_opt_takes_value(const char *name, size_t len)
{
	const struct option *abbrev = NULL;

	if (len == 0)
		return 0;
	for (const struct option *o = long_opts; o->name; o++) {
		if (strncmp(o->name, name, len) != 0)
			continue;
		if (o->name[len] == '\0')
			return o->has_arg == required_argument;
		if (abbrev == NULL)
			abbrev = o;
	}
	return abbrev && abbrev->has_arg == required_argument;
}

/* Reorders argv so that query words come after "--": a query may hold
 * "-china" anywhere, which getopt would read as options (-c hina). Only
 * the exact short options (-i DIR, -n N, -V, -h) and --long options are
 * options; any other argument starting with '-' is a query word. An
 * option that takes a value is given the next argument; when none
 * follows, this dies ("option --trec needs a value"): getopt would take
 * the "--" put before the query words instead. Returns a new argv (the
 * strings are argv's) or NULL when out of memory. */
static char **split_query_words(int argc, char **argv, int *out_argc)
{
	char **nv = calloc((size_t)argc + 2, sizeof *nv);
	char **words = calloc((size_t)argc + 1, sizeof *words);
	int n = 0, nw = 0;

	if (nv == NULL || words == NULL) {
		free(nv);
		free(words);
		return NULL;
	}
	nv[n++] = argv[0];
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int takes_value;

		if (strcmp(a, "--") == 0) {
			while (++i < argc)
				words[nw++] = argv[i];
			break;
		}
		if (strncmp(a, "--", 2) == 0) {
			size_t len = strcspn(a + 2, "=");
			takes_value = a[2 + len] != '=' &&
			              long_opt_takes_value(a + 2, len);
		} else if (strcmp(a, "-i") == 0 || strcmp(a, "-n") == 0) {
			takes_value = 1;
		} else if (strcmp(a, "-V") == 0 || strcmp(a, "-h") == 0) {
			takes_value = 0;
		} else {
			words[nw++] = argv[i];
			continue;
		}
		nv[n++] = argv[i];
		if (!takes_value)
			continue;
		if (i + 1 == argc) {
			free(nv);
			free(words);
			die("option %s needs a value", a);
		}
		nv[n++] = argv[++i];
	}
	nv[n++] = "--";
	for (int k = 0; k < nw; k++)
		nv[n++] = words[k];
	nv[n] = NULL;
	free(words);
	*out_argc = n;
	return nv;
}

static char **reordered; /* split_query_words()'s argv */

static void free_reordered(void)
{
	free(reordered);
}

int main(int argc, char **argv)
{
	cli c;
	lede_search_opts def = LEDE_SEARCH_OPTS_INIT;
	const char *color = "auto";
	const char *since = NULL, *until = NULL;
	char *query = NULL;
	size_t qlen = 0;
	lede_index *idx = NULL;
	lede_results *res = NULL;
	lede_open_opts oo = LEDE_OPEN_OPTS_INIT;
	lede_status st;
	int opt, rc;
	int64_t lo, hi, now = (int64_t)time(NULL);
	struct timespec t0, t1;
	double secs;

	memset(&c, 0, sizeof c);
	c.so = def;
	c.mode = OUT_HUMAN;
	c.run_tag = "lede";
	c.index = getenv("LEDE_INDEX");
	reordered = split_query_words(argc, argv, &argc);
	argv = reordered;
	atexit(free_reordered);
	if (argv == NULL)
		die("out of memory");
	/* The leading ':' turns getopt's own messages off: cli_option_problem
	 * names a bad option as typed (a missing value cannot reach getopt:
	 * split_query_words). */
	while ((opt = getopt_long(argc, argv, ":i:n:Vh", long_opts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'i': c.index = optarg; break;
		case 'n':
			/* A page of no hits would exit 1 ("no hits") whatever
			 * matched: say what to use instead. */
			if (strcmp(optarg, "0") == 0)
				die("--limit: expected a number from 1 to %d, got "
				    "'0' (for the number of matches alone, use "
				    "--count)", MAX_LIMIT);
			c.so.limit = parse_uint("--limit", optarg, 1, MAX_LIMIT);
			break;
		case OPT_OFFSET: c.so.offset = parse_uint("--offset", optarg, 0, INT_MAX); break;
		case OPT_ANY: c.so.any = 1; break;
		case OPT_SORT:
			if (strcmp(optarg, "relevance") == 0)
				c.so.sort = LEDE_SORT_RELEVANCE;
			else if (strcmp(optarg, "date") == 0 ||
			         strcmp(optarg, "newest") == 0)
				c.so.sort = LEDE_SORT_NEWEST;
			else if (strcmp(optarg, "-date") == 0 ||
			         strcmp(optarg, "oldest") == 0)
				c.so.sort = LEDE_SORT_OLDEST;
			else
				die("--sort: expected relevance, date (or newest) "
				    "or -date (or oldest), got '%s'", optarg);
			break;
		case OPT_SINCE: since = optarg; break;
		case OPT_UNTIL: until = optarg; break;
		case OPT_SOURCE: c.so.source = optarg; break;
		case OPT_SECTION: c.so.section = optarg; break;
		case OPT_LANG: c.so.lang = optarg; break;
		case OPT_COLLAPSE: c.so.collapse = 1; break;
		case OPT_RECENCY:
			c.so.recency_days = parse_double(
			    "--recency", optarg, LEDE_MAX_RECENCY_DAYS, 1);
			break;
		case OPT_SNIPPETS: c.so.snippets = parse_uint("--snippets", optarg, 0, MAX_SNIPPETS); break;
		case OPT_SNIPLEN: c.so.snippet_chars = parse_uint("--snippet-length", optarg, 0, MAX_SNIPPET_CHARS); break;
		case OPT_JSON: c.mode = OUT_JSON; break;
		case OPT_TREC:
			c.mode = OUT_TREC;
			c.trec_qid = trec_field("--trec", optarg);
			break;
		case OPT_RUNTAG: c.run_tag = trec_field("--run-tag", optarg); break;
		case OPT_COUNT: c.mode = OUT_COUNT; break;
		case OPT_IDS: c.mode = OUT_IDS; break;
		case OPT_EXACT: c.so.exact_count = 1; break;
		case OPT_EXPAND: c.so.expand = parse_uint("--expand", optarg, 0, MAX_EXPAND); break;
		case OPT_EXPLAIN: c.explain = 1; c.so.explain = 1; break;
		case OPT_COLOR: color = optarg; break;
		case OPT_MARK: {
			char *comma;
			free(c.marks);
			c.marks = strdup(optarg);
			if (c.marks == NULL)
				die("out of memory");
			comma = strchr(c.marks, ',');
			if (comma == NULL)
				die("--mark: expected OPEN,CLOSE, got '%s'", optarg);
			*comma = '\0';
			c.mark_open = c.marks;
			c.mark_close = comma + 1;
			break;
		}
		case OPT_K1:
			c.so.k1 = parse_double("--k1", optarg, LEDE_MAX_K1, 0);
			break;
		case OPT_B: c.so.b = parse_double("--b", optarg, 1.0, 0); break;
		case 'V': printf("lede-search %s\n", lede_version()); return 0;
		case 'h': usage(stdout); return 0;
		default: {
			char msg[128];
			cli_option_problem(msg, sizeof msg, opt,
			                   argv[optind - 1], long_opts);
			die("%s", msg);
		}
		}
	}
	if (c.index == NULL || *c.index == '\0')
		die("no index given: use -i DIR or set LEDE_INDEX");
	if (optind >= argc)
		die("no query given (try --help)");
	for (int i = optind; i < argc; i++) {
		size_t n = strlen(argv[i]);
		char *q;
		if (qlen + n + 1 > MAX_QUERY_BYTES)
			die("query too long");
		q = realloc(query, qlen + n + 2);
		if (q == NULL)
			die("out of memory");
		query = q;
		if (qlen)
			query[qlen++] = ' ';
		memcpy(query + qlen, argv[i], n);
		qlen += n;
		query[qlen] = '\0';
	}
	if (since) {
		if (lede_parse_date(&lo, &hi, since, now) != LEDE_OK)
			die("--since: bad date '%s' (use YYYY, YYYY-MM, "
			    "YYYY-MM-DD, or 7d, 2w, 3m, 1y)", since);
		c.so.since = lo;
	}
	if (until) {
		if (lede_parse_date(&lo, &hi, until, now) != LEDE_OK)
			die("--until: bad date '%s' (use YYYY, YYYY-MM, "
			    "YYYY-MM-DD, or 7d, 2w, 3m, 1y)", until);
		/* a relative --until 7d means "until 7 days ago" */
		c.so.until = hi == INT64_MAX ? lo : hi;
	}
	c.so.now = now;
	if (strcmp(color, "always") == 0)
		c.color = 1;
	else if (strcmp(color, "never") == 0)
		c.color = 0;
	else if (strcmp(color, "auto") == 0)
		c.color = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
	else
		die("--color: expected auto, always or never, got '%s'", color);
	if (c.mark_open == NULL) {
		c.mark_open = c.color ? "\033[1;31m" : "";
		c.mark_close = c.color ? "\033[0m" : "";
	}
	if (c.mode != OUT_HUMAN && c.mode != OUT_JSON)
		c.so.snippets = 0;
	if (c.mode == OUT_COUNT) {
		c.so.limit = 0;
		c.so.exact_count = 1;
	}

	st = lede_index_open(&idx, c.index, &oo);
	if (st != LEDE_OK) {
		fprintf(stderr, "%s: %s\n", prog, lede_errmsg(idx));
		lede_index_close(idx);
		free(query);
		free(c.marks);
		return EXIT_ERROR;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	st = lede_search(&res, idx, query, &c.so);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (st != LEDE_OK) {
		fprintf(stderr, "%s: %s\n", prog, lede_errmsg(idx));
		lede_index_close(idx);
		free(query);
		free(c.marks);
		return EXIT_ERROR;
	}
	/* A feature the index could not offer (e.g. "did you mean" over
	 * remote shards): said on stderr in every mode, so that scripts
	 * reading stdout (TREC, ids) see the same output as before. */
	if (lede_results_notice(res))
		fprintf(stderr, "%s: note: %s\n", prog,
		        lede_results_notice(res));
	switch (c.mode) {
	case OUT_HUMAN:
		if (c.explain) {
			fputs("query: ", stdout);
			put_str(lede_results_query(res));
			fputs("\n\n", stdout);
		}
		print_human(&c, res, secs);
		if (lede_results_suggestion(res)) {
			fputs("Did you mean: ", stdout);
			put_str(lede_results_suggestion(res));
			fputs("\n", stdout);
		}
		if (lede_results_count(res) == 0 && lede_results_total(res) > 0)
			fprintf(stderr, "%s: no articles past --offset %u "
			        "(about %llu match)\n", prog, c.so.offset,
			        (unsigned long long)lede_results_total(res));
		else if (lede_results_count(res) == 0)
			fprintf(stderr, "%s: no articles match\n", prog);
		break;
	case OUT_JSON: print_json(&c, res, secs); break;
	case OUT_TREC: print_trec(&c, res); break;
	case OUT_IDS:
		for (size_t i = 0; i < lede_results_count(res); i++) {
			put_str(lede_results_hit(res, i)->article.id);
			fputc('\n', stdout);
		}
		break;
	case OUT_COUNT:
		printf("%llu\n", (unsigned long long)lede_results_total(res));
		break;
	}
	rc = (c.mode == OUT_COUNT ? lede_results_total(res) > 0
	                          : lede_results_count(res) > 0)
	         ? EXIT_HITS
	         : EXIT_NO_HITS;
	lede_results_free(res);
	lede_index_close(idx);
	free(query);
	free(c.marks);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: write error: %s\n", prog, strerror(errno));
		return EXIT_ERROR;
	}
	return rc;
}
