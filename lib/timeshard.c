/*
 * timeshard.c - time shards: one Xapian database per year or month.
 *
 * News archives grow at one end and expire at the other. With
 * --shard-by, each period's articles live in their own database, so a
 * nightly run writes only the shards whose periods changed (usually just
 * the current one), a closed period's shard is compacted once and then
 * left alone, and old news expires by dropping whole shards - the layout
 * Xapian's scalability notes recommend for news (xapian.md 0.5).
 *
 * Layout: the index directory's stub lists the meta database first (db.N:
 * settings and the per-file records of incremental indexing, no articles;
 * Xapian reads metadata from the first database) and then every shard,
 * "auto shard-2024.G". Readers open the stub as for any index and Xapian
 * merges the shards' statistics, so ranking is that of one database.
 *
 * An article belongs to the shard of its date (undated ones to
 * "undated"). Its unique id term is kept unique across shards: writing it
 * to one shard deletes it from the others, so an article whose date was
 * corrected moves instead of being duplicated.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lede_private.h"
#include "xapian_c.h"

/* Most shards in one index: a century of months. Each open shard holds a
 * few file descriptors (xapian.md 4.7). */
#define SHARD_MAX 1200
#define UNDATED "undated"

lede_status shard_mode_parse(int *out, const char *s)
{
	if (s == NULL || strcmp(s, "none") == 0)
		*out = SHARD_NONE;
	else if (strcmp(s, "year") == 0)
		*out = SHARD_YEAR;
	else if (strcmp(s, "month") == 0)
		*out = SHARD_MONTH;
	else
		return LEDE_ERR_INVALID;
	return LEDE_OK;
}

const char *shard_mode_name(int mode)
{
	return mode == SHARD_YEAR ? "year" : mode == SHARD_MONTH ? "month"
	                                                          : "none";
}

static void period_of(char out[16], int mode, int64_t date)
{
	struct tm tm;
	time_t t = (time_t)date;

	if (date == LEDE_NO_DATE || gmtime_r(&t, &tm) == NULL) {
		snprintf(out, 16, UNDATED);
		return;
	}
	/* dates are 1800..2200 (the readers refuse others): 4-digit years */
	if (mode == SHARD_MONTH)
		strftime(out, 16, "%Y-%m", &tm);
	else
		strftime(out, 16, "%Y", &tm);
}

/* The first second after a period ("2024" -> 2025-01-01), or INT64_MAX
 * for undated. */
static int64_t period_end(const char *period)
{
	int y = 0, m = 0;
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (sscanf(period, "%d-%d", &y, &m) == 2) {
		tm.tm_year = y - 1900 + (m == 12);
		tm.tm_mon = m % 12;
	} else if (sscanf(period, "%d", &y) == 1) {
		tm.tm_year = y + 1 - 1900;
	} else {
		return INT64_MAX;
	}
	tm.tm_mday = 1;
	return (int64_t)timegm(&tm);
}

static lede_status open_shard(lede_index *idx, time_shard *s, int create)
{
	char dir[PATH_MAX];
	lede_err err;
	lede_status st;

	err_clear(&err);
	if (snprintf(dir, sizeof dir, "%s/%s", idx->path, s->name) >=
	    (int)sizeof dir)
		return index_fail(idx, LEDE_ERR_INVALID, "path too long");
	st = xc_writer_open(&s->w, dir,
	                    create ? XC_OPEN_CREATE_OR_OPEN : XC_OPEN_EXISTING,
	                    0, &err);
	if (st != LEDE_OK)
		return index_fail(idx, st == LEDE_ERR_NOT_FOUND ? LEDE_ERR_CORRUPT
		                                                : st,
		                  "%s: shard %s: %s", idx->path, s->name,
		                  err.msg);
	return LEDE_OK;
}

static time_shard *add_slot(lede_index *idx)
{
	time_shard *n;

	if (idx->nshards >= SHARD_MAX)
		return NULL;
	n = realloc(idx->shards, (idx->nshards + 1) * sizeof *n);
	if (n == NULL)
		return NULL;
	idx->shards = n;
	memset(&n[idx->nshards], 0, sizeof *n);
	return &n[idx->nshards++];
}

