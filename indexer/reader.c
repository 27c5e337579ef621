/*
 * reader.c - what every article reader shares: opening a file, stdin or a
 * memory buffer as one stream of bytes (gunzipped on the fly), deciding its
 * format, and turning a raw article into a clean lede_article view.
 *
 * The format: by extension (looking through ".gz"), except that markup no
 * plain-text article starts with ("<!DOCTYPE html", "<html", "<REUTERS",
 * "<DOC>") overrides a .txt or .md name; without a known extension, by
 * content (sniff_content).
 *
 * The stream: a file is read in STREAM_CHUNK pieces, and when it starts
 * with the gzip magic (1f 8b) the pieces go through zlib's inflate with
 * windowBits 15+32 (gzip or zlib header, auto-detected), member after
 * member as gzip(1) does. Nothing is ever slurped whole except by the
 * one-article formats, up to LEDE_MAX_ARTICLE_BYTES: a 4 GB JSONL.gz is
 * read with one line in memory. The decompressed total is capped
 * (LEDE_MAX_GUNZIP_BYTES), and so is its ratio to the compressed bytes read
 * (LEDE_MAX_GUNZIP_RATIO, past LEDE_GUNZIP_RATIO_FLOOR), so a gzip bomb
 * ends quickly in an error naming the file, after the articles before it
 * were delivered. Each refill polls the caller's stop callback, so a long
 * file that yields nothing can still be interrupted.
 *
 * The cleaning (reader_emit): whatever the format, the indexer gets valid
 * UTF-8 (bad bytes become U+FFFD, counted), no control characters except
 * newline and tab in the body, short fields trimmed with whitespace
 * collapsed and cut at LEDE_MAX_FIELD_BYTES on a character boundary. Doing
 * it once here means a format reader cannot forget a case, and the fuzz
 * targets check one contract for all of them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "reader.h"

/* Read and inflate granularity: big enough that syscalls and inflate calls
 * are cheap per byte, small enough to keep a reader's footprint small. */
#define STREAM_CHUNK (64u * 1024)

enum {
	F_ID,
	F_TITLE,
	F_BYLINE,
	F_SOURCE,
	F_URL,
	F_LANG,
	F_SECTION,
	F_BODY,
	F_TMP /* scratch: one tag, the bad date text */
};

struct reader_stream {
	const char *name; /* for messages */
	lede_err *err;
	int fd;	    /* -1: memory */
	int own_fd; /* close fd at the end (not stdin) */
	const unsigned char *mem;
	size_t mem_len, mem_pos;
	unsigned char *raw; /* raw read buffer (fd input) */
	int raw_eof;	    /* no more raw input */
	int gz;		    /* inflating */
	int gz_end;	    /* last gzip member finished */
	int z_ready;	    /* inflateInit2 done */
	z_stream z;
	uint64_t out_total;	 /* decompressed bytes produced */
	uint64_t out_cap;	 /* LEDE_MAX_GUNZIP_BYTES or the caller's */
	uint64_t in_total;	 /* compressed bytes handed to inflate */
	const reader_sink *sink; /* for sink->stop */
	uint64_t ratio_floor;	 /* LEDE_GUNZIP_RATIO_FLOOR or the caller's */
	char *out;		 /* decoded bytes; out[pos..len) unread */
	size_t out_pos, out_len, out_size;
	int eof;	    /* all bytes produced */
	lede_status status; /* sticky: first failure */
};

/* ---- the stream ------------------------------------------------------ */

static lede_status stream_fail(reader_stream *in, lede_status s,
			       const char *what)
{
	if (in->status == LEDE_OK) {
		in->status = s;
		err_set(in->err, s, "%s: %s", in->name, what);
	}
	return in->status;
}

/* Reads more raw bytes: for fd input into in->raw, pointing z at them. For
 * memory input z points straight at the caller's buffer. Sets raw_eof. */
static lede_status raw_more(reader_stream *in, const unsigned char **p,
			    size_t *n)
{
	ssize_t got;

	*n = 0;
	if (in->fd < 0) {
		size_t left = in->mem_len - in->mem_pos;

		/* z_stream counts in unsigned int: feed big buffers in parts.
		 */
		if (left > (size_t)1 << 30)
			left = (size_t)1 << 30;
		*p = in->mem + in->mem_pos;
		*n = left;
		in->mem_pos += left;
		in->in_total += left;
		if (in->mem_pos == in->mem_len)
			in->raw_eof = 1;
		if (left == 0)
			in->raw_eof = 1;
		return LEDE_OK;
	}
	for (;;) {
		got = read(in->fd, in->raw, STREAM_CHUNK);
		if (got >= 0)
			break;
		if (errno != EINTR) {
			char msg[200];

			snprintf(msg, sizeof msg, "read error: %s",
				 strerror(errno));
			return stream_fail(in, LEDE_ERR_IO, msg);
		}
	}
	if (got == 0)
		in->raw_eof = 1;
	*p = in->raw;
	*n = (size_t)got;
	in->in_total += (uint64_t)got;
	return LEDE_OK;
}

/* Plain input: appends raw bytes to out. */
static lede_status fill_plain(reader_stream *in)
{
	size_t n, room = in->out_size - in->out_len;

	if (in->fd < 0) {
		n = in->mem_len - in->mem_pos;
		if (n > room)
			n = room;
		memcpy(in->out + in->out_len, in->mem + in->mem_pos, n);
		in->mem_pos += n;
		in->out_len += n;
		if (n == 0)
			in->eof = 1;
		return LEDE_OK;
	}
	for (;;) {
		ssize_t got = read(in->fd, in->out + in->out_len, room);

		if (got > 0) {
			in->out_len += (size_t)got;
			return LEDE_OK;
		}
		if (got == 0) {
			in->raw_eof = 1;
			in->eof = 1;
			return LEDE_OK;
		}
		if (errno != EINTR) {
			char msg[200];

			snprintf(msg, sizeof msg, "read error: %s",
				 strerror(errno));
			return stream_fail(in, LEDE_ERR_IO, msg);
		}
	}
}

/* Gzip input: inflates into out until some bytes come out or the data ends
 * (cleanly after a member, or not: truncated). */
