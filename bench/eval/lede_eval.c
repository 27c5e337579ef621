/*
 * lede-eval - relevance evaluation of lede on judged test collections.
 *
 *   lede-eval discover [-v] [--self] DATA
 *   lede-eval build-index --collection DIR [--lang L] [--b B] INDEX
 *   lede-eval build-index --format F [--lang L] [--b B] DOCS INDEX
 *   lede-eval run -i INDEX (--collection DIR | --format F --topics QRY
 *             --qrels REL)
 *             [--k1 LIST] [--b LIST] [--title-weight LIST] [--any|--all]
 *             [--stoplist FILE] [--label NAME] [--run-out FILE]
 *             [--json|--tsv] [--per-query]
 *   lede-eval score --qrels REL [--format F] --run RUN [-c] [--label NAME]
 *             [--json|--tsv] [--per-query]
 *   lede-eval export (--collection DIR | --format F --topics QRY
 *             --qrels REL DOCS) OUTDIR
 *
 * `run` searches every judged query (lede_search, 1000 hits, no snippets)
 * and reports MAP, P@10, nDCG@10 and recall@1000 (trec_eval.h) per query
 * and overall. LIST is one value or several separated by commas; `run`
 * evaluates every combination (the tuning grid) on one open index. `score`
 * evaluates any TREC run file the same way, so the baselines (Xapian,
 * SQLite FTS5) are scored by the same code. `export` writes the collection
 * as plain TSV (docs.tsv: id, title, body; topics.tsv: id, bag-of-words
 * query) and TREC qrels (qrels.txt) for those baseline drivers, from the
 * classic files or from TREC documents (DOCNO, headline, text).
 * `discover` lists the judged collections of a data folder (discover.h:
 * a manifest, the classic file names, or TREC files recognised by their
 * content); --collection DIR reads one of them whatever its layout.
 *
 * Queries are turned into a plain bag of words (coll_bag_of_words):
 * lowercased, punctuation to spaces, so the topics' "NOT", "AND", "OR",
 * quotes and hyphens are words and not lede query syntax. Ranked retrieval
 * ORs the words (--any, the default here, unlike lede-search): these
 * queries are sentences, and requiring every word finds almost nothing.
 *
 * A pure client of include/lede.h, as lede-search is.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <zlib.h>

#include <lede.h>

#include "collection.h"
#include "discover.h"
#include "trec_eval.h"

#define EXIT_OK 0
#define EXIT_ERROR 2
/* Documents retrieved per query: the depth of MAP and recall@1000. */
#define EVAL_DEPTH 1000
/* Most values in one grid list (--k1 0.6,0.9,...). */
#define MAX_GRID_VALUES 32
/* Largest --expand value (documents or terms): feedback beyond this is
 * no longer "pseudo-relevant". */
#define EVAL_MAX_EXPAND 100
/* The evaluation's default pseudo-relevance feedback: 20 terms from the
 * top 10 hits, the point leave-one-collection-out cross-validation chose
 * over {5, 10} x {10, 20} and off (docs/RELEVANCE.md). lede-search and the
 * library keep it off by default. --expand 0 turns it off. */
#define EVAL_DEFAULT_EXPAND 10
#define EVAL_DEFAULT_EXPAND_TERMS 20
/* Room for an error message from the readers. */
#define ERR_LEN 512
/* Longest path built from OUTDIR. */
#define PATH_LEN 4096

static const char *prog = "lede-eval";

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

