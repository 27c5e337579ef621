/*
 * lede_private.h - internal interfaces shared between lede's source files.
 *
 * One banner section per .c file. Nothing here is installed; the public API
 * is include/lede.h. Functions shared across files are named <module>_<verb>;
 * they return lede_status and write details into a caller's error buffer
 * (struct lede_err) when they have no handle of their own.
 */
#ifndef LEDE_PRIVATE_H
#define LEDE_PRIVATE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "lede.h"

#if defined(__GNUC__)
#define LEDE_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define LEDE_PRINTF(a, b)
#endif

/* ---------------------------------------------------------------------
 * Limits. Every limit in lede is one of these, with the reason for it.
 * ------------------------------------------------------------------- */

/* Xapian (glass) rejects terms over 245 bytes, prefix included, and a
 * rejected term discards the whole uncommitted batch (xapian.md 6.1). */
#define LEDE_MAX_TERM_BYTES 245
/* Words longer than this are dropped by the analyzer: real words are short,
 * longer "words" in scraped news are base64, hashes or minified script. */
#define LEDE_MAX_WORD_BYTES 64
/* One article's text is capped: a bigger one is a dump, not an article, and
 * the cap bounds the indexer's memory per article. */
#define LEDE_MAX_ARTICLE_BYTES (8u * 1024 * 1024)
/* A line of a line-oriented format (JSONL) longer than this is skipped. */
#define LEDE_MAX_LINE_BYTES (16u * 1024 * 1024)
/* Decompressed size cap for one .gz input: stops gzip bombs. */
#define LEDE_MAX_GUNZIP_BYTES (4ull * 1024 * 1024 * 1024)
/* Past LEDE_GUNZIP_RATIO_FLOOR decompressed bytes, a .gz input may expand at
 * most this many times its compressed size: news text compresses 3-10x
 * and repetitive dumps some 50x, while a bomb (3 MB of gzip holding 3 GB
 * of newlines) expands 1000x and would run for minutes under the size cap
 * alone. */
#define LEDE_MAX_GUNZIP_RATIO 200
/* Below this much output any ratio is fine: a file of blanks this size
 * reads in well under a second, and padded dumps of 100 MB are read whole
 * (tests/cli/reliability.bats). */
#define LEDE_GUNZIP_RATIO_FLOOR (256ull * 1024 * 1024)
/* Short metadata fields (title, byline, ...) are cut at this many bytes. */
#define LEDE_MAX_FIELD_BYTES 4096
/* Article ids longer than this are hashed for the Q term (full id kept). */
#define LEDE_MAX_ID_TERM_BYTES 200
/* Positions per document: Xapian positions are 32-bit; also bounds the
 * position table for pathological articles. */
#define LEDE_MAX_POSITIONS 2000000u

/* A NULL handle or out-pointer is the caller's mistake: every API entry
 * point refuses it with LEDE_ERR_INVALID (there is no handle to hold a
 * message), never a crash. */
#define API_REFUSE_NULL(p)                                                    \
	do {                                                                  \
		if ((p) == NULL)                                              \
			return LEDE_ERR_INVALID;                              \
	} while (0)

/* ---------------------------------------------------------------------
 * err: a caller-owned error buffer for functions without a handle.
 * ------------------------------------------------------------------- */
#define LEDE_ERRMSG_MAX 512
typedef struct lede_err {
	lede_status status;
	char msg[LEDE_ERRMSG_MAX];
} lede_err;

/* Sets e->status and formats e->msg (if e is not NULL); returns status. */
lede_status err_set(lede_err *e, lede_status s, const char *fmt, ...)
	LEDE_PRINTF(3, 4);
void err_clear(lede_err *e);

/* ---------------------------------------------------------------------
 * buf.c: bounded growable byte buffer. Always NUL-terminated after data.
 * Sticky status: once an append fails, later appends are no-ops and
 * buf.status keeps the first failure (FTS5's *pRc idiom).
 * ------------------------------------------------------------------- */
typedef struct buf {
	char *data;
	size_t len;
	size_t cap;
	lede_status status;
} buf;

#define BUF_INIT { NULL, 0, 0, LEDE_OK }

/* Makes room for element n of the array whose address is vp (a pointer to
 * any object pointer), capacity *cap, element size sz: the capacity
 * doubles, from `first` when the array is empty. Returns 0, or -1 on NOMEM
 * (or overflow) with the array unchanged. The pointer is moved with memcpy
 * so one helper serves every element type without breaking aliasing. */
int lede_grow(void *vp, size_t *cap, size_t n, size_t sz, size_t first);

