/*
 * collection.c - readers for the classic SMART collections (CACM, CISI,
 * Cranfield, Medline), TREC topics and the qrels layouts of each (see
 * collection.h), and the bag-of-words form of a query.
 *
 * The classic format is line-based: a line that is exactly a field marker
 * (".T", ".W", ...) or ".I id" switches field; every other line is text of
 * the current field. Only the known markers (I T W A B K N X C) switch, so
 * a text line that happens to start with a dot stays text. Lines lose
 * trailing white space (Medline pads them to 72 columns).
 *
 * Nothing here is tuned to one collection beyond what its files demand:
 * the qrels columns and the Cranfield query numbering.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "collection.h"

/* Longest line we accept in a collection file: real ones are under 100
 * bytes; longer lines are cut (and the rest read as a new line). */
#define COLL_MAX_LINE 8192
/* Longest TREC topic file element we keep, bytes. */
#define COLL_MAX_TOPIC 65536
/* Years a .B line may name (the collections span 1958-1980). */
#define COLL_MIN_YEAR 1800
#define COLL_MAX_YEAR 2099
/* Largest |grade| in TREC qrels: real ones are 0..4 (and -1); a bigger
 * number is a misread column, not a judgment. */
#define COLL_MAX_GRADE 1000
/* Largest TREC document file read (decompressed): TREC files hold a few
 * MB each; this is far above and still fits in memory. */
#define COLL_MAX_DOC_FILE (512 << 20)
/* Room for one composed error message. */
#define COLL_MAX_MSG 512

/* A growable NUL-terminated string; a failed append sets oom and turns
 * later appends into no-ops (a sticky status). */
typedef struct sbuf {
	char *p;
	size_t len, cap;
	int oom;
} sbuf;

