/*
 * reader_text.c - plain text and Markdown articles, one per file, shaped
 * like wire copy:
 *
 *     ---                                  optional front matter, or
 *     title: ...                           "Key: value" header lines
 *     ---                                  (title date author source url
 *     # The title                          lang section tags id)
 *     ![](https://img.example/1.jpg)       image lines: dropped
 *     By JANE DOE and JOHN ROE, Agency     byline line -> byline, source
 *     Agency News                          outlet under it -> source
 *     FEBRUARY 13, 2025 – Stating that...  dateline -> date
 *     WASHINGTON (Reuters) - The ...       dateline -> source (and date)
 *     ...paragraphs...
 *     Source: https://example.com/story    -> url
 *
 * Metadata is looked for only in the head (TEXT_HEAD_LINES lines) and the
 * last line, never guessed from the middle of the story.
 *
 * The title, in order: a "title:" header; a Markdown heading ("# Title",
 * or a line underlined with === or ---); a short first line (at most
 * TEXT_TITLE_MAX_CHARS characters, no final period) followed by a blank
 * line, or directly by a byline or a date line, which is then not part
 * of the body. Without a title line, the
 * title is derived from the body's first line: that line when it is short
 * with no final period, else its first sentence (after the dateline), cut
 * at a word boundary to TEXT_DERIVED_TITLE_CHARS characters with "…".
 * JSONL and TREC records without a title get one by the same rule
 * (reader_derive_title).
 *
 * Date: a header, a line holding only a date, or a dateline at the start
 * of the first paragraph ("FEBRUARY 13, 2025 –", "ZÜRICH, 13 February 2025
 * –", "PARIS, Feb. 13, 2025 (AFP) —"); else the file's mtime (counted as
 * no_date). A dateline without a year ("MOSCOW, Feb 13 (Reuters) -")
 * gives the agency but no date: the year is not guessed.
 *
 * url: a "Source:"/"URL:"/"Link:" header or last line holding a URL; else
 * the first image's URL (the design keeps image URLs: a wire photo URL
 * points at the outlet that published it). Markdown links keep their text
 * in the body, headings lose their "#" marks.
 */
#include <string.h>
#include <strings.h>

#include "reader.h"

/* Metadata lines are looked for in the first lines only. */
#define TEXT_HEAD_LINES 64
/* A title line is at most this many characters (wire headlines are under
 * 100; a longer first line is the lead paragraph). */
#define TEXT_TITLE_MAX_CHARS 120
/* A title derived from the first sentence is cut to this many characters. */
#define TEXT_DERIVED_TITLE_CHARS 100
/* Words before a period checked for abbreviations ("Gen.", "Corp."). */
#define TEXT_ABBREV_MAX 8
/* Markdown link text and URL lengths looked at: longer is not a link, and
 * the bound keeps a line of a million "[" linear. */
#define TEXT_LINK_TEXT_MAX 512
#define TEXT_LINK_URL_MAX 4096
/* Place names in datelines ("SÃO PAULO", "KYIV/WARSAW") are short. */
#define TEXT_PLACE_MAX_BYTES 48
#define TEXT_PLACE_MAX_WORDS 4
/* Agency names in dateline parentheses ("Reuters", "AFP"). */
#define TEXT_AGENCY_MAX_BYTES 40

typedef struct span {
	size_t start, len;
} span;

typedef struct text_ctx {
	reader_run *r;
	reader_article *a;
	const char *s; /* whole text, valid UTF-8 */
	size_t len;
	span head[TEXT_HEAD_LINES];
	size_t nhead;  /* lines in head[] */
	buf image_url; /* first image URL */
	int have_url;  /* url set from a header or last line */
} text_ctx;

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void trim(const char **s, size_t *len)
{
	while (*len > 0 && is_space(**s))
		(*s)++, (*len)--;
	while (*len > 0 && is_space((*s)[*len - 1]))
		(*len)--;
}

