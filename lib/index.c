/*
 * index.c - the lede_index handle: open/create with stored analyzer
 * settings, and the article -> Xapian document mapping (the schema in
 * lede_private.h, DESIGN.md "Index schema").
 *
 * Document layout. Title words take positions 1.., the body starts
 * TITLE_POSITION_GAP after the title so no phrase spans both. Every word
 * is indexed ONCE, as its stem (or itself when it has none: CJK, numbers,
 * language "none"), unprefixed and with positions, as Lucene and FTS5 do.
 * DESIGN.md suggested Xapian's STEM_SOME layout (words with positions plus
 * Z stems); measured on Reuters, stems-only builds 1.7x faster and 23%
 * smaller (shared/research/xapian-indexing-probe.md, docs/PERFORMANCE.md),
 * at the price of exact-form matching: "deploy" and "deployed" are one
 * term, in phrases too. Title words are indexed again under S so title
 * matches can weigh more and title: searches work. Byline and
 * outlet words get A/XO terms with positions (by:"priya raman"), and the
 * whole folded names boolean XA/XS terms for exact filters. Section, tags,
 * language, URL host and the date (day, month, year) are boolean filter
 * terms, which do not change document length or BM25.
 *
 * Safety. Xapian 1.4 discards the whole uncommitted batch when one term is
 * bad (xapian.md 6.1). The analyzer caps words at 64 bytes and the binding
 * refuses any term that could throw, so a refused term here is skipped, not
 * fatal: the article is indexed without it.
 *
 * The stored record (record.c) carries the fields and the original body;
 * SLOT_HASH holds a hash of it so re-reading an unchanged article writes
 * nothing (replace_document costs about twice an add, xapian.md 6.2).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lede_private.h"
#include "xapian_c.h"

/* Default analyzer language when an index is created without one. */
#define DEFAULT_LANG "english"
/* Lock file in the index directory. A writer holds an exclusive flock()
 * on it for its whole life and writes its pid into it, so a second
 * indexer waits or says who holds the index. lede takes this lock, not
 * only Xapian's, because compaction swaps the database directory the
 * Xapian lock lives in: a writer waiting on the old directory's lock
 * would otherwise write into a database nobody reads any more. The kernel
 * drops flock()s when a process dies, so a killed indexer never leaves a
 * stale lock. */
#define LOCK_FILE "lede.lock"
/* The index directory holds a Xapian stub file listing the current
 * database directory ("db.N"); readers open the stub, so compaction can
 * build db.N+1 aside and switch atomically by renaming a new stub. */
#define STUB_FILE "XAPIANDB"
#define DB_DIR_PREFIX "db."
/* Words fed to the spelling table: at least 3 bytes (shorter ones have
 * too many neighbours to correct to) and at most 32 (longer are names,
 * codes and compounds nobody misspells into). */
#define SPELL_MIN_BYTES 3
#define SPELL_MAX_BYTES 32
/* Distinct hashes per document remembered by a seen_set (a power of two;
 * half of it is used): of the words fed to the spelling table, and of the
 * shingles of the simhash. News articles have a few hundred of each. */
#define SEEN_SET_SLOTS 2048
/* Poll interval while waiting for the writer lock. */
#define LOCK_POLL_MS 100
/* Opens (and first metadata reads) of a reader retried when a writer
 * overtakes it meanwhile, waiting 10 ms more each time: a race rarely
 * repeats, damage always does. */
#define READER_OPEN_TRIES 3

/* Every CORRUPT message says so in the same words, after the index path
 * when it starts with one: damage surfaces in many places (metadata, a
 * posting list, a stored record), and users and scripts should not have to
 * know Xapian's exception names to recognise it. */
static void mark_corrupt(lede_index *idx)
{
	static const char tag[] = "index is corrupt: ";
	char tmp[sizeof idx->errmsg];
	size_t skip = 0, plen;

	if (strstr(idx->errmsg, tag) != NULL)
		return;
	plen = idx->path ? strlen(idx->path) : 0;
	if (plen && strncmp(idx->errmsg, idx->path, plen) == 0 &&
	    strncmp(idx->errmsg + plen, ": ", 2) == 0)
		skip = plen + 2;
	if (snprintf(tmp, sizeof tmp, "%.*s%s%s", (int)skip, idx->errmsg, tag,
	             idx->errmsg + skip) < 0)
		return;
	memcpy(idx->errmsg, tmp, sizeof tmp);
}

lede_status index_fail(lede_index *idx, lede_status s, const char *fmt, ...)
{
	va_list ap;

	if (idx == NULL)
		return s;
	va_start(ap, fmt);
	vsnprintf(idx->errmsg, sizeof idx->errmsg, fmt, ap);
	va_end(ap);
	if (s == LEDE_ERR_CORRUPT)
		mark_corrupt(idx);
	return s;
}

lede_status index_fail_err(lede_index *idx, const lede_err *e)
{
	return index_fail(idx, e->status, "%s", e->msg);
}

static lede_status load_avglen(lede_index *idx);

/* ---- settings ---------------------------------------------------------- */

static void settings_format(buf *out, const analyzer_settings *s,
                            int shard_by)
{
	int schema = s->schema ? s->schema : LEDE_SCHEMA_VERSION;

	buf_printf(out, "lede-schema=%d lang=%s fold_accents=%d", schema,
	           s->lang, s->fold_accents);
	if (shard_by != SHARD_NONE)
		buf_printf(out, " shard=%s", shard_mode_name(shard_by));
	if (SCHEMA_IMPACTS(schema))
		buf_printf(out, " b=%.4f", s->bm25_b);
	if (SCHEMA_POSITIONS_SETTING(schema))
		buf_printf(out, " positions=%d", s->positions > 0);
}

/* Parses what settings_format wrote. Returns VERSION for another schema,
 * CORRUPT for garbage. */
static lede_status settings_parse(analyzer_settings *s, int *shard_by,
                                  const char *v, size_t len)
{
	char tmp[128], shard[16] = "none";
	int ver = 0, fold = -1;
	char lang[32] = "";
	const char *sp;
	double b = -1;
	int positions = 1;

	if (len >= sizeof tmp)
		return LEDE_ERR_CORRUPT;
	memcpy(tmp, v, len);
	tmp[len] = '\0';
	if (sscanf(tmp, "lede-schema=%d lang=%31s fold_accents=%d", &ver, lang,
	           &fold) != 3)
		return LEDE_ERR_CORRUPT;
	if (ver < LEDE_SCHEMA_OLDEST || ver > LEDE_SCHEMA_VERSION)
		return LEDE_ERR_VERSION;
	sp = strstr(tmp, " shard=");
	if (sp && sscanf(sp, " shard=%15s", shard) != 1)
		return LEDE_ERR_CORRUPT;
	if (shard_mode_parse(shard_by, shard) != LEDE_OK)
		return LEDE_ERR_CORRUPT;
	if (SCHEMA_IMPACTS(ver)) {
		sp = strstr(tmp, " b=");
		if (sp == NULL || sscanf(sp, " b=%lf", &b) != 1 ||
		    !(b >= 0 && b <= 1))
			return LEDE_ERR_CORRUPT;
	}
	if (SCHEMA_POSITIONS_SETTING(ver)) {
		sp = strstr(tmp, " positions=");
		if (sp == NULL ||
		    sscanf(sp, " positions=%d", &positions) != 1 ||
		    (positions != 0 && positions != 1))
			return LEDE_ERR_CORRUPT;
	}
	memset(s, 0, sizeof *s);
	memcpy(s->lang, lang, sizeof s->lang);
	s->fold_accents = fold;
	s->schema = ver;
	s->bm25_b = b;
	s->positions = positions;
	return LEDE_OK;
}

/* ---- open / close ------------------------------------------------------ */

static int dir_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Takes the writer lock (see LOCK_FILE), waiting up to wait_ms. */
static lede_status take_lock(lede_index *idx, unsigned wait_ms)
{
	char path[PATH_MAX], pid[32];
	struct timespec ts = { 0, LOCK_POLL_MS * 1000000L };
	unsigned waited = 0;
	int fd, n;

	if (snprintf(path, sizeof path, "%s/%s", idx->path, LOCK_FILE) >=
	    (int)sizeof path)
		return index_fail(idx, LEDE_ERR_INVALID, "%s: path too long",
		                  idx->path);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return index_fail(idx, errno == EACCES || errno == EROFS
		                           ? LEDE_ERR_READ_ONLY
		                           : LEDE_ERR_IO,
		                  "%s: cannot open lock file: %s", idx->path,
		                  strerror(errno));
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			close(fd);
			return index_fail(idx, LEDE_ERR_IO, "%s: lock: %s",
			                  idx->path, strerror(errno));
		}
		if (waited >= wait_ms) {
			char hb[32] = "";
			long holder = 0;
			ssize_t r = pread(fd, hb, sizeof hb - 1, 0);
			if (r > 0) {
				hb[r] = '\0';
				holder = strtol(hb, NULL, 10);
			}
			close(fd);
			if (holder > 0)
				return index_fail(idx, LEDE_ERR_LOCKED,
				                  "index is locked by another "
				                  "indexer (pid %ld)", holder);
			return index_fail(idx, LEDE_ERR_LOCKED,
			                  "index is locked by another indexer");
		}
		nanosleep(&ts, NULL);
		waited += LOCK_POLL_MS;
	}
	n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0)
		(void)!pwrite(fd, pid, (size_t)n, 0);
	idx->lock_fd = fd;
	return LEDE_OK;
}

/* Reads the stub: the name of the current database directory (db.N) into
 * out. Returns NOT_FOUND if there is no stub. */
static lede_status read_stub(lede_index *idx, char *out, size_t cap)
{
	char path[PATH_MAX], line[256];
	FILE *f;
	lede_status st = LEDE_ERR_CORRUPT;

	snprintf(path, sizeof path, "%s/%s", idx->path, STUB_FILE);
	f = fopen(path, "r");
	if (f == NULL)
		return errno == ENOENT ? LEDE_ERR_NOT_FOUND : LEDE_ERR_IO;
	while (fgets(line, sizeof line, f)) {
		char name[200];
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "auto %199s", name) == 1 &&
		    strncmp(name, DB_DIR_PREFIX, strlen(DB_DIR_PREFIX)) == 0 &&
		    strchr(name, '/') == NULL && strlen(name) < cap) {
			memcpy(out, name, strlen(name) + 1);
			st = LEDE_OK;
		}
		break;
	}
	fclose(f);
	return st;
}

/* Atomically points the stub at db (write a temp file, fsync, rename). */
static lede_status write_stub(lede_index *idx, const char *db)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	buf text = BUF_INIT;
	int fd, ok;

	snprintf(path, sizeof path, "%s/%s", idx->path, STUB_FILE);
	snprintf(tmp, sizeof tmp, "%s/%s.tmp", idx->path, STUB_FILE);
	buf_printf(&text, "# lede index: the current database%s\nauto %s\n",
	           idx->nshards ? " (settings, file records) and its time "
	                          "shards"
	                        : "",
	           db);
	shard_stub_lines(idx, &text);
	if (text.status != LEDE_OK) {
		buf_free(&text);
		return index_fail(idx, LEDE_ERR_NOMEM, "out of memory");
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		buf_free(&text);
		return index_fail(idx, LEDE_ERR_IO, "%s: %s", tmp,
		                  strerror(errno));
	}
	ok = write(fd, text.data, text.len) == (ssize_t)text.len &&
	     fsync(fd) == 0;
	buf_free(&text);
	close(fd);
	if (!ok || rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		return index_fail(idx, LEDE_ERR_IO, "%s: %s", path, strerror(e));
	}
	return LEDE_OK;
}

