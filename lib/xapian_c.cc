/*
 * xapian_c.cc - the thin extern "C" binding over libxapian 1.4; the only C++
 * in lede. See xapian_c.h for the contract.
 *
 * Rules that shaped it (shared/research/xapian.md):
 *  - No exception crosses into C. Every exported body is try { } catch (...)
 *    and the catch rethrows into map_exception(), which classifies most
 *    derived first and copies the message before the exception dies.
 *  - Terms are validated here, before Xapian sees them: in Xapian 1.4 one bad
 *    term thrown at add/commit time silently discards every uncommitted
 *    document (6.1).
 *  - No globals, no static Query::MatchAll (its refcount is not thread-safe).
 *  - Any exception from a Xapian write (add, replace, delete, commit) means
 *    glass has already cancelled every uncommitted change, so it is reported
 *    as BATCH_LOST with the original cause kept in the message; the writer
 *    stays usable and the caller replays from its last commit.
 *  - Readers are snapshots that a writer can overtake (DatabaseModifiedError,
 *    STALE). xc_search reopens and retries, and copies out everything about
 *    its hits while it searches, so reading results never touches the
 *    database again.
 *  - The writer never waits for ever on a lock (DB_RETRY_LOCK) unless asked:
 *    it retries a failed open with backoff for a bounded time.
 *
 * Layout: exception mapping, helpers (term gate, UTF-8 check), writer,
 * document builder, reader, queries, search, stemming, maintenance.
 */
#include <xapian.h>

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "xapian_c.h"

/* Writes status + message into a fixed buffer; never allocates, so it is
 * safe on the bad_alloc path. */
static lede_status set_err(char *dst, size_t cap, lede_status s,
			   const char *type, const char *msg)
{
	if (dst && cap)
		std::snprintf(dst, cap, "%s%s%s", type ? type : "",
			      type && *type ? ": " : "", msg ? msg : "");
	return s;
}

/* Classifies the exception being handled. Call only inside a catch block. */
static lede_status map_exception(char *dst, size_t cap)
{
	try {
		throw;
	} catch (const Xapian::DatabaseModifiedError &e) {
		return set_err(dst, cap, LEDE_ERR_STALE, e.get_type(),
			       e.get_msg().c_str());
	} catch (const Xapian::DatabaseLockError &e) {
		return set_err(dst, cap, LEDE_ERR_LOCKED, e.get_type(),
			       e.get_msg().c_str());
	} catch (const Xapian::DatabaseCorruptError &e) {
		return set_err(dst, cap, LEDE_ERR_CORRUPT, e.get_type(),
			       e.get_msg().c_str());
	} catch (const Xapian::DatabaseVersionError &e) {
		return set_err(dst, cap, LEDE_ERR_VERSION, e.get_type(),
			       e.get_msg().c_str());
	} catch (const Xapian::DatabaseNotFoundError &e) {
		return set_err(dst, cap, LEDE_ERR_NOT_FOUND, e.get_type(),
			       e.get_msg().c_str());
	} catch (const Xapian::DatabaseOpeningError &e) {
		return set_err(dst, cap, LEDE_ERR_IO, e.get_type(),
			       e.get_msg().c_str());
	} catch (const Xapian::DatabaseCreateError &e) {
		return set_err(dst, cap, LEDE_ERR_IO, e.get_type(),
			       e.get_msg().c_str());
	} catch (const Xapian::DatabaseClosedError &e) {
		return set_err(dst, cap, LEDE_ERR_INVALID, e.get_type(),
			       e.get_msg().c_str());
	} catch (const Xapian::DatabaseError &e) {
		std::string m = e.get_msg();
		/* A table shorter than its own block pointers ("EOF reading
		 * block N", no errno) was truncated, and stored data zlib
		 * cannot inflate was garbled: damage, not a failing disk,
		 * whose read errors carry an errno string. */
		bool truncated = (m.compare(0, 11, "EOF reading") == 0 &&
				  !e.get_error_string()) ||
				 m.compare(0, 14, "inflate failed") == 0;
		if (e.get_error_string())
			m += std::string(" (") + e.get_error_string() + ")";
		return set_err(dst, cap,
			       truncated ? LEDE_ERR_CORRUPT : LEDE_ERR_IO,
			       e.get_type(), m.c_str());
	} catch (const Xapian::DocNotFoundError &e) {
		/* lede looks documents up only by docids Xapian itself
		 * listed (a posting list, a match set), never by one a caller
		 * made up: a listed document that is missing is damage. */
		return set_err(dst, cap, LEDE_ERR_CORRUPT, e.get_type(),
			       e.get_msg().c_str());
	} catch (const Xapian::RangeError &e) {
		/* "Value in posting list too large" and kin: a number decoded
		 * from a table is out of range, i.e. the table is damaged */
		return set_err(dst, cap, LEDE_ERR_CORRUPT, e.get_type(),
			       e.get_msg().c_str());
	} catch (const Xapian::InvalidArgumentError &e) {
		return set_err(dst, cap, LEDE_ERR_INVALID, e.get_type(),
			       e.get_msg().c_str());
	} catch (const Xapian::InvalidOperationError &e) {
		return set_err(dst, cap, LEDE_ERR_INVALID, e.get_type(),
			       e.get_msg().c_str());
	} catch (const Xapian::UnimplementedError &e) {
		return set_err(dst, cap, LEDE_ERR_UNSUPPORTED, e.get_type(),
			       e.get_msg().c_str());
	} catch (const Xapian::FeatureUnavailableError &e) {
		return set_err(dst, cap, LEDE_ERR_UNSUPPORTED, e.get_type(),
			       e.get_msg().c_str());
	} catch (const Xapian::NetworkError &e) {
		return set_err(dst, cap, LEDE_ERR_NETWORK, e.get_type(),
			       e.get_msg().c_str());
	} catch (const Xapian::WildcardError &e) {
		return set_err(dst, cap, LEDE_ERR_QUERY, e.get_type(),
			       e.get_msg().c_str());
	} catch (const Xapian::QueryParserError &e) {
		return set_err(dst, cap, LEDE_ERR_QUERY, e.get_type(),
			       e.get_msg().c_str());
	} catch (const Xapian::Error &e) {
		return set_err(dst, cap, LEDE_ERR_INTERNAL, e.get_type(),
			       e.get_msg().c_str());
	} catch (const std::bad_alloc &) {
		return set_err(dst, cap, LEDE_ERR_NOMEM, "", "out of memory");
	} catch (const std::exception &e) {
		return set_err(dst, cap, LEDE_ERR_INTERNAL, "", e.what());
	} catch (...) {
		return set_err(dst, cap, LEDE_ERR_INTERNAL, "",
			       "unknown exception");
	}
}

static lede_status fail_err(lede_err *err)
{
	char tmp[LEDE_ERRMSG_MAX];
	lede_status s = map_exception(tmp, sizeof tmp);
	if (err) {
		err->status = s;
		std::memcpy(err->msg, tmp, sizeof err->msg);
	}
	return s;
}

/* ---- shared helpers ---------------------------------------------------- */

/* Lock wait: the first retry comes after LOCK_BACKOFF_FIRST_MS, each later
 * one waits twice as long up to LOCK_BACKOFF_MAX_MS, so a writer that is
 * about to finish is noticed quickly and a long one is not polled hard. */
#define LOCK_BACKOFF_FIRST_MS 10u
#define LOCK_BACKOFF_MAX_MS 250u
/* Bytes of an offending term quoted in an error message: enough to
 * recognise it, short enough to keep the message readable. */
#define TERM_QUOTE_BYTES 40u

/* Copies s into a malloc'd, NUL-terminated buffer for the caller (xc_free).
 * Throws std::bad_alloc so callers map it like any other failure. */
static void give_string(char **out, size_t *out_len, const std::string &s)
{
	char *p = static_cast<char *>(std::malloc(s.size() + 1));
	if (!p)
		throw std::bad_alloc();
	std::memcpy(p, s.data(), s.size());
	p[s.size()] = '\0';
	*out = p;
	if (out_len)
		*out_len = s.size();
}

static void clear_string_out(char **out, size_t *out_len)
{
	if (out)
		*out = nullptr;
	if (out_len)
		*out_len = 0;
}

/* Offset of the first byte that is not part of well-formed UTF-8 (RFC 3629:
 * no overlong forms, no surrogates, nothing above U+10FFFF), or len if all
 * of s is valid. Written here rather than shared with utf8.c so the binding
 * stays the only C++ and utf8proc stays out of it. */
