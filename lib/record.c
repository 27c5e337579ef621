/*
 * record.c - the document data stored with each article in the index.
 *
 * Searchers need the article's fields and its original body text back (for
 * display and for snippets, which re-tokenize the body), so each Xapian
 * document carries one record:
 *
 *   'L' version(1) flags  then varint-length-prefixed fields:
 *   id title byline source url lang section path ntags tag... date
 *   body_len stored_len body
 *
 * Lengths are LEB128 varints; date is a zigzag varint (LEDE_NO_DATE is
 * encoded as a flag bit, not a number). With flag RECORD_DEFLATED the body
 * bytes are a zlib stream that inflates to exactly body_len bytes: records
 * written by earlier builds of lede 0.1 (now glass's own compression of the whole
 * record does that job, and the encoder writes the body raw). Records
 * come from disk and, over the remote backend, from the network, so the
 * decoder trusts nothing: every length is checked against what is left and
 * against the article caps, and the inflated size must match.
 *
 * The version byte lets a later lede read old records; an unknown version
 * is reported, never guessed at.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "lede_private.h"

#define RECORD_MAGIC 'L'
#define RECORD_VERSION 1
#define RECORD_DEFLATED 0x01u
#define RECORD_HAS_DATE 0x02u
/* A record holds at most this many tags: Reuters articles carry < 20. */
#define RECORD_MAX_TAGS 256
/* String fields before the tags: id title byline source url lang section
 * path. */
#define RECORD_NFIELDS 8

uint64_t hash64(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ull ^ seed;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ull;
	}
	/* splitmix64 finalizer: FNV's low bits mix poorly. */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return h;
}

static void put_varint(buf *b, uint64_t v)
{
	unsigned char tmp[10];
	size_t n = 0;

	do {
		tmp[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			tmp[n] |= 0x80;
		n++;
	} while (v);
	buf_append(b, tmp, n);
}

static void put_str(buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	put_varint(b, n);
	buf_append(b, s, n);
}

lede_status record_encode(buf *out, const lede_article *a)
{
	unsigned flags = 0;
	size_t flags_at;

	buf_append_byte(out, RECORD_MAGIC);
	buf_append_byte(out, RECORD_VERSION);
	flags_at = out->len;
	buf_append_byte(out, 0);
	put_str(out, a->id);
	put_str(out, a->title);
	put_str(out, a->byline);
	put_str(out, a->source);
	put_str(out, a->url);
	put_str(out, a->lang);
	put_str(out, a->section);
	put_str(out, a->path);
	put_varint(out, a->ntags);
	for (size_t i = 0; i < a->ntags; i++)
		put_str(out, a->tags[i]);
	if (a->date != LEDE_NO_DATE) {
		flags |= RECORD_HAS_DATE;
		/* zigzag: small negative dates (before 1970) stay short */
		put_varint(out, ((uint64_t)a->date << 1) ^
		                    (uint64_t)(a->date >> 63));
	}
	put_varint(out, a->body_len);
	/* The body is stored as it is: glass deflates every stored record
	 * itself, so deflating it here too cost 10-15% of indexing CPU and
	 * saved nothing (xapian-indexing-probe, confirmed in lede). */
	put_varint(out, a->body_len);
	buf_append(out, a->body, a->body_len);
	if (out->status == LEDE_OK)
		out->data[flags_at] = (char)flags;
	return out->status;
}

typedef struct reader {
	const unsigned char *p, *end;
	int bad;
} reader;

static uint64_t get_varint(reader *r)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (r->p >= r->end) {
			r->bad = 1;
			return 0;
		}
		unsigned char c = *r->p++;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
	r->bad = 1;
	return 0;
}

/* Returns a pointer to n bytes and advances, or NULL (r->bad) if short. */
static const unsigned char *get_bytes(reader *r, uint64_t n)
{
	const unsigned char *p = r->p;

	if (r->bad || n > (uint64_t)(r->end - r->p)) {
		r->bad = 1;
		return NULL;
	}
	r->p += n;
	return p;
}

void record_free(record *rec)
{
	if (rec == NULL)
		return;
	free(rec->mem);
	free((void *)rec->tags);
	memset(rec, 0, sizeof *rec);
}

