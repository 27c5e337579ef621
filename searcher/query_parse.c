/*
 * query_parse.c - the lede query language: string -> qnode tree.
 *
 * Two passes over a string of at most QUERY_MAX_BYTES. The lexer cuts the
 * query into lexemes (words, "phrases", parentheses, the uppercase keywords
 * AND OR NOT NEAR[/n], a leading '-', and field:value), each with its
 * 1-based column in characters for error messages. A recursive-descent
 * parser then builds the tree with the precedence documented in query.h
 * (NEAR > NOT/- > OR > AND > implicit), one C frame group per parenthesis
 * level, capped at QUERY_MAX_DEPTH so no input can exhaust the stack.
 *
 * Every word goes through analyzer_run, the code the indexer ran over the
 * article: a query word that the analyzer splits (non-NATO, U.S.-led, a CJK
 * run) becomes a phrase of its tokens, exactly as they sit in the index;
 * a word giving no token (punctuation, emoji) vanishes. For CJK the
 * overlapping bigrams form the phrase and a lone character is its unigram,
 * because the indexer stores both and the bigrams are the selective ones.
 *
 * Last, a pruning pass drops stopwords from the bag-of-words parts (never
 * from phrases, never from by:/source: names) unless nothing positive would
 * be left, removes what became empty, flattens nested AND/OR and cancels
 * double negation. What remains empty is "empty query".
 *
 * Repairs instead of errors, so a typed query always runs: a missing closing
 * quote or parenthesis is assumed at the end, a stray ')' or an operator
 * with nothing on one side is dropped. Errors are kept for what cannot be
 * guessed without returning nonsense: a malformed date, a one-letter prefix,
 * a malformed or out-of-range NEAR/n, one beside a group, prefix or filter
 * (which has no positions to be near to) or beside another operator, a
 * field name with no value (`title:` alone),
 * an empty query, and the limits.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "query.h"

/* Bytes of the user's text quoted in an error message: enough to recognize
 * it, short enough for one terminal line. */
#define MSG_VALUE_BYTES 48
/* Tokens the analyzer may return for one word or phrase before we stop it:
 * CJK runs give about two tokens per kept term, so twice the term limit is
 * the most that can still be within it. */
#define MAX_WORD_TOKENS (2 * QUERY_MAX_TERMS + 8)

static const char *const field_names[] = {
    [QF_TEXT] = "",	    [QF_TITLE] = "title",     [QF_BYLINE] = "by",
    [QF_SOURCE] = "source", [QF_SECTION] = "section", [QF_LANG] = "lang",
    [QF_HOST] = "host",	    [QF_DATE] = "date"};

/* ---------------------------------------------------------------------
 * Small helpers: nodes, quoting user text into messages.
 * ------------------------------------------------------------------- */

void qnode_free(qnode *n)
{
	/* Recursion is bounded: the parser never builds a tree deeper than
	 * QUERY_MAX_TREE_DEPTH (query.h). */
	if (n == NULL)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		qnode_free(n->kids[i]);
	free(n->kids);
	free(n->term);
	free(n->stem);
	free(n);
}

/* Copies at most MSG_VALUE_BYTES of s into dst (cap bytes) for an error
 * message: control bytes, quotes and invalid UTF-8 become '?', the cut falls
 * on a character boundary and is marked "...". The message reaches a
 * terminal, so nothing from the query may steer it. */
static void msg_value(char *dst, size_t cap, const char *s, size_t n)
{
	size_t o = 0, i = 0;

	while (i < n && o + 8 < cap && i < MSG_VALUE_BYTES) {
		int32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);

		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
		    cp == '\'' || (cp >= 0x2028 && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069)) {
			dst[o++] = '?';
		} else {
			memcpy(dst + o, s + i, k);
			o += k;
		}
		i += k;
	}
	if (i < n && o + 4 <= cap) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
}

/* ---------------------------------------------------------------------
 * Dates. Civil-calendar arithmetic after Howard Hinnant's
 * days_from_civil / civil_from_days (proleptic Gregorian, any year).
 * ------------------------------------------------------------------- */
#define SECS_PER_DAY 86400
/* A relative date takes at most this many digits (99999 days is 270
 * years): keeps the arithmetic far from overflow. */