static size_t utf8_bad_offset(const char *s, size_t len)
{
	const unsigned char *p = reinterpret_cast<const unsigned char *>(s);
	size_t i = 0;

	while (i < len) {
		unsigned c = p[i], cp, min;
		size_t need;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			need = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			return i;
		}
		if (len - i - 1 < need)
			return i;
		for (size_t k = 1; k <= need; k++) {
			unsigned cc = p[i + k];
			if ((cc & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (cc & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += need + 1;
	}
	return len;
}

/* Writes the start of term into q (cap bytes) with anything but printable
 * ASCII shown as '?', so a message never carries control bytes or broken
 * UTF-8 to a terminal. */
static void quote_term(char *q, size_t cap, const char *term, size_t len)
{
	size_t n = len < TERM_QUOTE_BYTES ? len : TERM_QUOTE_BYTES;
	size_t i;

	if (cap == 0)
		return;
	if (n > cap - 1)
		n = cap - 1;
	for (i = 0; i < n; i++) {
		unsigned char c = static_cast<unsigned char>(term[i]);
		q[i] = (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
	}
	q[i] = '\0';
}

/* The one gate every term passes before Xapian: refuses (INVALID, message
 * in dst) an empty term, one over XC_MAX_TERM_BYTES, one holding a NUL (glass
 * doubles NULs in keys, so such a term can pass add_document and fail at
 * commit) and invalid UTF-8 (stemming, spelling and wildcards assume it).
 * what names the term's role in the message ("term", "unique term"). */
static lede_status check_term(char *dst, size_t cap, const char *what,
			      const char *term, size_t len)
{
	char q[TERM_QUOTE_BYTES + 1];
	const void *nul;
	size_t bad, i;

	if (!term || len == 0)
		return set_err(dst, cap, LEDE_ERR_INVALID, "",
			       "empty term refused");
	if (len <= XC_MAX_TERM_BYTES) {
		/* the usual term: ASCII without NUL, valid as it is */
		for (i = 0; i < len; i++)
			if ((unsigned char)term[i] - 1u >= 0x7fu)
				break;
		if (i == len)
			return LEDE_OK;
	}
	quote_term(q, sizeof q, term, len);
	if (len > XC_MAX_TERM_BYTES) {
		std::snprintf(dst, cap,
			      "%s '%s...' is %zu bytes, over the %u-byte "
			      "limit",
			      what, q, len, (unsigned)XC_MAX_TERM_BYTES);
		return LEDE_ERR_INVALID;
	}
	nul = std::memchr(term, '\0', len);
	if (nul) {
		std::snprintf(dst, cap,
			      "%s '%s' holds a NUL byte at offset %zu", what, q,
			      (size_t)(static_cast<const char *>(nul) - term));
		return LEDE_ERR_INVALID;
	}
	bad = utf8_bad_offset(term, len);
	if (bad != len) {
		std::snprintf(dst, cap, "%s '%s' is not valid UTF-8 (byte %zu)",
			      what, q, bad);
		return LEDE_ERR_INVALID;
	}
	return LEDE_OK;
}

/* Collects (string, number) pairs first and calls cb afterwards, outside
 * any Xapian iteration: cb may then call back into the same handle (delete
 * the terms it is shown, set metadata) without invalidating an iterator,
 * and an early stop unwinds no C++ frames. */
typedef std::vector<std::pair<std::string, uint32_t>> term_list;

static void feed_terms(const term_list &terms, xc_term_cb cb, void *ctx)
{
	for (const auto &t : terms)
		if (cb(ctx, t.first.data(), t.first.size(), t.second))
			break;
}

/* lede writes no term check_term refuses, so one read back that fails it
 * comes from a damaged table: reported as corruption, not handed on to a
 * caller that would pass it back (to delete it) and be refused. */
static void collect_allterms(term_list &out, const Xapian::Database &db,
			     const std::string &prefix)
{
	char why[LEDE_ERRMSG_MAX];

	for (Xapian::TermIterator t = db.allterms_begin(prefix);
	     t != db.allterms_end(prefix); ++t) {
		std::string term = *t;
		if (check_term(why, sizeof why, "term read from the index",
			       term.data(), term.size()) != LEDE_OK)
			throw Xapian::DatabaseCorruptError(why);
		out.emplace_back(std::move(term), t.get_termfreq());
	}
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts;
	ts.tv_sec = ms / 1000u;
	ts.tv_nsec = (long)(ms % 1000u) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ---- writer ------------------------------------------------------------ */

/* Word -> count, for the spelling words a writer has not handed to Xapian
 * yet (a std::unordered_map's node per word and its hashing took 4% of
 * indexing). Open addressing over 32-byte cells that hold the hash, the
 * count and a word of up to SPELL_INLINE bytes (most words) in place, so
 * an add touches one cache line; longer words live in an arena. Clear
 * empties it. */
#define SPELL_INLINE 16

class spell_table {
public:
	void add(const char *w, uint32_t len, uint32_t inc)
	{
		uint64_t h = hash(w, len);
		if ((used + 1) * 2 > cells.size())
			grow();
		size_t mask = cells.size() - 1;
		for (size_t i = h & mask;; i = (i + 1) & mask) {
			cell &c = cells[i];
			if (c.len == 0) {
				c.hash = h;
				c.len = len;
				c.count = inc;
				if (len <= SPELL_INLINE) {
					std::memcpy(c.u.in, w, len);
				} else {
					c.u.off = arena.size();
					arena.append(w, len);
				}
				used++;
				return;
			}
			if (c.hash == h && c.len == len &&
			    std::memcmp(word(c), w, len) == 0) {
				c.count += inc;
				return;
			}
		}
	}
	size_t size() const { return used; }
	void clear()
	{
		cells.clear();
		arena.clear();
		used = 0;
	}
	void swap(spell_table &o)
	{
		cells.swap(o.cells);
		arena.swap(o.arena);
		std::swap(used, o.used);
	}
	/* Calls f(word, count) for every entry. */
	template <class F> void each(F f) const
	{
		for (const cell &c : cells)
			if (c.len)
				f(std::string(word(c), c.len), c.count);
	}

private:
	struct cell {
		uint64_t hash;
		uint32_t len;   /* 0: empty (words are never empty) */
		uint32_t count;
		union {
			char in[SPELL_INLINE];
			size_t off; /* in arena, when len > SPELL_INLINE */
		} u;
	};
	std::vector<cell> cells;
	std::string arena;
	size_t used = 0;

	const char *word(const cell &c) const
	{
		return c.len <= SPELL_INLINE ? c.u.in : arena.data() + c.u.off;
	}
	static uint64_t hash(const char *p, size_t n)
	{
		uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, v;
		for (; n >= 8; p += 8, n -= 8) {
			std::memcpy(&v, p, 8);
			h = (h ^ v) * 0xff51afd7ed558ccdULL;
		}
		v = 0;
		std::memcpy(&v, p, n);
		h = (h ^ v) * 0xc4ceb9fe1a85ec53ULL;
		return h ^ (h >> 29);
	}
	void grow()
	{
		std::vector<cell> old;
		size_t n = cells.empty() ? 1024 : cells.size() * 2;

		old.swap(cells);
		cells.assign(n, cell());
		for (const cell &c : old) {
			if (c.len == 0)
				continue;
			size_t i = c.hash & (n - 1);
			while (cells[i].len)
				i = (i + 1) & (n - 1);
			cells[i] = c;
		}
	}
};

struct xc_writer {
	Xapian::WritableDatabase db;
	int in_txn;	     /* a transaction we began is open */
	int txn_lost;	     /* a write inside it failed: glass cancelled it,
				and commit_transaction would not say so */
	int closed;	     /* xc_writer_close ran; only free remains */
	unsigned fail_after; /* test fault injection countdown, 0 = off */
	/* Spelling increments not yet handed to Xapian, summed per word:
	 * Xapian keeps its own pending changes in a std::map, one string
	 * comparison chain per call, which cost about a sixth of indexing;
	 * a hash table here and one call per distinct word per hand-over
	 * does the same work far cheaper (flush_spelling). */
	spell_table spell;
	unsigned spell_commits; /* commits since spell was handed over */
	std::string path;       /* of the database, for its free space */
	uint64_t pending_bytes; /* rough size of the writes since commit */
	char err[LEDE_ERRMSG_MAX];
};

/* A commit is refused (and the batch discarded, as a failed write would
 * be) when the database's filesystem has less free space than this plus
 * XC_COMMIT_SPACE_FACTOR times the batch's estimated size: libxapian 1.4
 * can abort the process (std::terminate inside WritableDatabase::commit)
 * when a disk fills during a commit, so lede stops short of it with a
 * message instead. The estimate is the stored data plus 32 bytes a term. */
#define XC_COMMIT_MIN_FREE_BYTES (512u * 1024u)
#define XC_COMMIT_SPACE_FACTOR 2u
#define XC_TERM_ESTIMATE_BYTES 32u

/* Batch commits (xc_writer_commit_batch) between two hand-overs of the
 * spelling words: every hand-over makes Xapian rewrite the frequency entry
 * of each word it is given, so doing it at every commit (2000 articles)
 * cost a further 7% of indexing at x4. A kill loses the words of at most
 * this many commits (advisory data: "did you mean" only). */
#define XC_SPELL_EVERY_COMMITS 8

/* Distinct pending spelling words kept before those seen in two or more
 * documents are handed to Xapian early, and words seen once forgotten
 * (bounds the table's memory). */
#define XC_SPELL_PENDING_MAX 200000

/* Hands pending spelling increments to Xapian; the n-gram work it does
 * for each word new to the table was a quarter of indexing. A word seen
 * in one document so far is handed over only when the table already has
 * it; a new one waits for a second document (most such words are typos
 * and one-off tokens, poor suggestions), and is dropped when the writer
 * closes (final) or the table is full. Throws what add_spelling throws;
 * what was taken out of the table is gone either way. */
static void flush_spelling(xc_writer *w, bool final)
{
	spell_table pending, keep;
	std::vector<std::pair<std::string, uint32_t>> once;
	bool full = w->spell.size() >= XC_SPELL_PENDING_MAX;

	pending.swap(w->spell);
	pending.each([&](std::string word, uint32_t n) {
		if (n >= 2)
			w->db.add_spelling(word, n);
		else
			once.emplace_back(std::move(word), n);
	});
	if (once.empty())
		return;
	/* which of the words seen once the table already has: one cursor
	 * walked forward over the sorted words (1.4 has no lookup) */
	std::sort(once.begin(), once.end());
	Xapian::TermIterator t = w->db.spellings_begin();
	const Xapian::TermIterator end = w->db.spellings_end();
	for (const auto &e : once) {
		if (t != end)
			t.skip_to(e.first);
		if (t != end && *t == e.first)
			w->db.add_spelling(e.first, e.second);
		else if (!final && !full)
			keep.add(e.first.data(), (uint32_t)e.first.size(),
				 e.second);
	}
	w->spell.swap(keep);
}

/* Status for a failed Xapian write, to be called inside a catch block.
 * Whatever the exception, glass has cancelled every uncommitted change (it
 * calls cancel() in its catch-all, xapian.md 6.1), so the status is always
 * BATCH_LOST; the original type, message and errno text stay in the
 * writer's message so the cause (ENOSPC, a bad key) is not lost. */
static lede_status fail_write(xc_writer *w)
{
	char cause[LEDE_ERRMSG_MAX - 64];
	lede_status why = map_exception(cause, sizeof cause);

	if (!w)
		return LEDE_ERR_BATCH_LOST;
	if (w->in_txn)
		w->txn_lost = 1;
	w->spell.clear(); /* glass dropped the rest of the batch */
	std::snprintf(w->err, sizeof w->err,
		      "%s%s; changes since the last commit were discarded",
		      why == LEDE_ERR_CORRUPT ? "index is corrupt: " : "",
		      cause);
	return LEDE_ERR_BATCH_LOST;
}

/* Status for any other failure on w (a read, an argument Xapian refused).
 * Call inside a catch block; w may be NULL. */
static lede_status fail_writer(xc_writer *w)
{
	return w ? map_exception(w->err, sizeof w->err)
		 : map_exception(nullptr, 0);
}

static lede_status writer_usable(xc_writer *w)
{
	if (!w)
		return LEDE_ERR_INVALID;
	if (w->closed)
		return set_err(w->err, sizeof w->err, LEDE_ERR_INVALID, "",
			       "writer is closed");
	return LEDE_OK;
}

/* writer_usable, and a walk's callback given. */
static lede_status writer_walk_ok(xc_writer *w, bool have_cb)
{
	lede_status s = writer_usable(w);

	if (s != LEDE_OK || have_cb)
		return s;
	return set_err(w->err, sizeof w->err, LEDE_ERR_INVALID, "",
		       "no callback");
}

/* writer_usable, then the term gate on term. */
static lede_status writer_term_ok(xc_writer *w, const char *what,
				  const char *term, size_t len)
{
	lede_status s = writer_usable(w);
	if (s != LEDE_OK)
		return s;
	return check_term(w->err, sizeof w->err, what, term, len);
}

/* Our flags to Xapian's; -1 for an unknown action or bit. One place only:
 * Xapian's own value 1 means OVERWRITE, a trap other bindings fell into. */
static int writer_flags(unsigned flags)
{
	const unsigned known =
	    XC_OPEN_ACTION_MASK | XC_OPEN_NO_SYNC | XC_OPEN_RETRY_LOCK;
	int x;

	if (flags & ~known)
		return -1;
	switch (flags & XC_OPEN_ACTION_MASK) {
	case XC_OPEN_EXISTING:
		x = Xapian::DB_OPEN;
		break;
	case XC_OPEN_CREATE_OR_OPEN:
		x = Xapian::DB_CREATE_OR_OPEN;
		break;
	case XC_OPEN_CREATE:
		x = Xapian::DB_CREATE;
		break;
	case XC_OPEN_OVERWRITE:
		x = Xapian::DB_CREATE_OR_OVERWRITE;
		break;
	default:
		return -1;
	}
	if (flags & XC_OPEN_NO_SYNC)
		x |= Xapian::DB_NO_SYNC;
	if (flags & XC_OPEN_RETRY_LOCK)
		x |= Xapian::DB_RETRY_LOCK;
	return x;
}

/* Opens the database; a lock failure is retried with backoff until
 * lock_wait_ms have passed, then rethrown. */
static void open_with_lock_wait(Xapian::WritableDatabase &db, const char *path,
				int xflags, unsigned lock_wait_ms)
{
	uint64_t deadline = now_ms() + lock_wait_ms;
	unsigned backoff = LOCK_BACKOFF_FIRST_MS;

	for (;;) {
		try {
			db = Xapian::WritableDatabase(path, xflags);
			return;
		} catch (const Xapian::DatabaseLockError &) {
			uint64_t now = now_ms();
			if (now >= deadline)
				throw;
			if (backoff > deadline - now)
				backoff = (unsigned)(deadline - now);
			sleep_ms(backoff);
			backoff *= 2;
			if (backoff > LOCK_BACKOFF_MAX_MS)
				backoff = LOCK_BACKOFF_MAX_MS;
		}
	}
}

/* Opens the writer. A lock failure is retried with backoff until
 * lock_wait_ms have passed (never Xapian's DB_RETRY_LOCK, which waits for
 * ever, unless the caller asks for it). Errors: INVALID (flags, path),
 * LOCKED, EXISTS (XC_OPEN_CREATE over a database), NOT_FOUND
 * (XC_OPEN_EXISTING without one), VERSION, CORRUPT, IO, NOMEM. */
extern "C" lede_status xc_writer_open(xc_writer **out, const char *path,
				      unsigned flags, unsigned lock_wait_ms,
				      lede_err *err)
{
	xc_writer *w = nullptr;

	try {
		int xflags = writer_flags(flags);
		struct stat st;

		*out = nullptr;
		if (!path || !*path)
			return err_set(err, LEDE_ERR_INVALID, "no index path");
		if (xflags < 0)
			return err_set(err, LEDE_ERR_INVALID,
				       "unknown writer open flags 0x%x", flags);
		w = new xc_writer();
		w->path = path;
		try {
			open_with_lock_wait(w->db, path, xflags, lock_wait_ms);
		} catch (const Xapian::DatabaseLockError &e) {
			delete w;
			return err_set(err, LEDE_ERR_LOCKED,
				       "%s: %s (waited %u ms)", e.get_type(),
				       e.get_msg().c_str(), lock_wait_ms);
		} catch (const Xapian::DatabaseCreateError &e) {
			if ((flags & XC_OPEN_ACTION_MASK) != XC_OPEN_CREATE ||
			    stat(path, &st) != 0)
				throw;
			delete w;
			return err_set(err, LEDE_ERR_EXISTS, "%s: %s",
				       e.get_type(), e.get_msg().c_str());
		}
		*out = w;
		return LEDE_OK;
	} catch (...) {
		delete w;
		return fail_err(err);
	}
}

/* 1 if doc already carries term (the caller may have added the unique term
 * itself, with positions or wdf, which must then be left alone). */
static bool doc_has_term(const Xapian::Document &doc, const std::string &term)
{
	Xapian::TermIterator t = doc.termlist_begin();
	t.skip_to(term);
	return t != doc.termlist_end() && *t == term;
}

/* Test fault injection: a real write that Xapian refuses (a term one byte
 * over its limit, which the document builder never lets through), so glass
 * runs its genuine failure path and cancels the batch. */
static void inject_write_fault(xc_writer *w)
{
	Xapian::Document bad;
	bad.add_term(std::string(XC_MAX_TERM_BYTES + 1, 'x'));
	Xapian::docid did = w->db.add_document(bad);
	/* Not reached on glass. Should a backend accept the term, take the
	 * document back out and still fail, so the test sees its fault. */
	w->db.delete_document(did);
	throw Xapian::DatabaseError("injected write fault was not refused");
}

struct xc_doc {
	Xapian::Document doc;
	size_t data_len; /* of the data set, for the writer's estimate */
	char err[LEDE_ERRMSG_MAX];
};

/* Adds doc's estimated size to the writes w holds since its commit. */
static void note_write(xc_writer *w, const xc_doc *doc)
{
	w->pending_bytes += doc->data_len + XC_TERM_ESTIMATE_BYTES *
					       (uint64_t)doc->doc.termlist_count();
}

/* Replaces the documents holding uid (the lowest docid is kept, others are
 * deleted) or adds doc. Xapian does not add uid itself; without it the next
 * upsert would add a duplicate, so uid is added here for the write and
 * removed again so the caller's doc is left as it was. */
extern "C" lede_status xc_writer_upsert(uint32_t *out_docid, xc_writer *w,
					const char *uid, size_t uid_len,
					xc_doc *doc)
{
	bool writing = false, added = false;

	try {
		if (out_docid)
			*out_docid = 0;
		lede_status s = writer_term_ok(w, "unique term", uid, uid_len);
		if (s != LEDE_OK)
			return s;
		if (!doc)
			return set_err(w->err, sizeof w->err, LEDE_ERR_INVALID,
				       "", "no document");
		std::string term(uid, uid_len);
		Xapian::docid did;

		if (!doc_has_term(doc->doc, term)) {
			doc->doc.add_boolean_term(term);
			added = true;
		}
		writing = true;
		if (w->fail_after > 0 && --w->fail_after == 0)
			inject_write_fault(w);
		did = w->db.replace_document(term, doc->doc);
		writing = false;
		note_write(w, doc);
		if (added) {
			added = false;
			doc->doc.remove_term(term);
		}
		if (out_docid)
			*out_docid = did;
		return LEDE_OK;
	} catch (...) {
		lede_status r = writing ? fail_write(w) : fail_writer(w);
		if (added) {
			try {
				doc->doc.remove_term(std::string(uid, uid_len));
			} catch (...) {
			}
		}
		return r;
	}
}

extern "C" lede_status xc_writer_add(uint32_t *out_docid, xc_writer *w,
				     xc_doc *doc)
{
	try {
		if (out_docid)
			*out_docid = 0;
		lede_status s = writer_usable(w);
		if (s != LEDE_OK)
			return s;
		if (!doc)
			return set_err(w->err, sizeof w->err, LEDE_ERR_INVALID,
				       "", "no document");
		Xapian::docid did = w->db.add_document(doc->doc);
		note_write(w, doc);
		if (out_docid)
			*out_docid = did;
		return LEDE_OK;
	} catch (...) {
		return fail_write(w);
	}
}

extern "C" lede_status xc_writer_term_stats(uint32_t *out_docs,
					    uint64_t *out_total, xc_writer *w,
					    const char *term, size_t len)
{
	try {
		*out_docs = 0;
		*out_total = 0;
		lede_status s = writer_term_ok(w, "term", term, len);
		if (s != LEDE_OK)
			return s;
		std::string t(term, len);
		/* Both count the writes not yet committed (glass adds the
		 * pending deltas of its inverter). */
		*out_docs = w->db.get_termfreq(t);
		*out_total = w->db.get_collection_freq(t);
		return LEDE_OK;
	} catch (...) {
		return fail_writer(w);
	}
}

/* The term is checked first: an empty one would name every document
 * (Xapian's postlist of "" is the whole database). */
extern "C" lede_status xc_writer_delete_term(xc_writer *w, const char *term,
					     size_t len)
{
	try {
		lede_status s = writer_term_ok(w, "term", term, len);
		if (s != LEDE_OK)
			return s;
		w->db.delete_document(std::string(term, len));
		return LEDE_OK;
	} catch (...) {
		return fail_write(w);
	}
}

extern "C" lede_status xc_writer_delete_docid(xc_writer *w, uint32_t docid)
{
	try {
		w->db.delete_document(docid);
		return LEDE_OK;
	} catch (const Xapian::DocNotFoundError &e) {
		return set_err(w->err, sizeof w->err, LEDE_ERR_NOT_FOUND,
		               e.get_type(), e.get_msg().c_str());
	} catch (...) {
		return fail_write(w);
	}
}

extern "C" lede_status xc_writer_term_exists(int *out, xc_writer *w,
					     const char *term, size_t len)
{
	try {
		*out = 0;
		lede_status s = writer_term_ok(w, "term", term, len);
		if (s != LEDE_OK)
			return s;
		*out = w->db.term_exists(std::string(term, len)) ? 1 : 0;
		return LEDE_OK;
	} catch (...) {
		return fail_writer(w);
	}
}

/* The value in slot (or, with slot XC_DATA_SLOT, the data) of the
 * document carrying the unique term uid; *out_found 0 and "" when none. */
#define XC_DATA_SLOT UINT32_MAX
static lede_status writer_unique_field(char **out, size_t *out_len,
				       int *out_found, xc_writer *w,
				       const char *uid, size_t uid_len,
				       uint32_t slot)
{
	try {
		clear_string_out(out, out_len);
		*out_found = 0;
		lede_status s = writer_term_ok(w, "unique term", uid, uid_len);
		if (s != LEDE_OK)
			return s;
		std::string term(uid, uid_len), val;
		Xapian::PostingIterator p = w->db.postlist_begin(term);
		int found = 0;

		if (p != w->db.postlist_end(term)) {
			Xapian::Document d = w->db.get_document(*p);
			val = slot == XC_DATA_SLOT ? d.get_data() : d.get_value(slot);
			found = 1;
		}
		give_string(out, out_len, val);
		*out_found = found;
		return LEDE_OK;
	} catch (...) {
		return fail_writer(w);
	}
}

extern "C" lede_status xc_writer_get_value(char **out, size_t *out_len,
					   int *out_found, xc_writer *w,
					   const char *uid, size_t uid_len,
					   uint32_t slot)
{
	return writer_unique_field(out, out_len, out_found, w, uid, uid_len,
				   slot);
}

extern "C" lede_status xc_writer_get_data(char **out, size_t *out_len,
					  int *out_found, xc_writer *w,
					  const char *uid, size_t uid_len)
{
	return writer_unique_field(out, out_len, out_found, w, uid, uid_len,
				   XC_DATA_SLOT);
}

/* Values are collected first (one pass over the posting list), then cb
 * runs, so it may delete the very documents it is shown. */
extern "C" lede_status xc_writer_term_docs(xc_writer *w, const char *term,
					   size_t len, uint32_t slot,
					   xc_term_cb cb, void *ctx)
{
	try {
		lede_status s = writer_term_ok(w, "term", term, len);
		if (s != LEDE_OK)
			return s;
		if (!cb)
			return set_err(w->err, sizeof w->err, LEDE_ERR_INVALID,
				       "", "no callback");
		std::string t(term, len);
		term_list docs;
		for (Xapian::PostingIterator p = w->db.postlist_begin(t);
		     p != w->db.postlist_end(t); ++p)
			docs.emplace_back(
			    w->db.get_document(*p).get_value(slot), *p);
		feed_terms(docs, cb, ctx);
		return LEDE_OK;
	} catch (...) {
		return fail_writer(w);
	}
}

extern "C" lede_status xc_writer_allterms(xc_writer *w, const char *prefix,
					  size_t len, xc_term_cb cb, void *ctx)
{
	try {
		lede_status s = writer_walk_ok(w, cb != NULL);
		if (s != LEDE_OK)
			return s;
		term_list terms;
		collect_allterms(terms, w->db,
				 prefix ? std::string(prefix, len)
					: std::string());
		feed_terms(terms, cb, ctx);
		return LEDE_OK;
	} catch (...) {
		return fail_writer(w);
	}
}

extern "C" lede_status xc_writer_doccount(uint32_t *out, xc_writer *w)
{
	try {
		*out = 0;
		lede_status s = writer_usable(w);
		if (s != LEDE_OK)
			return s;
		*out = w->db.get_doccount();
		return LEDE_OK;
	} catch (...) {
		return fail_writer(w);
	}
}

/* Refuses an empty key (Xapian throws) and one over XC_MAX_META_KEY_BYTES
 * (Xapian accepts it, then fails the whole commit). */
static lede_status check_meta_key(char *dst, size_t cap, const char *key,
				  size_t klen)
{
	if (!key || klen == 0)
		return set_err(dst, cap, LEDE_ERR_INVALID, "",
			       "empty metadata key");
	if (klen > XC_MAX_META_KEY_BYTES) {
		std::snprintf(dst, cap,
			      "metadata key of %zu bytes is over the "
			      "%u-byte limit",
			      klen, (unsigned)XC_MAX_META_KEY_BYTES);
		return LEDE_ERR_INVALID;
	}
	return LEDE_OK;
}

extern "C" lede_status xc_writer_set_meta(xc_writer *w, const char *key,
					  size_t klen, const void *val,
					  size_t vlen)
{
	try {
		lede_status s = writer_usable(w);
		if (s != LEDE_OK)
			return s;
		s = check_meta_key(w->err, sizeof w->err, key, klen);
		if (s != LEDE_OK)
			return s;
		if (vlen > 0 && !val)
			return set_err(w->err, sizeof w->err, LEDE_ERR_INVALID,
				       "", "metadata value is NULL");
		std::string v;
		if (vlen > 0)
			v.assign(static_cast<const char *>(val), vlen);
		w->db.set_metadata(std::string(key, klen), v);
		return LEDE_OK;
	} catch (...) {
		return fail_writer(w);
	}
}

extern "C" lede_status xc_writer_get_meta(char **out, size_t *out_len,
					  xc_writer *w, const char *key,
					  size_t klen)
{
	try {
		clear_string_out(out, out_len);
		lede_status s = writer_usable(w);
		if (s != LEDE_OK)
			return s;
		s = check_meta_key(w->err, sizeof w->err, key, klen);
		if (s != LEDE_OK)
			return s;
		give_string(out, out_len,
			    w->db.get_metadata(std::string(key, klen)));
		return LEDE_OK;
	} catch (...) {
		return fail_writer(w);
	}
}

/* Calls f(key) per metadata key of w starting with p, in key order. As in
 * collect_allterms: lede writes no key that fails these checks, so one
 * read back is damage (thrown as DatabaseCorruptError). f returns false
 * to stop. */
template <typename F>
static void each_meta_key(xc_writer *w, const std::string &p, F f)
{
	for (Xapian::TermIterator k = w->db.metadata_keys_begin(p);
	     k != w->db.metadata_keys_end(p); ++k) {
		std::string key = *k;
		if (check_meta_key(w->err, sizeof w->err, key.data(),
				   key.size()) != LEDE_OK ||
		    key.compare(0, p.size(), p) != 0 ||
		    key.find('\0') != std::string::npos)
			throw Xapian::DatabaseCorruptError(
			    "unusable metadata key read from the index");
		if (!f(std::move(key)))
			break;
	}
}

extern "C" lede_status xc_writer_meta_each(xc_writer *w, const char *prefix,
					   size_t len, xc_meta_cb cb, void *ctx)
{
	try {
		lede_status s = writer_walk_ok(w, cb != NULL);
		if (s != LEDE_OK)
			return s;
		std::string p =
		    prefix ? std::string(prefix, len) : std::string();
		each_meta_key(w, p, [&](std::string key) {
			std::string val = w->db.get_metadata(key);
			return cb(ctx, key.c_str(), key.size(), val.c_str(),
				  val.size()) == 0;
		});
		return LEDE_OK;
	} catch (...) {
		return fail_writer(w);
	}
}

extern "C" lede_status xc_writer_meta_keys(xc_writer *w, const char *prefix,
					   size_t len, xc_term_cb cb, void *ctx)
{
	try {
		lede_status s = writer_walk_ok(w, cb != NULL);
		if (s != LEDE_OK)
			return s;
		std::string p =
		    prefix ? std::string(prefix, len) : std::string();
		term_list keys;
		each_meta_key(w, p, [&](std::string key) {
			keys.emplace_back(std::move(key), 0);
			return true;
		});
		feed_terms(keys, cb, ctx);
		return LEDE_OK;
	} catch (...) {
		return fail_writer(w);
	}
}

/* Spelling words go through the term gate too: the spelling table keys
 * them like terms and would fail the commit on a bad one. */
extern "C" lede_status xc_writer_add_spelling(xc_writer *w, const char *word,
					      size_t len, uint32_t inc)
{
	try {
		lede_status s = writer_term_ok(w, "spelling word", word, len);
		if (s != LEDE_OK)
			return s;
		w->spell.add(word, (uint32_t)len, inc);
		if (w->spell.size() >= XC_SPELL_PENDING_MAX)
			flush_spelling(w, false);
		return LEDE_OK;
	} catch (...) {
		return fail_writer(w);
	}
}

/* Discards every uncommitted change of w's database. An unflushed
 * transaction covers the pending changes too, and closing with one open
 * cancels it; this is the only discard glass offers through the API. */
static void discard_pending(xc_writer *w)
{
	w->spell.clear();
	try {
		if (!w->in_txn) {
			w->db.begin_transaction(false);
			w->in_txn = 1;
		}
	} catch (...) {
	}
}

/* LEDE_OK if the filesystem of w's database has room for a commit (see
 * XC_COMMIT_MIN_FREE_BYTES); else the batch is discarded and
 * BATCH_LOST returned with a message naming the free space. A failing
 * statvfs says nothing: the commit goes ahead. */
static lede_status check_space(xc_writer *w)
{
	struct statvfs sv;
	uint64_t avail, need;

	if (statvfs(w->path.c_str(), &sv) != 0)
		return LEDE_OK;
	avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	need = XC_COMMIT_MIN_FREE_BYTES +
	       XC_COMMIT_SPACE_FACTOR * w->pending_bytes;
	if (avail >= need)
		return LEDE_OK;
	/* an unflushed transaction covers the pending changes: cancelling
	 * it drops them and leaves the writer usable, as after a failed
	 * write */
	w->spell.clear();
	w->db.begin_transaction(false);
	w->db.cancel_transaction();
	w->pending_bytes = 0;
	std::snprintf(w->err, sizeof w->err,
		      "only %llu KiB free where the index is, about %llu KiB "
		      "needed to commit (No space left on device); changes "
		      "since the last commit were discarded",
		      (unsigned long long)(avail / 1024),
		      (unsigned long long)(need / 1024));
	return LEDE_ERR_BATCH_LOST;
}

static lede_status commit_writer(xc_writer *w, bool batch)
{
	try {
		lede_status s = writer_usable(w);
		if (s != LEDE_OK)
			return s;
		if (w->in_txn)
			return set_err(w->err, sizeof w->err, LEDE_ERR_INVALID,
				       "",
				       "commit inside a transaction: use "
				       "xc_writer_txn_commit");
		s = check_space(w);
		if (s != LEDE_OK)
			return s;
		if (!batch || ++w->spell_commits >= XC_SPELL_EVERY_COMMITS) {
			w->spell_commits = 0;
			flush_spelling(w, false);
		}
		w->db.commit();
		w->pending_bytes = 0;
		return LEDE_OK;
	} catch (...) {
		return fail_write(w);
	}
}

extern "C" lede_status xc_writer_commit(xc_writer *w)
{
	return commit_writer(w, false);
}

extern "C" lede_status xc_writer_commit_batch(xc_writer *w)
{
	return commit_writer(w, true);
}

/* flushed = 1 commits pending changes first (a failure there is
 * BATCH_LOST); 0 makes the transaction cover them too, so a cancel then
 * discards everything since the last commit. No nesting. */
extern "C" lede_status xc_writer_txn_begin(xc_writer *w, int flushed)
{
	try {
		lede_status s = writer_usable(w);
		if (s != LEDE_OK)
			return s;
		if (w->in_txn)
			return set_err(w->err, sizeof w->err, LEDE_ERR_INVALID,
				       "", "a transaction is already open");
		flush_spelling(w, false);
		w->db.begin_transaction(flushed != 0);
		w->in_txn = 1;
		w->txn_lost = 0;
		return LEDE_OK;
	} catch (...) {
		return flushed ? fail_write(w) : fail_writer(w);
	}
}

/* Commits the transaction. BATCH_LOST if it fails, or if a write inside it
 * failed earlier: glass then cancelled the transaction's changes and its
 * commit_transaction() would report success over nothing (xapian.md 6.1). */
extern "C" lede_status xc_writer_txn_commit(xc_writer *w)
{
	try {
		lede_status s = writer_usable(w);
		if (s != LEDE_OK)
			return s;
		if (!w->in_txn)
			return set_err(w->err, sizeof w->err, LEDE_ERR_INVALID,
				       "", "no transaction is open");
		flush_spelling(w, false);
		w->db.commit_transaction();
		w->in_txn = 0;
		if (w->txn_lost) {
			w->txn_lost = 0;
			return set_err(w->err, sizeof w->err,
				       LEDE_ERR_BATCH_LOST, "",
				       "a write inside the transaction failed; "
				       "its changes were discarded");
		}
		return LEDE_OK;
	} catch (...) {
		lede_status s = fail_write(w);
		/* Xapian ends the transaction even when its commit fails. */
		w->in_txn = 0;
		w->txn_lost = 0;
		return s;
	}
}

extern "C" lede_status xc_writer_txn_cancel(xc_writer *w)
{
	try {
		lede_status s = writer_usable(w);
		if (s != LEDE_OK)
			return s;
		if (!w->in_txn)
			return set_err(w->err, sizeof w->err, LEDE_ERR_INVALID,
				       "", "no transaction is open");
		/* Cancelled even if cancel_transaction() throws (database.h).
		 */
		w->in_txn = 0;
		w->txn_lost = 0;
		w->spell.clear();
		w->db.cancel_transaction();
		return LEDE_OK;
	} catch (...) {
		return fail_writer(w);
	}
}


/* Commits explicitly, so a failure is reported (the destructor and close()
 * would commit too, swallowing it), then releases the lock. Closing with a
 * transaction open cancels it and says so (BATCH_LOST). A failed commit is
 * not retried by close: pending changes are discarded instead, so the
 * index never holds a batch the caller was told was lost. */
extern "C" lede_status xc_writer_close(xc_writer *w)
{
	lede_status s = LEDE_OK;

	try {
		if (!w)
			return LEDE_ERR_INVALID;
		if (w->closed)
			return LEDE_OK;
		if (w->in_txn) {
			discard_pending(w);
			s = set_err(
			    w->err, sizeof w->err, LEDE_ERR_BATCH_LOST, "",
			    "closed with a transaction open; its changes "
			    "were discarded");
		} else {
			try {
				flush_spelling(w, true);
				w->db.commit();
			} catch (...) {
				s = fail_write(w);
				discard_pending(w);
			}
		}
		w->closed = 1;
		w->db.close();
		w->in_txn = 0;
		return s;
	} catch (...) {
		lede_status c = fail_writer(w);
		if (w)
			w->in_txn = 0;
		return s != LEDE_OK ? s : c;
	}
}

/* Uncommitted work is discarded, not committed as Xapian's destructor
 * would: a writer freed on an error path must not publish half a batch. */
extern "C" void xc_writer_free(xc_writer *w)
{
	try {
		if (!w)
			return;
		if (!w->closed) {
			discard_pending(w);
			w->db.close();
		}
	} catch (...) {
		/* Nothing to report to: the handle is going away. */
	}
	delete w;
}

extern "C" const char *xc_writer_errmsg(const xc_writer *w)
{
	try {
		return w ? w->err : "";
	} catch (...) {
		return "";
	}
}

extern "C" void xc_writer_test_fail_after(xc_writer *w, unsigned n)
{
	try {
		if (w)
			w->fail_after = n;
	} catch (...) {
	}
}

/* ---- document builder -------------------------------------------------- */

extern "C" lede_status xc_doc_new(xc_doc **out)
{
	try {
		*out = nullptr;
		*out = new xc_doc();
		return LEDE_OK;
	} catch (...) {
		return map_exception(nullptr, 0);
	}
}

static lede_status fail_doc(xc_doc *d)
{
	return d ? map_exception(d->err, sizeof d->err)
		 : map_exception(nullptr, 0);
}

extern "C" lede_status xc_doc_add_posting(xc_doc *d, const char *term,
					  size_t len, uint32_t pos,
					  uint32_t wdf_inc)
{
	try {
		if (!d)
			return LEDE_ERR_INVALID;
		lede_status s =
		    check_term(d->err, sizeof d->err, "term", term, len);
		if (s != LEDE_OK)
			return s;
		d->doc.add_posting(std::string(term, len), pos, wdf_inc);
		return LEDE_OK;
	} catch (...) {
		return fail_doc(d);
	}
}

extern "C" lede_status xc_doc_add_term(xc_doc *d, const char *term, size_t len,
				       uint32_t wdf_inc)
{
	try {
		if (!d)
			return LEDE_ERR_INVALID;
		lede_status s =
		    check_term(d->err, sizeof d->err, "term", term, len);
		if (s != LEDE_OK)
			return s;
		d->doc.add_term(std::string(term, len), wdf_inc);
		return LEDE_OK;
	} catch (...) {
		return fail_doc(d);
	}
}

/* ---- impact postings (index format 4) ---- */

/* A weighted term of a document: its plain frequency and its wdf now. */
struct impact_term {
	std::string name;
	Xapian::termcount plain, cur;
};

static Xapian::termcount impact_of(Xapian::termcount wdf, double norm,
				   unsigned scale)
{
	double v = (double)scale * wdf / norm + 0.5;

	if (v < 1.0)
		return 1;
	return v > (double)XC_IMPACT_MAX ? XC_IMPACT_MAX
					 : (Xapian::termcount)v;
}

static bool impact_opts_ok(const xc_impact_opts *o)
{
	return o && o->scale > 0 && o->b >= 0 && o->b <= 1 &&
	       o->avglen > 0 && o->len_term && *o->len_term;
}

/* Gives each of terms (doc's weighted terms) its impact. */
static void apply_impacts(Xapian::Document &doc,
			  const std::vector<impact_term> &terms, uint64_t len,
			  const xc_impact_opts &o)
{
	double normlen = std::max((double)len / o.avglen, o.min_normlen);
	double norm = 1.0 - o.b + o.b * normlen;

	for (const impact_term &t : terms) {
		Xapian::termcount imp = impact_of(t.plain, norm, o.scale);

		if (imp > t.cur) {
			doc.add_term(t.name, imp - t.cur);
		} else if (imp < t.cur) {
			/* Xapian lowers a wdf only with a position taken
			 * out, so the term is put back whole. */
			std::vector<Xapian::termpos> pos;
			Xapian::TermIterator i = doc.termlist_begin();
			i.skip_to(t.name);
			for (Xapian::PositionIterator p = i.positionlist_begin();
			     p != i.positionlist_end(); ++p)
				pos.push_back(*p);
			doc.remove_term(t.name);
			for (Xapian::termpos p : pos)
				doc.add_posting(t.name, p, 0);
			doc.add_term(t.name, imp);
		}
	}
}

extern "C" lede_status xc_doc_set_impacts(uint32_t *out_len, xc_doc *d,
					  const xc_impact_opts *o)
{
	try {
		if (!d || !impact_opts_ok(o))
			return LEDE_ERR_INVALID;
		std::vector<impact_term> terms;
		uint64_t len = 0;

		terms.reserve(d->doc.termlist_count());
		for (Xapian::TermIterator t = d->doc.termlist_begin();
		     t != d->doc.termlist_end(); ++t) {
			Xapian::termcount wdf = t.get_wdf();
			if (wdf == 0)
				continue; /* boolean: no weight to carry */
			len += wdf;
			terms.push_back(impact_term{ *t, wdf, wdf });
		}
		if (len > XC_IMPACT_MAX)
			len = XC_IMPACT_MAX;
		apply_impacts(d->doc, terms, len, *o);
		d->doc.add_term(o->len_term, (Xapian::termcount)len);
		if (out_len)
			*out_len = (uint32_t)len;
		return LEDE_OK;
	} catch (...) {
		return fail_doc(d);
	}
}

/* A document without positions (index format 5's default) gets its
 * plain frequencies back from its impacts: they all share one norm, which
 * the sum of the impacts against the length gives, and while the norm is
 * under the scale each impact rounds back to one frequency. False when
 * the frequencies found do not add up to the length. */
static bool plain_from_impacts(std::vector<impact_term> &terms, uint64_t len,
			       unsigned scale)
{
	uint64_t isum = 0, sum = 0;

	for (const impact_term &t : terms)
		isum += t.cur;
	if (isum == 0)
		return false;
	double norm = (double)scale * (double)len / (double)isum;
	if (!(norm < scale))
		return false;
	for (impact_term &t : terms) {
		t.plain = (Xapian::termcount)((double)t.cur * norm / scale +
					      0.5);
		if (t.plain == 0)
			return false;
		sum += t.plain;
	}
	return sum == len;
}

/* Measures docid's impacts again. False if neither its positions nor its
 * impacts give back its plain frequencies (it is then left as it is). */
static bool reimpact(Xapian::WritableDatabase &db, Xapian::docid did,
		     const xc_impact_opts &o)
{
	Xapian::Document doc = db.get_document(did);
	std::vector<impact_term> terms;
	uint64_t len = 0, sum = 0;

	for (Xapian::TermIterator t = doc.termlist_begin();
	     t != doc.termlist_end(); ++t) {
		Xapian::termcount wdf = t.get_wdf();

		if (*t == o.len_term) {
			len = wdf;
		} else if (wdf > 0) {
			Xapian::termcount plain = t.positionlist_count();
			sum += plain;
			terms.push_back(impact_term{ *t, plain, wdf });
		}
	}
	if (len == 0)
		return false;
	if (sum != len &&
	    (sum != 0 || !plain_from_impacts(terms, len, o.scale)))
		return false;
	apply_impacts(doc, terms, len, o);
	db.replace_document(did, doc);
	return true;
}

extern "C" lede_status xc_writer_reimpact(uint32_t *out_done,
					  uint32_t *out_inexact,
					  uint32_t *out_next, xc_writer *w,
					  uint32_t from,
					  const xc_impact_opts *o)
{
	try {
		*out_done = 0;
		*out_inexact = 0;
		*out_next = 0;
		lede_status s = writer_usable(w);
		if (s != LEDE_OK)
			return s;
		if (!impact_opts_ok(o))
			return set_err(w->err, sizeof w->err, LEDE_ERR_INVALID,
				       "", "bad impact options");
		std::vector<Xapian::docid> docs;
		Xapian::PostingIterator p = w->db.postlist_begin(o->len_term);
		if (from > 1)
			p.skip_to(from);
		for (; p != w->db.postlist_end(o->len_term); ++p) {
			if (docs.size() == o->max_docs) {
				*out_next = *p;
				break;
			}
			docs.push_back(*p);
		}
		for (Xapian::docid did : docs) {
			if (!reimpact(w->db, did, *o))
				++*out_inexact;
			++*out_done;
		}
		return LEDE_OK;
	} catch (...) {
		return fail_write(w);
	}
}

extern "C" lede_status xc_doc_add_boolean_term(xc_doc *d, const char *term,
					       size_t len)
{
	try {
		if (!d)
			return LEDE_ERR_INVALID;
		lede_status s =
		    check_term(d->err, sizeof d->err, "term", term, len);
		if (s != LEDE_OK)
			return s;
		d->doc.add_boolean_term(std::string(term, len));
		return LEDE_OK;
	} catch (...) {
		return fail_doc(d);
	}
}

/* An empty value removes the slot (Xapian's rule); XC_NO_SLOT is refused. */
extern "C" lede_status xc_doc_set_value(xc_doc *d, uint32_t slot,
					const void *val, size_t len)
{
	try {
		if (!d)
			return LEDE_ERR_INVALID;
		if (slot == XC_NO_SLOT || (len > 0 && !val))
			return set_err(d->err, sizeof d->err, LEDE_ERR_INVALID,
				       "", "bad value slot or NULL value");
		if (len == 0)
			d->doc.remove_value(slot);
		else
			d->doc.add_value(
			    slot,
			    std::string(static_cast<const char *>(val), len));
		return LEDE_OK;
	} catch (...) {
		return fail_doc(d);
	}
}

extern "C" lede_status xc_doc_set_data(xc_doc *d, const void *data, size_t len)
{
	try {
		if (!d)
			return LEDE_ERR_INVALID;
		if (len > 0 && !data)
			return set_err(d->err, sizeof d->err, LEDE_ERR_INVALID,
				       "", "NULL data");
		std::string v;
		if (len > 0)
			v.assign(static_cast<const char *>(data), len);
		d->doc.set_data(v);
		d->data_len = len;
		return LEDE_OK;
	} catch (...) {
		return fail_doc(d);
	}
}

extern "C" void xc_doc_clear(xc_doc *d)
{
	try {
		if (!d)
			return;
		d->err[0] = '\0';
		d->data_len = 0;
		d->doc = Xapian::Document();
	} catch (...) {
		/* Allocating a fresh Document failed: empty this one. */
		try {
			d->doc.clear_terms();
			d->doc.clear_values();
			d->doc.set_data(std::string());
		} catch (...) {
		}
	}
}

extern "C" void xc_doc_free(xc_doc *d)
{
	try {
		delete d;
	} catch (...) {
	}
}

extern "C" const char *xc_doc_errmsg(const xc_doc *d)
{
	try {
		return d ? d->err : "";
	} catch (...) {
		return "";
	}
}

/* ---- reader ------------------------------------------------------------ */

struct xc_reader {
	Xapian::Database db;
	char err[LEDE_ERRMSG_MAX];
};

static lede_status fail_reader(xc_reader *r)
{
	return r ? map_exception(r->err, sizeof r->err)
		 : map_exception(nullptr, 0);
}

/* Each path is opened on its own and added as a shard, so a directory, a
 * single-file database and a stub file all work, in the order given (the
 * first shard's metadata is the one Xapian reports). */
extern "C" lede_status xc_reader_open(xc_reader **out, const char *const *paths,
				      size_t n, lede_err *err)
{
	xc_reader *r = nullptr;

	try {
		*out = nullptr;
		if (!paths || n == 0)
			return err_set(err, LEDE_ERR_INVALID, "no index path");
		for (size_t i = 0; i < n; i++)
			if (!paths[i] || !*paths[i])
				return err_set(err, LEDE_ERR_INVALID,
					       "index path %zu is empty", i);
		r = new xc_reader();
		for (size_t i = 0; i < n; i++)
			r->db.add_database(Xapian::Database(paths[i]));
		*out = r;
		return LEDE_OK;
	} catch (...) {
		delete r;
		return fail_err(err);
	}
}

extern "C" lede_status xc_reader_reopen(int *out_changed, xc_reader *r)
{
	try {
		if (out_changed)
			*out_changed = 0;
		if (!r)
			return LEDE_ERR_INVALID;
		bool moved = r->db.reopen();
		if (out_changed)
			*out_changed = moved ? 1 : 0;
		return LEDE_OK;
	} catch (...) {
		return fail_reader(r);
	}
}

extern "C" lede_status xc_reader_doccount(uint32_t *out, xc_reader *r)
{
	try {
		*out = 0;
		if (!r)
			return LEDE_ERR_INVALID;
		*out = r->db.get_doccount();
		return LEDE_OK;
	} catch (...) {
		return fail_reader(r);
	}
}

namespace {
/* Only unprefixed terms: lede's prefixes are ASCII capitals (lede_private.h
 * PFX_*), word stems never start with one (the analyzer lowercases). */
struct unprefixed_decider : public Xapian::ExpandDecider {
	bool operator()(const std::string &t) const override
	{
		return !t.empty() && !(t[0] >= 'A' && t[0] <= 'Z');
	}
};
} // namespace

extern "C" lede_status xc_reader_expand(xc_reader *r, const uint32_t *docids,
					size_t n, unsigned nterms,
					xc_expand_cb cb, void *ctx)
{
	try {
		if (!r || !cb || (n > 0 && !docids))
			return LEDE_ERR_INVALID;
		if (n == 0 || nterms == 0)
			return LEDE_OK;
		Xapian::Enquire enq(r->db);
		Xapian::RSet rs;
		unprefixed_decider dec;
		for (size_t i = 0; i < n; i++)
			rs.add_document(docids[i]);
		/* Exact term frequencies: over several shards Xapian
		 * otherwise scales those of the shards holding the feedback
		 * documents up to the whole collection, and the terms, their
		 * weights and so the expanded ranking differ from one
		 * database's. */
		Xapian::ESet es = enq.get_eset(
		    nterms, rs, Xapian::Enquire::USE_EXACT_TERMFREQ, &dec);
		for (Xapian::ESetIterator i = es.begin(); i != es.end(); ++i) {
			const std::string &t = *i;
			if (cb(ctx, t.data(), t.size(), i.get_weight()))
				break;
		}
		return LEDE_OK;
	} catch (...) {
		return fail_reader(r);
	}
}

extern "C" lede_status xc_reader_termfreq(uint32_t *out, xc_reader *r,
					  const char *term, size_t len)
{
	try {
		*out = 0;
		if (!r)
			return LEDE_ERR_INVALID;
		if (!term || len == 0)
			return set_err(r->err, sizeof r->err, LEDE_ERR_INVALID,
				       "", "empty term");
		*out = r->db.get_termfreq(std::string(term, len));
		return LEDE_OK;
	} catch (...) {
		return fail_reader(r);
	}
}

extern "C" lede_status xc_reader_get_meta(char **out, size_t *out_len,
					  xc_reader *r, const char *key,
					  size_t klen)
{
	try {
		clear_string_out(out, out_len);
		if (!r)
			return LEDE_ERR_INVALID;
		lede_status s =
		    check_meta_key(r->err, sizeof r->err, key, klen);
		if (s != LEDE_OK)
			return s;
		give_string(out, out_len,
			    r->db.get_metadata(std::string(key, klen)));
		return LEDE_OK;
	} catch (...) {
		return fail_reader(r);
	}
}

extern "C" lede_status xc_reader_spelling(char **out, size_t *out_len,
					  xc_reader *r, const char *word,
					  size_t len, unsigned max_edits)
{
	try {
		clear_string_out(out, out_len);
		if (!r)
			return LEDE_ERR_INVALID;
		if (!word && len > 0)
			return set_err(r->err, sizeof r->err, LEDE_ERR_INVALID,
				       "", "NULL word");
		std::string w;
		if (len > 0)
			w.assign(word, len);
		give_string(out, out_len,
			    r->db.get_spelling_suggestion(w, max_edits));
		return LEDE_OK;
	} catch (...) {
		return fail_reader(r);
	}
}

extern "C" lede_status xc_reader_allterms(xc_reader *r, const char *prefix,
					  size_t len, xc_term_cb cb, void *ctx)
{
	try {
		if (!r)
			return LEDE_ERR_INVALID;
		if (!cb)
			return set_err(r->err, sizeof r->err, LEDE_ERR_INVALID,
				       "", "no callback");
		term_list terms;
		collect_allterms(terms, r->db,
				 prefix ? std::string(prefix, len)
					: std::string());
		feed_terms(terms, cb, ctx);
		return LEDE_OK;
	} catch (...) {
		return fail_reader(r);
	}
}

extern "C" lede_status xc_reader_get_data_by_term(char **out, size_t *out_len,
						  xc_reader *r, const char *uid,
						  size_t uid_len)
{
	try {
		clear_string_out(out, out_len);
		if (!r)
			return LEDE_ERR_INVALID;
		if (!uid || uid_len == 0)
			return set_err(r->err, sizeof r->err, LEDE_ERR_INVALID,
				       "", "empty unique term");
		std::string term(uid, uid_len);
		Xapian::PostingIterator p = r->db.postlist_begin(term);

		if (p == r->db.postlist_end(term)) {
			char q[TERM_QUOTE_BYTES + 1];
			quote_term(q, sizeof q, uid, uid_len);
			std::snprintf(r->err, sizeof r->err,
				      "no document has term '%s'", q);
			return LEDE_ERR_NOT_FOUND;
		}
		give_string(out, out_len, r->db.get_document(*p).get_data());
		return LEDE_OK;
	} catch (...) {
		return fail_reader(r);
	}
}

extern "C" void xc_reader_free(xc_reader *r)
{
	try {
		delete r;
	} catch (...) {
	}
}

extern "C" const char *xc_reader_errmsg(const xc_reader *r)
{
	try {
		return r ? r->err : "";
	} catch (...) {
		return "";
	}
}

extern "C" void xc_free(void *p)
{
	try {
		std::free(p);
	} catch (...) {
	}
}

/* ---- queries ----------------------------------------------------------- */

/* A query is an immutable node shared by the queries built on it. Almost
 * every node is a plain Xapian::Query. The exception is a prefix, which
 * the binding expands itself at search time, against the whole database
 * (expand_prefix), rather than leaving it to Xapian's OP_WILDCARD. Over
 * several shards, libxapian 1.4 expands a wildcard on each shard apart and
 * weighs its terms with that shard's frequencies against the size of the
 * whole collection (a rarer-looking term, a higher idf: `spend*` scored
 * 14 times as much on a year-sharded index as on one database), and counts
 * its limit per shard; under OR or MAX with a limit, 1.4.22 also leaks the
 * weight object of every term it drops (measured with LeakSanitizer, about
 * 120 bytes a term a search). Expanded here into plain terms, a prefix
 * weighs and counts as on one database, the frequencies combined over the
 * shards as for any other term. Every node above a prefix is "deferred":
 * rebuilt from its recipe (op, param, factor, subs) for each search. Its
 * q is then a stand-in with Xapian's own wildcard, for describe and
 * checks. Every node keeps its recipe, deferred or not, for xc_explain,
 * which walks it; a label node (xc_query_label) is its sub under a name,
 * for explain only. */
enum qnode_kind { QN_PLAIN, QN_PREFIX, QN_COMBINE, QN_SCALE, QN_LABEL };

struct xc_qnode {
	Xapian::Query q;
	qnode_kind kind = QN_PLAIN;
	bool deferred = false;
	Xapian::Query::op op = Xapian::Query::OP_OR; /* combine op, combiner */
	uint32_t param = 0;  /* window / elite set N; max_expansion */
	double factor = 1.0; /* scale */
	std::string prefix;	      /* prefix; label: the label */
	int limit_mode = XC_WILD_ERROR; /* prefix: XC_WILD_* */
	std::vector<std::shared_ptr<const xc_qnode>> subs;
};

struct xc_query {
	std::shared_ptr<const xc_qnode> n;
};

static lede_status give_node(xc_query **out, std::shared_ptr<xc_qnode> n)
{
	*out = new xc_query{std::move(n)};
	return LEDE_OK;
}

static lede_status give_query(xc_query **out, const Xapian::Query &q)
{
	auto n = std::make_shared<xc_qnode>();
	n->q = q;
	return give_node(out, std::move(n));
}

/* The expansion of prefix on db, over all its shards together (max 0: no
 * limit), combined with comb; MatchNothing if no term has the prefix.
 * Past max terms, mode XC_WILD_ERROR throws Xapian::WildcardError,
 * XC_WILD_FIRST keeps the first max in byte order, XC_WILD_MOST_FREQUENT
 * the max with the highest termfreq (ties: the first in byte order; a
 * bounded min-heap keeps memory at max terms however many match). */
static Xapian::Query expand_prefix(const Xapian::Database &db,
				   const std::string &prefix, uint32_t max,
				   int mode, Xapian::Query::op comb)
{
	typedef std::pair<Xapian::doccount, std::string> cand;
	/* better(a, b): a ranks before b. The heap's top is the worst kept. */
	auto better = [](const cand &a, const cand &b) {
		return a.first > b.first ||
		       (a.first == b.first && a.second < b.second);
	};
	std::vector<cand> heap;
	std::vector<std::string> terms;

	for (Xapian::TermIterator t = db.allterms_begin(prefix);
	     t != db.allterms_end(prefix); ++t) {
		if (mode != XC_WILD_MOST_FREQUENT) {
			if (max == 0 || terms.size() < max) {
				terms.push_back(*t);
				continue;
			}
			if (mode == XC_WILD_FIRST)
				break;
			throw Xapian::WildcardError(
			    "Wildcard " + prefix + "* expands to more than " +
			    std::to_string(max) + " terms");
		}
		cand c(t.get_termfreq(), *t);
		if (max == 0 || heap.size() < max) {
			heap.push_back(std::move(c));
			std::push_heap(heap.begin(), heap.end(), better);
		} else if (better(c, heap.front())) {
			std::pop_heap(heap.begin(), heap.end(), better);
			heap.back() = std::move(c);
			std::push_heap(heap.begin(), heap.end(), better);
		}
	}
	if (mode == XC_WILD_MOST_FREQUENT) {
		terms.reserve(heap.size());
		for (cand &c : heap)
			terms.push_back(std::move(c.second));
		std::sort(terms.begin(), terms.end());
	}
	if (terms.empty())
		return Xapian::Query();
	return Xapian::Query(comb, terms.begin(), terms.end());
}

/* The Xapian query to run for node n on db: n->q itself unless deferred. */
static Xapian::Query resolve(const xc_qnode &n, const Xapian::Database &db)
{
	if (!n.deferred)
		return n.q;
	switch (n.kind) {
	case QN_PREFIX:
		return expand_prefix(db, n.prefix, n.param, n.limit_mode, n.op);
	case QN_SCALE:
		return Xapian::Query(n.factor, resolve(*n.subs[0], db));
	case QN_LABEL:
		return resolve(*n.subs[0], db);
	case QN_COMBINE: {
		std::vector<Xapian::Query> v;
		v.reserve(n.subs.size());
		for (const auto &sub : n.subs)
			v.push_back(resolve(*sub, db));
		return Xapian::Query(n.op, v.begin(), v.end(), n.param);
	}
	case QN_PLAIN:
		break;
	}
	return n.q;
}

extern "C" lede_status xc_query_term(xc_query **out, const char *term,
				     size_t len, uint32_t wqf, uint32_t pos,
				     lede_err *err)
{
	try {
		*out = nullptr;
		if (!term || len == 0)
			return err_set(
			    err, LEDE_ERR_INVALID,
			    "empty query term (use xc_query_match_all)");
		return give_query(
		    out, Xapian::Query(std::string(term, len), wqf, pos));
	} catch (...) {
		return fail_err(err);
	}
}

/* The empty term, built afresh: Query::MatchAll is a shared static whose
 * reference count is not thread-safe (xapian.md 4.4). */
extern "C" lede_status xc_query_match_all(xc_query **out, lede_err *err)
{
	try {
		*out = nullptr;
		return give_query(out, Xapian::Query(std::string()));
	} catch (...) {
		return fail_err(err);
	}
}

extern "C" lede_status xc_query_match_nothing(xc_query **out, lede_err *err)
{
	try {
		*out = nullptr;
		return give_query(out, Xapian::Query());
	} catch (...) {
		return fail_err(err);
	}
}

/* What PHRASE and NEAR can hold in 1.4: terms, or OR over terms (word
 * variants). Match-nothing is allowed (it makes the phrase match nothing);
 * match-all and anything else would throw or be silently rewritten. */
static bool positional_ok(const Xapian::Query &q)
{
	switch (q.get_type()) {
	case Xapian::Query::LEAF_TERM:
	case Xapian::Query::LEAF_MATCH_NOTHING:
		return true;
	case Xapian::Query::OP_OR:
		for (size_t i = 0; i < q.get_num_subqueries(); i++)
			if (q.get_subquery(i).get_type() !=
			    Xapian::Query::LEAF_TERM)
				return false;
		return true;
	default:
		return false;
	}
}

static bool map_qop(Xapian::Query::op *x, xc_qop op)
{
	switch (op) {
	case XC_Q_AND:
		*x = Xapian::Query::OP_AND;
		return true;
	case XC_Q_OR:
		*x = Xapian::Query::OP_OR;
		return true;
	case XC_Q_AND_NOT:
		*x = Xapian::Query::OP_AND_NOT;
		return true;
	case XC_Q_AND_MAYBE:
		*x = Xapian::Query::OP_AND_MAYBE;
		return true;
	case XC_Q_FILTER:
		*x = Xapian::Query::OP_FILTER;
		return true;
	case XC_Q_SYNONYM:
		*x = Xapian::Query::OP_SYNONYM;
		return true;
	case XC_Q_MAX:
		*x = Xapian::Query::OP_MAX;
		return true;
	case XC_Q_ELITE_SET:
		*x = Xapian::Query::OP_ELITE_SET;
		return true;
	case XC_Q_PHRASE:
		*x = Xapian::Query::OP_PHRASE;
		return true;
	case XC_Q_NEAR:
		*x = Xapian::Query::OP_NEAR;
		return true;
	}
	return false;
}

/* Combines n subqueries with op (AND_NOT, AND_MAYBE and FILTER take the
 * first as the left side and the rest on the right). Errors: INVALID (bad
 * op, NULL sub), UNSUPPORTED (PHRASE/NEAR over anything but terms or
 * OR-of-terms, checked here so Xapian neither throws nor rewrites). */
extern "C" lede_status xc_query_combine(xc_query **out, xc_qop op,
					const xc_query *const *subs, size_t n,
					uint32_t param, lede_err *err)
{
	try {
		Xapian::Query::op xop;

		*out = nullptr;
		if (!map_qop(&xop, op))
			return err_set(err, LEDE_ERR_INVALID,
				       "unknown query operator %d", (int)op);
		if (n > 0 && !subs)
			return err_set(err, LEDE_ERR_INVALID, "no subqueries");
		auto node = std::make_shared<xc_qnode>();
		std::vector<Xapian::Query> v;
		v.reserve(n);
		for (size_t i = 0; i < n; i++) {
			if (!subs[i])
				return err_set(err, LEDE_ERR_INVALID,
					       "subquery %zu is NULL", i);
			const Xapian::Query &sq = subs[i]->n->q;
			if ((op == XC_Q_PHRASE || op == XC_Q_NEAR) &&
			    !positional_ok(sq))
				return err_set(
				    err, LEDE_ERR_UNSUPPORTED,
				    "phrase and NEAR take only terms or "
				    "OR of terms (subquery %zu is %s)",
				    i, sq.get_description().c_str());
			v.push_back(sq);
			if (subs[i]->n->deferred)
				node->deferred = true;
		}
		node->q = Xapian::Query(xop, v.begin(), v.end(), param);
		node->kind = QN_COMBINE;
		node->op = xop;
		node->param = param;
		for (size_t i = 0; i < n; i++)
			node->subs.push_back(subs[i]->n);
		return give_node(out, std::move(node));
	} catch (...) {
		return fail_err(err);
	}
}

extern "C" lede_status xc_query_scale(xc_query **out, double factor,
				      const xc_query *sub, lede_err *err)
{
	try {
		*out = nullptr;
		if (!sub)
			return err_set(err, LEDE_ERR_INVALID, "no subquery");
		if (!(factor >= 0.0) || std::isinf(factor))
			return err_set(
			    err, LEDE_ERR_INVALID,
			    "weight factor %g is not a finite number "
			    ">= 0",
			    factor);
		auto node = std::make_shared<xc_qnode>();
		node->q = Xapian::Query(factor, sub->n->q);
		node->kind = QN_SCALE;
		node->deferred = sub->n->deferred;
		node->factor = factor;
		node->subs.push_back(sub->n);
		return give_node(out, std::move(node));
	} catch (...) {
		return fail_err(err);
	}
}

extern "C" lede_status xc_query_label(xc_query **out, const xc_query *sub,
				      const char *label, size_t len,
				      lede_err *err)
{
	try {
		*out = nullptr;
		if (!sub || !label || len == 0)
			return err_set(err, LEDE_ERR_INVALID,
				       "a label needs a subquery and a name");
		auto node = std::make_shared<xc_qnode>();
		node->q = sub->n->q;
		node->kind = QN_LABEL;
		node->deferred = sub->n->deferred;
		node->prefix.assign(label, len);
		node->subs.push_back(sub->n);
		return give_node(out, std::move(node));
	} catch (...) {
		return fail_err(err);
	}
}

extern "C" lede_status xc_query_value_range(xc_query **out, uint32_t slot,
					    const void *lo, size_t lo_len,
					    const void *hi, size_t hi_len,
					    lede_err *err)
{
	try {
		*out = nullptr;
		if (slot == XC_NO_SLOT)
			return err_set(err, LEDE_ERR_INVALID, "bad value slot");
		if (!lo && !hi)
			return err_set(err, LEDE_ERR_INVALID,
				       "value range needs at least one bound");
		std::string l, h;
		if (lo)
			l.assign(static_cast<const char *>(lo), lo_len);
		if (hi)
			h.assign(static_cast<const char *>(hi), hi_len);
		if (!lo)
			return give_query(
			    out,
			    Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, h));
		if (!hi)
			return give_query(
			    out,
			    Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, l));
		return give_query(
		    out,
		    Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, l, h));
	} catch (...) {
		return fail_err(err);
	}
}

/* In 1.4 the wildcard pattern is a plain prefix. An empty prefix is refused:
 * it would expand to every term of the index. The binding expands it at
 * search time, over all shards together (see xc_qnode), with Xapian's
 * limit modes; the stand-in OP_WILDCARD is only described. */
extern "C" lede_status xc_query_prefix(xc_query **out, const char *prefix,
				       size_t len, uint32_t max_expansion,
				       int limit_mode, xc_qop combiner,
				       lede_err *err)
{
	try {
		int mode;
		Xapian::Query::op comb;

		*out = nullptr;
		if (!prefix || len == 0)
			return err_set(err, LEDE_ERR_INVALID, "empty prefix");
		switch (limit_mode) {
		case XC_WILD_ERROR:
			mode = Xapian::Query::WILDCARD_LIMIT_ERROR;
			break;
		case XC_WILD_FIRST:
			mode = Xapian::Query::WILDCARD_LIMIT_FIRST;
			break;
		case XC_WILD_MOST_FREQUENT:
			mode = Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT;
			break;
		default:
			return err_set(err, LEDE_ERR_INVALID,
				       "unknown wildcard limit mode %d",
				       limit_mode);
		}
		switch (combiner) {
		case XC_Q_SYNONYM:
			comb = Xapian::Query::OP_SYNONYM;
			break;
		case XC_Q_OR:
			comb = Xapian::Query::OP_OR;
			break;
		case XC_Q_MAX:
			comb = Xapian::Query::OP_MAX;
			break;
		default:
			return err_set(err, LEDE_ERR_INVALID,
				       "prefix combiner must be SYNONYM, OR or "
				       "MAX");
		}
		auto node = std::make_shared<xc_qnode>();
		node->q = Xapian::Query(Xapian::Query::OP_WILDCARD,
					std::string(prefix, len), max_expansion,
					mode, comb);
		node->kind = QN_PREFIX;
		node->deferred = true;
		node->op = comb;
		node->param = max_expansion;
		node->limit_mode = limit_mode;
		node->prefix.assign(prefix, len);
		return give_node(out, std::move(node));
	} catch (...) {
		return fail_err(err);
	}
}

extern "C" lede_status xc_query_describe(char **out, size_t *out_len,
					 const xc_query *q)
{
	try {
		clear_string_out(out, out_len);
		if (!q)
			return LEDE_ERR_INVALID;
		give_string(out, out_len, q->n->q.get_description());
		return LEDE_OK;
	} catch (...) {
		return map_exception(nullptr, 0);
	}
}

extern "C" void xc_query_free(xc_query *q)
{
	try {
		delete q;
	} catch (...) {
	}
}

/* ---- search ------------------------------------------------------------ */

/* Everything a caller may ask about a hit is copied out while searching:
 * a later read of the database could go STALE, and the reader may have
 * been reopened in between. */
struct xc_row {
	xc_hit hit;
	bool have_data = false; /* data fetched (see xc_search_opts.pick) */
	std::string data;
	std::vector<std::pair<uint32_t, std::string>> values; /* slot order */
	std::vector<std::string> terms;			      /* matching */
};

struct xc_results {
	std::vector<xc_row> rows;
	uint32_t lower, est, upper;
	/* Query term -> (termfreq, termweight) in this result set. */
	std::map<std::string, std::pair<uint32_t, double>> stats;
};

/* A pick callback's failure, carried out of run_search. */
struct pick_error {
	lede_status st;
};

extern "C" lede_status xc_pick_none(const xc_results *, unsigned char *,
				    void *)
{
	return LEDE_OK;
}

static void apply_sort(Xapian::Enquire &enq, const xc_search_opts &o)
{
	switch (o.sort) {
	case XC_SORT_RELEVANCE:
	case XC_SORT_DOCID:
		enq.set_sort_by_relevance();
		break;
	case XC_SORT_VALUE:
		enq.set_sort_by_value(o.sort_slot, o.sort_reverse != 0);
		break;
	case XC_SORT_VALUE_THEN_RELEVANCE:
		enq.set_sort_by_value_then_relevance(o.sort_slot,
						     o.sort_reverse != 0);
		break;
	case XC_SORT_RELEVANCE_THEN_VALUE:
		enq.set_sort_by_relevance_then_value(o.sort_slot,
						     o.sort_reverse != 0);
		break;
	}
	enq.set_docid_order(o.docid_descending ? Xapian::Enquire::DESCENDING
					       : Xapian::Enquire::ASCENDING);
}

/* Each hit's query terms, in query order: what Enquire::get_matching_terms
 * gives, but read from the posting lists the match has just used rather
 * than from each hit's term list. libxapian 1.4 trusts term-list data (a
 * garbled termlist.glass crashed lede-search in GlassTermList::next), and
 * searching needs that table nowhere else. One pass per term over the
 * hits in docid order. */
static void matching_terms(xc_results &res, const Xapian::Database &db,
			   const Xapian::Query &q)
{
	std::vector<std::string> terms;
	std::vector<size_t> order(res.rows.size());

	for (Xapian::TermIterator t = q.get_terms_begin();
	     t != q.get_terms_end(); ++t)
		if (!(*t).empty() &&
		    std::find(terms.begin(), terms.end(), *t) == terms.end())
			terms.push_back(*t);
	for (size_t i = 0; i < order.size(); i++)
		order[i] = i;
	std::sort(order.begin(), order.end(), [&res](size_t a, size_t b) {
		return res.rows[a].hit.docid < res.rows[b].hit.docid;
	});
	for (const std::string &t : terms) {
		Xapian::PostingIterator p = db.postlist_begin(t);
		const Xapian::PostingIterator end = db.postlist_end(t);

		for (size_t i : order) {
			Xapian::docid d = res.rows[i].hit.docid;

			p.skip_to(d);
			if (p == end)
				break;
			if (*p == d)
				res.rows[i].terms.push_back(t);
		}
	}
}

/* An accept callback's failure, carried out of the match. */
struct accept_error {
	lede_status st;
};

/* A failure inside a docview call (a reader overtaken by a writer, say)
 * is kept and thrown again once the callback returns, so that xc_search
 * reopens and retries as for any other failure of the match. */
struct xc_docview {
	const Xapian::Database &db;
	const Xapian::Document &doc;
	std::string data;
	bool have_data;
	std::string value;
	std::exception_ptr failure;
};

extern "C" lede_status xc_docview_value(const char **val, size_t *len,
					xc_docview *d, uint32_t slot)
{
	try {
		d->value = d->doc.get_value(slot);
		*val = d->value.data();
		*len = d->value.size();
		return LEDE_OK;
	} catch (...) {
		*val = "";
		*len = 0;
		d->failure = std::current_exception();
		return LEDE_ERR_IO;
	}
}

extern "C" lede_status xc_docview_data(const char **data, size_t *len,
				       xc_docview *d)
{
	try {
		if (!d->have_data) {
			d->data = d->doc.get_data();
			d->have_data = true;
		}
		*data = d->data.data();
		*len = d->data.size();
		return LEDE_OK;
	} catch (...) {
		*data = nullptr;
		*len = 0;
		d->failure = std::current_exception();
		return LEDE_ERR_IO;
	}
}

/* By the posting lists, as the match reads them, rather than by the
 * document's term list (see matching_terms). A prefix looks at each term
 * it starts, at most XC_DOCVIEW_PREFIX_MAX of them. Over several shards
 * the decider's document knows only its docid within its shard, not
 * which shard: the term list is read then (the one place a search reads
 * one; libxapian 1.4 trusts its bytes, see matching_terms). */
#define XC_DOCVIEW_PREFIX_MAX 1000
extern "C" int xc_docview_has_term(xc_docview *d, const char *term,
				   size_t len, int prefix)
{
	try {
		Xapian::docid did = d->doc.get_docid();
		std::string t(term, len);
		auto holds = [&](const std::string &name) {
			Xapian::PostingIterator p = d->db.postlist_begin(name);
			p.skip_to(did);
			return p != d->db.postlist_end(name) && *p == did;
		};

		if (d->db.size() != 1) {
			Xapian::TermIterator i = d->doc.termlist_begin();
			i.skip_to(t);
			if (i == d->doc.termlist_end())
				return 0;
			const std::string &name = *i;
			return prefix ? name.compare(0, t.size(), t) == 0
				      : name == t;
		}
		if (!prefix)
			return holds(t);
		unsigned n = 0;
		for (Xapian::TermIterator i = d->db.allterms_begin(t);
		     i != d->db.allterms_end(t) && n < XC_DOCVIEW_PREFIX_MAX;
		     ++i, ++n)
			if (holds(*i))
				return 1;
		return 0;
	} catch (...) {
		d->failure = std::current_exception();
		return 0;
	}
}

/* Xapian's match decider over xc_search_opts.accept. The data of the
 * accepted matches is kept (up to XC_ACCEPT_KEEP_MAX of them) for the
 * page, which would otherwise read and inflate it again, under the
 * page's docid: Document::get_docid() is the docid within its own
 * database, which on several databases (time shards, a stub) another
 * shard's document shares, so it serves as the key on one database
 * only; accept_ahead, which knows the MSet's docid, gives it as
 * page_docid. */
#define XC_ACCEPT_KEEP_MAX 1024
class AcceptDecider : public Xapian::MatchDecider {
	const Xapian::Database &db;
	const xc_search_opts &o;

    public:
	mutable std::unordered_map<Xapian::docid, std::string> kept;
	Xapian::docid page_docid = 0; /* the MSet's docid of the document
					 checked, or 0 (in the match) */

	AcceptDecider(const Xapian::Database &db_, const xc_search_opts &o_)
	    : db(db_), o(o_)
	{
	}

	bool operator()(const Xapian::Document &doc) const override
	{
		xc_docview v{ db, doc, std::string(), false, std::string(),
			      nullptr };
		int ok = 1;
		lede_status st = o.accept(&v, &ok, o.accept_ctx);

		if (v.failure)
			std::rethrow_exception(v.failure);
		if (st != LEDE_OK)
			throw accept_error{ st };
		if (ok && v.have_data && kept.size() < XC_ACCEPT_KEEP_MAX &&
		    (db.size() == 1 || page_docid != 0))
			kept.emplace(page_docid ? page_docid : doc.get_docid(),
				     std::move(v.data));
		return ok != 0;
	}
};

/* The data of the hit did (the page's docid): kept by the decider, or
 * read now. */
static std::string hit_data(const AcceptDecider *dec, Xapian::docid did,
			    const Xapian::Document &doc)
{
	if (dec) {
		auto k = dec->kept.find(did);
		if (k != dec->kept.end()) {
			std::string d = std::move(k->second);
			dec->kept.erase(k); /* a docid shows once */
			return d;
		}
	}
	return doc.get_data();
}

/* The accept check ahead of the match, for a page ranked by relevance
 * alone: Xapian ranks the first XC_ACCEPT_AHEAD_MIN matches without a
 * decider, and they are checked in rank order; while too few pass, it
 * ranks XC_ACCEPT_AHEAD_GROWTH times as many (each match is checked once).
 * Every match Xapian did not rank scores no higher than the last it did
 * (and on a tie comes after it), so once the page and one more are
 * accepted, the page is exactly what the decider would give: the checks
 * are about the page over the share accepted, where the decider checks
 * every match that beats the page's weakest so far (about k ln(N/k) of
 * N). Past XC_ACCEPT_AHEAD_MAX matches the decider runs as usual. */
#define XC_ACCEPT_AHEAD_MIN 48
#define XC_ACCEPT_AHEAD_GROWTH 4
#define XC_ACCEPT_AHEAD_MAX 6144
/* When the first ranking holds every match and there are at most this
 * many, all are checked and the counts are exact; more, and the checks stop
 * with the page, the counts estimated from the share accepted, as after a
 * ranking that did not hold them all. (48 first, not 24: a phrase of
 * frequent words that one article in three or four holds, such as "pct
 * last year", then needs one ranking of its words' AND, not two: the
 * benchmark's phrases took 12% fewer instructions, their slowest 22-34%
 * fewer.) */
#define XC_ACCEPT_COUNT_ALL_MAX 24

struct accept_pass {
	Xapian::MSet mset;
	std::vector<Xapian::MSetIterator> page; /* the accepted, shown */
	uint32_t lower, est, upper;
};

/* False when the check must fall back to the decider. */
static bool accept_ahead(accept_pass &out, Xapian::Enquire &enq,
			 const xc_search_opts &o, AcceptDecider &dec)
{
	uint64_t need = (uint64_t)o.first + o.max_items + 1;
	std::unordered_map<Xapian::docid, bool> seen;

	if (o.sort != XC_SORT_RELEVANCE || o.collapse_slot != XC_NO_SLOT ||
	    o.bool_weight || o.check_at_least > need)
		return false;
	for (uint64_t ahead = std::max<uint64_t>(2 * need,
						 XC_ACCEPT_AHEAD_MIN);
	     ahead <= XC_ACCEPT_AHEAD_MAX; ahead *= XC_ACCEPT_AHEAD_GROWTH) {
		uint32_t accepted = 0, checked = 0;

		out.page.clear();
		out.mset = enq.get_mset(Xapian::doccount(0),
					Xapian::doccount(ahead),
					Xapian::doccount(0));
		bool all = out.mset.size() < ahead; /* every match is here */
		bool count_all =
		    all && out.mset.size() <= XC_ACCEPT_COUNT_ALL_MAX;
		Xapian::MSetIterator it = out.mset.begin();
		for (; it != out.mset.end() && (count_all || accepted < need);
		     ++it) {
			auto known = seen.find(*it);
			bool ok;

			if (known != seen.end()) {
				ok = known->second;
			} else {
				dec.page_docid = *it;
				ok = dec(it.get_document());
				dec.page_docid = 0;
				seen.emplace(*it, ok);
			}
			checked++;
			if (!ok)
				continue;
			if (accepted >= o.first &&
			    accepted < o.first + o.max_items)
				out.page.push_back(it);
			accepted++;
		}
		if (!all && accepted < need)
			continue;
		if (all && it == out.mset.end()) {
			out.lower = out.est = out.upper = accepted;
		} else {
			uint32_t rejected = checked - accepted;
			out.lower = accepted;
			out.upper =
			    out.mset.get_matches_upper_bound() - rejected;
			out.est = (uint32_t)(out.mset.get_matches_estimated() *
					     (double)accepted / checked + 0.5);
			out.est = std::max(out.lower,
					   std::min(out.est, out.upper));
		}
		return true;
	}
	return false;
}

/* The weighting scheme of a search with o. */
static void apply_weighting(Xapian::Enquire &enq, const xc_search_opts &o)
{
	/* Docid order only decides among equal weights, so sorting by docid
	 * means making every weight equal. */
	if (o.bool_weight || o.sort == XC_SORT_DOCID)
		enq.set_weighting_scheme(Xapian::BoolWeight());
	else
		enq.set_weighting_scheme(
		    Xapian::BM25Weight(o.k1, o.k2, o.k3, o.b, o.min_normlen));
}

/* One attempt: a fresh Enquire (cheap, and never shared between calls),
 * the match, then every hit's data, values, matching terms and collapse
 * count. Throws; the caller retries DatabaseModifiedError. */
static void run_search(xc_results &res, const Xapian::Database &db,
		       const Xapian::Query &q, const xc_search_opts &o)
{
	Xapian::Enquire enq(db);

	enq.set_query(q);
	apply_weighting(enq, o);
	apply_sort(enq, o);
	if (o.collapse_slot != XC_NO_SLOT)
		enq.set_collapse_key(o.collapse_slot,
				     o.collapse_max ? o.collapse_max : 1);

	/* No MSet::fetch(): it is only a prefetch hint, and on 1.4.22 it
	 * crashes when first > 0 (measured: SIGSEGV in request_doc). */
	std::unique_ptr<AcceptDecider> dec;
	accept_pass ahead;
	bool two_pass = false;
	Xapian::MSet mset;
	std::vector<Xapian::MSetIterator> items;

	if (o.accept) {
		dec.reset(new AcceptDecider(db, o));
		two_pass = accept_ahead(ahead, enq, o, *dec);
	}
	if (two_pass) {
		mset = ahead.mset;
		items = ahead.page;
		res.lower = ahead.lower;
		res.est = ahead.est;
		res.upper = ahead.upper;
	} else {
		mset = enq.get_mset(o.first, o.max_items, o.check_at_least,
				    nullptr, dec.get());
		for (Xapian::MSetIterator it = mset.begin(); it != mset.end();
		     ++it)
			items.push_back(it);
		res.lower = mset.get_matches_lower_bound();
		res.est = mset.get_matches_estimated();
		res.upper = mset.get_matches_upper_bound();
	}
	res.rows.clear();
	res.stats.clear();
	double scale = o.weight_scale > 0 ? o.weight_scale : 1.0;

	for (Xapian::TermIterator t = q.get_unique_terms_begin();
	     t != q.get_unique_terms_end(); ++t) {
		if ((*t).empty())
			continue;
		double tw = 0.0;
		try {
			tw = mset.get_termweight(*t);
		} catch (const Xapian::InvalidArgumentError &) {
			/* Not weighted (under a filter, or BoolWeight). */
		}
		res.stats[*t] = std::make_pair(mset.get_termfreq(*t), tw * scale);
	}
	res.rows.reserve(items.size());
	std::vector<Xapian::Document> docs;
	docs.reserve(items.size());
	for (size_t i = 0; i < items.size(); i++) {
		const Xapian::MSetIterator &it = items[i];
		xc_row row;
		docs.push_back(it.get_document());
		const Xapian::Document &doc = docs.back();

		row.hit.docid = *it;
		row.hit.rank = two_pass ? o.first + (uint32_t)i : it.get_rank();
		row.hit.weight = it.get_weight() * scale;
		row.hit.percent = it.get_percent();
		row.hit.collapse_count = it.get_collapse_count();
		if (o.no_values) {
			/* none */
		} else if (o.values_mask == 0) {
			for (Xapian::ValueIterator v = doc.values_begin();
			     v != doc.values_end(); ++v)
				row.values.emplace_back(v.get_valueno(), *v);
		}
		res.rows.push_back(std::move(row));
	}
	/* Records and values are read in docid order: glass's cursor keeps
	 * the blocks on its last path through the B-tree, so hits in rank
	 * order, jumping about, read a branch block again and again (one
	 * pread of 8 KB each); and it keeps each value slot's docid-ordered
	 * chunk last read, so alternating slots read a chunk (often a block)
	 * per value. */
	std::vector<size_t> order(res.rows.size());
	for (size_t i = 0; i < order.size(); i++)
		order[i] = i;
	std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
		return res.rows[a].hit.docid < res.rows[b].hit.docid;
	});
	if (!o.no_values && o.values_mask != 0 && !res.rows.empty()) {
		for (uint32_t s = 0; s < 32; s++) {
			if (!(o.values_mask & (UINT32_C(1) << s)))
				continue;
			for (size_t i : order) {
				std::string v = docs[i].get_value(s);
				if (!v.empty())
					res.rows[i].values.emplace_back(
					    s, std::move(v));
			}
		}
	}
	/* Without a pick every row's data is wanted. */
	std::vector<unsigned char> want(res.rows.size() + 1, !o.pick);
	if (o.pick) {
		/* called for an empty result too: a rerun after a reopen
		 * must replace what the pick of an earlier attempt left */
		lede_status st = o.pick(&res, want.data(), o.pick_ctx);
		if (st != LEDE_OK)
			throw pick_error{st};
	}
	for (size_t i : order) {
		if (!want[i])
			continue;
		res.rows[i].data =
		    hit_data(dec.get(), res.rows[i].hit.docid, docs[i]);
		res.rows[i].have_data = true;
	}
	if (o.matching_terms)
		matching_terms(res, db, q);
}