lede_status buf_reserve(buf *b, size_t extra);
lede_status buf_append(buf *b, const void *p, size_t n);
lede_status buf_append_str(buf *b, const char *s);
lede_status buf_append_byte(buf *b, unsigned char c);
lede_status buf_printf(buf *b, const char *fmt, ...) LEDE_PRINTF(2, 3);
void buf_reset(buf *b);            /* len = 0, status = OK, keeps memory */
void buf_free(buf *b);             /* frees memory, back to BUF_INIT */
char *buf_detach(buf *b);          /* returns data (caller frees), resets */

/* Small string helpers used across modules (in buf.c). */
char *lede_strndup(const char *s, size_t n);   /* NULL on OOM */
char *lede_strdup(const char *s);              /* NULL in, NULL out */

/* ---------------------------------------------------------------------
 * utf8.c: the only includer of utf8proc.h.
 * ------------------------------------------------------------------- */

/* Decodes one code point at s[0..len). Returns bytes consumed (>= 1). On an
 * invalid or truncated sequence sets *cp = -1 and consumes 1 byte. */
size_t utf8_decode(const char *s, size_t len, int32_t *cp);
/* Encodes cp into out (4 bytes room). Returns bytes written. */
size_t utf8_encode(int32_t cp, char *out);
/* Length of the leading run of ASCII bytes of s[0..len), eight at a time. */
size_t utf8_ascii_prefix(const char *s, size_t len);
/* 1 if s[0..len) is valid UTF-8. */
int utf8_valid(const char *s, size_t len);
/* Appends s with invalid sequences replaced by U+FFFD; *nbad counts them. */
lede_status utf8_sanitize(buf *out, const char *s, size_t len, size_t *nbad);
/* s -> out with each byte that starts no valid UTF-8 character written as
 * the text \xNN (hex, upper case): file names from a Latin-1 disk become
 * readable, distinct ids. Appends; returns out->status. */
lede_status utf8_escape_invalid(buf *out, const char *s, size_t len);
/* Converts Latin-1 to UTF-8. */
lede_status utf8_from_latin1(buf *out, const char *s, size_t len);
/* NFKC + case fold + (optional) accent strip of a short string, for
 * comparing field values (source names, sections): appends to out. */
lede_status utf8_fold(buf *out, const char *s, size_t len, int strip_accents);

/* Character classes of the tokenizer (analyzer.c), from the Unicode general
 * category plus lede's joiners. */
enum {
	UTF8_SEP = 0,       /* space, punctuation, symbol, emoji, control,
	                       unassigned, invalid byte */
	UTF8_LETTER,        /* L* and Nl, outside the CJK scripts */
	UTF8_MARK,          /* Mn, Mc (Me encloses symbols: a separator) */
	UTF8_DIGIT,         /* Nd */
	UTF8_CJK,           /* a letter of Han, Hiragana, Katakana, Hangul,
	                       Bopomofo, or of Thai, Lao, Myanmar, Khmer (no
	                       spaces between words: unigrams + bigrams) */
	UTF8_IGNORABLE,     /* Default_Ignorable_Code_Point (soft hyphen,
	                       U+200B..U+200D, U+2060, U+FEFF, variation
	                       selectors...): invisible inside a word */
	UTF8_APOSTROPHE,    /* ' U+2019 U+02BC U+FF07 */
	UTF8_PERIOD,        /* . and U+066B (Arabic decimal separator) */
	UTF8_COMMA          /* , and U+066C (Arabic thousands separator) */
};
/* Class of each ASCII code point (so the tokenizer's ASCII path is one
 * table load). */
extern const unsigned char utf8_ascii_class[128];
/* Class of any code point (cp < 0, an invalid byte: UTF8_SEP). */
int utf8_class(int32_t cp);
/* The same from utf8proc's tables alone, without utf8_class's fast
 * ranges: the reference the tests hold utf8_class to. */
int utf8_class_ref(int32_t cp);
/* 1 if cp continues the CJK character before it instead of starting a new
 * one: Hangul medial/final jamo, half-width (semi-)voiced sound marks. */
int utf8_cjk_joins(int32_t cp);
/* 1 if cp is CJK and NFKC + case fold leave it unchanged on its own
 * (unified ideographs, kana, Hangul syllables): no normalization needed. */
int utf8_cjk_stable(int32_t cp);

/* Work space of utf8_norm_word, owned by the caller and reused (the
 * analyzer keeps one, so normalizing a word allocates nothing). A word that
 * decomposes to more code points than this is junk (runs of combining
 * marks, "Zalgo" text) or too long anyway once composed (composition
 * merges at most 3 code points into one): it is reported TOO_BIG. */
