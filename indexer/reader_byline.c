/*
 * reader_byline.c - bylines: "By Jane Doe, Agency News" -> byline
 * "Jane Doe", source "Agency News"; "By JANE DOE and JOHN ROE" -> "Jane Doe;
 * John Roe". Used by the text reader (a "By ..." line near the top), the
 * Reuters reader (<AUTHOR>) and TREC (<BYLINE>).
 *
 * The outlet is what follows a "|", a " for ", a dash, or sits in final
 * parentheses; after a comma it is the outlet when the byline has exactly
 * one comma and no "and" after it, or when it contains a word outlets use
 * (News, Press, Times, Agency...). A byline naming only an outlet ("By
 * the Associated Press", or every word an outlet word) is a source with no
 * person; so is an outlet alone on the line under a byline (the text
 * reader asks byline_outlet_line). Job titles after a comma ("Staff
 * Writer", "Correspondent") are dropped. Names are split on "and", "&",
 * ";", "," (and "und", "et", "y"). A name written all in capitals is put
 * in title case (wire copy shouts bylines); the case mapping covers ASCII,
 * Latin-1 and basic Cyrillic, which is what bylines use in practice,
 * without pulling Unicode tables into this file.
 */
#include <string.h>
#include <strings.h>

#include "reader.h"

/* A byline line is short: longer lines starting with "By" are sentences
 * ("By the end of the year, ..."). */
#define BYLINE_MAX_BYTES 160
/* Longest byline text parsed; the rest is ignored. */
#define BYLINE_PARSE_MAX 1024
/* More words than this in one name means it is not a name. */
#define BYLINE_MAX_NAME_WORDS 6
/* An outlet named on the line under a byline ("Agency News", "The Daily
 * Planet") is short: a longer line is the story. */
#define BYLINE_OUTLET_MAX_BYTES 60
#define BYLINE_OUTLET_MAX_WORDS 5

static const char *const outlet_words[] = {
    "news",	 "press",     "agency",	      "agence",	    "reuters",
    "afp",	 "ap",	      "upi",	      "associated", "times",
    "post",	 "journal",   "herald",	      "tribune",    "gazette",
    "wire",	 "service",   "media",	      "radio",	    "television",
    "tv",	 "network",   "bloomberg",    "xinhua",	    "tass",
    "dispatch",	 "daily",     "weekly",	      "monitor",    "observer",
    "guardian",	 "telegraph", "standard",     "chronicle",  "courier",
    "review",	 "economist", "magazine",     "zeitung",    "presse",
    "globe",	 "star",      "mail",	      "express",    "independent",
    "financial", "bureau",    "broadcasting", "report",	    "ledger",
    "register",
};

static const char *const job_words[] = {
    "staff",	 "writer",	"correspondent", "reporter", "editor",
    "columnist", "contributor", "photographer",	 "analyst",  "bureau chief",
};

static int space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void trim(const char **s, size_t *len)
{
	while (*len > 0 &&
	       (space(**s) || **s == ',' || **s == ';' || **s == ':'))
		(*s)++, (*len)--;
	while (*len > 0 && (space((*s)[*len - 1]) || (*s)[*len - 1] == ',' ||
			    (*s)[*len - 1] == ';' || (*s)[*len - 1] == ':'))
		(*len)--;
}

static int word_char(char c)
{
	unsigned char u = (unsigned char)c;

	return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
	       (u >= '0' && u <= '9') || u >= 0x80;
}

/* Finds needle (ASCII, case-insensitive) in s; a needle that starts or
 * ends with a letter must start or end a word there. Returns its offset
 * or -1. */
static long find_word(const char *s, size_t len, const char *needle,
		      int from_end)
{
	size_t n = strlen(needle);
	long found = -1;

	for (size_t i = 0; i + n <= len; i++) {
		if (strncasecmp(s + i, needle, n) != 0)
			continue;
		if (i > 0 && word_char(needle[0]) && word_char(s[i - 1]))
			continue;
		if (i + n < len && word_char(needle[n - 1]) &&
		    word_char(s[i + n]))
			continue;
		found = (long)i;
		if (!from_end)
			break;
	}
	return found;
}

static int has_word_from(const char *s, size_t len, const char *const *words,
			 size_t nwords)
{
	for (size_t k = 0; k < nwords; k++)
		if (find_word(s, len, words[k], 0) >= 0)
			return 1;
	return 0;
}