#define REL_MAX_DIGITS 5

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const int64_t yoe = y - era * 400;
	const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const int64_t doe = z - era * 146097;
	const int64_t yoe =
	    (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const int64_t mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static unsigned days_in_month(int64_t y, unsigned m)
{
	static const unsigned dim[12] = {31, 28, 31, 30, 31, 30,
					 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dim[m - 1];
}

/* Reads exactly n decimal digits at s; -1 if any is not a digit. */
static int64_t read_digits(const char *s, size_t n)
{
	int64_t v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* now moved back by k calendar months, the day clamped to the month's
 * length (3m before May 31 is Feb 28/29), time of day kept. */
static int64_t months_before(int64_t now, int64_t k)
{
	int64_t days = now / SECS_PER_DAY, secs = now % SECS_PER_DAY, y;
	unsigned m, d;

	if (secs < 0) {
		secs += SECS_PER_DAY;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	int64_t mi = y * 12 + (m - 1) - k;
	int64_t ny = mi >= 0 ? mi / 12 : -((-mi + 11) / 12);
	unsigned nm = (unsigned)(mi - ny * 12) + 1;
	if (d > days_in_month(ny, nm))
		d = days_in_month(ny, nm);
	return days_from_civil(ny, nm, d) * SECS_PER_DAY + secs;
}

/* Parses one date: YYYY, YYYY-MM, YYYY-MM-DD (the period: *lo its first
 * second, *hi its last) or Nd/Nw/Nm/Ny (*lo = *hi = now minus that,
 * *relative = 1). Returns 0, or -1 when s is none of these. */
static int parse_date_point(int64_t *lo, int64_t *hi, int *relative,
			    const char *s, size_t n, int64_t now)
{
	int64_t y, v;
	unsigned m = 1, d = 1;

	*relative = 0;
	if (n >= 2 && n <= REL_MAX_DIGITS + 1) {
		char u = s[n - 1];
		v = read_digits(s, n - 1);
		if (v >= 0 && u != '\0' && strchr("dDwWmMyY", u) != NULL) {
			switch (u | 0x20) {
			case 'd':
				*lo = now - v * SECS_PER_DAY;
				break;
			case 'w':
				*lo = now - v * 7 * SECS_PER_DAY;
				break;
			case 'm':
				*lo = months_before(now, v);
				break;
			default:
				*lo = months_before(now, v * 12);
				break;
			}
			*hi = *lo;
			*relative = 1;
			return 0;
		}
	}
	if (n != 4 && n != 7 && n != 10)
		return -1;
	y = read_digits(s, 4);
	if (y <= 0)
		return -1;
	if (n >= 7) {
		v = read_digits(s + 5, 2);
		if (s[4] != '-' || v < 1 || v > 12)
			return -1;
		m = (unsigned)v;
	}
	if (n == 10) {
		v = read_digits(s + 8, 2);
		if (s[7] != '-' || v < 1 || v > days_in_month(y, m))
			return -1;
		d = (unsigned)v;
	}
	*lo = days_from_civil(y, m, d) * SECS_PER_DAY;
	if (n == 4)
		*hi = days_from_civil(y + 1, 1, 1);
	else if (n == 7)
		*hi = m == 12 ? days_from_civil(y + 1, 1, 1)
			      : days_from_civil(y, m + 1, 1);
	else
		*hi = days_from_civil(y, m, d) + 1;
	*hi = *hi * SECS_PER_DAY - 1;
	return 0;
}

static lede_status bad_date(lede_err *err, size_t col, const char *s, size_t n)
{
	char v[MSG_VALUE_BYTES + 16];

	msg_value(v, sizeof v, s, n);
	if (col == 0)
		return err_set(err, LEDE_ERR_QUERY,
			       "bad date '%s' (use YYYY, YYYY-MM, YYYY-MM-DD, "
			       "or 7d, 2w, 3m, 1y)",
			       v);
	return err_set(err, LEDE_ERR_QUERY,
		       "column %zu: bad date '%s' (use YYYY, YYYY-MM, "
		       "YYYY-MM-DD or A..B)",
		       col, v);
}

lede_status query_parse_date(int64_t *lo, int64_t *hi, const char *s,
			     size_t len, int64_t now, lede_err *err)
{
	int rel;

	if (s == NULL || parse_date_point(lo, hi, &rel, s, len, now) != 0)
		return bad_date(err, 0, s ? s : "", s ? len : 0);
	if (rel)
		*hi = INT64_MAX;
	return LEDE_OK;
}

/* date: value, single or A..B with either side open. col names the field
 * in messages. */
static lede_status parse_date_range(int64_t *lo, int64_t *hi, const char *s,
				    size_t n, int64_t now, size_t col,
				    lede_err *err)
{
	const char *dots = NULL;
	int64_t alo, ahi, blo, bhi;
	int rel;

	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '.' && s[i + 1] == '.') {
			dots = s + i;
			break;
		}
	if (dots == NULL) {
		if (parse_date_point(lo, hi, &rel, s, n, now) != 0)
			return bad_date(err, col, s, n);
		if (rel)
			*hi = INT64_MAX;
		return LEDE_OK;
	}
	size_t na = (size_t)(dots - s), nb = n - na - 2;
	if (na == 0 && nb == 0)
		return bad_date(err, col, s, n);
	*lo = INT64_MIN;
	*hi = INT64_MAX;
	if (na > 0) {
		if (parse_date_point(&alo, &ahi, &rel, s, na, now) != 0)
			return bad_date(err, col, s, n);
		*lo = alo;
	}
	if (nb > 0) {
		if (parse_date_point(&blo, &bhi, &rel, dots + 2, nb, now) != 0)
			return bad_date(err, col, s, n);
		*hi = bhi;
	}
	if (*lo > *hi) {
		char v[MSG_VALUE_BYTES + 16];
		msg_value(v, sizeof v, s, n);
		return err_set(err, LEDE_ERR_QUERY,
			       "column %zu: date range '%s' ends before it "
			       "starts",
			       col, v);
	}
	return LEDE_OK;
}

/* ---------------------------------------------------------------------
 * Lexer.
 * ------------------------------------------------------------------- */
typedef enum lxkind {
	LX_WORD,
	LX_PHRASE,
	LX_LPAREN,
	LX_RPAREN,
	LX_AND,
	LX_OR,
	LX_NOT,
	LX_NEAR,
	LX_FIELD,
	LX_END
} lxkind;

enum { VAL_WORD, VAL_PHRASE, VAL_GROUP };

typedef struct lexeme {
	lxkind kind;
	size_t col;	   /* 1-based, in characters */
	size_t start, len; /* WORD, PHRASE, FIELD: the text (value) */
	uint32_t near;	   /* NEAR: the distance */
	qfield field;	   /* FIELD */
	int val;	   /* FIELD: VAL_* */
} lexeme;

typedef struct lexer {
	const char *q;
	size_t len;
	lexeme *v;
	size_t n, cap;
	size_t col_off, col; /* column bookkeeping: col of byte col_off */
	lede_err *err;	     /* for LEDE_ERR_QUERY from the lexer */
} lexer;

/* Byte length of a separator at q[i]: ASCII space and control bytes, and
 * the Unicode spaces pasted queries bring (NBSP, U+2000..200A, U+202F,
 * U+205F, U+3000 between CJK words); 0 if q[i] is none. */
static size_t space_at(const char *q, size_t len, size_t i)
{
	const unsigned char *u = (const unsigned char *)q + i;
	size_t left = len - i;

	if (u[0] <= 0x20 || u[0] == 0x7f)
		return 1;
	if (u[0] == 0xc2 && left >= 2 && u[1] == 0xa0)
		return 2;
	if (u[0] == 0xe2 && left >= 3 &&
	    ((u[1] == 0x80 &&
	      ((u[2] >= 0x80 && u[2] <= 0x8a) || u[2] == 0xaf)) ||
	     (u[1] == 0x81 && u[2] == 0x9f)))
		return 3;
	if (u[0] == 0xe3 && left >= 3 && u[1] == 0x80 && u[2] == 0x80)
		return 3;
	return 0;
}

/* Byte length of a double quote at q[i]: '"' or the typographic ones a
 * word processor substitutes (U+201C, U+201D, U+201E); else 0. */
static size_t quote_at(const char *q, size_t len, size_t i)
{
	const unsigned char *u = (const unsigned char *)q + i;

	if (u[0] == '"')
		return 1;
	if (u[0] == 0xe2 && len - i >= 3 && u[1] == 0x80 && u[2] >= 0x9c &&
	    u[2] <= 0x9e)
		return 3;
	return 0;
}

static int word_end_at(const char *q, size_t len, size_t i)
{
	return space_at(q, len, i) || q[i] == '(' || q[i] == ')' ||
	       quote_at(q, len, i);
}

/* Column (1-based, characters) of byte off; offsets must not decrease
 * between calls, which keeps the whole lexing linear. */
static size_t lex_col(lexer *L, size_t off)
{
	while (L->col_off < off) {
		if (((unsigned char)L->q[L->col_off] & 0xc0) != 0x80)
			L->col++;
		L->col_off++;
	}
	return L->col;
}

static lexeme *lex_push(lexer *L, lxkind k, size_t off)
{
	if (L->n == L->cap) {
		size_t cap = L->cap ? 2 * L->cap : 32;
		lexeme *v = realloc(L->v, cap * sizeof *v);
		if (v == NULL)
			return NULL;
		L->v = v;
		L->cap = cap;
	}
	lexeme *x = &L->v[L->n++];
	memset(x, 0, sizeof *x);
	x->kind = k;
	x->col = lex_col(L, off);
	return x;
}

/* Finds the end of a phrase opened before i: the byte after its closing
 * quote (or len), and the content length in *clen. */
static size_t phrase_end(const char *q, size_t len, size_t i, size_t *clen)
{
	size_t j = i;

	while (j < len && quote_at(q, len, j) == 0)
		j++;
	*clen = j - i;
	return j < len ? j + quote_at(q, len, j) : len;
}

static int field_lookup(qfield *f, const char *s, size_t n)
{
	for (int i = QF_TITLE; i <= QF_DATE; i++) {
		const char *name = field_names[i];
		size_t k = strlen(name);
		if (k != n)
			continue;
		size_t j = 0;
		while (j < n && (s[j] | 0x20) == name[j])
			j++;
		if (j == n) {
			*f = (qfield)i;
			return 1;
		}
	}
	return 0;
}

/* Digits of a NEAR/n distance read, leading zeros aside: more is past
 * QUERY_MAX_NEAR (4 digits) unread, and read_digits stays far from
 * overflow. */
#define NEAR_MAX_DIGITS 9

/* Recognizes the uppercase keywords on the word q[s..e). Returns 1 (a
 * keyword, pushed), 0 (a word), -1 (NOMEM) or -2 (a malformed NEAR/n, an
 * error set in L->err: read as the words "near x" it would search for
 * nonsense without a word of warning). */
static int keyword(lexer *L, size_t s, size_t e)
{
	const char *w = L->q + s;
	size_t n = e - s;
	lexeme *x;

	if (n == 3 && memcmp(w, "AND", 3) == 0)
		return lex_push(L, LX_AND, s) ? 1 : -1;
	if (n == 2 && memcmp(w, "OR", 2) == 0)
		return lex_push(L, LX_OR, s) ? 1 : -1;
	if (n == 3 && memcmp(w, "NOT", 3) == 0)
		return lex_push(L, LX_NOT, s) ? 1 : -1;
	if (n >= 4 && memcmp(w, "NEAR", 4) == 0) {
		int64_t d = QUERY_DEFAULT_NEAR;
		if (n > 4) {
			size_t z = 5;
			if (w[4] != '/')
				return 0; /* NEARBY, NEARLY: words */
			while (z + 1 < n && w[z] == '0')
				z++;
			/* not digits, 0 or past QUERY_MAX_NEAR: an error,
			 * never a distance the user did not type */
			d = n - z > NEAR_MAX_DIGITS ? -1
						    : read_digits(w + z, n - z);
			if (d < 1 || d > QUERY_MAX_NEAR) {
				char v[MSG_VALUE_BYTES + 16];
				msg_value(v, sizeof v, w, n);
				err_set(L->err, LEDE_ERR_QUERY,
					"column %zu: bad NEAR distance '%s' "
					"(use NEAR/n, n a number of words "
					"from 1 to %d)",
					lex_col(L, s), v, QUERY_MAX_NEAR);
				return -2;
			}
		}
		x = lex_push(L, LX_NEAR, s);
		if (x == NULL)
			return -1;
		x->near = (uint32_t)d;
		return 1;
	}
	return 0;
}

/* Cuts q into lexemes, ending with LX_END. Returns LEDE_OK, NOMEM, or
 * LEDE_ERR_QUERY (message in L->err) for what cannot be read without
 * guessing: a malformed NEAR/n, a field name with no value. */
static lede_status lex(lexer *L)
{
	const char *q = L->q;
	size_t len = L->len, i = 0, k;
	lexeme *x;

	while (i < len) {
		k = space_at(q, len, i);
		if (k != 0) {
			i += k;
			continue;
		}
		if (q[i] == '(' || q[i] == ')') {
			if (!lex_push(L, q[i] == '(' ? LX_LPAREN : LX_RPAREN,
				      i))
				return LEDE_ERR_NOMEM;
			i++;
			continue;
		}
		k = quote_at(q, len, i);
		if (k != 0) {
			size_t clen, end = phrase_end(q, len, i + k, &clen);
			x = lex_push(L, LX_PHRASE, i);
			if (x == NULL)
				return LEDE_ERR_NOMEM;
			x->start = i + k;
			x->len = clen;
			i = end;
			continue;
		}
		if (q[i] == '-' || q[i] == '+') {
			/* A run of '-' is one minus; '+' (required) is what
			 * words are anyway. Alone, either is punctuation. */
			size_t j = i;
			while (j < len && (q[j] == '-' || q[j] == '+'))
				j++;
			int minus = memchr(q + i, '-', j - i) != NULL;
			if (j < len && !space_at(q, len, j) && q[j] != ')' &&
			    minus && !lex_push(L, LX_NOT, i))
				return LEDE_ERR_NOMEM;
			i = j;
			continue;
		}
		size_t j = i;
		while (j < len && !word_end_at(q, len, j))
			j++;
		/* field:value, the value glued to the colon. */
		size_t c = i;
		while (c < j && ((q[c] | 0x20) >= 'a' && (q[c] | 0x20) <= 'z'))
			c++;
		qfield f;
		if (c < len && q[c] == ':' && c > i &&
		    field_lookup(&f, q + i, c - i) &&
		    (c + 1 == len || space_at(q, len, c + 1) ||
		     q[c + 1] == ')')) {
			/* `title:` alone: searching for the word "title"
			 * instead would be silent nonsense. */
			err_set(L->err, LEDE_ERR_QUERY,
				"column %zu: %s: has no value (write it "
				"without a space: %s:word, %s:\"a phrase\" or "
				"%s:(a OR b))",
				lex_col(L, i), field_names[f], field_names[f],
				field_names[f], field_names[f]);
			return LEDE_ERR_QUERY;
		}
		if (c < len && q[c] == ':' && c > i && c + 1 < len &&
		    !space_at(q, len, c + 1) && q[c + 1] != ')' &&
		    field_lookup(&f, q + i, c - i)) {
			x = lex_push(L, LX_FIELD, i);
			if (x == NULL)
				return LEDE_ERR_NOMEM;
			x->field = f;
			i = c + 1;
			k = quote_at(q, len, i);
			if (q[i] == '(') {
				x->val = VAL_GROUP;
			} else if (k != 0) {
				x->val = VAL_PHRASE;
				x->start = i + k;
				i = phrase_end(q, len, i + k, &x->len);
			} else {
				x->val = VAL_WORD;
				x->start = i;
				while (i < len && !word_end_at(q, len, i))
					i++;
				x->len = i - x->start;
			}
			continue;
		}
		int kw = keyword(L, i, j);
		if (kw == -2)
			return LEDE_ERR_QUERY;
		if (kw < 0)
			return LEDE_ERR_NOMEM;
		if (kw == 0) {
			x = lex_push(L, LX_WORD, i);
			if (x == NULL)
				return LEDE_ERR_NOMEM;
			x->start = i;
			x->len = j - i;
		}
		i = j;
	}
	return lex_push(L, LX_END, len) ? LEDE_OK : LEDE_ERR_NOMEM;
}

/* ---------------------------------------------------------------------
 * Parser.
 * ------------------------------------------------------------------- */
typedef struct atok {
	char *term, *stem;
	size_t term_len, stem_len;
	size_t start, end; /* bytes in the analyzed string */
	uint32_t pos;
	unsigned flags;
} atok;

typedef struct parser {
	analyzer *a;
	const char *q;
	lexeme *lx;
	size_t at;
	int default_or;
	int keep_stopwords; /* query_opts.keep_stopwords */
	int64_t now;
	size_t nterms;
	lede_err *err;
	lede_status st; /* sticky: first failure */
	atok *toks;	/* analyzer output of the current word */
	size_t ntoks, captoks;
	int toks_over; /* more than MAX_WORD_TOKENS */
} parser;

static lede_status fail(parser *p, lede_status s)
{
	if (p->st == LEDE_OK) {
		p->st = s;
		if (s == LEDE_ERR_NOMEM)
			err_set(p->err, s, "out of memory");
	}
	return p->st;
}

static qnode *node_new(parser *p, qkind k, qfield f, size_t col)
{
	qnode *n = calloc(1, sizeof *n);

	if (n == NULL) {
		fail(p, LEDE_ERR_NOMEM);
		return NULL;
	}
	n->kind = k;
	n->field = f;
	n->col = col;
	return n;
}

/* Appends kid to n; on failure frees kid and records NOMEM. */
static int node_add(parser *p, qnode *n, qnode *kid)
{
	if ((n->nkids & (n->nkids - 1)) == 0) { /* 0, 1, 2, 4...: grow */
		size_t cap = n->nkids ? 2 * n->nkids : 2;
		qnode **k = realloc(n->kids, cap * sizeof *k);
		if (k == NULL) {
			qnode_free(kid);
			fail(p, LEDE_ERR_NOMEM);
			return -1;
		}
		n->kids = k;
	}
	n->kids[n->nkids++] = kid;
	return 0;
}

static int count_term(parser *p, size_t n)
{
	p->nterms += n;
	if (p->nterms > QUERY_MAX_TERMS) {
		if (p->st == LEDE_OK) {
			p->st = LEDE_ERR_QUERY;
			err_set(p->err, LEDE_ERR_QUERY,
				"query has more than %d terms",
				QUERY_MAX_TERMS);
		}
		return -1;
	}
	return 0;
}

static void toks_clear(parser *p)
{
	for (size_t i = 0; i < p->ntoks; i++) {
		free(p->toks[i].term);
		free(p->toks[i].stem);
	}
	p->ntoks = 0;
	p->toks_over = 0;
}

static int collect_token(void *ctx, const token *t)
{
	parser *p = ctx;
	atok *a;

	if (p->ntoks >= MAX_WORD_TOKENS) {
		p->toks_over = 1;
		return 1;
	}
	if (p->ntoks == p->captoks) {
		size_t cap = p->captoks ? 2 * p->captoks : 8;
		atok *v = realloc(p->toks, cap * sizeof *v);
		if (v == NULL) {
			fail(p, LEDE_ERR_NOMEM);
			return 1;
		}
		p->toks = v;
		p->captoks = cap;
	}
	a = &p->toks[p->ntoks];
	memset(a, 0, sizeof *a);
	a->term = lede_strndup(t->term, t->term_len);
	a->term_len = t->term_len;
	if (t->stem != NULL) {
		a->stem = lede_strndup(t->stem, t->stem_len);
		a->stem_len = t->stem_len;
	}
	p->ntoks++; /* counted now so toks_clear frees a partial entry */
	if (a->term == NULL || (t->stem != NULL && a->stem == NULL)) {
		fail(p, LEDE_ERR_NOMEM);
		return 1;
	}
	a->pos = t->pos;
	a->flags = t->flags;
	a->start = t->start;
	a->end = t->end;
	return 0;
}

/* Runs the analyzer over s[0..n) into p->toks, then keeps, of each CJK
 * run, the bigrams (a character covered by a bigram is redundant) and the
 * unigram of a lone character. Returns 0, or -1 with p->st set. */
static int analyze(parser *p, const char *s, size_t n)
{
	lede_status st;
	unsigned char *bigram_at = NULL;
	size_t kept = 0;

	toks_clear(p);
	st = analyzer_run(p->a, s, n, 0, collect_token, p, NULL);
	if (p->st != LEDE_OK)
		return -1;
	if (p->toks_over)
		return count_term(p, QUERY_MAX_TERMS + 1);
	if (st != LEDE_OK && st != LEDE_ERR_INTERRUPTED) {
		fail(p, st);
		err_set(p->err, st, "cannot analyze the query: %s",
			lede_status_str(st));
		return -1;
	}
	if (p->ntoks == 0)
		return 0;
	uint32_t base = p->toks[0].pos, span = 0;
	for (size_t i = 0; i < p->ntoks; i++)
		if (p->toks[i].pos - base > span)
			span = p->toks[i].pos - base;
	bigram_at = calloc((size_t)span + 2, 1);
	if (bigram_at == NULL) {
		fail(p, LEDE_ERR_NOMEM);
		return -1;
	}
	for (size_t i = 0; i < p->ntoks; i++)
		if (p->toks[i].flags & TOKEN_BIGRAM)
			bigram_at[p->toks[i].pos - base] = 1;
	for (size_t i = 0; i < p->ntoks; i++) {
		atok *t = &p->toks[i];
		uint32_t r = t->pos - base;
		if ((t->flags & TOKEN_CJK) && !(t->flags & TOKEN_BIGRAM) &&
		    (bigram_at[r] || (r > 0 && bigram_at[r - 1]))) {
			free(t->term);
			free(t->stem);
			continue;
		}
		p->toks[kept++] = *t;
	}
	p->ntoks = kept;
	free(bigram_at);
	return 0;
}

/* Moves token i of p->toks into a new QN_WORD; the analyzed string
 * started at byte base of the query. */
static qnode *word_from_tok(parser *p, size_t i, qfield f, size_t col,
			    size_t base)
{
	qnode *w = node_new(p, QN_WORD, f, col);

	if (w == NULL)
		return NULL;
	w->src = base + p->toks[i].start;
	w->src_len = p->toks[i].end - p->toks[i].start;
	if (p->toks[i].flags & (TOKEN_CJK | TOKEN_NUMBER))
		w->flags |= QN_F_NOSPELL;
	w->term = p->toks[i].term;
	w->term_len = p->toks[i].term_len;
	w->stem = p->toks[i].stem;
	w->stem_len = p->toks[i].stem_len;
	w->pos = p->toks[i].pos - p->toks[0].pos;
	p->toks[i].term = p->toks[i].stem = NULL;
	if (f == QF_BYLINE || f == QF_SOURCE) {
		/* Names are indexed as words only (A, XO): no stem. */
		free(w->stem);
		w->stem = NULL;
		w->stem_len = 0;
	}
	return w;
}

static size_t utf8_chars(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* Endings after which the stemmer can cut into the typed prefix:
 * "negotiat*" must find "negotiate", whose stem is "negoti". */
static const char *const prefix_endings[] = {"e",   "ed",    "es",   "s",
					     "ing", "ion",   "ions", "y",
					     "al",  "ation", "ment", "ly"};
/* At most this many such stems per prefix: each is one more term. */
#define MAX_PREFIX_STEMS 8

static int starts_with(const char *s, size_t n, const char *p, size_t pn)
{
	return pn <= n && memcmp(s, p, pn) == 0;
}

/* Adds to prefix node x, as QN_WORD kids, the stems of x's prefix
 * completed with prefix_endings that neither the prefix nor its stem
 * already reach as wildcards: those stems are what the index holds for
 * words starting with the prefix. */
static void prefix_stems(parser *p, qnode *x)
{
	buf w = BUF_INIT;

	for (size_t e = 0;
	     e < sizeof prefix_endings / sizeof prefix_endings[0] &&
	     x->nkids < MAX_PREFIX_STEMS && p->st == LEDE_OK;
	     e++) {
		buf_reset(&w);
		buf_append(&w, x->term, x->term_len);
		buf_append_str(&w, prefix_endings[e]);
		if (w.status != LEDE_OK) {
			fail(p, LEDE_ERR_NOMEM);
			break;
		}
		if (analyze(p, w.data, w.len) != 0 || p->ntoks != 1 ||
		    p->toks[0].stem == NULL)
			continue;
		const char *st = p->toks[0].stem;
		size_t sl = p->toks[0].stem_len;
		int dup =
		    starts_with(st, sl, x->term, x->term_len) ||
		    (x->stem && starts_with(st, sl, x->stem, x->stem_len));
		for (size_t k = 0; k < x->nkids && !dup; k++)
			dup = x->kids[k]->term_len == sl &&
			      memcmp(x->kids[k]->term, st, sl) == 0;
		if (dup)
			continue;
		qnode *k = node_new(p, QN_WORD, x->field, x->col);
		if (k == NULL)
			break;
		k->term = p->toks[0].stem;
		k->term_len = sl;
		p->toks[0].stem = NULL;
		node_add(p, x, k);
	}
	buf_free(&w);
}

/* word* on a text field: normalized like an indexed word, at least
 * QUERY_MIN_PREFIX_CHARS long. */
static qnode *make_prefix(parser *p, qfield f, const char *s, size_t n,
			  size_t col)
{
	buf b = BUF_INIT;
	qnode *x = NULL;
	lede_status st;

	st = analyzer_normalize(p->a, &b, s, n);
	if (st != LEDE_OK) {
		buf_free(&b);
		fail(p, st);
		err_set(p->err, st, "cannot analyze the query: %s",
			lede_status_str(st));
		return NULL;
	}
	if (b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	if (utf8_chars(b.data, b.len) < QUERY_MIN_PREFIX_CHARS) {
		char v[MSG_VALUE_BYTES + 16];
		msg_value(v, sizeof v, s, n);
		buf_free(&b);
		fail(p, LEDE_ERR_QUERY);
		err_set(p->err, LEDE_ERR_QUERY,
			"column %zu: prefix '%s*' is too short (use at least "
			"%d characters)",
			col, v, QUERY_MIN_PREFIX_CHARS);
		return NULL;
	}
	if (count_term(p, 1) == 0)
		x = node_new(p, QN_PREFIX, f, col);
	if (x == NULL) {
		buf_free(&b);
		return NULL;
	}
	x->term_len = b.len;
	x->term = buf_detach(&b);
	/* Body and title are indexed as stems: `deployment*` must also reach
	 * "deploy", `happy*` "happi". The prefix's own stem, when it is one
	 * word, goes along (query_build.c uses both). */
	if ((f == QF_TEXT || f == QF_TITLE) &&
	    analyze(p, x->term, x->term_len) == 0 && p->ntoks == 1 &&
	    p->toks[0].stem != NULL &&
	    (p->toks[0].stem_len != x->term_len ||
	     memcmp(p->toks[0].stem, x->term, x->term_len) != 0)) {
		x->stem = p->toks[0].stem;
		x->stem_len = p->toks[0].stem_len;
		p->toks[0].stem = NULL;
	}
	if (p->st == LEDE_OK && (f == QF_TEXT || f == QF_TITLE))
		prefix_stems(p, x);
	if (p->st != LEDE_OK) {
		qnode_free(x);
		return NULL;
	}
	return x;
}

/* A word or a quoted phrase on a text field (body, title:, by:, source:):
 * one token -> QN_WORD, several -> QN_PHRASE, none -> NULL. */
static qnode *make_text(parser *p, qfield f, const char *s, size_t n,
			int quoted, size_t col)
{
	qnode *x;

	if (!quoted && n > 0 && s[n - 1] == '*') {
		while (n > 0 && s[n - 1] == '*')
			n--;
		return make_prefix(p, f, s, n, col);
	}
	if (analyze(p, s, n) != 0 || p->ntoks == 0)
		return NULL;
	if (count_term(p, p->ntoks) != 0)
		return NULL;
	size_t base = (size_t)(s - p->q);
	if (p->ntoks == 1) {
		x = word_from_tok(p, 0, f, col, base);
		if (x == NULL)
			return NULL;
		if (quoted)
			x->flags |= QN_F_EXACT;
		else if (analyzer_is_stopword(p->a, x->term, x->term_len))
			x->flags |= QN_F_STOP;
		x->pos = 0;
		return x;
	}
	x = node_new(p, QN_PHRASE, f, col);
	for (size_t i = 0; x != NULL && i < p->ntoks; i++) {
		qnode *w = word_from_tok(p, i, f, col, base);
		if (w == NULL || node_add(p, x, w) != 0) {
			qnode_free(x);
			return NULL;
		}
		/* marked, not dropped: the builder skips it and keeps the gap */
		if (analyzer_is_stopword(p->a, w->term, w->term_len))
			w->flags |= QN_F_STOP;
	}
	return x;
}

/* Trims ASCII whitespace around a filter value and appends it to b with
 * invalid UTF-8 replaced (utf8_fold wants valid input). Inner spaces stay:
 * the indexer keeps them too (lib/index.c add_bool_folded). */
static lede_status clean_value(buf *b, const char *s, size_t n)
{
	size_t nbad;

	while (n > 0 && ((unsigned char)s[0] <= 0x20 || s[0] == 0x7f)) {
		s++;
		n--;
	}
	while (n > 0 && ((unsigned char)s[n - 1] <= 0x20 || s[n - 1] == 0x7f))
		n--;
	if (n > 0)
		utf8_sanitize(b, s, n, &nbad);
	return b->status;
}

/* The host of a URL or host name as the indexer stores it: no scheme,
 * user, port, path, query or fragment, no leading "www.". */
static void host_part(const char **d, size_t *dn)
{
	const char *p = *d, *e = *d + *dn, *sch = NULL;

	for (const char *q = p; q + 2 < e; q++)
		if (q[0] == ':' && q[1] == '/' && q[2] == '/') {
			sch = q;
			break;
		}
	if (sch != NULL)
		p = sch + 3;
	const char *end = p;
	while (end < e && *end != '/' && *end != '?' && *end != '#' &&
	       *end != ':')
		end++;
	for (const char *q = p; q < end; q++)
		if (*q == '@')
			p = q + 1;
	if (end - p > 4 && (p[0] | 0x20) == 'w' && (p[1] | 0x20) == 'w' &&
	    (p[2] | 0x20) == 'w' && p[3] == '.')
		p += 4;
	while (end > p && end[-1] == '.')
		end--;
	*d = p;
	*dn = (size_t)(end - p);
}

/* section:/lang:/host: -> a boolean term, normalized as the indexer
 * stores it (lib/index.c): section and lang folded without accents, host
 * folded with them, cut to the host name. A trailing '*' (unquoted) makes
 * a prefix over such terms. */
static qnode *make_filter(parser *p, qfield f, const char *s, size_t n,
			  int quoted, size_t col)
{
	static const char *const pfx[] = {[QF_SECTION] = PFX_SECTION,
					  [QF_LANG] = PFX_LANG,
					  [QF_HOST] = PFX_HOST};
	buf v = BUF_INIT, t = BUF_INIT;
	int star = 0;
	qnode *x = NULL;

	if (!quoted && n > 0 && s[n - 1] == '*') {
		while (n > 0 && s[n - 1] == '*')
			n--;
		star = 1;
	}
	if (clean_value(&v, s, n) != LEDE_OK) {
		fail(p, v.status);
		goto out;
	}
	const char *d = v.data ? v.data : "";
	size_t dn = v.len;
	if (f == QF_HOST)
		host_part(&d, &dn);
	if (dn > 0)
		utf8_fold(&t, d, dn, f != QF_HOST);
	if (t.status != LEDE_OK) {
		fail(p, t.status);
		if (t.status != LEDE_ERR_NOMEM)
			err_set(p->err, t.status, "column %zu: bad %s value",
				col, field_names[f]);
		goto out;
	}
	if (t.len == 0)
		goto out; /* section:"" says nothing */
	if (strlen(pfx[f]) + t.len > LEDE_MAX_TERM_BYTES) {
		fail(p, LEDE_ERR_QUERY);
		err_set(p->err, LEDE_ERR_QUERY,
			"column %zu: %s value too long (limit %d bytes)", col,
			field_names[f], LEDE_MAX_TERM_BYTES - 2);
		goto out;
	}
	if (count_term(p, 1) != 0)
		goto out;
	x = node_new(p, star ? QN_PREFIX : QN_FILTER, f, col);
	if (x == NULL)
		goto out;
	if (!star) {
		buf w = BUF_INIT;
		buf_append_str(&w, pfx[f]);
		buf_append(&w, t.data, t.len);
		if (w.status != LEDE_OK) {
			buf_free(&w);
			qnode_free(x);
			x = NULL;
			fail(p, LEDE_ERR_NOMEM);
			goto out;
		}
		x->term_len = w.len;
		x->term = buf_detach(&w);
	} else {
		x->term_len = t.len;
		x->term = buf_detach(&t);
	}
out:
	buf_free(&v);
	buf_free(&t);
	return x;
}

static qnode *make_date(parser *p, const char *s, size_t n, size_t col)
{
	int64_t lo, hi;
	qnode *x;

	if (parse_date_range(&lo, &hi, s, n, p->now, col, p->err) != LEDE_OK) {
		p->st = LEDE_ERR_QUERY;
		return NULL;
	}
	if (count_term(p, 1) != 0)
		return NULL;
	x = node_new(p, QN_DATE, QF_DATE, col);
	if (x != NULL) {
		x->lo = lo;
		x->hi = hi;
	}
	return x;
}

static qnode *make_atom(parser *p, qfield f, size_t start, size_t len,
			int quoted, size_t col)
{
	const char *s = p->q + start;

	switch (f) {
	case QF_SECTION:
	case QF_LANG:
	case QF_HOST:
		return make_filter(p, f, s, len, quoted, col);
	case QF_DATE:
		return make_date(p, s, len, col);
	default:
		return make_text(p, f, s, len, quoted, col);
	}
}

/* Combines left and right with op (QN_AND / QN_OR), flattening a left
 * operand of the same op so chains stay one node (and the tree shallow).
 * Either side may be NULL (dropped). */
static qnode *combine2(parser *p, qkind op, qnode *left, qnode *right)
{
	qnode *n;

	if (left == NULL)
		return right;
	if (right == NULL)
		return left;
	if (left->kind == op) {
		if (node_add(p, left, right) != 0) {
			qnode_free(left);
			return NULL;
		}
		return left;
	}
	n = node_new(p, op, QF_TEXT, left->col);
	if (n == NULL || node_add(p, n, left) != 0) {
		if (n == NULL)
			qnode_free(left);
		qnode_free(right);
		qnode_free(n);
		return NULL;
	}
	if (node_add(p, n, right) != 0) {
		qnode_free(n);
		return NULL;
	}
	return n;
}

static int nearable(const qnode *n)
{
	return n->kind == QN_WORD || n->kind == QN_PHRASE || n->kind == QN_NEAR;
}

/* What a non-word NEAR operand is, for the error message. */
static const char *operand_name(const qnode *n)
{
	switch (n->kind) {
	case QN_PREFIX:
		return "a prefix (word*)";
	case QN_FILTER:
	case QN_DATE:
		return "a filter";
	default:
		return "a group in parentheses";
	}
}

/* left NEAR/d right: one QN_NEAR over all the words of both sides (a
 * phrase operand gives its words; Xapian's NEAR takes terms only). A
 * non-word operand ((group), prefix, filter) has no positions to be near
 * to: that is LEDE_ERR_QUERY naming col, the column of the NEAR, rather
 * than a silent fallback to AND. */
static qnode *combine_near(parser *p, qnode *left, qnode *right, uint32_t d,
			   size_t col)
{
	qnode *n = NULL, *sides[2] = {left, right};

	if (left == NULL || right == NULL)
		return left ? left : right;
	if (!nearable(left) || !nearable(right)) {
		const qnode *bad = nearable(left) ? right : left;
		fail(p, LEDE_ERR_QUERY);
		err_set(p->err, LEDE_ERR_QUERY,
			"column %zu: NEAR joins words and phrases, not %s", col,
			operand_name(bad));
		qnode_free(left);
		qnode_free(right);
		return NULL;
	}
	if (left->kind == QN_NEAR) {
		n = left;
		sides[0] = NULL;
		if (d > n->window)
			n->window = d;
	} else {
		n = node_new(p, QN_NEAR, QF_TEXT, left->col);
		if (n == NULL) {
			qnode_free(left);
			qnode_free(right);
			return NULL;
		}
		n->window = d;
	}
	for (int s = 0; s < 2; s++) {
		qnode *x = sides[s];
		if (x == NULL)
			continue;
		if (x->kind == QN_WORD) {
			sides[s] = NULL; /* node_add owns it from here */
			if (node_add(p, n, x) != 0)
				goto fail;
			continue;
		}
		/* PHRASE or NEAR: move its words. */
		for (size_t i = 0; i < x->nkids; i++) {
			qnode *w = x->kids[i];
			x->kids[i] = NULL;
			if (node_add(p, n, w) != 0)
				goto fail;
		}
		qnode_free(x);
		sides[s] = NULL;
	}
	return n;
fail:
	qnode_free(sides[0]);
	qnode_free(sides[1]);
	qnode_free(n);
	return NULL;
}

static lxkind peek(const parser *p)
{
	return p->lx[p->at].kind;
}

static int starts_operand(lxkind k)
{
	return k == LX_WORD || k == LX_PHRASE || k == LX_LPAREN ||
	       k == LX_FIELD || k == LX_NOT;
}

static qnode *parse_seq(parser *p, qfield ctx, unsigned depth);

static qnode *parse_group(parser *p, qfield ctx, unsigned depth, size_t col)
{
	qnode *n;

	if (depth + 1 > QUERY_MAX_DEPTH) {
		fail(p, LEDE_ERR_QUERY);
		err_set(p->err, LEDE_ERR_QUERY,
			"column %zu: parentheses nested too deeply (limit %d)",
			col, QUERY_MAX_DEPTH);
		return NULL;
	}
	p->at++; /* ( */
	n = parse_seq(p, ctx, depth + 1);
	if (peek(p) == LX_RPAREN)
		p->at++;
	return n;
}

static qnode *parse_atom(parser *p, qfield ctx, unsigned depth)
{
	const lexeme *x = &p->lx[p->at];

	switch (x->kind) {
	case LX_WORD:
	case LX_PHRASE:
		p->at++;
		return make_atom(p, ctx, x->start, x->len, x->kind == LX_PHRASE,
				 x->col);
	case LX_LPAREN:
		return parse_group(p, ctx, depth, x->col);
	case LX_FIELD:
		p->at++;
		if (x->val == VAL_GROUP) {
			if (peek(p) != LX_LPAREN)
				return NULL;
			return parse_group(p, x->field, depth, x->col);
		}
		return make_atom(p, x->field, x->start, x->len,
				 x->val == VAL_PHRASE, x->col);
	case LX_END:
		return NULL;
	default:
		p->at++; /* never stall */
		return NULL;
	}
}

static int is_binary_op(lxkind k)
{
	return k == LX_AND || k == LX_OR || k == LX_NEAR;
}

/* NEAR right after or before another operator (`a NEAR NEAR b`, `a NEAR
 * OR b`, `a OR NEAR b`, `a NOT NEAR b`): dropping one of the two, as runs
 * of AND and OR are repaired, would drop NEAR's constraint or make it up.
 * An error at col, the NEAR's column. */
static void fail_near_beside_op(parser *p, size_t col)
{
	fail(p, LEDE_ERR_QUERY);
	err_set(p->err, LEDE_ERR_QUERY,
		"column %zu: NEAR joins words and phrases, not another "
		"operator (AND, OR, NOT, NEAR)",
		col);
}

static qnode *parse_near(parser *p, qfield ctx, unsigned depth)
{
	qnode *left = parse_atom(p, ctx, depth);

	while (p->st == LEDE_OK && peek(p) == LX_NEAR) {
		uint32_t d = p->lx[p->at].near;
		size_t col = p->lx[p->at].col;
		p->at++;
		lxkind k = peek(p);
		if (k == LX_NOT) {
			fail(p, LEDE_ERR_QUERY);
			err_set(p->err, LEDE_ERR_QUERY,
				"column %zu: NEAR joins words and phrases, not "
				"an excluded one (write the exclusion apart)",
				col);
			break;
		}
		if (is_binary_op(k)) {
			fail_near_beside_op(p, col);
			break;
		}
		if (!starts_operand(k))
			break; /* a trailing NEAR: dropped like AND, OR */
		qnode *right = parse_atom(p, ctx, depth);
		left = combine_near(p, left, right, d, col);
	}
	return left;
}

static qnode *parse_unary(parser *p, qfield ctx, unsigned depth)
{
	int neg = 0;
	size_t col = p->lx[p->at].col;
	qnode *n, *x;

	while (peek(p) == LX_NOT) {
		neg ^= 1;
		p->at++;
	}
	if (neg && peek(p) == LX_NEAR) {
		fail_near_beside_op(p, p->lx[p->at].col);
		return NULL;
	}
	if (!starts_operand(peek(p)))
		return NULL; /* NOT with nothing after it */
	n = parse_near(p, ctx, depth);
	if (n == NULL || !neg)
		return n;
	x = node_new(p, QN_NOT, QF_TEXT, col);
	if (x == NULL || node_add(p, x, n) != 0) {
		if (x == NULL)
			qnode_free(n);
		qnode_free(x);
		return NULL;
	}
	return x;
}

/* Skips a run of AND and OR after one was taken: `a OR OR b`, `a AND OR
 * b` mean the first; a NEAR in the run is an error. */
static void skip_ops(parser *p)
{
	while (peek(p) == LX_AND || peek(p) == LX_OR)
		p->at++;
	if (peek(p) == LX_NEAR)
		fail_near_beside_op(p, p->lx[p->at].col);
}

static qnode *parse_or(parser *p, qfield ctx, unsigned depth)
{
	qnode *left = parse_unary(p, ctx, depth);

	while (p->st == LEDE_OK && peek(p) == LX_OR) {
		p->at++;
		skip_ops(p);
		if (!starts_operand(peek(p)))
			break;
		left = combine2(p, QN_OR, left, parse_unary(p, ctx, depth));
	}
	return left;
}

static qnode *parse_and(parser *p, qfield ctx, unsigned depth)
{
	qnode *left = parse_or(p, ctx, depth);

	while (p->st == LEDE_OK && peek(p) == LX_AND) {
		p->at++;
		skip_ops(p);
		if (!starts_operand(peek(p)))
			break;
		left = combine2(p, QN_AND, left, parse_or(p, ctx, depth));
	}
	return left;
}

static int is_filter(const qnode *n, unsigned depth)
{
	if (depth > QUERY_MAX_TREE_DEPTH)
		return 0;
	switch (n->kind) {
	case QN_FILTER:
	case QN_DATE:
		return 1;
	case QN_PREFIX:
		return n->field >= QF_SECTION;
	case QN_AND:
	case QN_OR:
		for (size_t i = 0; i < n->nkids; i++)
			if (!is_filter(n->kids[i], depth + 1))
				return 0;
		return n->nkids > 0;
	default:
		return 0;
	}
}

int qnode_is_filter(const qnode *n)
{
	return n != NULL && is_filter(n, 0);
}

/* Items side by side: ANDed, or with default_or the scoring ones ORed and
 * the negations and filters ANDed on top. */
static qnode *parse_seq(parser *p, qfield ctx, unsigned depth)
{
	qnode *all = NULL, *any = NULL, *n;

	while (p->st == LEDE_OK) {
		lxkind k = peek(p);
		if (k == LX_END)
			break;
		if (k == LX_RPAREN) {
			if (depth > 0)
				break;
			p->at++; /* stray ')' */
			continue;
		}
		if (!starts_operand(k)) {
			p->at++; /* operator without a left side */
			continue;
		}
		n = parse_and(p, ctx, depth);
		if (n == NULL)
			continue;
		if (p->default_or && n->kind != QN_NOT && !qnode_is_filter(n))
			any = combine2(p, QN_OR, any, n);
		else
			all = combine2(p, QN_AND, all, n);
	}
	if (any != NULL && all != NULL) {
		/* (or ...) first, as typed; prune() flattens the nested AND. */
		n = node_new(p, QN_AND, QF_TEXT, any->col);
		if (n == NULL || node_add(p, n, any) != 0) {
			if (n == NULL)
				qnode_free(any);
			qnode_free(n);
			qnode_free(all);
			return NULL;
		}
		if (node_add(p, n, all) != 0) {
			qnode_free(n);
			return NULL;
		}
		return n;
	}
	return any ? any : all;
}

/* ---------------------------------------------------------------------
 * Pruning: stopwords, empty groups, nesting.
 * ------------------------------------------------------------------- */

/* Positive content other than stopwords: if there is none, the query is
 * all stopwords and keeps them. */
static size_t count_content(const qnode *n, int neg, unsigned depth)
{
	size_t c = 0;

	if (depth > QUERY_MAX_TREE_DEPTH)
		return 0;
	switch (n->kind) {
	case QN_WORD:
		return !neg && !(n->flags & QN_F_STOP);
	case QN_NOT:
		return n->nkids ? count_content(n->kids[0], !neg, depth + 1)
				: 0;
	case QN_AND:
	case QN_OR:
		for (size_t i = 0; i < n->nkids; i++)
			c += count_content(n->kids[i], neg, depth + 1);
		return c;
	case QN_ALL:
		return 0;
	default:
		return !neg;
	}
}

/* Returns n pruned (possibly another node, or NULL when nothing is left);
 * n itself is consumed. Fails only on NOMEM, which leaves the tree as it
 * was built (still valid). */
static qnode *prune(parser *p, qnode *n, int drop_stops, unsigned depth)
{
	if (depth > QUERY_MAX_TREE_DEPTH)
		return n; /* cannot happen: the parser bounds the depth */
	switch (n->kind) {
	case QN_WORD:
		if (drop_stops && (n->flags & QN_F_STOP) &&
		    (n->field == QF_TEXT || n->field == QF_TITLE)) {
			qnode_free(n);
			return NULL;
		}
		return n;
	case QN_NOT: {
		qnode *k = n->nkids
			       ? prune(p, n->kids[0], drop_stops, depth + 1)
			       : NULL;
		n->nkids = 0;
		if (k == NULL) {
			qnode_free(n);
			return NULL;
		}
		if (k->kind == QN_NOT) { /* NOT NOT x = x */
			qnode *x = k->kids[0];
			k->nkids = 0;
			qnode_free(k);
			qnode_free(n);
			return x;
		}
		n->kids[0] = k;
		n->nkids = 1;
		return n;
	}
	case QN_AND:
	case QN_OR: {
		size_t m = 0, total = 0;
		for (size_t i = 0; i < n->nkids; i++) {
			n->kids[i] =
			    prune(p, n->kids[i], drop_stops, depth + 1);
			if (n->kids[i] == NULL)
				continue;
			total +=
			    n->kids[i]->kind == n->kind ? n->kids[i]->nkids : 1;
		}
		qnode **v = total ? malloc(total * sizeof *v) : NULL;
		if (total && v == NULL) {
			/* Keep the unflattened kids: still a valid tree. */
			fail(p, LEDE_ERR_NOMEM);
			for (size_t i = 0; i < n->nkids; i++)
				if (n->kids[i] != NULL)
					n->kids[m++] = n->kids[i];
			n->nkids = m;
			return n;
		}
		for (size_t i = 0; i < n->nkids; i++) {
			qnode *k = n->kids[i];
			if (k == NULL)
				continue;
			if (k->kind == n->kind) {
				memcpy(v + m, k->kids, k->nkids * sizeof *v);
				m += k->nkids;
				k->nkids = 0;
				qnode_free(k);
			} else {
				v[m++] = k;
			}
		}
		free(n->kids);
		n->kids = v;
		n->nkids = m;
		if (m == 0) {
			qnode_free(n);
			return NULL;
		}
		if (m == 1) {
			qnode *k = v[0];
			n->nkids = 0;
			qnode_free(n);
			return k;
		}
		return n;
	}
	default:
		return n;
	}
}

lede_status query_parse(qnode **out, analyzer *a, const char *q, size_t len,
			const query_opts *o, lede_err *err)
{
	lexer L = {0};
	parser p = {0};
	qnode *root = NULL;
	lede_status st;
	int blank;

	*out = NULL;
	err_clear(err);
	if (a == NULL || (q == NULL && len > 0))
		return err_set(err, LEDE_ERR_INVALID, "no analyzer or query");
	if (len > QUERY_MAX_BYTES)
		return err_set(err, LEDE_ERR_QUERY,
			       "query too long (%zu bytes; the limit is %d)",
			       len, QUERY_MAX_BYTES);
	L.q = q ? q : "";
	L.len = len;
	L.col = 1;
	L.err = err;
	st = lex(&L);
	if (st != LEDE_OK) {
		free(L.v);
		if (st == LEDE_ERR_NOMEM)
			err_set(err, st, "out of memory");
		return st;
	}
	p.a = a;
	p.q = L.q;
	p.lx = L.v;
	p.default_or = o ? o->default_or : 0;
	p.keep_stopwords = o ? o->keep_stopwords : 0;
	p.now = o && o->now ? o->now : (int64_t)time(NULL);
	p.err = err;
	blank = L.n == 1; /* only LX_END */
	root = parse_seq(&p, QF_TEXT, 0);
	toks_clear(&p);
	free(p.toks);
	free(L.v);
	if (p.st == LEDE_OK && root != NULL)
		root = prune(&p, root,
			     !p.keep_stopwords && count_content(root, 0, 0) > 0,
			     0);
	if (p.st != LEDE_OK) {
		qnode_free(root);
		if (err != NULL && err->status == LEDE_OK)
			err_set(err, p.st, "%s", lede_status_str(p.st));
		return p.st;
	}
	if (root == NULL && blank)
		return err_set(err, LEDE_ERR_QUERY,
			       "column 1: empty query: give at least one word "
			       "to search for");
	if (root == NULL)
		return err_set(err, LEDE_ERR_QUERY,
			       "column 1: empty query: it holds no word to "
			       "search for (only operators, punctuation or "
			       "empty quotes)");
	*out = root;
	return LEDE_OK;
}

/* ---------------------------------------------------------------------
 * Describe: the canonical S-expression.
 * ------------------------------------------------------------------- */

static void put_atom(buf *b, const char *s, size_t n)
{
	int q = n == 0;

	for (size_t i = 0; i < n && !q; i++) {
		unsigned char c = (unsigned char)s[i];
		q = c <= 0x20 || c == 0x7f || c == '(' || c == ')' ||
		    c == '"' || c == '\\';
	}
	if (!q) {
		buf_append(b, s, n);
		return;
	}
	buf_append_byte(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			buf_append_byte(b, '\\');
			buf_append_byte(b, c);
		} else if (c < 0x20 || c == 0x7f) {
			buf_printf(b, "\\x%02x", c);
		} else {
			buf_append_byte(b, c);
		}
	}
	buf_append_byte(b, '"');
}

static void put_time(buf *b, int64_t t)
{
	int64_t days = t / SECS_PER_DAY, secs = t % SECS_PER_DAY, y;
	unsigned m, d;

	if (secs < 0) {
		secs += SECS_PER_DAY;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	buf_printf(b, "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long)y, m, d,
		   (unsigned)(secs / 3600), (unsigned)(secs / 60 % 60),
		   (unsigned)(secs % 60));
}

const char *query_field_name(qfield f)
{
	return f <= QF_DATE ? field_names[f] : "";
}

static void put_field(buf *b, qfield f)
{
	if (f != QF_TEXT && f <= QF_DATE) {
		buf_append_str(b, field_names[f]);
		buf_append_byte(b, ':');
	}
}

static void describe(buf *b, const qnode *n, unsigned depth)
{
	static const char *const ops[] = {
	    [QN_AND] = "and", [QN_OR] = "or", [QN_NOT] = "not"};

	if (depth > QUERY_MAX_TREE_DEPTH) {
		buf_append_str(b, "...");
		return;
	}
	switch (n->kind) {
	case QN_WORD:
		put_field(b, n->field);
		if (n->flags & QN_F_EXACT)
			buf_append_byte(b, '=');
		put_atom(b, n->term, n->term_len);
		if (n->stem != NULL && !(n->flags & QN_F_EXACT) &&
		    (n->stem_len != n->term_len ||
		     memcmp(n->stem, n->term, n->term_len) != 0)) {
			buf_append_byte(b, '~');
			put_atom(b, n->stem, n->stem_len);
		}
		break;
	case QN_PHRASE:
		put_field(b, n->field);
		buf_append_str(b, "(phrase");
		for (size_t i = 0; i < n->nkids; i++) {
			buf_append_byte(b, ' ');
			put_atom(b, n->kids[i]->term, n->kids[i]->term_len);
		}
		buf_append_byte(b, ')');
		break;
	case QN_NEAR:
		buf_printf(b, "(near/%u", n->window);
		for (size_t i = 0; i < n->nkids; i++) {
			buf_append_byte(b, ' ');
			put_field(b, n->kids[i]->field);
			put_atom(b, n->kids[i]->term, n->kids[i]->term_len);
		}
		buf_append_byte(b, ')');
		break;
	case QN_PREFIX:
		put_field(b, n->field);
		put_atom(b, n->term, n->term_len);
		buf_append_byte(b, '*');
		if (n->stem != NULL) {
			buf_append_byte(b, '~');
			put_atom(b, n->stem, n->stem_len);
		}
		for (size_t i = 0; i < n->nkids; i++) {
			buf_append_str(b, i ? "," : "+");
			put_atom(b, n->kids[i]->term, n->kids[i]->term_len);
		}
		break;
	case QN_FILTER:
		buf_append_str(b, "(filter ");
		put_atom(b, n->term, n->term_len);
		buf_append_byte(b, ')');
		break;
	case QN_DATE:
		buf_append_str(b, "(date ");
		if (n->lo != INT64_MIN)
			put_time(b, n->lo);
		buf_append_str(b, "..");
		if (n->hi != INT64_MAX)
			put_time(b, n->hi);
		buf_append_byte(b, ')');
		break;
	case QN_ALL:
		buf_append_str(b, "(all)");
		break;
	case QN_AND:
	case QN_OR:
	case QN_NOT:
		buf_append_byte(b, '(');
		buf_append_str(b, ops[n->kind]);
		for (size_t i = 0; i < n->nkids; i++) {
			buf_append_byte(b, ' ');
			describe(b, n->kids[i], depth + 1);
		}
		buf_append_byte(b, ')');
		break;
	}
}

/* The shortest prefix node of the tree, or NULL. */
static const qnode *shortest_prefix(const qnode *n, unsigned depth)
{
	const qnode *best = NULL;

	if (n->kind == QN_PREFIX)
		return n;
	if (depth > QUERY_MAX_TREE_DEPTH)
		return NULL;
	for (size_t i = 0; i < n->nkids; i++) {
		const qnode *x = shortest_prefix(n->kids[i], depth + 1);
		if (x != NULL && (best == NULL || x->term_len < best->term_len))
			best = x;
	}
	return best;
}

lede_status query_wildcard_error(lede_err *err, const qnode *root)
{
	const qnode *x = root ? shortest_prefix(root, 0) : NULL;
	char v[MSG_VALUE_BYTES + 16];

	if (x == NULL)
		return err_set(err, LEDE_ERR_QUERY,
			       "the query expands to too many words");
	msg_value(v, sizeof v, x->term, x->term_len);
	return err_set(err, LEDE_ERR_QUERY,
		       "prefix '%s%s%s*' matches too many words; make it "
		       "longer",
		       x->field == QF_TEXT ? "" : field_names[x->field],
		       x->field == QF_TEXT ? "" : ":", v);
}

lede_status query_describe(buf *out, const qnode *n)
{
	if (n == NULL)
		return buf_append_str(out, "(nothing)");
	describe(out, n, 0);
	return out->status;
}