#define UTF8_WORD_MAX_CPS (4 * LEDE_MAX_WORD_BYTES)
typedef struct utf8_word {
	int32_t cps[UTF8_WORD_MAX_CPS];
	int32_t tmp[UTF8_WORD_MAX_CPS];
} utf8_word;

enum {
	UTF8_NORM_STRIP = 1u << 0,    /* also produce the accent-folded form */
	UTF8_NORM_NO_PERIOD = 1u << 1 /* drop '.' (acronyms: U.S. -> us) */
};

/* Normalizes one word, s[0..len) (valid UTF-8; a bad byte is dropped):
 * NFKC, full case fold, then lede's folds, always applied: U+0130 -> i
 * (not i + U+0307), ’ ʼ ＇ -> ', Arabic/Persian letter variants (ی ى -> ي,
 * ک -> ك), Arabic-Indic digits -> ASCII, tatweel and harakat dropped,
 * ignorables and ',' dropped; anything that is not a word character after
 * normalization (NFKC can produce spaces) is dropped.
 * Writes that form to acc (the stemmer's input) and, with UTF8_NORM_STRIP,
 * its accent-folded form to fold (diacritics of the Latin, Greek, Cyrillic,
 * Hebrew and Arabic scripts removed; ł ø đ ı ħ ŧ ð -> l o d i h t d,
 * æ œ -> ae oe; Indic vowel signs are letters, not accents, and stay).
 * Each buffer holds cap bytes; results are NOT NUL-terminated.
 * Returns LEDE_OK (lengths may be 0), or LEDE_ERR_TOO_BIG when a result
 * would exceed cap or the word exceeds UTF8_WORD_MAX_CPS. */
lede_status utf8_norm_word(utf8_word *w, const char *s, size_t len,
                           unsigned flags, char *acc, size_t *acc_len,
                           char *fold, size_t *fold_len, size_t cap);


/* ---------------------------------------------------------------------
 * analyzer.c: text -> tokens with byte offsets. The SAME code runs at index,
 * query and highlight time (DESIGN.md "Text analysis").
 * ------------------------------------------------------------------- */
typedef struct analyzer analyzer;

/* Settings stored in the index and checked on open. */
typedef struct analyzer_settings {
	char lang[32];        /* Snowball language name, or "none" */
	int fold_accents;     /* 1: cafe == café (default) */
	int schema;           /* index format (LEDE_SCHEMA_*) of the database
	                         these settings came from; 0 = the newest */
	double bm25_b;        /* format 4: BM25's b, built into the postings
	                         (negative: not asked for / none) */
	int positions;        /* 1: word positions in the index (Xapian
	                         matches phrases); 0 (format 5's default):
	                         none, phrases are checked against the stored
	                         text (query_check.c); -1: not asked for */
} analyzer_settings;

enum {
	TOKEN_CJK = 1u << 0,      /* Han/Kana/Hangul unigram or bigram (also
	                             Thai, Lao, Myanmar, Khmer) */
	TOKEN_BIGRAM = 1u << 1,   /* a CJK bigram (two characters) */
	TOKEN_NUMBER = 1u << 2,   /* starts with a digit */
	TOKEN_ACRONYM = 1u << 3   /* U.S. style acronym */
};

typedef struct token {
	const char *term;  /* normalized word term (NFKC, folded, accents per
	                      settings); borrowed for the callback only */
	size_t term_len;
	const char *stem;  /* stem of the word (accent-folded like term), or
	                      NULL when the token has no stem (CJK, numbers,
	                      lang "none") */
	size_t stem_len;
	size_t start, end; /* byte range in the ORIGINAL text */
	uint32_t pos;      /* word position (pos_base + index); a CJK bigram has
	                      the position of its first character */
	unsigned flags;    /* TOKEN_* */
} token;

/* Called per token in text order; return nonzero to stop the run early. */
typedef int (*token_cb)(void *ctx, const token *t);

/* Creates an analyzer. Unknown lang: LEDE_ERR_INVALID with a message listing
 * the available languages. Caller frees with analyzer_free(). */
lede_status analyzer_new(analyzer **out, const analyzer_settings *s,
                         lede_err *err);
void analyzer_free(analyzer *a);
const analyzer_settings *analyzer_get_settings(const analyzer *a);

/* Tokenizes text[0..len) (any bytes: invalid UTF-8 separates tokens).
 * Positions start at pos_base; *out_next_pos (may be NULL) receives the
 * position after the last token. Returns LEDE_ERR_INTERRUPTED if cb stopped
 * it, LEDE_ERR_NOMEM on allocation failure. Not re-entrant: cb must not
 * call analyzer_run or analyzer_normalize on the same analyzer (they share
 * its buffers). See analyzer.c's top comment for the rules. */