static void sb_append(sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 128;
		char *np;

		while (cap < b->len + n + 1)
			cap *= 2;
		np = realloc(b->p, cap);
		if (np == NULL) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_puts(sbuf *b, const char *s)
{
	sb_append(b, s, strlen(s));
}

static void sb_reset(sbuf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

static const char *sb_str(const sbuf *b)
{
	return b->p ? b->p : "";
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static void set_err(char *err, size_t errlen, const char *msg, size_t line)
{
	if (err == NULL || errlen == 0)
		return;
	if (line)
		snprintf(err, errlen, "line %zu: %s", line, msg);
	else
		snprintf(err, errlen, "%s", msg);
}

int coll_format_parse(coll_format *out, const char *name)
{
	static const struct {
		const char *name;
		coll_format f;
	} names[] = {
		{ "cacm", COLL_CACM }, { "cisi", COLL_CISI },
		{ "cran", COLL_CRAN }, { "med", COLL_MED },
		{ "trec", COLL_TREC },
	};

	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		if (!strcmp(name, names[i].name)) {
			*out = names[i].f;
			return 0;
		}
	}
	return -1;
}

/* "0042" -> "42", "0" stays "0"; non-numeric ids are kept as they are. */
static const char *strip_zeros(const char *s, size_t *n)
{
	size_t i = 0;

	for (size_t k = 0; k < *n; k++)
		if (!isdigit((unsigned char)s[k]))
			return s;
	while (i + 1 < *n && s[i] == '0')
		i++;
	*n -= i;
	return s + i;
}

/* ---- classic .I files ---------------------------------------------------- */

typedef enum field {
	F_NONE, F_TITLE, F_TEXT, F_AUTHORS, F_BIBLIO, F_KEYWORDS, F_SKIP
} field;

typedef struct classic {
	sbuf id, title, text, authors, biblio, keywords;
	int have;      /* a record is open */
	size_t line;   /* of its .I */
} classic;

/* A marker line: '.', one known letter, then nothing or (for .I) a space
 * and the id. Returns the letter, or 0 for a text line. */
static int marker(const char *line, const char **arg)
{
	static const char known[] = "ITWABKNXC";

	*arg = "";
	if (line[0] != '.' || line[1] == '\0' || strchr(known, line[1]) == NULL)
		return 0;
	if (line[2] == '\0') {
		return line[1];
	}
	if (!isspace((unsigned char)line[2]))
		return 0;
	*arg = line + 2;
	while (**arg && isspace((unsigned char)**arg))
		(*arg)++;
	/* Only .I carries an argument; ".K " (CISI) is a bare marker. */
	if (line[1] != 'I' && **arg != '\0')
		return 0;
	return line[1];
}

static int emit(classic *c, coll_record_fn fn, void *ctx, char *err,
                size_t errlen)
{
	coll_record r;
	sbuf text = { 0 };
	int rc;

	if (!c->have)
		return 0;
	sb_puts(&text, sb_str(&c->text));
	if (c->keywords.len) {
		if (text.len)
			sb_puts(&text, "\n");
		sb_puts(&text, sb_str(&c->keywords));
	}
	if (c->id.oom || c->title.oom || c->text.oom || c->authors.oom ||
	    c->biblio.oom || c->keywords.oom || text.oom) {
		free(text.p);
		set_err(err, errlen, "out of memory", c->line);
		return -1;
	}
	r.id = sb_str(&c->id);
	r.title = sb_str(&c->title);
	r.text = sb_str(&text);
	r.authors = sb_str(&c->authors);
	r.biblio = sb_str(&c->biblio);
	r.line = c->line;
	rc = fn(ctx, &r);
	free(text.p);
	return rc;
}

/* Appends a text line to field f of c with the field's separator. */
static void add_line(classic *c, field f, const char *line, size_t n)
{
	sbuf *b;
	const char *sep;

	switch (f) {
	case F_TITLE: b = &c->title; sep = " "; break;
	case F_TEXT: b = &c->text; sep = "\n"; break;
	case F_AUTHORS: b = &c->authors; sep = "; "; break;
	case F_BIBLIO: b = &c->biblio; sep = " "; break;
	case F_KEYWORDS: b = &c->keywords; sep = " "; break;
	default: return;
	}
	if (n == 0)
		return;
	if (b->len)
		sb_puts(b, sep);
	sb_append(b, line, n);
}

int coll_read_classic(FILE *f, coll_record_fn fn, void *ctx, char *err,
                      size_t errlen)
{
	char line[COLL_MAX_LINE];
	classic c;
	field cur = F_NONE;
	size_t lineno = 0;
	int rc = 0;

	memset(&c, 0, sizeof c);
	while (fgets(line, sizeof line, f) != NULL) {
		size_t n = strlen(line);
		const char *arg;
		int m;

		lineno++;
		while (n > 0 && isspace((unsigned char)line[n - 1]))
			line[--n] = '\0';
		m = marker(line, &arg);
		if (m == 'I') {
			size_t idn = strcspn(arg, " \t");
			const char *id;

			rc = emit(&c, fn, ctx, err, errlen);
			if (rc != 0)
				goto out;
			sb_reset(&c.id);
			sb_reset(&c.title);
			sb_reset(&c.text);
			sb_reset(&c.authors);
			sb_reset(&c.biblio);
			sb_reset(&c.keywords);
			id = strip_zeros(arg, &idn);
			sb_append(&c.id, id, idn);
			c.have = 1;
			c.line = lineno;
			cur = F_NONE;
			continue;
		}
		switch (m) {
		case 'T': cur = F_TITLE; continue;
		case 'W': cur = F_TEXT; continue;
		case 'A': cur = F_AUTHORS; continue;
		case 'B': cur = F_BIBLIO; continue;
		case 'K': cur = F_KEYWORDS; continue;
		case 'N':
		case 'X':
		case 'C': cur = F_SKIP; continue;
		default: break;
		}
		if (n == 0 || cur == F_SKIP)
			continue;
		if (!c.have || cur == F_NONE) {
			/* Text outside any record or field: CISI's query file
			 * has stray blank-ish lines; real text is an error. */
			const char *p = line;

			while (*p && isspace((unsigned char)*p))
				p++;
			if (*p == '\0')
				continue;
			set_err(err, errlen, "text outside a .I record field",
			        lineno);
			rc = -1;
			goto out;
		}
		{
			const char *p = line;

			/* Leading blanks carry no meaning in these files. */
			while (*p && isspace((unsigned char)*p))
				p++;
			add_line(&c, cur, p, strlen(p));
		}
	}
	rc = emit(&c, fn, ctx, err, errlen);
out:
	free(c.id.p);
	free(c.title.p);
	free(c.text.p);
	free(c.authors.p);
	free(c.biblio.p);
	free(c.keywords.p);
	return rc;
}

/* ---- dates ---------------------------------------------------------------- */

int64_t coll_biblio_date(const char *biblio)
{
	static const char *const months[] = {
		"january", "february", "march", "april", "may", "june",
		"july", "august", "september", "october", "november",
		"december"
	};
	int month = 0;
	long year = 0;
	const char *p = biblio;
	char spec[16];
	int64_t lo, hi;

	/* The first month name, then the first 4-digit year. */
	while (*p && month == 0) {
		if (isalpha((unsigned char)*p) &&
		    (p == biblio || !isalpha((unsigned char)p[-1]))) {
			size_t n = 0;

			while (isalpha((unsigned char)p[n]))
				n++;
			for (int m = 0; m < 12; m++) {
				if (strlen(months[m]) == n &&
				    !strncasecmp(p, months[m], n))
					month = m + 1;
			}
			p += n;
		} else {
			p++;
		}
	}
	for (p = biblio; *p; p++) {
		if (isdigit((unsigned char)*p) &&
		    (p == biblio || !isdigit((unsigned char)p[-1]))) {
			size_t n = strspn(p, "0123456789");

			if (n == 4) {
				year = strtol(p, NULL, 10);
				if (year >= COLL_MIN_YEAR &&
				    year <= COLL_MAX_YEAR)
					break;
			}
			year = 0;
		}
	}
	if (year == 0)
		return LEDE_NO_DATE;
	if (month)
		snprintf(spec, sizeof spec, "%04ld-%02d", year, month);
	else
		snprintf(spec, sizeof spec, "%04ld", year);
	if (lede_parse_date(&lo, &hi, spec, 0) != LEDE_OK)
		return LEDE_NO_DATE;
	return lo;
}

/* ---- indexing -------------------------------------------------------------- */

typedef struct index_ctx {
	lede_index *idx;
	uint64_t count;
	lede_status st;
	char *err;
	size_t errlen;
} index_ctx;

static int index_record(void *vctx, const coll_record *r)
{
	index_ctx *c = vctx;
	lede_article a = LEDE_ARTICLE_INIT;

	if (r->id[0] == '\0')
		return 0;
	a.id = r->id;
	a.title = r->title[0] ? r->title : NULL;
	a.byline = r->authors[0] ? r->authors : NULL;
	a.body = r->text;
	a.body_len = strlen(r->text);
	a.date = coll_biblio_date(r->biblio);
	c->st = lede_index_add(c->idx, &a);
	if (c->st != LEDE_OK) {
		if (c->err && c->errlen)
			snprintf(c->err, c->errlen, "line %zu: record %s: %s",
			         r->line, r->id, lede_errmsg(c->idx));
		return 1;
	}
	c->count++;
	return 0;
}

lede_status coll_index_classic(lede_index *idx, FILE *f, uint64_t *count,
                               char *err, size_t errlen)
{
	index_ctx c = { idx, 0, LEDE_OK, err, errlen };
	int rc = coll_read_classic(f, index_record, &c, err, errlen);

	if (count)
		*count = c.count;
	if (rc < 0)
		return LEDE_ERR_FORMAT;
	if (c.st != LEDE_OK)
		return c.st;
	return lede_index_commit(idx);
}

/* ---- topics ---------------------------------------------------------------- */

static int topics_add(coll_topics *t, const char *qid, size_t qlen,
                      const char *text)
{
	coll_topic *e;

	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		coll_topic *nt = realloc(t->t, cap * sizeof *nt);

		if (nt == NULL)
			return -1;
		t->t = nt;
		t->cap = cap;
	}
	e = &t->t[t->n];
	e->qid = dup_n(qid, qlen);
	e->text = dup_n(text, strlen(text));
	if (e->qid == NULL || e->text == NULL) {
		free(e->qid);
		free(e->text);
		return -1;
	}
	t->n++;
	return 0;
}

void coll_topics_free(coll_topics *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->t[i].qid);
		free(t->t[i].text);
	}
	free(t->t);
	memset(t, 0, sizeof *t);
}

