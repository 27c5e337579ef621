/*
 * utf8.c - UTF-8 decoding, character classes and normalization; the only
 * file that includes utf8proc.h.
 *
 * Decoding follows RFC 3629 strictly (no overlong forms, no surrogates,
 * nothing above U+10FFFF): a bad byte is reported on its own, so a caller
 * can treat it as a separator (analyzer) or replace it with U+FFFD
 * (utf8_sanitize) and carry on. Article text is never rejected for a few
 * bad bytes.
 *
 * Normalization is NFKC followed by Unicode full case folding (UAX #15,
 * Unicode 3.13 "Default Case Folding"; utf8proc implements both), then a
 * few folds of lede's own that search needs and neither standard gives:
 *  - U+0130 (İ) folds to plain i. Case folding gives i + U+0307, which
 *    would make `İstanbul` and `Istanbul` different words.
 *  - ’ ʼ ＇ become ' so `Europe’s` = `Europe's`.
 *  - Arabic: tatweel and harakat (optional vowel marks, rarely written)
 *    are dropped; the Persian/Arabic letter variants ی ى -> ي and ک -> ك
 *    are merged (Lucene's Arabic and Persian normalizers do the same);
 *    Arabic-Indic digits become ASCII digits.
 *  - Accent folding (optional): diacritics of the Latin, Greek, Cyrillic,
 *    Hebrew and Arabic scripts are removed after canonical decomposition,
 *    and the few Latin letters with a stroke or ligature that have no
 *    decomposition (ł ø đ ı ħ ŧ ð æ œ) are mapped the way Lucene's
 *    ASCIIFoldingFilter maps them. Marks of other scripts (Devanagari vowel
 *    signs, the kana voicing marks) are parts of letters, not accents, and
 *    are kept: stripping all of M* would destroy Hindi or Japanese words.
 *
 * The constraint that shaped it: the analyzer normalizes every word of
 * every article, so utf8_norm_word works in caller-owned fixed buffers
 * (no malloc), calls utf8proc per code point (utf8proc_decompose_char,
 * utf8proc_normalize_utf32) instead of its allocating utf8proc_map, and
 * the analyzer calls it only for words with non-ASCII bytes (and then
 * caches the result). The same functions serve index and query time: if
 * the two drifted, terms would stop matching silently.
 *
 * utf8proc: the Debian package ships the 2.8 header and library although
 * pkg-config reports 2.6; only API present since 2.0 is used, so nothing
 * is gated on the version.
 */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "lede_private.h"

#if UTF8PROC_VERSION_MAJOR < 2
#error "lede needs utf8proc 2.x (utf8proc_normalize_utf32)"
#endif

/* Decomposition: compatibility forms, full case folding, and default
 * ignorable code points (soft hyphen, zero-width characters) removed. */
#define DECOMPOSE_OPTS                                                         \
	(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |            \
	 UTF8PROC_IGNORE)
/* STABLE keeps composition exclusions decomposed, as NFC requires. */
#define COMPOSE_OPTS (UTF8PROC_COMPOSE | UTF8PROC_STABLE)

/* Internal flag of the normalizer: a field value (utf8_fold), where
 * punctuation and spacing are kept rather than filtered out. */
#define NORM_FIELD (1u << 8)

/* One code point decomposes to at most this many (U+FDFA, 18): the bound
 * utf8_fold sizes its buffers with. */
#define MAX_DECOMPOSITION 18

/* ---- decoding ---------------------------------------------------------- */