static size_t chars(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

static int blank_line(const char *s, size_t len)
{
	trim(&s, &len);
	return len == 0;
}

static int starts_url(const char *s, size_t len)
{
	return (len > 7 && strncasecmp(s, "http://", 7) == 0) ||
	       (len > 8 && strncasecmp(s, "https://", 8) == 0);
}

/* "![alt](url ...)" alone on a line: returns 1 and the URL. */
static int image_line(const char *s, size_t len, const char **url, size_t *ul)
{
	const char *p, *e;

	trim(&s, &len);
	if (len < 5 || s[0] != '!' || s[1] != '[' || s[len - 1] != ')')
		return 0;
	p = memchr(s, ']', len);
	if (p == NULL || p + 1 >= s + len || p[1] != '(')
		return 0;
	p += 2;
	e = p;
	while (e < s + len - 1 && !is_space(*e))
		e++;
	*url = p;
	*ul = (size_t)(e - p);
	return 1;
}

/* A date found in the text replaces an unparseable header date. */
static void set_date(reader_article *a, int64_t t, const date_note *note)
{
	a->date = t;
	buf_reset(&a->date_text);
	reader_article_zone(a, note);
}

/* Dash separators of datelines: "-", "--", "–", "—". Returns the length
 * of the dash at s, or 0. */
static size_t dash_at(const char *s, size_t len)
{
	if (len >= 2 && s[0] == '-' && s[1] == '-')
		return 2;
	if (len >= 1 && s[0] == '-')
		return 1;
	if (len >= 3 && (unsigned char)s[0] == 0xe2 &&
	    (unsigned char)s[1] == 0x80 &&
	    ((unsigned char)s[2] == 0x93 || (unsigned char)s[2] == 0x94 ||
	     (unsigned char)s[2] == 0x95))
		return 3;
	return 0;
}

/* Skips blanks and no-break spaces within a line. */
static size_t skip_spaces(const char *s, size_t len, size_t i)
{
	for (;;) {
		if (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		else if (i + 1 < len && (unsigned char)s[i] == 0xc2 &&
			 (unsigned char)s[i + 1] == 0xa0)
			i += 2;
		else
			return i;
	}
}

static int upper_start(const char *s, size_t len)
{
	unsigned char c = len ? (unsigned char)s[0] : 0;

	return (c >= 'A' && c <= 'Z') || c >= 0xc0;
}

/* A dateline at the start of the first paragraph. When apply, sets the
 * date and the source (agency in parentheses) if found and not set yet.
 * Returns the offset where the story text starts after the dateline, or
 * 0 when there is none. */
static size_t dateline(reader_article *a, const char *s, size_t len, int apply)
{
	int64_t t;
	date_note note;
	size_t i, n, place_words = 0, agency_at = 0, agency_len = 0;
	int have_date = 0, in_word = 0, lower = 0;

	/* "FEBRUARY 13, 2025 – ...", "2025-02-13: ..." */
	n = date_scan_note(&t, s, len, &note);
	if (n > 0) {
		i = skip_spaces(s, len, n);
		if (i < len && s[i] == '(') {
			const char *close = memchr(s + i, ')', len - i);

			if (close != NULL && (size_t)(close - s) - i - 1 <=
						 TEXT_AGENCY_MAX_BYTES) {
				agency_at = i + 1;
				agency_len = (size_t)(close - s) - i - 1;
				i = skip_spaces(s, len,
						(size_t)(close - s) + 1);
			}
		}
		if (i == len || dash_at(s + i, len - i) || s[i] == ':') {
			if (apply && a->date == LEDE_NO_DATE)
				set_date(a, t, &note);
			if (apply && agency_len > 0 && a->source.len == 0)
				buf_append(&a->source, s + agency_at,
					   agency_len);
			if (i < len)
				i += s[i] == ':' ? 1 : dash_at(s + i, len - i);
			return skip_spaces(s, len, i);
		}
		return 0;
	}
	/* "PLACE[, date] [(Agency)] -" with PLACE in capitalised words. */
	for (i = 0; i < len && i <= TEXT_PLACE_MAX_BYTES; i++) {
		char ch = s[i];

		/* A dash ends the place only after a blank: "Twenty-three"
		 * is a word, "WASHINGTON - " a dateline. */
		if (ch == ',' || ch == '(' ||
		    (i > 0 && s[i - 1] == ' ' && dash_at(s + i, len - i)))
			break;
		if (ch >= 'a' && ch <= 'z')
			lower = 1;
		if (ch == ' ') {
			in_word = 0;
			continue;
		}
		if (!in_word) {
			in_word = 1;
			place_words++;
			if (!upper_start(s + i, len - i))
				return 0;
		}
	}
	if (i == 0 || i >= len || i > TEXT_PLACE_MAX_BYTES ||
	    place_words == 0 || place_words > TEXT_PLACE_MAX_WORDS)
		return 0;
	if (s[i] == ',') {
		size_t j = skip_spaces(s, len, i + 1);

		n = date_scan_note(&t, s + j, len - j, &note);
		if (n > 0) {
			have_date = 1;
			i = j + n;
		} else {
			/* "MOSCOW, Feb 13 (Reuters) -": no year, no date; go to
			 * the agency if it is near. */
			const char *open =
			    memchr(s + j, '(', len - j < 24 ? len - j : 24);

			if (open == NULL)
				return 0;
			i = (size_t)(open - s);
		}
	}
	i = skip_spaces(s, len, i);
	if (i < len && s[i] == '(') {
		const char *close = memchr(s + i, ')', len - i);

		if (close == NULL ||
		    (size_t)(close - s) - i - 1 > TEXT_AGENCY_MAX_BYTES ||
		    !upper_start(s + i + 1, len - i - 1))
			return 0;
		agency_at = i + 1;
		agency_len = (size_t)(close - s) - i - 1;
		i = skip_spaces(s, len, (size_t)(close - s) + 1);
	}
	n = i < len ? dash_at(s + i, len - i) : 0;
	if (n == 0 && agency_len == 0)
		return 0;
	/* A bare "Place - " needs the wire's capitals ("WASHINGTON - "). */
	if (!have_date && agency_len == 0 && lower)
		return 0;
	if (apply && have_date && a->date == LEDE_NO_DATE)
		set_date(a, t, &note);
	if (apply && agency_len > 0 && a->source.len == 0)
		buf_append(&a->source, s + agency_at, agency_len);
	return skip_spaces(s, len, i + n);
}

/* Header keys ("Key: value" at the top, or in front matter). */
enum hdr {
	H_NONE,
	H_TITLE,
	H_DATE,
	H_BYLINE,
	H_SOURCE,
	H_URL,
	H_LANG,
	H_SECTION,
	H_TAGS,
	H_ID
};

static enum hdr header_key(const char *k, size_t n)
{
	static const struct {
		const char *name;
		enum hdr h;
	} keys[] = {
	    {"title", H_TITLE},
	    {"headline", H_TITLE},
	    {"date", H_DATE},
	    {"published", H_DATE},
	    {"pubdate", H_DATE},
	    {"published_at", H_DATE},
	    {"dateline", H_DATE},
	    {"author", H_BYLINE},
	    {"authors", H_BYLINE},
	    {"byline", H_BYLINE},
	    {"source", H_SOURCE},
	    {"outlet", H_SOURCE},
	    {"publisher", H_SOURCE},
	    {"url", H_URL},
	    {"link", H_URL},
	    {"canonical", H_URL},
	    {"lang", H_LANG},
	    {"language", H_LANG},
	    {"section", H_SECTION},
	    {"category", H_SECTION},
	    {"tags", H_TAGS},
	    {"keywords", H_TAGS},
	    {"id", H_ID},
	};

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strlen(keys[i].name) == n &&
		    strncasecmp(keys[i].name, k, n) == 0)
			return keys[i].h;
	return H_NONE;
}

/* Splits "Key: value"; returns the key kind (H_NONE if not a header). */
static enum hdr header_line(const char *s, size_t len, const char **v,
			    size_t *vl)
{
	const char *colon;
	const char *k = s;
	size_t kl;

	trim(&s, &len);
	colon = memchr(s, ':', len < 20 ? len : 20);
	if (colon == NULL)
		return H_NONE;
	k = s;
	kl = (size_t)(colon - s);
	*v = colon + 1;
	*vl = len - kl - 1;
	trim(v, vl);
	if (*vl >= 2 && ((**v == '"' && (*v)[*vl - 1] == '"') ||
			 (**v == '\'' && (*v)[*vl - 1] == '\'')))
		(*v)++, *vl -= 2;
	return header_key(k, kl);
}

static void apply_header(text_ctx *c, enum hdr h, const char *v, size_t vl)
{
	reader_article *a = c->a;

	switch (h) {
	case H_TITLE:
		buf_reset(&a->title);
		buf_append(&a->title, v, vl);
		break;
	case H_DATE:
		reader_article_date(a, v, vl);
		break;
	case H_BYLINE:
		buf_reset(&a->byline);
		byline_parse(v, vl, &a->byline, &a->source);
		break;
	case H_SOURCE:
		if (starts_url(v, vl)) {
			buf_reset(&a->url);
			buf_append(&a->url, v, vl);
			c->have_url = 1;
		} else {
			buf_reset(&a->source);
			buf_append(&a->source, v, vl);
		}
		break;
	case H_URL:
		buf_reset(&a->url);
		buf_append(&a->url, v, vl);
		c->have_url = 1;
		break;
	case H_LANG:
		buf_reset(&a->lang);
		buf_append(&a->lang, v, vl);
		break;
	case H_SECTION:
		buf_reset(&a->section);
		buf_append(&a->section, v, vl);
		break;
	case H_TAGS: {
		/* "a, b" or "[a, b]" */
		if (vl >= 2 && v[0] == '[' && v[vl - 1] == ']')
			v++, vl -= 2;
		for (size_t from = 0, k = 0; k <= vl; k++) {
			if (k == vl || v[k] == ',') {
				const char *t = v + from;
				size_t tl = k - from;

				trim(&t, &tl);
				if (tl >= 2 && (t[0] == '"' || t[0] == '\''))
					t++, tl -= 2;
				reader_article_add_tag(a, t, tl);
				from = k + 1;
			}
		}
		break;
	}
	case H_ID:
		buf_reset(&a->id);
		buf_append(&a->id, v, vl);
		break;
	default:
		break;
	}
}

/* Front matter ("---" ... "---") or header lines at head[i]; returns the
 * index of the first line after them. */
static size_t headers(text_ctx *c, size_t i)
{
	const char *v;
	size_t vl;
	const span *h = c->head;

	if (i < c->nhead && h[i].len >= 3 &&
	    strncmp(c->s + h[i].start, "---", 3) == 0 &&
	    blank_line(c->s + h[i].start + 3, h[i].len - 3)) {
		for (size_t j = i + 1; j < c->nhead; j++) {
			const char *l = c->s + h[j].start;

			if (h[j].len >= 3 && strncmp(l, "---", 3) == 0 &&
			    blank_line(l + 3, h[j].len - 3)) {
				for (size_t k = i + 1; k < j; k++) {
					enum hdr kind =
					    header_line(c->s + h[k].start,
							h[k].len, &v, &vl);

					if (kind != H_NONE)
						apply_header(c, kind, v, vl);
				}
				return j + 1;
			}
		}
		return i; /* not closed: not front matter */
	}
	while (i < c->nhead) {
		enum hdr kind =
		    header_line(c->s + h[i].start, h[i].len, &v, &vl);

		if (kind == H_NONE)
			break;
		apply_header(c, kind, v, vl);
		i++;
	}
	return i;
}

static size_t skip_blank_lines(const text_ctx *c, size_t i)
{
	while (i < c->nhead &&
	       blank_line(c->s + c->head[i].start, c->head[i].len))
		i++;
	return i;
}

static int date_line(reader_article *a, const char *s, size_t len, int apply);

static int line_blank(const text_ctx *c, size_t i)
{
	return blank_line(c->s + c->head[i].start, c->head[i].len);
}

/* What may follow a title line: a blank line and more text, or directly a
 * byline ("Headline\nBY JANE DOE\n\n...") or a line holding only a
 * date. */
static int title_followed(text_ctx *c, size_t i)
{
	const char *l = c->s + c->head[i].start;
	size_t ll = c->head[i].len;

	if (blank_line(l, ll))
		return skip_blank_lines(c, i) < c->nhead;
	return byline_is_line(l, ll) || date_line(c->a, l, ll, 0);
}

/* Records the URL of an image line (the first one) and returns 1. */
static int take_image(text_ctx *c, const char *s, size_t len)
{
	const char *u;
	size_t ul;

	if (!image_line(s, len, &u, &ul))
		return 0;
	if (c->image_url.len == 0)
		buf_append(&c->image_url, u, ul);
	return 1;
}

/* "===" or "---" underline of a setext heading. */
static int underline(const char *s, size_t len)
{
	trim(&s, &len);
	if (len < 2 || (s[0] != '=' && s[0] != '-'))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] != s[0])
			return 0;
	return 1;
}