lede_status index_write_stub(lede_index *idx)
{
	return write_stub(idx, idx->db_name);
}

/* Removes a database directory: glass keeps its tables flat in it. */
static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char f[PATH_MAX];
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (snprintf(f, sizeof f, "%s/%s", dir, e->d_name) <
		    (int)sizeof f)
			(void)unlink(f);
	}
	closedir(d);
	(void)rmdir(dir);
}

/* Removes database directories the stub no longer names (left by an
 * earlier compaction, or by one that was killed). Called with the writer
 * lock held, when readers of the old database have had time to go. The
 * parts of an interrupted first build (db.N+1.partK beside an empty
 * db.N) stay: the next update resumes them (indexer/update.c). */
static void remove_old_dbs(lede_index *idx, const char *current)
{
	DIR *d = opendir(idx->path);
	struct dirent *e;
	char parts[64];
	uint32_t ndocs = 1;
	unsigned long n = strtoul(current + strlen(DB_DIR_PREFIX), NULL, 10);

	if (d == NULL)
		return;
	snprintf(parts, sizeof parts, DB_DIR_PREFIX "%lu.part", n + 1);
	if (xc_writer_doccount(&ndocs, idx->w) != LEDE_OK)
		ndocs = 1;
	while ((e = readdir(d)) != NULL) {
		char sub[PATH_MAX];
		int is_shard = strncmp(e->d_name, SHARD_DIR_PREFIX,
		                       strlen(SHARD_DIR_PREFIX)) == 0;
		if (is_shard ? shard_listed(idx, e->d_name)
		             : (strncmp(e->d_name, DB_DIR_PREFIX,
		                        strlen(DB_DIR_PREFIX)) ||
		                strcmp(e->d_name, current) == 0))
			continue;
		if (ndocs == 0 && idx->shard_by == SHARD_NONE &&
		    strncmp(e->d_name, parts, strlen(parts)) == 0)
			continue;
		if (snprintf(sub, sizeof sub, "%s/%s", idx->path, e->d_name) <
		    (int)sizeof sub)
			remove_tree(sub);
	}
	closedir(d);
}

/* Reads, checks or writes the schema metadata. want: settings asked for
 * by the caller (lang "" = take the stored ones). */
static lede_status settings_check(lede_index *idx, analyzer_settings *want,
                                  int creating)
{
	char *val = NULL;
	size_t vlen = 0;
	lede_status st;
	analyzer_settings have;
	int have_shard = SHARD_NONE;

	if (idx->w)
		st = xc_writer_get_meta(&val, &vlen, idx->w, META_SCHEMA,
		                        strlen(META_SCHEMA));
	else
		/* A writer can overtake a reader opened a moment ago: move
		 * it to the newest commit and read again. */
		for (int tries = 0;; tries++) {
			int moved = 0;

			st = xc_reader_get_meta(&val, &vlen, idx->r, META_SCHEMA,
			                        strlen(META_SCHEMA));
			if (st != LEDE_ERR_STALE || tries >= READER_OPEN_TRIES ||
			    xc_reader_reopen(&moved, idx->r) != LEDE_OK)
				break;
			xc_free(val);
			val = NULL;
		}
	if (st != LEDE_OK) {
		xc_free(val);
		return index_fail(idx, st, "%s: %s", idx->path,
		                  idx->w ? xc_writer_errmsg(idx->w)
		                         : xc_reader_errmsg(idx->r));
	}
	if (vlen == 0) {
		uint32_t n = 0;
		char stub[64];

		xc_free(val);
		if (idx->w)
			xc_writer_doccount(&n, idx->w);
		else
			xc_reader_doccount(&n, idx->r);
		/* lede wrote the stub and the metadata before any article:
		 * articles without it mean the table holding it is damaged. */
		if (!creating && n > 0 &&
		    read_stub(idx, stub, sizeof stub) == LEDE_OK)
			return index_fail(idx, LEDE_ERR_CORRUPT,
			                  "%s: no %s metadata", idx->path,
			                  META_SCHEMA);
		if (!idx->w || (!creating && n > 0))
			return index_fail(idx, LEDE_ERR_VERSION,
			                  "%s: not a lede index (no %s metadata)",
			                  idx->path, META_SCHEMA);
		/* New index: store the settings asked for. */
		if (want->lang[0] == '\0')
			memcpy(want->lang, DEFAULT_LANG, sizeof DEFAULT_LANG);
		if (want->fold_accents < 0)
			want->fold_accents = 1;
		if (want->bm25_b < 0)
			want->bm25_b = LEDE_BM25_B;
		if (want->positions < 0)
			want->positions = 0;
		want->schema = LEDE_SCHEMA_VERSION;
		buf b = BUF_INIT;
		idx->shard_by = idx->want_shard < 0 ? SHARD_NONE
		                                    : idx->want_shard;
		settings_format(&b, want, idx->shard_by);
		st = b.status;
		if (st == LEDE_OK)
			st = xc_writer_set_meta(idx->w, META_SCHEMA,
			                        strlen(META_SCHEMA), b.data, b.len);
		if (st == LEDE_OK)
			st = xc_writer_commit(idx->w);
		buf_free(&b);
		if (st != LEDE_OK)
			return index_fail(idx, st, "%s: %s", idx->path,
			                  xc_writer_errmsg(idx->w));
		idx->settings = *want;
		return LEDE_OK;
	}
	st = settings_parse(&have, &have_shard, val, vlen);
	xc_free(val);
	if (st == LEDE_ERR_VERSION)
		return index_fail(idx, st,
		                  "%s: index format is not one this lede reads "
		                  "(versions %d to %d); build it afresh in a new "
		                  "directory", idx->path, LEDE_SCHEMA_OLDEST,
		                  LEDE_SCHEMA_VERSION);
	if (st != LEDE_OK)
		return index_fail(idx, LEDE_ERR_CORRUPT,
		                  "%s: index is corrupt: bad %s metadata",
		                  idx->path, META_SCHEMA);
	if ((want->lang[0] && strcmp(want->lang, have.lang) != 0) ||
	    (want->fold_accents >= 0 && want->fold_accents != have.fold_accents))
		return index_fail(idx, LEDE_ERR_SETTINGS,
		                  "%s: index was created with lang=%s "
		                  "fold_accents=%d, not lang=%s fold_accents=%d",
		                  idx->path, have.lang, have.fold_accents,
		                  want->lang[0] ? want->lang : have.lang,
		                  want->fold_accents >= 0 ? want->fold_accents
		                                          : have.fold_accents);
	if (idx->want_shard >= 0 && idx->want_shard != have_shard)
		return index_fail(idx, LEDE_ERR_SETTINGS,
		                  "%s: index was created with shard-by %s, not %s",
		                  idx->path, shard_mode_name(have_shard),
		                  shard_mode_name(idx->want_shard));
	if (want->bm25_b >= 0 && SCHEMA_IMPACTS(have.schema) &&
	    fabs(want->bm25_b - have.bm25_b) > 5e-5)
		return index_fail(idx, LEDE_ERR_SETTINGS,
		                  "%s: index was created with b=%.4g (its "
		                  "postings hold it), not b=%.4g; build one with "
		                  "another b in a new directory",
		                  idx->path, have.bm25_b, want->bm25_b);
	if (want->positions >= 0 && want->positions != have.positions)
		return index_fail(idx, LEDE_ERR_SETTINGS,
		                  "%s: index was created %s positions, not %s; "
		                  "build one %s them in a new directory",
		                  idx->path,
		                  have.positions ? "with" : "without",
		                  want->positions ? "with" : "without",
		                  want->positions ? "with" : "without");
	/* An older index has no b in its postings; a rebuild (--full) will
	 * build in the one asked for. */
	if (!SCHEMA_IMPACTS(have.schema))
		have.bm25_b = want->bm25_b >= 0 ? want->bm25_b : LEDE_BM25_B;
	idx->settings = have;
	idx->shard_by = have_shard;
	return LEDE_OK;
}

/* Opens the writer: lede's lock, then the database the stub names (a new
 * db.1 and stub when the index is new). A directory holding a plain glass
 * database (no stub) is written in place. */
static lede_status open_writer(lede_index *idx, unsigned wait_ms,
                               analyzer_settings *want)
{
	char name[64], dbpath[PATH_MAX], probe[PATH_MAX];
	struct stat sb;
	lede_err err;
	lede_status st;
	int creating = 0;

	err_clear(&err);
	st = take_lock(idx, wait_ms);
	if (st != LEDE_OK)
		return st;
	st = read_stub(idx, name, sizeof name);
	if (st == LEDE_ERR_NOT_FOUND) {
		snprintf(probe, sizeof probe, "%s/iamglass", idx->path);
		if (stat(probe, &sb) == 0) {
			name[0] = '\0'; /* plain glass database */
		} else if (idx->flags & LEDE_OPEN_CREATE) {
			snprintf(name, sizeof name, DB_DIR_PREFIX "1");
			creating = 1;
		} else {
			return index_fail(idx, LEDE_ERR_NOT_FOUND,
			                  "%s: no index here (create one with "
			                  "lede-index)", idx->path);
		}
	} else if (st != LEDE_OK) {
		return index_fail(idx, st == LEDE_ERR_IO ? st : LEDE_ERR_CORRUPT,
		                  "%s: index is corrupt: unreadable %s",
		                  idx->path, STUB_FILE);
	}
	memcpy(idx->db_name, name, strlen(name) + 1);
	if (snprintf(dbpath, sizeof dbpath, "%s%s%s", idx->path,
	             name[0] ? "/" : "", name) >= (int)sizeof dbpath)
		return index_fail(idx, LEDE_ERR_INVALID, "%s: path too long",
		                  idx->path);
	st = xc_writer_open(&idx->w, dbpath,
	                    creating ? XC_OPEN_CREATE_OR_OPEN : XC_OPEN_EXISTING,
	                    wait_ms, &err);
	if (creating && st != LEDE_OK && st != LEDE_ERR_LOCKED &&
	    snprintf(probe, sizeof probe, "%s/iamglass", dbpath) <
	        (int)sizeof probe &&
	    stat(probe, &sb) != 0 && errno == ENOENT) {
		/* No stub names the database and it has no iamglass: the
		 * remains of a first run killed while Xapian created it (its
		 * table files written, iamglass not yet). No reader has seen
		 * it and no article was committed to it (the stub comes
		 * before any); left there, it failed every later run. */
		remove_tree(dbpath);
		err_clear(&err);
		st = xc_writer_open(&idx->w, dbpath, XC_OPEN_CREATE_OR_OPEN,
		                    wait_ms, &err);
	}
	if (st == LEDE_ERR_LOCKED)
		return index_fail(idx, st, "index is locked by another indexer");
	if (st == LEDE_ERR_IO && strstr(err.msg, "orrupt"))
		st = LEDE_ERR_CORRUPT;
	if (st == LEDE_ERR_NOT_FOUND && name[0])
		return index_fail(idx, LEDE_ERR_CORRUPT,
		                  "%s: %s names %s, which is missing or "
		                  "incomplete", idx->path, STUB_FILE, name);
	if (st != LEDE_OK)
		return index_fail(idx, st, "%s: %s%s", idx->path,
		                  st == LEDE_ERR_CORRUPT ? "index is corrupt: " : "",
		                  err.msg);
	if (creating) {
		/* Settings first, stub last: a reader finds the index only
		 * once it can open it, even if this process is killed here. */
		st = settings_check(idx, want, 1);
		if (st != LEDE_OK)
			return st;
		st = write_stub(idx, name);
		if (st != LEDE_OK)
			return st;
	}
	return LEDE_OK;
}

