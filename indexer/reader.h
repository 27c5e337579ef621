/*
 * reader.h - the article readers: files in, lede_article views out.
 *
 * The first section is the interface the indexer, the API and the query
 * parser use (reader_read_path, reader_read_mem, the format names, and
 * date_parse). The second section ("between the readers") is shared only by
 * indexer/reader*.c: the input stream (plain, gzip, memory, stdin), the
 * article under construction and its one cleaning-and-delivery step, so
 * every format gets the same UTF-8, control-character and size guarantees.
 *
 * Data flow: reader_read_* opens a stream -> sniffs the format -> the format's
 * run function pulls bytes (whole file for text/HTML, one line for JSONL, one
 * <DOC>/<REUTERS> record for SGML) -> fills a reader_article -> reader_emit()
 * cleans the fields and calls sink->article.
 */
#ifndef LEDE_READER_H
#define LEDE_READER_H

#include <stdint.h>

#include "lede_private.h"

/* ---------------------------------------------------------------------
 * Public to the rest of lede.
 * ------------------------------------------------------------------- */

typedef struct reader_opts {
	/* LEDE_FORMAT_AUTO: by extension, then content sniffing. */
	lede_format format;
	/* JSONL field mapping, nmap entries "srcfield=name"; srcfield may be
	 * a dotted path ("meta.headline"); name is one of id title body date
	 * byline source url lang section tags, or author for byline. */
	const char *const *map;
	size_t nmap;
	/* Input declared Latin-1 (in practice Windows-1252): convert. */
	int latin1;
	/* Decompressed cap per .gz input; 0 means LEDE_MAX_GUNZIP_BYTES
	 * (tests and fuzzers lower it). */
	uint64_t max_gunzip_bytes;
	/* Decompressed bytes before LEDE_MAX_GUNZIP_RATIO applies; 0 means
	 * LEDE_GUNZIP_RATIO_FLOOR (tests lower it). */
	uint64_t gunzip_ratio_floor;
} reader_opts;

typedef struct reader_stats {
	/* Delivered to sink->article. */
	uint64_t articles;
	/* Records skipped: malformed, no body, too big, binary file... */
	uint64_t skipped;
	/* Articles that had invalid UTF-8 replaced by U+FFFD. */
	uint64_t bad_utf8;
	/* Articles without any date field (mtime fallback used, or none). */
	uint64_t no_date;
	/* Date fields present but unparseable: date left empty, no mtime
	 * fallback; disjoint from no_date. */
	uint64_t bad_date;
} reader_stats;

typedef struct reader_sink {
	/* One article. where = "file:line" (or "file" for one-article formats).
	 * The view and strings are valid only during the call. Return non-OK
	 * to stop reading (that status is returned by reader_read_*). */
	lede_status (*article)(void *ctx, const lede_article *a,
			       const char *where);
	/* A problem: a skipped record (s is the reason: LEDE_ERR_FORMAT,
	 * LEDE_ERR_TOO_BIG...) or a warning about an article that was still
	 * delivered (s == LEDE_OK: invalid UTF-8 replaced, date unparseable).
	 * May be NULL. */
	void (*problem)(void *ctx, const char *where, lede_status s,
			const char *msg);
	void *ctx;
	/* Polled as the input is read (once per chunk of at most
	 * READER_STOP_POLL_BYTES, whether or not it yields articles); nonzero
	 * stops the read with LEDE_ERR_INTERRUPTED. May be NULL. A file of
	 * blank lines or skipped records can run long without calling
	 * article: this is how a SIGTERM still stops it at once. */
	int (*stop)(void *ctx);
} reader_sink;

/* The article field a JSONL mapping "SRCFIELD=NAME" targets: the canonical
 * name of NAME ("author" -> "byline"), static; NULL when NAME is unknown. */
const char *reader_map_target(const char *name);