typedef struct topic_ctx {
	coll_topics *out;
	int ordinal;   /* ids are 1, 2, ... in file order (Cranfield) */
	char *err;
	size_t errlen;
} topic_ctx;

static int topic_record(void *vctx, const coll_record *r)
{
	topic_ctx *c = vctx;
	sbuf text = { 0 };
	char num[32];
	const char *qid = r->id;
	int rc;

	if (c->ordinal) {
		snprintf(num, sizeof num, "%zu", c->out->n + 1);
		qid = num;
	}
	sb_puts(&text, r->title);
	if (r->title[0] && r->text[0])
		sb_puts(&text, "\n");
	sb_puts(&text, r->text);
	rc = text.oom ? -1 : topics_add(c->out, qid, strlen(qid), sb_str(&text));
	free(text.p);
	if (rc != 0)
		set_err(c->err, c->errlen, "out of memory", r->line);
	return rc;
}

/* Copies the text of the TREC element that starts at p (after its tag)
 * up to the next tag, trimmed, into b. */
static void trec_element(sbuf *b, const char *p)
{
	const char *end = strchr(p, '<');
	size_t n;

	if (end == NULL)
		end = p + strlen(p);
	while (p < end && isspace((unsigned char)*p))
		p++;
	n = (size_t)(end - p);
	while (n > 0 && isspace((unsigned char)p[n - 1]))
		n--;
	sb_reset(b);
	sb_append(b, p, n);
}