static lede_status fill_gz(reader_stream *in)
{
	size_t room = in->out_size - in->out_len;

	if (in->gz_end) {
		in->eof = 1;
		return LEDE_OK;
	}
	in->z.next_out = (unsigned char *)in->out + in->out_len;
	in->z.avail_out = (unsigned)room;
	while (in->z.avail_out == room) {
		int ret;

		if (in->z.avail_in == 0) {
			const unsigned char *p;
			size_t n;

			if (in->raw_eof)
				return stream_fail(in, LEDE_ERR_FORMAT,
						   "truncated gzip data "
						   "(unexpected end of file)");
			if (raw_more(in, &p, &n) != LEDE_OK)
				return in->status;
			if (n == 0)
				return stream_fail(in, LEDE_ERR_FORMAT,
						   "truncated gzip data "
						   "(unexpected end of file)");
			in->z.next_in = (unsigned char *)p;
			in->z.avail_in = (unsigned)n;
		}
		ret = inflate(&in->z, Z_NO_FLUSH);
		if (ret == Z_STREAM_END) {
			/* Another member may follow (cat a.gz b.gz); anything
			 * else after a member is ignored, as gzip -d does with
			 * trailing zeros. */
			if (in->z.avail_in == 0 && !in->raw_eof) {
				const unsigned char *p;
				size_t n;

				if (raw_more(in, &p, &n) != LEDE_OK)
					return in->status;
				in->z.next_in = (unsigned char *)p;
				in->z.avail_in = (unsigned)n;
			}
			if (in->z.avail_in > 0 && in->z.next_in[0] == 0x1f) {
				if (inflateReset(&in->z) != Z_OK)
					return stream_fail(
					    in, LEDE_ERR_INTERNAL,
					    "inflateReset failed");
			} else {
				in->gz_end = 1;
				break;
			}
		} else if (ret == Z_MEM_ERROR) {
			return stream_fail(in, LEDE_ERR_NOMEM,
					   "out of memory in inflate");
		} else if (ret == Z_DATA_ERROR || ret == Z_NEED_DICT ||
			   ret == Z_STREAM_ERROR) {
			char msg[200];

			snprintf(msg, sizeof msg, "corrupt gzip data (%s)",
				 in->z.msg ? in->z.msg : "inflate failed");
			return stream_fail(in, LEDE_ERR_FORMAT, msg);
		}
		/* Z_OK, or Z_BUF_ERROR meaning "more input": loop. */
	}
	{
		size_t got = room - in->z.avail_out;

		in->out_len += got;
		in->out_total += got;
		if (in->out_total > in->out_cap) {
			char msg[200];

			snprintf(msg, sizeof msg,
				 "decompressed data over the %llu-byte limit "
				 "(a gzip bomb?); rest of the file ignored",
				 (unsigned long long)in->out_cap);
			return stream_fail(in, LEDE_ERR_TOO_BIG, msg);
		}
		if (in->out_total > in->ratio_floor &&
		    in->out_total / LEDE_MAX_GUNZIP_RATIO > in->in_total) {
			char msg[200];

			snprintf(msg, sizeof msg,
				 "decompressed data over %u times its "
				 "compressed size after %llu MiB (a gzip "
				 "bomb?); rest of the file ignored",
				 (unsigned)LEDE_MAX_GUNZIP_RATIO,
				 (unsigned long long)(in->out_total >> 20));
			return stream_fail(in, LEDE_ERR_TOO_BIG, msg);
		}
		if (got == 0 && in->gz_end)
			in->eof = 1;
	}
	return LEDE_OK;
}

/* Makes more decoded bytes available (compacting out first). At the end
 * sets in->eof. */
static lede_status stream_fill(reader_stream *in)
{
	if (in->status != LEDE_OK)
		return in->status;
	if (in->eof)
		return LEDE_OK;
	if (in->sink != NULL && in->sink->stop != NULL &&
	    in->sink->stop(in->sink->ctx))
		return stream_fail(in, LEDE_ERR_INTERRUPTED,
				   "reading stopped by the caller");
	if (in->out_pos > 0) {
		memmove(in->out, in->out + in->out_pos,
			in->out_len - in->out_pos);
		in->out_len -= in->out_pos;
		in->out_pos = 0;
	}
	if (in->out_len == in->out_size)
		return LEDE_OK;
	return in->gz ? fill_gz(in) : fill_plain(in);
}

/* Ensures at least want bytes (or all that is left) are buffered and
 * points *p and *n at them, without consuming. want <= STREAM_CHUNK. */
static lede_status stream_peek(reader_stream *in, size_t want, const char **p,
			       size_t *n)
{
	while (in->out_len - in->out_pos < want && !in->eof) {
		size_t before = in->out_len - in->out_pos;

		if (stream_fill(in) != LEDE_OK)
			return in->status;
		if (in->out_len - in->out_pos == before && !in->eof &&
		    in->out_len == in->out_size)
			break;
	}
	*p = in->out + in->out_pos;
	*n = in->out_len - in->out_pos;
	return in->status;
}

lede_status reader_stream_chunk(reader_stream *in, const char **p, size_t *n)
{
	*n = 0;
	*p = in->out;
	while (in->out_pos == in->out_len && !in->eof) {
		if (stream_fill(in) != LEDE_OK)
			return in->status;
	}
	if (in->status != LEDE_OK)
		return in->status;
	*p = in->out + in->out_pos;
	*n = in->out_len - in->out_pos;
	in->out_pos = in->out_len;
	return LEDE_OK;
}

lede_status reader_stream_line(reader_stream *in, buf *line, size_t max,
			       int *too_long, int *eof)
{
	int any = 0;

	buf_reset(line);
	*too_long = 0;
	*eof = 0;
	for (;;) {
		const char *p, *nl;
		size_t n, take;

		if (in->out_pos == in->out_len) {
			if (in->eof) {
				*eof = !any;
				return LEDE_OK;
			}
			if (stream_fill(in) != LEDE_OK)
				return in->status;
			continue;
		}
		any = 1;
		p = in->out + in->out_pos;
		n = in->out_len - in->out_pos;
		nl = memchr(p, '\n', n);
		take = nl ? (size_t)(nl - p) : n;
		if (line->len < max) {
			size_t room = max - line->len;

			if (buf_append(line, p, take < room ? take : room) !=
			    LEDE_OK)
				return line->status;
			if (take > room)
				*too_long = 1;
		} else if (take > 0) {
			*too_long = 1;
		}
		in->out_pos += take + (nl ? 1 : 0);
		if (nl)
			return LEDE_OK;
	}
}