size_t utf8_decode(const char *s, size_t len, int32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned c;

	if (len == 0) {
		*cp = -1;
		return 1;
	}
	c = p[0];
	if (c < 0x80) {
		*cp = (int32_t)c;
		return 1;
	}
	if (c < 0xc2)
		goto bad;
	if (c < 0xe0) {
		if (len < 2 || (p[1] & 0xc0) != 0x80)
			goto bad;
		*cp = (int32_t)(((c & 0x1f) << 6) | (p[1] & 0x3f));
		return 2;
	}
	if (c < 0xf0) {
		if (len < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			goto bad;
		if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0))
			goto bad; /* overlong, or a surrogate */
		*cp = (int32_t)(((c & 0x0f) << 12) | ((p[1] & 0x3fu) << 6) |
				(p[2] & 0x3f));
		return 3;
	}
	if (c < 0xf5) {
		if (len < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80)
			goto bad;
		if ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90))
			goto bad; /* overlong, or above U+10FFFF */
		*cp = (int32_t)(((c & 0x07) << 18) | ((p[1] & 0x3fu) << 12) |
				((p[2] & 0x3fu) << 6) | (p[3] & 0x3f));
		return 4;
	}
bad:
	*cp = -1;
	return 1;
}

size_t utf8_encode(int32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;
	uint32_t c = (uint32_t)cp;

	if (cp < 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		c = 0xfffd;
	if (c < 0x80) {
		o[0] = (unsigned char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (unsigned char)(0xc0 | (c >> 6));
		o[1] = (unsigned char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (unsigned char)(0xe0 | (c >> 12));
		o[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | (c >> 18));
	o[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (c & 0x3f));
	return 4;
}

size_t utf8_ascii_prefix(const char *s, size_t len)
{
	size_t i = 0;

	while (i + 8 <= len) {
		uint64_t v;
		memcpy(&v, s + i, 8);
		if (v & 0x8080808080808080ull)
			break;
		i += 8;
	}
	while (i < len && (unsigned char)s[i] < 0x80)
		i++;
	return i;
}

int utf8_valid(const char *s, size_t len)
{
	size_t i = 0;
	int32_t cp;

	for (;;) {
		i += utf8_ascii_prefix(s + i, len - i);
		if (i >= len)
			return 1;
		i += utf8_decode(s + i, len - i, &cp);
		if (cp < 0)
			return 0;
	}
}

/* Copies valid stretches of s whole; each byte that starts no valid
 * character becomes U+FFFD, or with escape the four characters \xNN. */
static lede_status replace_invalid(buf *out, const char *s, size_t len,
                                   size_t *nbad, int escape)
{
	static const char fffd[3] = {'\xef', '\xbf', '\xbd'};
	static const char hex[] = "0123456789ABCDEF";
	size_t i = 0, run = 0, bad = 0, n;
	int32_t cp;

	while (i < len) {
		n = utf8_ascii_prefix(s + i, len - i);
		i += n;
		if (i >= len)
			break;
		n = utf8_decode(s + i, len - i, &cp);
		if (cp >= 0) {
			i += n;
			continue;
		}
		buf_append(out, s + run, i - run);
		if (escape) {
			unsigned char b = (unsigned char)s[i];
			char e[4] = {'\\', 'x', hex[b >> 4], hex[b & 15]};
			buf_append(out, e, sizeof e);
		} else {
			buf_append(out, fffd, sizeof fffd);
		}
		bad++;
		i++;
		run = i;
	}
	buf_append(out, s + run, len - run);
	if (nbad)
		*nbad = bad;
	return out->status;
}

lede_status utf8_sanitize(buf *out, const char *s, size_t len, size_t *nbad)
{
	return replace_invalid(out, s, len, nbad, 0);
}

lede_status utf8_escape_invalid(buf *out, const char *s, size_t len)
{
	return replace_invalid(out, s, len, NULL, 1);
}

/* Windows-1252 code points of bytes 0x80..0x9F; 0 where 1252 has none (the
 * byte is then taken as the Latin-1 C1 control it names). */
static const uint16_t cp1252_high[32] = {
    0x20ac, 0,	    0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
    0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0,	    0x017d, 0,
    0,	    0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
    0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0,	    0x017e, 0x0178};

lede_status utf8_from_latin1(buf *out, const char *s, size_t len)
{
	/* Text declared Latin-1 is in practice Windows-1252 (curly quotes,
	 * dashes, the euro sign in 0x80..0x9F); the WHATWG Encoding
	 * standard maps the label "iso-8859-1" to windows-1252 for that
	 * reason, and so does lede. */
	char tmp[4];
	size_t i = 0, n;

	while (i < len) {
		n = utf8_ascii_prefix(s + i, len - i);
		buf_append(out, s + i, n);
		i += n;
		if (i >= len)
			break;
		unsigned c = (unsigned char)s[i++];
		int32_t cp = (int32_t)c;
		if (c >= 0x80 && c < 0xa0 && cp1252_high[c - 0x80] != 0)
			cp = cp1252_high[c - 0x80];
		buf_append(out, tmp, utf8_encode(cp, tmp));
	}
	return out->status;
}

/* ---- character classes ------------------------------------------------- */

#define S UTF8_SEP
#define L UTF8_LETTER
#define D UTF8_DIGIT
const unsigned char utf8_ascii_class[128] = {
    S,		 S, S, S, S,	      S,
    S,		 S, S, S, S,	      S,
    S,		 S, S, S, /* controls */
    S,		 S, S, S, S,	      S,
    S,		 S, S, S, S,	      S,
    S,		 S, S, S, S,	      S,
    S,		 S, S, S, S,	      UTF8_APOSTROPHE, /* ' ! " # $ % & ' */
    S,		 S, S, S, UTF8_COMMA, S,
    UTF8_PERIOD, S, /* ( ) * + , - . / */
    D,		 D, D, D, D,	      D,
    D,		 D, D, D, S,	      S,
    S,		 S, S, S, /* 0-9 : ; < = > ? */
    S,		 L, L, L, L,	      L,
    L,		 L, L, L, L,	      L,
    L,		 L, L, L, /* @ A-O */
    L,		 L, L, L, L,	      L,
    L,		 L, L, L, L,	      S,
    S,		 S, S, S, /* P-Z [ \ ] ^ _ */
    S,		 L, L, L, L,	      L,
    L,		 L, L, L, L,	      L,
    L,		 L, L, L, /* ` a-o */
    L,		 L, L, L, L,	      L,
    L,		 L, L, L, L,	      S,
    S,		 S, S, S /* p-z { | } ~ DEL */
};
#undef S
#undef L
#undef D

/* The Han, Hiragana, Katakana, Bopomofo and Hangul blocks (Unicode 15),
 * and Thai, Lao, Myanmar and Khmer: scripts written without spaces between
 * words, where a "word" would be a whole phrase over the term cap. Only
 * letters (L*, Nl) of these blocks are UTF8_CJK; their symbols and
 * punctuation stay separators. */
static int is_cjk_block(int32_t c)
{
	if (c < 0x1100)
		return (c >= 0x0e00 && c <= 0x0eff) || /* Thai, Lao */
		       (c >= 0x1000 && c <= 0x109f);   /* Myanmar */
	if (c >= 0x1780 && c <= 0x17ff)
		return 1; /* Khmer */
	if (c < 0x3000)
		return c <= 0x11ff; /* Hangul Jamo */
	if (c < 0xa000)
		return (c >= 0x3005 && c <= 0x3007) || /* 々 〆 〇 */
		       (c >= 0x3021 && c <= 0x3029) || /* Hangzhou numerals */
		       (c >= 0x3031 && c <= 0x3035) || /* kana repeat marks */
		       (c >= 0x3038 && c <= 0x303c) ||
		       (c >= 0x3041 && c <= 0x31ff) || /* kana, bopomofo,
							  compat jamo */
		       (c >= 0x3400 && c <= 0x4dbf) || c >= 0x4e00;
	if (c < 0x10000)
		return (c >= 0xa960 && c <= 0xa97f) || /* Jamo Extended-A */
		       (c >= 0xac00 && c <= 0xd7ff) || /* syllables, Ext-B */
		       (c >= 0xf900 && c <= 0xfaff) || /* compatibility */
		       (c >= 0xff66 && c <= 0xffdc);   /* half-width forms */
	return (c >= 0x1aff0 && c <= 0x1b16f) ||       /* kana supplements */
	       (c >= 0x20000 && c <= 0x2fa1f) ||       /* Han ext. B-F */
	       (c >= 0x30000 && c <= 0x323af);	       /* Han ext. G, H */
}

int utf8_class_ref(int32_t cp)
{
	const utf8proc_property_t *p;

	if (cp < 0x80)
		return cp < 0 ? UTF8_SEP : utf8_ascii_class[cp];
	switch (cp) {
	case 0x2019: /* right single quotation mark, the usual apostrophe */
	case 0x02bc: /* modifier letter apostrophe */
	case 0xff07: /* full-width apostrophe */
		return UTF8_APOSTROPHE;
	case 0x066b:
		return UTF8_PERIOD;
	case 0x066c:
		return UTF8_COMMA;
	}
	p = utf8proc_get_property(cp);
	if (p->ignorable)
		return UTF8_IGNORABLE;
	switch (p->category) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_NL:
		return is_cjk_block(cp) ? UTF8_CJK : UTF8_LETTER;
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
		return UTF8_MARK;
	case UTF8PROC_CATEGORY_ND:
		return UTF8_DIGIT;
	default:
		return UTF8_SEP;
	}
}

int utf8_class(int32_t cp)
{
	/* Ranges of the scripts news is mostly written in, answered without
	 * a call into utf8proc (a quarter of the analyzer's time on Russian
	 * text). Each range is uniform in utf8_class_ref (checked for every
	 * code point by tests/unit/test_utf8.c). */
	if (cp < 0x80)
		return cp < 0 ? UTF8_SEP : utf8_ascii_class[cp];
	if (cp < 0x0530) {
		if ((cp >= 0x00c0 && cp <= 0x024f && cp != 0xd7 &&
		     cp != 0xf7) ||
		    (cp >= 0x0391 && cp <= 0x03ce && cp != 0x03a2) ||
		    (cp >= 0x0400 && cp <= 0x0481) || cp >= 0x048a)
			return UTF8_LETTER;
		if (cp >= 0x0300 && cp <= 0x034e)
			return UTF8_MARK; /* 034F (CGJ) is ignorable */
	} else if (cp >= 0x4e00 && cp <= 0x9fff) {
		return UTF8_CJK;
	} else if (cp >= 0x0620 && cp <= 0x064a) {
		return UTF8_LETTER;
	} else if (cp >= 0x05d0 && cp <= 0x05ea) {
		return UTF8_LETTER;
	} else if ((cp >= 0x3041 && cp <= 0x3096) ||
		   (cp >= 0x30a1 && cp <= 0x30fa) ||
		   (cp >= 0xac00 && cp <= 0xd7a3)) {
		return UTF8_CJK;
	} else if ((cp >= 0x2010 && cp <= 0x2018) ||
		   (cp >= 0x201a && cp <= 0x2027) ||
		   (cp >= 0x2030 && cp <= 0x205e) ||
		   (cp >= 0x3000 && cp <= 0x3004)) {
		return UTF8_SEP; /* dashes, quotes, CJK punctuation */
	}
	return utf8_class_ref(cp);
}

int utf8_cjk_joins(int32_t cp)
{
	return (cp >= 0x1160 && cp <= 0x11ff) || /* medial, final jamo */
	       (cp >= 0xd7b0 && cp <= 0xd7ff) || /* Jamo Extended-B */
	       cp == 0xff9e || cp == 0xff9f;	 /* half-width voicing */
}

int utf8_cjk_stable(int32_t c)
{
	/* No decomposition and no case mapping, or a canonical one that
	 * composes back (voiced kana, Hangul syllables). */
	return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) ||
	       (c >= 0x3041 && c <= 0x3096) || (c >= 0x30a1 && c <= 0x30fa) ||
	       c == 0x30fc || (c >= 0xac00 && c <= 0xd7a3) ||
	       (c >= 0x20000 && c <= 0x2a6df) ||
	       (c >= 0x2a700 && c <= 0x2ebef) || (c >= 0x30000 && c <= 0x323af);
}

/* ---- normalization ----------------------------------------------------- */

/* NFKD + full case fold of s into dst (cap code points), canonically
 * ordered. Bad bytes are skipped. Returns the count, or -1 if it does not
 * fit. */
static long decompose(const char *s, size_t len, int32_t *dst, size_t cap)
{
	size_t i = 0, n = 0, k;
	int32_t cp;
	int bound = 0;

	while (i < len) {
		i += utf8_decode(s + i, len - i, &cp);
		if (cp < 0)
			continue;
		if (cp < 0x80) {
			if (n >= cap)
				return -1;
			dst[n++] = cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
			continue;
		}
		if (cp == 0x130) { /* İ: i, not i + U+0307 (see top) */
			if (n >= cap)
				return -1;
			dst[n++] = 'i';
			continue;
		}
		utf8proc_ssize_t r = utf8proc_decompose_char(
		    cp, dst + n, (utf8proc_ssize_t)(cap - n), DECOMPOSE_OPTS,
		    &bound);
		if (r < 0 || (size_t)r > cap - n)
			return -1;
		n += (size_t)r;
	}
	/* Canonical ordering (UAX #15): a stable sort of each run of
	 * non-starters by combining class. Runs are short, insertion sort. */
	for (i = 1; i < n; i++) {
		int32_t c = dst[i];
		int cc =
		    c < 0x300 ? 0 : utf8proc_get_property(c)->combining_class;
		if (cc == 0)
			continue;
		for (k = i; k > 0; k--) {
			int32_t p = dst[k - 1];
			int pc =
			    p < 0x300
				? 0
				: utf8proc_get_property(p)->combining_class;
			if (pc <= cc)
				break;
			dst[k] = p;
		}
		dst[k] = c;
	}
	return (long)n;
}

/* Arabic marks dropped always: harakat (short vowels, tanwin, shadda,
 * sukun), superscript alef, Quranic annotation marks. The hamza and madda
 * marks (U+0653..U+0655) are parts of letters (أ = ا + U+0654) and are only
 * removed by accent folding. */
static int arabic_optional_mark(int32_t c)
{
	return (c >= 0x064b && c <= 0x0652) || (c >= 0x0656 && c <= 0x065f) ||
	       c == 0x0670 || (c >= 0x0610 && c <= 0x061a) ||
	       (c >= 0x06d6 && c <= 0x06dc) || (c >= 0x06df && c <= 0x06e4) ||
	       c == 0x06e7 || c == 0x06e8 || (c >= 0x06ea && c <= 0x06ed);
}

/* lede's own folds on decomposed code points, in place; returns the new
 * count. */
static size_t postmap(int32_t *c, size_t n, unsigned flags)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		int32_t cp = c[i];
		if (cp < 0x80) {
			if (!(flags & NORM_FIELD) &&
			    (cp == ',' ||
			     (cp == '.' && (flags & UTF8_NORM_NO_PERIOD))))
				continue;
			c[o++] = cp;
			continue;
		}
		switch (cp) {
		case 0x2019:
		case 0x02bc:
			cp = '\'';
			break;
		case 0x066b: /* Arabic decimal separator */
			if (flags & UTF8_NORM_NO_PERIOD)
				continue;
			cp = '.';
			break;
		case 0x066c: /* Arabic thousands separator */
			if (!(flags & NORM_FIELD))
				continue;
			cp = ',';
			break;
		case 0x0640: /* tatweel: a stretched joint, not a letter */
			continue;
		case 0x06cc:
		case 0x0649: /* Farsi yeh, alef maksura */
			cp = 0x064a;
			break;
		case 0x06a9: /* keheh (Persian kaf) */
			cp = 0x0643;
			break;
		default:
			if (cp >= 0x0660 && cp <= 0x0669)
				cp = '0' + (cp - 0x0660);
			else if (cp >= 0x06f0 && cp <= 0x06f9)
				cp = '0' + (cp - 0x06f0);
			else if (arabic_optional_mark(cp))
				continue;
		}
		c[o++] = cp;
	}
	return o;
}