/* TREC topics: <top> <num> Number: 301 <title> Topic: words <desc> ...
 * </top>. The whole <top> is gathered first, then cut at the tags. */
static int read_trec_topics(coll_topics *out, FILE *f, char *err,
                            size_t errlen)
{
	char line[COLL_MAX_LINE];
	sbuf top = { 0 }, num = { 0 }, title = { 0 };
	int in = 0, rc = 0;
	size_t lineno = 0;

	while (fgets(line, sizeof line, f) != NULL) {
		lineno++;
		if (strstr(line, "<top>") != NULL) {
			in = 1;
			sb_reset(&top);
			continue;
		}
		if (!in)
			continue;
		if (strstr(line, "</top>") == NULL) {
			if (top.len + strlen(line) <= COLL_MAX_TOPIC)
				sb_puts(&top, line);
			continue;
		}
		in = 0;
		{
			const char *s = sb_str(&top);
			const char *pn = strstr(s, "<num>");
			const char *pt = strstr(s, "<title>");
			const char *q;

			if (pn == NULL || pt == NULL) {
				set_err(err, errlen,
				        "topic without <num> or <title>",
				        lineno);
				rc = -1;
				break;
			}
			trec_element(&num, pn + strlen("<num>"));
			trec_element(&title, pt + strlen("<title>"));
			q = sb_str(&num);
			if (!strncasecmp(q, "Number:", strlen("Number:")))
				q += strlen("Number:");
			while (isspace((unsigned char)*q))
				q++;
			{
				const char *t = sb_str(&title);

				if (!strncasecmp(t, "Topic:", strlen("Topic:")))
					t += strlen("Topic:");
				while (isspace((unsigned char)*t))
					t++;
				if (top.oom || num.oom || title.oom ||
				    topics_add(out, q, strcspn(q, " \t\r\n"),
				               t) != 0) {
					set_err(err, errlen, "out of memory",
					        lineno);
					rc = -1;
					break;
				}
			}
		}
	}
	free(top.p);
	free(num.p);
	free(title.p);
	return rc;
}

int coll_read_topics(coll_topics *out, FILE *f, coll_format fmt, char *err,
                     size_t errlen)
{
	topic_ctx c = { out, fmt == COLL_CRAN, err, errlen };

	if (fmt == COLL_TREC)
		return read_trec_topics(out, f, err, errlen);
	return coll_read_classic(f, topic_record, &c, err, errlen) < 0 ? -1 : 0;
}

