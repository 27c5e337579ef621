/*
 * lede.h - the public C API of lede, a full-text search engine for news.
 *
 * This is the only installed header. Everything else in the project is
 * internal and may change; what is declared here is stable: status codes are
 * append-only, option structs carry a version field and grow at the end.
 *
 * Conventions (see the README, "Embedding lede"):
 *  - Every fallible call returns lede_status (LEDE_OK == 0). The detail of the
 *    last failure on a handle is lede_errmsg(handle).
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
} lede_article;

#define LEDE_ARTICLE_VERSION 1
#define LEDE_ARTICLE_INIT                                                     \
	{ LEDE_ARTICLE_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL,     \
	  NULL, 0, LEDE_NO_DATE, NULL, 0 }

/* Input formats understood by the readers. */
typedef enum lede_format {
	LEDE_FORMAT_AUTO = 0,    /* by extension, then by content */
	LEDE_FORMAT_TEXT = 1,    /* plain text / Markdown, one article per file */
	LEDE_FORMAT_JSONL = 2,   /* JSON Lines, one article per line */
	LEDE_FORMAT_TREC = 3,    /* TREC SGML <DOC> */
	LEDE_FORMAT_REUTERS = 4, /* Reuters-21578 SGML */
	LEDE_FORMAT_HTML = 5     /* an HTML news page */
} lede_format;

#ifdef __cplusplus
}
#endif
#endif /* LEDE_H */