static void usage(FILE *f)
{
	fprintf(f,
"Usage:\n"
"  %s discover [-v] [--self] DATA\n"
"  %s build-index (--collection DIR | --format F DOCS) [--lang L] [--b B]\n"
"      INDEX\n"
"  %s run -i INDEX (--collection DIR | --format F --topics QRY --qrels REL)\n"
"        [options]\n"
"  %s score (--qrels REL [--format F] | --collection DIR) --run RUN [-c]\n"
"        [--label NAME] [output]\n"
"  %s export (--collection DIR | --format F --topics QRY --qrels REL DOCS)\n"
"        OUTDIR\n"
"\n"
"discover lists the judged collections under DATA (with --self: DATA\n"
"itself), one per line: name, format, number of document, topics and\n"
"qrels files. A collection is a directory with a lede-eval.conf manifest\n"
"(format, docs, topics, qrels lines), the classic file names (cacm.all,\n"
"CISI.ALL, cran.all.1400, MED.ALL and their query and qrels files), or\n"
"TREC files: <DOC><DOCNO> documents, <top> topics and QID ITER DOCID\n"
"GRADE qrels, recognised by their content.\n"
"\n"
"Formats: cacm, cisi, cran, med (classic .I/.T/.W files and their qrels),\n"
"trec (TREC SGML documents, <top> topics, QID ITER DOCID GRADE qrels).\n"
"\n"
"run options:\n"
"  --k1 LIST, --b LIST   BM25 parameters; LIST = X or X,Y,...\n"
"                        (default: the library's). An index of format 4\n"
"                        holds its b (build-index --b): only that one\n"
"  --title-weight LIST   title match weight (default: the library's)\n"
"  --any | --all         OR the query words (default) or AND them\n"
"  --stoplist FILE       drop these words from the queries too\n"
"  --keep-stopwords      search stopwords too (lede drops them by default)\n"
"  --expand D[,T]        pseudo-relevance feedback: T terms (default 20)\n"
"                        from the top D hits added, the query run again;\n"
"                        default 10,20 (chosen by cross-validation), 0 off\n"
"  --label NAME          name of the run in the output (default: format)\n"
"  --run-out FILE        write the TREC run (single configuration only)\n"
"  --depth N             retrieve N documents per query (default %u):\n"
"                        less is faster for a quick look, but MAP and\n"
"                        recall@1000 are then cut at N\n"
"output: --json (one object per configuration), --tsv (one line per\n"
"configuration), --per-query; default a table.\n"
"\n"
"score -c: average over every query of the qrels (trec_eval -c), a query\n"
"the run lacks scoring 0; without it, over the queries in both (trec_eval).\n"
"\n"
"Measures (trec_eval 9): MAP, P@10, nDCG@10 (gain = grade), recall@1000;\n"
"relevant = grade >= 1; a query judged all non-relevant scores 0. run\n"
"averages over every judged query (trec_eval -c); %u documents per query.\n",
	        prog, prog, prog, prog, prog, EVAL_DEPTH, EVAL_DEPTH);
}

static ssize_t gz_cookie_read(void *c, char *buf, size_t n)
{
	int r = gzread((gzFile)c, buf, n > INT_MAX ? INT_MAX : (unsigned)n);
	return r < 0 ? -1 : r;
}

static int gz_cookie_close(void *c)
{
	return gzclose((gzFile)c) == Z_OK ? 0 : EOF;
}

/* Files are read through zlib, which passes plain files through: topics,
 * qrels, runs and classic documents may be gzipped (as TREC
 * distributions often are). */
static FILE *open_or_die(const char *path, const char *mode)
{
	FILE *f;

	if (mode[0] == 'r') {
		cookie_io_functions_t io = {gz_cookie_read, NULL, NULL,
		                            gz_cookie_close};
		gzFile g = gzopen(path, "rb");
		if (g == NULL)
			die("%s: %s", path, errno ? strerror(errno) : "cannot open");
		f = fopencookie(g, "r", io);
		if (f == NULL) {
			gzclose(g);
			die("%s: out of memory", path);
		}
		return f;
	}
	f = fopen(path, mode);
	if (f == NULL)
		die("%s: %s", path, strerror(errno));
	return f;
}

static coll_format format_or_die(const char *name)
{
	coll_format f;

	if (name == NULL)
		die("--format is required (cacm, cisi, cran, med, trec)");
	if (coll_format_parse(&f, name) != 0)
		die("unknown format '%s' (cacm, cisi, cran, med, trec)", name);
	return f;
}

/* What a command reads: --collection DIR, or --format with --topics,
 * --qrels and the documents named one by one. Dies on errors. */
static void spec_load(coll_spec *out, const char *collection,
                      const char *format, const char *topics,
                      const char *qrels, const char *docs)
{
	char err[ERR_LEN] = "";

	memset(out, 0, sizeof *out);
	if (collection) {
		int rc;

		if (format || topics || qrels)
			die("--collection names the format and files itself");
		rc = coll_discover(out, collection, err, sizeof err);
		if (rc <= 0)
			die("%s: not a judged collection: %s", collection, err);
		return;
	}
	out->fmt = format_or_die(format);
	if ((topics && coll_paths_add(&out->topics, topics)) ||
	    (qrels && coll_paths_add(&out->qrels, qrels)) ||
	    (docs && coll_paths_add(&out->docs, docs)))
		die("out of memory");
}

/* Reads every topics file of spec into *out. */
static void topics_load(coll_topics *out, const coll_spec *spec)
{
	char err[ERR_LEN] = "";

	for (size_t i = 0; i < spec->topics.n; i++) {
		FILE *f = open_or_die(spec->topics.v[i], "r");

		int rc = coll_read_topics(out, f, spec->fmt, err, sizeof err);

		fclose(f); /* before die(): it holds a zlib stream */
		if (rc != 0)
			die("%s: %s", spec->topics.v[i], err);
	}
}