lede_status index_compact_dir(lede_index *idx, char *name, size_t cap,
                              struct xc_writer **io_w)
{
	char next[64], src[PATH_MAX], dst[PATH_MAX];
	const char *srcs[1];
	const char *dot = strrchr(name, '.');
	unsigned long gen;
	lede_err err;
	lede_status st;
	xc_writer *nw = NULL;

	if (dot == NULL)
		return index_fail(idx, LEDE_ERR_INTERNAL, "bad database name %s",
		                  name);
	gen = strtoul(dot + 1, NULL, 10);
	if (snprintf(next, sizeof next, "%.*s.%lu", (int)(dot - name), name,
	             gen + 1) >= (int)sizeof next ||
	    strlen(next) >= cap)
		return index_fail(idx, LEDE_ERR_INVALID, "name too long");
	snprintf(src, sizeof src, "%s/%s", idx->path, name);
	if (snprintf(dst, sizeof dst, "%s/%s", idx->path, next) >=
	    (int)sizeof dst)
		return index_fail(idx, LEDE_ERR_INVALID, "path too long");
	remove_tree(dst);
	srcs[0] = src;
	err_clear(&err);
	st = xc_compact(srcs, 1, dst, 0, &err);
	if (st == LEDE_OK)
		st = xc_writer_open(&nw, dst, XC_OPEN_EXISTING, 0, &err);
	if (st != LEDE_OK) {
		remove_tree(dst);
		return index_fail(idx, st, "%s: compacting %s: %s", idx->path,
		                  name, err.msg);
	}
	xc_writer_free(*io_w);
	*io_w = nw;
	memcpy(name, next, strlen(next) + 1);
	return LEDE_OK;
}

LEDE_API lede_status lede_index_compact(lede_index *idx)
{
	char next[64], src[PATH_MAX], dst[PATH_MAX];
	const char *srcs[1];
	unsigned long n;
	lede_err err;
	lede_status st;

	API_REFUSE_NULL(idx);
	if (idx->w == NULL)
		return index_fail(idx, LEDE_ERR_READ_ONLY,
		                  "%s: index is open read-only", idx->path);
	if (idx->db_name[0] == '\0')
		return index_fail(idx, LEDE_ERR_UNSUPPORTED,
		                  "%s: a plain Xapian database; compact it with "
		                  "xapian-compact", idx->path);
	st = lede_index_commit(idx);
	if (st != LEDE_OK)
		return st;
	for (size_t i = 0; i < idx->nshards; i++) {
		st = index_compact_dir(idx, idx->shards[i].name,
		                       sizeof idx->shards[i].name,
		                       &idx->shards[i].w);
		if (st != LEDE_OK)
			return st;
	}
	n = strtoul(idx->db_name + strlen(DB_DIR_PREFIX), NULL, 10);
	snprintf(next, sizeof next, DB_DIR_PREFIX "%lu", n + 1);
	snprintf(src, sizeof src, "%s/%s", idx->path, idx->db_name);
	if (snprintf(dst, sizeof dst, "%s/%s", idx->path, next) >=
	    (int)sizeof dst)
		return index_fail(idx, LEDE_ERR_INVALID, "path too long");
	remove_tree(dst); /* left by a killed compaction */
	srcs[0] = src;
	err_clear(&err);
	st = xc_compact(srcs, 1, dst, 0, &err);
	if (st != LEDE_OK) {
		remove_tree(dst);
		return index_fail(idx, st, "%s: compaction failed: %s",
		                  idx->path, err.msg);
	}
	/* Switch: new stub, then a writer on the new database. Readers
	 * still on the old one keep it until the next writer removes it. */
	st = write_stub(idx, next);
	if (st != LEDE_OK) {
		remove_tree(dst);
		return st;
	}
	xc_writer_free(idx->w);
	idx->w = NULL;
	memcpy(idx->db_name, next, strlen(next) + 1);
	st = xc_writer_open(&idx->w, dst, XC_OPEN_EXISTING, 0, &err);
	if (st != LEDE_OK)
		return index_fail(idx, st, "%s: %s", idx->path, err.msg);
	xc_reader_free(idx->r);
	idx->r = NULL;
	return LEDE_OK;
}

/* --full: the rebuild goes into a fresh database beside the live one;
 * searchers keep using the live one until index_end_rebuild() compacts the
 * new one and switches the stub, so they never see a half-built index and
 * a failed rebuild leaves the old index untouched. */
lede_status index_begin_rebuild(lede_index *idx)
{
	char next[64], dst[PATH_MAX];
	unsigned long n;
	lede_err err;
	lede_status st;
	buf b = BUF_INIT;

	/* time shards are rebuilt in place: every file is re-read */
	if (idx->db_name[0] == '\0' || idx->shard_by != SHARD_NONE)
		return LEDE_ERR_UNSUPPORTED;
	n = strtoul(idx->db_name + strlen(DB_DIR_PREFIX), NULL, 10);
	snprintf(next, sizeof next, DB_DIR_PREFIX "%lu", n + 1);
	if (snprintf(dst, sizeof dst, "%s/%s", idx->path, next) >=
	    (int)sizeof dst)
		return index_fail(idx, LEDE_ERR_INVALID, "path too long");
	remove_tree(dst);
	err_clear(&err);
	idx->old_w = idx->w;
	idx->w = NULL;
	st = xc_writer_open(&idx->w, dst, XC_OPEN_CREATE, 0, &err);
	if (st == LEDE_OK) {
		/* a rebuild re-reads everything: it takes the newest schema */
		idx->old_schema = idx->settings.schema;
		idx->settings.schema = LEDE_SCHEMA_VERSION;
		settings_format(&b, &idx->settings, idx->shard_by);
		st = b.status;
		if (st == LEDE_OK)
			st = xc_writer_set_meta(idx->w, META_SCHEMA,
			                        strlen(META_SCHEMA), b.data, b.len);
		buf_free(&b);
	}
	if (st != LEDE_OK) {
		xc_writer_free(idx->w);
		idx->w = idx->old_w;
		idx->old_w = NULL;
		if (idx->old_schema)
			idx->settings.schema = idx->old_schema;
		remove_tree(dst);
		return index_fail(idx, st, "%s: cannot start a rebuild: %s",
		                  idx->path, err.msg);
	}
	memcpy(idx->old_db_name, idx->db_name, sizeof idx->db_name);
	memcpy(idx->db_name, next, strlen(next) + 1);
	st = load_avglen(idx); /* none yet: measured anew, or as asked */
	if (st == LEDE_OK)
		st = index_set_avglen(idx, idx->want_avglen, 1);
	return st;
}

lede_status index_end_rebuild(lede_index *idx, int ok)
{
	char built[PATH_MAX];
	lede_status st = LEDE_OK;

	snprintf(built, sizeof built, "%s/%s", idx->path, idx->db_name);
	if (ok) {
		/* Compaction writes db.N+2 and switches the stub to it. */
		st = lede_index_compact(idx);
		if (st == LEDE_OK) {
			xc_writer_free(idx->old_w);
			idx->old_w = NULL;
			remove_tree(built);
			return LEDE_OK;
		}
	}
	/* Failed or abandoned: back to the live database. */
	xc_writer_free(idx->w);
	idx->w = idx->old_w;
	idx->old_w = NULL;
	if (idx->old_schema)
		idx->settings.schema = idx->old_schema;
	memcpy(idx->db_name, idx->old_db_name, sizeof idx->db_name);
	remove_tree(built);
	if (st == LEDE_OK)
		st = load_avglen(idx);
	return st;
}

/* ---- parallel builds (indexer/update.c) --------------------------------- */

/* Opens part k of a parallel build: a fresh one (resume 0: whatever is
 * there is removed first), or the one an interrupted build left (resume
 * 1: NOT_FOUND if there is none; an error if it does not open or holds
 * other settings, and then the caller starts it afresh). */
static lede_status part_open(lede_index **out, lede_index *parent, int k,
                             int resume)
{
	lede_index *p;
	lede_err err;
	lede_status st;
	char dir[PATH_MAX];
	buf b = BUF_INIT;
	char *have = NULL;
	size_t hlen = 0;
	unsigned long n = strtoul(parent->db_name + strlen(DB_DIR_PREFIX),
	                          NULL, 10);

	*out = NULL;
	if (snprintf(dir, sizeof dir, "%s/" DB_DIR_PREFIX "%lu.part%d",
	             parent->path, n + 1, k) >= (int)sizeof dir)
		return index_fail(parent, LEDE_ERR_INVALID, "path too long");
	if (resume && !dir_exists(dir))
		return LEDE_ERR_NOT_FOUND;
	p = calloc(1, sizeof *p);
	if (p == NULL)
		return index_fail(parent, LEDE_ERR_NOMEM, "out of memory");
	p->rec = (buf)BUF_INIT;
	p->term = (buf)BUF_INIT;
	p->qterm = (buf)BUF_INIT;
	p->pairs = (buf)BUF_INIT;
	p->flags = LEDE_OPEN_WRITE;
	p->settings = parent->settings;
	p->settings.schema = LEDE_SCHEMA_VERSION; /* parts are built afresh */
	p->path = lede_strdup(dir);
	err_clear(&err);
	if (!resume)
		remove_tree(dir);
	/* A scratch database: no fsync (it ends in a synced compaction and
	 * is rebuilt from the source files if the machine dies). */
	st = p->path ? LEDE_OK : LEDE_ERR_NOMEM;
	if (st == LEDE_OK)
		st = xc_writer_open(&p->w, dir,
		                    (resume ? XC_OPEN_EXISTING : XC_OPEN_CREATE) |
		                        XC_OPEN_NO_SYNC,
		                    0, &err);
	if (st == LEDE_OK)
		st = analyzer_new(&p->an, &p->settings, &err);
	if (st == LEDE_OK)
		st = xc_doc_new(&p->doc);
	if (st == LEDE_OK) {
		settings_format(&b, &p->settings, SHARD_NONE);
		st = b.status;
	}
	if (st == LEDE_OK && resume) {
		st = xc_writer_get_meta(&have, &hlen, p->w, META_SCHEMA,
		                        strlen(META_SCHEMA));
		if (st == LEDE_OK &&
		    (hlen != b.len || memcmp(have, b.data, hlen) != 0))
			st = LEDE_ERR_VERSION;
		xc_free(have);
	} else if (st == LEDE_OK) {
		st = xc_writer_set_meta(p->w, META_SCHEMA, strlen(META_SCHEMA),
		                        b.data, b.len);
	}
	buf_free(&b);
	/* a part measures its impacts against the average the build
	 * sampled, and keeps it for the merge */
	if (st == LEDE_OK && resume)
		st = load_avglen(p);
	else if (st == LEDE_OK) {
		/* fixed by the caller: the merged database says so too */
		p->want_avglen = parent->want_avglen;
		st = index_set_avglen(p, parent->avglen, 1);
	}
	p->want_avglen = p->avglen; /* the build's sample: it stays */
	if (st != LEDE_OK) {
		index_fail(parent, st, "%s: %s", dir,
		           err.msg[0] ? err.msg : lede_status_str(st));
		index_part_free(p, !resume);
		return st;
	}
	*out = p;
	return LEDE_OK;
}