/* ---- qrels ---------------------------------------------------------------- */

int coll_read_qrels(te_qrels *q, FILE *f, coll_format fmt, char *err,
                    size_t errlen)
{
	char line[COLL_MAX_LINE];
	size_t lineno = 0;
	te_status st;

	while (fgets(line, sizeof line, f) != NULL) {
		char *fld[4];
		size_t nf = 0, qn, dn;
		const char *qid, *docid;
		char *p = line, *end;
		long code;
		int grade;

		lineno++;
		while (nf < 4) {
			while (*p && isspace((unsigned char)*p))
				p++;
			if (*p == '\0')
				break;
			fld[nf++] = p;
			while (*p && !isspace((unsigned char)*p))
				p++;
			if (*p)
				*p++ = '\0';
		}
		if (nf == 0)
			continue;
		switch (fmt) {
		case COLL_CACM:
		case COLL_CISI:
			/* QID DOCID 0 0: listed = relevant. */
			if (nf < 2)
				goto bad;
			qid = fld[0];
			docid = fld[1];
			grade = 1;
			break;
		case COLL_CRAN:
			/* QID DOCID CODE: Cleverdon's 1..4 relevant; -1 (his
			 * 5, "no interest") judged not relevant. */
			if (nf != 3)
				goto bad;
			code = strtol(fld[2], &end, 10);
			if (end == fld[2] || *end != '\0')
				goto bad;
			qid = fld[0];
			docid = fld[1];
			grade = code >= 1 && code <= 4;
			break;
		default:
			/* QID ITER DOCID GRADE. TREC qrels keep their grades
			 * (relevant from 1, gain = grade, as trec_eval's
			 * ndcg_cut; 0 and -1 judged not relevant); Medline's
			 * are all 1 anyway. */
			if (nf != 4)
				goto bad;
			code = strtol(fld[3], &end, 10);
			if (end == fld[3] || (*end != '\0' && *end != '.'))
				goto bad;
			if (code > COLL_MAX_GRADE || code < -COLL_MAX_GRADE)
				goto bad;
			qid = fld[0];
			docid = fld[2];
			grade = fmt == COLL_TREC ? (int)code : code > 0;
			break;
		}
		/* Dropping leading zeros moves only the start: the ids stay
		 * NUL-terminated in line. */
		qn = strlen(qid);
		dn = strlen(docid);
		if (fmt != COLL_TREC) {
			qid = strip_zeros(qid, &qn);
			docid = strip_zeros(docid, &dn);
		}
		if (te_qrels_add(q, qid, docid, grade, lineno) != TE_OK) {
			set_err(err, errlen, "out of memory", lineno);
			return -1;
		}
	}
	st = te_qrels_finish(q);
	if (st == TE_ERR_DUP_JUDGMENT) {
		const char *dq, *dd;
		size_t first, second;
		char msg[COLL_MAX_MSG];

		(void)te_qrels_dup(q, &dq, &dd, &first, &second);
		snprintf(msg, sizeof msg,
		         "query %s, document %s judged twice (first at line "
		         "%zu); trec_eval stops on this too",
		         dq, dd, first);
		set_err(err, errlen, msg, second);
		return -1;
	}
	if (st != TE_OK) {
		set_err(err, errlen, te_status_str(st), 0);
		return -1;
	}
	return 0;
bad:
	set_err(err, errlen, "malformed qrels line", lineno);
	return -1;
}

/* ---- stoplist and bag of words --------------------------------------------- */

struct coll_stoplist {
	char **w;
	size_t n, cap;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void coll_stoplist_free(coll_stoplist *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->w[i]);
	free(s->w);
	free(s);
}