/* Appends s without Markdown strong-emphasis marks ("**", "__"). */
static void append_unmarked(buf *out, const char *s, size_t len)
{
	size_t run = 0;

	for (size_t i = 0; i + 1 < len; i++) {
		if ((s[i] == '*' && s[i + 1] == '*') ||
		    (s[i] == '_' && s[i + 1] == '_')) {
			buf_append(out, s + run, i - run);
			i++;
			run = i + 1;
		}
	}
	if (run < len)
		buf_append(out, s + run, len - run);
}

/* Appends a title line without its Markdown marks ("# ", "**", trailing
 * "#"s). */
static void set_title(reader_article *a, const char *s, size_t len)
{
	trim(&s, &len);
	while (len > 0 && s[0] == '#')
		s++, len--;
	trim(&s, &len);
	while (len > 0 && s[len - 1] == '#')
		len--;
	trim(&s, &len);
	buf_reset(&a->title);
	append_unmarked(&a->title, s, len);
}

static int short_line(const char *s, size_t len)
{
	trim(&s, &len);
	return len > 0 && chars(s, len) <= TEXT_TITLE_MAX_CHARS &&
	       s[len - 1] != '.' && s[len - 1] != ',' && s[len - 1] != ';';
}

/* A line that holds only a date ("February 13, 2025", "Published: ...",
 * "Updated 13 Feb 2025 10:00 GMT"). When apply, sets the date if none. */