/* Reads every qrels file of spec into a new, finished set. */
static te_qrels *qrels_load(const coll_spec *spec)
{
	char err[ERR_LEN] = "";
	te_qrels *q = NULL;

	if (te_qrels_new(&q) != TE_OK)
		die("out of memory");
	for (size_t i = 0; i < spec->qrels.n; i++) {
		FILE *f = open_or_die(spec->qrels.v[i], "r");

		int rc = coll_read_qrels(q, f, spec->fmt, err, sizeof err);

		fclose(f); /* before die(): it holds a zlib stream */
		if (rc != 0)
			die("%s: %s", spec->qrels.v[i], err);
	}
	return q;
}

/* "0.6,0.9" -> v[], n. */
static size_t parse_list(const char *opt, const char *s, double *v)
{
	size_t n = 0;
	const char *p = s;

	for (;;) {
		char *end;
		double x;

		errno = 0;
		x = strtod(p, &end);
		if (errno || end == p || x < 0 || (*end && *end != ','))
			die("%s: expected numbers >= 0 separated by commas, "
			    "got '%s'", opt, s);
		if (n == MAX_GRID_VALUES)
			die("%s: at most %d values", opt, MAX_GRID_VALUES);
		v[n++] = x;
		if (*end == '\0')
			return n;
		p = end + 1;
	}
}

/* ---- build-index ------------------------------------------------------ */

static int cmd_build_index(int argc, char **argv)
{
	const char *format = NULL, *lang = NULL, *docs = NULL, *path = NULL;
	const char *collection = NULL;
	lede_open_opts oo = LEDE_OPEN_OPTS_INIT;
	lede_index *idx = NULL;
	lede_status st;
	coll_spec spec;
	uint64_t n = 0;
	char err[ERR_LEN] = "";

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--format") && i + 1 < argc)
			format = argv[++i];
		else if (!strcmp(argv[i], "--collection") && i + 1 < argc)
			collection = argv[++i];
		else if (!strcmp(argv[i], "--lang") && i + 1 < argc)
			lang = argv[++i];
		else if (!strcmp(argv[i], "--b") && i + 1 < argc) {
			double d[1];

			if (parse_list("--b", argv[++i], d) != 1 || d[0] < 0 ||
			    d[0] > 1)
				die("build-index: --b: one number from 0 to 1");
			oo.b = d[0];
		} else if (argv[i][0] == '-')
			die("build-index: unknown option '%s'", argv[i]);
		else if (docs == NULL)
			docs = argv[i];
		else if (path == NULL)
			path = argv[i];
		else
			die("build-index: too many arguments");
	}
	if (collection && path == NULL) {
		path = docs; /* --collection DIR INDEX */
		docs = NULL;
	}
	if (path == NULL || (collection == NULL && docs == NULL))
		die("build-index: DOCS (or --collection DIR) and INDEX are "
		    "required");
	spec_load(&spec, collection, format, NULL, NULL, docs);

	oo.flags = LEDE_OPEN_CREATE;
	oo.lang = lang;
	st = lede_index_open(&idx, path, &oo);
	if (st != LEDE_OK)
		die("%s: %s", path, lede_errmsg(idx));
	if (spec.fmt == COLL_TREC) {
		/* lede's own TREC reader, as lede-index would read them. */
		lede_update_opts uo = LEDE_UPDATE_OPTS_INIT;
		lede_update_stats stats;

		uo.format = LEDE_FORMAT_TREC;
		st = lede_index_update(idx, (const char *const *)spec.docs.v,
		                       spec.docs.n, &uo, &stats);
		n = stats.added + stats.updated + stats.unchanged;
		if (st != LEDE_OK)
			snprintf(err, sizeof err, "%s", lede_errmsg(idx));
	} else {
		FILE *f = open_or_die(spec.docs.v[0], "r");

		st = coll_index_classic(idx, f, &n, err, sizeof err);
		fclose(f);
	}
	if (st != LEDE_OK) {
		lede_index_close(idx);
		die("%s: %s (%s)", spec.docs.v[0], err, lede_status_str(st));
	}
	coll_spec_free(&spec);
	st = lede_index_close(idx);
	if (st != LEDE_OK)
		die("%s: %s", path, lede_status_str(st));
	fprintf(stderr, "%s: indexed %llu documents into %s (lang %s)\n",
	        prog, (unsigned long long)n, path, lang ? lang : "default");
	return EXIT_OK;
}

/* ---- output ------------------------------------------------------------- */

typedef enum { OUT_TABLE, OUT_JSON, OUT_TSV } out_mode;

typedef struct config {
	double k1, b, tw;  /* < 0: the library's default */
	int any;
	int keep_stopwords;
	unsigned expand, expand_terms; /* pseudo-relevance feedback */
} config;

static void put_param(FILE *f, double v, int json)
{
	if (v < 0)
		fputs(json ? "null" : "def", f);
	else
		fprintf(f, "%g", v);
}