int coll_stoplist_read(coll_stoplist **out, FILE *f)
{
	coll_stoplist *s = calloc(1, sizeof *s);
	char line[COLL_MAX_LINE];

	*out = NULL;
	if (s == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		char *p = line;

		for (;;) {
			size_t n;
			char *w;

			while (*p && isspace((unsigned char)*p))
				p++;
			if (*p == '\0')
				break;
			n = strcspn(p, " \t\r\n");
			if (s->n == s->cap) {
				size_t cap = s->cap ? 2 * s->cap : 256;
				char **nw = realloc(s->w, cap * sizeof *nw);

				if (nw == NULL)
					goto oom;
				s->w = nw;
				s->cap = cap;
			}
			w = dup_n(p, n);
			if (w == NULL)
				goto oom;
			for (size_t i = 0; i < n; i++)
				w[i] = (char)tolower((unsigned char)w[i]);
			s->w[s->n++] = w;
			p += n;
		}
	}
	if (s->n > 1)
		qsort(s->w, s->n, sizeof *s->w, cmp_str);
	*out = s;
	return 0;
oom:
	coll_stoplist_free(s);
	return -1;
}

int coll_stoplist_has(const coll_stoplist *s, const char *word, size_t len)
{
	size_t lo = 0, hi;

	if (s == NULL)
		return 0;
	hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *w = s->w[mid];
		size_t wl = strlen(w);
		int c = strncmp(word, w, len < wl ? len : wl);

		if (c == 0)
			c = len < wl ? -1 : len > wl;
		if (c == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

char *coll_bag_of_words(const char *text, const coll_stoplist *stop)
{
	size_t n = strlen(text);
	char *tmp = malloc(n + 1);
	sbuf out = { 0 };
	const char *p;

	if (tmp == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)text[i];

		if (ch >= 0x80 || isalnum(ch))
			tmp[i] = (char)tolower(ch);
		else
			tmp[i] = ' ';
	}
	tmp[n] = '\0';
	sb_append(&out, "", 0);
	for (p = tmp; *p;) {
		size_t wl;

		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		wl = strcspn(p, " ");
		if (!coll_stoplist_has(stop, p, wl)) {
			if (out.len)
				sb_puts(&out, " ");
			sb_append(&out, p, wl);
		}
		p += wl;
	}
	free(tmp);
	if (out.oom) {
		free(out.p);
		return NULL;
	}
	return out.p;
}

/* ---- TREC documents -------------------------------------------------------- */

/* Title elements, in lede's TREC reader's order of preference
 * (indexer/reader_trec.c), so the baselines see the title lede indexes. */
static const char *const trec_title_names[] = {
	"HEADLINE", "HL", "HEAD", "TITLE", "TI", "H3", NULL
};

/* Finds <name ...> (case-insensitive, whole name) at or after *pos in
 * s[0..len) and its matching </name>. Sets *cs and *cl to the content and
 * *pos after the end tag. Returns 1 if found. */
static int trec_element_at(const char *s, size_t len, size_t *pos,
                           const char *name, const char **cs, size_t *cl)
{
	size_t nl = strlen(name);

	for (size_t i = *pos; i + nl + 2 <= len; i++) {
		size_t j, k;

		if (s[i] != '<' || strncasecmp(s + i + 1, name, nl) != 0)
			continue;
		j = i + 1 + nl;
		if (s[j] != '>' && !isspace((unsigned char)s[j]))
			continue;
		while (j < len && s[j] != '>')
			j++;
		if (j == len)
			return 0;
		j++;
		for (k = j; k + nl + 3 <= len; k++) {
			if (s[k] == '<' && s[k + 1] == '/' &&
			    strncasecmp(s + k + 2, name, nl) == 0 &&
			    s[k + 2 + nl] == '>') {
				*cs = s + j;
				*cl = k - j;
				*pos = k + nl + 3;
				return 1;
			}
		}
		return 0;
	}
	return 0;
}

/* Appends s[0..len) to b as text: tags become spaces, the five XML
 * entities and numeric references below 128 are decoded, runs of white
 * space collapse to one space. */
static void trec_text(sbuf *b, const char *s, size_t len)
{
	static const struct { const char *e; char c; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&quot;", '"' }, { "&apos;", '\'' }
	};
	int space = b->len > 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '<') {
			while (i < len && s[i] != '>')
				i++;
			space = 1;
			continue;
		}
		if (c == '&') {
			size_t k;

			for (k = 0; k < sizeof ents / sizeof ents[0]; k++) {
				size_t el = strlen(ents[k].e);

				if (i + el <= len &&
				    !strncmp(s + i, ents[k].e, el)) {
					c = ents[k].c;
					i += el - 1;
					break;
				}
			}
			if (k == sizeof ents / sizeof ents[0] &&
			    i + 3 < len && s[i + 1] == '#') {
				char *end;
				long v = strtol(s + i + 2, &end, 10);

				if (end < s + len && *end == ';' && v > 0 &&
				    v < 128) {
					c = (char)v;
					i = (size_t)(end - s);
				}
			}
		}
		if (isspace((unsigned char)c) || (unsigned char)c < 0x20) {
			space = 1;
			continue;
		}
		if (space && b->len)
			sb_puts(b, " ");
		space = 0;
		sb_append(b, &c, 1);
	}
}

