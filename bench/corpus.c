/*
 * corpus.c - corpus tools for `make bench` (no lede code, libc only).
 *
 *   corpus reuters SGMDIR OUTDIR
 *       Converts every Reuters-21578 article that has a <BODY> into one
 *       plain-text file OUTDIR/reut2-NNN/NNNNN.txt (NEWID, zero-padded):
 *           TITLE
 *           <blank line>
 *           DATELINE - body text...
 *       Entities are decoded (&lt; &gt; &amp;, control characters
 *       dropped), stray Latin-1 bytes become UTF-8, the trailing "Reuter"
 *       sign-off is removed. The file's mtime is set to the article's
 *       <DATE> (UTC): the texts carry no year, so that is where every tool
 *       finds the date (lede-index takes the mtime when the text has no
 *       dated dateline; the peers' loaders read st_mtime).
 *
 *   corpus scriptindex DIR
 *       Writes every *.txt under DIR (sorted walk) to stdout in Xapian
 *       scriptindex's input format: id (path relative to DIR), title,
 *       text (body, continuation lines), month (YYYY-MM of the mtime, UTC).
 *
 *   corpus stats DIR
 *       Prints "files bytes" of the *.txt files under DIR.
 *
 *   corpus shift-years DIR N
 *       Moves the mtime (the article date, see above) of every *.txt under
 *       DIR N calendar years later (earlier if negative), same month, day
 *       and time: copies of x1 spread over several years, for time shards
 *       (bench/shards.sh).
 *
 *   corpus queries DIR [SEED]
 *       Writes the benchmark query set (200 queries, deterministic for a
 *       given corpus and seed, default 42) to stdout: "class<TAB>query" in
 *       lede's query language. See bench/README.md.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "corpus: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(2);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		die("%s", "out of memory");
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		die("%s", "out of memory");
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

/* ---- growable byte buffer ------------------------------------------- */
typedef struct sbuf {
	char *d;
	size_t n, cap;
} sbuf;

static void sb_putn(sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->d = xrealloc(b->d, b->cap);
	}
	memcpy(b->d + b->n, s, n);
	b->n += n;
	b->d[b->n] = '\0';
}

static void sb_putc(sbuf *b, char c) { sb_putn(b, &c, 1); }

static char *read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	char *d;
	size_t got = 0;

	if (fd < 0 || fstat(fd, &st) != 0)
		die("cannot open %s", path);
	d = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, d + got, (size_t)st.st_size - got);
		if (r <= 0)
			die("cannot read %s", path);
		got += (size_t)r;
	}
	close(fd);
	d[got] = '\0';
	*len = got;
	return d;
}

/* ---- Reuters SGML -> text -------------------------------------------- */

/* Appends s[0..n) decoded: entities, control characters, Latin-1 bytes. */
static void decode(sbuf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '&') {
			const char *semi = memchr(s + i, ';', n - i < 12 ? n - i : 12);
			if (semi) {
				size_t el = (size_t)(semi - (s + i)) + 1;
				if (el == 4 && !memcmp(s + i, "&lt;", 4))
					sb_putc(out, '<');
				else if (el == 4 && !memcmp(s + i, "&gt;", 4))
					sb_putc(out, '>');
				else if (el == 5 && !memcmp(s + i, "&amp;", 5))
					sb_putc(out, '&');
				else if (s[i + 1] == '#')
					; /* &#3; &#127; ...: control characters */
				else
					sb_putn(out, s + i, el);
				i += el - 1;
				continue;
			}
			sb_putc(out, '&');
		} else if (c >= 0x80) {
			/* The collection is ASCII but for a stray Latin-1 byte. */
			char u[2] = { (char)(0xC0 | (c >> 6)), (char)(0x80 | (c & 0x3F)) };
			sb_putn(out, u, 2);
		} else if (c < 0x20 && c != '\n' && c != '\t') {
			;
		} else {
			sb_putc(out, (char)c);
		}
	}
}

/* The text between <tag> and </tag> inside [s, end), or NULL. */
static const char *element(const char *s, const char *end, const char *tag,
                           size_t *len)
{
	char open[32], close[32];
	const char *a, *b;

	snprintf(open, sizeof open, "<%s>", tag);
	snprintf(close, sizeof close, "</%s>", tag);
	a = memmem(s, (size_t)(end - s), open, strlen(open));
	if (a == NULL)
		return NULL;
	a += strlen(open);
	b = memmem(a, (size_t)(end - a), close, strlen(close));
	if (b == NULL)
		return NULL;
	*len = (size_t)(b - a);
	return a;
}