static lede_status check_opts(char *dst, size_t cap, const xc_search_opts &o)
{
	if (o.version != 1)
		return set_err(dst, cap, LEDE_ERR_INVALID, "",
			       "unknown search options version");
	switch (o.sort) {
	case XC_SORT_RELEVANCE:
	case XC_SORT_DOCID:
		return LEDE_OK;
	case XC_SORT_VALUE:
	case XC_SORT_VALUE_THEN_RELEVANCE:
	case XC_SORT_RELEVANCE_THEN_VALUE:
		if (o.sort_slot == XC_NO_SLOT)
			return set_err(dst, cap, LEDE_ERR_INVALID, "",
				       "sort by value needs a slot");
		return LEDE_OK;
	}
	return set_err(dst, cap, LEDE_ERR_INVALID, "", "unknown sort order");
}

/* Failures with no newer revision to move to before a search calls the
 * index damaged, waiting XC_SUSPECT_WAIT_MS more before each: real damage
 * fails every time; a writer caught between writing a block and
 * committing it (api_concurrency saw "Expected block 202 to be level 1"
 * on a reader at the newest commit) has committed by then. */
#define XC_SUSPECT_RETRIES 5
#define XC_SUSPECT_WAIT_MS 10

/* Counts a suspect failure and waits before the next attempt; true when
 * there were too many. */