lede_status record_decode(record *rec, const char *data, size_t len,
                          lede_err *err)
{
	reader r = { (const unsigned char *)data,
	             (const unsigned char *)data + len, 0 };
	const unsigned char *fp[RECORD_NFIELDS];
	uint64_t fl[RECORD_NFIELDS], ntags, body_len, stored_len;
	const unsigned char *tp[RECORD_MAX_TAGS];
	uint64_t tl[RECORD_MAX_TAGS];
	const unsigned char *body;
	unsigned flags;
	int64_t date = LEDE_NO_DATE;
	size_t total = 0;
	char *m;
	const char **fields[RECORD_NFIELDS];

	memset(rec, 0, sizeof *rec);
	rec->art = (lede_article)LEDE_ARTICLE_INIT;
	if (len < 3 || data[0] != RECORD_MAGIC)
		return err_set(err, LEDE_ERR_CORRUPT, "stored record: bad magic");
	if (data[1] != RECORD_VERSION)
		return err_set(err, LEDE_ERR_VERSION,
		               "stored record: version %d not supported",
		               (unsigned char)data[1]);
	flags = (unsigned char)data[2];
	r.p += 3;
	for (int i = 0; i < RECORD_NFIELDS; i++) {
		fl[i] = get_varint(&r);
		if (!r.bad && fl[i] > LEDE_MAX_ARTICLE_BYTES)
			r.bad = 1;
		fp[i] = get_bytes(&r, fl[i]);
		/* the encoder writes C strings: a NUL inside is damage */
		if (fp[i] && memchr(fp[i], 0, fl[i]))
			r.bad = 1;
		total += fl[i] + 1;
	}
	ntags = get_varint(&r);
	if (ntags > RECORD_MAX_TAGS)
		r.bad = 1;
	for (uint64_t i = 0; !r.bad && i < ntags; i++) {
		tl[i] = get_varint(&r);
		if (!r.bad && tl[i] > LEDE_MAX_ARTICLE_BYTES)
			r.bad = 1;
		tp[i] = get_bytes(&r, tl[i]);
		if (tp[i] && memchr(tp[i], 0, tl[i]))
			r.bad = 1;
		total += tl[i] + 1;
	}
	if (flags & RECORD_HAS_DATE) {
		uint64_t z = get_varint(&r);
		date = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
	}
	body_len = get_varint(&r);
	stored_len = get_varint(&r);
	if (!r.bad && (body_len > LEDE_MAX_ARTICLE_BYTES ||
	               (!(flags & RECORD_DEFLATED) && stored_len != body_len)))
		r.bad = 1;
	body = get_bytes(&r, stored_len);
	if (r.bad || r.p != r.end)
		return err_set(err, LEDE_ERR_CORRUPT,
		               "stored record: truncated or malformed");
	total += body_len + 1;
	m = malloc(total);
	rec->tags = ntags ? malloc(ntags * sizeof *rec->tags) : NULL;
	if (m == NULL || (ntags && rec->tags == NULL)) {
		free(m);
		return err_set(err, LEDE_ERR_NOMEM, "out of memory");
	}
	rec->mem = m;
	fields[0] = &rec->art.id;
	fields[1] = &rec->art.title;
	fields[2] = &rec->art.byline;
	fields[3] = &rec->art.source;
	fields[4] = &rec->art.url;
	fields[5] = &rec->art.lang;
	fields[6] = &rec->art.section;
	fields[7] = &rec->art.path;
	for (int i = 0; i < RECORD_NFIELDS; i++) {
		memcpy(m, fp[i], fl[i]);
		m[fl[i]] = '\0';
		*fields[i] = fl[i] ? m : NULL;
		m += fl[i] + 1;
	}
	for (uint64_t i = 0; i < ntags; i++) {
		memcpy(m, tp[i], tl[i]);
		m[tl[i]] = '\0';
		rec->tags[i] = m;
		m += tl[i] + 1;
	}
	rec->art.tags = rec->tags;
	rec->art.ntags = ntags;
	rec->art.date = date;
	if (flags & RECORD_DEFLATED) {
		uLongf out_len = (uLongf)body_len;
		if (uncompress((Bytef *)m, &out_len, body, (uLong)stored_len) !=
		        Z_OK ||
		    out_len != body_len)
			return err_set(err, LEDE_ERR_CORRUPT,
			               "stored record: bad compressed body");
	} else {
		memcpy(m, body, body_len);
	}
	m[body_len] = '\0';
	rec->art.body = m;
	rec->art.body_len = body_len;
	return LEDE_OK;
}
