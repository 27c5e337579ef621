/*
 * reader_jsonl.c - JSON Lines: one article per line, parsed with jansson.
 *
 * News dumps (scrapers, NewsAPI, Common Crawl extractions, research sets)
 * agree on the idea and disagree on the names, so each article field is
 * taken from the first present key of a list (default_keys below, matched
 * case-insensitively), unless the caller maps one explicitly
 * ("srcfield=name", srcfield may be a dotted path into nested objects).
 * Values: strings as they are; arrays joined with "; " (for tags: one tag
 * per element; for a section array, the first is the section and the rest
 * tags); objects by their "name" (NewsAPI's {"id":..,"name":"BBC News"}),
 * "$date" for MongoDB exports; numbers as text, or for dates as Unix time
 * in seconds, or milliseconds when over 1e11 (year 5138 in seconds).
 *
 * id: the id/guid key, else url, else path#N with N the line number, so
 * ids stay stable when lines are appended to the file. No title key: the
 * title is derived from the body as the text reader does
 * (reader_derive_title).
 *
 * One line at a time (LEDE_MAX_LINE_BYTES at most) is in memory, whatever
 * the file size; a longer line is skipped without being stored whole.
 * Blank lines cost a few nanoseconds each (no "file:line" string is built
 * for them): a file of 50 million newlines reads in well under a second.
 * jansson rejects invalid UTF-8, so each line is sanitized (or converted
 * from Latin-1) before parsing: one bad byte does not cost the article.
 */
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "reader.h"

/* Epoch numbers above this are milliseconds (1e11 s is the year 5138). */
#define JSONL_MS_THRESHOLD 1e11
/* Unix seconds of 1800-01-01 and 2201-01-01: the date range date.c takes. */
#define JSONL_MIN_EPOCH (-5364662400.0)
#define JSONL_MAX_EPOCH 7289654400.0

enum target {
	T_ID,
	T_TITLE,
	T_BODY,
	T_DATE,
	T_BYLINE,
	T_SOURCE,
	T_URL,
	T_LANG,
	T_SECTION,
	T_TAGS,
	T_COUNT
};

static const char *const target_names[T_COUNT] = {
    "id",     "title", "body", "date",	  "byline",
    "source", "url",   "lang", "section", "tags"};

/* Keys tried per field, best first. */
static const char *const keys_id[] = {"id",    "guid", "_id",
				      "docno", "uuid", NULL};
static const char *const keys_title[] = {"title", "headline", "heading", NULL};
static const char *const keys_body[] = {
    "body",	   "text",	"content",     "article", "maintext",
    "articleBody", "full_text", "description", "summary", NULL};
static const char *const keys_date[] = {
    "date",	    "published", "published_at",
    "publishedAt",  "pubDate",	 "datePublished",
    "date_publish", "timestamp", "created_at",
    "time",	    NULL};
static const char *const keys_byline[] = {"byline", "author", "authors",
					  "creator", NULL};
static const char *const keys_source[] = {"source", "outlet", "publisher",
					  "site_name", NULL};
static const char *const keys_url[] = {"url", "link", "canonical_url",
				       "permalink", NULL};
static const char *const keys_lang[] = {"lang", "language", NULL};
static const char *const keys_section[] = {"section", "category", NULL};
static const char *const keys_tags[] = {"tags", "keywords", "categories",
					"topics", NULL};

static const char *const *const default_keys[T_COUNT] = {
    keys_id,	 keys_title, keys_body, keys_date,    keys_byline,
    keys_source, keys_url,   keys_lang, keys_section, keys_tags};

typedef struct jsonl_ctx {
	reader_article art;
	buf line; /* raw line */
	buf utf8; /* line as valid UTF-8 */
	buf text; /* value text */
	buf id;	  /* fallback id */
} jsonl_ctx;

/* A value worth taking: not null/bool, not an empty string/array/object. */
static int has_content(const json_t *v)
{
	if (v == NULL)
		return 0;
	switch (json_typeof(v)) {
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
	case JSON_REAL:
		return 1;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	case JSON_OBJECT:
		return json_object_size(v) > 0;
	default:
		return 0;
	}
}

/* obj at a dotted path ("meta.headline"); the whole string as one key
 * first, so keys that contain dots still work. */
static json_t *lookup_path(json_t *obj, const char *path, size_t len)
{
	char key[256];
	const char *dot;

	if (len >= sizeof key || !json_is_object(obj))
		return NULL;
	memcpy(key, path, len);
	key[len] = '\0';
	{
		json_t *v = json_object_get(obj, key);

		if (v != NULL)
			return v;
	}
	dot = memchr(path, '.', len);
	if (dot == NULL)
		return NULL;
	key[dot - path] = '\0';
	return lookup_path(json_object_get(obj, key), dot + 1,
			   len - (size_t)(dot - path) - 1);
}