lede_status shard_load(lede_index *idx)
{
	char path[PATH_MAX], line[256];
	FILE *f;
	int first = 1;
	lede_status st = LEDE_OK;

	snprintf(path, sizeof path, "%s/XAPIANDB", idx->path);
	f = fopen(path, "r");
	if (f == NULL)
		return LEDE_OK;
	while (st == LEDE_OK && fgets(line, sizeof line, f)) {
		char name[64];
		time_shard *s;
		const char *dot;
		size_t pl;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (first) { /* the meta database */
			first = 0;
			continue;
		}
		if (sscanf(line, "auto %63s", name) != 1 ||
		    strncmp(name, SHARD_DIR_PREFIX, strlen(SHARD_DIR_PREFIX)) ||
		    strchr(name, '/') != NULL ||
		    (dot = strrchr(name, '.')) == NULL) {
			st = index_fail(idx, LEDE_ERR_CORRUPT,
			                "%s: bad shard line in XAPIANDB: %s",
			                idx->path, line);
			break;
		}
		s = add_slot(idx);
		if (s == NULL) {
			st = index_fail(idx, LEDE_ERR_NOMEM, "too many shards");
			break;
		}
		memcpy(s->name, name, strlen(name) + 1);
		pl = (size_t)(dot - name) - strlen(SHARD_DIR_PREFIX);
		if (pl >= sizeof s->period)
			pl = sizeof s->period - 1;
		memcpy(s->period, name + strlen(SHARD_DIR_PREFIX), pl);
		s->period[pl] = '\0';
		st = open_shard(idx, s, 0);
	}
	fclose(f);
	return st;
}

lede_status shard_target(lede_index *idx, int64_t date, struct xc_writer **out)
{
	char period[16];
	time_shard *s;
	lede_status st;

	if (idx->shard_by == SHARD_NONE) {
		*out = idx->w;
		return LEDE_OK;
	}
	period_of(period, idx->shard_by, date);
	for (size_t i = 0; i < idx->nshards; i++)
		if (strcmp(idx->shards[i].period, period) == 0) {
			*out = idx->shards[i].w;
			return LEDE_OK;
		}
	s = add_slot(idx);
	if (s == NULL)
		return index_fail(idx, LEDE_ERR_NOMEM,
		                  "too many shards (at most %d)", SHARD_MAX);
	memcpy(s->period, period, sizeof s->period);
	snprintf(s->name, sizeof s->name, SHARD_DIR_PREFIX "%s.1", period);
	st = open_shard(idx, s, 1);
	if (st == LEDE_OK)
		st = xc_writer_commit(s->w);
	/* Listed at once: an empty database in the stub is harmless, a
	 * shard holding articles but missing from it would be lost. */
	if (st == LEDE_OK)
		st = index_write_stub(idx);
	if (st != LEDE_OK) {
		xc_writer_free(s->w);
		idx->nshards--;
		return st;
	}
	s->dirty = 1;
	*out = s->w;
	return LEDE_OK;
}

lede_status shard_holder(lede_index *idx, struct xc_writer *skip,
                        const char *term, size_t len, struct xc_writer **out)
{
	*out = NULL;
	for (size_t i = 0; i < idx->nshards; i++) {
		time_shard *s = &idx->shards[i];
		int exists = 0;
		lede_status st;

		if (s->w == skip)
			continue;
		st = xc_writer_term_exists(&exists, s->w, term, len);
		if (st != LEDE_OK)
			return index_fail(idx, st, "%s", xc_writer_errmsg(s->w));
		if (exists) {
			*out = s->w;
			break;
		}
	}
	return LEDE_OK;
}

void shard_touch(lede_index *idx, const struct xc_writer *w)
{
	for (size_t i = 0; i < idx->nshards; i++)
		if (idx->shards[i].w == w)
			idx->shards[i].dirty = 1;
}

lede_status shard_drop_elsewhere(lede_index *idx, struct xc_writer *keep,
                                 const char *term, size_t len)
{
	for (size_t i = 0; i < idx->nshards; i++) {
		time_shard *s = &idx->shards[i];
		int exists = 0;
		lede_status st;

		if (s->w == keep)
			continue;
		st = xc_writer_term_exists(&exists, s->w, term, len);
		if (st == LEDE_OK && exists) {
			st = xc_writer_delete_term(s->w, term, len);
			s->dirty = 1;
		}
		if (st != LEDE_OK)
			return index_fail(idx, st, "%s", xc_writer_errmsg(s->w));
	}
	return LEDE_OK;
}