int index_parts_left(const lede_index *idx, int max)
{
	unsigned long n = strtoul(idx->db_name + strlen(DB_DIR_PREFIX), NULL,
	                          10);

	for (int k = 0; k < max; k++) {
		char dir[PATH_MAX];
		if (snprintf(dir, sizeof dir, "%s/" DB_DIR_PREFIX "%lu.part%d",
		             idx->path, n + 1, k) < (int)sizeof dir &&
		    dir_exists(dir))
			return 1;
	}
	return 0;
}

lede_status index_part_new(lede_index **out, lede_index *parent, int k)
{
	return part_open(out, parent, k, 0);
}

lede_status index_part_resume(lede_index **out, lede_index *parent, int k)
{
	return part_open(out, parent, k, 1);
}

void index_part_free(lede_index *p, int remove)
{
	if (p == NULL)
		return;
	xc_writer_free(p->w);
	p->w = NULL;
	if (remove && p->path)
		remove_tree(p->path);
	analyzer_free(p->an);
	xc_doc_free(p->doc);
	buf_free(&p->rec);
	buf_free(&p->term);
	buf_free(&p->qterm);
	buf_free(&p->pairs);
	free(p->path);
	free(p);
}

lede_status index_merge_parts(lede_index *idx, lede_index *const *parts,
                              size_t n, struct xc_writer **out_w)
{
	char next[64], dst[PATH_MAX];
	const char **src;
	unsigned long cur;
	lede_err err;
	lede_status st;

	*out_w = NULL;
	cur = strtoul(idx->db_name + strlen(DB_DIR_PREFIX), NULL, 10);
	snprintf(next, sizeof next, DB_DIR_PREFIX "%lu", cur + 1);
	if (snprintf(dst, sizeof dst, "%s/%s", idx->path, next) >=
	    (int)sizeof dst)
		return index_fail(idx, LEDE_ERR_INVALID, "path too long");
	src = calloc(n ? n : 1, sizeof *src);
	if (src == NULL)
		return index_fail(idx, LEDE_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		src[i] = parts[i]->path;
	remove_tree(dst);
	err_clear(&err);
	/* Renumbering keeps the sources' order: part 0's documents first,
	 * so docids follow the file order as in a one-process build. */
	st = xc_compact(src, n, dst, 0, &err);
	free(src);
	if (st == LEDE_OK)
		st = xc_writer_open(out_w, dst, XC_OPEN_EXISTING, 0, &err);
	if (st != LEDE_OK) {
		remove_tree(dst);
		return index_fail(idx, st, "%s: merging the parallel build: %s",
		                  idx->path, err.msg);
	}
	return LEDE_OK;
}

/* Whether the stub lists any database at all (lede's "auto db.N", or
 * lines a person wrote: "remote HOST:PORT", other paths). */
static int stub_has_entries(lede_index *idx)
{
	char path[PATH_MAX], line[256];
	FILE *f;
	int found = 0;

	snprintf(path, sizeof path, "%s/%s", idx->path, STUB_FILE);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	while (!found && fgets(line, sizeof line, f))
		found = line[strspn(line, " \t\r\n")] != '\0' && line[0] != '#';
	fclose(f);
	return found;
}

/* Opens a reader on the database the stub names. Xapian reads the stub
 * itself, but takes an empty or truncated one for an empty database and a
 * garbled one for an I/O error; lede checks it first, so damage is
 * reported as such; a stub a person wrote (remote shards) is left to
 * Xapian. A stub naming a database that is not there is damage too,
 * unless a writer switched the stub in the meantime. *out is NULL on
 * failure; the message is on idx. */
static lede_status reader_open(lede_index *idx, xc_reader **out)
{
	char name[64], again[64];
	const char *p = idx->path;
	lede_err err;
	lede_status st, stub;

	*out = NULL;
	err_clear(&err);
	stub = read_stub(idx, name, sizeof name);
	if (stub == LEDE_ERR_CORRUPT && !stub_has_entries(idx))
		return index_fail(idx, stub, "%s: unreadable %s", idx->path,
		                  STUB_FILE);
	if (stub == LEDE_ERR_IO)
		return index_fail(idx, stub, "%s: cannot read %s: %s",
		                  idx->path, STUB_FILE, strerror(errno));
	/* A writer committing while the tables are opened can discard the
	 * revision being read (STALE), or rewrite a block as it is read,
	 * which looks like damage (CORRUPT: "Expected block 6 to be level
	 * 1", seen in api_concurrency): open again. A race passes, damage
	 * stays; still STALE after that, the revision numbers are damaged. */
	for (int tries = 0;; tries++) {
		st = xc_reader_open(out, &p, 1, &err);
		struct timespec ts = { 0, (tries + 1) * 10 * 1000000L };

		if ((st != LEDE_ERR_STALE && st != LEDE_ERR_CORRUPT) ||
		    tries >= READER_OPEN_TRIES)
			break;
		err_clear(&err);
		nanosleep(&ts, NULL); /* let a commit in flight land */
	}
	if (st == LEDE_ERR_STALE)
		st = LEDE_ERR_CORRUPT;
	if (st == LEDE_ERR_NOT_FOUND && stub == LEDE_OK &&
	    read_stub(idx, again, sizeof again) == LEDE_OK &&
	    strcmp(name, again) == 0)
		return index_fail(idx, LEDE_ERR_CORRUPT,
		                  "%s: %s names %s, which is missing or "
		                  "incomplete", idx->path, STUB_FILE, name);
	if (st == LEDE_ERR_NOT_FOUND)
		return index_fail(idx, st,
		                  "%s: no index here (create one with "
		                  "lede-index)", idx->path);
	/* Xapian's stub parser rejects a garbled line as "FILE:N: Bad line". */
	if (st == LEDE_ERR_IO && (strstr(err.msg, "orrupt") ||
	                          (stub != LEDE_ERR_NOT_FOUND &&
	                           strstr(err.msg, ": Bad line"))))
		st = LEDE_ERR_CORRUPT;
	if (st == LEDE_ERR_NETWORK) {
		/* Xapian does not say which shard: find out. */
		char stub_path[PATH_MAX];
		buf down = BUF_INIT;

		snprintf(stub_path, sizeof stub_path, "%s/%s", idx->path,
		         STUB_FILE);
		shards_describe_down(&down, stub_path);
		if (down.len > 0 && down.status == LEDE_OK) {
			index_fail(idx, st, "%s: %s (%s)", idx->path, down.data,
			           err.msg);
			buf_free(&down);
			return st;
		}
		buf_free(&down);
	}
	if (st != LEDE_OK)
		return index_fail(idx, st, "%s: %s", idx->path, err.msg);
	/* Searches ask which kind of shards they read (phrases, "did you
	 * mean"): counted once per reader, not per search. */
	shards_count_remote(&idx->reader_remote, &idx->reader_local,
	                    idx->path);
	return LEDE_OK;
}

lede_status index_switch_to(lede_index *idx, struct xc_writer *w)
{
	char next[64];
	unsigned long cur;
	lede_status st;

	cur = strtoul(idx->db_name + strlen(DB_DIR_PREFIX), NULL, 10);
	snprintf(next, sizeof next, DB_DIR_PREFIX "%lu", cur + 1);
	st = write_stub(idx, next);
	if (st != LEDE_OK)
		return st;
	idx->settings.schema = LEDE_SCHEMA_VERSION; /* parts are built afresh */
	xc_writer_free(idx->w);
	idx->w = w;
	memcpy(idx->db_name, next, strlen(next) + 1);
	idx->reader_stale = 1;
	st = load_avglen(idx);
	if (st != LEDE_OK)
		return st;
	/* The old database is removed by the next writer to open the index,
	 * when searchers still reading it have had time to move on. */
	return LEDE_OK;
}

LEDE_API lede_status lede_index_open(lede_index **out, const char *path,
                                     const lede_open_opts *opts)
{
	lede_open_opts def = LEDE_OPEN_OPTS_INIT;
	lede_index *idx;
	analyzer_settings want;
	lede_err err;
	lede_status st;

	API_REFUSE_NULL(out);
	*out = NULL;
	if (opts == NULL)
		opts = &def;
	idx = calloc(1, sizeof *idx);
	if (idx == NULL)
		return LEDE_ERR_NOMEM;
	*out = idx;
	err_clear(&err);
	idx->rec = (buf)BUF_INIT;
	idx->term = (buf)BUF_INIT;
	idx->qterm = (buf)BUF_INIT;
	idx->pairs = (buf)BUF_INIT;
	if (path == NULL || *path == '\0')
		return index_fail(idx, LEDE_ERR_INVALID, "no index path given");
	if (opts->version < 1 || opts->version > LEDE_OPEN_OPTS_VERSION)
		return index_fail(idx, LEDE_ERR_INVALID,
		                  "lede_open_opts version %u not supported",
		                  opts->version);
	if (opts->flags & ~(LEDE_OPEN_WRITE | LEDE_OPEN_CREATE))
		return index_fail(idx, LEDE_ERR_INVALID,
		                  "unknown lede_open_opts flags 0x%x",
		                  opts->flags &
		                      ~(LEDE_OPEN_WRITE | LEDE_OPEN_CREATE));
	idx->path = lede_strdup(path);
	if (idx->path == NULL)
		return index_fail(idx, LEDE_ERR_NOMEM, "out of memory");
	idx->flags = opts->flags;
	if (idx->flags & LEDE_OPEN_CREATE)
		idx->flags |= LEDE_OPEN_WRITE;

	/* Every setting is checked before anything is written: a create
	 * refused after mkdir would leave an index that stores the bad
	 * setting and that no later open accepts. */
	memset(&want, 0, sizeof want);
	if (opts->lang && opts->lang[0]) {
		if (strlen(opts->lang) >= sizeof want.lang ||
		    !analyzer_lang_known(opts->lang))
			return index_fail(idx, LEDE_ERR_INVALID,
			                  "unknown language '%s'; available: %s",
			                  opts->lang, analyzer_languages());
		memcpy(want.lang, opts->lang, strlen(opts->lang) + 1);
	}
	want.fold_accents = opts->fold_accents < 0 ? -1 : !!opts->fold_accents;
	want.bm25_b = opts->version >= 2 ? opts->b : -1;
	want.positions = opts->version >= 3 ? opts->positions : -1;
	if (want.positions > 1)
		return index_fail(idx, LEDE_ERR_INVALID,
		                  "positions %d: expected -1, 0 or 1",
		                  want.positions);
	if (want.bm25_b > 1 || want.bm25_b != want.bm25_b)
		return index_fail(idx, LEDE_ERR_INVALID,
		                  "b %g: expected a number from 0 to 1",
		                  want.bm25_b);
	idx->want_avglen = opts->version >= 2 ? opts->avglen : 0;
	if (!(idx->want_avglen >= 0 && idx->want_avglen <= IMPACT_AVGLEN_MAX))
		return index_fail(idx, LEDE_ERR_INVALID,
		                  "avglen %g: expected a number of words from 1 "
		                  "to %g (0: measured)", idx->want_avglen,
		                  IMPACT_AVGLEN_MAX);
	idx->want_shard = -1;
	if (opts->shard_by &&
	    shard_mode_parse(&idx->want_shard, opts->shard_by) != LEDE_OK)
		return index_fail(idx, LEDE_ERR_INVALID,
		                  "shard-by '%s': expected year, month or none",
		                  opts->shard_by);

	if (!dir_exists(path)) {
		if (!(idx->flags & LEDE_OPEN_CREATE))
			return index_fail(idx, LEDE_ERR_NOT_FOUND,
			                  "%s: no index here (create one with "
			                  "lede-index)", path);
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return index_fail(idx, errno == ENOENT
			                           ? LEDE_ERR_NOT_FOUND
			                           : LEDE_ERR_IO,
			                  "%s: cannot create the index: %s", path,
			                  strerror(errno));
	}
	if (idx->flags & LEDE_OPEN_WRITE) {
		st = open_writer(idx, opts->lock_wait_ms, &want);
		if (st != LEDE_OK)
			return st;
	} else {
		st = reader_open(idx, &idx->r);
		if (st != LEDE_OK)
			return st;
	}
	st = settings_check(idx, &want, (idx->flags & LEDE_OPEN_CREATE) != 0);
	if (st == LEDE_OK)
		st = load_avglen(idx);
	if (st == LEDE_OK && idx->want_avglen > 0 &&
	    SCHEMA_IMPACTS(idx->settings.schema)) {
		if (idx->avglen == 0 && idx->w)
			st = index_set_avglen(idx, idx->want_avglen, 1);
		else if (idx->avglen > 0 &&
		         fabs(idx->avglen - idx->want_avglen) >
		             1e-6 * idx->want_avglen)
			st = index_fail(idx, LEDE_ERR_SETTINGS,
			                "%s: index was created with avglen=%g, "
			                "not %g", path, idx->avglen,
			                idx->want_avglen);
	}
	if (st != LEDE_OK)
		return st;
	if (idx->w && idx->shard_by != SHARD_NONE) {
		st = shard_load(idx);
		if (st != LEDE_OK)
			return st;
	}
	/* Directories of superseded databases go now, with the lock held,
	 * when searchers still reading them have had time to move on. */
	if (idx->w && idx->db_name[0])
		remove_old_dbs(idx, idx->db_name);
	st = analyzer_new(&idx->an, &idx->settings, &err);
	if (st != LEDE_OK)
		return index_fail(idx, st, "%s", err.msg);
	if (idx->w) {
		st = xc_doc_new(&idx->doc);
		if (st != LEDE_OK)
			return index_fail(idx, st, "out of memory");
	}
	return LEDE_OK;
}

LEDE_API lede_status lede_index_close(lede_index *idx)
{
	lede_status st = LEDE_OK;

	if (idx == NULL)
		return LEDE_OK;
	if (idx->nshards) {
		/* shards first: the meta database's file records must never
		 * claim articles a shard did not keep */
		st = shard_close(idx);
	}
	if (idx->w) {
		lede_status ms = xc_writer_close(idx->w);
		if (st == LEDE_OK)
			st = ms;
		xc_writer_free(idx->w);
	}
	xc_writer_free(idx->old_w);
	xc_reader_free(idx->r);
	if (idx->lock_fd > 0)
		close(idx->lock_fd);
	xc_doc_free(idx->doc);
	analyzer_free(idx->an);
	buf_free(&idx->rec);
	buf_free(&idx->term);
	buf_free(&idx->qterm);
	buf_free(&idx->pairs);
	free(idx->path);
	free(idx);
	return st;
}

LEDE_API const char *lede_errmsg(const lede_index *idx)
{
	return idx ? idx->errmsg : "out of memory";
}

LEDE_API const char *lede_index_lang(const lede_index *idx)
{
	if (idx == NULL)
		return NULL;
	return idx->settings.lang;
}

lede_status index_reader(lede_index *idx)
{
	lede_status st;

	if (idx->r == NULL) {
		st = reader_open(idx, &idx->r);
		if (st != LEDE_OK)
			return st;
		idx->reader_stale = 0;
		return LEDE_OK;
	}
	if (idx->reader_stale) {
		/* Close and open, not reopen(): Xapian's reopen() does not
		 * re-read the stub, which compaction may have switched. */
		xc_reader *nr = NULL;
		st = reader_open(idx, &nr);
		if (st != LEDE_OK)
			return st;
		xc_reader_free(idx->r);
		idx->r = nr;
		idx->reader_stale = 0;
	}
	return LEDE_OK;
}

LEDE_API lede_status lede_index_reopen(lede_index *idx)
{
	API_REFUSE_NULL(idx);
	if (idx->r == NULL)
		return index_reader(idx);
	idx->reader_stale = 1;
	return index_reader(idx);
}

LEDE_API lede_status lede_index_count(uint64_t *out, lede_index *idx)
{
	uint32_t n = 0;
	lede_status st;

	API_REFUSE_NULL(out);
	*out = 0;
	API_REFUSE_NULL(idx);
	if (idx->w && idx->nshards) {
		st = shard_doccount(out, idx);
		if (st != LEDE_OK)
			return index_fail(idx, st, "%s", xc_writer_errmsg(idx->w));
		return LEDE_OK;
	}
	if (idx->w) {
		st = xc_writer_doccount(&n, idx->w);
		if (st != LEDE_OK)
			return index_fail(idx, st, "%s", xc_writer_errmsg(idx->w));
	} else {
		st = xc_reader_doccount(&n, idx->r);
		if (st != LEDE_OK)
			return index_fail(idx, st, "%s", xc_reader_errmsg(idx->r));
	}
	*out = n;
	return LEDE_OK;
}

/* ---- article -> document ------------------------------------------------ */

lede_status index_id_term(buf *out, const char *id)
{
	size_t n = strlen(id);

	buf_append_str(out, PFX_ID);
	if (n <= LEDE_MAX_ID_TERM_BYTES) {
		buf_append(out, id, n);
	} else {
		/* Hashing, never truncating: a truncated id could collide with
		 * another article's real id (ojwb, xapian PR 113). Two 64-bit
		 * hashes with different seeds make a 128-bit name. */
		buf_printf(out, "#%016llx%016llx",
		           (unsigned long long)hash64(id, n, 1),
		           (unsigned long long)hash64(id, n, 2));
	}
	return out->status;
}

static void put_u64(char out[8], uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		out[i] = (char)(v & 0xff);
		v >>= 8;
	}
}

