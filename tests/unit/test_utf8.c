/*
 * test_utf8.c - unit tests of lib/utf8.c: strict decoding (RFC 3629),
 * encoding, validation, sanitizing, Latin-1/Windows-1252 conversion,
 * character classes, word normalization and field folding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lede_private.h"

/* ---- decode / encode --------------------------------------------------- */

static void expect_decode(const char *s, size_t len, int32_t want_cp,
			  size_t want_n)
{
	int32_t cp = 0;
	size_t n = utf8_decode(s, len, &cp);
	assert_int_equal(cp, want_cp);
	assert_int_equal(n, want_n);
}

static void test_decode_valid(void **state)
{
	(void)state;
	expect_decode("A", 1, 'A', 1);
	expect_decode("\x00", 1, 0, 1);
	expect_decode("\xc3\xa9", 2, 0xe9, 2);
	expect_decode("\xe2\x80\x99", 3, 0x2019, 3);
	expect_decode("\xe5\x8c\x97", 3, 0x5317, 3);
	expect_decode("\xf0\x9f\x98\x80", 4, 0x1f600, 4);
	expect_decode("\xf4\x8f\xbf\xbf", 4, 0x10ffff, 4);
	expect_decode("\xef\xbb\xbf", 3, 0xfeff, 3);
	expect_decode("\xc2\x80", 2, 0x80, 2);
	expect_decode("\xe0\xa0\x80", 3, 0x800, 3);
	expect_decode("\xf0\x90\x80\x80", 4, 0x10000, 4);
}

static void test_decode_invalid(void **state)
{
	(void)state;
	expect_decode("\x80", 1, -1, 1); /* lone continuation */
	expect_decode("\xbf", 1, -1, 1);
	expect_decode("\xc0\x80", 2, -1, 1);	     /* overlong NUL */
	expect_decode("\xc1\xbf", 2, -1, 1);	     /* overlong */
	expect_decode("\xe0\x80\x80", 3, -1, 1);     /* overlong */
	expect_decode("\xe0\x9f\xbf", 3, -1, 1);     /* overlong */
	expect_decode("\xed\xa0\x80", 3, -1, 1);     /* surrogate D800 */
	expect_decode("\xed\xbf\xbf", 3, -1, 1);     /* surrogate DFFF */
	expect_decode("\xf0\x80\x80\x80", 4, -1, 1); /* overlong */
	expect_decode("\xf4\x90\x80\x80", 4, -1, 1); /* > U+10FFFF */
	expect_decode("\xf5\x80\x80\x80", 4, -1, 1);
	expect_decode("\xff", 1, -1, 1);
	expect_decode("\xfe", 1, -1, 1);
	expect_decode("\xc3", 1, -1, 1);	 /* truncated */
	expect_decode("\xe2\x80", 2, -1, 1);	 /* truncated */
	expect_decode("\xf0\x9f\x98", 3, -1, 1); /* truncated */
	expect_decode("\xc3\x28", 2, -1, 1);	 /* bad continuation */
	expect_decode("\xe2\x28\xa1", 3, -1, 1);
	expect_decode("\xf0\x9f\x28\x80", 4, -1, 1);
	/* The length given is respected even if more bytes follow. */
	expect_decode("\xc3\xa9", 1, -1, 1);
}

static void test_encode_roundtrip(void **state)
{
	static const int32_t cps[] = {0,       'a',	0x7f,	 0x80,	 0x7ff,
				      0x800,   0xe9,	0x2019,	 0xfffd, 0xffff,
				      0x10000, 0x1f600, 0x10ffff};
	char out[4];
	(void)state;
	for (size_t i = 0; i < sizeof cps / sizeof *cps; i++) {
		size_t n = utf8_encode(cps[i], out);
		int32_t cp;
		assert_int_equal(utf8_decode(out, n, &cp), n);
		assert_int_equal(cp, cps[i]);
	}
	/* Every scalar value round-trips. */
	for (int32_t c = 0; c <= 0x10ffff; c++) {
		int32_t cp;
		size_t n;
		if (c >= 0xd800 && c <= 0xdfff)
			continue;
		n = utf8_encode(c, out);
		assert_int_equal(utf8_decode(out, n, &cp), n);
		assert_int_equal(cp, c);
		assert_int_equal(n, c < 0x80	  ? 1
				    : c < 0x800	  ? 2
				    : c < 0x10000 ? 3
						  : 4);
	}
}