lede_status analyzer_run(analyzer *a, const char *text, size_t len,
                         uint32_t pos_base, token_cb cb, void *ctx,
                         uint32_t *out_next_pos);

/* Normalizes a single query word the way analyzer_run would, without
 * splitting: used for prefix (word*) queries. Appends to out. It runs
 * analyzer_run itself: the terms of the word's tokens (CJK bigrams
 * excluded) are appended without separator, so `Café` -> `cafe`, `U.S` ->
 * `us`, `1,000` -> `1000`; a word analyzer_run drops (symbols only, over
 * LEDE_MAX_WORD_BYTES) appends nothing and returns LEDE_OK. Returns
 * LEDE_ERR_TOO_BIG (nothing appended) if the parts add up to more than
 * LEDE_MAX_WORD_BYTES, LEDE_ERR_NOMEM (out's sticky status). */
lede_status analyzer_normalize(analyzer *a, buf *out, const char *s,
                               size_t len);

/* 1 if term (a normalized word term) is a stopword of the analyzer's
 * language (English list; used at query time, and by indexes of format 2,
 * which store these without positions). */
int analyzer_is_stopword(const analyzer *a, const char *term, size_t len);

/* The keys a caller wants, by how they start (analyzer_only_lead): each
 * key's first byte, and its first two bytes as a pair (bit b1 & 63 of row
 * b0 & 63; collisions only let more words through). Zero it, then add
 * each key with lead_set_add. */
typedef struct lead_set {
	unsigned char first[256];
	uint64_t pair[64];
} lead_set;

void lead_set_add(lead_set *s, const char *key, size_t len);

/* For a caller that only wants certain keys (the snippet builder and the
 * phrase check, which look for a query's few words in a whole body): an
 * ASCII word whose key cannot be wanted skips the stem cache and the
 * stemmer: a plain word is not reported at all, only its position is
 * counted; a word with joins or periods is reported unstemmed. The caller
 * must drop such tokens anyway (analyzer_lead_wants). Which words cannot
 * be wanted depends on the stemmer: one that only strips and rewrites
 * suffixes keeps a word's first byte; the English ones (english, porter,
 * earlyenglish) also keep the second, except that a y there may become i
 * (dying -> die), so a pair ending in i lets the y through too. s is
 * borrowed; NULL clears it. Returns 1 if set, 0 (and nothing changes) for
 * languages whose stemmers strip prefixes. */
int analyzer_only_lead(analyzer *a, const lead_set *s);

/* 0 if the ASCII-led term[0..len) cannot have a key the set given to
 * analyzer_only_lead wants; 1 otherwise, and when none is set. */
int analyzer_lead_wants(const analyzer *a, const char *term, size_t len);

/* Space-separated list of the language names analyzer_new accepts. Static. */
const char *analyzer_languages(void);

/* 1 if analyzer_new accepts lang (one of analyzer_languages()), else 0. */
int analyzer_lang_known(const char *lang);

/* The English stopword list analyzer_is_stopword uses, byte-sorted
 * (static; *out_n receives its length). For tests and tools. */
const char *const *analyzer_stopword_list(size_t *out_n);


/* ---------------------------------------------------------------------
 * The index schema (DESIGN.md "Index schema"). Term prefixes follow
 * Omega's conventions where one exists. Words are lowercase, so an
 * uppercase prefix never runs into the word after it.
 * ------------------------------------------------------------------- */
/* Body and title words are indexed unprefixed, as their stems (or the
 * word itself when it has no stem), with positions: see lib/index.c. */
#define PFX_TITLE "S"         /* title stem, with positions */
#define PFX_ID "Q"            /* unique article id (hashed when long) */
#define PFX_BYLINE "A"        /* byline word, with positions */
#define PFX_SOURCE "XO"       /* outlet word, with positions */
#define PFX_BYLINE_EXACT "XA" /* whole folded byline name, boolean */
#define PFX_SOURCE_EXACT "XS" /* whole folded outlet name, boolean */
#define PFX_SECTION "K"       /* folded section / topic tag, boolean */
#define PFX_LANG "L"          /* language code, boolean */
#define PFX_HOST "H"          /* URL host without www., boolean */
#define PFX_DAY "D"           /* D20250213 */
#define PFX_MONTH "M"         /* M202502 */
#define PFX_YEAR "Y"          /* Y2025 */
#define PFX_FILE "XF"         /* hash of the source file path, boolean */
#define TERM_LENGTH "XL"      /* format 4: wdf = the article's length */

#define SLOT_DATE 0     /* sortable_serialise(Unix seconds) */
#define SLOT_SIMHASH 1  /* 8-byte big-endian 64-bit simhash of the body:
                           of its words before slot 6 came (too alike for
                           unrelated stories; no longer read), now slot
                           6's first word, for the lede-search of before */
