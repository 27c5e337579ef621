/*
 * lede.h - the public C API of lede, a full-text search engine for news.
 *
 * This is the only installed header. Everything else in the project is
 * internal and may change; what is declared here is stable: status codes are
 * append-only, option structs carry a version field and grow at the end.
 *
 * Conventions (see the README, "Embedding lede"):
 *  - Every fallible call returns lede_status (LEDE_OK == 0). The detail of the
 *    last failure on a handle is lede_errmsg(handle). A NULL handle or
 *    out-pointer is refused with LEDE_ERR_INVALID (no message: there is no
 *    handle to hold one), never a crash.
 *  - Out-parameters come first and are named out.
 *  - Text is UTF-8. Offsets are byte offsets (size_t).
 *  - What a function returns through **out belongs to the caller and is freed
 *    with the matching lede_<type>_free(), which accepts NULL. Getters return
 *    borrowed pointers, valid until the named free.
 *  - Threads: no global state and no init call. One thread at a time per
 *    handle. Any number of reading handles and one writing handle per index,
 *    in any number of processes.
 *  - The library never prints, exits or reads the environment.
 */
#ifndef LEDE_H
#define LEDE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) || defined(__CYGWIN__)
#define LEDE_API
#elif defined(__GNUC__)
#define LEDE_API __attribute__((visibility("default")))
#else
#define LEDE_API
#endif

#define LEDE_VERSION_MAJOR 0
#define LEDE_VERSION_MINOR 1
#define LEDE_VERSION_PATCH 0
#define LEDE_VERSION_STRING "0.1.0"
/* Compile-time check: LEDE_CHECK_VERSION(0, 1, 0) is true for 0.1.0 and later. */
#define LEDE_CHECK_VERSION(maj, min, pat)                                     \
	(LEDE_VERSION_MAJOR > (maj) ||                                        \
	 (LEDE_VERSION_MAJOR == (maj) && LEDE_VERSION_MINOR > (min)) ||       \
	 (LEDE_VERSION_MAJOR == (maj) && LEDE_VERSION_MINOR == (min) &&       \
	  LEDE_VERSION_PATCH >= (pat)))

/* The version of the library linked at run time, e.g. "0.1.0". Static. */
LEDE_API const char *lede_version(void);

/*
 * Status codes. Append-only; never renumbered. They describe what went wrong
 * in terms of lede, not of the storage engine underneath.
 */
typedef enum lede_status {
	LEDE_OK = 0,
	LEDE_ERR_NOMEM = 1,      /* out of memory */
	LEDE_ERR_INVALID = 2,    /* bad argument from the caller */
	LEDE_ERR_NOT_FOUND = 3,  /* index, file or article does not exist */
	LEDE_ERR_EXISTS = 4,     /* index already exists (create without open) */
	LEDE_ERR_LOCKED = 5,     /* another writer holds the index */
	LEDE_ERR_STALE = 6,      /* the index changed under a reader: reopen, retry */
	LEDE_ERR_CORRUPT = 7,    /* the index is damaged */
	LEDE_ERR_VERSION = 8,    /* index format too old or too new */
	LEDE_ERR_SETTINGS = 9,   /* index was made with other analyzer settings */
	LEDE_ERR_IO = 10,        /* read/write failure (disk full, permissions) */
	LEDE_ERR_QUERY = 11,     /* the query cannot be parsed or run */
	LEDE_ERR_READ_ONLY = 12, /* write call on a read-only handle */
	LEDE_ERR_FORMAT = 13,    /* input file malformed beyond recovery */
	LEDE_ERR_TOO_BIG = 14,   /* input over a documented limit */
	LEDE_ERR_BATCH_LOST = 15,/* a write failed; changes since the last commit
	                            were discarded and must be replayed */
	LEDE_ERR_UNSUPPORTED = 16,/* not possible with this index (e.g. remote) */
	LEDE_ERR_NETWORK = 17,   /* a remote shard could not be reached */
	LEDE_ERR_INTERRUPTED = 18,/* stopped by the caller's callback */
	LEDE_ERR_INTERNAL = 19   /* a bug in lede: please report */
} lede_status;

/* A short static English description of a status, never NULL. */
LEDE_API const char *lede_status_str(lede_status s);

