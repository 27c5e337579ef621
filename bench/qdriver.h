/*
 * qdriver.h - what the three query drivers of `make bench` share (plain C,
 * also compiled as C++): reading bench/queries.txt, splitting a query into
 * words, phrases and a month filter (for the peers), timing, and the
 * summary every driver prints.
 *
 *   query_TOOL INDEX QUERIES [RAWLOG]
 *
 * runs the queries PASSES (3) times in one process, top 10 by relevance
 * with snippets, and prints
 *   pass=P n=N mean=MS p50=MS p99=MS max=MS hits=H     (one line per pass)
 *   class=C n=N mean=MS p50=MS p99=MS                  (all passes)
 *   all n=N mean=MS p50=MS p99=MS max=MS hits=H zero=Z (all passes)
 * RAWLOG gets one line per query run: pass, class, ms, hits, query.
 * Percentiles are nearest-rank.
 */
#ifndef QDRIVER_H
#define QDRIVER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QD_PASSES 3
#define QD_MAXQ 1000
#define QD_MAXPARTS 8

typedef struct qd_query {
	char cls[16];
	char text[512];      /* lede syntax, as in queries.txt */
	/* Parsed for the peers: words and phrases (space-separated words in
	 * phrase[i] when is_phrase[i]), and the month of a date: filter. */
	int nparts;
	char part[QD_MAXPARTS][256];
	int is_phrase[QD_MAXPARTS];
	char month[16];      /* "1987-03" or "" */
} qd_query;

typedef struct qd_run {
	int pass, q;
	double ms;
	unsigned hits;
} qd_run;

static double qd_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void qd_parse(qd_query *q)
{
	const char *s = q->text;
	q->nparts = 0;
	q->month[0] = '\0';
	while (*s) {
		const char *e;
		size_t n;
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		if (*s == '"') {
			e = strchr(s + 1, '"');
			if (e == NULL)
				e = s + strlen(s);
			n = (size_t)(e - (s + 1));
			if (q->nparts < QD_MAXPARTS && n < sizeof q->part[0]) {
				memcpy(q->part[q->nparts], s + 1, n);
				q->part[q->nparts][n] = '\0';
				q->is_phrase[q->nparts++] = 1;
			}
			s = *e ? e + 1 : e;
			continue;
		}
		e = strchr(s, ' ');
		if (e == NULL)
			e = s + strlen(s);
		n = (size_t)(e - s);
		if (n > 5 && strncmp(s, "date:", 5) == 0) {
			if (n - 5 < sizeof q->month) {
				memcpy(q->month, s + 5, n - 5);
				q->month[n - 5] = '\0';
			}
		} else if (q->nparts < QD_MAXPARTS && n < sizeof q->part[0]) {
			memcpy(q->part[q->nparts], s, n);
			q->part[q->nparts][n] = '\0';
			q->is_phrase[q->nparts++] = 0;
		}
		s = e;
	}
}

/* Reads "class<TAB>query" lines ('#' lines are comments). */
static int qd_load(const char *path, qd_query **out)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int n = 0;
	qd_query *qs = (qd_query *)calloc(QD_MAXQ, sizeof *qs);

	if (f == NULL || qs == NULL) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	while (fgets(line, sizeof line, f) && n < QD_MAXQ) {
		char *tab = strchr(line, '\t'), *nl = strchr(line, '\n');
		if (line[0] == '#' || tab == NULL)
			continue;
		if (nl)
			*nl = '\0';
		*tab = '\0';
		snprintf(qs[n].cls, sizeof qs[n].cls, "%.15s", line);
		snprintf(qs[n].text, sizeof qs[n].text, "%.511s", tab + 1);
		qd_parse(&qs[n]);
		n++;
	}
	fclose(f);
	*out = qs;
	return n;
}

static int qd_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of v[0..n) (sorted in place). */
static double qd_pct(double *v, int n, double p)
{
	int k;
	if (n == 0)
		return 0;
	qsort(v, (size_t)n, sizeof *v, qd_cmp);
	k = (int)(p / 100.0 * n + 0.999999999);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

static void qd_line(const char *label, const qd_run *r, int nr,
                    const qd_query *qs, int pass, const char *cls, int full)
{
	double *v = (double *)malloc((size_t)(nr ? nr : 1) * sizeof *v);
	double sum = 0, mx = 0;
	unsigned long hits = 0;
	int n = 0, zero = 0;

	for (int i = 0; i < nr; i++) {
		if (pass && r[i].pass != pass)
			continue;
		if (cls && strcmp(qs[r[i].q].cls, cls) != 0)
			continue;
		v[n++] = r[i].ms;
		sum += r[i].ms;
		if (r[i].ms > mx)
			mx = r[i].ms;
		hits += r[i].hits;
		zero += r[i].hits == 0;
	}
	if (n) {
		double p50 = qd_pct(v, n, 50), p99 = qd_pct(v, n, 99);
		printf("%s n=%d mean=%.3f p50=%.3f p99=%.3f", label, n, sum / n,
		       p50, p99);
		if (full)
			printf(" max=%.3f hits=%lu zero=%d", mx, hits, zero);
		printf("\n");
	}
	free(v);
}

static void qd_report(const qd_run *r, int nr, const qd_query *qs, int nq,
                      const char *rawlog)
{
	char label[64];
	const char *seen[32];
	int nseen = 0;

	for (int p = 1; p <= QD_PASSES; p++) {
		snprintf(label, sizeof label, "pass=%d", p);
		qd_line(label, r, nr, qs, p, NULL, 1);
	}
	for (int i = 0; i < nq; i++) {
		int dup = 0;
		for (int j = 0; j < nseen; j++)
			dup |= strcmp(seen[j], qs[i].cls) == 0;
		if (!dup && nseen < 32) {
			seen[nseen++] = qs[i].cls;
			snprintf(label, sizeof label, "class=%s", qs[i].cls);
			qd_line(label, r, nr, qs, 0, qs[i].cls, 0);
		}
	}
	qd_line("all", r, nr, qs, 0, NULL, 1);
	if (rawlog) {
		FILE *f = fopen(rawlog, "w");
		if (f == NULL) {
			fprintf(stderr, "cannot write %s\n", rawlog);
			exit(2);
		}
		fprintf(f, "pass\tclass\tms\thits\tquery\n");
		for (int i = 0; i < nr; i++)
			fprintf(f, "%d\t%s\t%.4f\t%u\t%s\n", r[i].pass,
			        qs[r[i].q].cls, r[i].ms, r[i].hits,
			        qs[r[i].q].text);
		fclose(f);
	}
}

#endif