/* Hashes already seen in a document (hash | 1; 0 = empty slot). */
typedef struct seen_set {
	uint64_t slot[SEEN_SET_SLOTS];
	unsigned n;
} seen_set;

typedef struct doc_builder {
	lede_index *idx;
	const char *pfx;       /* prefix for the terms */
	int use_stem;          /* index the stem (body, title) or the word */
	const char *pfx2;      /* second prefix (title: S), or NULL */
	uint64_t sim_lane[SIMHASH_WORDS][8]; /* simhash: byte k of lane j
	                          of word w counts the shingles with bit 8j+k
	                          of their hash w set, since the last
	                          sim_fold (body only) */
	uint32_t sim_ones[SIMHASH_WORDS][64]; /* ... and the totals folded
	                                         out of the lanes */
	uint32_t sim_words, sim_pending; /* shingles counted, not folded */
	uint64_t sim_prev[2];  /* hashes of the two words before (0: the
	                          body's start) */
	seen_set shingles;     /* the shingles counted */
	int simhash;           /* accumulate? */
	int spell;             /* feed words to the spelling table? */
	seen_set spelled;      /* words already fed to the spelling table */
	uint32_t npos;
	int pairs;             /* collect word pairs (no positions kept) */
	int pairs_bad;         /* too many for the filter: none stored */
	uint32_t pair_pos;     /* position of the keys in prev[] */
	uint64_t prev[PAIR_SAME_POS_MAX], cur[PAIR_SAME_POS_MAX];
	unsigned nprev, ncur;
	lede_status st;
} doc_builder;

/* Adds prefix+term: a prefixed term is built in the reused term buffer,
 * an unprefixed one (body and title words) goes as it is. A term the
 * binding refuses is skipped: see the file comment. */
static void add_prefixed(doc_builder *b, const char *pfx, const char *t,
                         size_t n, uint32_t pos, int with_pos)
{
	lede_index *idx = b->idx;
	lede_status st;
	size_t pl = strlen(pfx);
	const char *term = t;

	if (pl > 0) {
		buf_reset(&idx->term);
		buf_append(&idx->term, pfx, pl);
		buf_append(&idx->term, t, n);
		if (idx->term.status != LEDE_OK) {
			b->st = idx->term.status;
			return;
		}
		term = idx->term.data;
		n = idx->term.len;
	}
	st = with_pos ? xc_doc_add_posting(idx->doc, term, n, pos, 1)
	              : xc_doc_add_term(idx->doc, term, n, 1);
	if (st == LEDE_ERR_NOMEM)
		b->st = st;
}

/* 1 the first time hash h is seen in s; a full set lets the rest
 * through. */
static int seen_first(seen_set *s, uint64_t h)
{
	size_t i;

	h |= 1;
	i = h & (SEEN_SET_SLOTS - 1);
	if (s->n >= SEEN_SET_SLOTS / 2)
		return 1;
	while (s->slot[i]) {
		if (s->slot[i] == h)
			return 0;
		i = (i + 1) & (SEEN_SET_SLOTS - 1);
	}
	s->slot[i] = h;
	s->n++;
	return 1;
}

/* 1 the first time a word is seen in this document. The spelling table
 * then counts documents, not occurrences, which is all a suggestion needs
 * and halves the calls into Xapian (each costs a map update; feeding every
 * occurrence took a quarter of the indexing CPU). */
static int spell_first(doc_builder *b, const char *w, size_t n)
{
	return seen_first(&b->spelled, hash64(w, n, 7));
}

/* The fingerprint of a body is SIMHASH_WORDS simhashes (Charikar 2002):
 * each counts, for each of its 64 bits, the body's distinct 3-word
 * shingles whose hash (one a word, seeded apart) has the bit set, and
 * sets it when more than half do. Shingles, not words: every English
 * article is mostly the same few words ("the", "of", "said"), so a hash
 * of its words drifts towards theirs, and on the first 300 Reuters
 * articles 135 pairs of unrelated stories came within 10 bits of 64 of
 * each other (4 of the 5 pairs of copies did); three words in a row are
 * seldom shared by chance, in any language, so unrelated articles differ
 * in half the bits and a copy only in those its edits move (measured in
 * searcher/search.c, COLLAPSE_MAX_BITS).
 * The counts are kept eight to a word (one byte per bit, SIM_SPREAD
 * giving each hash byte's bits as bytes), so a shingle costs eight
 * additions a hash rather than 64; the bytes are folded into sim_ones
 * before they can overflow. */
#define SIM_B1(x) ((uint64_t)((x) & 1) | (uint64_t)((x) >> 1 & 1) << 8 | \
                   (uint64_t)((x) >> 2 & 1) << 16 | \
                   (uint64_t)((x) >> 3 & 1) << 24 | \
                   (uint64_t)((x) >> 4 & 1) << 32 | \
                   (uint64_t)((x) >> 5 & 1) << 40 | \
                   (uint64_t)((x) >> 6 & 1) << 48 | \
                   (uint64_t)((x) >> 7 & 1) << 56)