static void trim(sbuf *b)
{
	size_t s = 0;
	while (b->n > 0 && (b->d[b->n - 1] == ' ' || b->d[b->n - 1] == '\n' ||
	                    b->d[b->n - 1] == '\t'))
		b->n--;
	while (s < b->n && (b->d[s] == ' ' || b->d[s] == '\n' || b->d[s] == '\t'))
		s++;
	memmove(b->d, b->d + s, b->n - s);
	b->n -= s;
	if (b->d)
		b->d[b->n] = '\0';
}

static time_t parse_reuters_date(const char *s, size_t n)
{
	/* "26-FEB-1987 15:01:01.79" (sometimes with leading spaces) */
	static const char *mon[] = { "JAN", "FEB", "MAR", "APR", "MAY", "JUN",
	                             "JUL", "AUG", "SEP", "OCT", "NOV", "DEC" };
	char buf[64], m[4] = "";
	int d = 0, y = 0, hh = 0, mm = 0, ss = 0;
	struct tm tm;

	if (n >= sizeof buf)
		n = sizeof buf - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (sscanf(buf, " %d-%3s-%d %d:%d:%d", &d, m, &y, &hh, &mm, &ss) < 3)
		return (time_t)-1;
	memset(&tm, 0, sizeof tm);
	tm.tm_mon = -1;
	for (int i = 0; i < 12; i++)
		if (strcasecmp(m, mon[i]) == 0)
			tm.tm_mon = i;
	if (tm.tm_mon < 0)
		return (time_t)-1;
	tm.tm_mday = d;
	tm.tm_year = y - 1900;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = ss;
	return timegm(&tm);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmd_reuters(const char *sgmdir, const char *outdir)
{
	DIR *d = opendir(sgmdir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, articles = 0, bytes = 0;

	if (d == NULL)
		die("cannot open %s", sgmdir);
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		if (l > 4 && strcmp(e->d_name + l - 4, ".sgm") == 0) {
			names = xrealloc(names, (n + 1) * sizeof *names);
			names[n++] = xstrdup(e->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	if (n == 0)
		die("no .sgm files in %s", sgmdir);
	if (mkdir(outdir, 0777) != 0 && errno != EEXIST)
		die("cannot create %s", outdir);

	for (size_t f = 0; f < n; f++) {
		char path[4096], sub[4096];
		size_t len;
		char *data;
		const char *p, *end;
		char stem[256];

		snprintf(path, sizeof path, "%s/%s", sgmdir, names[f]);
		data = read_file(path, &len);
		end = data + len;
		snprintf(stem, sizeof stem, "%.*s", (int)(strlen(names[f]) - 4),
		         names[f]);
		snprintf(sub, sizeof sub, "%s/%s", outdir, stem);
		if (mkdir(sub, 0777) != 0 && errno != EEXIST)
			die("cannot create %s", sub);

		for (p = data; (p = strstr(p, "<REUTERS")) != NULL;) {
			const char *rend = strstr(p, "</REUTERS>");
			const char *v, *idp;
			size_t vl;
			long newid;
			sbuf title = { 0 }, body = { 0 }, out = { 0 };
			time_t when = (time_t)-1;
			char fpath[8192];
			FILE *fp;

			if (rend == NULL)
				rend = end;
			idp = strstr(p, "NEWID=\"");
			if (idp == NULL || idp > rend)
				goto next;
			newid = strtol(idp + 7, NULL, 10);
			v = element(p, rend, "BODY", &vl);
			if (v == NULL)
				goto next;
			decode(&body, v, vl);
			trim(&body);
			/* drop the sign-off ("Reuter", "REUTER") */
			if (body.n >= 6 && strcasecmp(body.d + body.n - 6, "reuter") == 0 &&
			    (body.n == 6 || body.d[body.n - 7] == '\n' || body.d[body.n - 7] == ' ')) {
				body.n -= 6;
				body.d[body.n] = '\0';
				trim(&body);
			}
			if (body.n == 0)
				goto next;
			v = element(p, rend, "TITLE", &vl);
			if (v)
				decode(&title, v, vl);
			trim(&title);
			for (size_t i = 0; i < title.n; i++)
				if (title.d[i] == '\n' || title.d[i] == '\t')
					title.d[i] = ' ';
			v = element(p, rend, "DATE", &vl);
			if (v)
				when = parse_reuters_date(v, vl);

			if (title.n)
				sb_putn(&out, title.d, title.n);
			else
				sb_putn(&out, "(untitled)", 10);
			sb_putn(&out, "\n\n", 2);
			v = element(p, rend, "DATELINE", &vl);
			if (v) {
				sbuf dl = { 0 };
				decode(&dl, v, vl);
				trim(&dl);
				if (dl.n) {
					sb_putn(&out, dl.d, dl.n);
					sb_putc(&out, ' ');
				}
				free(dl.d);
			}
			sb_putn(&out, body.d, body.n);
			sb_putc(&out, '\n');

			snprintf(fpath, sizeof fpath, "%s/%05ld.txt", sub, newid);
			fp = fopen(fpath, "wb");
			if (fp == NULL || fwrite(out.d, 1, out.n, fp) != out.n ||
			    fclose(fp) != 0)
				die("cannot write %s", fpath);
			if (when != (time_t)-1) {
				struct timeval tv[2] = { { when, 0 }, { when, 0 } };
				if (utimes(fpath, tv) != 0)
					die("cannot set the time of %s", fpath);
			}
			articles++;
			bytes += out.n;
		next:
			free(title.d);
			free(body.d);
			free(out.d);
			p = rend;
		}
		free(data);
		free(names[f]);
	}
	free(names);
	fprintf(stderr, "corpus: %zu articles, %zu bytes in %s\n", articles,
	        bytes, outdir);
	return 0;
}

/* ---- walking a text corpus ------------------------------------------ */

typedef struct filelist {
	char **rel; /* paths relative to the root */
	size_t n;
} filelist;

static void walk(filelist *fl, const char *root, const char *rel)
{
	char path[4096];
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	snprintf(path, sizeof path, "%s%s%s", root, *rel ? "/" : "", rel);
	d = opendir(path);
	if (d == NULL)
		die("cannot open %s", path);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		names = xrealloc(names, (n + 1) * sizeof *names);
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		char r[4096], full[8192];
		struct stat st;
		size_t l = strlen(names[i]);

		snprintf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", names[i]);
		snprintf(full, sizeof full, "%s/%s", root, r);
		if (stat(full, &st) != 0)
			die("cannot stat %s", full);
		if (S_ISDIR(st.st_mode))
			walk(fl, root, r);
		else if (S_ISREG(st.st_mode) && l > 4 &&
		         strcmp(names[i] + l - 4, ".txt") == 0) {
			fl->rel = xrealloc(fl->rel, (fl->n + 1) * sizeof *fl->rel);
			fl->rel[fl->n++] = xstrdup(r);
		}
		free(names[i]);
	}
	free(names);
}

/* Splits a file's text into title (first line) and body (after the blank
 * line). Pointers into text. */
static void split(const char *text, size_t len, const char **title,
                  size_t *tlen, const char **body, size_t *blen)
{
	const char *nl = memchr(text, '\n', len);
	*title = text;
	*tlen = nl ? (size_t)(nl - text) : len;
	*body = nl ? nl + 1 : text + len;
	while (*body < text + len && **body == '\n')
		(*body)++;
	*blen = (size_t)(text + len - *body);
	while (*blen > 0 && (*body)[*blen - 1] == '\n')
		(*blen)--;
}

static int cmd_scriptindex(const char *root)
{
	filelist fl = { 0 };

	walk(&fl, root, "");
	for (size_t i = 0; i < fl.n; i++) {
		char full[8192], month[16];
		struct stat st;
		struct tm tm;
		size_t len, tlen, blen;
		const char *title, *body;
		char *text;

		snprintf(full, sizeof full, "%s/%s", root, fl.rel[i]);
		text = read_file(full, &len);
		if (stat(full, &st) != 0)
			die("cannot stat %s", full);
		gmtime_r(&st.st_mtime, &tm);
		strftime(month, sizeof month, "%Y-%m", &tm);
		split(text, len, &title, &tlen, &body, &blen);
		printf("id=%s\ntitle=%.*s\nmonth=%s\ntext=", fl.rel[i], (int)tlen,
		       title, month);
		/* Continuation lines start with '='. */
		for (size_t k = 0; k < blen; k++) {
			putchar(body[k]);
			if (body[k] == '\n')
				putchar('=');
		}
		fputs("\n\n", stdout);
		free(text);
		free(fl.rel[i]);
	}
	free(fl.rel);
	return fflush(stdout) == 0 ? 0 : 2;
}

static int cmd_stats(const char *root)
{
	filelist fl = { 0 };
	unsigned long long bytes = 0;

	walk(&fl, root, "");
	for (size_t i = 0; i < fl.n; i++) {
		char full[8192];
		struct stat st;
		snprintf(full, sizeof full, "%s/%s", root, fl.rel[i]);
		if (stat(full, &st) == 0)
			bytes += (unsigned long long)st.st_size;
		free(fl.rel[i]);
	}
	printf("%zu %llu\n", fl.n, bytes);
	free(fl.rel);
	return 0;
}

static int cmd_shift_years(const char *root, int years)
{
	filelist fl = { 0 };

	walk(&fl, root, "");
	for (size_t i = 0; i < fl.n; i++) {
		char full[8192];
		struct stat st;
		struct tm tm;
		struct timespec ts[2];
		time_t t;

		snprintf(full, sizeof full, "%s/%s", root, fl.rel[i]);
		if (stat(full, &st) != 0)
			die("cannot stat %s", full);
		t = st.st_mtime;
		gmtime_r(&t, &tm);
		tm.tm_year += years;
		ts[0].tv_sec = ts[1].tv_sec = timegm(&tm);
		ts[0].tv_nsec = ts[1].tv_nsec = 0;
		if (utimensat(AT_FDCWD, full, ts, 0) != 0)
			die("cannot set the mtime of %s", full);
		free(fl.rel[i]);
	}
	free(fl.rel);
	return 0;
}

/* ---- query generation ------------------------------------------------ */

/* A broad English stopword list (lede's list plus the rest of Snowball's
 * and the query operators): query words never come from it, so that every
 * engine sees the same words whatever its own stopword handling. */
static const char *const stop[] = {
	"a", "about", "above", "after", "again", "against", "all", "also", "am",
	"an", "and", "any", "are", "as", "at", "be", "because", "been", "before",
	"being", "below", "between", "both", "but", "by", "can", "could", "did",
	"do", "does", "doing", "down", "during", "each", "few", "for", "from",
	"further", "had", "has", "have", "having", "he", "her", "here", "hers",
	"herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is",
	"it", "its", "itself", "just", "me", "more", "most", "my", "myself",
	"near", "no", "nor", "not", "now", "of", "off", "on", "once", "only",
	"or", "other", "ought", "our", "ours", "ourselves", "out", "over", "own",
	"reuter", "same", "she", "should", "so", "some", "such", "than", "that",
	"the", "their", "theirs", "them", "themselves", "then", "there", "these",
	"they", "this", "those", "through", "to", "too", "under", "until", "up",
	"us", "very", "was", "we", "were", "what", "when", "where", "which",
	"while", "who", "whom", "why", "will", "with", "would", "you", "your",
	"yours", "yourself", "yourselves",
};

static int is_stop(const char *w)
{
	for (size_t i = 0; i < sizeof stop / sizeof *stop; i++)
		if (strcmp(stop[i], w) == 0)
			return 1;
	return 0;
}

/* Word table: open addressing. */
typedef struct word {
	char *w;
	unsigned df;
	unsigned lastdoc; /* doc index + 1 that last counted it */
} word;

static word *wt;
static size_t wcap = 1 << 18, wn;

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static word *lookup(const char *s, size_t n)
{
	size_t i = (size_t)hash(s, n) & (wcap - 1);
	while (wt[i].w) {
		if (strlen(wt[i].w) == n && memcmp(wt[i].w, s, n) == 0)
			return &wt[i];
		i = (i + 1) & (wcap - 1);
	}
	if (wn * 2 >= wcap)
		die("%s", "too many distinct words");
	wt[i].w = xmalloc(n + 1);
	memcpy(wt[i].w, s, n);
	wt[i].w[n] = '\0';
	wn++;
	return &wt[i];
}

/* A document as a list of "clean" tokens: whitespace-separated chunks that
 * are letters only (lower-cased), with a flag telling whether the chunk
 * was followed by whitespace only (so the next one continues a phrase). */
typedef struct tok {
	word *w;
	int joins_next;
} tok;

typedef struct doc {
	tok *t;
	size_t n;
	char month[8];
} doc;

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64*: deterministic for a given seed */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static size_t pick(size_t n) { return (size_t)(rnd() % n); }

/* Appends the tokens of s[0..len) to d; a phrase never runs past len. */
static void tokenize(doc *d, const char *s, size_t len, unsigned docno)
{
	size_t i = 0;
	while (i < len) {
		size_t a, b, k;
		int clean = 1;
		char w[64];

		while (i < len && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t'))
			i++;
		if (i >= len)
			break;
		a = i;
		while (i < len && s[i] != ' ' && s[i] != '\n' && s[i] != '\t')
			i++;
		b = i;
		/* A chunk with trailing punctuation is a word that ends a run. */
		k = b;
		while (k > a && (s[k - 1] == ',' || s[k - 1] == '.' ||
		                 s[k - 1] == ';' || s[k - 1] == ':'))
			k--;
		if (k - a < 3 || k - a >= sizeof w)
			clean = 0;
		for (size_t j = a; clean && j < k; j++) {
			char c = s[j];
			if (c >= 'A' && c <= 'Z')
				w[j - a] = (char)(c - 'A' + 'a');
			else if (c >= 'a' && c <= 'z')
				w[j - a] = c;
			else
				clean = 0;
		}
		if (!clean) {
			if (d->n)
				d->t[d->n - 1].joins_next = 0;
			continue;
		}
		d->t = xrealloc(d->t, (d->n + 1) * sizeof *d->t);
		d->t[d->n].w = lookup(w, k - a);
		d->t[d->n].joins_next = (k == b);
		if (d->t[d->n].w->lastdoc != docno + 1) {
			d->t[d->n].w->lastdoc = docno + 1;
			d->t[d->n].w->df++;
		}
		d->n++;
	}
	if (d->n)
		d->t[d->n - 1].joins_next = 0;
}

static int cmp_df_desc(const void *a, const void *b)
{
	const word *x = *(word *const *)a, *y = *(word *const *)b;
	if (x->df != y->df)
		return x->df < y->df ? 1 : -1;
	return strcmp(x->w, y->w);
}

#define MAXQ 400
static char *emitted[MAXQ];
static size_t nemitted;

static int emit(const char *cls, const char *q)
{
	for (size_t i = 0; i < nemitted; i++)
		if (strcmp(emitted[i], q) == 0)
			return 0;
	emitted[nemitted++] = xstrdup(q);
	printf("%s\t%s\n", cls, q);
	return 1;
}

/* A word fit for an AND query: not a stopword, not too common, not too
 * rare (so 2-3 of them from one article still match a few articles). */
static int and_word(const word *w, size_t ndocs)
{
	return !is_stop(w->w) && w->df >= 20 && w->df <= ndocs / 10;
}

static int cmd_queries(const char *root, uint64_t seed)
{
	filelist fl = { 0 };
	doc *docs;
	word **all;
	size_t nall = 0, nfreq = 0, nrare = 0;
	word **freq, **rare;
	char q[512];
	size_t made;

	rng_state = seed ? seed : 42;
	wt = calloc(wcap, sizeof *wt);
	if (wt == NULL)
		die("%s", "out of memory");
	walk(&fl, root, "");
	if (fl.n < 100)
		die("corpus too small: %s", root);
	docs = xmalloc(fl.n * sizeof *docs);
	for (size_t i = 0; i < fl.n; i++) {
		char full[8192];
		size_t len;
		char *text;
		struct stat st;
		struct tm tm;

		snprintf(full, sizeof full, "%s/%s", root, fl.rel[i]);
		text = read_file(full, &len);
		if (stat(full, &st) != 0)
			die("cannot stat %s", full);
		gmtime_r(&st.st_mtime, &tm);
		strftime(docs[i].month, sizeof docs[i].month, "%Y-%m", &tm);
		{
			/* Title and body apart: the engines index them as two
			 * fields, so no phrase may cross from one to the other. */
			const char *title, *body;
			size_t tlen, blen;
			split(text, len, &title, &tlen, &body, &blen);
			docs[i].t = NULL;
			docs[i].n = 0;
			tokenize(&docs[i], title, tlen, (unsigned)i);
			tokenize(&docs[i], body, blen, (unsigned)i);
		}
		free(text);
	}
	all = xmalloc(wn * sizeof *all);
	for (size_t i = 0; i < wcap; i++)
		if (wt[i].w)
			all[nall++] = &wt[i];
	qsort(all, nall, sizeof *all, cmp_df_desc);
	freq = xmalloc(nall * sizeof *freq);
	rare = xmalloc(nall * sizeof *rare);
	for (size_t i = 0; i < nall; i++) {
		if (!is_stop(all[i]->w) && nfreq < 100)
			freq[nfreq++] = all[i];
		if (!is_stop(all[i]->w) && all[i]->df >= 2 && all[i]->df <= 5 &&
		    strlen(all[i]->w) >= 5)
			rare[nrare++] = all[i];
	}

	printf("# lede bench query set: generated by `build/bench/corpus queries"
	       " CORPUS-x1 %llu`\n# from %zu articles; class<TAB>query in lede's"
	       " query language. Do not edit by hand.\n",
	       (unsigned long long)rng_state, fl.n);

	/* 40 frequent single words: the 100 most frequent non-stopwords,
	 * 40 of them picked at random, most frequent first. */
	{
		int used[100] = { 0 };
		for (made = 0; made < 40 && nfreq > 0;) {
			size_t k = pick(nfreq);
			if (used[k])
				continue;
			used[k] = 1;
			made++;
		}
		for (size_t k = 0; k < nfreq; k++)
			if (used[k])
				emit("freq", freq[k]->w);
	}
	/* 40 rare words: document frequency 2-5. */
	for (made = 0; made < 40 && nrare > 0;)
		made += (size_t)emit("rare", rare[pick(nrare)]->w);
	/* 40 ANDs of 2-3 words taken from one article. */
	for (made = 0; made < 40;) {
		doc *d = &docs[pick(fl.n)];
		word *ws[3];
		size_t want = 2 + pick(2), got = 0, tries = 0;
		if (d->n < 20)
			continue;
		while (got < want && tries++ < 200) {
			word *w = d->t[pick(d->n)].w;
			int dup = 0;
			for (size_t j = 0; j < got; j++)
				dup |= ws[j] == w;
			if (!dup && and_word(w, fl.n))
				ws[got++] = w;
		}
		if (got < want)
			continue;
		q[0] = '\0';
		for (size_t j = 0; j < got; j++)
			snprintf(q + strlen(q), sizeof q - strlen(q), "%s%s",
			         j ? " " : "", ws[j]->w);
		made += (size_t)emit("and", q);
	}
	/* 50 phrases of 2-3 consecutive words (30 of 2, 20 of 3) from one
	 * article, no stopwords, no punctuation between them. */
	for (made = 0; made < 50;) {
		doc *d = &docs[pick(fl.n)];
		size_t len = made < 30 ? 2 : 3, at, j;
		if (d->n < len + 1)
			continue;
		at = pick(d->n - len + 1);
		for (j = 0; j < len; j++) {
			if (is_stop(d->t[at + j].w->w) || d->t[at + j].w->df < 3)
				break;
			if (j + 1 < len && !d->t[at + j].joins_next)
				break;
		}
		if (j < len)
			continue;
		snprintf(q, sizeof q, "\"%s %s%s%s\"", d->t[at].w->w,
		         d->t[at + 1].w->w, len == 3 ? " " : "",
		         len == 3 ? d->t[at + 2].w->w : "");
		made += (size_t)emit(len == 2 ? "phrase2" : "phrase3", q);
	}
	/* 30 with a month filter: a frequent word or a 2-word AND from an
	 * article of that month. */
	for (made = 0; made < 30;) {
		doc *d = &docs[pick(fl.n)];
		word *a = NULL, *b = NULL;
		size_t tries = 0;
		if (d->n < 20)
			continue;
		while (tries++ < 200 && (a == NULL || (made % 2 && b == NULL))) {
			word *w = d->t[pick(d->n)].w;
			if (a == NULL && !is_stop(w->w) && w->df >= 200)
				a = w;
			else if (a && w != a && and_word(w, fl.n))
				b = w;
		}
		if (a == NULL || (made % 2 && b == NULL))
			continue;
		if (made % 2)
			snprintf(q, sizeof q, "%s %s date:%s", a->w, b->w, d->month);
		else
			snprintf(q, sizeof q, "%s date:%s", a->w, d->month);
		made += (size_t)emit("date", q);
	}
	return fflush(stdout) == 0 ? 0 : 2;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "reuters") == 0)
		return cmd_reuters(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "scriptindex") == 0)
		return cmd_scriptindex(argv[2]);
	if (argc == 3 && strcmp(argv[1], "stats") == 0)
		return cmd_stats(argv[2]);
	if (argc == 4 && strcmp(argv[1], "shift-years") == 0)
		return cmd_shift_years(argv[2], atoi(argv[3]));
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "queries") == 0)
		return cmd_queries(argv[2],
		                   argc == 4 ? strtoull(argv[3], NULL, 10) : 42);
	fprintf(stderr, "usage: corpus reuters SGMDIR OUTDIR | scriptindex DIR |"
	                " stats DIR | shift-years DIR N | queries DIR [SEED]\n");
	return 2;
}