lede_status reader_stream_skip_empty(reader_stream *in, uint64_t *lines)
{
	for (;;) {
		const char *p = in->out + in->out_pos;
		const char *e = in->out + in->out_len;

		while (p < e && *p == '\n')
			p++;
		*lines += (uint64_t)(p - (in->out + in->out_pos));
		in->out_pos = (size_t)(p - in->out);
		if (p < e || in->eof)
			return in->status;
		if (stream_fill(in) != LEDE_OK)
			return in->status;
	}
}

lede_status reader_stream_slurp(reader_stream *in, buf *out, size_t max,
				int *too_big)
{
	const char *p;
	size_t n;

	*too_big = 0;
	for (;;) {
		if (reader_stream_chunk(in, &p, &n) != LEDE_OK)
			return in->status;
		if (n == 0)
			return LEDE_OK;
		if (n > max - out->len) {
			*too_big = 1;
			return LEDE_OK;
		}
		if (buf_append(out, p, n) != LEDE_OK)
			return out->status;
	}
}

static void stream_close(reader_stream *in)
{
	if (in->z_ready)
		inflateEnd(&in->z);
	free(in->raw);
	free(in->out);
	if (in->own_fd)
		close(in->fd);
}

/* Sets up a stream over fd (>= 0) or memory, and switches to gunzipping
 * when the first bytes are the gzip magic. */
static lede_status stream_open(reader_stream *in, const char *name, int fd,
			       int own_fd, const char *mem, size_t mem_len,
			       uint64_t cap, uint64_t ratio_floor,
			       const reader_sink *sink, lede_err *err)
{
	memset(in, 0, sizeof *in);
	in->name = name;
	in->err = err;
	in->sink = sink;
	in->fd = fd;
	in->own_fd = own_fd;
	in->mem = (const unsigned char *)mem;
	in->mem_len = mem_len;
	in->out_cap = cap ? cap : LEDE_MAX_GUNZIP_BYTES;
	in->ratio_floor = ratio_floor ? ratio_floor : LEDE_GUNZIP_RATIO_FLOOR;
	in->out_size = 2 * STREAM_CHUNK;
	in->out = malloc(in->out_size);
	if (fd >= 0)
		in->raw = malloc(in->out_size);
	if (in->out == NULL || (fd >= 0 && in->raw == NULL))
		return stream_fail(in, LEDE_ERR_NOMEM, "out of memory");
	/* Look at the first two raw bytes without losing them: for fd input
	 * they go through the plain path into out, and move to z if gzip. */
	if (fd < 0) {
		if (mem_len >= 2 && (unsigned char)mem[0] == 0x1f &&
		    (unsigned char)mem[1] == 0x8b)
			in->gz = 1;
	} else {
		while (in->out_len < 2 && !in->eof)
			if (fill_plain(in) != LEDE_OK)
				return in->status;
		if (in->out_len >= 2 && (unsigned char)in->out[0] == 0x1f &&
		    (unsigned char)in->out[1] == 0x8b) {
			in->gz = 1;
			/* The bytes already read become z's first input. */
			memcpy(in->raw, in->out, in->out_len);
			in->z.next_in = in->raw;
			in->z.avail_in = (unsigned)in->out_len;
			in->out_len = 0;
			in->eof = 0;
		}
	}
	if (in->gz) {
		if (inflateInit2(&in->z, 15 + 32) != Z_OK)
			return stream_fail(in, LEDE_ERR_NOMEM,
					   "cannot start inflate");
		in->z_ready = 1;
	}
	return LEDE_OK;
}

/* ---- formats ---------------------------------------------------------- */

static const char *const format_names[] = {"auto", "text",    "jsonl",
					   "trec", "reuters", "html"};

const char *reader_format_name(lede_format f)
{
	if ((unsigned)f < sizeof format_names / sizeof format_names[0])
		return format_names[f];
	return "unknown";
}

lede_status reader_format_parse(lede_format *out, const char *name)
{
	static const struct {
		const char *name;
		lede_format f;
	} aliases[] = {
	    {"auto", LEDE_FORMAT_AUTO},	      {"text", LEDE_FORMAT_TEXT},
	    {"txt", LEDE_FORMAT_TEXT},	      {"md", LEDE_FORMAT_TEXT},
	    {"markdown", LEDE_FORMAT_TEXT},   {"jsonl", LEDE_FORMAT_JSONL},
	    {"json", LEDE_FORMAT_JSONL},      {"ndjson", LEDE_FORMAT_JSONL},
	    {"trec", LEDE_FORMAT_TREC},	      {"sgml", LEDE_FORMAT_TREC},
	    {"reuters", LEDE_FORMAT_REUTERS}, {"html", LEDE_FORMAT_HTML},
	    {"htm", LEDE_FORMAT_HTML},
	};

	if (name == NULL)
		return LEDE_ERR_INVALID;
	for (size_t k = 0; k < sizeof aliases / sizeof aliases[0]; k++) {
		if (strcasecmp(aliases[k].name, name) == 0) {
			*out = aliases[k].f;
			return LEDE_OK;
		}
	}
	return LEDE_ERR_INVALID;
}

static int ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && strncasecmp(s + len - n, suffix, n) == 0;
}