#define SLOT_HASH 2     /* 8-byte content hash of the article (skip unchanged) */
#define SLOT_FILE 3     /* 8-byte hash of the source file path, 0 = none */
#define SLOT_QTERM 4    /* the article's Q term (to delete vanished ones) */
#define SLOT_PAIRS 5    /* format 5 without positions: the pair filter */
#define SLOT_SHINGLE_SIMHASH 6 /* the fingerprint --collapse compares:
                                  SIMHASH_WORDS big-endian 64-bit simhashes
                                  of the body's 3-word shingles (lib/index.c);
                                  none when the body has no word */
/* 64-bit words of the fingerprint: the bits a few edits move in one
 * word vary too much, for a short article, to tell copies from other
 * stories; over two independent words the count doubles and its spread
 * grows by only 1.4 (see COLLAPSE_MAX_BITS in searcher/search.c). */
#define SIMHASH_WORDS 2

/* The pair filter of an article of an index without positions: a Bloom
 * filter of the pairs of body and title words (their keys: stems, or the
 * words) that stand next to each other, PAIR_FILTER_BITS bits a pair
 * and PAIR_FILTER_HASHES bits set for each (3% false positives). A
 * phrase whose adjacent words make a pair the filter lacks cannot be in
 * the article, which the search then need not read (query_check.c): a
 * phrase of common words that is itself rare ("plan administration": 1
 * article of the 155 holding both words) would otherwise read and
 * analyse every article holding its words. Only pairs of ASCII keys are
 * kept (a CJK bigram shares its position with a unigram), and none with
 * a stopword (analyzer_is_stopword: "of the" is in every article, and
 * leaving them out takes 40% off the filters' size); an article with
 * more than PAIR_FILTER_MAX_PAIRS pairs, or more than PAIR_SAME_POS_MAX
 * tokens at one position, has no filter and is always read. */
#define PAIR_FILTER_BITS 8
#define PAIR_FILTER_HASHES 3
#define PAIR_FILTER_MAX_PAIRS 32768
#define PAIR_SAME_POS_MAX 4

static inline uint64_t pair_key_hash(const char *key, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ull;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* 1 if key is ASCII (a key the filter can hold). */
static inline int pair_key_ascii(const char *key, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)key[i] >= 0x80)
			return 0;
	return len > 0;
}

static inline uint64_t pair_hash(uint64_t a, uint64_t b)
{
	uint64_t h = a * 0xff51afd7ed558ccdull ^ (b + 0x9e3779b97f4a7c15ull);

	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	return h;
}

/* Bit i (0 .. PAIR_FILTER_HASHES-1) of pair hash h in a filter of nbits
 * bits (double hashing, reduced by multiply-shift). */
static inline uint32_t pair_bit(uint64_t h, unsigned i, uint32_t nbits)
{
	uint32_t x = (uint32_t)(h >> 32) + i * ((uint32_t)h | 1u);

	return (uint32_t)(((uint64_t)x * nbits) >> 32);
}

/* Title words take positions 0.., then this gap, then the body: a phrase
 * cannot span the title and the body. */
#define TITLE_POSITION_GAP 100


/* ---------------------------------------------------------------------
 * record.c: the stored document data - an article's fields and its
 * original body text, zlib-compressed, in a versioned record.
 * ------------------------------------------------------------------- */

/* A decoded record: one allocation holding every string (NUL-terminated).
 * art is a view into it, valid until record_free. */
typedef struct record {
	lede_article art;
	const char **tags;   /* art.tags points here */
	char *mem;
} record;

/* Appends the encoded article to out. Bodies over RECORD_COMPRESS_MIN bytes
 * are deflated. */
lede_status record_encode(buf *out, const lede_article *a);
/* Decodes data (untrusted: checked, never overread). INVALID/CORRUPT when
 * malformed; NOMEM. rec must be freed with record_free even on failure. */
lede_status record_decode(record *rec, const char *data, size_t len,
                          lede_err *err);
void record_free(record *rec);

/* 64-bit FNV-1a style hash with a final mix; used for content hashes,
 * long-id and path terms. Not cryptographic. */
uint64_t hash64(const void *p, size_t n, uint64_t seed);


/* ---------------------------------------------------------------------
 * index.c: the lede_index handle, settings, article -> document.
 * ------------------------------------------------------------------- */
struct xc_writer;
struct xc_reader;
struct xc_doc;