static int date_line(reader_article *a, const char *s, size_t len, int apply)
{
	static const char *const prefixes[] = {"published", "updated", "posted",
					       "date",	    "le ",     "am "};
	int64_t t;
	date_note note;

	trim(&s, &len);
	for (size_t k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++) {
		size_t n = strlen(prefixes[k]);

		if (len > n && strncasecmp(s, prefixes[k], n) == 0) {
			s += n;
			len -= n;
			if (len > 0 && s[0] == ':')
				s++, len--;
			if (len > 3 && strncasecmp(s, " on", 3) == 0)
				s += 3, len -= 3;
			trim(&s, &len);
			break;
		}
	}
	if (len == 0 || !date_parse_note(&t, s, len, &note))
		return 0;
	if (apply && a->date == LEDE_NO_DATE)
		set_date(a, t, &note);
	return 1;
}

static int abbreviation_before(const char *s, size_t dot)
{
	/* Abbreviations are short: look back a few bytes only (bounds the
	 * work on a line of a million periods). */
	size_t floor = dot > TEXT_ABBREV_MAX ? dot - TEXT_ABBREV_MAX : 0;
	static const char *const abbrs[] = {
	    "mr",  "mrs", "ms",	 "dr",	 "st",	"jr",	"sr",	"gen",
	    "sen", "rep", "gov", "prof", "no",	"vs",	"inc",	"corp",
	    "co",  "ltd", "lt",	 "col",	 "sgt", "capt", "cmdr", "adm"};
	size_t w = dot;

	while (w > floor && !is_space(s[w - 1]) && s[w - 1] != '(')
		w--;
	if (w == floor && floor > 0)
		return 0;
	if (dot - w == 1)
		return 1; /* an initial: "J. Doe", "U.S." */
	if (dot - w >= 2 && memchr(s + w, '.', dot - w) != NULL)
		return 1; /* "U.S." */
	for (size_t k = 0; k < sizeof abbrs / sizeof abbrs[0]; k++)
		if (strlen(abbrs[k]) == dot - w &&
		    strncasecmp(abbrs[k], s + w, dot - w) == 0)
			return 1;
	return 0;
}