static lede_format sniff_name(const char *name)
{
	static const struct {
		const char *ext;
		lede_format f;
	} exts[] = {
	    {".txt", LEDE_FORMAT_TEXT},	   {".text", LEDE_FORMAT_TEXT},
	    {".md", LEDE_FORMAT_TEXT},	   {".markdown", LEDE_FORMAT_TEXT},
	    {".jsonl", LEDE_FORMAT_JSONL}, {".ndjson", LEDE_FORMAT_JSONL},
	    {".json", LEDE_FORMAT_JSONL},  {".trec", LEDE_FORMAT_TREC},
	    {".html", LEDE_FORMAT_HTML},   {".htm", LEDE_FORMAT_HTML},
	    {".xhtml", LEDE_FORMAT_HTML},
	};
	size_t len;

	if (name == NULL)
		return LEDE_FORMAT_AUTO;
	len = strlen(name);
	if (ends_with(name, len, ".gz"))
		len -= 3;
	for (size_t k = 0; k < sizeof exts / sizeof exts[0]; k++)
		if (ends_with(name, len, exts[k].ext))
			return exts[k].f;
	/* .sgm/.sgml hold TREC or Reuters: the content decides. */
	return LEDE_FORMAT_AUTO;
}

static const char *find_ci(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= len; i++)
		if (strncasecmp(s + i, needle, n) == 0)
			return s + i;
	return NULL;
}

/* Markup at the very start (after a BOM and blanks) that no plain-text
 * article begins with: it overrides a .txt or .md name, since archives
 * are full of web pages and SGML saved as ".txt". Returns the format, or
 * AUTO when there is none. */
static lede_format markup_start(const char *s, size_t len)
{
	static const struct {
		const char *open; /* lowercase */
		lede_format f;
	} marks[] = {
	    {"<!doctype html", LEDE_FORMAT_HTML},
	    {"<html>", LEDE_FORMAT_HTML},
	    {"<html ", LEDE_FORMAT_HTML},
	    {"<!doctype lewis", LEDE_FORMAT_REUTERS},
	    {"<reuters ", LEDE_FORMAT_REUTERS},
	    {"<reuters>", LEDE_FORMAT_REUTERS},
	    {"<doc>", LEDE_FORMAT_TREC},
	};
	size_t i = 0;

	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len &&
	       (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++) {
		size_t n = strlen(marks[k].open);

		if (len - i >= n && strncasecmp(s + i, marks[k].open, n) == 0)
			return marks[k].f;
	}
	return LEDE_FORMAT_AUTO;
}

/* The format a name says, corrected by markup at the start of the content
 * (a .txt that is a web page). */
static lede_format sniff_name_and_start(const char *name, const char *head,
					size_t n)
{
	lede_format f = sniff_name(name), m;

	if (f != LEDE_FORMAT_TEXT)
		return f;
	m = markup_start(head, n);
	return m != LEDE_FORMAT_AUTO ? m : f;
}

/* Content sniffing over decoded bytes. */
static lede_format sniff_content(const char *s, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len &&
	       (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	if (i < len && s[i] == '{')
		return LEDE_FORMAT_JSONL;
	if (find_ci(s, len, "<REUTERS"))
		return LEDE_FORMAT_REUTERS;
	if (find_ci(s, len, "<DOC>") || find_ci(s, len, "<DOC "))
		return LEDE_FORMAT_TREC;
	if (i < len && s[i] == '<' &&
	    (find_ci(s, len, "<html") || find_ci(s, len, "<!doctype html") ||
	     find_ci(s, len, "<head") || find_ci(s, len, "<body") ||
	     find_ci(s, len, "<article") || find_ci(s, len, "<meta") ||
	     find_ci(s, len, "<title")))
		return LEDE_FORMAT_HTML;
	return LEDE_FORMAT_TEXT;
}

lede_format reader_sniff(const char *name, const char *data, size_t len)
{
	lede_format f = sniff_name(name);
	unsigned char head[READER_HEAD_BYTES];
	z_stream z;
	size_t n;

	if (f != LEDE_FORMAT_AUTO && f != LEDE_FORMAT_TEXT)
		return f;
	if (data == NULL)
		return LEDE_FORMAT_TEXT;
	if (len < 2 || (unsigned char)data[0] != 0x1f ||
	    (unsigned char)data[1] != 0x8b) {
		n = len < READER_HEAD_BYTES ? len : READER_HEAD_BYTES;
		return f == LEDE_FORMAT_TEXT
			   ? sniff_name_and_start(name, data, n)
			   : sniff_content(data, n);
	}
	/* Gzip data: inflate just the head. */
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 15 + 32) != Z_OK)
		return LEDE_FORMAT_TEXT;
	z.next_in = (unsigned char *)data;
	z.avail_in = len > UINT32_MAX ? UINT32_MAX : (unsigned)len;
	z.next_out = head;
	z.avail_out = sizeof head;
	(void)inflate(&z, Z_NO_FLUSH);
	n = sizeof head - z.avail_out;
	inflateEnd(&z);
	return f == LEDE_FORMAT_TEXT
		   ? sniff_name_and_start(name, (const char *)head, n)
		   : sniff_content((const char *)head, n);
}

/* ---- the article under construction ------------------------------------ */

void reader_article_init(reader_article *a)
{
	memset(a, 0, sizeof *a);
	a->date = LEDE_NO_DATE;
}

void reader_article_reset(reader_article *a)
{
	buf *bs[] = {&a->id,   &a->title,     &a->byline,   &a->source,
		     &a->url,  &a->lang,      &a->section,  &a->body,
		     &a->tags, &a->date_text, &a->date_zone};

	for (size_t k = 0; k < sizeof bs / sizeof bs[0]; k++)
		buf_reset(bs[k]);
	a->date = LEDE_NO_DATE;
	a->nbad = 0;
}

void reader_article_free(reader_article *a)
{
	buf *bs[] = {&a->id,   &a->title,     &a->byline,   &a->source,
		     &a->url,  &a->lang,      &a->section,  &a->body,
		     &a->tags, &a->date_text, &a->date_zone};

	for (size_t k = 0; k < sizeof bs / sizeof bs[0]; k++)
		buf_free(bs[k]);
}

void reader_article_add_tag(reader_article *a, const char *s, size_t len)
{
	buf_append(&a->tags, s, len);
	buf_append_byte(&a->tags, 0);
}

void reader_article_zone(reader_article *a, const date_note *note)
{
	buf_reset(&a->date_zone);
	if (note->zone[0] != '\0')
		buf_append_str(&a->date_zone, note->zone);
}

