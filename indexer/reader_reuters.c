/*
 * reader_reuters.c - Reuters-21578 SGML (Lewis, Distribution 1.0): 1,000
 * <REUTERS ...> records per reut2-NNN.sgm file, 21,578 in all.
 *
 * Mapping (decided here, documented in corpus/README.md too):
 *  - id = the NEWID attribute as is ("1".."21578"), the collection's own
 *    stable id; path#N (N the record number) if it is missing;
 *  - date = <DATE> ("26-FEB-1987 15:01:01.79", UTC; the trailing
 *    "&#5;&#5;&#5;RM" codes and comments some dates carry are ignored);
 *  - section = the first <TOPICS> topic; tags = the other topics, then the
 *    <PLACES> as bare names ("usa", "west-germany"), so section:usa and
 *    section:cocoa both work as filters;
 *  - title = <TITLE>; byline and source from <AUTHOR> ("by Janie
 *    Gabbett, Reuters"), source "Reuters" otherwise; lang "en";
 *  - body = <BODY>, entities decoded, its closing " Reuter" signature
 *    dropped. Unescaped "<" in bodies is text ("<AMERICAN EXPRESS CO>"),
 *    so no markup is stripped from it.
 *  - Records without <BODY>: TYPE="UNPROC" text (tables, reports) is the
 *    body and its first line the title; otherwise (TYPE="BRIEF",
 *    headline-only items) the title is the body too; with neither the
 *    record is skipped.
 * The files are ASCII with one stray 0xFC byte (reut2-017.sgm): it becomes
 * U+FFFD unless Latin-1 is declared.
 */
#include <string.h>
#include <strings.h>

#include "reader.h"

/* A first line of UNPROC text longer than this is not a usable title. */
#define REUTERS_TITLE_MAX 120

typedef struct reuters_ctx {
	reader_article art;
	buf rec;
	buf text;
	buf id;
} reuters_ctx;

static int element_text(const char *s, size_t len, const char *name, buf *out,
			int strip)
{
	size_t pos = 0, cl;
	const char *cs;

	buf_reset(out);
	if (!sgml_element(s, len, &pos, name, &cs, &cl))
		return 0;
	sgml_text(out, cs, cl, strip);
	return 1;
}

/* Each <D>x</D> inside s: first to section (if section is not NULL),
 * the rest to tags. */