static bool suspect_again(unsigned *suspect)
{
	struct timespec ts;

	if (++*suspect >= XC_SUSPECT_RETRIES)
		return true;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)*suspect * XC_SUSPECT_WAIT_MS * 1000000L;
	nanosleep(&ts, nullptr);
	return false;
}

/* Runs q on r (opts NULL: XC_SEARCH_OPTS_INIT). A reader overtaken by a
 * writer (DatabaseModifiedError) is reopened and the search run again, up
 * to opts->stale_retries times; then STALE. A too-broad XC_WILD_ERROR
 * prefix gives QUERY. *out is the caller's (xc_results_free). */
extern "C" lede_status xc_search(xc_results **out, xc_reader *r,
				 const xc_query *q, const xc_search_opts *opts)
{
	static const xc_search_opts defaults = XC_SEARCH_OPTS_INIT;
	xc_results *res = nullptr;

	try {
		*out = nullptr;
		if (!r)
			return LEDE_ERR_INVALID;
		if (!q)
			return set_err(r->err, sizeof r->err, LEDE_ERR_INVALID,
				       "", "no query");
		const xc_search_opts &o = opts ? *opts : defaults;
		lede_status s = check_opts(r->err, sizeof r->err, o);
		if (s != LEDE_OK)
			return s;
		res = new xc_results();
		/* A reader overtaken by a writer gets Modified, and sometimes
		 * a torn block that looks damaged (Corrupt) or a missing
		 * document (DocNotFound): reopen at the newest commit and run
		 * again. When there is no newer commit, the failure may be
		 * damage, or a race reopen() did not see: after a few of
		 * those in a row it is damage. */
		unsigned suspect = 0;
		for (unsigned attempt = 0;; attempt++) {
			try {
				run_search(*res, r->db, resolve(*q->n, r->db),
					   o);
				break;
			} catch (const Xapian::DatabaseModifiedError &) {
				if (attempt >= o.stale_retries)
					throw;
				if (!r->db.reopen() && suspect_again(&suspect))
					throw Xapian::DatabaseCorruptError(
					    "a block claims a revision the "
					    "database does not have");
			} catch (const Xapian::DatabaseCorruptError &) {
				if (attempt >= o.stale_retries ||
				    (!r->db.reopen() && suspect_again(&suspect)))
					throw;
			} catch (const Xapian::DocNotFoundError &e) {
				if (attempt >= o.stale_retries)
					throw Xapian::DatabaseModifiedError(
					    e.get_msg());
				if (!r->db.reopen() && suspect_again(&suspect))
					throw Xapian::DatabaseCorruptError(
					    "a matching document is missing: " +
					    e.get_msg());
			}
		}
		*out = res;
		return LEDE_OK;
	} catch (const pick_error &e) {
		delete res;
		return set_err(r->err, sizeof r->err, e.st, "",
			       "the caller's pick of hits failed");
	} catch (const accept_error &e) {
		delete res;
		return set_err(r->err, sizeof r->err, e.st, "",
			       "checking a match against its text failed");
	} catch (...) {
		delete res;
		return fail_reader(r);
	}
}