/* Prints a JSON string (labels and ids are plain, but be safe). */
static void put_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void put_measures_json(FILE *f, const te_measures *m)
{
	fprintf(f, "\"map\":%.4f,\"p10\":%.4f,\"ndcg10\":%.4f,"
	           "\"recall1000\":%.4f,\"rel\":%zu,\"ret\":%zu,"
	           "\"relret\":%zu",
	        m->ap, m->p10, m->ndcg10, m->recall1000, m->nrel, m->nret,
	        m->nrelret);
}

static void table_header(FILE *f)
{
	fprintf(f, "%-12s %-5s %-5s %-5s %-3s %7s %7s %7s %7s %5s\n", "run",
	        "k1", "b", "tw", "op", "MAP", "P@10", "nDCG@10", "R@1000",
	        "nq");
}

static void table_row(FILE *f, const char *name, const config *c,
                      const te_measures *m, size_t nq)
{
	fprintf(f, "%-12s ", name);
	if (c) {
		char v[3][16];
		double x[3] = { c->k1, c->b, c->tw };

		for (int i = 0; i < 3; i++) {
			if (x[i] < 0)
				snprintf(v[i], sizeof v[i], "def");
			else
				snprintf(v[i], sizeof v[i], "%g", x[i]);
		}
		fprintf(f, "%-5s %-5s %-5s %-3s ", v[0], v[1], v[2],
		        c->any ? "or" : "and");
	} else {
		fprintf(f, "%-5s %-5s %-5s %-3s ", "-", "-", "-", "-");
	}
	fprintf(f, "%7.4f %7.4f %7.4f %7.4f %5zu\n", m->ap, m->p10, m->ndcg10,
	        m->recall1000, nq);
}

/* Prints one configuration's results in the chosen mode. */
static void report(FILE *f, out_mode mode, int per_query, const char *label,
                   const config *c, const char *const *qids,
                   const te_measures *per, size_t nq)
{
	te_measures all;

	te_mean(&all, per, nq);
	if (mode == OUT_TSV) {
		fprintf(f, "%s\t", label);
		if (c) {
			put_param(f, c->k1, 0);
			fputc('\t', f);
			put_param(f, c->b, 0);
			fputc('\t', f);
			put_param(f, c->tw, 0);
			fprintf(f, "\t%s", c->any ? "or" : "and");
		} else {
			fputs("-\t-\t-\t-", f);
		}
		fprintf(f, "\t%.4f\t%.4f\t%.4f\t%.4f\t%zu\n", all.ap, all.p10,
		        all.ndcg10, all.recall1000, nq);
		if (per_query)
			for (size_t i = 0; i < nq; i++)
				fprintf(f, "#\t%s\t%s\t%.4f\t%.4f\t%.4f\t%.4f\n",
				        label, qids[i], per[i].ap,
				        per[i].p10, per[i].ndcg10,
				        per[i].recall1000);
		return;
	}
	if (mode == OUT_JSON) {
		fputs("{\"run\":", f);
		put_json_str(f, label);
		if (c) {
			fputs(",\"k1\":", f);
			put_param(f, c->k1, 1);
			fputs(",\"b\":", f);
			put_param(f, c->b, 1);
			fputs(",\"title_weight\":", f);
			put_param(f, c->tw, 1);
			fprintf(f, ",\"any\":%d", c->any);
		}
		fprintf(f, ",\"queries\":%zu,", nq);
		put_measures_json(f, &all);
		if (per_query) {
			fputs(",\"per_query\":[", f);
			for (size_t i = 0; i < nq; i++) {
				fputs(i ? ",{\"qid\":" : "{\"qid\":", f);
				put_json_str(f, qids[i]);
				fputc(',', f);
				put_measures_json(f, &per[i]);
				fputc('}', f);
			}
			fputc(']', f);
		}
		fputs("}\n", f);
		return;
	}
	if (per_query) {
		for (size_t i = 0; i < nq; i++)
			table_row(f, qids[i], c, &per[i], 1);
	}
	table_row(f, label, c, &all, nq);
}

/* ---- run ---------------------------------------------------------------- */

static const char *topic_text(const coll_topics *t, const char *qid)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->t[i].qid, qid))
			return t->t[i].text;
	return NULL;
}

/* Runs one query; fills docs[] (ids copied into ids[]). Returns the
 * number of hits; a failing search is reported and counts as none. */