/* Title from the first body line s: the line if short, else its first
 * sentence cut at a word boundary. */
static void derive_title(reader_article *a, const char *s, size_t len)
{
	size_t end, cut, nchars = 0, last_space = 0;

	trim(&s, &len);
	if (len == 0)
		return;
	end = len;
	if (short_line(s, len)) {
		set_title(a, s, len);
		return;
	}
	/* The sentence end only matters within the title's length. */
	if (end > TEXT_DERIVED_TITLE_CHARS * 4 + 1)
		end = TEXT_DERIVED_TITLE_CHARS * 4 + 1;
	for (size_t i = 0; i < end; i++) {
		if ((s[i] == '.' || s[i] == '!' || s[i] == '?') &&
		    (i + 1 == len || is_space(s[i + 1])) &&
		    !(s[i] == '.' && abbreviation_before(s, i))) {
			end = i + 1;
			break;
		}
	}
	if (end > len)
		end = len;
	cut = end;
	for (size_t i = 0; i < end; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (is_space(s[i]))
			last_space = i;
		if (++nchars > TEXT_DERIVED_TITLE_CHARS) {
			cut = last_space > 0 ? last_space : i;
			break;
		}
	}
	buf_reset(&a->title);
	buf_append(&a->title, s, cut);
	if (cut < end)
		buf_append_str(&a->title, "\xe2\x80\xa6");
}