/* The result accessors only read what xc_search copied out; their try
 * blocks are the binding's rule, not an expected path. */
/* ---- explain ----------------------------------------------------------- */

/* A document's score is the sum of the weights of the query's leaves that
 * match it, each scaled by the factors above it; a leaf counts when its
 * whole path matches: every leaf of an AND that matched, an OR's branch
 * (or an AND_MAYBE's right side) only when that branch matches, never
 * the right side of AND_NOT or FILTER. Xapian 1.4 reports only the total,
 * so each part is weighed by a search of its own: the part, scaled as in
 * the query, FILTERed by the document's unique term and the branches its
 * path needs. The collection statistics are the database's in every
 * search, so the parts' weights add up to the score. */
struct explain_line {
	std::string label;
	double weight;
};

struct explainer {
	const Xapian::Database &db;
	const xc_search_opts &o;
	Xapian::Query doc; /* the document's unique term */
	std::vector<Xapian::Query> conds; /* branches the path needs */
	std::vector<explain_line> lines;

	explainer(const Xapian::Database &db_, const xc_search_opts &o_,
		  const std::string &uid)
	    : db(db_), o(o_), doc(uid)
	{
	}

	/* part's weight in the document, times factor; 0 when it or a
	 * branch of conds does not match */
	double weigh(const Xapian::Query &part, double factor)
	{
		std::vector<Xapian::Query> need(conds);
		need.push_back(doc);
		Xapian::Query filter(Xapian::Query::OP_AND, need.begin(),
				     need.end());
		Xapian::Enquire enq(db);
		enq.set_query(Xapian::Query(Xapian::Query::OP_FILTER,
					    Xapian::Query(factor, part),
					    filter));
		apply_weighting(enq, o);
		Xapian::MSet m = enq.get_mset(0, 1);
		return m.empty() ? 0.0 : m.begin().get_weight();
	}