#define SIM_B4(x) SIM_B1(x), SIM_B1((x) + 1), SIM_B1((x) + 2), SIM_B1((x) + 3)
#define SIM_B16(x) SIM_B4(x), SIM_B4((x) + 4), SIM_B4((x) + 8), \
                   SIM_B4((x) + 12)
#define SIM_B64(x) SIM_B16(x), SIM_B16((x) + 16), SIM_B16((x) + 32), \
                   SIM_B16((x) + 48)
static const uint64_t SIM_SPREAD[256] = { SIM_B64(0), SIM_B64(64),
                                          SIM_B64(128), SIM_B64(192) };

static void sim_fold(doc_builder *b)
{
	for (int w = 0; w < SIMHASH_WORDS; w++)
		for (int j = 0; j < 8; j++) {
			for (int k = 0; k < 8; k++)
				b->sim_ones[w][8 * j + k] +=
				    (uint32_t)(b->sim_lane[w][j] >> (8 * k) &
				               0xff);
			b->sim_lane[w][j] = 0;
		}
	b->sim_pending = 0;
}

/* Counts a shingle, h[w] its hash for word w of the fingerprint. */
static void sim_add(doc_builder *b, const uint64_t h[SIMHASH_WORDS])
{
	for (int w = 0; w < SIMHASH_WORDS; w++)
		for (int j = 0; j < 8; j++)
			b->sim_lane[w][j] += SIM_SPREAD[h[w] >> (8 * j) & 0xff];
	b->sim_words++;
	if (++b->sim_pending == 255)
		sim_fold(b);
}

/* Counts the shingle that the word hashed w ends, the first time it
 * occurs: a phrase an article repeats ("said it would", a table's
 * labels) is one feature, not one a time, else it outweighs the rest and
 * brings together articles that share it. The first two words of a body
 * end shingles padded with 0, so a body of one or two words still has a
 * fingerprint. */
static void sim_add_word(doc_builder *b, uint64_t w)
{
	char key[24];
	uint64_t h[SIMHASH_WORDS];

	put_u64(key, b->sim_prev[0]);
	put_u64(key + 8, b->sim_prev[1]);
	put_u64(key + 16, w);
	for (int i = 0; i < SIMHASH_WORDS; i++)
		h[i] = hash64(key, sizeof key, (uint64_t)i);
	if (seen_first(&b->shingles, h[0]))
		sim_add(b, h);
	b->sim_prev[0] = b->sim_prev[1];
	b->sim_prev[1] = w;
}

/* The fingerprint, as SLOT_SHINGLE_SIMHASH holds it (big-endian words). */
static void sim_value(doc_builder *b, char out[8 * SIMHASH_WORDS])
{
	sim_fold(b);
	for (int w = 0; w < SIMHASH_WORDS; w++) {
		uint64_t sim = 0;

		for (int i = 0; i < 64; i++)
			if (2 * (uint64_t)b->sim_ones[w][i] > b->sim_words)
				sim |= 1ull << i;
		put_u64(out + 8 * w, sim);
	}
}

/* Notes the pairs key (t's) makes with the keys of the position before
 * (see PAIR_FILTER_BITS). A position may hold several tokens; a stopword
 * or a non-ASCII key breaks the chain. */
static void note_pair(doc_builder *b, const token *t, const char *key,
                      size_t klen)
{
	uint32_t pos = t->pos;
	uint64_t h;

	if (!pair_key_ascii(key, klen) ||
	    analyzer_is_stopword(b->idx->an, t->term, t->term_len)) {
		b->nprev = b->ncur = 0;
		b->pair_pos = 0;
		return;
	}
	h = pair_key_hash(key, klen);
	if (pos != b->pair_pos) {
		if (b->ncur > 0 && pos == b->pair_pos + 1) {
			memcpy(b->prev, b->cur, b->ncur * sizeof *b->cur);
			b->nprev = b->ncur;
		} else {
			b->nprev = 0;
		}
		b->ncur = 0;
		b->pair_pos = pos;
	}
	if (b->ncur == PAIR_SAME_POS_MAX) {
		b->pairs_bad = 1;
		return;
	}
	b->cur[b->ncur++] = h;
	for (unsigned i = 0; i < b->nprev; i++) {
		uint64_t ph = pair_hash(b->prev[i], h);
		buf_append(&b->idx->pairs, &ph, sizeof ph);
	}
	if (b->idx->pairs.len > PAIR_FILTER_MAX_PAIRS * sizeof h)
		b->pairs_bad = 1;
}

/* The filter of the pairs noted, into SLOT_PAIRS (none when too many). */
static void set_pair_filter(doc_builder *b)
{
	lede_index *idx = b->idx;
	size_t n = idx->pairs.len / sizeof(uint64_t);
	uint32_t nbits;
	unsigned char *f;

	if (b->pairs_bad || idx->pairs.status != LEDE_OK || n == 0)
		return;
	nbits = (uint32_t)(n * PAIR_FILTER_BITS + 63) / 64 * 64;
	f = calloc(nbits / 8, 1);
	if (f == NULL) {
		b->st = LEDE_ERR_NOMEM;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t h;

		memcpy(&h, idx->pairs.data + i * sizeof h, sizeof h);
		for (unsigned k = 0; k < PAIR_FILTER_HASHES; k++) {
			uint32_t bit = pair_bit(h, k, nbits);
			f[bit >> 3] |= (unsigned char)(1u << (bit & 7));
		}
	}
	if (xc_doc_set_value(idx->doc, SLOT_PAIRS, f, nbits / 8) != LEDE_OK)
		b->st = LEDE_ERR_NOMEM;
	free(f);
}

static int on_token(void *ctx, const token *t)
{
	doc_builder *b = ctx;
	/* Every word has its position (index format 3: exact phrases),
	 * unless the index keeps none (format 5's default: phrases are
	 * checked on the stored text); format-2 indexes, still updated as
	 * they are, keep stopwords without positions, and their phrases
	 * skip them (query_build.c). */
	int with_pos = b->idx->settings.positions &&
	               b->npos < LEDE_MAX_POSITIONS &&
	               !(SCHEMA_STOPWORDS_POSITIONLESS(b->idx->settings.schema) &&
	                 analyzer_is_stopword(b->idx->an, t->term, t->term_len));

	const char *key = t->term;
	size_t klen = t->term_len;

	if (b->use_stem && t->stem) {
		key = t->stem;
		klen = t->stem_len;
	}
	b->npos++;
	if (b->pairs && !b->pairs_bad)
		note_pair(b, t, key, klen);
	add_prefixed(b, b->pfx, key, klen, t->pos, with_pos);
	if (b->pfx2)
		add_prefixed(b, b->pfx2, key, klen, t->pos, with_pos);
	/* The spelling table gets the words of titles and bodies, for "did
	 * you mean"; numbers, CJK and short words only add noise. */
	if (b->spell && !(t->flags & (TOKEN_CJK | TOKEN_NUMBER)) &&
	    t->term_len >= SPELL_MIN_BYTES && t->term_len <= SPELL_MAX_BYTES &&
	    spell_first(b, t->term, t->term_len))
		(void)xc_writer_add_spelling(b->idx->w, t->term, t->term_len, 1);
	if (b->simhash && !(t->flags & TOKEN_BIGRAM))
		sim_add_word(b, hash64(t->term, t->term_len, 0));
	return b->st != LEDE_OK;
}

static uint32_t run_text(doc_builder *b, const char *text, size_t len,
                         uint32_t pos)
{
	uint32_t next = pos;
	lede_status st;

	if (text == NULL || len == 0)
		return pos;
	st = analyzer_run(b->idx->an, text, len, pos, on_token, b, &next);
	if (st != LEDE_OK && st != LEDE_ERR_INTERRUPTED && b->st == LEDE_OK)
		b->st = st;
	return next;
}

/* Adds a boolean term prefix + folded value (lowercase, accents per
 * strip). */
static void add_bool_folded(doc_builder *b, const char *pfx, const char *v,
                            int strip)
{
	lede_index *idx = b->idx;
	size_t n;

	if (v == NULL)
		return;
	/* trim */
	while (*v == ' ')
		v++;
	n = strlen(v);
	while (n && v[n - 1] == ' ')
		n--;
	if (n == 0)
		return;
	buf_reset(&idx->term);
	buf_append_str(&idx->term, pfx);
	utf8_fold(&idx->term, v, n, strip);
	if (idx->term.status != LEDE_OK) {
		b->st = idx->term.status;
		return;
	}
	if (idx->term.len > strlen(pfx))
		(void)xc_doc_add_boolean_term(idx->doc, idx->term.data,
		                              idx->term.len);
}

/* Host of a URL, lowercased, without "www.". */
static void add_host(doc_builder *b, const char *url)
{
	const char *p, *e;
	char host[256];
	size_t n = 0;

	if (url == NULL)
		return;
	p = strstr(url, "://");
	p = p ? p + 3 : url;
	e = p;
	while (*e && *e != '/' && *e != '?' && *e != '#' && *e != ':')
		e++;
	/* drop user@ */
	for (const char *q = p; q < e; q++)
		if (*q == '@')
			p = q + 1;
	if (e - p > 4 && strncasecmp(p, "www.", 4) == 0)
		p += 4;
	if (e <= p || (size_t)(e - p) >= sizeof host - 1)
		return;
	for (; p < e; p++)
		host[n++] = (char)tolower((unsigned char)*p);
	host[n] = '\0';
	add_bool_folded(b, PFX_HOST, host, 0);
}

static void add_date_terms(doc_builder *b, int64_t t)
{
	char tmp[32], v[XC_SORTABLE_MAX];
	struct tm tm;
	time_t tt = (time_t)t;
	size_t n;

	if (gmtime_r(&tt, &tm) == NULL)
		return;
	n = strftime(tmp, sizeof tmp, PFX_DAY "%Y%m%d", &tm);
	if (n)
		xc_doc_add_boolean_term(b->idx->doc, tmp, n);
	n = strftime(tmp, sizeof tmp, PFX_MONTH "%Y%m", &tm);
	if (n)
		xc_doc_add_boolean_term(b->idx->doc, tmp, n);
	n = strftime(tmp, sizeof tmp, PFX_YEAR "%Y", &tm);
	if (n)
		xc_doc_add_boolean_term(b->idx->doc, tmp, n);
	n = xc_sortable_serialise(v, (double)t);
	xc_doc_set_value(b->idx->doc, SLOT_DATE, v, n);
}

/* Splits "Jane Doe; John Roe" and adds each folded name as a boolean. */
static void add_names(doc_builder *b, const char *pfx, const char *names)
{
	char tmp[LEDE_MAX_FIELD_BYTES + 1];
	const char *p = names;

	while (p && *p) {
		const char *e = strchr(p, ';');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n > LEDE_MAX_FIELD_BYTES)
			n = LEDE_MAX_FIELD_BYTES;
		memcpy(tmp, p, n);
		tmp[n] = '\0';
		add_bool_folded(b, pfx, tmp, 1);
		p = e ? e + 1 : NULL;
	}
}