/* 1 if entry is a valid mapping "SRCFIELD=NAME" (SRCFIELD not empty, NAME
 * known to reader_map_target), else 0. */
int reader_map_ok(const char *entry);

/* Reads one file (or "-" for stdin: JSONL or TREC, sniffed). id_base is the
 * path used for fallback ids (path, or path#N for the Nth record of a
 * multi-article file); mtime is the date of last resort for formats without
 * dates (plain text, HTML), LEDE_NO_DATE for none. Returns LEDE_OK even when
 * records were skipped (counted in st, which is added to, not reset); an
 * error status only when the file as a whole cannot be read (err says why,
 * naming the file): NOT_FOUND, IO, INVALID (a directory, a bad map entry),
 * FORMAT (corrupt or truncated gzip), TOO_BIG (gzip over the size or
 * ratio cap), NOMEM, INTERRUPTED (sink->stop said so), or whatever
 * sink->article returned to stop. Articles delivered before an
 * error stay delivered. */
lede_status reader_read_path(const char *path, const char *id_base,
			     int64_t mtime, const reader_opts *o,
			     const reader_sink *sink, reader_stats *st,
			     lede_err *err);

/* Same over an in-memory buffer (tests, fuzzing, the API); name is used for
 * extension sniffing and messages. Handles gzip data too (by magic bytes).
 * data is not modified and need not be NUL-terminated. */
lede_status reader_read_mem(const char *data, size_t len, const char *name,
			    const char *id_base, int64_t mtime,
			    const reader_opts *o, const reader_sink *sink,
			    reader_stats *st, lede_err *err);

/* Call on the main thread before readers run in several threads at once
 * (parallel builds): initialises libraries whose first use is not
 * thread-safe (libxml2). Idempotent. */
void reader_prepare_threads(void);

/* The format of a file: by name (extension, looking through ".gz"), then by
 * the content head data[0..len) (which may be gzip data); a .txt or .md
 * whose content starts with unmistakable markup ("<!DOCTYPE html",
 * "<html", "<REUTERS", "<DOC>") is that markup's format. Never AUTO. */
lede_format reader_sniff(const char *name, const char *data, size_t len);

/* "text", "jsonl", "trec", "reuters", "html" ("auto" for AUTO). Static. */
const char *reader_format_name(lede_format f);

/* Inverse of reader_format_name, case-insensitive; also takes the aliases
 * txt, md, markdown, json, ndjson, sgml, htm and auto. LEDE_ERR_INVALID on
 * anything else (out untouched). */
lede_status reader_format_parse(lede_format *out, const char *name);

/* ---------------------------------------------------------------------
 * date.c: publication dates. Every form is read as UTC unless it carries
 * an offset or a zone name; years outside 1800..2200 are rejected.
 * ------------------------------------------------------------------- */

/* Returns 1 and sets *out (Unix seconds UTC) when all of s[0..len)
 * (surrounding blanks allowed) is one date, else 0 (*out untouched).
 * Forms: ISO 8601 (2025-02-13, 2025-02-13T10:00:00.5+01:00, 20250213),
 * RFC 2822 (Thu, 13 Feb 2025 10:00:00 +0100), "13 February 2025",
 * "February 13, 2025", "Feb. 13, 2025 10:00 a.m. EST", "26-FEB-1987
 * 15:01:01.79", "13.02.2025", "02/13/2025" (US order unless the first
 * number is over 12), "2025/02/13", "2025年3月5日", with English, French,
 * German, Spanish, Portuguese and Russian month names ("13. Februar
 * 2025", "1er mai 2012", "13 de fevereiro de 2025", "16 февраля 2024
 * года"). Two-digit years only in numeric forms (00-49 -> 20xx, 50-99 ->
 * 19xx). */
int date_parse(int64_t *out, const char *s, size_t len);