static void d_list(reader_article *a, const char *s, size_t len, buf *section,
		   buf *scratch)
{
	size_t pos = 0, cl;
	const char *cs;

	while (sgml_element(s, len, &pos, "D", &cs, &cl)) {
		buf_reset(scratch);
		sgml_text(scratch, cs, cl, 1);
		if (scratch->len == 0)
			continue;
		if (section != NULL && section->len == 0)
			buf_append(section, scratch->data, scratch->len);
		else
			reader_article_add_tag(a, scratch->data, scratch->len);
	}
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Drops the " Reuter" / "REUTER" sign-off that ends most bodies. */
static void drop_signature(buf *b)
{
	size_t n = b->len;

	while (n > 0 && is_space(b->data[n - 1]))
		n--;
	if (n >= 6 && strncasecmp(b->data + n - 6, "reuter", 6) == 0 &&
	    (n == 6 || is_space(b->data[n - 7]))) {
		size_t k = n - 6;

		while (k > 0 && b->data[k - 1] != '\n' &&
		       is_space(b->data[k - 1]))
			k--;
		if (k == 0 || b->data[k - 1] == '\n')
			n = k;
	}
	b->len = n;
	if (b->data)
		b->data[n] = '\0';
}

/* 1 if the record's <TEXT> element has TYPE="type". */
static int text_type(const char *s, size_t len, const char *type)
{
	for (size_t i = 0; i + 6 < len; i++) {
		const char *vs;
		size_t vl;

		if (s[i] != '<' || strncasecmp(s + i + 1, "TEXT", 4) != 0 ||
		    !is_space(s[i + 5]))
			continue;
		return sgml_attr(s + i, len - i, "TYPE", &vs, &vl) &&
		       vl == strlen(type) && strncasecmp(vs, type, vl) == 0;
	}
	return 0;
}

static lede_status reuters_record(reader_run *r, const char *raw, size_t rawlen,
				  uint64_t line, uint64_t ordinal, void *vctx)
{
	reuters_ctx *c = vctx;
	reader_article *a = &c->art;
	const char *s, *where, *vs;
	size_t len, vl, pos, cl;
	const char *cs;

	reader_article_reset(a);
	buf_reset(&c->rec);
	if (reader_decode(r, &c->rec, raw, rawlen, &a->nbad) != LEDE_OK)
		return err_set(r->err, LEDE_ERR_NOMEM, "%s: out of memory",
			       r->name);
	s = c->rec.data;
	len = c->rec.len;
	where = reader_where_line(r, line);

	if (sgml_attr(s, len, "NEWID", &vs, &vl))
		buf_append(&a->id, vs, vl);
	if (element_text(s, len, "DATE", &c->text, 1))
		reader_article_date(a, c->text.data, c->text.len);
	pos = 0;
	if (sgml_element(s, len, &pos, "TOPICS", &cs, &cl))
		d_list(a, cs, cl, &a->section, &c->text);
	pos = 0;
	if (sgml_element(s, len, &pos, "PLACES", &cs, &cl))
		d_list(a, cs, cl, NULL, &c->text);
	if (element_text(s, len, "TITLE", &c->text, 0))
		buf_append(&a->title, c->text.data, c->text.len);
	if (element_text(s, len, "AUTHOR", &c->text, 1))
		byline_parse(c->text.data, c->text.len, &a->byline, &a->source);
	if (a->source.len == 0)
		buf_append_str(&a->source, "Reuters");
	buf_append_str(&a->lang, "en");

	if (element_text(s, len, "BODY", &c->text, 0)) {
		drop_signature(&c->text);
		buf_append(&a->body, c->text.data, c->text.len);
	} else if (text_type(s, len, "UNPROC") &&
		   element_text(s, len, "TEXT", &c->text, 0) &&
		   c->text.len > 0) {
		const char *t = c->text.data, *nl;
		size_t tl = c->text.len;

		drop_signature(&c->text);
		tl = c->text.len;
		while (tl > 0 && is_space(*t))
			t++, tl--;
		nl = memchr(t, '\n', tl);
		if (a->title.len == 0 && nl != NULL &&
		    (size_t)(nl - t) <= REUTERS_TITLE_MAX)
			buf_append(&a->title, t, (size_t)(nl - t));
		buf_append(&a->body, t, tl);
	} else if (a->title.len > 0) {
		buf_append(&a->body, a->title.data, a->title.len);
	} else {
		reader_skip(
		    r, where, LEDE_ERR_FORMAT,
		    "record %llu has neither <BODY> nor <TITLE>; skipped",
		    (unsigned long long)ordinal);
		return LEDE_OK;
	}
	if (a->body.status != LEDE_OK || a->title.status != LEDE_OK)
		return err_set(r->err, LEDE_ERR_NOMEM, "%s: out of memory",
			       r->name);

	buf_reset(&c->id);
	buf_printf(&c->id, "%s#%llu", r->id_base, (unsigned long long)ordinal);
	return reader_emit(r, a, where, c->id.data, 0);
}

lede_status reader_reuters_run(reader_run *r)
{
	reuters_ctx c;
	lede_status s;

	memset(&c, 0, sizeof c);
	reader_article_init(&c.art);
	s = sgml_split(r, "REUTERS", reuters_record, &c);
	reader_article_free(&c.art);
	buf_free(&c.rec);
	buf_free(&c.text);
	buf_free(&c.id);
	return s;
}