int reader_article_date(reader_article *a, const char *s, size_t len)
{
	date_note note;
	int64_t t;
	size_t i = 0;

	while (i < len &&
	       (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	if (i == len)
		return 0;
	/* A date field's impossible time or offset makes it unreadable:
	 * the date alone would hide a typo or a corrupt feed. */
	if (date_scan_note(&t, s + i, len - i, &note) > 0 && !note.bad_time) {
		a->date = t;
		buf_reset(&a->date_text);
		reader_article_zone(a, &note);
		return 1;
	}
	if (a->date == LEDE_NO_DATE) {
		buf_reset(&a->date_text);
		/* Keep enough to recognise it in a message. */
		buf_append(&a->date_text, s + i, len - i < 80 ? len - i : 80);
	}
	return 0;
}

/* ---- problems ----------------------------------------------------------- */

static void vproblem(reader_run *r, const char *where, lede_status s,
		     const char *fmt, va_list ap)
{
	char msg[LEDE_ERRMSG_MAX];

	if (r->sink == NULL || r->sink->problem == NULL)
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	r->sink->problem(r->sink->ctx, where ? where : r->name, s, msg);
}

void reader_skip(reader_run *r, const char *where, lede_status s,
		 const char *fmt, ...)
{
	va_list ap;

	r->st->skipped++;
	va_start(ap, fmt);
	vproblem(r, where, s, fmt, ap);
	va_end(ap);
}

void reader_warn(reader_run *r, const char *where, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vproblem(r, where, LEDE_OK, fmt, ap);
	va_end(ap);
}

const char *reader_where_line(reader_run *r, uint64_t line)
{
	char digits[24];
	size_t n = sizeof digits;

	/* By hand, not printf: callers are many (a record's every problem). */
	do {
		digits[--n] = (char)('0' + line % 10);
		line /= 10;
	} while (line > 0 && n > 0);
	buf_reset(&r->where);
	buf_append_str(&r->where, r->name);
	buf_append_byte(&r->where, ':');
	buf_append(&r->where, digits + n, sizeof digits - n);
	return r->where.status == LEDE_OK ? r->where.data : r->name;
}

/* utf8_sanitize, adding to *nbad rather than setting it. */
static lede_status sanitize_add(buf *out, const char *s, size_t len,
				size_t *nbad)
{
	size_t n = 0;
	lede_status st = utf8_sanitize(out, s, len, &n);

	*nbad += n;
	return st;
}

lede_status reader_decode(reader_run *r, buf *out, const char *s, size_t len,
			  size_t *nbad)
{
	if (r->opts->latin1)
		return utf8_from_latin1(out, s, len);
	if (utf8_valid(s, len))
		return buf_append(out, s, len);
	return sanitize_add(out, s, len, nbad);
}

/* ---- cleaning ------------------------------------------------------------ */

/* Length of the UTF-8 sequence starting with lead byte c (input valid). */
static size_t seq_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c < 0xe0)
		return 2;
	if (c < 0xf0)
		return 3;
	return 4;
}

static int32_t seq_cp(const unsigned char *p, size_t n)
{
	switch (n) {
	case 1:
		return p[0];
	case 2:
		return ((p[0] & 0x1f) << 6) | (p[1] & 0x3f);
	case 3:
		return ((p[0] & 0x0f) << 12) | ((p[1] & 0x3f) << 6) |
		       (p[2] & 0x3f);
	default:
		return ((p[0] & 0x07) << 18) | ((p[1] & 0x3f) << 12) |
		       ((p[2] & 0x3f) << 6) | (p[3] & 0x3f);
	}
}

enum cp_class { CP_KEEP, CP_DROP, CP_SPACE, CP_NEWLINE };

/* What cleaning does with a code point. Dropped: C0 and C1 controls, DEL,
 * the BOM, soft hyphens and zero-width spaces (invisible, and they split
 * words: "pre\u00admier"). */
static enum cp_class classify(int32_t cp)
{
	if (cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029 ||
	    cp == 0x0b || cp == 0x0c || cp == 0x85)
		return CP_NEWLINE;
	if (cp == ' ' || cp == '\t')
		return CP_SPACE;
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0xfeff ||
	    cp == 0xad || cp == 0x200b)
		return CP_DROP;
	return CP_KEEP;
}

/* Horizontal spaces other than ' ' and '\t' that short fields collapse. */
static int unicode_space(int32_t cp)
{
	return cp == 0xa0 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x202f ||
	       cp == 0x205f || cp == 0x3000;
}

/* Short field: valid UTF-8 s (sanitized by the caller) -> out, controls
 * dropped, any run of whitespace one space, trimmed, capped at cap bytes
 * on a character boundary. */
static void clean_short(buf *out, const char *s, size_t len, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	int space = 0;

	buf_reset(out);
	for (size_t i = 0; i < len;) {
		size_t n = seq_len(p[i]);
		int32_t cp;
		enum cp_class c;

		if (n > len - i)
			break;
		cp = seq_cp(p + i, n);
		c = classify(cp);
		if (c == CP_SPACE || c == CP_NEWLINE || unicode_space(cp)) {
			space = out->len > 0;
		} else if (c == CP_KEEP) {
			if (out->len + space + n > cap)
				break;
			if (space)
				buf_append_byte(out, ' ');
			space = 0;
			buf_append(out, p + i, n);
		}
		i += n;
	}
}

/* The end of the run of printable ASCII starting at p[i] (itself one),
 * taking in single blanks that sit between two printable bytes. */
static size_t printable_run(const unsigned char *p, size_t i, size_t len)
{
	size_t j = i + 1;

	while (j < len) {
		if (p[j] > ' ' && p[j] < 0x7f)
			j++;
		else if ((p[j] == ' ' || p[j] == '\t') && j + 1 < len &&
		         p[j + 1] > ' ' && p[j + 1] < 0x7f)
			j += 2;
		else
			break;
	}
	return j;
}