/* Like date_parse but reads one date at the START of s and ignores what
 * follows (datelines: "FEBRUARY 13, 2025 - Stating that..."). Returns the
 * bytes consumed (0: no date there). A malformed time after a good date
 * ("31-MAR-1987 605:12"), or an impossible one ("10:61", see date_note),
 * is left unconsumed and the date counts alone.
 * Zones: numeric offsets, unambiguous names (UTC GMT CET EST PDT JST ...),
 * and the US generic ET CT MT PT by the US daylight-saving rule of the
 * date; after an unresolvable zone ("IST", "Europe/Paris") the date is
 * kept and the time of day dropped (see date_scan_note). */
size_t date_scan(int64_t *out, const char *s, size_t len);

/* Longest zone name date_note keeps ("America/Argentina/Buenos_Aires" is
 * 30): longer is not a zone. */
#define DATE_NOTE_ZONE_MAX 40

/* What a scan saw besides the date: zone is the name of a time zone that
 * followed the time and could not be resolved ("IST", "Europe/Paris"),
 * "" if none. When set, the date was kept at midnight UTC of its day and
 * the time of day dropped. bad_time is 1 when an impossible time or
 * offset followed the date ("25:00", "10:61", "+25:00"): the scan ended
 * with the date alone, at midnight UTC, which a date field must not take
 * (reader_article_date) and a dateline may. */
typedef struct date_note {
	char zone[DATE_NOTE_ZONE_MAX + 1];
	int bad_time;
} date_note;

/* date_scan and date_parse reporting an unresolved zone in *note (may be
 * NULL; cleared first). */
size_t date_scan_note(int64_t *out, const char *s, size_t len, date_note *note);
int date_parse_note(int64_t *out, const char *s, size_t len, date_note *note);

/* Days since 1970-01-01 of a proleptic Gregorian date (no range check). */
int64_t date_days_from_civil(int64_t y, unsigned m, unsigned d);

/* ---------------------------------------------------------------------
 * Between the readers (indexer/reader*.c only).
 * ------------------------------------------------------------------- */

/* Input read between two polls of sink->stop: the stream's chunk. */
#define READER_STOP_POLL_BYTES (64u * 1024)
/* Bytes of the input head used for sniffing and the binary-file check. */
#define READER_HEAD_BYTES 1024
/* At most this many tags per article: Reuters has at most a dozen; more is
 * a keyword-stuffed page, and each tag is a term in the index. */
#define READER_MAX_TAGS 64

/* A stream of decompressed input bytes: a file descriptor, stdin or memory,
 * gunzipped on the fly when it starts with the gzip magic. Defined in
 * reader.c; the readers only call the functions below. */
typedef struct reader_stream reader_stream;

/* One read of one file: what every format's run function needs. */
typedef struct reader_run {
	const char *name;    /* file name for messages */
	const char *id_base; /* for fallback ids */
	int content_ids;     /* stdin: fallback ids hash the article
				(reader_emit) */
	int64_t mtime;	     /* date of last resort, or LEDE_NO_DATE */
	const reader_opts *opts;
	const reader_sink *sink;
	reader_stats *st;
	lede_err *err;
	reader_stream *in;
	buf where;	/* scratch for "file:line", built only when used */
	buf scratch;	/* scratch for field cleaning */
	buf clean[9];	/* cleaned fields of the article being emitted */
	buf clean_tags; /* cleaned tags, NUL-separated */
	const char *tagv[READER_MAX_TAGS];
} reader_run;

/* The article under construction. Fields are raw bytes (cleaned by
 * reader_emit); an empty buf means absent. */
typedef struct reader_article {
	buf id, title, byline, source, url, lang, section, body;
	buf tags;      /* tags, each followed by a NUL byte */
	int64_t date;  /* LEDE_NO_DATE when none */
	buf date_text; /* a date that was present but did not parse
			  (warned about and counted in bad_date) */
	buf date_zone; /* the unresolved zone of the date kept (its time
			  of day dropped; warned about) */
	size_t nbad;   /* invalid UTF-8 sequences already replaced */
} reader_article;