/* Builds idx->doc and idx->rec from a. */
void index_file_term(char out[24], uint64_t file_hash)
{
	snprintf(out, 24, PFX_FILE "%016llx", (unsigned long long)file_hash);
}

static lede_status build_doc(lede_index *idx, const lede_article *a,
                             uint64_t file_hash, const char *qterm,
                             size_t qlen, uint64_t *out_hash)
{
	doc_builder b;
	uint32_t pos;
	uint64_t h;
	char v8[8], sim[8 * SIMHASH_WORDS];

	memset(&b, 0, sizeof b);
	b.idx = idx;
	xc_doc_clear(idx->doc);

	buf_reset(&idx->rec);
	if (record_encode(&idx->rec, a) != LEDE_OK)
		return index_fail(idx, idx->rec.status, "out of memory");
	h = hash64(idx->rec.data, idx->rec.len, 0) ^ hash64(&file_hash, 8, 3);
	*out_hash = h;

	/* title */
	b.pfx = "";
	b.use_stem = 1;
	b.pfx2 = PFX_TITLE;
	b.spell = 1;
	b.pairs = !idx->settings.positions;
	buf_reset(&idx->pairs);
	pos = run_text(&b, a->title, a->title ? strlen(a->title) : 0, 1);
	/* body */
	b.pfx2 = NULL;
	b.simhash = 1;
	run_text(&b, a->body, a->body_len, pos + TITLE_POSITION_GAP);
	b.simhash = 0;
	b.spell = 0;
	if (b.pairs)
		set_pair_filter(&b);
	b.pairs = 0;
	/* byline and outlet words, with positions, no stems */
	b.use_stem = 0;
	b.pfx = PFX_BYLINE;
	run_text(&b, a->byline, a->byline ? strlen(a->byline) : 0, 1);
	b.pfx = PFX_SOURCE;
	run_text(&b, a->source, a->source ? strlen(a->source) : 0, 1);
	if (b.st != LEDE_OK)
		return index_fail(idx, b.st, "out of memory");

	add_names(&b, PFX_BYLINE_EXACT, a->byline);
	add_bool_folded(&b, PFX_SOURCE_EXACT, a->source, 1);
	add_bool_folded(&b, PFX_SECTION, a->section, 1);
	for (size_t i = 0; i < a->ntags; i++)
		add_bool_folded(&b, PFX_SECTION, a->tags[i], 1);
	add_bool_folded(&b, PFX_LANG, a->lang, 1);
	add_host(&b, a->url);
	if (a->date != LEDE_NO_DATE)
		add_date_terms(&b, a->date);
	if (file_hash) {
		char ft[24];
		index_file_term(ft, file_hash);
		xc_doc_add_boolean_term(idx->doc, ft, strlen(ft));
	}
	put_u64(v8, file_hash);
	xc_doc_set_value(idx->doc, SLOT_FILE, v8, 8);
	xc_doc_set_value(idx->doc, SLOT_QTERM, qterm, qlen);

	/* A body without words has no fingerprint (0s would fold every such
	 * article together). Slot 1 gets its first word, for the lede-search
	 * of before, which reads only that slot: without it, that searcher
	 * takes every article for simhash 0 and folds them all into one. */
	if (b.sim_words > 0) {
		sim_value(&b, sim);
		xc_doc_set_value(idx->doc, SLOT_SHINGLE_SIMHASH, sim,
		                 sizeof sim);
		xc_doc_set_value(idx->doc, SLOT_SIMHASH, sim, 8);
	}
	put_u64(v8, h);
	xc_doc_set_value(idx->doc, SLOT_HASH, v8, 8);
	if (xc_doc_set_data(idx->doc, idx->rec.data, idx->rec.len) != LEDE_OK)
		return index_fail(idx, LEDE_ERR_NOMEM, "out of memory");
	if (b.st != LEDE_OK)
		return index_fail(idx, b.st, "out of memory");
	return LEDE_OK;
}

static lede_status check_article(lede_index *idx, const lede_article *a)
{
	const char *f[] = { a->id, a->title, a->byline, a->source,
	                    a->url, a->lang, a->section, a->path };

	if (a->version != LEDE_ARTICLE_VERSION)
		return index_fail(idx, LEDE_ERR_INVALID,
		                  "lede_article version %u not supported",
		                  a->version);
	if (a->id == NULL || a->id[0] == '\0')
		return index_fail(idx, LEDE_ERR_INVALID, "article has no id");
	if (a->body_len > LEDE_MAX_ARTICLE_BYTES)
		return index_fail(idx, LEDE_ERR_TOO_BIG,
		                  "article %s: body of %zu bytes is over the "
		                  "%u-byte limit", a->id, a->body_len,
		                  (unsigned)LEDE_MAX_ARTICLE_BYTES);
	if (a->body_len && a->body == NULL)
		return index_fail(idx, LEDE_ERR_INVALID, "article %s: NULL body",
		                  a->id);
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (f[i] && !utf8_valid(f[i], strlen(f[i])))
			return index_fail(idx, LEDE_ERR_INVALID,
			                  "article %s: a field is not valid UTF-8",
			                  a->id);
	if (a->ntags && a->tags == NULL)
		return index_fail(idx, LEDE_ERR_INVALID, "article %s: NULL tags",
		                  a->id);
	if (a->body_len && !utf8_valid(a->body, a->body_len))
		return index_fail(idx, LEDE_ERR_INVALID,
		                  "article %s: body is not valid UTF-8", a->id);
	return LEDE_OK;
}

static uint64_t get_u64(const char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | (unsigned char)p[i];
	return v;
}

/* 1 if the document holding qterm in w is art apart from its path: the
 * same file content under another name (a renamed file). Any failure
 * answers 0 (counted as changed, which is only a count). */
static int same_but_path(lede_index *idx, struct xc_writer *w,
                         const lede_article *a)
{
	char *data = NULL;
	size_t len = 0;
	int found = 0, same = 0;
	record rec;
	lede_err err;
	buf b = BUF_INIT;

	memset(&rec, 0, sizeof rec);
	err_clear(&err);
	if (xc_writer_get_data(&data, &len, &found, w, idx->qterm.data,
	                       idx->qterm.len) == LEDE_OK &&
	    found && record_decode(&rec, data, len, &err) == LEDE_OK) {
		rec.art.path = a->path;
		same = record_encode(&b, &rec.art) == LEDE_OK &&
		       b.len == idx->rec.len &&
		       memcmp(b.data, idx->rec.data, b.len) == 0;
	}
	record_free(&rec);
	buf_free(&b);
	xc_free(data);
	return same;
}

/* ---- impacts (index format 4) ----------------------------------------- */

static void impact_opts(xc_impact_opts *o, const lede_index *idx,
                        double avglen)
{
	memset(o, 0, sizeof *o);
	o->b = idx->settings.bm25_b;
	o->avglen = avglen;
	o->min_normlen = IMPACT_MIN_NORMLEN;
	o->scale = IMPACT_SCALE;
	o->len_term = TERM_LENGTH;
}

/* idx->avglen from the metadata of the database written (0: not fixed). */
static lede_status load_avglen(lede_index *idx)
{
	char *v = NULL, tmp[48];
	size_t len = 0;
	lede_status st;

	idx->avglen = 0;
	idx->impact.w = NULL;
	if (!SCHEMA_IMPACTS(idx->settings.schema) || idx->w == NULL)
		return LEDE_OK;
	st = xc_writer_get_meta(&v, &len, idx->w, META_AVGLEN,
	                        strlen(META_AVGLEN));
	if (st != LEDE_OK)
		return index_fail(idx, st, "%s: %s", idx->path,
		                  xc_writer_errmsg(idx->w));
	if (len > 0 && len < sizeof tmp) {
		char *end;

		memcpy(tmp, v, len);
		tmp[len] = '\0';
		idx->avglen = strtod(tmp, &end);
		/* fixed by whoever built the index: a rebuild keeps it */
		if (strcmp(end, AVGLEN_FIXED) == 0 && idx->want_avglen == 0)
			idx->want_avglen = idx->avglen;
	}
	xc_free(v);
	if (len > 0 && !(idx->avglen > 0 && idx->avglen <= IMPACT_AVGLEN_MAX))
		return index_fail(idx, LEDE_ERR_CORRUPT,
		                  "%s: index is corrupt: bad %s metadata",
		                  idx->path, META_AVGLEN);
	return LEDE_OK;
}

lede_status index_set_avglen(lede_index *idx, double avglen, int persist)
{
	char v[48];
	int n;
	lede_status st;

	if (!(avglen > 0))
		return LEDE_OK;
	idx->avglen = avglen;
	if (!persist)
		return LEDE_OK;
	n = snprintf(v, sizeof v, "%.6f%s", avglen,
	             avglen == idx->want_avglen ? AVGLEN_FIXED : "");
	st = xc_writer_set_meta(idx->w, META_AVGLEN, strlen(META_AVGLEN), v,
	                        (size_t)n);
	if (st != LEDE_OK)
		return index_fail(idx, st, "%s: %s", idx->path,
		                  xc_writer_errmsg(idx->w));
	return LEDE_OK;
}

/* The number of articles in w and their lengths summed. */
static lede_status length_stats(lede_index *idx, struct xc_writer *w,
                                uint32_t *docs, uint64_t *total)
{
	uint32_t n = 0;
	uint64_t t = 0;
	lede_status st;

	st = xc_writer_term_stats(&n, &t, w, TERM_LENGTH, strlen(TERM_LENGTH));
	if (st != LEDE_OK)
		return index_fail(idx, st, "%s", xc_writer_errmsg(w));
	*docs += n;
	*total += t;
	return LEDE_OK;
}

/* Measures again, against the fixed average, the impacts of w's articles
 * from docid from on, at most max of them; the docid to go on from is
 * kept in META_REMEASURE (committed with them), or dropped when done. */
static lede_status remeasure(lede_index *idx, struct xc_writer *w,
                             uint32_t from, uint32_t max)
{
	xc_impact_opts o;
	uint32_t done = 0, inexact = 0, next = 0;
	char v[16] = "";
	int n = 0;
	lede_status st;

	impact_opts(&o, idx, idx->avglen);
	o.max_docs = max;
	st = xc_writer_reimpact(&done, &inexact, &next, w, from, &o);
	if (st == LEDE_OK && next)
		n = snprintf(v, sizeof v, "%u", next);
	if (st == LEDE_OK && (next || w == idx->w))
		st = xc_writer_set_meta(w, META_REMEASURE,
		                        strlen(META_REMEASURE), v, (size_t)n);
	if (st != LEDE_OK)
		return index_fail(idx, st, "%s: measuring impacts again: %s",
		                  idx->path, xc_writer_errmsg(w));
	return LEDE_OK;
}

/* Keeps the average length impacts are measured against close to the
 * index's: fixes it when there is none yet (the first articles were
 * measured against a running average) and moves it when the index's
 * drifted more than IMPACT_DRIFT away, then measures the articles again,
 * at most IMPACT_REMEASURE_MAX a call (the rest at the next commits). An
 * average the caller fixed (lede_open_opts.avglen) never moves. Time
 * shards: only the first fixing, over every shard. */