/* Index format version, stored in metadata; bumped when the schema
 * changes. 5: positions are optional, and by default not kept: the
 * position table was 44% of an index and a third of the indexing time,
 * and the stored text holds the same information, so a phrase or NEAR is
 * matched as the AND of its words and checked against the text of the
 * candidates that could make the page (query_check.c). --positions keeps
 * them ("positions=1" in the settings). 4: impact postings: every
 * weighted term's wdf is its BM25 term frequency already divided by the
 * document's length norm (b is fixed when the index is created), so a
 * search reads no document lengths (xc_doc_set_impacts). 3: English
 * stopwords carry positions (exact phrases: "bank of england" is not
 * "bank to england"). 2: they had none. An older index is still read and
 * written as it is (a format-2 index's phrases skip its stopwords,
 * keeping their gap; a format-3 index is ranked with its document
 * lengths; both keep their positions), and a rebuild (--full) brings it
 * to the newest. */
#define LEDE_SCHEMA_VERSION 5
#define LEDE_SCHEMA_OLDEST 2
/* 1 if a database of this schema says whether it holds positions (5:
 * "positions=0|1" in its settings; older ones always do). */
#define SCHEMA_POSITIONS_SETTING(v) ((v) == 0 || (v) >= 5)
/* 1 if a database of this schema holds no positions for stopwords. */
#define SCHEMA_STOPWORDS_POSITIONLESS(v) ((v) != 0 && (v) < 3)
/* 1 if a database of this schema holds impacts instead of wdfs. */
#define SCHEMA_IMPACTS(v) ((v) == 0 || (v) >= 4)
/* Impacts are the length-normalised frequency times this: 32 keeps the
 * rounding under 1.6% for a word seen once in a document of average
 * length, while most impacts still take one byte in a posting. */
#define IMPACT_SCALE 32
/* A document shorter than this share of the average counts as this long
 * (Xapian's BM25 does the same, with the same default). */
#define IMPACT_MIN_NORMLEN 0.5
/* The average length an impact divides by is that of the articles its
 * database holds when the article is put, with a prior worth this many
 * articles of this many words, so that the first articles of an index
 * are not measured against each other alone. */
#define IMPACT_PRIOR_DOCS 8
#define IMPACT_PRIOR_LEN 256.0
/* A new index fixes its average length (META_AVGLEN) from its first
 * IMPACT_SAMPLE_DOCS articles (or the fewer of its first commit), whose
 * impacts are then measured again against it; lede-index measures a
 * sample of the files of a first build before it starts instead
 * (indexer/update.c, sample_avglen: 2-4% off the true average on
 * Reuters as one file an article and as its 22 SGML files, where 64
 * articles had been 13% off). A commit that finds the index's average more
 * than IMPACT_DRIFT away from it moves it there and measures every
 * article again, IMPACT_REMEASURE_MAX a commit (META_REMEASURE: the
 * docid to go on from). */
#define IMPACT_SAMPLE_DOCS 256u
#define IMPACT_SAMPLE_ARTICLES 2048u
#define IMPACT_SAMPLE_PER_FILE 128u
/* A run of fewer files samples one in this many (but IMPACT_SAMPLE_DOCS
 * at least): reading them twice costs up to 1/this of the reading. */
#define IMPACT_SAMPLE_SHARE 8u
#define IMPACT_DRIFT 0.10
#define IMPACT_REMEASURE_MAX 20000u
#define META_REMEASURE "lede:remeasure"
#define META_AVGLEN "lede:avglen"
/* After the number in META_AVGLEN: the caller fixed it (--avglen), and a
 * rebuild keeps it. */
#define AVGLEN_FIXED " fixed"
/* The largest average length one may ask for (lede_open_opts.avglen). */
#define IMPACT_AVGLEN_MAX 1e7
/* BM25's b: built into a new format-4 index when none is asked for, and
 * what an older index is searched with by default. */
#define LEDE_BM25_B 0.5
#define META_SCHEMA "lede:schema"
/* Per source file state: META_FILE_PREFIX + hex(hash(path)). */
#define META_FILE_PREFIX "lede:file:"

/* Format 4, while the average length is not fixed: the number of
 * articles in writer w and their lengths summed (read from Xapian when w
 * changes, then counted here: each reading is a B-tree descent). */
typedef struct impact_stats {
	struct xc_writer *w;
	uint32_t docs;
	uint64_t total;
} impact_stats;