void reader_derive_title(reader_article *a, const char *s, size_t len)
{
	const char *nl;
	size_t ll, dl;

	if (a->title.len > 0 || s == NULL || len == 0)
		return;
	while (len > 0 && is_space(*s))
		s++, len--;
	if (len == 0)
		return;
	nl = memchr(s, '\n', len);
	ll = nl != NULL ? (size_t)(nl - s) : len;
	dl = dateline(a, s, ll, 0);
	derive_title(a, s + dl, ll - dl);
}

/* Appends a body line with Markdown reduced to its text: heading marks
 * and "**"/"__" dropped, "[text](url)" -> "text", inline images dropped. */
static void body_line(buf *out, const char *s, size_t len)
{
	size_t i = 0, run;

	while (i < len && s[i] == '#')
		i++;
	if (i > 0 && i < len && s[i] == ' ')
		i++;
	else
		i = 0;
	run = i;
	while (i < len) {
		if (s[i] == '[' ||
		    (s[i] == '!' && i + 1 < len && s[i + 1] == '[')) {
			int img = s[i] == '!';
			size_t o = i + (size_t)img, tl, ul;
			const char *close, *paren = NULL;

			tl = len - o < TEXT_LINK_TEXT_MAX ? len - o
							  : TEXT_LINK_TEXT_MAX;
			close = memchr(s + o, ']', tl);
			if (close != NULL && (size_t)(close - s) + 1 < len &&
			    close[1] == '(') {
				ul = len - (size_t)(close - s);
				if (ul > TEXT_LINK_URL_MAX)
					ul = TEXT_LINK_URL_MAX;
				paren = memchr(close, ')', ul);
			}
			if (paren != NULL) {
				append_unmarked(out, s + run, i - run);
				if (!img)
					append_unmarked(out, s + o + 1,
							(size_t)(close - s) -
							    o - 1);
				i = (size_t)(paren - s) + 1;
				run = i;
				continue;
			}
		}
		i++;
	}
	append_unmarked(out, s + run, len - run);
}

/* The last non-blank line: a "Source: https://..." line sets url and is
 * not body. Returns the body's end offset. */
static size_t trailing_url(text_ctx *c)
{
	size_t e = c->len, b;
	const char *v;
	size_t vl;
	enum hdr h;

	while (e > 0 && is_space(c->s[e - 1]))
		e--;
	b = e;
	while (b > 0 && c->s[b - 1] != '\n')
		b--;
	h = header_line(c->s + b, e - b, &v, &vl);
	if ((h == H_SOURCE || h == H_URL) && starts_url(v, vl)) {
		if (!c->have_url) {
			buf_reset(&c->a->url);
			buf_append(&c->a->url, v, vl);
			c->have_url = 1;
		}
		return b;
	}
	return c->len;
}

