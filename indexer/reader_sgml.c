/*
 * reader_sgml.c - the SGML that TREC and Reuters-21578 share: cutting a
 * stream into <DOC>...</DOC> records, finding elements inside a record, and
 * turning element content into text (entities, optional markup removal).
 *
 * Not an SGML parser, on purpose: the real files are not well formed.
 * Reuters has unescaped "<" in bodies ("<AMERICAN EXPRESS CO>" is a company
 * name, not a tag) and control-character references (&#2; &#3; &#5; &#22;
 * &#31;); TREC collections mix <P>, <F P=102>, <TABLE> into <TEXT>, and
 * some files lose a </DOC>. So records are found by their own open and
 * close tags only, each record is held whole (it is one article, capped by
 * LEDE_MAX_ARTICLE_BYTES), and everything else is searched inside it.
 *
 * The splitter is a byte-level state machine over decompressed chunks, so a
 * tag split across two chunks, or a file that is one long line, works the
 * same as a tidy file.
 */
#include <string.h>
#include <strings.h>

#include "reader.h"

/* Longest tag the splitter looks at: Reuters' <REUTERS ...> open tag with
 * its five attributes is about 110 bytes. A longer "<..." run is text. */
#define SGML_TAG_MAX 512

typedef struct split_state {
	buf rec;	   /* the current record, from its open tag */
	int inside;	   /* in a record */
	int overflow;	   /* the current record passed the cap */
	uint64_t rec_line; /* line of the current record's open tag */
	uint64_t ordinal;  /* records seen, skipped ones included */
	char tag[SGML_TAG_MAX];
	size_t tag_len;
	int in_tag;
	uint64_t tag_line;
} split_state;

static int name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
	       c == ':';
}

static int blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Is s[0..len) ("<...>" or "</...>") a tag named name? 1 = open, 2 = close,
 * 0 = neither. */
static int tag_kind(const char *s, size_t len, const char *name)
{
	size_t n = strlen(name), i = 1;
	int close = 0;

	if (len < 3 || s[0] != '<')
		return 0;
	if (s[1] == '/') {
		close = 1;
		i = 2;
	}
	if (len - i < n || strncasecmp(s + i, name, n) != 0)
		return 0;
	i += n;
	if (i < len && name_char((unsigned char)s[i]))
		return 0;
	return close ? 2 : 1;
}

static void rec_append(split_state *st, const char *p, size_t n)
{
	if (st->overflow || n == 0)
		return;
	if (n > LEDE_MAX_ARTICLE_BYTES - st->rec.len) {
		st->overflow = 1;
		buf_free(&st->rec);
		return;
	}
	buf_append(&st->rec, p, n);
}

lede_status sgml_split(reader_run *r, const char *name, sgml_record_cb rec,
		       void *ctx)
{
	split_state st;
	uint64_t line = 1;
	lede_status s = LEDE_OK;

	memset(&st, 0, sizeof st);
	for (;;) {
		const char *p;
		size_t n, seg = 0;

		s = reader_stream_chunk(r->in, &p, &n);
		if (s != LEDE_OK || n == 0)
			break;
		for (size_t i = 0; i < n && s == LEDE_OK; i++) {
			unsigned char c = (unsigned char)p[i];
			int kind;

			if (c == '\n')
				line++;
			if (c == '<') {
				/* A new "<" restarts the tag: "a < b <DOC>". */
				st.in_tag = 1;
				st.tag_len = 0;
				st.tag_line = line;
			}
			if (!st.in_tag)
				continue;
			if (st.tag_len == SGML_TAG_MAX) {
				st.in_tag = 0;
				continue;
			}
			st.tag[st.tag_len++] = (char)c;
			if (c != '>')
				continue;
			st.in_tag = 0;
			kind = tag_kind(st.tag, st.tag_len, name);
			if (kind == 1) {
				if (st.inside)
					reader_skip(
					    r,
					    reader_where_line(r, st.rec_line),
					    LEDE_ERR_FORMAT,
					    "<%s> has no </%s> before the next "
					    "<%s>; "
					    "record skipped",
					    name, name, name);
				st.inside = 1;
				st.overflow = 0;
				st.ordinal++;
				st.rec_line = st.tag_line;
				buf_reset(&st.rec);
				rec_append(&st, st.tag, st.tag_len);
				seg = i + 1;
			} else if (kind == 2 && st.inside) {
				rec_append(&st, p + seg, i + 1 - seg);
				seg = i + 1;
				st.inside = 0;
				if (st.overflow) {
					reader_skip(
					    r,
					    reader_where_line(r, st.rec_line),
					    LEDE_ERR_TOO_BIG,
					    "record over %u bytes; skipped",
					    LEDE_MAX_ARTICLE_BYTES);
				} else if (st.rec.status != LEDE_OK) {
					s = err_set(r->err, LEDE_ERR_NOMEM,
						    "%s: out of memory",
						    r->name);
				} else {
					s = rec(r, st.rec.data, st.rec.len,
						st.rec_line, st.ordinal, ctx);
				}
			}
		}
		if (st.inside && s == LEDE_OK)
			rec_append(&st, p + seg, n - seg);
		if (s != LEDE_OK)
			break;
	}
	if (s == LEDE_OK && st.inside)
		reader_skip(r, reader_where_line(r, st.rec_line),
			    LEDE_ERR_FORMAT,
			    "<%s> has no </%s> before the end of the file; "
			    "record skipped",
			    name, name);
	buf_free(&st.rec);
	return s;
}