lede_status shard_term_docs(lede_index *idx, const char *term, size_t len,
                            uint32_t slot,
                            int (*cb)(void *, const char *, size_t, uint32_t),
                            void *ctx)
{
	lede_status st = xc_writer_term_docs(idx->w, term, len, slot, cb, ctx);

	for (size_t i = 0; st == LEDE_OK && i < idx->nshards; i++)
		st = xc_writer_term_docs(idx->shards[i].w, term, len, slot, cb,
		                         ctx);
	return st;
}

lede_status shard_delete_term(lede_index *idx, const char *term, size_t len)
{
	lede_status st = xc_writer_delete_term(idx->w, term, len);

	for (size_t i = 0; st == LEDE_OK && i < idx->nshards; i++) {
		int exists = 0;
		st = xc_writer_term_exists(&exists, idx->shards[i].w, term, len);
		if (st == LEDE_OK && exists) {
			st = xc_writer_delete_term(idx->shards[i].w, term, len);
			idx->shards[i].dirty = 1;
		}
	}
	return st;
}

lede_status shard_doccount(uint64_t *out, lede_index *idx)
{
	uint32_t n = 0;
	lede_status st = xc_writer_doccount(&n, idx->w);

	*out = n;
	for (size_t i = 0; st == LEDE_OK && i < idx->nshards; i++) {
		st = xc_writer_doccount(&n, idx->shards[i].w);
		*out += n;
	}
	return st;
}

lede_status shard_commit(lede_index *idx)
{
	for (size_t i = 0; i < idx->nshards; i++) {
		time_shard *s = &idx->shards[i];
		lede_status st;

		if (!s->dirty)
			continue;
		st = xc_writer_commit(s->w);
		if (st != LEDE_OK)
			return index_fail(idx, st, "%s: shard %s: commit failed: %s",
			                  idx->path, s->name,
			                  xc_writer_errmsg(s->w));
	}
	return LEDE_OK;
}

lede_status shard_close(lede_index *idx)
{
	lede_status first = LEDE_OK;

	for (size_t i = 0; i < idx->nshards; i++) {
		time_shard *s = &idx->shards[i];
		lede_status st = s->w ? xc_writer_close(s->w) : LEDE_OK;
		if (st != LEDE_OK && first == LEDE_OK)
			first = st;
		xc_writer_free(s->w);
		s->w = NULL;
	}
	free(idx->shards);
	idx->shards = NULL;
	idx->nshards = 0;
	return first;
}

lede_status shard_compact_closed(lede_index *idx, int64_t now)
{
	for (size_t i = 0; i < idx->nshards; i++) {
		time_shard *s = &idx->shards[i];
		lede_status st;

		if (!s->dirty || period_end(s->period) > now)
			continue;
		st = xc_writer_commit(s->w);
		if (st == LEDE_OK)
			st = index_compact_dir(idx, s->name, sizeof s->name, &s->w);
		if (st != LEDE_OK)
			return st;
		s->dirty = 0;
	}
	return index_write_stub(idx);
}

void shard_stub_lines(const lede_index *idx, buf *out)
{
	for (size_t i = 0; i < idx->nshards; i++)
		buf_printf(out, "auto %s\n", idx->shards[i].name);
}

int shard_listed(const lede_index *idx, const char *name)
{
	for (size_t i = 0; i < idx->nshards; i++)
		if (strcmp(idx->shards[i].name, name) == 0)
			return 1;
	return 0;
}

LEDE_API lede_status lede_index_expire_before(lede_index *idx, int64_t t,
                                              unsigned *out_dropped)
{
	unsigned dropped = 0;
	size_t k = 0;
	lede_status st;

	if (out_dropped)
		*out_dropped = 0;
	API_REFUSE_NULL(idx);
	if (idx->w == NULL)
		return index_fail(idx, LEDE_ERR_READ_ONLY,
		                  "%s: index is open read-only", idx->path);
	if (idx->shard_by == SHARD_NONE)
		return index_fail(idx, LEDE_ERR_UNSUPPORTED,
		                  "%s: not a time-sharded index (create it with "
		                  "--shard-by year or month)", idx->path);
	for (size_t i = 0; i < idx->nshards; i++) {
		time_shard *s = &idx->shards[i];
		if (strcmp(s->period, UNDATED) != 0 && period_end(s->period) <= t) {
			xc_writer_free(s->w); /* its directory goes at next open */
			dropped++;
			continue;
		}
		idx->shards[k++] = *s;
	}
	idx->nshards = k;
	st = index_write_stub(idx);
	if (st != LEDE_OK)
		return st;
	idx->reader_stale = 1;
	if (out_dropped)
		*out_dropped = dropped;
	return LEDE_OK;
}
