/*
 * analyzer.c - text -> tokens (term, stem, byte range, position). The SAME
 * code runs at index, query and highlight time (DESIGN.md "Text
 * analysis"): if two copies drifted, stems would stop matching and recall
 * would drop without any error.
 *
 * Segmentation follows the spirit of UAX #29 word boundaries, simplified
 * for search the way Lucene's StandardTokenizer and Xapian's TermGenerator
 * are:
 *  - A word is a run of letters, marks and digits (general categories L*,
 *    Nl, Mn, Mc, Nd). Default-ignorable characters (soft hyphen, U+200B..
 *    U+200D, U+2060, U+FEFF, variation selectors) inside a word are
 *    skipped: `inter\u00ADnational` is one word.
 *  - Joins (UAX #29 WB6/7, WB11/12, narrowed): an apostrophe (' ’ ʼ ＇)
 *    between letters stays in the word (`Europe’s` = `Europe's`; the
 *    English stemmer drops the possessive); a period or comma between
 *    digits stays (`3.5`; `1,000` -> `1000`, commas are dropped from the
 *    term); single letters separated by periods form an acronym (`U.S.`,
 *    `U.K`, `e.g.` -> `us` `uk` `eg`, flag TOKEN_ACRONYM; its byte range
 *    includes the trailing period when there is one: `U.S.`). Every other
 *    character (hyphens, dashes, slashes, symbols, emoji, invalid bytes)
 *    separates words, which take consecutive positions, so `non-NATO`
 *    matches the phrase "non nato".
 *  - French, Italian and Catalan elisions are removed (`l’économie` ->
 *    `economie`, range still `l’économie`), as Lucene's ElisionFilter does:
 *    otherwise every noun would exist once per article. Turkish drops what
 *    follows the apostrophe of a proper noun (`İstanbul'da` -> `istanbul`),
 *    as Lucene's ApostropheFilter does.
 *  - Han, Hiragana, Katakana, Bopomofo and Hangul runs (no spaces between
 *    words, and no dictionary here) give one unigram per character (each
 *    takes a position) plus overlapping bigrams at the position of their
 *    first character, flagged TOKEN_CJK|TOKEN_BIGRAM (the CJK bigram
 *    scheme of Lucene's CJKAnalyzer). A script change splits: `iPhone发布会`
 *    -> `iphone` then the CJK run. Tokens are reported in text order:
 *    unigram A (p), bigram AB (p), unigram B (p+1), ... Thai, Lao,
 *    Myanmar and Khmer get the same treatment (a "character" is a letter
 *    with its marks): they have no spaces between words either, and as
 *    plain words their sentences would exceed the term cap and vanish.
 *  - URLs: a word followed by `://` (a scheme), or a word `www` followed by
 *    a period, starts a URL, which runs to whitespace, a quote or angle
 *    bracket, or a non-ASCII separator. Only the host is indexed, label by
 *    label, without `www` (`https://www.reuters.com/world/x-id=8f3a?utm=1`
 *    -> `reuters` `com`): the path and query string hold ids, hashes and
 *    tracking parameters that would each become a junk term, while the
 *    host names the outlet people search for. E-mail addresses get no
 *    special rule: `press@un.org` -> `press` `un` `org`; the parts of an
 *    address in news copy are names and domain labels, all plausible
 *    query words, and splitting them costs no junk.
 *
 * Normalization (utf8.c): NFKC, full case fold, lede's folds (İ -> i,
 * Arabic letter variants...). The stemmer (Xapian Snowball, per-index
 * language) sees that case-folded, still-accented word, because accents
 * change stems (`nationalités` -> `national`, but `nationalites` ->
 * `nationalit`); then accent folding, if on, is applied to both the word
 * term and the stem. Numbers and CJK tokens have no stem.
 *
 * Limits: a word whose term exceeds LEDE_MAX_WORD_BYTES is dropped (it
 * takes no position, so query and document drop it alike); spans are
 * scanned in one pass, and a span over ANALYZER_MAX_SPAN_BYTES is dropped
 * without being normalized, so a 1 MB "word" costs linear time.
 *
 * The constraint that shaped it: the analyzer runs over every byte
 * indexed. Pure-ASCII words never reach utf8proc (lowercased through a
 * table); all buffers live in the analyzer, so a token costs no malloc;
 * and a bounded cache maps a word to its term and stem, because xc_stem is
 * a C++ call per word and, with Unicode normalization, dominates the cost.
 * The cache is keyed by the term for ASCII words and by the raw spelling
 * for the others (the term and stem are a function of either); the two key
 * spaces stay apart because every raw key holds a non-ASCII byte. With
 * bench/bench_analyzer on a shared 2-vCPU machine: ~75-115 MB/s on
 * Reuters-21578 (English), ~45-65 MB/s on SIGHAN Chinese, ~25 MB/s
 * (first pass) to ~55-80 MB/s (warm cache) on Russian.
 */
#include <stdlib.h>
#include <string.h>

#include "lede_private.h"
#include "xapian_c.h"

/* The original spelling of a word may be longer than its term (soft
 * hyphens, decomposed accents, periods of an acronym), but never 4 times
 * the term cap; a longer span is base64, a hash or a run of marks, and is
 * dropped before any normalization work. */
#define ANALYZER_MAX_SPAN_BYTES (4 * LEDE_MAX_WORD_BYTES)
/* Stem cache: open addressing over one-cache-line entries (key, term
 * and stem inline, so a lookup touches one line; longer ones spill to an
 * arena), emptied when 3/4 full. On Reuters-21578 (51k distinct words, 3.9M
 * words, 4k of them make 92% of the tokens) 48k entries miss 1.6% of
 * lookups, against 1.3% of first occurrences that no cache avoids (24k
 * entries: 3.0%). The cost is 4 MB of entries plus at most 1 MB of arena
 * per analyzer, touched only as used (a query's analyzer touches a few
 * pages). */
#define STEM_CACHE_ENTRIES (1u << 16)
#define STEM_CACHE_MAX_ENTRIES (STEM_CACHE_ENTRIES / 4 * 3)
#define STEM_CACHE_ARENA_BYTES (1u << 20)
/* In front of it, a two-way set-associative table of recently used words
 * (half-line entries with 24 bytes of key+term+stem, enough for most
 * words): a lookup in the big table is a cache miss that cost half the
 * analyzer's time. 1 MB (32,768 words): on Reuters, English, 1.4-1.5x the
 * throughput of 128 KB (2,048 sets), which answered 90% of lookups and
 * left the misses to dominate; 2 MB gave no more (bench_analyzer, best
 * of 6, alternating builds). Its pages are touched only as words arrive,
 * so a query-time analyzer costs little of it. */