/* If s[i] starts a tag named name (open or close as wanted), returns the
 * index after its ">", else 0. */
static size_t tag_at(const char *s, size_t len, size_t i, const char *name,
		     int close)
{
	size_t n = strlen(name), j = i + 1;
	const char *gt;

	if (s[i] != '<')
		return 0;
	if (close) {
		if (j >= len || s[j] != '/')
			return 0;
		j++;
	}
	if (len - j < n || strncasecmp(s + j, name, n) != 0)
		return 0;
	j += n;
	if (j < len && name_char((unsigned char)s[j]))
		return 0;
	if (j < len && s[j] != '>' && !blank((unsigned char)s[j]) &&
	    !(s[j] == '/' && !close))
		return 0;
	/* Tags are short: a "<TEXT" with no ">" nearby is text, and the
	 * bound keeps a record of a million "<TEXT" linear. */
	gt =
	    memchr(s + j, '>', len - j < SGML_TAG_MAX ? len - j : SGML_TAG_MAX);
	if (gt == NULL)
		return 0;
	return (size_t)(gt - s) + 1;
}

int sgml_element(const char *s, size_t len, size_t *pos, const char *name,
		 const char **cs, size_t *cl)
{
	size_t i = *pos, start = 0, end;

	while (i < len) {
		const char *lt = memchr(s + i, '<', len - i);

		if (lt == NULL)
			return 0;
		i = (size_t)(lt - s);
		start = tag_at(s, len, i, name, 0);
		if (start != 0)
			break;
		i++;
	}
	if (i >= len)
		return 0;
	/* The content ends at the close tag, or at the next open tag of the
	 * same name (a lost close tag), or at the end. */
	for (end = start; end < len; end++) {
		const char *lt = memchr(s + end, '<', len - end);
		size_t after;

		if (lt == NULL) {
			end = len;
			break;
		}
		end = (size_t)(lt - s);
		after = tag_at(s, len, end, name, 1);
		if (after != 0) {
			*cs = s + start;
			*cl = end - start;
			*pos = after;
			return 1;
		}
		if (tag_at(s, len, end, name, 0) != 0)
			break;
	}
	if (end > len)
		end = len;
	*cs = s + start;
	*cl = end - start;
	*pos = end;
	return 1;
}

int sgml_attr(const char *s, size_t len, const char *attr, const char **vs,
	      size_t *vl)
{
	const char *gt = memchr(s, '>', len);
	size_t n = strlen(attr), end = gt ? (size_t)(gt - s) : len;

	for (size_t i = 1; i + n < end; i++) {
		size_t j;

		if (!blank((unsigned char)s[i - 1]) ||
		    strncasecmp(s + i, attr, n) != 0)
			continue;
		j = i + n;
		while (j < end && blank((unsigned char)s[j]))
			j++;
		if (j >= end || s[j] != '=')
			continue;
		j++;
		while (j < end && blank((unsigned char)s[j]))
			j++;
		if (j < end && (s[j] == '"' || s[j] == '\'')) {
			const char *q = memchr(s + j + 1, s[j], end - j - 1);

			if (q == NULL)
				return 0;
			*vs = s + j + 1;
			*vl = (size_t)(q - (s + j + 1));
			return 1;
		}
		*vs = s + j;
		while (j < end && !blank((unsigned char)s[j]))
			j++;
		*vl = (size_t)(s + j - *vs);
		return 1;
	}
	return 0;
}