void reader_article_init(reader_article *a);
void reader_article_reset(reader_article *a); /* empty again, keeps memory */
void reader_article_free(reader_article *a);
/* Records the unresolved zone of the date just set (or none): reader_emit
 * warns about it. */
void reader_article_zone(reader_article *a, const date_note *note);
/* Appends one tag (raw bytes; cleaned by reader_emit). */
void reader_article_add_tag(reader_article *a, const char *s, size_t len);
/* Sets a->date from a date field s[0..len) (date_scan: trailing text
 * after a date is ignored). Blank: nothing. Unparseable: kept in
 * a->date_text for reader_emit to report and count. Returns 1 if parsed. */
int reader_article_date(reader_article *a, const char *s, size_t len);

/* Cleans a's fields and delivers it: UTF-8 sanitized (counting bad_utf8),
 * control characters dropped, short fields trimmed, whitespace collapsed
 * and capped at LEDE_MAX_FIELD_BYTES, body capped at LEDE_MAX_ARTICLE_BYTES,
 * lang reduced to a lowercase ISO 639 code. An empty id becomes
 * fallback_id, or on stdin id_base ":" and a hash of the article (see
 * content_id in reader.c). No date: mtime when use_mtime, and no_date is
 * counted. An empty body skips the record ("no body", counted). where
 * names the record. Returns LEDE_OK or the status that stops the read
 * (the sink's, or NOMEM). */
lede_status reader_emit(reader_run *r, reader_article *a, const char *where,
			const char *fallback_id, int use_mtime);

/* Reports a skipped record (counted in st->skipped) or, with s == LEDE_OK,
 * a warning. */
void reader_skip(reader_run *r, const char *where, lede_status s,
		 const char *fmt, ...) LEDE_PRINTF(4, 5);
void reader_warn(reader_run *r, const char *where, const char *fmt, ...)
    LEDE_PRINTF(3, 4);

/* "name:line" in r->where; returns r->where.data. Costs a copy of the
 * name: build it only to report a problem or deliver an article, never
 * per input line (a file of 50 million blank lines). */
const char *reader_where_line(reader_run *r, uint64_t line);

/* Decodes raw input to UTF-8 into out (appending): Latin-1 conversion when
 * the input is declared Latin-1, else invalid sequences replaced by U+FFFD
 * (added to *nbad). */
lede_status reader_decode(reader_run *r, buf *out, const char *s, size_t len,
			  size_t *nbad);

/* Next chunk of decompressed bytes: *p and *n point into the stream's buffer,
 * valid until the next call. Returns LEDE_OK with *n == 0 at the end, or an
 * error status (err set, naming the file) on a read or gzip failure. */
lede_status reader_stream_chunk(reader_stream *in, const char **p, size_t *n);

/* Next line without its "\n" (a final "\r" is kept). Lines longer than max
 * are consumed but not stored: *too_long is set and line holds the first
 * max bytes. *eof is set (and line empty) when there is no more input.
 * Returns LEDE_OK or the stream error. */
lede_status reader_stream_line(reader_stream *in, buf *line, size_t max,
			       int *too_long, int *eof);

/* Consumes the empty lines ("\n" alone) at the read position and adds
 * their number to *lines: a tight loop over the buffer, for files padded
 * with millions of them. Returns LEDE_OK or the stream error. */
lede_status reader_stream_skip_empty(reader_stream *in, uint64_t *lines);

/* Reads everything left, up to max bytes, into out. *too_big is set (and
 * the rest drained) when the input is longer. */
lede_status reader_stream_slurp(reader_stream *in, buf *out, size_t max,
				int *too_big);

/* Derives a title for an article that has none from its body text
 * s[0..len) (valid UTF-8), by the text reader's rule: the first line when
 * short (at most 120 characters, no final period), else its first
 * sentence after any dateline, cut at a word to 100 characters with "…".
 * Nothing when a->title is set. Defined in reader_text.c. */