static size_t search_one(lede_index *idx, const char *query,
                         const config *c, unsigned depth, te_doc *docs,
                         char **ids, const char *qid)
{
	lede_search_opts so = LEDE_SEARCH_OPTS_INIT;
	lede_results *res = NULL;
	lede_status st;
	size_t n;

	so.limit = depth;
	so.snippets = 0;
	so.any = c->any;
	so.k1 = c->k1;
	so.b = c->b;
	so.title_weight = c->tw;
	so.keep_stopwords = c->keep_stopwords;
	so.expand = c->expand;
	so.expand_terms = c->expand_terms;
	if (query[0] == '\0')
		return 0;
	st = lede_search(&res, idx, query, &so);
	/* the configuration is wrong (a b the index was not built with),
	 * not the query: no row of zeros for it */
	if (st == LEDE_ERR_INVALID)
		die("query %s: %s", qid, lede_errmsg(idx));
	if (st != LEDE_OK) {
		fprintf(stderr, "%s: query %s: %s\n", prog, qid,
		        lede_errmsg(idx));
		return 0;
	}
	n = lede_results_count(res);
	for (size_t i = 0; i < n; i++) {
		const lede_hit *h = lede_results_hit(res, i);
		size_t len = strlen(h->article.id) + 1;

		ids[i] = malloc(len);
		if (ids[i] == NULL)
			die("out of memory");
		memcpy(ids[i], h->article.id, len);
		docs[i].docid = ids[i];
		docs[i].score = h->score;
	}
	lede_results_free(res);
	return n;
}

static void write_run(FILE *f, const char *qid, const te_doc *d, size_t n,
                      const char *tag)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s Q0 %s %zu %.6f %s\n", qid, d[i].docid, i + 1,
		        d[i].score, tag);
}