/* Named entities: the XML five, and the HTML ones that news text uses
 * (Latin-1 letters, typographic punctuation). */
static const struct {
	const char *name;
	int32_t cp;
} entities[] = {
    {"lt", '<'},       {"gt", '>'},	   {"amp", '&'},      {"quot", '"'},
    {"apos", '\''},    {"nbsp", 0xa0},	   {"iexcl", 0xa1},   {"cent", 0xa2},
    {"pound", 0xa3},   {"yen", 0xa5},	   {"sect", 0xa7},    {"copy", 0xa9},
    {"laquo", 0xab},   {"reg", 0xae},	   {"deg", 0xb0},     {"plusmn", 0xb1},
    {"micro", 0xb5},   {"para", 0xb6},	   {"middot", 0xb7},  {"raquo", 0xbb},
    {"frac14", 0xbc},  {"frac12", 0xbd},   {"frac34", 0xbe},  {"iquest", 0xbf},
    {"Agrave", 0xc0},  {"Aacute", 0xc1},   {"Acirc", 0xc2},   {"Atilde", 0xc3},
    {"Auml", 0xc4},    {"Aring", 0xc5},	   {"AElig", 0xc6},   {"Ccedil", 0xc7},
    {"Egrave", 0xc8},  {"Eacute", 0xc9},   {"Ecirc", 0xca},   {"Euml", 0xcb},
    {"Igrave", 0xcc},  {"Iacute", 0xcd},   {"Icirc", 0xce},   {"Iuml", 0xcf},
    {"Ntilde", 0xd1},  {"Ograve", 0xd2},   {"Oacute", 0xd3},  {"Ocirc", 0xd4},
    {"Otilde", 0xd5},  {"Ouml", 0xd6},	   {"times", 0xd7},   {"Oslash", 0xd8},
    {"Ugrave", 0xd9},  {"Uacute", 0xda},   {"Ucirc", 0xdb},   {"Uuml", 0xdc},
    {"Yacute", 0xdd},  {"szlig", 0xdf},	   {"agrave", 0xe0},  {"aacute", 0xe1},
    {"acirc", 0xe2},   {"atilde", 0xe3},   {"auml", 0xe4},    {"aring", 0xe5},
    {"aelig", 0xe6},   {"ccedil", 0xe7},   {"egrave", 0xe8},  {"eacute", 0xe9},
    {"ecirc", 0xea},   {"euml", 0xeb},	   {"igrave", 0xec},  {"iacute", 0xed},
    {"icirc", 0xee},   {"iuml", 0xef},	   {"ntilde", 0xf1},  {"ograve", 0xf2},
    {"oacute", 0xf3},  {"ocirc", 0xf4},	   {"otilde", 0xf5},  {"ouml", 0xf6},
    {"divide", 0xf7},  {"oslash", 0xf8},   {"ugrave", 0xf9},  {"uacute", 0xfa},
    {"ucirc", 0xfb},   {"uuml", 0xfc},	   {"yacute", 0xfd},  {"yuml", 0xff},
    {"OElig", 0x152},  {"oelig", 0x153},   {"Scaron", 0x160}, {"scaron", 0x161},
    {"ndash", 0x2013}, {"mdash", 0x2014},  {"lsquo", 0x2018}, {"rsquo", 0x2019},
    {"sbquo", 0x201a}, {"ldquo", 0x201c},  {"rdquo", 0x201d}, {"bdquo", 0x201e},
    {"bull", 0x2022},  {"hellip", 0x2026}, {"euro", 0x20ac},  {"trade", 0x2122},
    {"shy", 0xad},     {"thinsp", 0x2009}, {"ensp", 0x2002},  {"emsp", 0x2003},
};

/* Reads the entity at s[i] ("&...;"). Returns its length (0: not an
 * entity) and the code point in *cp (-1: produce nothing). */