void reader_derive_title(reader_article *a, const char *s, size_t len);

/* One run function per format (reader_<format>.c). Each returns LEDE_OK
 * when the file was read to its end (records may have been skipped), else
 * the stopping status. */
lede_status reader_text_run(reader_run *r);
lede_status reader_jsonl_run(reader_run *r);
lede_status reader_trec_run(reader_run *r);
lede_status reader_reuters_run(reader_run *r);
lede_status reader_html_run(reader_run *r);

/* ---------------------------------------------------------------------
 * reader_sgml.c: what TREC and Reuters share.
 * ------------------------------------------------------------------- */

/* Splits the stream into <NAME ...>...</NAME> records (case-insensitive),
 * each held whole in memory up to LEDE_MAX_ARTICLE_BYTES. Calls rec() per
 * complete record with the text from its open tag to its close tag, its
 * first line number and its ordinal (1-based, counting skipped ones).
 * Reports and skips: an open tag with no close tag before the next open
 * tag or the end, and records over the cap. */
typedef lede_status (*sgml_record_cb)(reader_run *r, const char *rec,
				      size_t len, uint64_t line,
				      uint64_t ordinal, void *ctx);
lede_status sgml_split(reader_run *r, const char *name, sgml_record_cb rec,
		       void *ctx);

/* Finds the first element <NAME ...>content</NAME> at or after *pos in
 * s[0..len) (case-insensitive name; an element whose close tag is missing
 * runs to the next open tag of the same name or the end). Sets *cs and *cl to
 * the content and *pos past the element; returns 1 if found. */
int sgml_element(const char *s, size_t len, size_t *pos, const char *name,
		 const char **cs, size_t *cl);

/* The value of attribute attr in the open tag at s[0..len) ("<REUTERS
 * NEWID=\"5\">"): sets *vs and *vl, returns 1 if present. */
int sgml_attr(const char *s, size_t len, const char *attr, const char **vs,
	      size_t *vl);

/* Appends s[0..len) to out with entities decoded (&lt; &gt; &amp; &quot;
 * &apos; &nbsp; and the HTML Latin-1 names, &#N; &#xN;). Character
 * references to control characters (Reuters' &#2; &#3; &#5;...) become
 * nothing, except &#9; &#10; &#13; which become a space. When strip_tags,
 * markup (<...>) is dropped, <P>-like block tags becoming a blank line. */
void sgml_text(buf *out, const char *s, size_t len, int strip_tags);

/* ---------------------------------------------------------------------
 * reader_byline.c: "By JANE DOE and John Roe, Agency News".
 * ------------------------------------------------------------------- */

/* Parses a byline (with or without its leading "By"): appends the names,
 * "; "-separated and in title case when written in capitals, to names,
 * and an outlet named after a comma, "|", " - " or in parentheses to
 * source. A byline that names only an outlet ("By the Associated Press",
 * "By Associated Press": all words outlet words) sets source alone. Job titles
 * ("Staff Writer", "Correspondent") are dropped. Input must be valid UTF-8.
 * Returns 1 if at least one name was found. */
int byline_parse(const char *s, size_t len, buf *names, buf *source);

/* 1 if line (valid UTF-8) starts with "By " (any case) followed by a
 * capitalised name of two or more words, or by "the" and an outlet ("By
 * the Associated Press"): a byline line. */
int byline_is_line(const char *s, size_t len);

/* The line right under a byline line: 1 if it belongs to the byline, an
 * outlet ("Agency News", "The Daily Planet": a few capitalised words, one
 * of them a word outlets use, or any such words when alone, i.e. followed
 * by a blank line) appended to source when source is empty, or a job
 * title ("Staff Writer", not stored). 0: it is not part of the byline. */
int byline_outlet_line(const char *s, size_t len, int alone, buf *source);

#endif /* LEDE_READER_H */