static int cmd_run(int argc, char **argv)
{
	const char *index = NULL, *format = NULL, *topics_path = NULL;
	const char *qrels_path = NULL, *stop_path = NULL, *label = NULL;
	const char *run_out = NULL, *collection = NULL;
	double k1[MAX_GRID_VALUES] = { -1 }, b[MAX_GRID_VALUES] = { -1 };
	double tw[MAX_GRID_VALUES] = { -1 };
	size_t nk1 = 1, nb = 1, ntw = 1;
	int any = 1, per_query = 0, keep_stopwords = 0;
	unsigned depth = EVAL_DEPTH, expand = EVAL_DEFAULT_EXPAND;
	unsigned expand_terms = EVAL_DEFAULT_EXPAND_TERMS;
	out_mode mode = OUT_TABLE;
	coll_spec spec;
	coll_topics topics = { 0 };
	coll_stoplist *stop = NULL;
	te_qrels *q = NULL;
	lede_index *idx = NULL;
	lede_open_opts oo = LEDE_OPEN_OPTS_INIT;
	char **queries, **ids;
	const char **qids;
	te_doc *docs;
	te_measures *per;
	FILE *f, *runf = NULL;
	size_t nq;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if ((!strcmp(a, "-i") || !strcmp(a, "--index")) && v)
			index = argv[++i];
		else if (!strcmp(a, "--format") && v)
			format = argv[++i];
		else if (!strcmp(a, "--collection") && v)
			collection = argv[++i];
		else if (!strcmp(a, "--topics") && v)
			topics_path = argv[++i];
		else if (!strcmp(a, "--qrels") && v)
			qrels_path = argv[++i];
		else if (!strcmp(a, "--stoplist") && v)
			stop_path = argv[++i];
		else if (!strcmp(a, "--label") && v)
			label = argv[++i];
		else if (!strcmp(a, "--run-out") && v)
			run_out = argv[++i];
		else if (!strcmp(a, "--k1") && v)
			nk1 = parse_list(a, argv[++i], k1);
		else if (!strcmp(a, "--b") && v)
			nb = parse_list(a, argv[++i], b);
		else if (!strcmp(a, "--title-weight") && v)
			ntw = parse_list(a, argv[++i], tw);
		else if (!strcmp(a, "--depth") && v) {
			double d[1];

			if (parse_list(a, argv[++i], d) != 1 || d[0] < 1 ||
			    d[0] > EVAL_DEPTH)
				die("--depth: 1 to %u", EVAL_DEPTH);
			depth = (unsigned)d[0];
		} else if (!strcmp(a, "--any"))
			any = 1;
		else if (!strcmp(a, "--all"))
			any = 0;
		else if (!strcmp(a, "--keep-stopwords"))
			keep_stopwords = 1;
		else if (!strcmp(a, "--expand") && v) {
			double d[2];
			size_t nd = parse_list(a, argv[++i], d);

			if (nd > 2 || d[0] > EVAL_MAX_EXPAND ||
			    (nd == 2 && (d[1] < 1 || d[1] > EVAL_MAX_EXPAND)))
				die("--expand: DOCS[,TERMS], each up to %d "
				    "(0: off)", EVAL_MAX_EXPAND);
			expand = (unsigned)d[0];
			expand_terms = nd == 2 ? (unsigned)d[1] : 0;
		}
		else if (!strcmp(a, "--json"))
			mode = OUT_JSON;
		else if (!strcmp(a, "--tsv"))
			mode = OUT_TSV;
		else if (!strcmp(a, "--per-query"))
			per_query = 1;
		else
			die("run: unknown option or missing value: '%s'", a);
	}
	if (index == NULL ||
	    (collection == NULL && (topics_path == NULL || qrels_path == NULL)))
		die("run: -i INDEX and --collection DIR (or --format, --topics "
		    "and --qrels) are required");
	spec_load(&spec, collection, format, topics_path, qrels_path, NULL);
	if (label == NULL)
		label = collection ? (strrchr(collection, '/')
		                          ? strrchr(collection, '/') + 1
		                          : collection)
		                   : format;
	for (size_t i = 0; i < ntw; i++)
		if (tw[i] == 0)
			die("--title-weight: must be > 0");
	if (run_out && nk1 * nb * ntw != 1)
		die("--run-out needs a single configuration");

	topics_load(&topics, &spec);
	q = qrels_load(&spec);
	if (stop_path) {
		int rc;

		f = open_or_die(stop_path, "r");
		rc = coll_stoplist_read(&stop, f);
		fclose(f);
		if (rc != 0)
			die("%s: out of memory", stop_path);
	}
	if (lede_index_open(&idx, index, &oo) != LEDE_OK)
		die("%s: %s", index, lede_errmsg(idx));
	if (run_out)
		runf = open_or_die(run_out, "w");

	/* The bag-of-words text of every judged query, once. */
	nq = te_qrels_nqueries(q);
	queries = calloc(nq ? nq : 1, sizeof *queries);
	qids = calloc(nq ? nq : 1, sizeof *qids);
	per = calloc(nq ? nq : 1, sizeof *per);
	docs = calloc(EVAL_DEPTH, sizeof *docs);
	ids = calloc(EVAL_DEPTH, sizeof *ids);
	if (queries == NULL || qids == NULL || per == NULL || docs == NULL ||
	    ids == NULL)
		die("out of memory");
	for (size_t i = 0; i < nq; i++) {
		const char *qid = te_qrels_query(q, i);
		const char *text = topic_text(&topics, qid);

		qids[i] = qid;
		if (text == NULL)
			fprintf(stderr, "%s: judged query %s is not in the "
			        "topics; it scores 0\n", prog, qid);
		queries[i] = coll_bag_of_words(text ? text : "", stop);
		if (queries[i] == NULL)
			die("out of memory");
	}

	if (mode == OUT_TABLE)
		table_header(stdout);
	for (size_t ik = 0; ik < nk1; ik++)
	for (size_t ib = 0; ib < nb; ib++)
	for (size_t it = 0; it < ntw; it++) {
		config c = { k1[ik], b[ib], tw[it], any, keep_stopwords,
		             expand, expand_terms };

		for (size_t i = 0; i < nq; i++) {
			const char *qid = te_qrels_query(q, i);
			size_t n = search_one(idx, queries[i], &c, depth, docs,
			                      ids, qid);
			te_status ts;

			if (runf)
				write_run(runf, qid, docs, n, label);
			ts = te_eval_query(&per[i], q, qid, docs, n);
			if (ts != TE_OK)
				die("query %s: %s", qid, te_status_str(ts));
			for (size_t k = 0; k < n; k++)
				free(ids[k]);
		}
		report(stdout, mode, per_query, label, &c, qids, per, nq);
		fflush(stdout);
	}

	if (runf && fclose(runf) != 0)
		die("%s: %s", run_out, strerror(errno));
	for (size_t i = 0; i < nq; i++)
		free(queries[i]);
	free(queries);
	free(qids);
	free(per);
	free(docs);
	free(ids);
	lede_index_close(idx);
	te_qrels_free(q);
	coll_topics_free(&topics);
	coll_stoplist_free(stop);
	coll_spec_free(&spec);
	return EXIT_OK;
}

/* ---- score --------------------------------------------------------------- */