	void part(const std::string &label, const xc_qnode &n, double factor)
	{
		lines.push_back({ label, weigh(resolve(n, db), factor) });
	}

	/* n's subquery i, which counts only when it matches */
	void branch(const xc_qnode &n, size_t i, double factor)
	{
		conds.push_back(resolve(*n.subs[i], db));
		walk(*n.subs[i], factor);
		conds.pop_back();
	}

	void walk(const xc_qnode &n, double factor)
	{
		if (factor == 0.0)
			return;
		switch (n.kind) {
		case QN_LABEL:
			part(n.prefix, n, factor);
			return;
		case QN_PREFIX:
			part(n.prefix + "*", n, factor);
			return;
		case QN_SCALE:
			walk(*n.subs[0], factor * n.factor);
			return;
		case QN_PLAIN:
			if (n.q.get_type() == Xapian::Query::LEAF_TERM)
				part(*n.q.get_terms_begin(), n, factor);
			else if (n.q.get_type() !=
				     Xapian::Query::LEAF_MATCH_NOTHING)
				part(n.q.get_description(), n, factor);
			return;
		case QN_COMBINE:
			break;
		}
		switch (n.op) {
		case Xapian::Query::OP_AND:
		case Xapian::Query::OP_PHRASE:
		case Xapian::Query::OP_NEAR:
			for (const auto &sub : n.subs)
				walk(*sub, factor);
			return;
		case Xapian::Query::OP_OR:
			for (size_t i = 0; i < n.subs.size(); i++)
				branch(n, i, factor);
			return;
		case Xapian::Query::OP_AND_MAYBE:
			walk(*n.subs[0], factor);
			for (size_t i = 1; i < n.subs.size(); i++)
				branch(n, i, factor);
			return;
		case Xapian::Query::OP_AND_NOT:
		case Xapian::Query::OP_FILTER:
			if (!n.subs.empty())
				walk(*n.subs[0], factor);
			return;
		default:
			/* SYNONYM, MAX, ELITE_SET: weighed as a whole */
			part(n.q.get_description(), n, factor);
			return;
		}
	}
};