/* 1 for a mark that accent folding removes: combining diacritics used by
 * Latin, Greek and Cyrillic, Hebrew points, Arabic marks. */
static int is_diacritic(int32_t c)
{
	if (c < 0x300)
		return 0;
	if (c <= 0x36f)
		return 1;
	if (c < 0x1ab0)
		return (c >= 0x0483 && c <= 0x0489) ||
		       (c >= 0x0591 && c <= 0x05c7 &&
			utf8proc_get_property(c)->category ==
			    UTF8PROC_CATEGORY_MN) ||
		       (c >= 0x0653 && c <= 0x0655) || arabic_optional_mark(c);
	return (c >= 0x1ab0 && c <= 0x1aff) || (c >= 0x1dc0 && c <= 0x1dff) ||
	       (c >= 0x20d0 && c <= 0x20ff) || (c >= 0xfe20 && c <= 0xfe2f);
}

/* Accent folding of decomposed in[0..n) into out (cap); -1 if it does not
 * fit (æ and œ expand). */
static long strip(const int32_t *in, size_t n, int32_t *out, size_t cap)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		int32_t c = in[i], c2 = 0;
		if (c >= 0x80) {
			if (is_diacritic(c))
				continue;
			switch (c) {
			case 0x0142:
				c = 'l';
				break; /* ł */
			case 0x00f8:
				c = 'o';
				break; /* ø */
			case 0x0111:
			case 0x00f0:
				c = 'd';
				break; /* đ ð */
			case 0x0131:
				c = 'i';
				break; /* ı */
			case 0x0127:
				c = 'h';
				break; /* ħ */
			case 0x0167:
				c = 't';
				break; /* ŧ */
			case 0x00e6:
				c = 'a';
				c2 = 'e';
				break; /* æ */
			case 0x0153:
				c = 'o';
				c2 = 'e';
				break; /* œ */
			}
		}
		if (o + (c2 ? 2 : 1) > cap)
			return -1;
		out[o++] = c;
		if (c2)
			out[o++] = c2;
	}
	return (long)o;
}