/* Body: controls dropped except newline and tab, CR LF and lone CR become
 * LF, blanks at the start and end of lines dropped (SGML indentation means
 * nothing to a reader of snippets), at most one blank line in a row,
 * trimmed, capped at cap bytes on a character boundary. Returns 1 if cut. */
static int clean_body(buf *out, const char *s, size_t len, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t nl = 0, sp_from = 0, sp_len = 0;
	int cut = 0;

	buf_reset(out);
	for (size_t i = 0; i < len;) {
		size_t n = seq_len(p[i]);
		int32_t cp;
		enum cp_class c;

		if (n > len - i)
			break;
		cp = seq_cp(p + i, n);
		c = classify(cp);
		if (c == CP_NEWLINE) {
			/* CR LF counts once. */
			if (!(cp == '\n' && i > 0 && p[i - 1] == '\r'))
				nl++;
			sp_len = 0;
		} else if (c == CP_SPACE) {
			/* Pending blanks: contiguous in s unless a dropped
			 * character sat between them (then restart the run). */
			if (sp_len == 0 || sp_from + sp_len != i)
				sp_from = i, sp_len = 0;
			sp_len += n;
		} else if (c == CP_KEEP) {
			size_t pre = 0;

			if (out->len == 0 || nl > 0)
				sp_len = 0; /* leading blanks of the body or a
					       line */
			if (out->len > 0)
				pre = (nl >= 2 ? 2 : nl) + sp_len;
			if (out->len + pre + n > cap) {
				cut = 1;
				break;
			}
			if (out->len > 0) {
				buf_append(out, "\n\n", nl >= 2 ? 2 : nl);
				buf_append(out, p + sp_from, sp_len);
			}
			if (n == 1 && p[i] > ' ' && p[i] < 0x7f) {
				/* A run of printable ASCII, single blanks
				 * between, is kept as it is: copied at once
				 * (what the per-character path would copy,
				 * without a call per byte). */
				size_t e = printable_run(p, i, len);
				size_t room = cap - out->len; /* >= 1 */
				if (e - i > room) {
					/* the longest part that fits and
					 * ends on a kept byte, as the
					 * per-character path would cut */
					if (p[i + room - 1] == ' ' ||
					    p[i + room - 1] == '\t')
						room--;
					buf_append(out, p + i, room);
					cut = 1;
					break;
				}
				buf_append(out, p + i, e - i);
				n = e - i;
			} else {
				buf_append(out, p + i, n);
			}
			nl = 0;
			sp_len = 0;
		}
		i += n;
	}
	return cut;
}

static int ascii_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Reduces a language field to a lowercase ISO 639 code: "en-US" -> "en",
 * "fr_FR" -> "fr", "English" -> "en". Anything else: empty. */
static void clean_lang(buf *out)
{
	static const struct {
		const char *name, *code;
	} names[] = {
	    {"english", "en"},
	    {"french", "fr"},
	    {"german", "de"},
	    {"spanish", "es"},
	    {"italian", "it"},
	    {"portuguese", "pt"},
	    {"dutch", "nl"},
	    {"russian", "ru"},
	    {"chinese", "zh"},
	    {"japanese", "ja"},
	    {"korean", "ko"},
	    {"arabic", "ar"},
	    {"fran\xc3\xa7\x61is", "fr"},
	    {"deutsch", "de"},
	};
	size_t n = 0;

	for (size_t i = 0; i < out->len; i++)
		if (out->data[i] >= 'A' && out->data[i] <= 'Z')
			out->data[i] = (char)(out->data[i] + 32);
	while (n < out->len && ascii_alpha(out->data[n]))
		n++;
	if ((n == 2 || n == 3) &&
	    (n == out->len || out->data[n] == '-' || out->data[n] == '_')) {
		out->len = n;
		out->data[n] = '\0';
		return;
	}
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		if (strcmp(out->data ? out->data : "", names[k].name) == 0) {
			buf_reset(out);
			buf_append_str(out, names[k].code);
			return;
		}
	}
	buf_reset(out);
}

/* Sanitizes raw into r->scratch (counting bad sequences in *nbad) and
 * returns it. */
static buf *sanitized(reader_run *r, const char *s, size_t len, size_t *nbad)
{
	buf_reset(&r->scratch);
	if (len == 0)
		return &r->scratch;
	if (utf8_valid(s, len))
		buf_append(&r->scratch, s, len);
	else
		sanitize_add(&r->scratch, s, len, nbad);
	return &r->scratch;
}

static const char *field_or_null(const buf *b)
{
	return b->len > 0 && b->status == LEDE_OK ? b->data : NULL;
}

/* out = base ":" and 16 hex digits hashing v's title, URL, date and body:
 * the id of an article read from stdin without one of its own. A stream
 * has no path to derive an id from, and its record numbers start again
 * with every run ("stdin#1" of today's feed replaced yesterday's); a hash
 * of what the article says keeps different articles apart, and gives the
 * same article fed again the same id (unchanged, or updated in place when
 * only its byline, source, section, tags or language changed). The
 * cleaned fields are hashed rather than the record's bytes, so the same
 * article is recognised whatever the order of its JSON keys, or the
 * spacing and escapes between and in them. Each
 * field goes in after its length, so no two splits of the same bytes hash
 * alike; with 64 bits, an accidental collision stays below one in a
 * million up to about six million articles. */
static void content_id(buf *out, const char *base, const lede_article *v)
{
	const char *field[] = {v->title, v->url, v->body};
	size_t len[] = {v->title ? strlen(v->title) : 0,
			v->url ? strlen(v->url) : 0, v->body_len};
	char num[32];
	uint64_t h = 0;

	for (size_t k = 0; k < sizeof field / sizeof field[0]; k++) {
		snprintf(num, sizeof num, "%zu:", len[k]);
		h = hash64(num, strlen(num), h);
		h = hash64(field[k] ? field[k] : "", len[k], h);
	}
	snprintf(num, sizeof num, "%lld", (long long)v->date);
	h = hash64(num, strlen(num), h);
	buf_reset(out);
	buf_printf(out, "%s:%016llx", base, (unsigned long long)h);
}