extern "C" lede_status xc_explain(xc_reader *r, const xc_query *q,
				  const xc_search_opts *opts, const char *uid,
				  size_t uid_len, xc_explain_cb cb, void *ctx)
{
	static const xc_search_opts defaults = XC_SEARCH_OPTS_INIT;

	try {
		if (!r)
			return LEDE_ERR_INVALID;
		if (!q || !uid || uid_len == 0 || !cb)
			return set_err(r->err, sizeof r->err, LEDE_ERR_INVALID,
				       "", "explain needs a query, a document "
				       "and a callback");
		const xc_search_opts &o = opts ? *opts : defaults;
		double scale = o.weight_scale > 0 ? o.weight_scale : 1.0;
		std::vector<explain_line> lines;
		for (unsigned attempt = 0;; attempt++) {
			try {
				explainer e(r->db, o, std::string(uid, uid_len));
				e.walk(*q->n, 1.0);
				lines = std::move(e.lines);
				break;
			} catch (const Xapian::DatabaseModifiedError &) {
				if (attempt >= o.stale_retries)
					throw;
				r->db.reopen();
			}
		}
		for (const explain_line &l : lines)
			if (cb(ctx, l.label.data(), l.label.size(),
			       l.weight * scale))
				break;
		return LEDE_OK;
	} catch (...) {
		return fail_reader(r);
	}
}