static void test_encode_invalid(void **state)
{
	char out[4];
	(void)state;
	assert_int_equal(utf8_encode(-1, out), 3);
	assert_memory_equal(out, "\xef\xbf\xbd", 3);
	assert_int_equal(utf8_encode(0xd800, out), 3);
	assert_memory_equal(out, "\xef\xbf\xbd", 3);
	assert_int_equal(utf8_encode(0x110000, out), 3);
	assert_memory_equal(out, "\xef\xbf\xbd", 3);
}

static void test_valid(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("hello world, plain ASCII text", 29));
	assert_true(utf8_valid(
	    "caf\xc3\xa9 \xe5\x8c\x97\xe4\xba\xac \xf0\x9f\x98\x80", 17));
	assert_false(utf8_valid(
	    "caf\xc3\xa9 \xe5\x8c\x97\xe4\xba\xac \xf0\x9f\x98\x80", 16));
	assert_false(utf8_valid("caf\xe9", 4));
	assert_false(utf8_valid("abcdefgh\x80", 9));
	assert_false(utf8_valid("\xed\xa0\x80", 3));
	assert_false(utf8_valid("abc\xc3", 4));
	assert_true(utf8_valid("a\0b", 3)); /* NUL is valid UTF-8 */
}

static void test_sanitize(void **state)
{
	buf b = BUF_INIT;
	size_t nbad = 99;
	(void)state;
	assert_int_equal(utf8_sanitize(&b, "ok \xc3\xa9", 5, &nbad), LEDE_OK);
	assert_int_equal(nbad, 0);
	assert_string_equal(b.data, "ok \xc3\xa9");
	buf_reset(&b);
	assert_int_equal(utf8_sanitize(&b,
				       "a\xff"
				       "b\xe2\x80",
				       5, &nbad),
			 LEDE_OK);
	assert_int_equal(nbad, 3);
	assert_string_equal(b.data, "a\xef\xbf\xbd"
				    "b\xef\xbf\xbd\xef\xbf\xbd");
	assert_true(utf8_valid(b.data, b.len));
	buf_reset(&b);
	assert_int_equal(utf8_sanitize(&b, "", 0, NULL), LEDE_OK);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void test_escape_invalid(void **state)
{
	buf b = BUF_INIT;
	(void)state;
	/* valid text, accents included, passes through */
	assert_int_equal(utf8_escape_invalid(&b, "caf\xc3\xa9.txt", 9), LEDE_OK);
	assert_string_equal(b.data, "caf\xc3\xa9.txt");
	buf_reset(&b);
	/* Latin-1 bytes and a cut sequence become \xNN, each its own */
	assert_int_equal(utf8_escape_invalid(&b, "caf\xe9/\xff\xe2\x80", 8),
			 LEDE_OK);
	assert_string_equal(b.data, "caf\\xE9/\\xFF\\xE2\\x80");
	assert_true(utf8_valid(b.data, b.len));
	buf_free(&b);
}

static void test_from_latin1(void **state)
{
	buf b = BUF_INIT;
	(void)state;
	assert_int_equal(utf8_from_latin1(&b, "caf\xe9 \xfc\xdf", 7), LEDE_OK);
	assert_string_equal(b.data, "caf\xc3\xa9 \xc3\xbc\xc3\x9f");
	buf_reset(&b);
	/* Windows-1252 in 0x80..0x9F: euro, curly quotes, em dash. */
	assert_int_equal(utf8_from_latin1(&b, "\x80\x93\x94\x97\x81", 5),
			 LEDE_OK);
	assert_string_equal(b.data, "\xe2\x82\xac\xe2\x80\x9c\xe2\x80\x9d"
				    "\xe2\x80\x94\xc2\x81");
	assert_true(utf8_valid(b.data, b.len));
	buf_free(&b);
}

/* ---- classes ----------------------------------------------------------- */

static void test_class(void **state)
{
	(void)state;
	assert_int_equal(utf8_class('a'), UTF8_LETTER);
	assert_int_equal(utf8_class('Z'), UTF8_LETTER);
	assert_int_equal(utf8_class('7'), UTF8_DIGIT);
	assert_int_equal(utf8_class('\''), UTF8_APOSTROPHE);
	assert_int_equal(utf8_class('.'), UTF8_PERIOD);
	assert_int_equal(utf8_class(','), UTF8_COMMA);
	assert_int_equal(utf8_class('-'), UTF8_SEP);
	assert_int_equal(utf8_class(' '), UTF8_SEP);
	assert_int_equal(utf8_class(0), UTF8_SEP);
	assert_int_equal(utf8_class(-1), UTF8_SEP);
	assert_int_equal(utf8_class(0xe9), UTF8_LETTER);   /* é */
	assert_int_equal(utf8_class(0x0416), UTF8_LETTER); /* Ж */
	assert_int_equal(utf8_class(0x05d0), UTF8_LETTER); /* א */
	assert_int_equal(utf8_class(0x0627), UTF8_LETTER); /* ا */
	assert_int_equal(utf8_class(0x0301), UTF8_MARK);
	assert_int_equal(utf8_class(0x093f), UTF8_MARK);  /* Devanagari i */
	assert_int_equal(utf8_class(0x0660), UTF8_DIGIT); /* Arabic-Indic 0 */
	assert_int_equal(utf8_class(0xff11), UTF8_DIGIT); /* full-width 1 */
	assert_int_equal(utf8_class(0x2019), UTF8_APOSTROPHE);
	assert_int_equal(utf8_class(0x02bc), UTF8_APOSTROPHE);
	assert_int_equal(utf8_class(0x00ad), UTF8_IGNORABLE);
	assert_int_equal(utf8_class(0x200b), UTF8_IGNORABLE);
	assert_int_equal(utf8_class(0x200c), UTF8_IGNORABLE);
	assert_int_equal(utf8_class(0x200d), UTF8_IGNORABLE);
	assert_int_equal(utf8_class(0x2060), UTF8_IGNORABLE);
	assert_int_equal(utf8_class(0xfeff), UTF8_IGNORABLE);
	assert_int_equal(utf8_class(0xfe0f), UTF8_IGNORABLE);
	assert_int_equal(utf8_class(0x5317), UTF8_CJK);	 /* 北 */
	assert_int_equal(utf8_class(0x3042), UTF8_CJK);	 /* あ */
	assert_int_equal(utf8_class(0x30ab), UTF8_CJK);	 /* カ */
	assert_int_equal(utf8_class(0x30fc), UTF8_CJK);	 /* ー */
	assert_int_equal(utf8_class(0xd55c), UTF8_CJK);	 /* 한 */
	assert_int_equal(utf8_class(0x20000), UTF8_CJK); /* 𠀀 */
	assert_int_equal(utf8_class(0xff76), UTF8_CJK);	 /* ｶ */
	assert_int_equal(utf8_class(0x3002), UTF8_SEP);	 /* 。 */
	assert_int_equal(utf8_class(0x3001), UTF8_SEP);	 /* 、 */
	assert_int_equal(utf8_class(0xff0c), UTF8_SEP);	 /* ， */
	assert_int_equal(utf8_class(0x1f600), UTF8_SEP); /* emoji */
	assert_int_equal(utf8_class(0x2603), UTF8_SEP);	 /* ☃ */
	assert_int_equal(utf8_class(0x20e3), UTF8_SEP);	 /* keycap (Me) */
	assert_int_equal(utf8_class(0x2014), UTF8_SEP);	 /* em dash */
	assert_int_equal(utf8_class(0x00a0), UTF8_SEP);	 /* NBSP */
	assert_int_equal(utf8_class(0xe000), UTF8_SEP);	 /* private use */
	assert_int_equal(utf8_class(0x10ffff), UTF8_SEP);
	assert_true(utf8_cjk_joins(0x1161));
	assert_true(utf8_cjk_joins(0xff9e));
	assert_false(utf8_cjk_joins(0x5317));
}

/* utf8_class's fast ranges agree with the reference everywhere. */
static void test_class_fast_agrees(void **state)
{
	(void)state;
	for (int32_t c = -1; c <= 0x10ffff; c++)
		if (utf8_class(c) != utf8_class_ref(c))
			fail_msg("U+%04X: %d, reference %d", (unsigned)c,
				 utf8_class(c), utf8_class_ref(c));
}

/* The CJK fast path of the analyzer must agree with full normalization:
 * every code point utf8_cjk_stable accepts normalizes to itself, and is
 * UTF8_CJK. */
static void test_cjk_stable_agrees(void **state)
{
	utf8_word *w = malloc(sizeof *w);
	char in[4], acc[LEDE_MAX_WORD_BYTES], fold[LEDE_MAX_WORD_BYTES];
	size_t n, al, fl, checked = 0;
	(void)state;
	assert_non_null(w);
	for (int32_t c = 0x80; c <= 0x10ffff; c++) {
		if (!utf8_cjk_stable(c))
			continue;
		if (utf8_class(c) != UTF8_CJK) /* unassigned in this Unicode */
			continue;
		n = utf8_encode(c, in);
		assert_int_equal(utf8_norm_word(w, in, n, UTF8_NORM_STRIP, acc,
						&al, fold, &fl, sizeof acc),
				 LEDE_OK);
		assert_int_equal(al, n);
		assert_memory_equal(acc, in, n);
		assert_int_equal(fl, n);
		assert_memory_equal(fold, in, n);
		checked++;
	}
	assert_true(checked > 90000);
	free(w);
}

/* ---- word normalization ------------------------------------------------ */

static utf8_word *g_w;

/* Normalizes s; returns the accented form (flags & STRIP: folded form) as
 * a static string, or "<TOO_BIG>". */
static const char *norm(const char *s, unsigned flags)
{
	static char out[LEDE_MAX_WORD_BYTES + 1];
	char acc[LEDE_MAX_WORD_BYTES], fold[LEDE_MAX_WORD_BYTES];
	size_t al = 0, fl = 0;
	lede_status st;

	st = utf8_norm_word(g_w, s, strlen(s), flags, acc, &al, fold, &fl,
			    sizeof acc);
	if (st == LEDE_ERR_TOO_BIG)
		return "<TOO_BIG>";
	assert_int_equal(st, LEDE_OK);
	if (flags & UTF8_NORM_STRIP) {
		memcpy(out, fold, fl);
		out[fl] = '\0';
	} else {
		memcpy(out, acc, al);
		out[al] = '\0';
	}
	assert_true(utf8_valid(out, strlen(out)));
	return out;
}

static int setup_w(void **state)
{
	(void)state;
	g_w = malloc(sizeof *g_w);
	return g_w == NULL;
}

static int teardown_w(void **state)
{
	(void)state;
	free(g_w);
	return 0;
}

static void test_norm_word(void **state)
{
	const unsigned S = UTF8_NORM_STRIP;
	(void)state;
	assert_string_equal(norm("Hello", 0), "hello");
	assert_string_equal(norm("\xef\xac\x81nancial", 0),
			    "financial"); /* ﬁ */
	assert_string_equal(
	    norm("\xef\xbc\xae\xef\xbc\xa1\xef\xbc\xb4\xef\xbc\xaf", 0),
	    "nato"); /* ＮＡＴＯ */
	assert_string_equal(norm("Stra\xc3\x9f"
				 "e",
				 0),
			    "strasse");
	assert_string_equal(norm("\xe1\xba\x9e", 0), "ss"); /* ẞ */
	/* Greek: final sigma folds to sigma; accents kept unless S. */
	assert_string_equal(norm("\xce\x9f\xce\x94\xce\x9f\xce\xa3", 0),
			    "\xce\xbf\xce\xb4\xce\xbf\xcf\x83");
	assert_string_equal(norm("\xce\xbf\xce\xb4\xcf\x8c\xcf\x82", S),
			    "\xce\xbf\xce\xb4\xce\xbf\xcf\x83");
	/* İ -> i, not i + U+0307; dotless ı kept, folded by S. */
	assert_string_equal(norm("\xc4\xb0stanbul", 0), "istanbul");
	assert_string_equal(norm("\xc4\xb1l\xc4\xb1k", 0),
			    "\xc4\xb1l\xc4\xb1k");
	assert_string_equal(norm("\xc4\xb1l\xc4\xb1k", S), "ilik");
	/* Accents: precomposed and decomposed give the same. */
	assert_string_equal(norm("caf\xc3\xa9", 0), "caf\xc3\xa9");
	assert_string_equal(norm("cafe\xcc\x81", 0), "caf\xc3\xa9");
	assert_string_equal(norm("caf\xc3\xa9", S), "cafe");
	assert_string_equal(norm("Z\xc3\xbcrich", S), "zurich");
	assert_string_equal(norm("\xc5\x81\xc3\xb3\xc4\x91\xc5\xba", S),
			    "lodz");
	assert_string_equal(norm("\xc3\x86r\xc3\xb8", S), "aero");
	assert_string_equal(norm("c\xc5\x93ur", S), "coeur");
	/* Ignorables and apostrophes. */
	assert_string_equal(norm("inter\xc2\xad"
				 "national",
				 0),
			    "international");
	assert_string_equal(norm("a\xe2\x80\x8b"
				 "b\xe2\x80\x8c"
				 "c\xe2\x80\x8d"
				 "d\xe2\x81\xa0"
				 "e\xef\xbb\xbf"
				 "f",
				 0),
			    "abcdef");
	assert_string_equal(norm("Europe\xe2\x80\x99s", 0), "europe's");
	assert_string_equal(norm("Europe's", 0), "europe's");
	/* Numbers: commas dropped; Arabic-Indic and full-width digits. */
	assert_string_equal(norm("1,000.5", 0), "1000.5");
	assert_string_equal(norm("\xd9\xa2\xd9\xa0\xd9\xa2\xd9\xa5", 0),
			    "2025");
	assert_string_equal(norm("\xdb\xb1\xdb\xb4", 0), "14");
	assert_string_equal(norm("\xef\xbc\x91\xef\xbc\x92", 0), "12");
	assert_string_equal(norm("U.S.", UTF8_NORM_NO_PERIOD), "us");
	/* Arabic: variants, tatweel, harakat; hamza kept unless S. */
	assert_string_equal(norm("\xdb\x8c", 0), "\xd9\x8a"); /* ی -> ي */
	assert_string_equal(norm("\xd9\x89", 0), "\xd9\x8a"); /* ى -> ي */
	assert_string_equal(norm("\xda\xa9", 0), "\xd9\x83"); /* ک -> ك */
	assert_string_equal(norm("\xd8\xb9\xd9\x80\xd9\x80\xd8\xb1\xd8\xa8", 0),
			    "\xd8\xb9\xd8\xb1\xd8\xa8"); /* tatweel */
	assert_string_equal(norm("\xd9\x85\xd9\x8f\xd8\xad\xd9\x8e\xd9\x85\xd9"
				 "\x8e\xd9\x91\xd8\xaf",
				 0),
			    "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf"); /* محمد */
	assert_string_equal(norm("\xd8\xa3", 0), "\xd8\xa3");	 /* أ kept */
	assert_string_equal(norm("\xd8\xa3", S), "\xd8\xa7");	 /* أ -> ا */
	/* Arabic presentation forms fold to the letters, variants merged. */
	assert_string_equal(norm("\xef\xbb\xb1", 0), "\xd9\x8a"); /* ﻱ */
	/* Hebrew points are accents. */
	assert_string_equal(
	    norm("\xd7\xa9\xd6\xb8\xd7\x9c\xd7\x95\xd6\xb9\xd7\x9d", S),
	    "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d");
	/* Devanagari vowel signs are not accents. */
	assert_string_equal(norm("\xe0\xa4\xb9\xe0\xa4\xbf\xe0\xa4\xa8\xe0\xa5"
				 "\x8d\xe0\xa4\xa6\xe0\xa5\x80",
				 S),
			    "\xe0\xa4\xb9\xe0\xa4\xbf\xe0\xa4\xa8\xe0\xa5"
			    "\x8d\xe0\xa4\xa6\xe0\xa5\x80");
	/* Kana voicing: half-width ｶﾞ -> ガ, and kept by S. */
	assert_string_equal(norm("\xef\xbd\xb6\xef\xbe\x9e", S),
			    "\xe3\x82\xac");
	/* Hangul: conjoining jamo compose. */
	assert_string_equal(norm("\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab", 0),
			    "\xed\x95\x9c");
	/* CJK compatibility ideograph -> unified. */
	assert_string_equal(norm("\xef\xa4\x80", 0), "\xe8\xb1\x88");
	/* NFKC may produce spaces: they are dropped. */
	assert_true(strlen(norm("\xef\xb7\xba", 0)) > 20);
	assert_null(strchr(norm("\xef\xb7\xba", 0), ' '));
	/* Invalid bytes are dropped. */
	assert_string_equal(norm("a\xffz", 0), "az");
	/* Too long. */
	assert_string_equal(
	    norm("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		 "aaaaaaaaaaaaaaaaa",
		 0),
	    "<TOO_BIG>");
	assert_string_equal(
	    norm("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		 "aaaaaaaaaaaaaaaa",
		 0),
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaa");
	assert_string_equal(norm("", 0), "");
}

static void test_norm_word_marks_overflow(void **state)
{
	/* 300 combining marks: more than UTF8_WORD_MAX_CPS, no overflow. */
	char s[2 + 2 * 300 + 1];
	size_t n = 0;
	(void)state;
	s[n++] = 'a';
	for (int i = 0; i < 300; i++) {
		s[n++] = '\xcc';
		s[n++] = '\x81';
	}
	s[n] = '\0';
	assert_string_equal(norm(s, UTF8_NORM_STRIP), "<TOO_BIG>");
	/* U+FDFA decomposes to 18 code points: 15 of them overflow. */
	char t[3 * 15 + 1];
	for (int i = 0; i < 15; i++)
		memcpy(t + 3 * i, "\xef\xb7\xba", 3);
	t[45] = '\0';
	assert_string_equal(norm(t, 0), "<TOO_BIG>");
}

/* ---- utf8_fold --------------------------------------------------------- */

static const char *fold(const char *s, int strip)
{
	static buf b = BUF_INIT;
	buf_reset(&b);
	assert_int_equal(utf8_fold(&b, s, strlen(s), strip), LEDE_OK);
	return b.len ? b.data : "";
}

static void test_fold(void **state)
{
	(void)state;
	assert_string_equal(fold("Agence  France-Presse ", 1),
			    "agence france-presse");
	assert_string_equal(fold("  \tBBC\n News\r\n", 1), "bbc news");
	assert_string_equal(fold("\xef\xbc\xa2\xef\xbc\xa2\xef\xbc\xa3", 1),
			    "bbc");
	assert_string_equal(fold("Z\xc3\xbcrich", 1), "zurich");
	assert_string_equal(fold("Z\xc3\xbcrich", 0), "z\xc3\xbcrich");
	assert_string_equal(fold("\xc4\xb0stanbul", 0), "istanbul");
	assert_string_equal(fold("Le Monde, Inc.", 0), "le monde, inc.");
	assert_string_equal(fold("a\x01"
				 "b\x7f"
				 "c",
				 0),
			    "abc");
	assert_string_equal(fold("x\xe2\x80\x83y\xc2\xa0z", 0), "x y z");
	assert_string_equal(fold("", 1), "");
	assert_string_equal(fold("   ", 1), "");
	assert_string_equal(fold("bad\xff"
				 "byte",
				 1),
			    "badbyte");
	assert_string_equal(fold("Stra\xc3\x9f"
				 "e",
				 0),
			    "strasse");
	/* A value longer than one word's scratch space is fine. */
	char big[5000];
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	const char *r = fold(big, 1);
	assert_int_equal(strlen(r), sizeof big - 1);
	assert_int_equal(r[0], 'a');
	/* Expansion beyond the first guess (U+FDFA: 18 code points). */
	char ex[3 * 20 + 1];
	for (int i = 0; i < 20; i++)
		memcpy(ex + 3 * i, "\xef\xb7\xba", 3);
	ex[60] = '\0';
	r = fold(ex, 1);
	assert_true(strlen(r) > 20 * 30);
	assert_true(utf8_valid(r, strlen(r)));
	/* Sticky status: a failed buffer stays failed. */
	buf b = BUF_INIT;
	b.status = LEDE_ERR_NOMEM;
	assert_int_equal(utf8_fold(&b, "x", 1, 1), LEDE_ERR_NOMEM);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decode_valid),
	    cmocka_unit_test(test_decode_invalid),
	    cmocka_unit_test(test_encode_roundtrip),
	    cmocka_unit_test(test_encode_invalid),
	    cmocka_unit_test(test_valid),
	    cmocka_unit_test(test_sanitize),
	    cmocka_unit_test(test_from_latin1),
	    cmocka_unit_test(test_class),
	    cmocka_unit_test(test_class_fast_agrees),
	    cmocka_unit_test(test_cjk_stable_agrees),
	    cmocka_unit_test(test_norm_word),
	    cmocka_unit_test(test_norm_word_marks_overflow),
	    cmocka_unit_test(test_fold),
	    cmocka_unit_test(test_escape_invalid),
	};
	return cmocka_run_group_tests(tests, setup_w, teardown_w);
}