lede_status reader_emit(reader_run *r, reader_article *a, const char *where,
			const char *fallback_id, int use_mtime)
{
	lede_article v = LEDE_ARTICLE_INIT;
	size_t nbad = a->nbad;
	const buf *raw[] = {&a->id,  &a->title, &a->byline, &a->source,
			    &a->url, &a->lang,	&a->section};
	buf *b;
	lede_status s;
	size_t ntags = 0;

	for (size_t k = 0; k < sizeof raw / sizeof raw[0]; k++) {
		b = sanitized(r, raw[k]->data, raw[k]->len, &nbad);
		clean_short(&r->clean[k], b->data, b->len,
			    LEDE_MAX_FIELD_BYTES);
	}
	clean_lang(&r->clean[F_LANG]);
	if (r->clean[F_ID].len == 0 && fallback_id != NULL && !r->content_ids) {
		size_t ignored = 0; /* a bad path is not a bad article */

		b = sanitized(r, fallback_id, strlen(fallback_id), &ignored);
		clean_short(&r->clean[F_ID], b->data, b->len,
			    LEDE_MAX_FIELD_BYTES);
	}
	b = sanitized(r, a->body.data, a->body.len, &nbad);
	if (clean_body(&r->clean[F_BODY], b->data, b->len,
		       LEDE_MAX_ARTICLE_BYTES))
		reader_warn(r, where, "body cut at %u bytes",
			    LEDE_MAX_ARTICLE_BYTES);

	/* Tags: cleaned, empty ones and repeats dropped. */
	buf_reset(&r->clean_tags);
	for (size_t i = 0; i < a->tags.len && ntags < READER_MAX_TAGS;) {
		size_t n = strnlen(a->tags.data + i, a->tags.len - i);
		size_t at = r->clean_tags.len;
		buf *t = &r->clean[F_TMP];
		int dup = 0;

		b = sanitized(r, a->tags.data + i, n, &nbad);
		clean_short(t, b->data, b->len, LEDE_MAX_FIELD_BYTES);
		i += n + 1;
		if (t->len == 0)
			continue;
		for (size_t k = 0; k < ntags && !dup; k++)
			dup = strcmp(r->clean_tags.data + (uintptr_t)r->tagv[k],
				     t->data) == 0;
		if (dup)
			continue;
		buf_append(&r->clean_tags, t->data, t->len + 1);
		if (r->clean_tags.status != LEDE_OK)
			break;
		/* Offsets now; pointers after the buffer stops moving. */
		r->tagv[ntags++] = (const char *)(uintptr_t)at;
	}
	for (size_t k = 0; k < ntags; k++)
		r->tagv[k] = r->clean_tags.data + (uintptr_t)r->tagv[k];

	for (size_t k = 0; k < sizeof r->clean / sizeof r->clean[0]; k++)
		if (r->clean[k].status != LEDE_OK)
			return err_set(r->err, LEDE_ERR_NOMEM,
				       "%s: out of memory", r->name);
	if (r->scratch.status != LEDE_OK || r->clean_tags.status != LEDE_OK)
		return err_set(r->err, LEDE_ERR_NOMEM, "%s: out of memory",
			       r->name);

	if (r->clean[F_BODY].len == 0) {
		reader_skip(r, where, LEDE_ERR_FORMAT,
			    "record has no body text");
		return LEDE_OK;
	}

	v.id = field_or_null(&r->clean[F_ID]);
	v.title = field_or_null(&r->clean[F_TITLE]);
	v.byline = field_or_null(&r->clean[F_BYLINE]);
	v.source = field_or_null(&r->clean[F_SOURCE]);
	v.url = field_or_null(&r->clean[F_URL]);
	v.lang = field_or_null(&r->clean[F_LANG]);
	v.section = field_or_null(&r->clean[F_SECTION]);
	v.tags = ntags ? r->tagv : NULL;
	v.ntags = ntags;
	v.body = r->clean[F_BODY].data;
	v.body_len = r->clean[F_BODY].len;
	v.date = a->date;
	if (v.date == LEDE_NO_DATE) {
		if (a->date_text.len > 0) {
			b = sanitized(r, a->date_text.data, a->date_text.len,
				      &nbad);
			clean_short(&r->clean[F_TMP], b->data, b->len, 80);
			r->st->bad_date++;
			reader_warn(r, where, "unparseable date \"%s\" ignored",
				    r->clean[F_TMP].data ? r->clean[F_TMP].data
							 : "");
		} else {
			r->st->no_date++;
			if (use_mtime)
				v.date = r->mtime;
		}
	}
	if (v.date != LEDE_NO_DATE && a->date_zone.len > 0) {
		b = sanitized(r, a->date_zone.data, a->date_zone.len, &nbad);
		clean_short(&r->clean[F_TMP], b->data, b->len, 80);
		reader_warn(r, where,
			    "unknown time zone \"%s\": date kept, time of day "
			    "dropped",
			    r->clean[F_TMP].data ? r->clean[F_TMP].data : "");
	}
	if (v.id == NULL && r->content_ids) {
		content_id(&r->clean[F_ID], r->id_base, &v);
		if (r->clean[F_ID].status != LEDE_OK)
			return err_set(r->err, LEDE_ERR_NOMEM,
				       "%s: out of memory", r->name);
		v.id = r->clean[F_ID].data;
	}
	if (nbad > 0) {
		r->st->bad_utf8++;
		reader_warn(r, where,
			    "%zu invalid UTF-8 sequence%s replaced by U+FFFD "
			    "(Latin-1 input must be declared as such)",
			    nbad, nbad == 1 ? "" : "s");
	}
	r->st->articles++;
	if (r->sink == NULL || r->sink->article == NULL)
		return LEDE_OK;
	s = r->sink->article(r->sink->ctx, &v, where);
	if (s != LEDE_OK)
		return err_set(r->err, s,
			       "%s: reading stopped by the caller (%s)",
			       r->name, lede_status_str(s));
	return LEDE_OK;
}

/* ---- entry points -------------------------------------------------------- */