/* Reads the whole of path (gunzipped when compressed; plain files read
 * through gzread too) into a malloc'd NUL-terminated buffer. */
static char *slurp(const char *path, size_t *out_len, char *err,
                   size_t errlen)
{
	gzFile g = gzopen(path, "rb");
	sbuf b = { 0 };
	char chunk[65536];
	int n;

	if (g == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	while ((n = gzread(g, chunk, sizeof chunk)) > 0) {
		if (b.len + (size_t)n > COLL_MAX_DOC_FILE) {
			snprintf(err, errlen, "%s: over %d MiB", path,
			         COLL_MAX_DOC_FILE >> 20);
			gzclose(g);
			free(b.p);
			return NULL;
		}
		sb_append(&b, chunk, (size_t)n);
	}
	if (n < 0 || b.oom) {
		snprintf(err, errlen, "%s: %s", path,
		         b.oom ? "out of memory" : "read error");
		gzclose(g);
		free(b.p);
		return NULL;
	}
	gzclose(g);
	sb_append(&b, "", 0);
	*out_len = b.len;
	return b.p;
}

int coll_read_trec_docs(const char *path, coll_record_fn fn, void *ctx,
                        char *err, size_t errlen)
{
	size_t len = 0, pos = 0, line = 1, counted = 0;
	char *s = slurp(path, &len, err, errlen);
	sbuf id = { 0 }, title = { 0 }, text = { 0 };
	const char *cs, *ts;
	size_t cl, tl;
	int rc = 0;

	if (s == NULL)
		return -1;
	while (rc == 0 && trec_element_at(s, len, &pos, "DOC", &cs, &cl)) {
		size_t p = 0;
		coll_record r;

		/* The line of this <DOC>, for messages. */
		for (; counted < (size_t)(cs - s); counted++)
			if (s[counted] == '\n')
				line++;
		sb_reset(&id);
		sb_reset(&title);
		sb_reset(&text);
		/* No DOCNO: lede names such a record path#N, which no qrels
		 * can judge; leave it out. */
		if (!trec_element_at(cs, cl, &p, "DOCNO", &ts, &tl))
			continue;
		trec_text(&id, ts, tl);
		for (size_t k = 0; trec_title_names[k]; k++) {
			p = 0;
			if (trec_element_at(cs, cl, &p, trec_title_names[k],
			                    &ts, &tl)) {
				trec_text(&title, ts, tl);
				break;
			}
		}
		/* Body as lede's reader makes it: lead paragraph, then every
		 * TEXT element. */
		p = 0;
		if (trec_element_at(cs, cl, &p, "LP", &ts, &tl))
			trec_text(&text, ts, tl);
		p = 0;
		while (trec_element_at(cs, cl, &p, "TEXT", &ts, &tl))
			trec_text(&text, ts, tl);
		if (id.oom || title.oom || text.oom) {
			set_err(err, errlen, "out of memory", line);
			rc = -1;
			break;
		}
		r.id = sb_str(&id);
		r.title = sb_str(&title);
		r.text = sb_str(&text);
		r.authors = "";
		r.biblio = "";
		r.line = line;
		rc = fn(ctx, &r);
	}
	free(s);
	free(id.p);
	free(title.p);
	free(text.p);
	return rc;
}