/* "No date": the value of lede_article.date when the date is unknown. */
#define LEDE_NO_DATE INT64_MIN

/*
 * One news article, as the readers produce it and as lede_index_add() takes
 * it. All strings are UTF-8; NULL means absent. A borrowed view: the struct
 * and its strings belong to whoever filled it in.
 */
typedef struct lede_article {
	unsigned version;        /* LEDE_ARTICLE_VERSION */
	const char *id;          /* stable article id (required to add) */
	const char *title;
	const char *byline;      /* author name(s), "Jane Doe; John Roe" */
	const char *source;      /* outlet, "Agency News" */
	const char *url;
	const char *lang;        /* ISO 639-1 code, "en" */
	const char *section;     /* main section */
	const char *const *tags; /* more section/topic tags (Reuters TOPICS...) */
	size_t ntags;
	int64_t date;            /* publication time, Unix seconds UTC, or LEDE_NO_DATE */
	const char *body;        /* article text (need not be NUL-terminated) */
	size_t body_len;
	const char *path;        /* the file it was read from, as given to the
	                            indexer (relative to the indexed directory's
	                            parent), or NULL */
} lede_article;

#define LEDE_ARTICLE_VERSION 1
#define LEDE_ARTICLE_INIT                                                     \
	{ LEDE_ARTICLE_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL,     \
	  NULL, 0, LEDE_NO_DATE, NULL, 0, NULL }

/* Input formats understood by the readers. */
typedef enum lede_format {
	LEDE_FORMAT_AUTO = 0,    /* by extension, then by content */
	LEDE_FORMAT_TEXT = 1,    /* plain text / Markdown, one article per file */
	LEDE_FORMAT_JSONL = 2,   /* JSON Lines, one article per line */
	LEDE_FORMAT_TREC = 3,    /* TREC SGML <DOC> */
	LEDE_FORMAT_REUTERS = 4, /* Reuters-21578 SGML */
	LEDE_FORMAT_HTML = 5     /* an HTML news page */
} lede_format;


/* =====================================================================
 * Index handles
 * =================================================================== */

/*
 * An open index. Opened for reading (search) or for writing (add, delete,
 * update; a writing handle can also search and sees what it committed).
 * One thread at a time per handle; any number of reading handles and one
 * writing handle per index across all processes.
 */
typedef struct lede_index lede_index;

/* lede_open_opts.flags */
#define LEDE_OPEN_READ 0u         /* search only */
#define LEDE_OPEN_WRITE 1u        /* take the writer lock */
#define LEDE_OPEN_CREATE 2u       /* create if missing (implies WRITE) */

typedef struct lede_open_opts {
	unsigned version;        /* LEDE_OPEN_OPTS_VERSION */
	unsigned flags;          /* LEDE_OPEN_* */
	/* Analyzer settings. Stored in the index when it is created; when an
	 * existing index is opened with lang set, they must match what it was
	 * created with (else LEDE_ERR_SETTINGS). NULL lang: use the stored one. */
	const char *lang;        /* Snowball language ("english", "french",
	                            ..., "none"); default "english" */
	int fold_accents;        /* 1: café matches cafe (default), 0: no,
	                            -1: whatever the index has */
	unsigned lock_wait_ms;   /* writers: wait this long for another writer
	                            to finish before LEDE_ERR_LOCKED */
	const char *shard_by;    /* on create: "year" or "month" keeps one
	                            database per period (time shards); NULL or
	                            "none": one database. Stored and checked
	                            like the analyzer settings. */
	/* Version 2. */
	double b;                /* on create: BM25's length normalisation
	                            (0 to 1), built into the index's postings
	                            (index format 4), so that a search reads
	                            no document lengths. Negative: the default
	                            0.5 on create, whatever the index has on
	                            open; else checked like lang */
	double avglen;           /* on create: the article length (in words)
	                            that b measures against, fixed for good.
	                            0: the average of the first articles (or
	                            of a sample of the files of a first
	                            lede_index_update). Indexes searched
	                            together (remote shards) rank exactly as
	                            one index only when they share it. Else
	                            checked like lang */
	/* Version 3. */
	int positions;           /* on create: 1 keeps every word's positions
	                            in the index, where Xapian matches phrases
	                            and NEAR (needed to serve them from remote
	                            shards); 0, the default: no positions (an
	                            index about half the size, built a third
	                            faster), and a phrase or NEAR is checked
	                            against the stored text of the candidates.
	                            -1: the default on create, whatever the
	                            index has on open; else checked like lang.
	                            Indexes of formats 2 to 4 have positions */
} lede_open_opts;