struct lede_index {
	char *path;
	unsigned flags;              /* LEDE_OPEN_* */
	struct xc_writer *w;         /* writing handles */
	struct xc_reader *r;         /* opened lazily for search */
	int reader_stale;            /* a commit happened since r opened */
	unsigned reader_remote;      /* the stub r was opened from: remote */
	unsigned reader_local;       /* and local databases (shards.c) */
	analyzer *an;
	analyzer_settings settings;
	struct xc_doc *doc;          /* reused document builder */
	buf rec;                     /* reused record buffer */
	buf term;                    /* reused term buffer */
	buf qterm;                   /* the Q term of the article being put */
	buf pairs;                   /* its word pairs' hashes (uint64_t) */
	uint64_t pending;            /* changes since the last commit */
	int lock_fd;                 /* writer: lede.lock, flock()ed; else 0 */
	char db_name[64];            /* writer: current "db.N", "" = plain */
	struct xc_writer *old_w;     /* during a --full rebuild: the live db */
	char old_db_name[64];
	int old_schema;               /* settings.schema before a rebuild */
	double avglen;               /* format 4: the average length impacts
	                                are measured against; 0: not fixed
	                                yet (META_AVGLEN) */
	double want_avglen;          /* lede_open_opts.avglen; 0: measure */
	int avglen_held;             /* 1: commits leave avglen alone (a run
	                                that sampled it, indexer/update.c) */
	impact_stats impact;         /* format 4: lengths of the articles of
	                                the writer last put to */
	int shard_by;                /* SHARD_NONE / SHARD_YEAR / SHARD_MONTH */
	int want_shard;              /* asked for at open, -1 = any */
	struct time_shard *shards;   /* writer of a sharded index */
	size_t nshards;
	char errmsg[LEDE_ERRMSG_MAX];
};

/* Records a failure on idx (message formatted) and returns s. */
lede_status index_fail(lede_index *idx, lede_status s, const char *fmt, ...)
	LEDE_PRINTF(3, 4);
/* Copies an lede_err into idx's message; returns its status. */
lede_status index_fail_err(lede_index *idx, const lede_err *e);
/* Makes sure idx->r is open and at the latest commit. */
lede_status index_reader(lede_index *idx);
/* Builds the Q term of an article id into out ("Q" + id, or a hash of it
 * when long). */
lede_status index_id_term(buf *out, const char *id);
/* What index_put found and did. */
typedef struct put_result {
	int existed;        /* a document had the id: it was replaced, unless
	                       same or kept_old */
	int same;           /* identical content: nothing written */
	int kept_old;       /* the arbiter kept that document: nothing written */
	int moved;          /* the arbiter said its file is gone: replaced */
	int moved_same;     /* moved, and the same article but for its path */
	int arbitrated;     /* the arbiter ran (and left its verdict) */
	uint64_t old_file;  /* the file hash that document had (0 = none) */
} put_result;

/* An arbiter decides, when the id of the article being put is held by a
 * document from another source file (old_file, both nonzero), what
 * happens to that document. It runs only then: never on a new id. */
enum { PUT_REPLACE = 0, PUT_KEEP_OLD = 1, PUT_MOVE = 2 };
typedef int (*put_arbiter)(void *ctx, uint64_t old_file);

/* Upserts a (what lede_index_add does, without the read-only check).
 * file_hash (0 = none) tags the document with its source file (XF term and
 * SLOT_FILE). arb (may be NULL: always replace) settles a copy of the id
 * from another file. *out (may be NULL) says what was found and done.
 * Leaves the Q term in idx->qterm and the encoded record in idx->rec. */
lede_status index_put(lede_index *idx, const lede_article *a,
                      uint64_t file_hash, put_arbiter arb, void *arb_ctx,
                      put_result *out);
/* --full rebuilds into a fresh database and switches to it (compacted)
 * only when index_end_rebuild(idx, 1) succeeds. UNSUPPORTED for a plain
 * Xapian directory (then the caller rebuilds in place). */
lede_status index_begin_rebuild(lede_index *idx);
lede_status index_end_rebuild(lede_index *idx, int ok);
/* Parallel builds: worker k writes its own scratch database beside the
 * index (db.N+1.partK, no fsync) through a private handle with the same
 * analyzer settings; the parts are then compacted in order into db.N+1
 * (*out_w opened on it) and index_switch_to() makes it live. */
lede_status index_part_new(lede_index **out, lede_index *parent, int k);
/* Reopens part k left by an interrupted build: NOT_FOUND if there is
 * none; another error (message on parent) if it is unusable. */
lede_status index_part_resume(lede_index **out, lede_index *parent, int k);
/* 1 if any of parts 0..max-1 of the next database is on disk. */
int index_parts_left(const lede_index *idx, int max);
void index_part_free(lede_index *p, int remove);
lede_status index_merge_parts(lede_index *idx, lede_index *const *parts,
                              size_t n, struct xc_writer **out_w);
lede_status index_switch_to(lede_index *idx, struct xc_writer *w);
/* The XF term of a file hash, in a static-size buffer (20 bytes). */
void index_file_term(char out[24], uint64_t file_hash);