static lede_status impact_refresh(lede_index *idx)
{
	uint64_t total = 0;
	uint32_t docs = 0, from = 0;
	char *v = NULL;
	size_t vlen = 0;
	double avg;
	lede_status st;

	if (!SCHEMA_IMPACTS(idx->settings.schema) ||
	    (idx->want_avglen > 0 && idx->avglen > 0) ||
	    (idx->avglen_held && idx->avglen > 0))
		return LEDE_OK;
	if (idx->nshards) {
		if (idx->avglen > 0)
			return LEDE_OK;
		for (size_t i = 0; i <= idx->nshards; i++) {
			struct xc_writer *w = i ? idx->shards[i - 1].w : idx->w;
			st = w ? length_stats(idx, w, &docs, &total) : LEDE_OK;
			if (st != LEDE_OK)
				return st;
		}
		if (docs == 0 || total == 0)
			return LEDE_OK;
		st = index_set_avglen(idx, (double)total / docs, 1);
		for (size_t i = 1; st == LEDE_OK && i <= idx->nshards; i++)
			if (idx->shards[i - 1].w) {
				shard_touch(idx, idx->shards[i - 1].w);
				st = remeasure(idx, idx->shards[i - 1].w, 1,
				               UINT32_MAX);
			}
		idx->impact.w = NULL;
		return st;
	}
	st = length_stats(idx, idx->w, &docs, &total);
	if (st != LEDE_OK || docs == 0 || total == 0)
		return st;
	avg = (double)total / docs;
	st = xc_writer_get_meta(&v, &vlen, idx->w, META_REMEASURE,
	                        strlen(META_REMEASURE));
	if (st != LEDE_OK)
		return index_fail(idx, st, "%s", xc_writer_errmsg(idx->w));
	if (vlen > 0 && vlen < 16) {
		char tmp[16];
		memcpy(tmp, v, vlen);
		tmp[vlen] = '\0';
		from = (uint32_t)strtoul(tmp, NULL, 10);
	}
	xc_free(v);
	if (from == 0 &&
	    (idx->avglen == 0 ||
	     fabs(log(avg / idx->avglen)) > log1p(IMPACT_DRIFT))) {
		st = index_set_avglen(idx, avg, 1);
		if (st != LEDE_OK)
			return st;
		from = 1;
	}
	idx->impact.w = NULL;
	return from ? remeasure(idx, idx->w, from, IMPACT_REMEASURE_MAX)
	            : LEDE_OK;
}

/* The document's wdfs become impacts, measured against the index's fixed
 * average length, or while it has none (its first articles) against the
 * running average of the articles w holds and IMPACT_PRIOR_DOCS of
 * IMPACT_PRIOR_LEN words. */
static lede_status set_impacts(lede_index *idx, struct xc_writer *w)
{
	impact_stats *is = &idx->impact;
	double avglen = idx->avglen;
	xc_impact_opts o;
	uint32_t len = 0;
	lede_status st;

	if (avglen == 0) {
		if (is->w != w) {
			is->docs = 0;
			is->total = 0;
			st = length_stats(idx, w, &is->docs, &is->total);
			if (st != LEDE_OK)
				return st;
			is->w = w;
		}
		avglen = ((double)is->total +
		          IMPACT_PRIOR_DOCS * IMPACT_PRIOR_LEN) /
		         ((double)is->docs + IMPACT_PRIOR_DOCS);
	}
	impact_opts(&o, idx, avglen);
	st = xc_doc_set_impacts(&len, idx->doc, &o);
	if (st != LEDE_OK)
		return index_fail(idx, st, "%s", xc_doc_errmsg(idx->doc));
	if (idx->avglen == 0) {
		is->docs++;
		is->total += len;
	}
	return LEDE_OK;
}

static int count_token(void *ctx, const token *t)
{
	(void)t;
	++*(uint64_t *)ctx;
	return 0;
}

/* The number of tokens the analyzer makes of s. */
static uint64_t count_tokens(lede_index *idx, const char *s, size_t len)
{
	uint64_t n = 0;
	uint32_t next = 0;

	if (s && len)
		(void)analyzer_run(idx->an, s, len, 0, count_token, &n, &next);
	return n;
}

/* Counts what build_doc gives a weight: each title word twice (plain and
 * PFX_TITLE), body, byline and outlet words once; without building the
 * document (a quarter of the cost). */
uint64_t index_measure(lede_index *idx, const lede_article *a)
{
	return 2 * count_tokens(idx, a->title, a->title ? strlen(a->title)
	                                                    : 0) +
	           count_tokens(idx, a->body, a->body_len) +
	           count_tokens(idx, a->byline,
	                        a->byline ? strlen(a->byline) : 0) +
	           count_tokens(idx, a->source,
	                        a->source ? strlen(a->source) : 0);
}

lede_status index_put(lede_index *idx, const lede_article *a,
                      uint64_t file_hash, put_arbiter arb, void *arb_ctx,
                      put_result *out)
{
	lede_status st;
	uint64_t h;
	char *old = NULL;
	size_t old_len = 0;
	int found = 0, elsewhere = 0;
	char v8[8];
	xc_writer *w = NULL, *ow = NULL;
	put_result local;

	if (out == NULL)
		out = &local;
	memset(out, 0, sizeof *out);
	st = check_article(idx, a);
	if (st != LEDE_OK)
		return st;
	buf_reset(&idx->qterm);
	if (index_id_term(&idx->qterm, a->id) != LEDE_OK)
		return index_fail(idx, idx->qterm.status, "out of memory");
	st = build_doc(idx, a, file_hash, idx->qterm.data, idx->qterm.len, &h);
	if (st != LEDE_OK)
		return st;
	st = shard_target(idx, a->date, &w);
	if (st != LEDE_OK)
		return st;
	st = xc_writer_get_value(&old, &old_len, &found, w,
	                         idx->qterm.data, idx->qterm.len, SLOT_HASH);
	if (st != LEDE_OK)
		return index_fail(idx, st, "%s", xc_writer_errmsg(w));
	/* time shards: the copy may live in another period's shard (its
	 * date differs); it is arbitrated like one in the same shard, and
	 * dropped from there only if this copy replaces it. An unsharded
	 * index has no other database to look in. */
	if (!found && idx->nshards) {
		st = shard_holder(idx, w, idx->qterm.data, idx->qterm.len,
		                  &ow);
		if (st == LEDE_OK && ow) {
			xc_free(old); /* the target's empty answer */
			old = NULL;
			st = xc_writer_get_value(&old, &old_len, &found, ow,
			                         idx->qterm.data, idx->qterm.len,
			                         SLOT_HASH);
		}
		if (st != LEDE_OK) {
			xc_free(old);
			return index_fail(idx, st, "%s",
			                  xc_writer_errmsg(ow ? ow : w));
		}
		elsewhere = found;
	}
	if (!elsewhere)
		ow = w;
	put_u64(v8, h);
	out->existed = found;
	if (found) {
		char *of = NULL;
		size_t ol = 0;
		int f2 = 0;
		if (xc_writer_get_value(&of, &ol, &f2, ow, idx->qterm.data,
		                        idx->qterm.len, SLOT_FILE) == LEDE_OK &&
		    ol == 8)
			out->old_file = get_u64(of);
		xc_free(of);
	}
	if (found && old_len == 8 && memcmp(old, v8, 8) == 0) {
		xc_free(old);
		out->same = 1;
		return LEDE_OK;
	}
	xc_free(old);
	if (found && arb && file_hash && out->old_file &&
	    out->old_file != file_hash) {
		int d = arb(arb_ctx, out->old_file);
		out->arbitrated = 1;
		if (d == PUT_KEEP_OLD) {
			out->kept_old = 1;
			return LEDE_OK;
		}
		if (d == PUT_MOVE) {
			out->moved = 1;
			out->moved_same = same_but_path(idx, ow, a);
		}
	}
	shard_touch(idx, w);
	if (SCHEMA_IMPACTS(idx->settings.schema)) {
		st = set_impacts(idx, w);
		if (st != LEDE_OK)
			return st;
	}
	st = xc_writer_upsert(NULL, w, idx->qterm.data, idx->qterm.len,
	                      idx->doc);
	if (st != LEDE_OK)
		return index_fail(idx, st, "%s", xc_writer_errmsg(w));
	if (SCHEMA_IMPACTS(idx->settings.schema) && idx->avglen == 0 &&
	    idx->impact.docs >= IMPACT_SAMPLE_DOCS) {
		st = impact_refresh(idx);
		if (st != LEDE_OK)
			return st;
	}
	/* time shards: the id moves here from wherever it was */
	if (elsewhere) {
		st = shard_drop_elsewhere(idx, w, idx->qterm.data,
		                          idx->qterm.len);
		if (st != LEDE_OK)
			return st;
	}
	idx->pending++;
	return LEDE_OK;
}

static lede_status need_writer(lede_index *idx)
{
	if (idx->w == NULL)
		return index_fail(idx, LEDE_ERR_READ_ONLY,
		                  "%s: index is open read-only", idx->path);
	return LEDE_OK;
}

LEDE_API lede_status lede_index_add(lede_index *idx, const lede_article *a)
{
	lede_status st;

	API_REFUSE_NULL(idx);
	st = need_writer(idx);
	if (st != LEDE_OK)
		return st;
	if (a == NULL)
		return index_fail(idx, LEDE_ERR_INVALID, "NULL article");
	return index_put(idx, a, 0, NULL, NULL, NULL);
}

LEDE_API lede_status lede_index_delete(lede_index *idx, const char *id)
{
	lede_status st;
	int exists = 0;

	API_REFUSE_NULL(idx);
	st = need_writer(idx);
	if (st != LEDE_OK)
		return st;
	if (id == NULL || *id == '\0')
		return index_fail(idx, LEDE_ERR_INVALID, "no article id");
	buf_reset(&idx->term);
	if (index_id_term(&idx->term, id) != LEDE_OK)
		return index_fail(idx, idx->term.status, "out of memory");
	st = xc_writer_term_exists(&exists, idx->w, idx->term.data,
	                           idx->term.len);
	for (size_t i = 0; st == LEDE_OK && !exists && i < idx->nshards; i++)
		st = xc_writer_term_exists(&exists, idx->shards[i].w,
		                           idx->term.data, idx->term.len);
	if (st == LEDE_OK && !exists)
		return index_fail(idx, LEDE_ERR_NOT_FOUND, "no article '%s'", id);
	if (st == LEDE_OK)
		st = shard_delete_term(idx, idx->term.data, idx->term.len);
	if (st != LEDE_OK)
		return index_fail(idx, st, "%s", xc_writer_errmsg(idx->w));
	idx->pending++;
	return LEDE_OK;
}

lede_status index_commit(lede_index *idx, int batch)
{
	lede_status st = need_writer(idx);

	if (st != LEDE_OK)
		return st;
	st = shard_commit(idx);
	if (st != LEDE_OK)
		return st;
	if (idx->pending > 0) {
		st = impact_refresh(idx);
		if (st != LEDE_OK)
			return st;
	}
	st = batch ? xc_writer_commit_batch(idx->w) : xc_writer_commit(idx->w);
	if (st != LEDE_OK)
		return index_fail(idx, st, "%s: commit failed: %s", idx->path,
		                  xc_writer_errmsg(idx->w));
	idx->pending = 0;
	idx->reader_stale = 1;
	return LEDE_OK;
}

LEDE_API lede_status lede_index_commit(lede_index *idx)
{
	API_REFUSE_NULL(idx);
	return index_commit(idx, 0);
}