#define STEM_HOT_SETS 16384u
/* Longer keys (raw spellings) are not cached: they are rare, and the key
 * length must fit the entry's byte-sized field. */
#define STEM_CACHE_MAX_KEY_BYTES 128
/* Room for the stemmer's answer: Snowball stems are never longer than
 * their input (at most LEDE_MAX_WORD_BYTES) except by a few bytes of
 * re-spelling; more is treated as "no stem". */
#define STEM_BUF_BYTES (2 * LEDE_MAX_WORD_BYTES)
/* A URL scheme (`https`, `ftp`...) is a short word; longer words before
 * "://" are not schemes. */
#define URL_MAX_SCHEME_BYTES 16
/* Longer than every stopword ("yourselves"): longer terms are not
 * looked up. */
#define STOPWORD_MAX_BYTES 15
/* Longest elision prefix (`jusqu`, `lorsqu`, `puisqu`, `quoiqu`). */
#define ELISION_MAX_BYTES 7

/* Cache entry fields: an empty term means "no token" (word dropped); no
 * stem; term stored only when it differs from the key. */
#define CACHE_NO_STEM 0xffu
#define CACHE_TERM_IS_KEY 0xfeu

enum {
	LANG_ELISION = 1u << 0,	 /* French, Italian, Catalan elisions */
	LANG_APOS_CUT = 1u << 1, /* Turkish: drop the suffix after ' */
	LANG_ENGLISH_STOP = 1u << 2,
	/* The stemmer only strips and rewrites suffixes, so an ASCII word's
	 * stem starts with the word's first byte (not so for stemmers that
	 * strip prefixes: Indonesian, Arabic, Dutch Kraaij-Pohlmann; nor
	 * Lovins, which stems "ul" and "ular" to "l"). */
	LANG_STEM_KEEPS_FIRST = 1u << 3,
	/* ... and its second byte, but for y -> i (dying -> die, ay -> ai):
	 * the English stemmers change nothing before their R1 region, which
	 * starts at the third letter at the earliest, bar those exceptions.
	 * Checked on the 46,461 words of Reuters-21578 for each stemmer. */
	LANG_STEM_KEEPS_TWO = 1u << 4
};

/* One cache line. */
typedef struct cache_entry {
	uint32_t hash;	 /* 0: empty */
	uint8_t klen;	 /* key bytes */
	uint8_t tlen;	 /* term bytes, 0 (no token) or CACHE_TERM_IS_KEY */
	uint8_t slen;	 /* stem bytes or CACHE_NO_STEM */
	uint8_t spilled; /* 1: the bytes are in the arena at off */
	uint32_t off;
	char data[52]; /* key, term (unless it is the key), stem */
} cache_entry;
_Static_assert(sizeof(cache_entry) == 64, "one cache line");

/* A hot-table entry: half a cache line, key + term + stem inline. */
typedef struct hot_entry {
	uint32_t hash; /* 0: empty */
	uint8_t klen;
	uint8_t tlen; /* as in cache_entry */
	uint8_t slen; /* as in cache_entry */
	uint8_t unused;
	char data[24];
} hot_entry;
/* Two entries per cache line, most recently used first. */
typedef struct hot_set {
	hot_entry e[2];
} hot_set;
_Static_assert(sizeof(hot_set) == 64, "one cache line");

struct analyzer {
	analyzer_settings settings;
	xc_stemmer *stemmer; /* NULL: lang "none" */
	unsigned lang_flags;
	cache_entry *cache; /* 64-byte aligned in cache_mem; first use */
	hot_set *hot;	    /* STEM_HOT_SETS, after cache */
	void *cache_mem;
	char *arena; /* spilled entries */
	size_t arena_len;
	size_t entries;
	const lead_set *lead; /* analyzer_only_lead */
	utf8_word w;
	char acc[LEDE_MAX_WORD_BYTES];	    /* normalized, accented word */
	char fold[LEDE_MAX_WORD_BYTES];	    /* accent-folded word */
	char term[LEDE_MAX_WORD_BYTES + 8]; /* ASCII term, zero-padded */
	char stem[STEM_BUF_BYTES];	    /* stemmer output */
	char stem_fold[LEDE_MAX_WORD_BYTES];
	char bigram[2 * LEDE_MAX_WORD_BYTES];
};

/* The state of one analyzer_run. */
typedef struct run {
	analyzer *a;
	const char *text;
	uint32_t pos;
	token_cb cb;
	void *ctx;
	lede_status st;
} run;

/* ---- languages --------------------------------------------------------- */

/* Kept equal to "none " + xc_stem_languages() (checked by
 * tests/unit/test_analyzer.c): a static string, as the contract says. */
static const char languages[] =
    "none arabic armenian basque catalan danish dutch earlyenglish "
    "english finnish french german german2 hungarian indonesian irish "
    "italian kraaij_pohlmann lithuanian lovins nepali norwegian porter "
    "portuguese romanian russian spanish swedish tamil turkish";

const char *analyzer_languages(void)
{
	return languages;
}