const char *reader_map_target(const char *name)
{
	static const struct {
		const char *name, *field;
	} targets[] = {
	    {"id", "id"},	    {"title", "title"},	  {"body", "body"},
	    {"date", "date"},	    {"byline", "byline"}, {"author", "byline"},
	    {"source", "source"},   {"url", "url"},	  {"lang", "lang"},
	    {"section", "section"}, {"tags", "tags"},
	};

	if (name == NULL)
		return NULL;
	for (size_t t = 0; t < sizeof targets / sizeof targets[0]; t++)
		if (strcmp(name, targets[t].name) == 0)
			return targets[t].field;
	return NULL;
}

int reader_map_ok(const char *entry)
{
	const char *eq = entry ? strchr(entry, '=') : NULL;

	return eq != NULL && eq > entry && reader_map_target(eq + 1) != NULL;
}

/* Checks the JSONL field mapping: each entry "srcfield=name" with a known
 * name. */
static lede_status check_map(const reader_opts *o, const char *name,
			     lede_err *err)
{
	for (size_t k = 0; k < o->nmap; k++) {
		const char *m = o->map ? o->map[k] : NULL;

		if (!reader_map_ok(m))
			return err_set(
			    err, LEDE_ERR_INVALID,
			    "%s: bad field mapping \"%s\": want "
			    "SRCFIELD=NAME, NAME one of " LEDE_MAP_NAMES,
			    name, m ? m : "(null)");
	}
	return LEDE_OK;
}

static lede_status run_stream(reader_run *r)
{
	const char *head = NULL;
	size_t n = 0;
	lede_format f;
	lede_status s;

	s = stream_peek(r->in, READER_HEAD_BYTES, &head, &n);
	if (s != LEDE_OK)
		return s;
	if (n == 0) {
		reader_warn(r, r->name, "empty file");
		return LEDE_OK;
	}
	/* stream_peek may hand back a whole first chunk: look at the head
	 * only, as the message says; later NULs are the readers' to drop. */
	if (memchr(head, '\0', n < READER_HEAD_BYTES ? n : READER_HEAD_BYTES)) {
		reader_skip(
		    r, r->name, LEDE_ERR_FORMAT,
		    "binary file (NUL bytes in the first %u bytes); skipped",
		    READER_HEAD_BYTES);
		return LEDE_OK;
	}
	f = r->opts->format;
	if (f == LEDE_FORMAT_AUTO)
		f = sniff_name_and_start(r->name, head, n);
	if (f == LEDE_FORMAT_AUTO)
		f = sniff_content(head, n);
	switch (f) {
	case LEDE_FORMAT_TEXT:
		return reader_text_run(r);
	case LEDE_FORMAT_JSONL:
		return reader_jsonl_run(r);
	case LEDE_FORMAT_TREC:
		return reader_trec_run(r);
	case LEDE_FORMAT_REUTERS:
		return reader_reuters_run(r);
	case LEDE_FORMAT_HTML:
		return reader_html_run(r);
	default:
		return err_set(r->err, LEDE_ERR_INVALID,
			       "%s: unknown format %d", r->name, (int)f);
	}
}

static lede_status run(const char *name, int fd, int own_fd, const char *data,
		       size_t len, const char *id_base, int64_t mtime,
		       const reader_opts *o, const reader_sink *sink,
		       reader_stats *st, lede_err *err)
{
	static const reader_opts defaults = {
	    LEDE_FORMAT_AUTO, NULL, 0, 0, 0, 0};
	reader_stats dummy;
	reader_stream in;
	reader_run r;
	lede_status s;

	memset(&r, 0, sizeof r);
	memset(&dummy, 0, sizeof dummy);
	r.name = name;
	r.id_base = id_base ? id_base : name;
	r.content_ids = fd == 0 && !own_fd; /* stdin */
	r.mtime = mtime;
	r.opts = o ? o : &defaults;
	r.sink = sink;
	r.st = st ? st : &dummy;
	r.err = err;
	r.in = &in;
	s = check_map(r.opts, name, err);
	if (s != LEDE_OK) {
		if (own_fd)
			close(fd);
		return s;
	}
	s = stream_open(&in, name, fd, own_fd, data, len,
			r.opts->max_gunzip_bytes, r.opts->gunzip_ratio_floor,
			sink, err);
	if (s == LEDE_OK)
		s = run_stream(&r);
	/* A stream failure the format reader passed on has its message in
	 * err already (stream_fail). */
	stream_close(&in);
	buf_free(&r.where);
	buf_free(&r.scratch);
	for (size_t k = 0; k < sizeof r.clean / sizeof r.clean[0]; k++)
		buf_free(&r.clean[k]);
	buf_free(&r.clean_tags);
	if (s == LEDE_ERR_NOMEM &&
	    (err == NULL || err->status != LEDE_ERR_NOMEM))
		err_set(err, s, "%s: out of memory", name);
	return s;
}

lede_status reader_read_mem(const char *data, size_t len, const char *name,
			    const char *id_base, int64_t mtime,
			    const reader_opts *o, const reader_sink *sink,
			    reader_stats *st, lede_err *err)
{
	if (name == NULL)
		name = "(memory)";
	if (data == NULL && len > 0)
		return err_set(err, LEDE_ERR_INVALID, "%s: NULL data", name);
	return run(name, -1, 0, data ? data : "", len, id_base, mtime, o, sink,
		   st, err);
}

lede_status reader_read_path(const char *path, const char *id_base,
			     int64_t mtime, const reader_opts *o,
			     const reader_sink *sink, reader_stats *st,
			     lede_err *err)
{
	struct stat sb;
	int fd;

	if (path == NULL)
		return err_set(err, LEDE_ERR_INVALID, "NULL path");
	if (strcmp(path, "-") == 0)
		return run("-", 0, 0, NULL, 0, id_base ? id_base : "stdin",
			   mtime, o, sink, st, err);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		return err_set(err,
			       e == ENOENT ? LEDE_ERR_NOT_FOUND : LEDE_ERR_IO,
			       "cannot open %s: %s", path, strerror(e));
	}
	if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		close(fd);
		return err_set(err, LEDE_ERR_INVALID, "%s is a directory",
			       path);
	}
	return run(path, fd, 1, NULL, 0, id_base, mtime, o, sink, st, err);
}