/* Appends the text of a scalar or simple object. */
static void scalar_text(buf *out, json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		buf_append(out, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		buf_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		buf_printf(out, "%.17g", json_real_value(v));
		break;
	case JSON_OBJECT: {
		static const char *const names[] = {"name",  "title", "text",
						    "value", "$date", NULL};

		for (size_t k = 0; names[k] != NULL; k++) {
			json_t *x = json_object_get(v, names[k]);

			if (x != NULL &&
			    (json_is_string(x) || json_is_number(x))) {
				scalar_text(out, x);
				return;
			}
		}
		break;
	}
	default:
		break;
	}
}

/* Appends a value: arrays joined with "; ". */
static void value_text(buf *out, json_t *v)
{
	if (json_is_array(v)) {
		size_t i;
		json_t *x;

		json_array_foreach(v, i, x)
		{
			size_t before = out->len;

			if (before > 0)
				buf_append(out, "; ", 2);
			scalar_text(out, x);
			if (out->len == before + (before > 0 ? 2 : 0)) {
				out->len =
				    before; /* nothing added: drop the "; " */
				if (out->data)
					out->data[before] = '\0';
			}
		}
		return;
	}
	scalar_text(out, v);
}

/* A date from a number or a string; epoch numbers (and all-digit strings
 * of 9 to 13 digits) are seconds or milliseconds. */
static void set_date(reader_article *a, json_t *v, buf *scratch)
{
	double t;

	if (json_is_object(v)) {
		json_t *d = json_object_get(v, "$date");

		if (d == NULL)
			return;
		if (json_is_object(d))
			d = json_object_get(d, "$numberLong");
		if (d == NULL)
			return;
		v = d;
	}
	if (json_is_array(v))
		v = json_array_get(v, 0);
	if (v == NULL)
		return;
	if (json_is_number(v)) {
		t = json_number_value(v);
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = json_string_length(v), d = 0;

		while (d < n && s[d] >= '0' && s[d] <= '9')
			d++;
		if (d < 9 || d > 13 || d != n) {
			reader_article_date(a, s, n);
			return;
		}
		t = 0;
		for (size_t i = 0; i < n; i++)
			t = t * 10 + (s[i] - '0');
	} else {
		return;
	}
	if (t > JSONL_MS_THRESHOLD || t < -JSONL_MS_THRESHOLD)
		t /= 1000;
	if (t >= JSONL_MIN_EPOCH && t < JSONL_MAX_EPOCH) {
		a->date = (int64_t)t;
		return;
	}
	buf_reset(scratch);
	value_text(scratch, v);
	buf_reset(&a->date_text);
	buf_append(&a->date_text, scratch->data ? scratch->data : "",
		   scratch->len);
}

static int key_is_mapped(const reader_opts *o, const char *key)
{
	size_t n = strlen(key);

	for (size_t k = 0; k < o->nmap; k++) {
		const char *eq = strchr(o->map[k], '=');

		if ((size_t)(eq - o->map[k]) == n &&
		    strncmp(o->map[k], key, n) == 0)
			return 1;
	}
	return 0;
}

/* Chooses one value per field: mapped first, then default keys. */
static void pick_fields(const reader_opts *o, json_t *obj,
			json_t *pick[T_COUNT])
{
	int prio[T_COUNT];
	const char *key;
	json_t *v;

	for (int t = 0; t < T_COUNT; t++) {
		pick[t] = NULL;
		prio[t] = 1 << 30;
	}
	for (size_t k = 0; k < o->nmap; k++) {
		const char *m = o->map[k], *eq = strchr(m, '=');
		const char *field = reader_map_target(eq + 1);

		for (int t = 0; t < T_COUNT; t++) {
			if (field == NULL ||
			    strcmp(field, target_names[t]) != 0 ||
			    pick[t] != NULL)
				continue;
			v = lookup_path(obj, m, (size_t)(eq - m));
			if (has_content(v)) {
				pick[t] = v;
				prio[t] = -1;
			}
		}
	}
	json_object_foreach(obj, key, v)
	{
		if (!has_content(v) || (o->nmap > 0 && key_is_mapped(o, key)))
			continue;
		for (int t = 0; t < T_COUNT; t++) {
			for (int k = 0;
			     default_keys[t][k] != NULL && k < prio[t]; k++) {
				if (strcasecmp(key, default_keys[t][k]) == 0) {
					pick[t] = v;
					prio[t] = k;
					break;
				}
			}
		}
	}
}

static void set_text(buf *field, json_t *v)
{
	if (v != NULL)
		value_text(field, v);
}

