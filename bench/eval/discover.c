/*
 * discover.c - which directories of a data folder are judged collections,
 * and which of their files are documents, topics and qrels (rules in
 * discover.h).
 *
 * Why by content and not by names: TREC collections come with every
 * naming scheme there is (topics.301-350, qrels.trec7.adhoc.txt,
 * fbis/fb396001.gz ...), and the held-out collection `make eval` must pick
 * up will not follow a convention made here. A peek at the first 64 KiB
 * tells the three kinds apart reliably: topics have <top>, documents
 * <DOC> with <DOCNO>, qrels are four columns ending in an integer. The
 * manifest is there for what guessing cannot settle.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <zlib.h>

#include "discover.h"

/* Bytes of each file looked at to tell its kind. */
#define DISC_PEEK 65536
/* Qrels lines checked (all must look like qrels). */
#define DISC_QRELS_LINES 50
/* Directory levels below the collection searched for files. */
#define DISC_MAX_DEPTH 4
/* Files looked at per collection: a TREC collection has a few thousand
 * at most; more means DATA itself or a wrong directory was named. */
#define DISC_MAX_FILES 20000
/* Longest path built. */
#define DISC_PATH 4096
/* Longest manifest line. */
#define DISC_LINE 4096

int coll_paths_add(coll_paths *p, const char *path)
{
	size_t n = strlen(path) + 1;
	char *c;

	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 8;
		char **v = realloc(p->v, cap * sizeof *v);

		if (v == NULL)
			return -1;
		p->v = v;
		p->cap = cap;
	}
	c = malloc(n);
	if (c == NULL)
		return -1;
	memcpy(c, path, n);
	p->v[p->n++] = c;
	return 0;
}

static void paths_free(coll_paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	memset(p, 0, sizeof *p);
}

void coll_spec_free(coll_spec *s)
{
	if (s == NULL)
		return;
	paths_free(&s->docs);
	paths_free(&s->topics);
	paths_free(&s->qrels);
}

static int join(char *out, const char *dir, const char *name)
{
	return (size_t)snprintf(out, DISC_PATH, "%s/%s", dir, name) <
	               DISC_PATH
	           ? 0
	           : -1;
}

static int is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Calls fn(ctx, path) for every regular file under dir (not hidden), in
 * byte order, depth first. Returns 0, fn's nonzero value, or -1 (err). */
typedef int (*file_fn)(void *ctx, const char *path);

static int walk(const char *dir, unsigned depth, size_t *nfiles, file_fn fn,
                void *ctx, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	coll_paths names = { 0 };
	struct dirent *e;
	int rc = 0;

	if (d == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (coll_paths_add(&names, e->d_name) != 0) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
			break;
		}
	}
	closedir(d);
	if (rc == 0 && names.n > 1) /* an empty directory has no array */
		qsort(names.v, names.n, sizeof *names.v, cmp_name);
	for (size_t i = 0; rc == 0 && i < names.n; i++) {
		char path[DISC_PATH];
		struct stat st;

		if (join(path, dir, names.v[i]) != 0 || stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth < DISC_MAX_DEPTH)
				rc = walk(path, depth + 1, nfiles, fn, ctx, err,
				          errlen);
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		if (++*nfiles > DISC_MAX_FILES) {
			snprintf(err, errlen, "%s: more than %d files", dir,
			         DISC_MAX_FILES);
			rc = -1;
			break;
		}
		rc = fn(ctx, path);
	}
	paths_free(&names);
	return rc;
}

/* Adds path (a file, or every file under a directory) to p. */
typedef struct add_ctx {
	coll_paths *p;
} add_ctx;

static int add_one(void *vctx, const char *path)
{
	add_ctx *c = vctx;

	return coll_paths_add(c->p, path) == 0 ? 0 : -1;
}