/* ---------------------------------------------------------------------
 * timeshard.c: time shards (lede-index --shard-by year|month). The meta
 * database (db.N, first in the stub) holds the settings and the per-file
 * records; each period's articles live in their own database
 * "shard-PERIOD.G", listed after it in the stub.
 * ------------------------------------------------------------------- */
enum { SHARD_NONE = 0, SHARD_YEAR = 1, SHARD_MONTH = 2 };
#define SHARD_DIR_PREFIX "shard-"

typedef struct time_shard {
	char period[16];          /* "2024", "2024-02" or "undated" */
	char name[64];            /* directory: shard-2024.3 */
	struct xc_writer *w;
	int dirty;                /* written since opened */
} time_shard;

/* Parses "year"/"month"/"none" (NULL = none). INVALID otherwise. */
lede_status shard_mode_parse(int *out, const char *s);
const char *shard_mode_name(int mode);
/* Opens a writer on every shard the stub lists after the meta line. */
lede_status shard_load(lede_index *idx);
/* The writer an article with this date goes to (idx->w when unsharded);
 * creates the period's shard when new. Looking does not mark the shard
 * written: an article found unchanged leaves it as it is. */
lede_status shard_target(lede_index *idx, int64_t date,
                         struct xc_writer **out);
/* Marks the shard of writer w (if it is one) written: committed with the
 * batch, and compacted once its period has ended. */
void shard_touch(lede_index *idx, const struct xc_writer *w);
/* The shard writer other than skip holding the unique term, in *out
 * (NULL if none): ids are unique across shards, so there is at most one. */
lede_status shard_holder(lede_index *idx, struct xc_writer *skip,
                         const char *term, size_t len,
                         struct xc_writer **out);
/* Deletes the unique term from every shard writer but keep. */
lede_status shard_drop_elsewhere(lede_index *idx, struct xc_writer *keep,
                                 const char *term, size_t len);
/* xc_writer_term_docs / delete_term / doccount over all writers. */
lede_status shard_term_docs(lede_index *idx, const char *term, size_t len,
                            uint32_t slot,
                            int (*cb)(void *, const char *, size_t, uint32_t),
                            void *ctx);
lede_status shard_delete_term(lede_index *idx, const char *term, size_t len);
lede_status shard_doccount(uint64_t *out, lede_index *idx);
/* Commits every dirty shard (before the meta database). */
lede_status shard_commit(lede_index *idx);
/* lede_index_commit; batch = 1 for the periodic commits of a long run,
 * which hand the spelling words to Xapian only every few commits. */
lede_status index_commit(lede_index *idx, int batch);
/* Format 4: the length of article a (as index_put would index it). */
uint64_t index_measure(lede_index *idx, const lede_article *a);
/* Format 4: fixes the average length impacts are measured against;
 * persist 0 keeps it in idx alone (parts of a parallel build take it). */
lede_status index_set_avglen(lede_index *idx, double avglen, int persist);
/* Closes and frees every shard writer (committing); returns the first
 * failure. */
lede_status shard_close(lede_index *idx);
/* Compacts the shards written in this run whose period has ended. */
lede_status shard_compact_closed(lede_index *idx, int64_t now);
/* Appends the stub lines of the shards ("auto shard-...\n"). */
void shard_stub_lines(const lede_index *idx, buf *out);
/* 1 if name is a shard directory the stub lists. */
int shard_listed(const lede_index *idx, const char *name);
/* Rewrites the stub (index.c) after shards changed. */
lede_status index_write_stub(lede_index *idx);
/* Compacts one database directory into a new generation; *io_w is the
 * writer on it, replaced by one on the new directory (index.c). */
lede_status index_compact_dir(lede_index *idx, char *name, size_t cap,
                              struct xc_writer **io_w);

/* ---------------------------------------------------------------------
 * shards.c: diagnosing remote shards listed in a stub file.
 * ------------------------------------------------------------------- */

/* Appends "remote shard HOST:PORT (STUB line N) is unreachable" for each
 * TCP remote line of the stub whose server does not accept a connection
 * (nothing when all answer or the stub is unreadable). */
void shards_describe_down(buf *out, const char *stub_path);
/* Counts the remote and local databases behind an index path (a directory
 * with a XAPIANDB stub, a stub file, or a plain database), following
 * nested stubs. Unreadable stubs count as nothing. */
void shards_count_remote(unsigned *out_remote, unsigned *out_local,
                         const char *index_path);

/* ---------------------------------------------------------------------
 * xapian_c.h is included separately (lib/xapian_c.h).
 * ------------------------------------------------------------------- */

#endif /* LEDE_PRIVATE_H */