static lede_status jsonl_line(reader_run *r, jsonl_ctx *c, uint64_t lineno)
{
	reader_article *a = &c->art;
	json_t *obj, *pick[T_COUNT];
	json_error_t jerr;
	const char *s = c->line.data;
	size_t len = c->line.len, i = 0;
	lede_status st;

	if (lineno == 1 && len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3, len -= 3; /* BOM */
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
		i++;
	if (i == len)
		return LEDE_OK; /* blank line */

	reader_article_reset(a);
	buf_reset(&c->utf8);
	if (reader_decode(r, &c->utf8, s, len, &a->nbad) != LEDE_OK)
		return err_set(r->err, LEDE_ERR_NOMEM, "%s: out of memory",
			       r->name);
	obj = json_loadb(c->utf8.data, c->utf8.len, JSON_ALLOW_NUL, &jerr);
	if (obj == NULL) {
		reader_skip(r, reader_where_line(r, lineno), LEDE_ERR_FORMAT,
			    "malformed JSON at column %d: %s; line skipped",
			    jerr.column, jerr.text);
		return LEDE_OK;
	}
	if (!json_is_object(obj)) {
		json_decref(obj);
		reader_skip(r, reader_where_line(r, lineno), LEDE_ERR_FORMAT,
			    "not a JSON object; line skipped");
		return LEDE_OK;
	}
	pick_fields(r->opts, obj, pick);

	set_text(&a->id, pick[T_ID]);
	set_text(&a->title, pick[T_TITLE]);
	set_text(&a->body, pick[T_BODY]);
	if (pick[T_DATE] != NULL)
		set_date(a, pick[T_DATE], &c->text);
	if (pick[T_BYLINE] != NULL) {
		buf_reset(&c->text);
		value_text(&c->text, pick[T_BYLINE]);
		if (c->text.len > 3 && strncasecmp(c->text.data, "by ", 3) == 0)
			byline_parse(c->text.data, c->text.len, &a->byline,
				     &a->source);
		else
			buf_append(&a->byline, c->text.data ? c->text.data : "",
				   c->text.len);
	}
	if (a->source.len == 0)
		set_text(&a->source, pick[T_SOURCE]);
	set_text(&a->url, pick[T_URL]);
	set_text(&a->lang, pick[T_LANG]);
	if (pick[T_SECTION] != NULL) {
		json_t *sec = pick[T_SECTION];

		if (json_is_array(sec)) {
			size_t k;
			json_t *x;

			json_array_foreach(sec, k, x)
			{
				buf_reset(&c->text);
				scalar_text(&c->text, x);
				if (a->section.len == 0)
					buf_append(&a->section,
						   c->text.data ? c->text.data
								: "",
						   c->text.len);
				else
					reader_article_add_tag(
					    a, c->text.data ? c->text.data : "",
					    c->text.len);
			}
		} else {
			set_text(&a->section, sec);
		}
	}
	if (pick[T_TAGS] != NULL) {
		json_t *tags = pick[T_TAGS];

		if (json_is_array(tags)) {
			size_t k;
			json_t *x;

			json_array_foreach(tags, k, x)
			{
				buf_reset(&c->text);
				scalar_text(&c->text, x);
				reader_article_add_tag(
				    a, c->text.data ? c->text.data : "",
				    c->text.len);
			}
		} else {
			/* "a, b, c" in one string */
			buf_reset(&c->text);
			scalar_text(&c->text, tags);
			for (size_t from = 0, k = 0; k <= c->text.len; k++) {
				if (k == c->text.len ||
				    c->text.data[k] == ',' ||
				    c->text.data[k] == ';') {
					reader_article_add_tag(
					    a, c->text.data + from, k - from);
					from = k + 1;
				}
			}
		}
	}
	json_decref(obj);
	if (a->title.len == 0 && a->body.len > 0)
		reader_derive_title(a, a->body.data, a->body.len);
	if (a->id.len == 0 && a->url.len > 0)
		buf_append(&a->id, a->url.data, a->url.len);

	buf_reset(&c->id);
	buf_printf(&c->id, "%s#%llu", r->id_base, (unsigned long long)lineno);
	st = reader_emit(r, a, reader_where_line(r, lineno), c->id.data, 0);
	return st;
}

lede_status reader_jsonl_run(reader_run *r)
{
	jsonl_ctx c;
	lede_status s = LEDE_OK;
	uint64_t lineno = 0;

	memset(&c, 0, sizeof c);
	reader_article_init(&c.art);
	for (;;) {
		int too_long, eof;

		s = reader_stream_skip_empty(r->in, &lineno);
		if (s != LEDE_OK)
			break;
		s = reader_stream_line(r->in, &c.line, LEDE_MAX_LINE_BYTES,
				       &too_long, &eof);
		if (s != LEDE_OK || eof)
			break;
		lineno++;
		if (too_long) {
			reader_skip(
			    r, reader_where_line(r, lineno), LEDE_ERR_TOO_BIG,
			    "line over %u bytes; skipped", LEDE_MAX_LINE_BYTES);
			continue;
		}
		s = jsonl_line(r, &c, lineno);
		if (s != LEDE_OK)
			break;
	}
	reader_article_free(&c.art);
	buf_free(&c.line);
	buf_free(&c.utf8);
	buf_free(&c.text);
	buf_free(&c.id);
	return s;
}