static int add_path(coll_paths *p, const char *path, char *err,
                    size_t errlen)
{
	struct stat st;
	add_ctx c = { p };
	size_t n = 0;

	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		err[0] = '\0';
		if (walk(path, 0, &n, add_one, &c, err, errlen) == 0)
			return 0;
		if (err[0] == '\0')
			snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (coll_paths_add(p, path) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* ---- 1. manifest ---------------------------------------------------------- */

static int read_manifest(coll_spec *out, const char *dir, const char *path,
                         char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[DISC_LINE];
	size_t lineno = 0;
	int have_format = 0, rc = 1;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 1 && fgets(line, sizeof line, f) != NULL) {
		char *key = line, *val, *end;
		char full[DISC_PATH];
		coll_paths *p = NULL;

		lineno++;
		while (isspace((unsigned char)*key))
			key++;
		if (*key == '\0' || *key == '#')
			continue;
		val = key;
		while (*val && !isspace((unsigned char)*val))
			val++;
		if (*val)
			*val++ = '\0';
		while (isspace((unsigned char)*val))
			val++;
		end = val + strlen(val);
		while (end > val && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (*val == '\0') {
			snprintf(err, errlen, "%s: line %zu: '%s' without a "
			         "value", path, lineno, key);
			rc = -1;
			break;
		}
		if (!strcmp(key, "format")) {
			if (coll_format_parse(&out->fmt, val) != 0) {
				snprintf(err, errlen, "%s: line %zu: unknown "
				         "format '%s' (cacm, cisi, cran, med, "
				         "trec)", path, lineno, val);
				rc = -1;
			}
			have_format = 1;
			continue;
		}
		if (!strcmp(key, "docs"))
			p = &out->docs;
		else if (!strcmp(key, "topics"))
			p = &out->topics;
		else if (!strcmp(key, "qrels"))
			p = &out->qrels;
		if (p == NULL) {
			snprintf(err, errlen, "%s: line %zu: unknown key '%s' "
			         "(format, docs, topics, qrels)", path, lineno,
			         key);
			rc = -1;
			break;
		}
		if (val[0] == '/')
			snprintf(full, sizeof full, "%s", val);
		else if (join(full, dir, val) != 0) {
			snprintf(err, errlen, "%s: line %zu: path too long",
			         path, lineno);
			rc = -1;
			break;
		}
		if (add_path(p, full, err, errlen) != 0)
			rc = -1;
	}
	fclose(f);
	if (rc == 1 && (!have_format || out->docs.n == 0 ||
	                out->topics.n == 0 || out->qrels.n == 0)) {
		snprintf(err, errlen, "%s: needs format, docs, topics and "
		         "qrels", path);
		rc = -1;
	}
	return rc;
}

/* ---- 2. classic collections ------------------------------------------------ */

static int classic(coll_spec *out, const char *dir)
{
	static const struct {
		coll_format fmt;
		const char *docs, *topics, *qrels;
	} known[] = {
		{ COLL_CACM, "cacm.all", "query.text", "qrels.text" },
		{ COLL_CISI, "CISI.ALL", "CISI.QRY", "CISI.REL" },
		{ COLL_CRAN, "cran.all.1400", "cran.qry", "cranqrel" },
		{ COLL_MED, "MED.ALL", "MED.QRY", "MED.REL" },
	};

	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		char d[DISC_PATH], t[DISC_PATH], q[DISC_PATH];

		if (join(d, dir, known[i].docs) || join(t, dir, known[i].topics) ||
		    join(q, dir, known[i].qrels))
			continue;
		if (!is_file(d) || !is_file(t) || !is_file(q))
			continue;
		out->fmt = known[i].fmt;
		if (coll_paths_add(&out->docs, d) || coll_paths_add(&out->topics, t) ||
		    coll_paths_add(&out->qrels, q))
			return -1;
		return 1;
	}
	return 0;
}

/* ---- 3. TREC by content ---------------------------------------------------- */

/* Case-insensitive search for needle in s[0..n). */
static int contains(const char *s, size_t n, const char *needle)
{
	size_t nl = strlen(needle);

	for (size_t i = 0; i + nl <= n; i++)
		if (!strncasecmp(s + i, needle, nl))
			return 1;
	return 0;
}

/* 1 if the first lines of s[0..n) are all "QID ITER DOCID GRADE" with an
 * integer GRADE (and there is at least one). */
static int looks_like_qrels(const char *s, size_t n)
{
	size_t i = 0, lines = 0;

	while (i < n && lines < DISC_QRELS_LINES) {
		size_t end = i, nf = 0, last = 0;

		while (end < n && s[end] != '\n')
			end++;
		if (end == n && n == DISC_PEEK)
			break; /* a line cut by the peek */
		for (size_t k = i; k < end;) {
			while (k < end && isspace((unsigned char)s[k]))
				k++;
			if (k == end)
				break;
			nf++;
			last = k;
			while (k < end && !isspace((unsigned char)s[k]))
				k++;
		}
		if (nf > 0 && s[i] != '#') {
			size_t k = last;

			if (nf != 4)
				return 0;
			if (s[k] == '-')
				k++;
			if (k >= end || !isdigit((unsigned char)s[k]))
				return 0;
			while (k < end && isdigit((unsigned char)s[k]))
				k++;
			while (k < end && isspace((unsigned char)s[k]))
				k++;
			if (k != end)
				return 0;
			lines++;
		}
		i = end + 1;
	}
	return lines > 0;
}

static int skipped_name(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return !strncasecmp(base, "README", 6) ||
	       !strncasecmp(base, "LICENSE", 7) ||
	       !strcmp(base, COLL_MANIFEST);
}

typedef struct sniff_ctx {
	coll_spec *out;
	char *buf;
	int oom;
} sniff_ctx;

static int sniff(void *vctx, const char *path)
{
	sniff_ctx *c = vctx;
	gzFile g;
	int n;
	coll_paths *p = NULL;

	if (skipped_name(path))
		return 0;
	g = gzopen(path, "rb");
	if (g == NULL)
		return 0;
	n = gzread(g, c->buf, DISC_PEEK);
	gzclose(g);
	if (n <= 0)
		return 0;
	if (contains(c->buf, (size_t)n, "<top>"))
		p = &c->out->topics;
	else if (contains(c->buf, (size_t)n, "<DOC>") &&
	         contains(c->buf, (size_t)n, "<DOCNO>"))
		p = &c->out->docs;
	else if (looks_like_qrels(c->buf, (size_t)n))
		p = &c->out->qrels;
	if (p && coll_paths_add(p, path) != 0) {
		c->oom = 1;
		return -1;
	}
	return 0;
}

static int trec_by_content(coll_spec *out, const char *dir, char *err,
                           size_t errlen)
{
	sniff_ctx c = { out, malloc(DISC_PEEK), 0 };
	size_t nfiles = 0;
	int rc;

	if (c.buf == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = walk(dir, 0, &nfiles, sniff, &c, err, errlen);
	free(c.buf);
	if (c.oom) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (rc != 0)
		return -1;
	out->fmt = COLL_TREC;
	if (out->docs.n && out->topics.n && out->qrels.n)
		return 1;
	snprintf(err, errlen, "%s: no %s%s%s", dir,
	         out->docs.n ? "" : "TREC documents (<DOC><DOCNO>) ",
	         out->topics.n ? "" : "TREC topics (<top>) ",
	         out->qrels.n ? "" : "qrels (QID ITER DOCID GRADE)");
	return 0;
}

int coll_discover(coll_spec *out, const char *dir, char *err, size_t errlen)
{
	char path[DISC_PATH];
	int rc;

	err[0] = '\0';
	if (join(path, dir, COLL_MANIFEST) != 0) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	if (is_file(path))
		return read_manifest(out, dir, path, err, errlen);
	rc = classic(out, dir);
	if (rc != 0) {
		if (rc < 0)
			snprintf(err, errlen, "out of memory");
		return rc;
	}
	return trec_by_content(out, dir, err, errlen);
}