/* Lowercase letters present? (ASCII, Latin-1 U+00DF..U+00FF, Cyrillic
 * U+0430..U+044F.) */
static int has_lower(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len; i++) {
		if (p[i] >= 'a' && p[i] <= 'z')
			return 1;
		if (i + 1 < len && p[i] == 0xc3 && p[i + 1] >= 0x9f)
			return 1;
		if (i + 1 < len && ((p[i] == 0xd0 && p[i + 1] >= 0xb0) ||
				    (p[i] == 0xd1 && p[i + 1] <= 0x8f)))
			return 1;
	}
	return 0;
}

/* Appends name in title case: the first letter of each word (after a
 * blank, "-", "'" or "’") kept, the others lowercased. */
static void append_title_case(buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	int start = 1;

	for (size_t i = 0; i < len;) {
		unsigned char c = p[i];

		if (c < 0x80) {
			if (!start && c >= 'A' && c <= 'Z')
				c = (unsigned char)(c + 32);
			buf_append_byte(out, c);
			start =
			    !((c >= 'a' && c <= 'z') ||
			      (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
			i++;
			continue;
		}
		if (i + 1 < len && c == 0xc3 && p[i + 1] >= 0x80 &&
		    p[i + 1] <= 0x9e && p[i + 1] != 0x97 && !start) {
			buf_append_byte(out, c);
			buf_append_byte(out, (unsigned char)(p[i + 1] + 0x20));
			i += 2;
		} else if (i + 1 < len && c == 0xd0 && p[i + 1] >= 0x90 &&
			   p[i + 1] <= 0xaf && !start) {
			/* А..Я -> а..я: U+0410..U+042F -> U+0430..U+044F */
			unsigned lo = p[i + 1] + 0x20u;

			if (lo <= 0xbf) {
				buf_append_byte(out, 0xd0);
				buf_append_byte(out, (unsigned char)lo);
			} else {
				buf_append_byte(out, 0xd1);
				buf_append_byte(out,
						(unsigned char)(lo - 0x40));
			}
			i += 2;
		} else if (i + 2 < len && c == 0xe2 && p[i + 1] == 0x80 &&
			   p[i + 2] == 0x99) {
			buf_append(out, p + i, 3); /* ’ starts a part: O’Neil */
			i += 3;
			start = 1;
			continue;
		} else {
			size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

			if (n > len - i)
				n = len - i;
			buf_append(out, p + i, n);
			i += n;
		}
		start = 0;
	}
}

static size_t count_words(const char *s, size_t len)
{
	size_t n = 0;
	int in = 0;

	for (size_t i = 0; i < len; i++) {
		if (space(s[i]))
			in = 0;
		else if (!in)
			in = 1, n++;
	}
	return n;
}

/* Splits names on the separators and appends them, "; "-joined. */
static int append_names(buf *names, const char *s, size_t len)
{
	static const char *const seps[] = {" and ", " & ",  ";",  ",",
					   " und ", " et ", " y "};
	int found = 0;

	while (len > 0) {
		size_t cut = len, skip = 0;

		for (size_t k = 0; k < sizeof seps / sizeof seps[0]; k++) {
			long at = find_word(s, len, seps[k], 0);

			if (at >= 0 && (size_t)at < cut) {
				cut = (size_t)at;
				skip = strlen(seps[k]);
			}
		}
		{
			const char *n = s;
			size_t nl = cut;

			trim(&n, &nl);
			if (nl > 0 &&
			    count_words(n, nl) <= BYLINE_MAX_NAME_WORDS &&
			    !has_word_from(n, nl, job_words,
					   sizeof job_words /
					       sizeof job_words[0])) {
				if (names->len > 0)
					buf_append(names, "; ", 2);
				if (has_lower(n, nl))
					buf_append(names, n, nl);
				else
					append_title_case(names, n, nl);
				found = 1;
			}
		}
		if (cut == len)
			break;
		s += cut + skip;
		len -= cut + skip;
	}
	return found;
}

/* Strips a leading "By" (and the German, French, Spanish words). */
static void strip_by(const char **s, size_t *len)
{
	static const char *const bys[] = {"by ", "von ", "par ", "por "};

	trim(s, len);
	for (size_t k = 0; k < sizeof bys / sizeof bys[0]; k++) {
		size_t n = strlen(bys[k]);

		if (*len > n && strncasecmp(*s, bys[k], n) == 0) {
			*s += n;
			*len -= n;
			trim(s, len);
			return;
		}
	}
}

/* Words that may stand lowercase inside an outlet name ("Bank of
 * England Times", "Corriere della Sera"). */
static const char *const outlet_connectors[] = {
    "of",  "the", "and", "de", "la", "le", "du", "des", "della", "der",
    "die", "das", "für", "el", "al", "y",  "et", "und", "&"};

static int in_list(const char *s, size_t len, const char *const *words,
		   size_t nwords)
{
	for (size_t k = 0; k < nwords; k++)
		if (strlen(words[k]) == len &&
		    strncasecmp(s, words[k], len) == 0)
			return 1;
	return 0;
}

/* The next space-separated word of s[0..len) from *i: 1 and [*w, *i)
 * set, or 0 at the end. */
static int next_word(const char *s, size_t len, size_t *i, size_t *w)
{
	while (*i < len && space(s[*i]))
		(*i)++;
	*w = *i;
	while (*i < len && !space(s[*i]))
		(*i)++;
	return *i > *w;
}

/* Every word of s is an outlet word ("Associated Press", "Reuters"). */
static int all_outlet_words(const char *s, size_t len)
{
	size_t i = 0, w, words = 0;

	while (next_word(s, len, &i, &w)) {
		words++;
		if (!in_list(s + w, i - w, outlet_words,
			     sizeof outlet_words / sizeof outlet_words[0]))
			return 0;
	}
	return words > 0;
}

/* "the Associated Press", "Associated Press": a byline naming only the
 * outlet. Sets *skip to the bytes of a leading "the " (dropped). */
static int outlet_only(const char *s, size_t len, size_t *skip)
{
	*skip = 0;
	if (memchr(s, ',', len) != NULL || memchr(s, ';', len) != NULL ||
	    find_word(s, len, "and", 0) >= 0)
		return 0;
	if (len > 4 && strncasecmp(s, "the ", 4) == 0) {
		*skip = 4;
		return has_word_from(s + 4, len - 4, outlet_words,
				     sizeof outlet_words /
					 sizeof outlet_words[0]);
	}
	return all_outlet_words(s, len);
}

static void set_source(buf *source, const char *s, size_t len)
{
	trim(&s, &len);
	if (len == 0 || source->len > 0 ||
	    has_word_from(s, len, job_words,
			  sizeof job_words / sizeof job_words[0]))
		return;
	buf_append(source, s, len);
}

int byline_parse(const char *s, size_t len, buf *names, buf *source)
{
	long at;
	size_t nl;

	/* Bylines are short; cut (on a character boundary) what is not, so
	 * the separator searches below stay linear. */
	if (len > BYLINE_PARSE_MAX) {
		len = BYLINE_PARSE_MAX;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	strip_by(&s, &len);
	if (len == 0)
		return 0;
	/* "By the Associated Press": an outlet, no person. */
	{
		size_t skip;

		if (outlet_only(s, len, &skip)) {
			set_source(source, s + skip, len - skip);
			return 0;
		}
	}
	/* "Jane Doe (Agency News)" */
	if (s[len - 1] == ')') {
		const char *open = NULL;

		for (size_t i = len - 1; i-- > 0;)
			if (s[i] == '(') {
				open = s + i;
				break;
			}
		if (open != NULL) {
			set_source(source, open + 1,
				   (size_t)(s + len - 1 - (open + 1)));
			return append_names(names, s, (size_t)(open - s));
		}
	}
	/* "Jane Doe | Agency News", "Jane Doe for Agency News",
	 * "Jane Doe - Agency News" */
	{
		static const char *const seps[] = {
		    "|", " for ", " - ", " \xe2\x80\x93 ", " \xe2\x80\x94 "};

		for (size_t k = 0; k < sizeof seps / sizeof seps[0]; k++) {
			at = find_word(s, len, seps[k], 0);
			if (at > 0) {
				size_t n = strlen(seps[k]);

				set_source(source, s + at + n,
					   len - (size_t)at - n);
				return append_names(names, s, (size_t)at);
			}
		}
	}
	/* Commas: the last part may be the outlet or a job title. */
	for (;;) {
		const char *last;
		size_t ll, commas = 0;

		at = -1;
		for (size_t i = 0; i < len; i++)
			if (s[i] == ',') {
				commas++;
				at = (long)i;
			}
		if (at < 0)
			break;
		last = s + at + 1;
		ll = len - (size_t)at - 1;
		trim(&last, &ll);
		if (ll == 0) {
			len = (size_t)at;
			continue;
		}
		if (has_word_from(last, ll, job_words,
				  sizeof job_words / sizeof job_words[0])) {
			len = (size_t)at; /* drop the job title, look again */
			continue;
		}
		if (has_word_from(last, ll, outlet_words,
				  sizeof outlet_words /
				      sizeof outlet_words[0]) ||
		    (commas == 1 && find_word(last, ll, "and", 0) < 0 &&
		     find_word(last, ll, "&", 0) < 0)) {
			set_source(source, last, ll);
			len = (size_t)at;
		}
		break;
	}
	nl = len;
	return append_names(names, s, nl);
}

int byline_is_line(const char *s, size_t len)
{
	const char *p = s, *comma;
	size_t n = len, words;
	unsigned char c;
	int the = 0;

	trim(&p, &n);
	if (n < 5 || n > BYLINE_MAX_BYTES || strncasecmp(p, "by ", 3) != 0)
		return 0;
	p += 3;
	n -= 3;
	trim(&p, &n);
	/* "By the Associated Press", "By the Daily Planet staff": only with
	 * an outlet word ("By the end of the year" is a sentence). */
	if (n > 4 && strncasecmp(p, "the ", 4) == 0) {
		the = 1;
		p += 4;
		n -= 4;
		trim(&p, &n);
		if (n == 0 || !has_word_from(p, n, outlet_words,
					     sizeof outlet_words /
						 sizeof outlet_words[0]))
			return 0;
	}
	c = (unsigned char)p[0];
	if (!((c >= 'A' && c <= 'Z') || c >= 0x80))
		return 0;
	/* The first name: two to BYLINE_MAX_NAME_WORDS capitalised words
	 * (one is enough after "the": "By the Guardian"). */
	comma = memchr(p, ',', n);
	if (comma != NULL)
		n = (size_t)(comma - p);
	words = count_words(p, n);
	if (words < 2 && !the)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if ((i == 0 || space(p[i - 1])) && !space(p[i])) {
			c = (unsigned char)p[i];
			if (!((c >= 'A' && c <= 'Z') || c >= 0x80 || c == '&' ||
			      c == '|' || c == '(' ||
			      strncasecmp(p + i, "and ", 4) == 0 ||
			      strncasecmp(p + i, "for ", 4) == 0 ||
			      strncasecmp(p + i, "de ", 3) == 0 ||
			      strncasecmp(p + i, "van ", 4) == 0 ||
			      strncasecmp(p + i, "von ", 4) == 0 ||
			      (c == '-' || c == 0xe2)))
				return 0;
		}
	}
	return 1;
}

int byline_outlet_line(const char *s, size_t len, int alone, buf *source)
{
	size_t words = 0, i = 0, w, outlet = 0, job = 0;

	while (len > 0 && space(s[len - 1]))
		len--;
	while (len > 0 && space(*s))
		s++, len--;
	if (len == 0 || len > BYLINE_OUTLET_MAX_BYTES || s[len - 1] == '.' ||
	    s[len - 1] == ',' || s[len - 1] == ';' || s[len - 1] == ':')
		return 0;
	while (next_word(s, len, &i, &w)) {
		unsigned char c;

		if (++words > BYLINE_OUTLET_MAX_WORDS)
			return 0;
		c = (unsigned char)s[w];
		if (!((c >= 'A' && c <= 'Z') || c >= 0x80 ||
		      in_list(s + w, i - w, outlet_connectors,
			      sizeof outlet_connectors /
				  sizeof outlet_connectors[0])))
			return 0;
		if (in_list(s + w, i - w, outlet_words,
			    sizeof outlet_words / sizeof outlet_words[0]))
			outlet++;
		if (in_list(s + w, i - w, job_words,
			    sizeof job_words / sizeof job_words[0]))
			job++;
	}
	if (job > 0)
		return 1; /* "Staff Writer": part of the byline, no outlet */
	if (outlet == 0 && !alone)
		return 0;
	/* The outlet's own name keeps its article: "The Daily Planet". */
	set_source(source, s, len);
	return 1;
}