static size_t compose(int32_t *c, size_t n)
{
	utf8proc_ssize_t r;

	if (n == 0)
		return 0;
	r = utf8proc_normalize_utf32(c, (utf8proc_ssize_t)n, COMPOSE_OPTS);
	return r < 0 ? n : (size_t)r;
}

/* 1 if c may appear in a term: letters, marks, digits, the apostrophe and
 * the period (numbers: 3.5). */
static int word_char(int32_t c)
{
	if (c < 0x80)
		return c < 0 ? 0
			     : utf8_ascii_class[c] != UTF8_SEP &&
				   utf8_ascii_class[c] != UTF8_COMMA;
	switch (utf8proc_get_property(c)->category) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ND:
		return 1;
	default:
		return 0;
	}
}

/* Encodes the word characters of c[0..n) into out (cap bytes). */
static lede_status encode_word(const int32_t *c, size_t n, char *out,
			       size_t cap, size_t *out_len)
{
	size_t i, o = 0;
	char tmp[4];

	for (i = 0; i < n; i++) {
		if (c[i] < 0x80) {
			if (!word_char(c[i]))
				continue;
			if (o >= cap)
				return LEDE_ERR_TOO_BIG;
			out[o++] = (char)c[i];
			continue;
		}
		if (!word_char(c[i]))
			continue;
		size_t k = utf8_encode(c[i], tmp);
		if (o + k > cap)
			return LEDE_ERR_TOO_BIG;
		memcpy(out + o, tmp, k);
		o += k;
	}
	*out_len = o;
	return LEDE_OK;
}