/* 1 if word is one of the space-separated names in list. */
static int in_list(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	if (n == 0)
		return 0;
	for (p = strstr(list, word); p != NULL; p = strstr(p + n, word))
		if ((p == list || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

int analyzer_lang_known(const char *lang)
{
	return in_list(languages, lang);
}

/* Elisions (Lucene's French, Italian and Catalan article lists, merged:
 * none of them is a word of another of the three that takes an
 * apostrophe). Sorted for bsearch. */
static const char *const elisions[] = {
    "agl",    "all",  "c",    "coll", "d",     "dagl",	 "dall",
    "degl",   "dell", "gl",   "j",    "jusqu", "l",	 "lorsqu",
    "m",      "n",    "negl", "nell", "pell",  "puisqu", "qu",
    "quoiqu", "s",    "sugl", "sull", "t",     "un",	 "v"};

static int cmp_cstr(const void *k, const void *e)
{
	return strcmp(k, *(const char *const *)e);
}

/* 1 if s[0..n) (raw text) is an elision prefix, case-insensitively. */
static int is_elision(const char *s, size_t n)
{
	char low[ELISION_MAX_BYTES + 1];

	if (n == 0 || n > ELISION_MAX_BYTES)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80)
			return 0;
		low[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	low[n] = '\0';
	return bsearch(low, elisions, sizeof elisions / sizeof *elisions,
		       sizeof *elisions, cmp_cstr) != NULL;
}

/* English stopwords: the Snowball English list without the words that
 * carry meaning in news queries (up down over under out off more most few
 * no against), and never "us" (U.S. folds to it). Byte-sorted for
 * bsearch; query time only. */
static const char *const english_stop[] = {
    "a",       "about",	     "above",	  "after",    "again",	   "all",
    "am",      "an",	     "and",	  "any",      "are",	   "aren't",
    "as",      "at",	     "be",	  "because",  "been",	   "before",
    "being",   "below",	     "between",	  "both",     "but",	   "by",
    "could",   "couldn't",   "did",	  "didn't",   "do",	   "does",
    "doesn't", "doing",	     "don't",	  "during",   "each",	   "for",
    "from",    "further",    "had",	  "hadn't",   "has",	   "hasn't",
    "have",    "haven't",    "having",	  "he",	      "he'd",	   "he'll",
    "he's",    "her",	     "here",	  "here's",   "hers",	   "herself",
    "him",     "himself",    "his",	  "how",      "how's",	   "i",
    "i'd",     "i'll",	     "i'm",	  "i've",     "if",	   "in",
    "into",    "is",	     "isn't",	  "it",	      "it's",	   "its",
    "itself",  "let's",	     "me",	  "mustn't",  "my",	   "myself",
    "nor",     "not",	     "of",	  "on",	      "once",	   "only",
    "or",      "other",	     "ought",	  "our",      "ours",	   "ourselves",
    "own",     "same",	     "shan't",	  "she",      "she'd",	   "she'll",
    "she's",   "should",     "shouldn't", "so",	      "some",	   "such",
    "than",    "that",	     "that's",	  "the",      "their",	   "theirs",
    "them",    "themselves", "then",	  "there",    "there's",   "these",
    "they",    "they'd",     "they'll",	  "they're",  "they've",   "this",
    "those",   "through",    "to",	  "too",      "until",	   "very",
    "was",     "wasn't",     "we",	  "we'd",     "we'll",	   "we're",
    "we've",   "were",	     "weren't",	  "what",     "what's",	   "when",
    "when's",  "where",	     "where's",	  "which",    "while",	   "who",
    "who's",   "whom",	     "why",	  "why's",    "with",	   "won't",
    "would",   "wouldn't",   "you",	  "you'd",    "you'll",	   "you're",
    "you've",  "your",	     "yours",	  "yourself", "yourselves"};

/* For the unit test: the list and its size. */
const char *const *analyzer_stopword_list(size_t *out_n)
{
	*out_n = sizeof english_stop / sizeof *english_stop;
	return english_stop;
}

int analyzer_is_stopword(const analyzer *a, const char *term, size_t len)
{
	char key[STOPWORD_MAX_BYTES + 1];

	if (a == NULL || !(a->lang_flags & LANG_ENGLISH_STOP) || len == 0 ||
	    len > STOPWORD_MAX_BYTES)
		return 0;
	memcpy(key, term, len);
	key[len] = '\0';
	if (memchr(key, '\0', len))
		return 0;
	return bsearch(key, english_stop,
		       sizeof english_stop / sizeof *english_stop,
		       sizeof *english_stop, cmp_cstr) != NULL;
}

/* ---- create / free ----------------------------------------------------- */

lede_status analyzer_new(analyzer **out, const analyzer_settings *s,
			 lede_err *err)
{
	analyzer *a;
	const char *lang;
	lede_status st;

	*out = NULL;
	a = calloc(1, sizeof *a);
	if (a == NULL)
		return err_set(err, LEDE_ERR_NOMEM, "out of memory");
	/* NULL settings, an empty lang and fold_accents < 0 mean the
	 * defaults: english, folding on. */
	lang = s && s->lang[0] ? s->lang : "english";
	if (strnlen(lang, sizeof a->settings.lang) == sizeof a->settings.lang ||
	    !analyzer_lang_known(lang)) {
		free(a);
		return err_set(err, LEDE_ERR_INVALID,
			       "unknown language '%.*s'; available: %s",
			       (int)sizeof a->settings.lang - 1, lang,
			       languages);
	}
	memcpy(a->settings.lang, lang, strlen(lang) + 1);
	a->settings.fold_accents = s == NULL || s->fold_accents != 0;
	if (strcmp(lang, "none") != 0) {
		st = xc_stemmer_new(&a->stemmer, lang, err);
		if (st != LEDE_OK) {
			free(a);
			return st;
		}
	}
	if (!strcmp(lang, "french") || !strcmp(lang, "italian") ||
	    !strcmp(lang, "catalan"))
		a->lang_flags |= LANG_ELISION;
	if (!strcmp(lang, "turkish"))
		a->lang_flags |= LANG_APOS_CUT;
	if (!strcmp(lang, "english") || !strcmp(lang, "porter") ||
	    !strcmp(lang, "lovins") || !strcmp(lang, "earlyenglish") ||
	    !strcmp(lang, "none"))
		a->lang_flags |= LANG_ENGLISH_STOP;
	if (in_list("english porter earlyenglish french german spanish "
		    "italian portuguese none",
		    lang))
		a->lang_flags |= LANG_STEM_KEEPS_FIRST;
	if (in_list("english porter earlyenglish none", lang))
		a->lang_flags |= LANG_STEM_KEEPS_TWO;
	*out = a;
	return LEDE_OK;
}

void lead_set_add(lead_set *s, const char *key, size_t len)
{
	unsigned char b0, b1;

	if (len == 0)
		return;
	b0 = (unsigned char)key[0];
	s->first[b0] = 1;
	if (len == 1) {
		s->pair[b0 & 63] = ~UINT64_C(0);
		return;
	}
	b1 = (unsigned char)key[1];
	s->pair[b0 & 63] |= UINT64_C(1) << (b1 & 63);
	if (b1 == 'i')
		s->pair[b0 & 63] |= UINT64_C(1) << ('y' & 63);
}

int analyzer_only_lead(analyzer *a, const lead_set *s)
{
	if (s != NULL && !(a->lang_flags & LANG_STEM_KEEPS_FIRST))
		return 0;
	a->lead = s;
	return s != NULL;
}

/* b1 is the second byte of the word, 0 for a word of one byte; a
 * non-ASCII one could be anything once folded. */
static inline int lead_wants(const analyzer *a, unsigned char b0,
			     unsigned char b1)
{
	const lead_set *s = a->lead;

	if (!s->first[b0])
		return 0;
	if (!(a->lang_flags & LANG_STEM_KEEPS_TWO) || b1 >= 0x80)
		return 1;
	return (int)((s->pair[b0 & 63] >> (b1 & 63)) & 1);
}

int analyzer_lead_wants(const analyzer *a, const char *term, size_t len)
{
	if (a->lead == NULL || len == 0 || (unsigned char)term[0] >= 0x80)
		return 1;
	return lead_wants(a, (unsigned char)term[0],
			  len > 1 ? (unsigned char)term[1] : 0);
}

void analyzer_free(analyzer *a)
{
	if (a == NULL)
		return;
	xc_stemmer_free(a->stemmer);
	free(a->cache_mem);
	free(a->arena);
	free(a);
}

const analyzer_settings *analyzer_get_settings(const analyzer *a)
{
	return &a->settings;
}

/* ---- stem cache -------------------------------------------------------- */

/* Hash of cache keys: eight bytes per multiply (a word is one or two
 * steps), then a final mix; never 0 (0 marks an empty entry). */
#define HASH_SEED 0x9e3779b97f4a7c15ull
#define HASH_MUL 0xff51afd7ed558ccdull

static uint32_t hash_final(uint64_t h)
{
	uint32_t v;

	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	v = (uint32_t)(h ^ (h >> 32));
	return v ? v : 1;
}

static uint32_t hash_bytes(const char *p, size_t n)
{
	uint64_t h = HASH_SEED ^ n, v;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&v, p, 8);
		h = (h ^ v) * HASH_MUL;
	}
	if (n) {
		v = 0;
		memcpy(&v, p, n);
		h = (h ^ v) * HASH_MUL;
	}
	return hash_final(h);
}

/* hash_bytes of p[0..n) when p[n..n+7] are zero bytes: whole 8-byte
 * loads, no variable-length copy (the ASCII term buffer is padded). */
static uint32_t hash_padded(const char *p, size_t n)
{
	uint64_t h = HASH_SEED ^ n, v;

	for (size_t i = 0; i < n; i += 8) {
		memcpy(&v, p + i, 8);
		h = (h ^ v) * HASH_MUL;
	}
	return hash_final(h);
}

typedef struct cached {
	const char *term; /* NULL: the word gives no token */
	size_t term_len;
	const char *stem; /* NULL: no stem */
	size_t stem_len;
} cached;

/* Where an entry's bytes (key, then term unless it is the key, then stem)
 * live: inline, or in the arena. */
static const char *entry_bytes(const analyzer *a, const cache_entry *e)
{
	return e->spilled ? a->arena + e->off : e->data;
}

static void unpack(const analyzer *a, const cache_entry *e, cached *c)
{
	const char *key = entry_bytes(a, e);
	size_t tl = e->tlen == CACHE_TERM_IS_KEY ? 0 : e->tlen;

	c->term = e->tlen == CACHE_TERM_IS_KEY ? key
		  : tl			       ? key + e->klen
					       : NULL;
	c->term_len = e->tlen == CACHE_TERM_IS_KEY ? e->klen : tl;
	c->stem = e->slen == CACHE_NO_STEM ? NULL : key + e->klen + tl;
	c->stem_len = e->slen == CACHE_NO_STEM ? 0 : e->slen;
}

static int entry_is(const analyzer *a, const cache_entry *e, const char *key,
		    size_t klen, uint32_t h)
{
	return e->hash == h && e->klen == klen &&
	       memcmp(entry_bytes(a, e), key, klen) == 0;
}

static int hot_is(const hot_entry *e, const char *key, size_t klen, uint32_t h)
{
	return e->hash == h && e->klen == klen &&
	       memcmp(e->data, key, klen) == 0;
}

static void hot_unpack(const hot_entry *e, cached *c)
{
	size_t tl = e->tlen == CACHE_TERM_IS_KEY ? 0 : e->tlen;

	c->term = e->tlen == CACHE_TERM_IS_KEY ? e->data
		  : tl			       ? e->data + e->klen
					       : NULL;
	c->term_len = e->tlen == CACHE_TERM_IS_KEY ? e->klen : tl;
	c->stem = e->slen == CACHE_NO_STEM ? NULL : e->data + e->klen + tl;
	c->stem_len = e->slen == CACHE_NO_STEM ? 0 : e->slen;
}

/* Copies a big-table entry into the hot table, as the most recent of its
 * set, when its bytes fit; returns the copy, or NULL. */
static const hot_entry *hot_put(analyzer *a, const cache_entry *e)
{
	size_t tl = e->tlen == CACHE_TERM_IS_KEY ? 0 : e->tlen;
	size_t sl = e->slen == CACHE_NO_STEM ? 0 : e->slen;
	hot_set *set = &a->hot[e->hash & (STEM_HOT_SETS - 1)];
	hot_entry *h = &set->e[0];

	if (e->spilled || e->klen + tl + sl > sizeof h->data)
		return NULL;
	set->e[1] = set->e[0];
	h->hash = e->hash;
	h->klen = e->klen;
	h->tlen = e->tlen;
	h->slen = e->slen;
	memcpy(h->data, e->data, e->klen + tl + sl);
	return h;
}

/* Looks key up; 1 and *c filled if found. A hit in the big table is
 * copied to the hot table, a pure mapping that never needs invalidating. */
static int cache_get(analyzer *a, const char *key, size_t klen, uint32_t h,
		     cached *c)
{
	size_t mask = STEM_CACHE_ENTRIES - 1, i;
	hot_set *set;

	if (a->cache == NULL)
		return 0;
	set = &a->hot[h & (STEM_HOT_SETS - 1)];
	if (hot_is(&set->e[0], key, klen, h)) {
		hot_unpack(&set->e[0], c);
		return 1;
	}
	if (hot_is(&set->e[1], key, klen, h)) {
		hot_entry t = set->e[1];
		set->e[1] = set->e[0];
		set->e[0] = t;
		hot_unpack(&set->e[0], c);
		return 1;
	}
	for (i = h & mask;; i = (i + 1) & mask) {
		const cache_entry *e = &a->cache[i];
		const hot_entry *he;
		if (e->hash == 0)
			return 0;
		if (entry_is(a, e, key, klen, h)) {
			he = hot_put(a, e);
			if (he)
				hot_unpack(he, c);
			else
				unpack(a, e, c);
			return 1;
		}
	}
}

/* Empties the cache (keeps its memory). */
static void cache_reset(analyzer *a)
{
	memset(a->cache, 0, STEM_CACHE_ENTRIES * sizeof *a->cache);
	a->entries = 0;
	a->arena_len = 0;
}

/* Stores key -> (term, stem) and points *c at the stored copy. term ==
 * key (same pointer) stores the term as "same as key"; term NULL: the word
 * gives no token. When the entry cannot be stored (key too long, no
 * memory) *c points at the arguments, valid for this token. */
static void cache_put(analyzer *a, const char *key, size_t klen, uint32_t h,
		      const char *term, size_t tl, const char *stem, size_t sl,
		      cached *c)
{
	size_t need, mask = STEM_CACHE_ENTRIES - 1, i;
	int same = term == key && tl == klen;
	cache_entry *e;
	char *dst;

	c->term = tl ? term : NULL;
	c->term_len = tl;
	c->stem = stem;
	c->stem_len = stem ? sl : 0;
	need = klen + (same ? 0 : tl) + (stem ? sl : 0);
	if (klen > STEM_CACHE_MAX_KEY_BYTES)
		return;
	if (a->cache == NULL) {
		/* calloc: the pages are zero until touched, so a query-time
		 * analyzer that sees ten words pays for ten entries. */
		a->cache_mem = calloc(STEM_CACHE_ENTRIES + STEM_HOT_SETS + 1,
				      sizeof *a->cache);
		if (a->cache_mem == NULL)
			return;
		a->cache = (cache_entry *)(((uintptr_t)a->cache_mem + 63) &
					   ~(uintptr_t)63);
		a->hot = (hot_set *)(a->cache + STEM_CACHE_ENTRIES);
	}
	if (need > sizeof e->data && a->arena == NULL) {
		a->arena = malloc(STEM_CACHE_ARENA_BYTES);
		if (a->arena == NULL)
			return;
	}
	if (a->entries >= STEM_CACHE_MAX_ENTRIES ||
	    (need > sizeof e->data &&
	     a->arena_len + need > STEM_CACHE_ARENA_BYTES))
		cache_reset(a); /* bounded by resetting: the frequent words
				   come back at once, no bookkeeping needed */
	for (i = h & mask; a->cache[i].hash != 0; i = (i + 1) & mask)
		;
	e = &a->cache[i];
	e->hash = h;
	e->klen = (uint8_t)klen;
	e->tlen = (uint8_t)(same ? CACHE_TERM_IS_KEY : tl);
	e->slen = (uint8_t)(stem ? sl : CACHE_NO_STEM);
	e->spilled = need > sizeof e->data;
	if (e->spilled) {
		e->off = (uint32_t)a->arena_len;
		a->arena_len += need;
	}
	dst = (char *)entry_bytes(a, e);
	memcpy(dst, key, klen);
	if (!same && tl)
		memcpy(dst + klen, term, tl);
	if (stem && sl)
		memcpy(dst + klen + (same ? 0 : tl), stem, sl);
	a->entries++;
	unpack(a, e, c);
	(void)hot_put(a, e);
}

/* ---- emitting ---------------------------------------------------------- */

static int is_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/* Stems the normalized accented word acc[0..al) and accent-folds the stem
 * per settings. *out NULL when there is no usable stem. */
static lede_status stem_word(analyzer *a, const char *acc, size_t al,
			     const char **out, size_t *out_len)
{
	size_t n = 0, fl = 0;
	lede_status st;

	*out = NULL;
	*out_len = 0;
	st = xc_stem(a->stem, sizeof a->stem, &n, a->stemmer, acc, al);
	if (st == LEDE_ERR_TOO_BIG)
		return LEDE_OK;
	if (st != LEDE_OK)
		return st;
	if (n == 0)
		return LEDE_OK;
	if (a->settings.fold_accents && !is_ascii(a->stem, n)) {
		st = utf8_norm_word(&a->w, a->stem, n, UTF8_NORM_STRIP, NULL,
				    NULL, a->stem_fold, &fl,
				    sizeof a->stem_fold);
		if (st != LEDE_OK || fl == 0)
			return LEDE_OK;
		*out = a->stem_fold;
		*out_len = fl;
		return LEDE_OK;
	}
	if (n > LEDE_MAX_WORD_BYTES)
		return LEDE_OK;
	*out = a->stem;
	*out_len = n;
	return LEDE_OK;
}

/* Reports one token and advances the position (saturating: positions
 * never wrap). */
static void emit(run *r, const char *term, size_t tl, const char *stem,
		 size_t sl, size_t start, size_t end, uint32_t pos,
		 unsigned flags)
{
	token t;

	t.term = term;
	t.term_len = tl;
	t.stem = stem;
	t.stem_len = stem ? sl : 0;
	t.start = start;
	t.end = end;
	t.pos = pos;
	t.flags = flags;
	if (r->cb(r->ctx, &t) != 0)
		r->st = LEDE_ERR_INTERRUPTED;
}

static void next_pos(run *r)
{
	if (r->pos != UINT32_MAX)
		r->pos++;
}

/* Reports the ASCII word text[start..end) whose term a->term[0..n) is
 * built, h its hash: stemmed through the cache. */
static void ascii_term(run *r, size_t start, size_t end, size_t n, uint32_t h,
		       unsigned flags)
{
	analyzer *a = r->a;
	cached c;

	if (a->stemmer == NULL || (flags & TOKEN_NUMBER) ||
	    (a->lead && !lead_wants(a, (unsigned char)a->term[0],
				    (unsigned char)a->term[1]))) {
		emit(r, a->term, n, NULL, 0, start, end, r->pos, flags);
		next_pos(r);
		return;
	}
	if (!cache_get(a, a->term, n, h, &c)) {
		const char *stem;
		size_t sl;
		lede_status st = stem_word(a, a->term, n, &stem, &sl);
		if (st != LEDE_OK) {
			r->st = st;
			return;
		}
		cache_put(a, a->term, n, h, a->term, n, stem, sl, &c);
	}
	emit(r, c.term, c.term_len, c.stem, c.stem_len, start, end, r->pos,
	     flags);
	next_pos(r);
}

/* A word of only ASCII bytes: text[ns..ne) lowercased (commas dropped,
 * and an acronym's periods). */
static void word_ascii(run *r, size_t start, size_t end, size_t ns, size_t ne,
		       unsigned flags)
{
	analyzer *a = r->a;
	const char *t = r->text;
	size_t n = 0, k;

	for (k = ns; k < ne; k++) {
		unsigned char ch = (unsigned char)t[k];
		if (ch == ',' || (ch == '.' && (flags & TOKEN_ACRONYM)))
			continue;
		if (n == LEDE_MAX_WORD_BYTES)
			return; /* too long: no token */
		ch = (unsigned char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
		a->term[n++] = (char)ch;
	}
	if (n > 0) {
		memset(a->term + n, 0, 8);
		ascii_term(r, start, end, n, hash_padded(a->term, n), flags);
	}
}

/* Lowercase of [A-Za-z0-9], 0 for every other byte. */
static const unsigned char ascii_alnum_lower[256] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
    ['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
    ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e',
    ['F'] = 'f', ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j',
    ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n', ['O'] = 'o',
    ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't',
    ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y',
    ['Z'] = 'z', ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd',
    ['e'] = 'e', ['f'] = 'f', ['g'] = 'g', ['h'] = 'h', ['i'] = 'i',
    ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n',
    ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's',
    ['t'] = 't', ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x',
    ['y'] = 'y', ['z'] = 'z'};

/* 1 if the ASCII word ending at text[j] (of n bytes) ends there for the
 * general scanner too: at the end, at a separator other than ':' (a URL's
 * scheme), or at ' . , followed by the end or by an ASCII byte that is no
 * letter or digit. ' joins only letter to letter and . , only digit to
 * digit (3.5, 1,000); an acronym needs a letter after its period, and a
 * "www." host a letter or digit. Sentence ends and commas are about a
 * tenth of the words of news text. */
static inline int ascii_word_ends(const unsigned char *t, size_t j, size_t lim)
{
	unsigned char c, d;

	if (j >= lim)
		return 1;
	c = t[j];
	if (c >= 0x80 || c == ':')
		return 0;
	if (utf8_ascii_class[c] == UTF8_SEP)
		return 1;
	if (j + 1 >= lim)
		return 1; /* ' . , ending the text */
	d = t[j + 1];
	return d < 0x80 && ascii_alnum_lower[d] == 0;
}

/* The common case in one pass: [A-Za-z0-9]+ that ends as ascii_word_ends
 * says, lowercased as it is scanned. Returns the word's end, or
 * 0 when the general scanner must decide (joins, acronyms, URLs,
 * non-ASCII, long words). */
static size_t fast_ascii_word(run *r, size_t i, size_t lim)
{
	const unsigned char *t = (const unsigned char *)r->text;
	char *term = r->a->term;
	size_t j = i, max = lim - i < LEDE_MAX_WORD_BYTES
				? lim
				: i + LEDE_MAX_WORD_BYTES;
	unsigned char c;

	if (r->a->lead &&
	    !lead_wants(r->a, ascii_alnum_lower[t[i]],
			i + 1 < lim ? ascii_alnum_lower[t[i + 1]] : 0)) {
		/* analyzer_only_lead: a word no caller wants, whose token
		 * would be dropped anyway; only its position counts. (Its
		 * second byte is 0 unless it is a letter or digit: then the
		 * word is one byte long here, or the general scanner takes
		 * it.) */
		while (j < max && ascii_alnum_lower[t[j]])
			j++;
		if (j < lim && (j == max || !ascii_word_ends(t, j, lim)))
			return 0;
		next_pos(r);
		return j;
	}
	for (; j < max; j++) {
		c = ascii_alnum_lower[t[j]];
		if (c == 0)
			break;
		term[j - i] = (char)c;
	}
	if (j < lim && (j == max || !ascii_word_ends(t, j, lim)))
		return 0;
	memset(term + (j - i), 0, 8);
	ascii_term(r, i, j, j - i, hash_padded(term, j - i),
		   t[i] <= '9' ? TOKEN_NUMBER : 0);
	return j;
}

/* A word with non-ASCII bytes: normalized through utf8proc, cached by its
 * raw spelling text[start..end) (the term and stem are a function of it
 * and of the settings). */
static void word_unicode(run *r, size_t start, size_t end, size_t ns, size_t ne,
			 unsigned flags)
{
	analyzer *a = r->a;
	const char *key = r->text + start, *term, *stem = NULL;
	size_t klen = end - start, al = 0, fl = 0, tl, sl = 0;
	uint32_t h;
	unsigned nf = 0;
	lede_status st;
	cached c;

	/* The cache keys ASCII words by their term and the others by their
	 * raw spelling: both key spaces stay apart only if every key here
	 * holds a non-ASCII byte. */
	if (is_ascii(key, klen)) {
		word_ascii(r, start, end, ns, ne, flags);
		return;
	}
	h = hash_bytes(key, klen);
	if (!cache_get(a, key, klen, h, &c)) {
		if (a->settings.fold_accents)
			nf |= UTF8_NORM_STRIP;
		if (flags & TOKEN_ACRONYM)
			nf |= UTF8_NORM_NO_PERIOD;
		st = utf8_norm_word(&a->w, r->text + ns, ne - ns, nf, a->acc,
				    &al, a->fold, &fl, LEDE_MAX_WORD_BYTES);
		term = a->settings.fold_accents ? a->fold : a->acc;
		tl = a->settings.fold_accents ? fl : al;
		if (st != LEDE_OK || tl == 0 || al == 0) {
			cache_put(a, key, klen, h, NULL, 0, NULL, 0, &c);
			return;
		}
		if (a->stemmer && !(flags & TOKEN_NUMBER)) {
			st = stem_word(a, a->acc, al, &stem, &sl);
			if (st != LEDE_OK) {
				r->st = st;
				return;
			}
		}
		cache_put(a, key, klen, h, term, tl, stem, sl, &c);
	}
	if (c.term == NULL)
		return;
	emit(r, c.term, c.term_len, c.stem, c.stem_len, start, end, r->pos,
	     flags);
	next_pos(r);
}

/* ---- scanning ---------------------------------------------------------- */

/* Class of the code point at text[i] (i < lim), its value and size. */
static inline int peek(const char *t, size_t lim, size_t i, int32_t *cp,
		       size_t *sz)
{
	unsigned char c = (unsigned char)t[i];

	if (c < 0x80) {
		*cp = c;
		*sz = 1;
		return utf8_ascii_class[c];
	}
	*sz = utf8_decode(t + i, lim - i, cp);
	return *cp < 0 ? UTF8_SEP : utf8_class(*cp);
}

/* Class at text[i], UTF8_SEP past the end. */
static int class_at(const char *t, size_t lim, size_t i)
{
	int32_t cp;
	size_t sz;

	return i < lim ? peek(t, lim, i, &cp, &sz) : UTF8_SEP;
}

static size_t scan_cjk(run *r, size_t i, size_t lim);
static size_t scan_word(run *r, size_t i, size_t lim, int url_ok);

/* Single letters separated by periods, at least two: returns the end of
 * the acronym (after its last period if it has one), or 0. */
static size_t scan_acronym(const char *t, size_t i, size_t lim)
{
	size_t j = i, k, end = 0, sz, n = 0;
	int32_t cp;
	int c;

	while (j < lim && peek(t, lim, j, &cp, &sz) == UTF8_LETTER) {
		k = j + sz;
		while (k < lim) {
			c = peek(t, lim, k, &cp, &sz);
			if (c != UTF8_MARK && c != UTF8_IGNORABLE)
				break;
			k += sz;
		}
		c = class_at(t, lim, k);
		if (c == UTF8_LETTER || c == UTF8_DIGIT || c == UTF8_CJK)
			break; /* not a single letter */
		n++;
		end = k;
		if (k < lim && t[k] == '.') {
			end = k + 1;
			j = k + 1;
			continue;
		}
		break;
	}
	if (n < 2)
		return 0;
	return end;
}

/* A URL starting at start, host at host: indexes the host's labels (see
 * the top comment) and returns the end of the URL. */
static size_t scan_url(run *r, size_t host, size_t lim)
{
	const char *t = r->text;
	size_t end = host, k, hs = host, he, sz;
	int32_t cp;

	while (end < lim) {
		unsigned char c = (unsigned char)t[end];
		if (c < 0x80) {
			if (c <= 0x20 || c == 0x7f || c == '"' || c == '<' ||
			    c == '>' || c == '\\' || c == '^' || c == '`' ||
			    c == '{' || c == '|' || c == '}')
				break;
			end++;
			continue;
		}
		if (peek(t, lim, end, &cp, &sz) == UTF8_SEP)
			break;
		end += sz;
	}
	for (k = host; k < end; k++) {
		if (t[k] == '/' || t[k] == '?' || t[k] == '#')
			break;
		if (t[k] == '@')
			hs = k + 1; /* user:password@ */
	}
	he = k;
	for (k = hs; k < he; k++)
		if (t[k] == ':') { /* :port */
			he = k;
			break;
		}
	if (he - hs > 4 && (t[hs] | 0x20) == 'w' && (t[hs + 1] | 0x20) == 'w' &&
	    (t[hs + 2] | 0x20) == 'w' && t[hs + 3] == '.')
		hs += 4;
	for (k = hs; k < he && r->st == LEDE_OK;) {
		int c = peek(t, he, k, &cp, &sz);
		if (c == UTF8_LETTER || c == UTF8_DIGIT || c == UTF8_MARK)
			k = scan_word(r, k, he, 0);
		else if (c == UTF8_CJK)
			k = scan_cjk(r, k, he);
		else
			k += sz;
	}
	return end;
}

/* Scans the word starting at text[i] (a letter, mark or digit), reports
 * it, and returns where scanning resumes. url_ok: a scheme or "www." may
 * start a URL here. */
static size_t scan_word(run *r, size_t i, size_t lim, int url_ok)
{
	const char *t = r->text;
	size_t start = i, end = i, j = i, ns = i, ne = 0, sz;
	int32_t cp;
	int c, last = 0, first = 0, ascii = 1, napos = 0;
	unsigned flags = 0;

	if (utf8_ascii_class[(unsigned char)t[i] & 0x7f] == UTF8_LETTER ||
	    (unsigned char)t[i] >= 0x80) {
		size_t e = scan_acronym(t, i, lim);
		if (e) {
			for (j = i; j < e && ascii; j++)
				ascii = (unsigned char)t[j] < 0x80;
			if (e - start <= ANALYZER_MAX_SPAN_BYTES) {
				if (ascii)
					word_ascii(r, start, e, start, e,
						   TOKEN_ACRONYM);
				else
					word_unicode(r, start, e, start, e,
						     TOKEN_ACRONYM);
			}
			return e;
		}
	}
	while (j < lim) {
		unsigned char b = (unsigned char)t[j];
		if (b < 0x80) {
			c = utf8_ascii_class[b];
			cp = b;
			sz = 1;
		} else {
			c = peek(t, lim, j, &cp, &sz);
		}
		if (c == UTF8_LETTER || c == UTF8_DIGIT) {
			last = c;
			if (!first)
				first = c;
		} else if (c == UTF8_MARK) {
			if (!first)
				first = UTF8_LETTER;
		} else if (c == UTF8_IGNORABLE) {
			j += sz;
			continue; /* not part of the range unless inside */
		} else if (c == UTF8_APOSTROPHE && last == UTF8_LETTER &&
			   class_at(t, lim, j + sz) == UTF8_LETTER) {
			if (napos++ == 0) {
				if ((r->a->lang_flags & LANG_ELISION) &&
				    is_elision(t + start, j - start))
					ns = j + sz;
				else if (r->a->lang_flags & LANG_APOS_CUT)
					ne = j;
			}
		} else if ((c == UTF8_PERIOD || c == UTF8_COMMA) &&
			   last == UTF8_DIGIT &&
			   class_at(t, lim, j + sz) == UTF8_DIGIT) {
			/* 3.5, 1,000 */
		} else {
			break;
		}
		j += sz;
		end = j;
	}
	/* ASCII-ness of the span itself, not of the byte that ended it: the
	 * two paths key the cache differently (term vs raw spelling), so an
	 * ASCII span must never take the Unicode path. */
	ascii = is_ascii(t + start, end - start);
	if (url_ok && ascii && first == UTF8_LETTER && napos == 0 && j < lim &&
	    end == j) {
		if (t[j] == ':' && lim - j >= 3 && t[j + 1] == '/' &&
		    t[j + 2] == '/' && end - start <= URL_MAX_SCHEME_BYTES)
			return scan_url(r, j + 3, lim);
		if (t[j] == '.' && end - start == 3 &&
		    (t[start] | 0x20) == 'w' && (t[start + 1] | 0x20) == 'w' &&
		    (t[start + 2] | 0x20) == 'w') {
			c = class_at(t, lim, j + 1);
			if (c == UTF8_LETTER || c == UTF8_DIGIT)
				return scan_url(r, start, lim);
		}
	}
	if (ne == 0)
		ne = end;
	if (first == UTF8_DIGIT)
		flags |= TOKEN_NUMBER;
	if (end - start > ANALYZER_MAX_SPAN_BYTES)
		return end; /* junk: dropped, no position */
	if (ascii)
		word_ascii(r, start, end, ns, ne, flags);
	else
		word_unicode(r, start, end, ns, ne, flags);
	return end;
}

/* Scans a CJK run from text[i]: unigrams and bigrams (top comment). A CJK
 * "character" is a code point plus the marks and conjoining jamo that
 * follow it. Returns where scanning resumes. */
static size_t scan_cjk(run *r, size_t i, size_t lim)
{
	analyzer *a = r->a;
	const char *t = r->text, *term;
	size_t us, ue, sz, nsz, pl = 0, ps = 0, tl, al = 0, fl = 0;
	int32_t cp, ncp;
	int c, nc, have_prev = 0, single;
	uint32_t ppos = 0;
	lede_status st;

	c = peek(t, lim, i, &cp, &sz);
	while (r->st == LEDE_OK) {
		if (c == UTF8_IGNORABLE) { /* invisible: the run goes on */
			i += sz;
			if (i >= lim)
				break;
			c = peek(t, lim, i, &cp, &sz);
			continue;
		}
		if (c != UTF8_CJK)
			break;
		us = i;
		i += sz;
		ue = i;
		single = 1;
		nc = UTF8_SEP;
		while (i < lim) {
			nc = peek(t, lim, i, &ncp, &nsz);
			if (nc != UTF8_MARK &&
			    !(nc == UTF8_CJK && utf8_cjk_joins(ncp)))
				break;
			i += nsz;
			ue = i;
			single = 0;
			nc = UTF8_SEP;
		}
		if (single && utf8_cjk_stable(cp)) {
			term = t + us;
			tl = ue - us;
		} else if (ue - us > ANALYZER_MAX_SPAN_BYTES) {
			tl = 0;
			term = NULL;
		} else {
			st = utf8_norm_word(
			    &a->w, t + us, ue - us,
			    a->settings.fold_accents ? UTF8_NORM_STRIP : 0,
			    a->acc, &al, a->fold, &fl, LEDE_MAX_WORD_BYTES);
			term = a->settings.fold_accents ? a->fold : a->acc;
			tl = st != LEDE_OK		? 0
			     : a->settings.fold_accents ? fl
							: al;
		}
		if (tl == 0) {
			have_prev = 0; /* no bigram across a dropped one */
		} else {
			if (have_prev && pl + tl <= LEDE_MAX_WORD_BYTES) {
				memcpy(a->bigram + pl, term, tl);
				emit(r, a->bigram, pl + tl, NULL, 0, ps, ue,
				     ppos, TOKEN_CJK | TOKEN_BIGRAM);
				if (r->st != LEDE_OK)
					break;
			}
			emit(r, term, tl, NULL, 0, us, ue, r->pos, TOKEN_CJK);
			ppos = r->pos;
			next_pos(r);
			memmove(a->bigram, term, tl);
			pl = tl;
			ps = us;
			have_prev = 1;
		}
		if (i >= lim)
			break;
		if (nc != UTF8_SEP) {
			c = nc;
			cp = ncp;
			sz = nsz;
		} else {
			c = peek(t, lim, i, &cp, &sz);
		}
	}
	return i;
}

lede_status analyzer_run(analyzer *a, const char *text, size_t len,
			 uint32_t pos_base, token_cb cb, void *ctx,
			 uint32_t *out_next_pos)
{
	run r;
	size_t i = 0, sz;
	int32_t cp;
	int c;

	r.a = a;
	r.text = text;
	r.pos = pos_base;
	r.cb = cb;
	r.ctx = ctx;
	r.st = LEDE_OK;
	while (i < len && r.st == LEDE_OK) {
		unsigned char b = (unsigned char)text[i];
		if (b < 0x80) {
			c = utf8_ascii_class[b];
			if (c == UTF8_LETTER || c == UTF8_DIGIT) {
				size_t e = fast_ascii_word(&r, i, len);
				i = e ? e : scan_word(&r, i, len, 1);
			} else {
				i++;
			}
			continue;
		}
		c = peek(text, len, i, &cp, &sz);
		if (c == UTF8_LETTER || c == UTF8_DIGIT || c == UTF8_MARK)
			i = scan_word(&r, i, len, 1);
		else if (c == UTF8_CJK)
			i = scan_cjk(&r, i, len);
		else
			i += sz;
	}
	if (out_next_pos)
		*out_next_pos = r.pos;
	return r.st;
}

/* ---- single words ------------------------------------------------------ */

typedef struct norm_ctx {
	buf *out;
	size_t start;
} norm_ctx;

static int on_norm_token(void *ctx, const token *t)
{
	norm_ctx *n = ctx;

	if (t->flags & TOKEN_BIGRAM)
		return 0;
	buf_append(n->out, t->term, t->term_len);
	return n->out->len - n->start > LEDE_MAX_WORD_BYTES ||
	       n->out->status != LEDE_OK;
}

lede_status analyzer_normalize(analyzer *a, buf *out, const char *s, size_t len)
{
	/* One code path with analyzer_run, so a prefix query's word is
	 * spelled exactly as the index spells terms. */
	norm_ctx n;
	lede_status st;

	if (out->status != LEDE_OK)
		return out->status;
	n.out = out;
	n.start = out->len;
	st = analyzer_run(a, s, len, 0, on_norm_token, &n, NULL);
	if (out->status != LEDE_OK)
		return out->status; /* sticky, as buf's contract says */
	if (st == LEDE_ERR_INTERRUPTED ||
	    out->len - n.start > LEDE_MAX_WORD_BYTES) {
		out->len = n.start;
		if (out->data)
			out->data[out->len] = '\0';
		return LEDE_ERR_TOO_BIG;
	}
	return st;
}