static int cmd_score(int argc, char **argv)
{
	const char *qrels_path = NULL, *run_path = NULL, *label = NULL;
	const char *format = NULL, *collection = NULL;
	coll_spec spec;
	int per_query = 0, complete = 0;
	out_mode mode = OUT_TABLE;
	te_qrels *q = NULL;
	te_run *run = NULL;
	te_measures *per;
	const char **qids;
	size_t nq = 0, njudged, bad = 0;
	te_status ts;
	FILE *f;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--qrels") && v)
			qrels_path = argv[++i];
		else if (!strcmp(a, "--run") && v)
			run_path = argv[++i];
		else if (!strcmp(a, "--format") && v)
			format = argv[++i];
		else if (!strcmp(a, "--collection") && v)
			collection = argv[++i];
		else if (!strcmp(a, "--label") && v)
			label = argv[++i];
		else if (!strcmp(a, "--json"))
			mode = OUT_JSON;
		else if (!strcmp(a, "--tsv"))
			mode = OUT_TSV;
		else if (!strcmp(a, "--per-query"))
			per_query = 1;
		else if (!strcmp(a, "-c") || !strcmp(a, "--complete"))
			complete = 1;
		else
			die("score: unknown option or missing value: '%s'", a);
	}
	if ((qrels_path == NULL && collection == NULL) || run_path == NULL)
		die("score: --qrels (or --collection) and --run are required");
	if (label == NULL)
		label = run_path;
	/* Standard TREC qrels unless told otherwise. */
	spec_load(&spec, collection,
	          collection ? format : format ? format : "trec", NULL,
	          qrels_path, NULL);
	q = qrels_load(&spec);
	coll_spec_free(&spec);
	f = open_or_die(run_path, "r");
	ts = te_run_read(&run, f, &bad);
	fclose(f);
	if (ts != TE_OK)
		die("%s: line %zu: %s", run_path, bad, te_status_str(ts));

	/* trec_eval's choice of queries: those in both the qrels and the
	 * run; with -c every query of the qrels, missing ones scoring 0. */
	njudged = te_qrels_nqueries(q);
	per = calloc(njudged ? njudged : 1, sizeof *per);
	qids = calloc(njudged ? njudged : 1, sizeof *qids);
	if (per == NULL || qids == NULL)
		die("out of memory");
	for (size_t i = 0; i < njudged; i++) {
		const char *qid = te_qrels_query(q, i);
		size_t n;
		te_doc *d = te_run_docs(run, qid, &n);

		if (n == 0 && !complete)
			continue;
		ts = te_eval_query(&per[nq], q, qid, d, n);
		if (ts != TE_OK)
			die("query %s: %s", qid, te_status_str(ts));
		qids[nq++] = qid;
	}
	if (nq == 0)
		die("%s: no query is in both %s and the run (trec_eval stops "
		    "here too)", run_path, qrels_path);
	if (mode == OUT_TABLE)
		table_header(stdout);
	report(stdout, mode, per_query, label, NULL, qids, per, nq);
	free(per);
	free(qids);
	te_run_free(run);
	te_qrels_free(q);
	return EXIT_OK;
}

/* ---- export -------------------------------------------------------------- */

/* Writes s with tabs, newlines and carriage returns as spaces. */
static void put_tsv_field(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

static int export_record(void *ctx, const coll_record *r)
{
	FILE *f = ctx;

	if (r->id[0] == '\0')
		return 0;
	put_tsv_field(f, r->id);
	fputc('\t', f);
	put_tsv_field(f, r->title);
	fputc('\t', f);
	put_tsv_field(f, r->text);
	fputc('\n', f);
	return 0;
}

static FILE *open_in(const char *dir, const char *name)
{
	char path[PATH_LEN];

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >=
	    sizeof path)
		die("%s: path too long", dir);
	return open_or_die(path, "w");
}