/* Version 1 (without b and avglen) and 2 (without positions) callers keep
 * working. */
#define LEDE_OPEN_OPTS_VERSION 3
#define LEDE_OPEN_OPTS_INIT                                                   \
	{ LEDE_OPEN_OPTS_VERSION, LEDE_OPEN_READ, NULL, -1, 0, NULL, -1.0,    \
	  0.0, -1 }

/*
 * Opens (or with LEDE_OPEN_CREATE creates) the index at path, a directory.
 * opts NULL means LEDE_OPEN_OPTS_INIT (read-only).
 *
 * Like sqlite3_open, *out is set to a handle even when the open fails
 * (except on LEDE_ERR_NOMEM, when it is NULL), so that lede_errmsg(*out)
 * can say why; the caller always calls lede_index_close(*out).
 *
 * Returns LEDE_OK; LEDE_ERR_NOT_FOUND (no index at path, and no CREATE);
 * LEDE_ERR_LOCKED (WRITE: another writer holds the index, after waiting
 * lock_wait_ms); LEDE_ERR_SETTINGS (lang/fold_accents/b/avglen differ from the
 * index's); LEDE_ERR_VERSION (index made by an incompatible lede);
 * LEDE_ERR_CORRUPT; LEDE_ERR_INVALID (unknown language: the message lists
 * the available ones; bad opts: an unknown version or flag bits; no path;
 * out NULL); LEDE_ERR_IO (permissions, disk); LEDE_ERR_NOMEM.
 * Every setting is checked before anything is written: a create refused
 * with LEDE_ERR_INVALID leaves no directory at path (or an empty one as
 * it was).
 */
LEDE_API lede_status lede_index_open(lede_index **out, const char *path,
                                     const lede_open_opts *opts);

/*
 * Commits pending writes (a writing handle), then frees the handle and all
 * it owns. NULL-safe. Returns the commit's status (LEDE_OK,
 * LEDE_ERR_BATCH_LOST, LEDE_ERR_IO); the handle is freed in every case.
 */
LEDE_API lede_status lede_index_close(lede_index *idx);

/*
 * Moves a reading handle to the index's latest commit. Searches do this by
 * themselves when the index changed under them (LEDE_ERR_STALE is handled
 * inside), so it is only needed to see newer commits.
 * Returns LEDE_OK; LEDE_ERR_NOT_FOUND (the index was removed);
 * LEDE_ERR_VERSION and LEDE_ERR_SETTINGS (it was replaced by one made by
 * an incompatible lede or with other analyzer settings); LEDE_ERR_CORRUPT;
 * LEDE_ERR_IO; LEDE_ERR_NOMEM; LEDE_ERR_INVALID (idx NULL).
 */
LEDE_API lede_status lede_index_reopen(lede_index *idx);

/* Detail of the last failure on idx (never NULL; "" when none). Borrowed,
 * valid until the next call on idx. */
LEDE_API const char *lede_errmsg(const lede_index *idx);

/* Number of articles in the index (last commit seen by this handle).
 * LEDE_OK, or what lede_index_reopen returns (the handle opens its reader
 * on first use); LEDE_ERR_INVALID (NULL). *out is 0 on failure. */
LEDE_API lede_status lede_index_count(uint64_t *out, lede_index *idx);

/* The analyzer language of the index ("english"). Borrowed until close.
 * NULL when idx is NULL. */
LEDE_API const char *lede_index_lang(const lede_index *idx);

/* =====================================================================
 * Writing
 * =================================================================== */

/*
 * Adds the article, or replaces the one with the same id. The article is
 * copied; the caller keeps it. Nothing is visible to searchers before
 * lede_index_commit() (which lede_index_close also does).
 * Returns LEDE_OK; LEDE_ERR_INVALID (no id, or not valid UTF-8);
 * LEDE_ERR_TOO_BIG (body over LEDE_MAX_ARTICLE_BYTES: 8 MiB);
 * LEDE_ERR_READ_ONLY; LEDE_ERR_BATCH_LOST (a write failed: everything since
 * the last commit was discarded; re-add it); LEDE_ERR_IO; LEDE_ERR_NOMEM.
 */