static lede_status parse(text_ctx *c)
{
	reader_article *a = c->a;
	size_t i, body_from, body_end, pos = 0, dl;
	const char *l;
	size_t ll;
	int titled;

	/* Head lines. */
	c->nhead = 0;
	while (pos < c->len && c->nhead < TEXT_HEAD_LINES) {
		const char *nl = memchr(c->s + pos, '\n', c->len - pos);
		size_t e = nl ? (size_t)(nl - c->s) : c->len;

		c->head[c->nhead].start = pos;
		c->head[c->nhead].len = e - pos;
		c->nhead++;
		pos = nl ? e + 1 : c->len;
	}
	i = skip_blank_lines(c, 0);
	i = headers(c, i);
	for (;;) {
		i = skip_blank_lines(c, i);
		if (i < c->nhead &&
		    take_image(c, c->s + c->head[i].start, c->head[i].len))
			i++;
		else
			break;
	}

	/* Title line. */
	titled = a->title.len > 0;
	if (!titled && i < c->nhead) {
		l = c->s + c->head[i].start;
		ll = c->head[i].len;
		if (ll > 1 && l[0] == '#' && (l[1] == ' ' || l[1] == '#')) {
			set_title(a, l, ll);
			i++;
			titled = 1;
		} else if (i + 1 < c->nhead && !blank_line(l, ll) &&
			   underline(c->s + c->head[i + 1].start,
				     c->head[i + 1].len) &&
			   short_line(l, ll)) {
			set_title(a, l, ll);
			i += 2;
			titled = 1;
		} else if (short_line(l, ll) && !byline_is_line(l, ll) &&
			   i + 1 < c->nhead && title_followed(c, i + 1) &&
			   dateline(a, l, ll, 0) == 0 &&
			   !date_line(a, l, ll, 0)) {
			set_title(a, l, ll);
			i++;
			titled = 1;
		}
	}

	/* Byline, date and image lines between the title and the story. */
	for (;;) {
		i = skip_blank_lines(c, i);
		if (i >= c->nhead)
			break;
		l = c->s + c->head[i].start;
		ll = c->head[i].len;
		if (take_image(c, l, ll)) {
			i++;
		} else if (byline_is_line(l, ll)) {
			buf_reset(&a->byline);
			byline_parse(l, ll, &a->byline, &a->source);
			i++;
			/* "By Jane Doe" over "Agency News": the outlet. */
			if (i < c->nhead && !line_blank(c, i) &&
			    !date_line(a, c->s + c->head[i].start,
				       c->head[i].len, 0) &&
			    dateline(a, c->s + c->head[i].start, c->head[i].len,
				     0) == 0 &&
			    byline_outlet_line(
				c->s + c->head[i].start, c->head[i].len,
				i + 1 >= c->nhead || line_blank(c, i + 1),
				&a->source))
				i++;
		} else if (date_line(a, l, ll, 1)) {
			i++;
		} else {
			break;
		}
	}
	body_from = i < c->nhead ? c->head[i].start : c->len;
	body_end = trailing_url(c);
	if (body_end < body_from)
		body_end = body_from;

	/* Dateline and derived title, from the first body line. */
	if (i < c->nhead) {
		l = c->s + c->head[i].start;
		ll = c->head[i].len;
		dl = dateline(a, l, ll, 1);
		if (!titled)
			derive_title(a, l + dl, ll - dl);
	}

	/* Body: the rest, image lines dropped, Markdown reduced. */
	pos = body_from;
	while (pos < body_end) {
		const char *nl = memchr(c->s + pos, '\n', body_end - pos);
		size_t e = nl ? (size_t)(nl - c->s) : body_end;

		if (!take_image(c, c->s + pos, e - pos)) {
			body_line(&a->body, c->s + pos, e - pos);
			buf_append_byte(&a->body, '\n');
		}
		pos = nl ? e + 1 : body_end;
	}
	if (!c->have_url && c->image_url.len > 0)
		buf_append(&a->url, c->image_url.data, c->image_url.len);
	if (a->body.status != LEDE_OK || a->title.status != LEDE_OK)
		return LEDE_ERR_NOMEM;
	return LEDE_OK;
}

lede_status reader_text_run(reader_run *r)
{
	buf raw = BUF_INIT, text = BUF_INIT;
	reader_article a;
	text_ctx c;
	int too_big;
	lede_status s;

	reader_article_init(&a);
	memset(&c, 0, sizeof c);
	s = reader_stream_slurp(r->in, &raw, LEDE_MAX_ARTICLE_BYTES, &too_big);
	if (s != LEDE_OK)
		goto out;
	if (too_big) {
		reader_skip(r, r->name, LEDE_ERR_TOO_BIG,
			    "file over %u bytes: not an article; skipped",
			    LEDE_MAX_ARTICLE_BYTES);
		goto out;
	}
	s = reader_decode(r, &text, raw.data ? raw.data : "", raw.len, &a.nbad);
	if (s != LEDE_OK)
		goto out;
	buf_free(&raw);
	c.r = r;
	c.a = &a;
	c.s = text.data ? text.data : "";
	c.len = text.len;
	if (c.len >= 3 && memcmp(c.s, "\xef\xbb\xbf", 3) == 0)
		c.s += 3, c.len -= 3;
	s = parse(&c);
	if (s != LEDE_OK) {
		s = err_set(r->err, s, "%s: out of memory", r->name);
		goto out;
	}
	s = reader_emit(r, &a, r->name, r->id_base, 1);
out:
	buf_free(&raw);
	buf_free(&text);
	buf_free(&c.image_url);
	reader_article_free(&a);
	return s;
}