lede_status utf8_norm_word(utf8_word *w, const char *s, size_t len,
			   unsigned flags, char *acc, size_t *acc_len,
			   char *fold, size_t *fold_len, size_t cap)
{
	long n, m;
	lede_status st;

	flags &= UTF8_NORM_STRIP | UTF8_NORM_NO_PERIOD;
	n = decompose(s, len, w->cps, UTF8_WORD_MAX_CPS);
	if (n < 0)
		return LEDE_ERR_TOO_BIG;
	n = (long)postmap(w->cps, (size_t)n, flags);
	if (flags & UTF8_NORM_STRIP) {
		m = strip(w->cps, (size_t)n, w->tmp, UTF8_WORD_MAX_CPS);
		if (m < 0)
			return LEDE_ERR_TOO_BIG;
		m = (long)compose(w->tmp, (size_t)m);
		st = encode_word(w->tmp, (size_t)m, fold, cap, fold_len);
		if (st != LEDE_OK)
			return st;
	}
	if (acc == NULL)
		return LEDE_OK;
	n = (long)compose(w->cps, (size_t)n);
	return encode_word(w->cps, (size_t)n, acc, cap, acc_len);
}

/* 1 for a code point utf8_fold turns into a single space. */
static int fold_space(int32_t c)
{
	if (c < 0x80)
		return c == ' ' || (c >= '\t' && c <= '\r');
	switch (utf8proc_get_property(c)->category) {
	case UTF8PROC_CATEGORY_ZS:
	case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP:
		return 1;
	default:
		return c == 0x85; /* NEL */
	}
}