LEDE_API lede_status lede_index_add(lede_index *idx, const lede_article *a);

/* Deletes the article with this id. LEDE_ERR_NOT_FOUND if there is none;
 * LEDE_ERR_INVALID (no id); also LEDE_ERR_READ_ONLY, LEDE_ERR_BATCH_LOST,
 * LEDE_ERR_IO, LEDE_ERR_NOMEM. */
LEDE_API lede_status lede_index_delete(lede_index *idx, const char *id);

/* Makes every change since the last commit durable and visible to new
 * searches, atomically. LEDE_OK, LEDE_ERR_READ_ONLY, LEDE_ERR_BATCH_LOST
 * (the changes since the last commit were discarded: a write failed, or
 * the disk had too little free space to hold the commit, which is checked
 * first; lede_errmsg says which), LEDE_ERR_IO. The index keeps its
 * previous commit in every case. */
LEDE_API lede_status lede_index_commit(lede_index *idx);

/* Compacts the index in place (smaller and faster to search); needs a
 * writing handle. LEDE_OK, LEDE_ERR_READ_ONLY, LEDE_ERR_UNSUPPORTED (a plain
 * Xapian database opened directly, not a lede index: use xapian-compact),
 * LEDE_ERR_IO, LEDE_ERR_NOMEM, LEDE_ERR_INVALID (idx NULL). */
LEDE_API lede_status lede_index_compact(lede_index *idx);

/* Time-sharded index: drops every shard whose period ended before t (Unix
 * seconds), with its articles; *out_dropped (may be NULL) receives the
 * number of shards dropped. Searchers see the change at once; the
 * directories are removed by the next writer. LEDE_OK,
 * LEDE_ERR_UNSUPPORTED (not sharded), LEDE_ERR_READ_ONLY, LEDE_ERR_IO. */
LEDE_API lede_status lede_index_expire_before(lede_index *idx, int64_t t,
                                              unsigned *out_dropped);

/* =====================================================================
 * Updating from files: the readers plus incremental bookkeeping, exactly
 * what lede-index runs.
 * =================================================================== */

typedef struct lede_update_stats {
	uint64_t files_seen;      /* input files found under the paths */
	uint64_t files_read;      /* new or changed files read */
	uint64_t files_unchanged; /* skipped after a stat (or hash) */
	uint64_t files_removed;   /* gone from the roots: articles pruned */
	uint64_t files_failed;    /* unreadable files (reported) */
	uint64_t added;           /* articles new to the index */
	uint64_t updated;         /* articles replaced with changed content */
	uint64_t unchanged;       /* articles re-read but identical */
	uint64_t removed;         /* articles deleted */
	uint64_t skipped;         /* malformed records skipped (reported) */
	uint64_t duplicates;      /* ids in two files: the copy latest in
	                             path order is kept */
	uint64_t bad_utf8;        /* articles with invalid UTF-8 replaced */
	uint64_t no_date;         /* articles without a date of their own
	                             (a text or HTML file's mtime stands
	                             in; others stay undated) */
	uint64_t bad_date;        /* unparseable dates (left empty) */
	uint64_t bytes_read;      /* input bytes read */
	uint64_t commits;         /* commits made */
} lede_update_stats;

typedef enum lede_event_kind {
	LEDE_EVENT_PROBLEM = 1,  /* a skipped record or unreadable file: where, msg */
	LEDE_EVENT_FILE = 2,     /* a file is being read: where */
	LEDE_EVENT_COMMIT = 3,   /* a commit was made */
	LEDE_EVENT_PROGRESS = 4  /* periodic: done/total counters */
} lede_event_kind;

typedef struct lede_event {
	lede_event_kind kind;
	const char *where;        /* "path:line" or path, or NULL */
	const char *msg;          /* for PROBLEM, or NULL */
	lede_status status;       /* for PROBLEM */
	const lede_update_stats *stats; /* counters so far */
	uint64_t files_done, files_total;
	uint64_t bytes_done, bytes_total; /* of files to read */
} lede_event;

/* Return nonzero to stop the update (it then commits what it has done and
 * returns LEDE_ERR_INTERRUPTED). The event is borrowed for the call. */