extern "C" size_t xc_results_count(const xc_results *m)
{
	try {
		return m ? m->rows.size() : 0;
	} catch (...) {
		return 0;
	}
}

extern "C" void xc_results_estimate(uint32_t *lower, uint32_t *est,
				    uint32_t *upper, const xc_results *m)
{
	try {
		if (lower)
			*lower = m ? m->lower : 0;
		if (est)
			*est = m ? m->est : 0;
		if (upper)
			*upper = m ? m->upper : 0;
	} catch (...) {
	}
}

extern "C" lede_status xc_results_hit(xc_hit *out, const xc_results *m,
				      size_t i)
{
	try {
		if (!m || i >= m->rows.size())
			return LEDE_ERR_INVALID;
		*out = m->rows[i].hit;
		return LEDE_OK;
	} catch (...) {
		return map_exception(nullptr, 0);
	}
}

extern "C" lede_status xc_results_data(const char **data, size_t *len,
				       const xc_results *m, size_t i)
{
	try {
		*data = nullptr;
		*len = 0;
		if (!m || i >= m->rows.size() || !m->rows[i].have_data)
			return LEDE_ERR_INVALID;
		*data = m->rows[i].data.c_str();
		*len = m->rows[i].data.size();
		return LEDE_OK;
	} catch (...) {
		return map_exception(nullptr, 0);
	}
}

/* A slot the hit has no value in gives "" (Xapian's convention). */
extern "C" lede_status xc_results_value(const char **val, size_t *len,
					const xc_results *m, size_t i,
					uint32_t slot)
{
	try {
		*val = "";
		*len = 0;
		if (!m || i >= m->rows.size())
			return LEDE_ERR_INVALID;
		for (const auto &v : m->rows[i].values) {
			if (v.first == slot) {
				*val = v.second.c_str();
				*len = v.second.size();
				break;
			}
		}
		return LEDE_OK;
	} catch (...) {
		return map_exception(nullptr, 0);
	}
}

/* Calls cb per query term matching hit i, with its termfreq in the set. */
extern "C" lede_status xc_results_matching_terms(const xc_results *m, size_t i,
						 xc_term_cb cb, void *ctx)
{
	try {
		if (!m || i >= m->rows.size() || !cb)
			return LEDE_ERR_INVALID;
		for (const std::string &t : m->rows[i].terms) {
			auto st = m->stats.find(t);
			uint32_t freq =
			    st != m->stats.end() ? st->second.first : 0;
			if (cb(ctx, t.data(), t.size(), freq))
				break;
		}
		return LEDE_OK;
	} catch (...) {
		return map_exception(nullptr, 0);
	}
}

extern "C" uint32_t xc_results_termfreq(const xc_results *m, const char *term,
					size_t len)
{
	try {
		if (!m || !term)
			return 0;
		auto st = m->stats.find(std::string(term, len));
		return st != m->stats.end() ? st->second.first : 0;
	} catch (...) {
		return 0;
	}
}

extern "C" double xc_results_termweight(const xc_results *m, const char *term,
					size_t len)
{
	try {
		if (!m || !term)
			return 0.0;
		auto st = m->stats.find(std::string(term, len));
		return st != m->stats.end() ? st->second.second : 0.0;
	} catch (...) {
		return 0.0;
	}
}

extern "C" void xc_results_free(xc_results *m)
{
	try {
		delete m;
	} catch (...) {
	}
}

/* ---- stemming, values -------------------------------------------------- */

struct xc_stemmer {
	Xapian::Stem stem;
	std::string out;
};

extern "C" const char *xc_stem_languages(void)
{
	/* Xapian::Stem::get_available_languages() on 1.4.22; kept static so
	 * callers get a stable pointer. Checked against the library in the
	 * binding's tests. */
	try {
		return "arabic armenian basque catalan danish dutch "
		       "earlyenglish english finnish french german german2 "
		       "hungarian indonesian irish italian kraaij_pohlmann "
		       "lithuanian lovins nepali norwegian porter portuguese "
		       "romanian russian spanish swedish tamil turkish";
	} catch (...) {
		return "";
	}
}

extern "C" lede_status xc_stem_languages_live(char **out, size_t *out_len)
{
	try {
		clear_string_out(out, out_len);
		give_string(out, out_len,
			    Xapian::Stem::get_available_languages());
		return LEDE_OK;
	} catch (...) {
		return map_exception(nullptr, 0);
	}
}

/* Unknown language: INVALID, with every language Xapian offers ("none" is
 * the no-op stemmer) in the message. */
extern "C" lede_status xc_stemmer_new(xc_stemmer **out, const char *lang,
				      lede_err *err)
{
	xc_stemmer *s = nullptr;

	try {
		*out = nullptr;
		if (!lang)
			return err_set(err, LEDE_ERR_INVALID, "no language");
		s = new xc_stemmer;
		s->stem = Xapian::Stem(lang);
		*out = s;
		return LEDE_OK;
	} catch (const Xapian::InvalidArgumentError &) {
		delete s;
		return err_set(err, LEDE_ERR_INVALID,
			       "unknown language '%s'; available: none %s",
			       lang, xc_stem_languages());
	} catch (...) {
		delete s;
		return fail_err(err);
	}
}

extern "C" lede_status xc_stem(char *buf, size_t cap, size_t *out_len,
			       xc_stemmer *s, const char *word, size_t len)
{
	try {
		*out_len = 0;
		if (!s || (!word && len > 0))
			return LEDE_ERR_INVALID;
		s->out = s->stem(len ? std::string(word, len) : std::string());
		*out_len = s->out.size();
		if (s->out.size() > cap)
			return LEDE_ERR_TOO_BIG;
		std::memcpy(buf, s->out.data(), s->out.size());
		return LEDE_OK;
	} catch (...) {
		*out_len = 0;
		return map_exception(nullptr, 0);
	}
}

extern "C" void xc_stemmer_free(xc_stemmer *s)
{
	try {
		delete s;
	} catch (...) {
	}
}

extern "C" size_t xc_sortable_serialise(char out[XC_SORTABLE_MAX], double v)
{
	try {
		return Xapian::sortable_serialise_(v, out);
	} catch (...) {
		return 0;
	}
}

extern "C" double xc_sortable_unserialise(const char *p, size_t len)
{
	try {
		return Xapian::sortable_unserialise(std::string(p, len));
	} catch (...) {
		return 0.0;
	}
}

/* ---- maintenance ------------------------------------------------------- */

/* Merges the sources (in order) into dst with Compactor::FULL. FULLER is
 * never used: on 1.4.22 it has corner-case bugs and gives bigger glass
 * output (xapian.md 1). The output is synced, so it is the safe end of a
 * DB_NO_SYNC bulk build. */
extern "C" lede_status xc_compact(const char *const *src, size_t n,
				  const char *dst, unsigned flags,
				  lede_err *err)
{
	const unsigned known = XC_COMPACT_NO_RENUMBER | XC_COMPACT_MULTIPASS |
			       XC_COMPACT_SINGLE_FILE;

	try {
		unsigned xf = Xapian::Compactor::FULL;

		if (!src || n == 0 || !dst || !*dst)
			return err_set(err, LEDE_ERR_INVALID,
				       "compaction needs sources and a "
				       "destination");
		if (flags & ~known)
			return err_set(err, LEDE_ERR_INVALID,
				       "unknown compaction flags 0x%x", flags);
		for (size_t i = 0; i < n; i++)
			if (!src[i] || !*src[i])
				return err_set(err, LEDE_ERR_INVALID,
					       "compaction source %zu is empty",
					       i);
		if (flags & XC_COMPACT_NO_RENUMBER)
			xf |= Xapian::DBCOMPACT_NO_RENUMBER;
		if (flags & XC_COMPACT_MULTIPASS)
			xf |= Xapian::DBCOMPACT_MULTIPASS;
		if (flags & XC_COMPACT_SINGLE_FILE)
			xf |= Xapian::DBCOMPACT_SINGLE_FILE;
		Xapian::Database db;
		for (size_t i = 0; i < n; i++)
			db.add_database(Xapian::Database(src[i]));
		db.compact(dst, xf);
		return LEDE_OK;
	} catch (...) {
		return fail_err(err);
	}
}

/* Database::check on every table; the count of problems goes to
 * *out_errors (LEDE_OK even when it is not 0: the caller judges). A
 * database too damaged to walk gives CORRUPT with *out_errors = 1. */
extern "C" lede_status xc_check(size_t *out_errors, const char *path,
				lede_err *err)
{
	try {
		*out_errors = 0;
		if (!path || !*path)
			return err_set(err, LEDE_ERR_INVALID, "no index path");
		*out_errors = Xapian::Database::check(path, 0, nullptr);
		if (*out_errors)
			err_set(err, LEDE_OK, "%zu errors in '%s'", *out_errors,
				path);
		return LEDE_OK;
	} catch (...) {
		lede_status s = fail_err(err);
		if (s == LEDE_ERR_CORRUPT)
			*out_errors = 1;
		return s;
	}
}