lede_status utf8_fold(buf *out, const char *s, size_t len, int strip_accents)
{
	/* Field values are short and rare next to body text: this path
	 * allocates (buffers sized from len) and keeps every character but
	 * controls, with whitespace runs collapsed to one space and trimmed,
	 * so "Agence  France-Presse " == "agence france-presse". */
	int32_t *a = NULL, *b = NULL;
	size_t cap, i, n, start = out->len;
	long r = -1;
	int space = 0;
	char tmp[4];

	if (out->status != LEDE_OK)
		return out->status;
	if (len > (size_t)-1 / (4 * sizeof(int32_t) * MAX_DECOMPOSITION) - 8)
		return out->status = LEDE_ERR_TOO_BIG;
	/* First with room for the usual expansion (twice the bytes covers
	 * any decomposed Latin text), then, if that overflows, for the
	 * worst case. The second buffer takes the accent-folded copy, which
	 * may double (æ -> ae). */
	for (int pass = 0; pass < 2 && r < 0; pass++) {
		cap = pass == 0 ? 2 * len + 16 : len * MAX_DECOMPOSITION + 8;
		free(a);
		free(b);
		a = malloc(cap * sizeof *a);
		b = malloc(2 * cap * sizeof *b);
		if (a == NULL || b == NULL) {
			free(a);
			free(b);
			return out->status = LEDE_ERR_NOMEM;
		}
		r = decompose(s, len, a, cap);
	}
	if (r < 0) { /* cannot happen: MAX_DECOMPOSITION bounds it */
		free(a);
		free(b);
		return out->status = LEDE_ERR_INTERNAL;
	}
	n = postmap(a, (size_t)r, NORM_FIELD);
	if (strip_accents) {
		r = strip(a, n, b, 2 * cap);
		n = r < 0 ? 0 : (size_t)r;
		int32_t *t = a;
		a = b;
		b = t;
	}
	n = compose(a, n);
	for (i = 0; i < n; i++) {
		int32_t c = a[i];
		if (fold_space(c)) {
			space = out->len > start;
			continue;
		}
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
			continue; /* controls */
		if (space)
			buf_append_byte(out, ' ');
		space = 0;
		buf_append(out, tmp, utf8_encode(c, tmp));
	}
	free(a);
	free(b);
	return out->status;
}