static size_t entity(const char *s, size_t len, size_t i, int32_t *cp)
{
	size_t j = i + 1;
	const char *semi;
	size_t n;

	/* Entities are short; look for the ';' nearby only. */
	n = len - j < 12 ? len - j : 12;
	semi = memchr(s + j, ';', n);
	if (semi == NULL)
		return 0;
	n = (size_t)(semi - (s + j));
	if (n >= 2 && s[j] == '#') {
		uint32_t v = 0;
		size_t k = j + 1, digits = 0;
		int hex = 0;

		if (s[k] == 'x' || s[k] == 'X') {
			hex = 1;
			k++;
		}
		for (; k < j + n; k++, digits++) {
			char c = s[k];
			unsigned d;

			if (c >= '0' && c <= '9')
				d = (unsigned)(c - '0');
			else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
				d = (unsigned)((c | 0x20) - 'a' + 10);
			else
				return 0;
			v = v * (hex ? 16 : 10) + d;
			if (v > 0x10ffff)
				v = 0x110000; /* keep it invalid, no overflow */
		}
		if (digits == 0)
			return 0;
		if (v == '\t' || v == '\n' || v == '\r')
			*cp = (int32_t)v;
		else if (v < 0x20 || v == 0x7f || (v >= 0x80 && v < 0xa0))
			*cp = ' '; /* control references: Reuters' &#3; */
		else if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
			*cp = -1;
		else
			*cp = (int32_t)v;
		return n + 2;
	}
	for (size_t k = 0; k < sizeof entities / sizeof entities[0]; k++) {
		if (strlen(entities[k].name) == n &&
		    strncmp(entities[k].name, s + j, n) == 0) {
			*cp = entities[k].cp;
			return n + 2;
		}
	}
	/* Case-insensitive second chance for the XML five (&AMP; &LT;). */
	for (size_t k = 0; k < 5; k++) {
		if (strlen(entities[k].name) == n &&
		    strncasecmp(entities[k].name, s + j, n) == 0) {
			*cp = entities[k].cp;
			return n + 2;
		}
	}
	return 0;
}

static void put_cp(buf *out, int32_t cp)
{
	char e[4];

	if (cp < 0)
		return;
	buf_append(out, e, utf8_encode(cp, e));
}

/* Tags that end a paragraph when markup is stripped. */
static int block_tag(const char *s, size_t n)
{
	static const char *const blocks[] = {
	    "p",   "div",	 "hl",	    "h1",      "h2",	   "h3", "h4",
	    "h5",  "h6",	 "li",	    "tr",      "table",	   "dd", "dt",
	    "pre", "blockquote", "section", "article", "headline", "lp", "text",
	    "ul",  "ol",	 "hr",	    "f",       "fig"};

	for (size_t k = 0; k < sizeof blocks / sizeof blocks[0]; k++)
		if (strlen(blocks[k]) == n && strncasecmp(blocks[k], s, n) == 0)
			return 1;
	return 0;
}

void sgml_text(buf *out, const char *s, size_t len, int strip_tags)
{
	size_t i = 0, run = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c == '&') {
			int32_t cp;
			size_t n = entity(s, len, i, &cp);

			if (n > 0) {
				buf_append(out, s + run, i - run);
				put_cp(out, cp);
				i += n;
				run = i;
				continue;
			}
		} else if (c == '<' && strip_tags && i + 1 < len) {
			unsigned char d = (unsigned char)s[i + 1];
			const char *gt;

			if (d == '!' && i + 3 < len && s[i + 2] == '-' &&
			    s[i + 3] == '-') {
				/* Comment: to "-->" or the end. */
				const char *e = NULL;

				for (size_t k = i + 4; k + 2 < len; k++) {
					if (s[k] == '-' && s[k + 1] == '-' &&
					    s[k + 2] == '>') {
						e = s + k + 3;
						break;
					}
				}
				buf_append(out, s + run, i - run);
				i = e ? (size_t)(e - s) : len;
				run = i;
				continue;
			}
			if ((d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z') ||
			    d == '/' || d == '!' || d == '?') {
				gt = memchr(s + i, '>',
					    len - i < SGML_TAG_MAX
						? len - i
						: SGML_TAG_MAX);
				if (gt != NULL) {
					size_t ns = i + 1 + (d == '/'), ne = ns;

					while (ne < len &&
					       name_char((unsigned char)s[ne]))
						ne++;
					buf_append(out, s + run, i - run);
					if (ne - ns == 2 &&
					    strncasecmp(s + ns, "br", 2) == 0)
						buf_append_byte(out, '\n');
					else if (block_tag(s + ns, ne - ns))
						buf_append(out, "\n\n", 2);
					i = (size_t)(gt - s) + 1;
					run = i;
					continue;
				}
			}
		}
		i++;
	}
	buf_append(out, s + run, len - run);
}