typedef int (*lede_event_cb)(void *ctx, const lede_event *ev);

typedef struct lede_update_opts {
	unsigned version;             /* LEDE_UPDATE_OPTS_VERSION */
	lede_format format;           /* LEDE_FORMAT_AUTO: per file */
	const char *const *map;       /* JSONL field map, "srcfield=name" */
	size_t nmap;
	const char *const *include;   /* glob patterns on file names; none = all.
	                                 Files left out by include or exclude
	                                 are outside the update: their
	                                 articles stay as they are */
	size_t ninclude;
	const char *const *exclude;   /* glob patterns on names to skip */
	size_t nexclude;
	int prune;                    /* 1: remove articles of files gone from
	                                 the given directories (default 1) */
	int full;                     /* 1: re-read every file */
	unsigned commit_every;        /* articles per commit; 0 = default */
	int latin1;                   /* input is Latin-1, not UTF-8 */
	lede_event_cb on_event;       /* may be NULL; always called from the
	                                 calling thread */
	void *ctx;
	unsigned jobs;                /* worker threads for a build from
	                                 scratch (new index or full): each
	                                 builds part of the index, then the
	                                 parts are merged by compaction; and
	                                 with 2 or more, the files of a big
	                                 directory are stat'ed by two threads
	                                 (a no-change rerun is mostly that).
	                                 0 or 1: one thread; at most
	                                 LEDE_MAX_JOBS. Results are the
	                                 same whatever the number. */
} lede_update_opts;

/* Most worker threads of an update (lede_update_opts.jobs): each holds a
 * Xapian writer with its own buffers, so memory grows with the count; a
 * larger jobs runs this many. */
#define LEDE_MAX_JOBS 16

#define LEDE_UPDATE_OPTS_VERSION 1
#define LEDE_UPDATE_OPTS_INIT                                                 \
	{ LEDE_UPDATE_OPTS_VERSION, LEDE_FORMAT_AUTO, NULL, 0, NULL, 0, NULL,  \
	  0, 1, 0, 0, 0, NULL, NULL, 1 }

/*
 * Brings the index up to date with the files under paths (files,
 * directories searched recursively skipping hidden entries, or "-" for
 * stdin). Incremental: unchanged files are skipped after a stat; changed
 * files are re-read and only their changed articles replaced; articles that
 * vanished from a file are deleted; with prune, files gone from a given
 * directory have their articles removed (not those of files that include
 * or exclude leave out, nor those under a directory or entry the walk
 * could not read, which are reported and kept). Commits every commit_every
 * articles, each commit recording which files it completed, so a killed
 * update loses at most the work since the last commit and a rerun resumes.
 *
 * Bad records and unreadable files are reported through on_event and
 * counted; they do not stop the run. stats (may be NULL) receives totals.
 * Returns LEDE_OK (check stats->skipped / files_failed for problems);
 * LEDE_ERR_READ_ONLY; LEDE_ERR_INTERRUPTED; LEDE_ERR_NOT_FOUND (a path does
 * not exist); LEDE_ERR_IO (disk full: the index keeps its last commit);
 * LEDE_ERR_BATCH_LOST; LEDE_ERR_NOMEM; LEDE_ERR_INVALID (an unknown opts
 * version, paths NULL with n > 0, a NULL entry in paths, include or
 * exclude (the message names its index), idx NULL, a map entry
 * lede_map_check refuses: nothing is read or changed).
 */
LEDE_API lede_status lede_index_update(lede_index *idx,
                                       const char *const *paths, size_t n,
                                       const lede_update_opts *opts,
                                       lede_update_stats *stats);

/* Parses a format name ("text", "jsonl", "trec", "reuters", "html",
 * "auto"). LEDE_ERR_INVALID when unknown. */
LEDE_API lede_status lede_format_parse(lede_format *out, const char *name);

/* The article field names a JSONL mapping may target (for messages). */
#define LEDE_MAP_NAMES                                                        \
	"id title body date byline (or author) source url lang section tags"

/* Checks one JSONL field mapping "SRCFIELD=NAME" (lede_update_opts.map)
 * before any file is read: SRCFIELD not empty, NAME one of
 * LEDE_MAP_NAMES. Returns LEDE_OK or LEDE_ERR_INVALID (NULL, no "=",
 * empty SRCFIELD, unknown NAME). lede_index_update checks every entry
 * the same way and refuses the whole run on a bad one. */
