/*
 * reader_trec.c - TREC SGML: <DOC><DOCNO>...</DOCNO> ... <TEXT>...</TEXT>
 * </DOC>, several documents per file, as in the TREC ad hoc collections
 * (AP, WSJ, FT, LA Times, FBIS) and in most research news dumps.
 *
 * Each collection names its fields differently, so every field is the first
 * element found from a list of known names (field_names below): the title
 * is HEADLINE in WSJ and LA Times, HL in some, HEAD in AP, TI in FT...
 * The body is every <TEXT> element, in order, after an optional lead
 * paragraph (<LP>); markup inside (<P>, <F P=102>, <TABLE>) is dropped and
 * block tags become paragraph breaks. id = DOCNO (else path#N, N the
 * record number); no title element: derived from the body as the text
 * reader does (reader_derive_title). Dates: the usual forms (date_scan), and
 * the six-digit YYMMDD of AP/WSJ/FT DOCNO-style date fields ("880201").
 */
#include <string.h>

#include "reader.h"

/* Candidate element names per field, in order of preference. */
static const char *const title_names[] = {"HEADLINE", "HL", "HEAD", "TITLE",
					  "TI",	      "H3", NULL};
static const char *const date_names[] = {"DATE",  "DATE_TIME", "DD",
					 "DATE1", "PUBDATE",   NULL};
static const char *const byline_names[] = {"BYLINE", "AUTHOR", "BY", NULL};
static const char *const source_names[] = {"SOURCE", "SO", "PUB", NULL};
static const char *const section_names[] = {"SECTION", "CATEGORY", NULL};
static const char *const url_names[] = {"URL", "LINK", NULL};
static const char *const lang_names[] = {"LANG", "LANGUAGE", NULL};

typedef struct trec_ctx {
	reader_article art;
	buf rec;  /* the record decoded to UTF-8 */
	buf text; /* element text */
	buf id;	  /* fallback id */
} trec_ctx;

/* Text of the first element named one of names, into out (markup
 * stripped, entities decoded). Returns 1 if one was present. */
static int first_text(const char *s, size_t len, const char *const *names,
		      buf *out)
{
	buf_reset(out);
	for (size_t k = 0; names[k] != NULL; k++) {
		size_t pos = 0, cl;
		const char *cs;

		if (sgml_element(s, len, &pos, names[k], &cs, &cl)) {
			sgml_text(out, cs, cl, 1);
			return 1;
		}
	}
	return 0;
}

static int all_digits(const char *s, size_t len, size_t n)
{
	size_t i = 0, d = 0;

	while (i < len &&
	       (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		d++;
	while (i < len &&
	       (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i == len && d == n;
}

/* YYMMDD -> date (00-49: 20xx, 50-99: 19xx). */
static int yymmdd(reader_article *a, const char *s, size_t len)
{
	char iso[16];
	size_t i = 0;
	int yy;

	while (i < len && (s[i] < '0' || s[i] > '9'))
		i++;
	if (len - i < 6)
		return 0;
	yy = (s[i] - '0') * 10 + (s[i + 1] - '0');
	iso[0] = yy < 50 ? '2' : '1';
	iso[1] = yy < 50 ? '0' : '9';
	iso[2] = s[i];
	iso[3] = s[i + 1];
	iso[4] = '-';
	iso[5] = s[i + 2];
	iso[6] = s[i + 3];
	iso[7] = '-';
	iso[8] = s[i + 4];
	iso[9] = s[i + 5];
	return reader_article_date(a, iso, 10);
}

static lede_status trec_record(reader_run *r, const char *raw, size_t rawlen,
			       uint64_t line, uint64_t ordinal, void *vctx)
{
	trec_ctx *c = vctx;
	reader_article *a = &c->art;
	const char *s, *where;
	size_t len, pos, cl;
	const char *cs;
	lede_status st;

	reader_article_reset(a);
	buf_reset(&c->rec);
	if (reader_decode(r, &c->rec, raw, rawlen, &a->nbad) != LEDE_OK)
		return err_set(r->err, LEDE_ERR_NOMEM, "%s: out of memory",
			       r->name);
	s = c->rec.data;
	len = c->rec.len;
	where = reader_where_line(r, line);

	if (first_text(s, len, (const char *const[]){"DOCNO", NULL}, &c->text))
		buf_append(&a->id, c->text.data, c->text.len);
	if (first_text(s, len, title_names, &c->text))
		buf_append(&a->title, c->text.data, c->text.len);
	if (first_text(s, len, date_names, &c->text)) {
		if (all_digits(c->text.data, c->text.len, 6))
			yymmdd(a, c->text.data, c->text.len);
		else
			reader_article_date(a, c->text.data, c->text.len);
	}
	if (first_text(s, len, byline_names, &c->text))
		byline_parse(c->text.data, c->text.len, &a->byline, &a->source);
	if (a->source.len == 0 && first_text(s, len, source_names, &c->text))
		buf_append(&a->source, c->text.data, c->text.len);
	if (first_text(s, len, section_names, &c->text))
		buf_append(&a->section, c->text.data, c->text.len);
	if (first_text(s, len, url_names, &c->text))
		buf_append(&a->url, c->text.data, c->text.len);
	if (first_text(s, len, lang_names, &c->text))
		buf_append(&a->lang, c->text.data, c->text.len);

	/* Body: lead paragraph, then every TEXT element. */
	pos = 0;
	if (sgml_element(s, len, &pos, "LP", &cs, &cl)) {
		sgml_text(&a->body, cs, cl, 1);
		buf_append(&a->body, "\n\n", 2);
	}
	pos = 0;
	while (sgml_element(s, len, &pos, "TEXT", &cs, &cl)) {
		sgml_text(&a->body, cs, cl, 1);
		buf_append(&a->body, "\n\n", 2);
	}
	if (a->body.status != LEDE_OK)
		return err_set(r->err, LEDE_ERR_NOMEM, "%s: out of memory",
			       r->name);
	if (a->title.len == 0)
		reader_derive_title(a, a->body.data, a->body.len);

	buf_reset(&c->id);
	buf_printf(&c->id, "%s#%llu", r->id_base, (unsigned long long)ordinal);
	st = reader_emit(r, a, where, c->id.data, 0);
	return st;
}

lede_status reader_trec_run(reader_run *r)
{
	trec_ctx c;
	lede_status s;

	memset(&c, 0, sizeof c);
	reader_article_init(&c.art);
	s = sgml_split(r, "DOC", trec_record, &c);
	reader_article_free(&c.art);
	buf_free(&c.rec);
	buf_free(&c.text);
	buf_free(&c.id);
	return s;
}