static int cmd_export(int argc, char **argv)
{
	const char *format = NULL, *topics_path = NULL, *qrels_path = NULL;
	const char *docs = NULL, *dir = NULL, *collection = NULL;
	coll_spec spec;
	coll_topics topics = { 0 };
	te_qrels *q = NULL;
	char err[ERR_LEN] = "";
	FILE *in, *out;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--format") && i + 1 < argc)
			format = argv[++i];
		else if (!strcmp(a, "--collection") && i + 1 < argc)
			collection = argv[++i];
		else if (!strcmp(a, "--topics") && i + 1 < argc)
			topics_path = argv[++i];
		else if (!strcmp(a, "--qrels") && i + 1 < argc)
			qrels_path = argv[++i];
		else if (a[0] == '-')
			die("export: unknown option or missing value: '%s'", a);
		else if (docs == NULL)
			docs = a;
		else if (dir == NULL)
			dir = a;
		else
			die("export: too many arguments");
	}
	if (collection && dir == NULL) {
		dir = docs; /* --collection DIR OUTDIR */
		docs = NULL;
	}
	if (dir == NULL || (collection == NULL &&
	                    (docs == NULL || topics_path == NULL ||
	                     qrels_path == NULL)))
		die("export: --collection DIR (or --format, --topics, --qrels "
		    "and DOCS) and OUTDIR are required");
	spec_load(&spec, collection, format, topics_path, qrels_path, docs);
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		die("%s: %s", dir, strerror(errno));

	/* docs.tsv: id, title, body of every document, as the baselines
	 * index them (TREC: DOCNO, headline, LP and TEXT). */
	out = open_in(dir, "docs.tsv");
	for (size_t i = 0; i < spec.docs.n; i++) {
		int rc;

		if (spec.fmt == COLL_TREC) {
			rc = coll_read_trec_docs(spec.docs.v[i], export_record,
			                         out, err, sizeof err);
		} else {
			in = open_or_die(spec.docs.v[i], "r");
			rc = coll_read_classic(in, export_record, out, err,
			                       sizeof err);
			fclose(in);
		}
		if (rc != 0)
			die("%s: %s", spec.docs.v[i], err);
	}
	if (fclose(out) != 0)
		die("%s/docs.tsv: %s", dir, strerror(errno));

	/* topics.tsv: the bag-of-words query lede is given (TREC: title). */
	topics_load(&topics, &spec);
	out = open_in(dir, "topics.tsv");
	for (size_t i = 0; i < topics.n; i++) {
		char *bag = coll_bag_of_words(topics.t[i].text, NULL);

		if (bag == NULL)
			die("out of memory");
		fprintf(out, "%s\t%s\n", topics.t[i].qid, bag);
		free(bag);
	}
	if (fclose(out) != 0)
		die("%s/topics.tsv: %s", dir, strerror(errno));

	/* Normalized TREC qrels (ids without leading zeros; classic grades
	 * binary, TREC grades kept), readable by trec_eval itself. */
	q = qrels_load(&spec);
	out = open_in(dir, "qrels.txt");
	te_qrels_write(q, out);
	te_qrels_free(q);
	coll_topics_free(&topics);
	coll_spec_free(&spec);
	if (fclose(out) != 0)
		die("%s/qrels.txt: %s", dir, strerror(errno));
	return EXIT_OK;
}

/* ---- discover ------------------------------------------------------------- */

static int cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the collections among the subdirectories of DATA (or DATA
 * itself, with --self), one per line: "name TAB format TAB documents
 * files TAB topics files TAB qrels files". -v says why the others are
 * not collections. */
static int cmd_discover(int argc, char **argv)
{
	static const char *const fmt_names[] = { "cacm", "cisi", "cran",
		                                 "med", "trec" };
	const char *data = NULL;
	int verbose = 0, self = 0, found = 0;
	coll_paths dirs = { 0 };
	DIR *d;
	struct dirent *e;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v"))
			verbose = 1;
		else if (!strcmp(argv[i], "--self"))
			self = 1;
		else if (argv[i][0] == '-' || data != NULL)
			die("discover: usage: discover [-v] [--self] DATA");
		else
			data = argv[i];
	}
	if (data == NULL)
		die("discover: DATA is required");
	if (self) {
		if (coll_paths_add(&dirs, ".") != 0)
			die("out of memory");
	} else {
		d = opendir(data);
		if (d == NULL)
			die("%s: %s", data, strerror(errno));
		while ((e = readdir(d)) != NULL) {
			char path[PATH_LEN];
			struct stat st;

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s/%s", data, e->d_name);
			if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
				continue;
			if (coll_paths_add(&dirs, e->d_name) != 0)
				die("out of memory");
		}
		closedir(d);
		if (dirs.n > 1)
			qsort(dirs.v, dirs.n, sizeof *dirs.v, cmp_str_ptr);
	}
	for (size_t i = 0; i < dirs.n; i++) {
		char path[PATH_LEN], err[ERR_LEN] = "";
		coll_spec spec;
		int rc;

		memset(&spec, 0, sizeof spec);
		if (self)
			snprintf(path, sizeof path, "%s", data);
		else
			snprintf(path, sizeof path, "%s/%s", data, dirs.v[i]);
		rc = coll_discover(&spec, path, err, sizeof err);
		if (rc < 0)
			fprintf(stderr, "%s: %s\n", prog, err);
		else if (rc == 0 && verbose)
			fprintf(stderr, "%s: %s: not a collection: %s\n", prog,
			        dirs.v[i], err);
		if (rc == 1) {
			printf("%s\t%s\t%zu\t%zu\t%zu\n",
			       self ? data : dirs.v[i], fmt_names[spec.fmt],
			       spec.docs.n, spec.topics.n, spec.qrels.n);
			found++;
		}
		coll_spec_free(&spec);
	}
	for (size_t i = 0; i < dirs.n; i++)
		free(dirs.v[i]);
	free(dirs.v);
	return found ? EXIT_OK : 1;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "build-index"))
		return cmd_build_index(argc - 1, argv + 1);
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "score"))
		return cmd_score(argc - 1, argv + 1);
	if (!strcmp(argv[1], "export"))
		return cmd_export(argc - 1, argv + 1);
	if (!strcmp(argv[1], "discover"))
		return cmd_discover(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[1]);
	usage(stderr);
	return EXIT_ERROR;
}