LEDE_API lede_status lede_map_check(const char *entry);

/* =====================================================================
 * Searching
 * =================================================================== */

/* Largest values lede_search accepts for the numeric options (NaN and
 * infinities never): each is far past any useful setting, and keeps the
 * BM25 arithmetic finite (k1 = 1e308 gave scores of NaN).
 * k1: past a few tens BM25 counts term frequency almost linearly
 * (research grids stop near 3). */
#define LEDE_MAX_K1 1000.0
/* title_weight: a title match worth this many body matches. */
#define LEDE_MAX_TITLE_WEIGHT 1000.0
/* recency_days: a half-life of 10,000 years, longer than any dated
 * archive. */
#define LEDE_MAX_RECENCY_DAYS 3652500.0

typedef enum lede_sort {
	LEDE_SORT_RELEVANCE = 0,
	LEDE_SORT_NEWEST = 1,     /* date descending, then relevance */
	LEDE_SORT_OLDEST = 2      /* date ascending, then relevance */
} lede_sort;

typedef struct lede_search_opts {
	unsigned version;         /* LEDE_SEARCH_OPTS_VERSION */
	unsigned limit;           /* hits per page (default 10) */
	unsigned offset;          /* hits to skip */
	lede_sort sort;
	int any;                  /* 1: words are ORed (default AND) */
	int64_t since, until;     /* date range, Unix seconds inclusive, or
	                             LEDE_NO_DATE for unbounded */
	const char *source;       /* exact outlet name filter, or NULL */
	const char *section;      /* section/topic filter, or NULL */
	const char *lang;         /* language code filter, or NULL */
	int collapse;             /* 1: fold near-duplicate copies of a story */
	double recency_days;      /* > 0: multiply scores by 2^(-age/this),
	                             at most LEDE_MAX_RECENCY_DAYS; <= 0:
	                             off */
	unsigned snippets;        /* fragments per hit (default 2; 0 = none) */
	unsigned snippet_chars;   /* about this long (default 160) */
	double k1, b;             /* BM25: k1 up to LEDE_MAX_K1, b up to 1;
	                             negative = lede's defaults. An
	                             index of format 4 has b built in
	                             (lede_open_opts.b): another b is
	                             LEDE_ERR_INVALID there */
	double title_weight;      /* up to LEDE_MAX_TITLE_WEIGHT; negative =
	                             default */
	int64_t now;              /* "now" for relative dates; 0 = the clock */
	int exact_count;          /* 1: count every match (slower) */
	int explain;              /* 1: per hit, the parts of its score
	                             (lede_hit.explain) */
	/* Version 2. */
	int keep_stopwords;       /* 1: stopwords of bag-of-words queries are
	                             searched too (default: dropped unless the
	                             query is all stopwords). Meant for ranked
	                             OR queries, where they add matches; with
	                             AND they only remove them */
	unsigned expand;          /* > 0: pseudo-relevance feedback: the best
	                             terms of the top `expand` hits are added
	                             to the query (ORed with its words,
	                             weighted down) and it is run again; its
	                             filters and exclusions still hold. Only
	                             with LEDE_SORT_RELEVANCE. 0: off
	                             (default) */
	unsigned expand_terms;    /* terms added by expand (0: default 20) */
} lede_search_opts;

/* Version 1 callers (without the fields after explain) keep working. */
#define LEDE_SEARCH_OPTS_VERSION 2
#define LEDE_SEARCH_OPTS_INIT                                                 \
	{ LEDE_SEARCH_OPTS_VERSION, 10, 0, LEDE_SORT_RELEVANCE, 0,             \
	  LEDE_NO_DATE, LEDE_NO_DATE, NULL, NULL, NULL, 0, 0.0, 2, 160,        \
	  -1.0, -1.0, -1.0, 0, 0, 0, 0, 0, 0 }

/* A snippet fragment: plain text (control characters removed) with the
 * byte ranges of the highlighted words. */
typedef struct lede_fragment {
	const char *text;
	size_t len;
	const size_t *highlights; /* nhighlights pairs: start, end (bytes) */
	size_t nhighlights;
	int cut_before;           /* text was elided before this fragment */
	int cut_after;            /* and after it */
} lede_fragment;

/* One part of a hit's score (explain). A hit's parts, in query order,
 * add up to its score; parts it does not match are left out. term names
 * the part: a query word as typed and normalized (`defense`; a word in
 * a field `by:doe`), the title's share of a word that is also in the
 * title (`title:defense`, its title weight applied), a prefix as one part
 * (`spend*`), a word pseudo-relevance feedback added (`feedback:` and its
 * stem), and with recency the score it took off (`(recency)`, a negative
 * weight). A word twice in the query is two parts. */
typedef struct lede_term_weight {
	const char *term;         /* the part's name, as above */
	double weight;            /* its BM25 contribution to the score */
} lede_term_weight;

/* One hit. Borrowed from its results; valid until lede_results_free. */
typedef struct lede_hit {
	lede_article article;     /* stored fields; body is the stored text */
	unsigned rank;            /* 1-based, across pages */
	double score;             /* relevance (after any recency decay) */
	unsigned duplicates;      /* with collapse: other copies folded in */
	const lede_fragment *title; /* the title with highlights, or NULL */
	const lede_fragment *snippets;
	size_t nsnippets;
	const lede_term_weight *explain; /* with opts.explain */
	size_t nexplain;
} lede_hit;

typedef struct lede_results lede_results;

/*
 * Runs query (lede's query language, see the README) against idx.
 * opts NULL = LEDE_SEARCH_OPTS_INIT. *out (NULL on failure) is the
 * caller's, freed with lede_results_free; it does not depend on idx staying
 * open. A reader overtaken by a writer is reopened and the search retried
 * inside. opts->version 1 (callers built before keep_stopwords and expand)
 * and 2 are accepted; any other is LEDE_ERR_INVALID. With opts->expand the
 * query runs twice (feedback, then the expanded query).
 * Returns LEDE_OK (also when nothing matched); LEDE_ERR_QUERY (bad query:
 * lede_errmsg says what and at which column); LEDE_ERR_INVALID (among
 * others: k1, b, title_weight or recency_days NaN, infinite or past its
 * LEDE_MAX_* bound);
 * LEDE_ERR_CORRUPT; LEDE_ERR_IO; LEDE_ERR_NETWORK (remote shard down);
 * LEDE_ERR_STALE (a writer committed faster than the search could finish,
 * even after many retries: rare, only under a writer committing many times
 * a second; call again); LEDE_ERR_NOMEM.
 */
LEDE_API lede_status lede_search(lede_results **out, lede_index *idx,
                                 const char *query, const lede_search_opts *opts);

/* Hits in this page. */
LEDE_API size_t lede_results_count(const lede_results *r);
/* Estimated number of matching articles (exact with opts.exact_count),
 * whatever the page: also when opts.offset is past the last match. */
LEDE_API uint64_t lede_results_total(const lede_results *r);
/* Hit i (0-based) of this page, or NULL past the end. Borrowed. */
LEDE_API const lede_hit *lede_results_hit(const lede_results *r, size_t i);
/* "Did you mean" query, or NULL. Borrowed until lede_results_free. */
LEDE_API const char *lede_results_suggestion(const lede_results *r);
/* A note that a feature was unavailable for this search, e.g. "did you
 * mean" over remote shards (xapian-tcpsrv serves no spelling table), in
 * English for a person; NULL when the search had everything it needed.
 * The search itself succeeded. Borrowed until lede_results_free. */
LEDE_API const char *lede_results_notice(const lede_results *r);
/* The parsed query, canonical form (for --explain). Borrowed. */
LEDE_API const char *lede_results_query(const lede_results *r);
/* NULL-safe. */
LEDE_API void lede_results_free(lede_results *r);

/* Parses a date or period for --since/--until: "2025-02-13", "2025-02",
 * "2025", or relative to now "7d", "2w", "3m", "1y". *lo and *hi receive
 * the inclusive range (Unix seconds). LEDE_ERR_INVALID if malformed. */
LEDE_API lede_status lede_parse_date(int64_t *lo, int64_t *hi,
                                     const char *s, int64_t now);

#ifdef __cplusplus
}
#endif
#endif /* LEDE_H */
