/*
 * update.c - lede_index_update(): bring an index up to date with files on
 * disk, incrementally and safely. This is the engine behind lede-index, and
 * embedders get exactly the same behaviour through the API.
 *
 * Per source file the index keeps, in metadata committed together with the
 * file's articles (so a crash can never record a file as done without its
 * articles), a line "v1 SIZE MTIME_NS HASH NARTICLES" and the file's path:
 *
 *   1. walk the paths; a file whose size and mtime match its record is
 *      unchanged after one stat (the nightly fast path);
 *   2. a file whose stat changed but whose content hash did not (touched,
 *      copied) only gets its record refreshed;
 *   3. a new or changed file is read; each article is upserted by id, and
 *      skipped when its stored content hash is the same (replacing a Xapian
 *      document costs about two adds); after the file, documents tagged
 *      with the file that did not reappear are deleted;
 *   4. with prune, files that were indexed under a given directory and are
 *      gone have their articles deleted. A file the walk could not reach
 *      (under a directory it could not open or list, or an entry it could
 *      not stat) is not gone: its articles stay until a run can tell; nor
 *      is one whose name --include/--exclude leave out: it is outside
 *      the run.
 *
 * Commits happen every commit_every articles. A kill between commits loses
 * only that work: files not yet recorded are read again on the next run,
 * where the content hashes make the re-read cheap and exact (no duplicates,
 * since every write is an upsert by id).
 *
 * The same id in several files: the copy from the file latest in path
 * order is kept, however the files were read (see "duplicate ids").
 *
 * Article ids that a format does not provide are derived from the file's
 * path relative to the directory argument, prefixed by that directory's
 * name ("corpus/text/a.txt"), so they do not change with the working
 * directory of a cron job; from stdin, from the article's content
 * ("stdin:" and a hash, see reader_emit). The file records use the
 * absolute path.
 */
#include <dirent.h>
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lede_private.h"
#include "reader.h"
#include "xapian_c.h"

/* Articles per commit by default: small batches kept Xapian's CPU and
 * memory lowest in the measurements (xapian.md 7.3), and bound what a kill
 * loses. */
#define UPDATE_COMMIT_EVERY 2000
/* Passes over the files flagged for a re-read: one suffices unless a
 * re-read file itself changed meanwhile; a bound, not a tuning knob. */
#define UPDATE_MAX_REREAD_PASSES 8
/* Directory depth limit for the walk: deeper is a symlink trap or a bug. */
#define UPDATE_MAX_DEPTH 64
/* At most this many files in one update (memory for the file list). */
#define UPDATE_MAX_FILES (50u * 1000 * 1000)
/* Progress events at most this often. */
#define UPDATE_PROGRESS_NS 200000000LL
/* Read size for content hashing. */
#define UPDATE_HASH_CHUNK 65536
/* A file up to this size is read once, hashed and parsed from memory; a
 * larger one is hashed, then streamed through the reader (memory stays
 * bounded). One read instead of two, and the hash always matches the
 * bytes indexed, even when the file changes during the run. */
#define UPDATE_SLURP_MAX (1u << 20)
/* Most worker threads for a parallel build (the public cap, lede.h). */
#define UPDATE_MAX_JOBS LEDE_MAX_JOBS
/* Events a worker may queue before it waits for the caller's thread to
 * deliver them: bounds memory when every record of a file is bad. */
#define UPDATE_MAX_QUEUED 4096
/* How often the caller's thread wakes to deliver events, in ms. */
#define UPDATE_POLL_MS 100
/* A worker wakes the caller's thread at once for a problem or a commit,
 * or when this many events wait; file and progress events otherwise wait
 * for the next poll (waking it for each of them cost a futex call and two
 * context switches per file, 2-3% of a parallel build). */
#define UPDATE_WAKE_QUEUED 256

typedef struct file_entry {
	char *abs;          /* absolute path: key of the file record */
	char *id_base;      /* path for fallback ids */
	uint64_t size;
	int64_t mtime_ns;
	int root;           /* index of the path argument it came from */
	int is_stdin;
	int todo;           /* needs reading */
	int has_state;      /* a file record exists */
	uint64_t old_hash;  /* content hash in the record */
	uint64_t old_nart;  /* articles the record says the file had */
	uint64_t fhash;     /* hash of abs: the XF term and SLOT_FILE */
	uint64_t credited;  /* articles counted unchanged without a read */
	int was_credited;   /* counted as an unchanged file without a read */
	int was_read;       /* read in this run */
	int reread;         /* to read (again): it holds a losing copy of an
	                       id whose winning copy vanished */
} file_entry;

typedef struct file_ref {    /* file hash -> index in files, sorted */
	uint64_t fhash;
	size_t i;
} file_ref;

typedef struct id_set {      /* open-addressing set of 64-bit id hashes */
	uint64_t *slot;
	size_t cap, n;
} id_set;

typedef struct update {
	lede_index *idx;
	const lede_update_opts *o;
	lede_update_stats *st;
	file_entry *files;
	size_t nfiles, capfiles;
	char **roots_abs;     /* absolute directory roots (NULL for files) */
	size_t nroots;
	id_set seen;          /* ids delivered by the current file */
	id_set walked;        /* hashes of walked absolute paths (prune) */
	dev_t index_dev;      /* the index's own directory, which the walk */
	ino_t index_ino;      /* skips (index_known) */
	int index_known;
	buf unreached;        /* absolute paths of the directories and
	                         entries the walk could not read, each
	                         NUL-terminated: prune keeps what is under
	                         them */
	id_set read_files;    /* started_empty: hashes of the paths whose
	                         reading has begun */
	id_set restoring;     /* ids whose winning copy vanished, losers due */
	id_set restored;      /* ... and that came back from a loser */
	file_ref *refs;       /* built at the first duplicate */
	size_t nrefs;
	int have_dups;        /* duplicate records may exist: -1 unknown */
	size_t nreread;       /* files flagged reread */
	int in_worker;        /* a parallel build's worker: files[] is shared,
	                         so files to re-read go to marks instead */
	size_t *marks;        /* indexes in files of those files */
	size_t nmarks, capmarks;
	buf other;            /* path of the other copy's file (messages) */
	uint64_t cur_file;    /* hash of the file being read */
	const char *cur_abs;  /* its absolute path */
	const char *cur_path; /* its path for lede_article.path */
	uint64_t cur_nart;    /* articles it holds in the index so far (its
	                         record's count: not its losing copies) */
	uint64_t since_commit;
	uint64_t files_done, files_total, bytes_done, bytes_total;
	int64_t last_progress;
	int stop;             /* the callback asked to stop */
	lede_status fatal;    /* an error that ends the run */
	buf scratch;
	buf content;          /* the file being read, when at most
	                         UPDATE_SLURP_MAX bytes */
	struct file_state *fstates; /* file_preload: every file record, */
	size_t nfstates, capfstates; /* sorted by path hash */
	int fstates_loaded;   /* 1: fstates holds them all; -1: no room */
	uint64_t *unwalked;   /* keys of the preloaded records no walked file */
	size_t nunwalked;     /* matched: all prune needs to look at */
	int unwalked_known;
	int started_empty;    /* the index (every shard) held no document when
	                         the run began: a file's first read then has
	                         no older documents to look for */
} update;

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- id set ------------------------------------------------------------ */

static int set_add(id_set *s, uint64_t h) /* 1 new, 0 present, -1 nomem */
{
	if (h == 0)
		h = 1; /* 0 marks an empty slot */
	if ((s->n + 1) * 2 > s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 1024;
		uint64_t *ns = calloc(nc, sizeof *ns);
		if (ns == NULL)
			return -1;
		for (size_t i = 0; i < s->cap; i++) {
			uint64_t v = s->slot[i];
			if (v == 0)
				continue;
			size_t j = v & (nc - 1);
			while (ns[j])
				j = (j + 1) & (nc - 1);
			ns[j] = v;
		}
		free(s->slot);
		s->slot = ns;
		s->cap = nc;
	}
	size_t j = h & (s->cap - 1);
	while (s->slot[j]) {
		if (s->slot[j] == h)
			return 0;
		j = (j + 1) & (s->cap - 1);
	}
	s->slot[j] = h;
	s->n++;
	return 1;
}

static int set_has(const id_set *s, uint64_t h)
{
	if (h == 0)
		h = 1;
	if (s->cap == 0)
		return 0;
	size_t j = h & (s->cap - 1);
	while (s->slot[j]) {
		if (s->slot[j] == h)
			return 1;
		j = (j + 1) & (s->cap - 1);
	}
	return 0;
}

static void set_clear(id_set *s)
{
	if (s->slot)
		memset(s->slot, 0, s->cap * sizeof *s->slot);
	s->n = 0;
}

/* ---- events ------------------------------------------------------------ */

static void emit(update *u, lede_event_kind kind, const char *where,
                 const char *msg, lede_status s)
{
	lede_event ev;

	if (u->o->on_event == NULL || u->stop)
		return;
	memset(&ev, 0, sizeof ev);
	ev.kind = kind;
	ev.where = where;
	ev.msg = msg;
	ev.status = s;
	ev.stats = u->st;
	ev.files_done = u->files_done;
	ev.files_total = u->files_total;
	ev.bytes_done = u->bytes_done;
	ev.bytes_total = u->bytes_total;
	if (u->o->on_event(u->o->ctx, &ev))
		u->stop = 1;
}

static void progress(update *u)
{
	int64_t t = now_ns();
	if (t - u->last_progress < UPDATE_PROGRESS_NS)
		return;
	u->last_progress = t;
	emit(u, LEDE_EVENT_PROGRESS, NULL, NULL, LEDE_OK);
}

static void problem(update *u, const char *where, lede_status s,
                    const char *fmt, ...) LEDE_PRINTF(4, 5);
static void problem(update *u, const char *where, lede_status s,
                    const char *fmt, ...)
{
	char msg[LEDE_ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	emit(u, LEDE_EVENT_PROBLEM, where, msg, s);
}

/* ---- walking ----------------------------------------------------------- */

static int name_selected(const update *u, const char *name)
{
	const lede_update_opts *o = u->o;

	for (size_t i = 0; i < o->nexclude; i++)
		if (fnmatch(o->exclude[i], name, 0) == 0)
			return 0;
	if (o->ninclude == 0)
		return 1;
	for (size_t i = 0; i < o->ninclude; i++)
		if (fnmatch(o->include[i], name, 0) == 0)
			return 1;
	return 0;
}

static lede_status add_file(update *u, const char *abs, const char *id_base,
                            const struct stat *sb, int root, int is_stdin)
{
	file_entry *f;
	uint64_t h;

	if (u->nfiles >= UPDATE_MAX_FILES)
		return index_fail(u->idx, LEDE_ERR_TOO_BIG,
		                  "more than %u input files",
		                  (unsigned)UPDATE_MAX_FILES);
	if (lede_grow(&u->files, &u->capfiles, u->nfiles, sizeof *u->files,
	              256) != 0)
		return index_fail(u->idx, LEDE_ERR_NOMEM, "out of memory");
	f = &u->files[u->nfiles];
	memset(f, 0, sizeof *f);
	f->abs = lede_strdup(abs);
	if (utf8_valid(id_base, strlen(id_base))) {
		f->id_base = lede_strdup(id_base);
	} else {
		/* a name from a Latin-1 disk: ids and the path field must be
		 * UTF-8, and distinct names must stay distinct */
		buf b = BUF_INIT;
		if (utf8_escape_invalid(&b, id_base, strlen(id_base)) == LEDE_OK)
			f->id_base = buf_detach(&b);
		else
			buf_free(&b);
	}
	if (f->abs == NULL || f->id_base == NULL) {
		free(f->abs);
		free(f->id_base);
		return index_fail(u->idx, LEDE_ERR_NOMEM, "out of memory");
	}
	if (sb) {
		f->size = (uint64_t)sb->st_size;
		f->mtime_ns = (int64_t)sb->st_mtim.tv_sec * 1000000000LL +
		              sb->st_mtim.tv_nsec;
	}
	f->root = root;
	f->is_stdin = is_stdin;
	h = hash64(abs, strlen(abs), 0);
	f->fhash = is_stdin ? 0 : h;
	u->nfiles++;
	if (set_add(&u->walked, h) < 0)
		return index_fail(u->idx, LEDE_ERR_NOMEM, "out of memory");
	return LEDE_OK;
}

typedef struct dir_id {
	dev_t dev;
	ino_t ino;
} dir_id;

/* A directory entry, stat'ed relative to its directory (the kernel does
 * not walk the whole path again for each of thousands of files: that walk
 * led the profile of a no-change rerun). */
typedef struct dir_entry {
	const char *name; /* in the directory's name arena */
	size_t name_at;   /* its offset there, until the arena stops moving */
	int err;          /* errno of a failed stat, 0 if the rest is good */
	mode_t mode;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtim;
} dir_entry;

static int cmp_dir_entry(const void *a, const void *b)
{
	return strcmp(((const dir_entry *)a)->name,
	              ((const dir_entry *)b)->name);
}

/* A directory of at least this many entries has them stat'ed by two
 * threads when the update may use more than one (lede_update_opts.jobs):
 * the kernel's work for fstatat is most of a no-change rerun, and on two
 * cores two threads took 0.13 s where one took 0.19 s for the 76,172
 * files of the benchmark's x4 corpus. A smaller directory is not worth a
 * thread's start (tens of microseconds). */
#define WALK_STAT_SPLIT_MIN 256

/* Stats ents[lo..hi) relative to the directory dfd. */
typedef struct stat_job {
	int dfd;
	dir_entry *ents;
	const char *names;
	size_t lo, hi;
} stat_job;

static void stat_range(const stat_job *j)
{
	struct stat sb;

	for (size_t i = j->lo; i < j->hi; i++) {
		dir_entry *en = &j->ents[i];

		if (fstatat(j->dfd, j->names + en->name_at, &sb, 0) != 0) {
			en->err = errno;
			continue;
		}
		en->err = 0;
		en->mode = sb.st_mode;
		en->dev = sb.st_dev;
		en->ino = sb.st_ino;
		en->size = sb.st_size;
		en->mtim = sb.st_mtim;
	}
}

static void *stat_thread(void *arg)
{
	stat_range(arg);
	return NULL;
}

/* Stats ents[0..n): in two halves, one on a second thread, when the
 * directory is big and the caller allows threads; else here. */
static void stat_entries(int dfd, dir_entry *ents, const char *names,
                         size_t n, int split)
{
	stat_job mine = { dfd, ents, names, 0, n }, other = mine;
	pthread_t th;
	int threaded = 0;

	if (split && n >= WALK_STAT_SPLIT_MIN) {
		mine.hi = other.lo = n / 2;
		threaded = pthread_create(&th, NULL, stat_thread, &other) == 0;
		if (!threaded)
			mine.hi = n;
	}
	stat_range(&mine);
	if (threaded)
		pthread_join(th, NULL);
}

/* out = dir "/" name (out's memory is kept from one entry to the next:
 * formatting and allocating each path took a fifth of a no-change rerun). */
static void path_join(buf *out, const char *dir, const char *name)
{
	buf_reset(out);
	buf_append_str(out, dir);
	buf_append_byte(out, '/');
	buf_append_str(out, name);
}

/* The walk could not read path (a directory it could not open or list,
 * or an entry it could not stat; err is the errno, 0 for none): counted
 * as a failed file, and kept in u->unreached, so that prune does not take
 * the files under it for deleted ones: they are kept as they are, as an
 * unreadable file's are, until a run reaches them. ENOENT is the
 * exception: the entry names nothing any more (a dangling symbolic link,
 * or deleted during the walk), so what was indexed from it is gone. */
static lede_status unreached(update *u, const char *path, int err)
{
	u->st->files_failed++;
	if (err == ENOENT)
		return LEDE_OK;
	if (buf_append(&u->unreached, path, strlen(path) + 1) != LEDE_OK)
		return index_fail(u->idx, LEDE_ERR_NOMEM, "out of memory");
	return LEDE_OK;
}

/* Whether (dev, ino) is the index's own directory. It holds the
 * databases, the parts of a parallel build, a rebuild's new database and
 * the lock: walked as part of an archive, it would be read as articles
 * (its stub file as text, the rest as binary files to skip), every run.
 * Compared by device and inode, so symlinks and relative paths to it are
 * caught as well. */
static int is_index_dir(const update *u, dev_t dev, ino_t ino)
{
	return u->index_known && u->index_dev == dev && u->index_ino == ino;
}

/* Walks dir recursively. abs and rel are the directory's absolute path and
 * id path. Hidden entries and the index's own directory are skipped;
 * symlinks are followed, but a directory already on the current path (a
 * loop) is reported and skipped. */
static lede_status walk(update *u, const char *abs, const char *rel, int root,
                        dir_id *stack, int depth)
{
	DIR *d;
	struct dirent *e;
	struct stat sb;
	lede_status st = LEDE_OK;
	dir_entry *ents = NULL;
	size_t n = 0, cap = 0;
	buf names = BUF_INIT, a = BUF_INIT, r = BUF_INIT;

	if (depth >= UPDATE_MAX_DEPTH) {
		problem(u, abs, LEDE_ERR_TOO_BIG,
		        "directory nesting over %d levels: skipped",
		        UPDATE_MAX_DEPTH);
		return unreached(u, abs, 0);
	}
	d = opendir(abs);
	if (d == NULL) {
		int err = errno;
		problem(u, abs, LEDE_ERR_IO, "cannot open directory: %s",
		        strerror(err));
		return unreached(u, abs, err);
	}
	for (;;) {
		errno = 0;
		e = readdir(d);
		if (e == NULL) {
			/* a listing cut short would look like deletions */
			int err = errno;
			if (err != 0) {
				problem(u, abs, LEDE_ERR_IO,
				        "cannot read directory: %s",
				        strerror(err));
				st = unreached(u, abs, err);
			}
			break;
		}
		if (e->d_name[0] == '.')
			continue;
		if (lede_grow(&ents, &cap, n, sizeof *ents, 64) != 0) {
			st = LEDE_ERR_NOMEM;
			break;
		}
		ents[n].name_at = names.len;
		if (buf_append(&names, e->d_name, strlen(e->d_name) + 1) !=
		    LEDE_OK) {
			st = LEDE_ERR_NOMEM;
			break;
		}
		n++;
	}
	if (st == LEDE_OK)
		stat_entries(dirfd(d), ents, names.data, n,
		             u->o->jobs > 1);
	closedir(d);
	for (size_t i = 0; i < n; i++)
		ents[i].name = names.data + ents[i].name_at;
	/* Sorted: the order of reading (and so which duplicate id wins)
	 * does not depend on the file system. */
	if (st == LEDE_OK && n > 1)
		qsort(ents, n, sizeof *ents, cmp_dir_entry);
	for (size_t i = 0; st == LEDE_OK && i < n && !u->stop; i++) {
		const dir_entry *en = &ents[i];

		path_join(&a, abs, en->name);
		path_join(&r, rel, en->name);
		if (a.status != LEDE_OK || r.status != LEDE_OK) {
			st = LEDE_ERR_NOMEM;
		} else if (en->err != 0) {
			problem(u, a.data, LEDE_ERR_IO, "cannot stat: %s",
			        strerror(en->err));
			st = unreached(u, a.data, en->err);
		} else if (S_ISDIR(en->mode)) {
			int loop = 0;
			for (int k = 0; k < depth; k++)
				if (stack[k].dev == en->dev &&
				    stack[k].ino == en->ino)
					loop = 1;
			if (is_index_dir(u, en->dev, en->ino)) {
				/* the index inside the archive: skipped
				 * silently, as hidden entries are */
			} else if (loop) {
				problem(u, a.data, LEDE_ERR_INVALID,
				        "symbolic link loop: skipped");
			} else {
				stack[depth].dev = en->dev;
				stack[depth].ino = en->ino;
				st = walk(u, a.data, r.data, root, stack,
				          depth + 1);
			}
		} else if (S_ISREG(en->mode) && name_selected(u, en->name)) {
			memset(&sb, 0, sizeof sb);
			sb.st_size = en->size;
			sb.st_mtim = en->mtim;
			st = add_file(u, a.data, r.data, &sb, root, 0);
		}
	}
	buf_free(&a);
	buf_free(&r);
	buf_free(&names);
	free(ents);
	if (st == LEDE_ERR_NOMEM)
		return index_fail(u->idx, st, "out of memory");
	return st;
}

/* The name a directory argument gives its files' ids (collect), or NULL
 * for another argument. */
static const char *root_name(const update *u, size_t i)
{
	const char *r = u->roots_abs[i];

	return r && r[1] ? strrchr(r, '/') + 1 : NULL;
}

/* Article ids from paths are a directory argument's name and the path
 * below it, or a file argument as typed: two different files must not
 * come out with one id, or one of the articles would be lost as a
 * duplicate. Checked once the files are listed, before any is read:
 * two directories of one name (x/wire, y/wire), or a file argument
 * (wire/a.txt) that a directory argument of that name (x/wire) lists
 * under the same id. */
static lede_status check_ids_apart(update *u)
{
	buf b = BUF_INIT;
	lede_status st = LEDE_OK;
	size_t *dirs = calloc(u->nroots ? u->nroots : 1, sizeof *dirs), nd = 0;

	if (dirs == NULL)
		return index_fail(u->idx, LEDE_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < u->nroots && st == LEDE_OK; i++) {
		const char *bi = root_name(u, i);
		if (bi == NULL)
			continue;
		for (size_t k = 0; k < nd && st == LEDE_OK; k++) {
			size_t j = dirs[k];
			if (strcmp(bi, root_name(u, j)) == 0 &&
			    strcmp(u->roots_abs[i], u->roots_abs[j]) != 0)
				st = index_fail(u->idx, LEDE_ERR_INVALID,
				                "%s and %s are both named '%s': "
				                "article ids start with the "
				                "directory's name, so their "
				                "files would share ids; index "
				                "their parent directories "
				                "instead", u->roots_abs[j],
				                u->roots_abs[i], bi);
		}
		dirs[nd++] = i;
	}
	for (size_t k = 0; nd > 0 && k < u->nfiles && st == LEDE_OK; k++) {
		const file_entry *f = &u->files[k];
		const char *rest = strchr(f->id_base, '/');

		if (f->is_stdin || u->roots_abs[f->root] != NULL || !rest)
			continue;
		for (size_t d = 0; d < nd && st == LEDE_OK; d++) {
			size_t j = dirs[d];
			const char *bj = root_name(u, j);
			if (strlen(bj) != (size_t)(rest - f->id_base) ||
			    strncmp(bj, f->id_base, strlen(bj)) != 0)
				continue;
			buf_reset(&b);
			buf_append_str(&b, u->roots_abs[j]);
			buf_append_str(&b, rest);
			if (b.status != LEDE_OK)
				st = index_fail(u->idx, LEDE_ERR_NOMEM,
				                "out of memory");
			else if (strcmp(b.data, f->abs) != 0 &&
			         set_has(&u->walked, hash64(b.data, b.len, 0)))
				st = index_fail(u->idx, LEDE_ERR_INVALID,
				                "%s and %s would both get the "
				                "article id '%s' (a file "
				                "argument's id is its path as "
				                "given): give the file as an "
				                "absolute path, or index the "
				                "directories' parents",
				                f->abs, b.data, f->id_base);
		}
	}
	buf_free(&b);
	free(dirs);
	return st;
}

/* Resolves each path argument and walks it. */
static lede_status collect(update *u, const char *const *paths, size_t n)
{
	dir_id stack[UPDATE_MAX_DEPTH];
	struct stat sb;
	lede_status st;

	u->roots_abs = calloc(n ? n : 1, sizeof *u->roots_abs);
	if (u->roots_abs == NULL)
		return index_fail(u->idx, LEDE_ERR_NOMEM, "out of memory");
	u->nroots = n;
	if (stat(u->idx->path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		u->index_dev = sb.st_dev;
		u->index_ino = sb.st_ino;
		u->index_known = 1;
	}
	for (size_t i = 0; i < n; i++) {
		char abs[PATH_MAX];
		const char *p = paths[i];

		if (strcmp(p, "-") == 0) {
			st = add_file(u, "-", "stdin", NULL, (int)i, 1);
			if (st != LEDE_OK)
				return st;
			continue;
		}
		if (stat(p, &sb) != 0)
			return index_fail(u->idx,
			                  errno == ENOENT ? LEDE_ERR_NOT_FOUND
			                                  : LEDE_ERR_IO,
			                  "%s: %s", p, strerror(errno));
		if (realpath(p, abs) == NULL)
			return index_fail(u->idx, LEDE_ERR_IO, "%s: %s", p,
			                  strerror(errno));
		if (S_ISDIR(sb.st_mode) &&
		    is_index_dir(u, sb.st_dev, sb.st_ino)) {
			problem(u, p, LEDE_ERR_INVALID,
			        "the index's own directory: skipped");
			u->st->files_failed++;
			st = LEDE_OK;
		} else if (S_ISDIR(sb.st_mode)) {
			/* ids: "<dir name>/<relative path>" */
			const char *base = strrchr(abs, '/');
			base = (base && base[1]) ? base + 1 : abs;
			u->roots_abs[i] = lede_strdup(abs);
			if (u->roots_abs[i] == NULL)
				return index_fail(u->idx, LEDE_ERR_NOMEM,
				                  "out of memory");
			stack[0].dev = sb.st_dev;
			stack[0].ino = sb.st_ino;
			st = walk(u, abs, base, (int)i, stack, 1);
		} else if (S_ISREG(sb.st_mode)) {
			st = add_file(u, abs, p, &sb, (int)i, 0);
		} else {
			problem(u, p, LEDE_ERR_INVALID,
			        "not a regular file or directory: skipped");
			u->st->files_failed++;
			st = LEDE_OK;
		}
		if (st != LEDE_OK)
			return st;
	}
	return check_ids_apart(u);
}

/* ---- file records ------------------------------------------------------ */

/* A run over at least this many files, and over at least 1/this share of
 * the index's articles, reads the file records in one pass first
 * (file_preload); a smaller run looks its few up one by one rather than
 * read every record of a large index. */
#define FILE_PRELOAD_MIN 256
#define FILE_PRELOAD_SHARE 64

static void file_key_hash(buf *out, uint64_t h)
{
	buf_reset(out);
	buf_printf(out, META_FILE_PREFIX "%016llx", (unsigned long long)h);
}

static void file_key(buf *out, const char *abs)
{
	file_key_hash(out, hash64(abs, strlen(abs), 0));
}

/* A file's record as the index holds it. */
typedef struct file_state {
	uint64_t key;       /* hash64 of the absolute path */
	uint64_t size, hash, nart;
	int64_t mtime_ns;
	int walked;         /* a walked file has this record */
} file_state;

/* Reads the number at *p in base 10 or 16 and moves *p past it; 0 if there
 * is none or it overflows. strtoull's locale and sign handling made the
 * records' parsing a tenth of a no-change rerun. */
static int get_num(const char **p, int base, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	for (;; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else
			break;
		if (__builtin_mul_overflow(v, (uint64_t)base, &v) ||
		    __builtin_add_overflow(v, d, &v))
			return 0;
	}
	if (s == *p)
		return 0;
	*p = s;
	*out = v;
	return 1;
}

/* Parses a file record, "v1 SIZE MTIME_NS HASH NART\nPATH" (file_record);
 * 0 if it is not one. MTIME_NS is -1 for a file read from a pipe. */
static int parse_file_record(const char *v, file_state *fs)
{
	uint64_t mt;
	int neg;

	if (strncmp(v, "v1 ", 3) != 0)
		return 0;
	v += 3;
	if (!get_num(&v, 10, &fs->size) || *v++ != ' ')
		return 0;
	neg = *v == '-';
	v += neg;
	if (!get_num(&v, 10, &mt) || *v++ != ' ' || mt > INT64_MAX)
		return 0;
	fs->mtime_ns = neg ? -(int64_t)mt : (int64_t)mt;
	if (!get_num(&v, 16, &fs->hash) || *v++ != ' ' ||
	    !get_num(&v, 10, &fs->nart))
		return 0;
	return *v == '\n' || *v == '\0';
}

/* Sets f's old state from fs; 1 if size and mtime match (unchanged). */
static int file_state_apply(file_entry *f, const file_state *fs)
{
	f->has_state = 1;
	f->old_hash = fs->hash;
	f->old_nart = fs->nart;
	return fs->size == f->size && fs->mtime_ns == f->mtime_ns;
}

static int cmp_file_state(const void *a, const void *b)
{
	const file_state *x = a, *y = b;
	return x->key < y->key ? -1 : x->key > y->key;
}

static int on_file_state(void *ctx, const char *key, size_t klen,
                         const char *val, size_t vlen)
{
	update *u = ctx;
	size_t pl = strlen(META_FILE_PREFIX);
	file_state fs;
	const char *p;

	(void)vlen;
	if (klen != pl + 16)
		return 0;
	p = key + pl;
	if (!get_num(&p, 16, &fs.key) || p != key + klen ||
	    !parse_file_record(val, &fs))
		return 0;
	if (lede_grow(&u->fstates, &u->capfstates, u->nfstates,
	              sizeof *u->fstates, 1024) != 0) {
		u->fstates_loaded = -1; /* back to lookups */
		return 1;
	}
	fs.walked = 0;
	u->fstates[u->nfstates++] = fs;
	return 0;
}

static void file_preload_free(update *u)
{
	free(u->fstates);
	u->fstates = NULL;
	u->nfstates = u->capfstates = 0;
	u->fstates_loaded = 0;
}

/* After every walked file has looked its record up in the preloaded ones:
 * keeps the keys of the records no walked file has, the only ones prune
 * must read (a rerun over the same tree reads none), and frees the rest. */
static void file_preload_end(update *u)
{
	if (u->fstates_loaded == 1) {
		size_t n = 0;
		for (size_t i = 0; i < u->nfstates; i++)
			n += !u->fstates[i].walked;
		u->unwalked = malloc((n ? n : 1) * sizeof *u->unwalked);
		u->unwalked_known = u->unwalked != NULL;
		for (size_t i = 0; u->unwalked && i < u->nfstates; i++)
			if (!u->fstates[i].walked)
				u->unwalked[u->nunwalked++] = u->fstates[i].key;
	}
	file_preload_free(u);
}

/* Reads every file record in one pass in key order, for a run over many
 * files: looked up one by one in path order, each read a B-tree block of
 * its own (half the time of a no-change rerun). On failure file_unchanged
 * looks each one up as before. */
static void file_preload(update *u)
{
	int sorted = 1;

	u->fstates_loaded = 0;
	if (xc_writer_meta_each(u->idx->w, META_FILE_PREFIX,
	                        strlen(META_FILE_PREFIX), on_file_state,
	                        u) != LEDE_OK ||
	    u->fstates_loaded < 0) {
		file_preload_free(u);
		return;
	}
	/* hex keys of one width come in numeric order; checked anyway */
	for (size_t i = 1; i < u->nfstates && sorted; i++)
		sorted = u->fstates[i - 1].key <= u->fstates[i].key;
	if (!sorted)
		qsort(u->fstates, u->nfstates, sizeof *u->fstates,
		      cmp_file_state);
	u->fstates_loaded = 1;
}

/* Reads the record of f; sets has_state/old_hash and returns 1 if its
 * size and mtime match (unchanged), 0 otherwise. */
static int file_unchanged(update *u, file_entry *f)
{
	char *val = NULL;
	size_t vlen = 0;
	file_state fs;
	int ok = 0;

	if (u->fstates_loaded) {
		file_state *hit;
		if (u->nfstates == 0)
			return 0; /* a new index: no records (and no array) */
		fs.key = f->fhash;
		hit = bsearch(&fs, u->fstates, u->nfstates, sizeof fs,
		              cmp_file_state);
		if (hit == NULL)
			return 0;
		hit->walked = 1;
		return file_state_apply(f, hit);
	}
	file_key(&u->scratch, f->abs);
	if (xc_writer_get_meta(&val, &vlen, u->idx->w, u->scratch.data,
	                       u->scratch.len) != LEDE_OK || vlen == 0) {
		xc_free(val);
		return 0;
	}
	if (parse_file_record(val, &fs))
		ok = file_state_apply(f, &fs);
	xc_free(val);
	return ok;
}

static lede_status file_record(update *u, const file_entry *f, uint64_t hash,
                               uint64_t nart)
{
	buf key = BUF_INIT, val = BUF_INIT;
	lede_status st;

	file_key(&key, f->abs);
	buf_printf(&val, "v1 %llu %lld %016llx %llu\n%s",
	           (unsigned long long)f->size, (long long)f->mtime_ns,
	           (unsigned long long)hash, (unsigned long long)nart, f->abs);
	st = key.status != LEDE_OK ? key.status : val.status;
	if (st == LEDE_OK)
		st = xc_writer_set_meta(u->idx->w, key.data, key.len, val.data,
		                        val.len);
	buf_free(&key);
	buf_free(&val);
	if (st != LEDE_OK)
		return index_fail(u->idx, st, "%s", xc_writer_errmsg(u->idx->w));
	return LEDE_OK;
}

/* Content hash of a file (raw bytes), hashed as read, UPDATE_HASH_CHUNK
 * bytes at a time. keep (may be NULL) receives the bytes when the file
 * holds at most UPDATE_SLURP_MAX of them, so it is parsed without a
 * second read; *kept says whether it did. 0 with errno on failure. */
static int hash_file(uint64_t *out, const char *path, buf *keep, int *kept)
{
	char *chunk = NULL;
	int fd, keeping = keep != NULL;
	ssize_t n;
	uint64_t h = 0;

	if (keep)
		buf_reset(keep);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	for (;;) {
		char *dst;

		if (keeping && keep->len > UPDATE_SLURP_MAX)
			keeping = 0; /* too big: hash the rest, stream it */
		if (keeping && buf_reserve(keep, UPDATE_HASH_CHUNK) == LEDE_OK) {
			dst = keep->data + keep->len;
		} else {
			keeping = 0;
			if (chunk == NULL && (chunk = malloc(UPDATE_HASH_CHUNK)) ==
			                         NULL) {
				n = -1;
				errno = ENOMEM;
				break;
			}
			dst = chunk;
		}
		n = read(fd, dst, UPDATE_HASH_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		h = hash64(dst, (size_t)n, h);
		if (keeping)
			keep->len += (size_t)n;
	}
	if (n < 0) {
		int e = errno;
		free(chunk);
		close(fd);
		errno = e;
		return 0;
	}
	free(chunk);
	close(fd);
	if (kept)
		*kept = keeping;
	*out = h ? h : 1;
	return 1;
}

/* ---- duplicate ids ------------------------------------------------------
 *
 * When several files carry the same article id, the index keeps the copy
 * from the file latest in path order: absolute paths compared directory
 * by directory, the order in which a directory walk reads them. The order
 * depends on the paths alone, never on which file happened to be read
 * last, so an incremental run keeps the copy that a rebuild (one thread
 * or several) keeps: overlapping daily dumps (2025-01-01.jsonl,
 * 2025-01-02.jsonl) give the later dump's correction.
 *
 * Losing copies are not in the index, so each is remembered in a metadata
 * record META_DUP_PREFIX "<id hash>:<file hash>" -> the loser's path,
 * committed with the batch like the file records. When the winning copy
 * vanishes (its file deleted, or the article removed from it) or moves
 * (its file renamed: a rename is not a duplicate), the id's records are
 * dropped and the losers' file records marked stale; walked losers are
 * read again in the same run, so the next copy in path order comes back.
 * A kill before that re-read leaves the marks committed: the next run
 * reads them. Only duplicates and deletions pay for this: a build of
 * distinct ids never looks at these records.
 */
#define META_DUP_PREFIX "lede:dup:"

static int file_gone(const update *u, const char *path);

/* Path order: byte order, except that '/' sorts before every other byte,
 * which orders a directory's files as the walk reads them ("a/z" before
 * "a.b", since the walk reads the directory "a" before the file "a.b"). */
static int path_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned ca = (unsigned char)*a, cb = (unsigned char)*b;

		if (ca == cb) {
			if (ca == 0)
				return 0;
			continue;
		}
		if (ca == 0 || (ca == '/' && cb != 0))
			return -1;
		if (cb == 0 || cb == '/')
			return 1;
		return ca < cb ? -1 : 1;
	}
}

static int ref_cmp(const void *a, const void *b)
{
	uint64_t x = ((const file_ref *)a)->fhash;
	uint64_t y = ((const file_ref *)b)->fhash;
	return x < y ? -1 : x > y;
}

/* The walked file with hash fh, or NULL. The lookup table is built at the
 * first call (the first duplicate), not for builds without any. *nomem
 * is set when it cannot be built. */
static file_entry *walked_file(update *u, uint64_t fh, int *nomem)
{
	file_ref key, *r;

	if (fh == 0)
		return NULL;
	if (u->refs == NULL && u->nfiles) {
		u->refs = malloc(u->nfiles * sizeof *u->refs);
		if (u->refs == NULL) {
			*nomem = 1;
			return NULL;
		}
		for (size_t i = 0; i < u->nfiles; i++) {
			u->refs[i].fhash = u->files[i].fhash;
			u->refs[i].i = i;
		}
		u->nrefs = u->nfiles;
		qsort(u->refs, u->nrefs, sizeof *u->refs, ref_cmp);
	}
	if (u->nrefs == 0) /* no files walked: no table */
		return NULL;
	key.fhash = fh;
	r = bsearch(&key, u->refs, u->nrefs, sizeof *u->refs, ref_cmp);
	return r ? &u->files[r->i] : NULL;
}

/* The path in the record of file hash fh, into out; 0 if there is none. */
static int recorded_path(update *u, uint64_t fh, buf *out)
{
	char key[64], *val = NULL;
	size_t vlen = 0;
	const char *nl;
	int ok = 0;

	snprintf(key, sizeof key, META_FILE_PREFIX "%016llx",
	         (unsigned long long)fh);
	if (xc_writer_get_meta(&val, &vlen, u->idx->w, key, strlen(key)) ==
	        LEDE_OK &&
	    val && (nl = memchr(val, '\n', vlen)) != NULL && nl + 1 < val + vlen) {
		buf_reset(out);
		buf_append(out, nl + 1, (size_t)(val + vlen - (nl + 1)));
		ok = out->status == LEDE_OK;
	}
	xc_free(val);
	return ok;
}

/* The arbiter of index_put: the copy of the file being read replaces the
 * indexed one when its file comes later in path order, or when the
 * indexed copy's file is gone (a rename: PUT_MOVE). The other file's path
 * is left in u->other for the messages. */
static int arbitrate(void *ctx, uint64_t old_file)
{
	update *u = ctx;
	int nomem = 0;
	const file_entry *f = walked_file(u, old_file, &nomem);
	struct stat sb;

	buf_reset(&u->other);
	if (f) {
		buf_append_str(&u->other, f->abs);
	} else if (nomem) {
		return PUT_REPLACE; /* the copy read last wins, as of old */
	} else if (!recorded_path(u, old_file, &u->other) ||
	           (u->o->prune && file_gone(u, u->other.data)) ||
	           (stat(u->other.data, &sb) != 0 &&
	            (errno == ENOENT || errno == ENOTDIR))) {
		/* not on disk any more, or about to be pruned. A file the
		 * walk could not reach or left out (--exclude), or any file
		 * not walked without prune, still exists: not a rename. */
		return PUT_MOVE;
	}
	if (u->other.status != LEDE_OK)
		return PUT_REPLACE;
	return path_cmp(u->cur_abs, u->other.data) > 0 ? PUT_REPLACE
	                                               : PUT_KEEP_OLD;
}

static void dup_key(buf *out, uint64_t id_hash, uint64_t file_hash)
{
	buf_reset(out);
	buf_printf(out, META_DUP_PREFIX "%016llx:%016llx",
	           (unsigned long long)id_hash, (unsigned long long)file_hash);
}

/* Records that the file at path (hash fh) holds a losing copy of the id
 * with Q-term hash qh, in writer w. */
static lede_status dup_note(update *u, xc_writer *w, uint64_t qh,
                            uint64_t fh, const char *path)
{
	buf key = BUF_INIT;
	lede_status st;

	dup_key(&key, qh, fh);
	st = key.status;
	if (st == LEDE_OK)
		st = xc_writer_set_meta(w, key.data, key.len, path,
		                        strlen(path));
	buf_free(&key);
	if (st != LEDE_OK)
		return index_fail(u->idx, st, "%s", xc_writer_errmsg(w));
	u->have_dups = 1;
	return LEDE_OK;
}

static int on_any_key(void *ctx, const char *k, size_t len, uint32_t freq)
{
	(void)k;
	(void)len;
	(void)freq;
	*(int *)ctx = 1;
	return 1;
}

/* In a worker: files[i] is to be read again once the workers are done
 * (the flag itself belongs to the calling thread: the file may be in
 * another worker's range). */
static lede_status mark_later(update *u, size_t i)
{
	if (lede_grow(&u->marks, &u->capmarks, u->nmarks, sizeof *u->marks,
	              16) != 0)
		return index_fail(u->idx, LEDE_ERR_NOMEM, "out of memory");
	u->marks[u->nmarks++] = i;
	return LEDE_OK;
}

/* Marks the record of the file at path stale (its mtime and hash can
 * match nothing), so that the file is read again, by this run when it was
 * walked (flagged reread) and by the next run that walks it otherwise. */
static lede_status mark_stale(update *u, const char *path)
{
	buf key = BUF_INIT, val = BUF_INIT;
	char *old = NULL;
	size_t olen = 0;
	unsigned long long size = 0, hash = 0, nart = 0;
	long long mt = 0;
	int nomem = 0;
	lede_status st;
	file_entry *f;

	file_key(&key, path);
	st = key.status;
	if (st == LEDE_OK)
		st = xc_writer_get_meta(&old, &olen, u->idx->w, key.data,
		                        key.len);
	if (st == LEDE_OK && old &&
	    sscanf(old, "v1 %llu %lld %llx %llu", &size, &mt, &hash, &nart) ==
	        4) {
		buf_printf(&val, "v1 %llu -1 0 %llu\n%s", size, nart, path);
		st = val.status;
		if (st == LEDE_OK)
			st = xc_writer_set_meta(u->idx->w, key.data, key.len,
			                        val.data, val.len);
	}
	xc_free(old);
	buf_free(&key);
	buf_free(&val);
	if (st != LEDE_OK)
		return index_fail(u->idx, st, "%s", xc_writer_errmsg(u->idx->w));
	f = walked_file(u, hash64(path, strlen(path), 0), &nomem);
	if (nomem)
		return index_fail(u->idx, LEDE_ERR_NOMEM, "out of memory");
	if (f && !f->is_stdin && u->in_worker)
		return mark_later(u, (size_t)(f - u->files));
	if (f && !f->is_stdin && !f->reread) {
		f->reread = 1;
		u->nreread++;
	}
	return LEDE_OK;
}

/* A copy from the file at path, counted in its record, was just replaced
 * by a copy from a file later in path order: the record's article count
 * (what a rerun reports as unchanged) drops by one. */
static lede_status uncount(update *u, xc_writer *w, const char *path)
{
	buf key = BUF_INIT, val = BUF_INIT;
	char *old = NULL;
	size_t olen = 0;
	unsigned long long size = 0, hash = 0, nart = 0;
	long long mt = 0;
	lede_status st;

	file_key(&key, path);
	st = key.status;
	if (st == LEDE_OK)
		st = xc_writer_get_meta(&old, &olen, w, key.data, key.len);
	if (st == LEDE_OK && old &&
	    sscanf(old, "v1 %llu %lld %llx %llu", &size, &mt, &hash, &nart) ==
	        4 &&
	    nart > 0) {
		buf_printf(&val, "v1 %llu %lld %016llx %llu\n%s", size, mt, hash,
		           nart - 1, path);
		st = val.status;
		if (st == LEDE_OK)
			st = xc_writer_set_meta(w, key.data, key.len, val.data,
			                        val.len);
	}
	xc_free(old);
	buf_free(&key);
	buf_free(&val);
	if (st != LEDE_OK)
		return index_fail(u->idx, st, "%s", xc_writer_errmsg(w));
	return LEDE_OK;
}

typedef struct keys_ctx {
	buf keys;  /* NUL-separated metadata keys */
} keys_ctx;

static int on_key(void *ctx, const char *k, size_t len, uint32_t freq)
{
	keys_ctx *c = ctx;
	(void)freq;
	buf_append(&c->keys, k, len);
	buf_append_byte(&c->keys, 0);
	return 0;
}

/* The winning copy of the id with Q term (qterm, qlen) vanished (than
 * NULL) or moved to the file at path than: drops the id's loser records,
 * all of them or those of files later than the new path, and marks their
 * files stale (losers earlier than the new path still lose). *out: how
 * many were released. */
static lede_status release_losers(update *u, const char *qterm, size_t qlen,
                                  const char *than, uint64_t *out)
{
	keys_ctx c = { BUF_INIT };
	buf prefix = BUF_INIT;
	lede_status st = LEDE_OK;

	*out = 0;
	if (u->have_dups < 0) {
		int any = 0;
		st = xc_writer_meta_keys(u->idx->w, META_DUP_PREFIX,
		                         strlen(META_DUP_PREFIX), on_any_key,
		                         &any);
		if (st != LEDE_OK)
			return index_fail(u->idx, st, "%s",
			                  xc_writer_errmsg(u->idx->w));
		u->have_dups = any;
	}
	if (!u->have_dups)
		return LEDE_OK;
	buf_printf(&prefix, META_DUP_PREFIX "%016llx:",
	           (unsigned long long)hash64(qterm, qlen, 0));
	st = prefix.status;
	if (st == LEDE_OK)
		st = xc_writer_meta_keys(u->idx->w, prefix.data, prefix.len,
		                         on_key, &c);
	if (st == LEDE_OK)
		st = c.keys.status;
	if (st != LEDE_OK) {
		buf_free(&c.keys);
		buf_free(&prefix);
		return index_fail(u->idx, st, "%s", xc_writer_errmsg(u->idx->w));
	}
	for (size_t p = 0; st == LEDE_OK && p < c.keys.len;) {
		const char *key = c.keys.data + p;
		size_t kl = strlen(key);
		char *path = NULL;
		size_t plen = 0;
		int keep;

		p += kl + 1;
		buf_reset(&u->other);
		st = xc_writer_get_meta(&path, &plen, u->idx->w, key, kl);
		if (st == LEDE_OK && path && plen)
			buf_append(&u->other, path, plen);
		xc_free(path);
		keep = than && u->other.len && path_cmp(u->other.data, than) < 0;
		if (st == LEDE_OK && !keep)
			st = xc_writer_set_meta(u->idx->w, key, kl, NULL, 0);
		if (st != LEDE_OK) {
			index_fail(u->idx, st, "%s", xc_writer_errmsg(u->idx->w));
			break;
		}
		if (keep)
			continue;
		if (u->other.status != LEDE_OK)
			st = index_fail(u->idx, LEDE_ERR_NOMEM, "out of memory");
		else if (u->other.len)
			st = mark_stale(u, u->other.data); /* reports itself */
		(*out)++;
	}
	buf_free(&c.keys);
	buf_free(&prefix);
	return st;
}

/* ---- committing -------------------------------------------------------- */

/* batch: a periodic commit of the run (see index_commit). */
static lede_status commit(update *u, int batch)
{
	lede_status st = index_commit(u->idx, batch);

	if (st != LEDE_OK)
		return st;
	u->st->commits++;
	u->since_commit = 0;
	emit(u, LEDE_EVENT_COMMIT, NULL, NULL, LEDE_OK);
	return LEDE_OK;
}

static lede_status maybe_commit(update *u)
{
	unsigned every = u->o->commit_every ? u->o->commit_every
	                                    : UPDATE_COMMIT_EVERY;
	if (u->since_commit < every)
		return LEDE_OK;
	return commit(u, 1);
}

/* ---- reading one file -------------------------------------------------- */

static lede_status on_article(void *ctx, const lede_article *a,
                              const char *where)
{
	update *u = ctx;
	put_result r;
	uint64_t qh, released = 0;
	int fresh;
	lede_status st;

	if (u->stop)
		return LEDE_ERR_INTERRUPTED;
	if (a->path == NULL && u->cur_path) {
		lede_article copy = *a;
		copy.path = u->cur_path;
		st = index_put(u->idx, &copy, u->cur_file, arbitrate, u, &r);
	} else {
		st = index_put(u->idx, a, u->cur_file, arbitrate, u, &r);
	}
	if (st == LEDE_ERR_INVALID || st == LEDE_ERR_TOO_BIG) {
		/* A bad article is skipped; the run goes on. */
		problem(u, where, st, "%s", lede_errmsg(u->idx));
		u->st->skipped++;
		return LEDE_OK;
	}
	if (st != LEDE_OK)
		return st;
	/* index_put left the article's Q term in idx->qterm. */
	qh = hash64(u->idx->qterm.data, u->idx->qterm.len, 0);
	fresh = set_add(&u->seen, qh);
	if (fresh < 0)
		return index_fail(u->idx, LEDE_ERR_NOMEM, "out of memory");
	if (r.kept_old) {
		/* a file later in path order holds the indexed copy */
		u->st->duplicates++;
		problem(u, where, LEDE_OK,
		        "article id '%s' is also in %s, later in path order: "
		        "that copy is kept", a->id, u->other.data);
		st = dup_note(u, u->idx->w, qh, u->cur_file, u->cur_abs);
		u->since_commit++;
		return st != LEDE_OK ? st : maybe_commit(u);
	}
	u->cur_nart += (uint64_t)fresh;
	if (r.moved) {
		/* its file is gone (renamed): not a duplicate; losers, if
		 * any, are read again to compare with the new path */
		st = release_losers(u, u->idx->qterm.data, u->idx->qterm.len,
		                    u->cur_abs, &released);
		if (st != LEDE_OK)
			return st;
	} else if (!fresh) {
		u->st->duplicates++;
		problem(u, where, LEDE_OK,
		        "article id '%s' seen before in this file; this copy "
		        "wins", a->id);
	} else if (r.arbitrated && u->cur_file && u->other.len) {
		/* this copy's file is later in path order (a copy from stdin
		 * or the API has no file: no arbiter, the last written wins) */
		u->st->duplicates++;
		problem(u, where, LEDE_OK,
		        "article id '%s' is also in %s, earlier in path order: "
		        "this copy wins", a->id, u->other.data);
		st = dup_note(u, u->idx->w, qh, r.old_file, u->other.data);
		if (st == LEDE_OK)
			st = uncount(u, u->idx->w, u->other.data);
		if (st != LEDE_OK)
			return st;
	}
	if (u->restoring.n && set_has(&u->restoring, qh)) {
		/* a losing copy back in place of a vanished winner: one
		 * update, whichever losers pass before the best one */
		fresh = set_add(&u->restored, qh);
		if (fresh < 0)
			return index_fail(u->idx, LEDE_ERR_NOMEM, "out of memory");
		u->st->updated += (uint64_t)fresh;
	} else if (r.same || (r.moved && r.moved_same)) {
		u->st->unchanged++;
	} else if (r.existed) {
		u->st->updated++;
	} else {
		u->st->added++;
	}
	if (!r.same)
		u->since_commit++;
	return maybe_commit(u);
}

static void on_problem(void *ctx, const char *where, lede_status s,
                       const char *msg)
{
	update *u = ctx;
	emit(u, LEDE_EVENT_PROBLEM, where, msg, s);
}

/* Polled by the reader as it reads: a file that yields no article (blank
 * lines, skipped records) still gives the caller's callback a PROGRESS
 * event every UPDATE_PROGRESS_NS, and with it the chance to stop the run
 * (SIGTERM in lede-index). In a worker, progress() queues the event and
 * learns the pool's stop flag. */
static int on_poll(void *ctx)
{
	update *u = ctx;

	progress(u);
	return u->stop;
}

typedef struct vanish_ctx {
	update *u;
	buf qterms;        /* Q terms to delete, NUL-separated */
	uint64_t n;
	int damaged;       /* a document's Q term value was unusable */
} vanish_ctx;

static int on_file_doc(void *ctx, const char *v, size_t len, uint32_t docid)
{
	vanish_ctx *c = ctx;

	(void)docid;
	/* v is the document's Q term; seen holds the Q terms delivered.
	 * lede stores only valid ones, so anything else is a damaged
	 * table: stop rather than pass it on to a delete that refuses it. */
	if (len < 2 || v[0] != PFX_ID[0] || memchr(v, '\0', len) ||
	    !utf8_valid(v, len)) {
		c->damaged = 1;
		return 1;
	}
	if (!set_has(&c->u->seen, hash64(v, len, 0))) {
		buf_append(&c->qterms, v, len);
		buf_append_byte(&c->qterms, 0);
		c->n++;
	}
	return 0;
}

/* Deletes the documents of file hash fh whose id was not delivered in this
 * read (all of them when the file is gone: seen is empty). Returns the
 * count in *out. */
static lede_status delete_vanished(update *u, uint64_t fh, uint64_t *out)
{
	char ft[24];
	vanish_ctx c = { u, BUF_INIT, 0, 0 };
	lede_status st;

	*out = 0;
	index_file_term(ft, fh);
	st = shard_term_docs(u->idx, ft, strlen(ft), SLOT_QTERM, on_file_doc,
	                     &c);
	if (st == LEDE_OK && c.qterms.status != LEDE_OK)
		st = c.qterms.status;
	if (st == LEDE_OK && c.damaged) {
		buf_free(&c.qterms);
		return index_fail(u->idx, LEDE_ERR_CORRUPT,
		                  "%s: a document of a vanished or changed "
		                  "file holds an unusable id",
		                  u->idx->path);
	}
	for (size_t p = 0; st == LEDE_OK && p < c.qterms.len;) {
		const char *q = c.qterms.data + p;
		size_t l = strlen(q);
		uint64_t losers = 0;

		st = shard_delete_term(u->idx, q, l);
		if (st != LEDE_OK)
			break;
		u->since_commit++;
		/* a losing copy elsewhere comes back: not counted as removed
		 * unless none does (see the end of the update) */
		st = release_losers(u, q, l, NULL, &losers);
		if (st != LEDE_OK) {
			buf_free(&c.qterms);
			return st;
		}
		if (losers == 0)
			(*out)++;
		else if (set_add(&u->restoring, hash64(q, l, 0)) < 0)
			st = LEDE_ERR_NOMEM;
		p += l + 1;
	}
	buf_free(&c.qterms);
	if (st != LEDE_OK)
		return index_fail(u->idx, st, "%s", xc_writer_errmsg(u->idx->w));
	return LEDE_OK;
}

/* 1 if idx (its main database and every time shard) holds no document;
 * 0 when it holds some or cannot tell. */
static int index_holds_nothing(lede_index *idx)
{
	uint32_t n = 1;

	if (xc_writer_doccount(&n, idx->w) != LEDE_OK || n > 0)
		return 0;
	for (size_t i = 0; i < idx->nshards; i++)
		if (idx->shards[i].w == NULL ||
		    xc_writer_doccount(&n, idx->shards[i].w) != LEDE_OK || n > 0)
			return 0;
	return 1;
}

/* Reads file f and indexes its articles. force: read it even when only
 * touched (a loser's re-read). */
static void reader_opts_of(reader_opts *ro, const update *u)
{
	memset(ro, 0, sizeof *ro);
	ro->format = u->o->format;
	ro->map = u->o->map;
	ro->nmap = u->o->nmap;
	ro->latin1 = u->o->latin1;
}

/* ---- index format 4: the average length of the articles to read ---- */

typedef struct sample_ctx {
	update *u;
	uint32_t per_file;  /* most articles to measure in one file */
	/* the file being read: articles seen and measured, their lengths
	 * and bytes of text summed */
	uint32_t in_file, measured;
	uint64_t len, bytes;
	/* over the files: their estimated numbers of articles, and those
	 * times the mean length measured in each */
	double articles, words;
} sample_ctx;

static lede_status on_sample(void *ctx, const lede_article *a,
                             const char *where)
{
	sample_ctx *c = ctx;
	uint64_t len = index_measure(c->u->idx, a);

	(void)where;
	if (len > 0) {
		c->len += len;
		c->bytes += a->body_len + (a->title ? strlen(a->title) : 0);
		c->measured++;
	}
	/* enough of this file: stop reading it */
	return ++c->in_file >= c->per_file ? LEDE_ERR_INTERRUPTED : LEDE_OK;
}

static int on_sample_poll(void *ctx)
{
	sample_ctx *c = ctx;
	return c->u->stop;
}

/* Fixes the average length a format-4 index measures impacts against
 * from a sample of articles (from an eighth of the files to read, at
 * least IMPACT_SAMPLE_DOCS and at most IMPACT_SAMPLE_ARTICLES of them,
 * spread over the list; up to IMPACT_SAMPLE_PER_FILE articles from
 * one), before any is indexed: the library would otherwise measure its
 * first articles twice. persist 0: for the parts of a parallel build
 * only. A sample that reads nothing leaves it to the library. */
static lede_status sample_avglen(update *u, int persist)
{
	sample_ctx c;
	reader_opts ro;
	reader_sink sink = { on_sample, NULL, NULL, on_sample_poll };
	size_t ntodo = 0, seen = 0, nfiles, picked = 0, next = 0;

	if (u->idx->want_avglen > 0) /* the caller fixed it */
		return index_set_avglen(u->idx, u->idx->want_avglen, persist);
	for (size_t i = 0; i < u->nfiles; i++)
		ntodo += u->files[i].todo && !u->files[i].is_stdin;
	if (ntodo == 0)
		return LEDE_OK;
	memset(&c, 0, sizeof c);
	c.u = u;
	sink.ctx = &c;
	/* Files spread over the list: one in IMPACT_SAMPLE_SHARE, at least
	 * IMPACT_SAMPLE_DOCS (or all) and at most IMPACT_SAMPLE_ARTICLES;
	 * from each, enough articles for IMPACT_SAMPLE_ARTICLES in all,
	 * up to IMPACT_SAMPLE_PER_FILE from its start. */
	nfiles = ntodo / IMPACT_SAMPLE_SHARE;
	if (nfiles < IMPACT_SAMPLE_DOCS)
		nfiles = IMPACT_SAMPLE_DOCS;
	if (nfiles > IMPACT_SAMPLE_ARTICLES)
		nfiles = IMPACT_SAMPLE_ARTICLES;
	if (nfiles > ntodo)
		nfiles = ntodo;
	c.per_file = (uint32_t)(IMPACT_SAMPLE_ARTICLES / nfiles);
	if (c.per_file > IMPACT_SAMPLE_PER_FILE)
		c.per_file = IMPACT_SAMPLE_PER_FILE;
	reader_opts_of(&ro, u);
	for (size_t i = 0; i < u->nfiles && !u->stop; i++) {
		file_entry *f = &u->files[i];
		reader_stats rs;
		lede_err err;

		/* the k-th pick is file k * ntodo / nfiles */
		if (!f->todo || f->is_stdin || seen++ != next)
			continue;
		next = (size_t)((uint64_t)++picked * ntodo / nfiles);
		if (next < seen)
			next = seen;
		c.in_file = c.measured = 0;
		c.len = c.bytes = 0;
		memset(&rs, 0, sizeof rs);
		err_clear(&err);
		(void)reader_read_path(f->abs, f->id_base,
		                       (int64_t)(f->mtime_ns / 1000000000LL),
		                       &ro, &sink, &rs, &err);
		/* A file counts for as many articles as its size holds at
		 * the text per article measured in it: a file of a thousand
		 * wire stories is not one long document of the sample. */
		if (c.measured > 0 && c.bytes > 0) {
			double n = (double)f->size * c.measured / (double)c.bytes;

			if (n < 1)
				n = 1;
			c.articles += n;
			c.words += n * (double)c.len / c.measured;
		}
	}
	if (u->stop)
		return LEDE_ERR_INTERRUPTED;
	if (!(c.articles > 0))
		return LEDE_OK;
	return index_set_avglen(u->idx, c.words / c.articles, persist);
}

static lede_status read_file(update *u, file_entry *f, int force)
{
	reader_opts ro;
	reader_sink sink = { on_article, on_problem, u, on_poll };
	reader_stats rs;
	lede_err err;
	lede_status st;
	uint64_t hash = 0, removed = 0;
	int64_t mtime;
	int hashed = 0, first_read, slurped = 0;

	reader_opts_of(&ro, u);
	memset(&rs, 0, sizeof rs);
	err_clear(&err);

	if (!f->is_stdin) {
		hashed = hash_file(&hash, f->abs,
		                   f->size <= UPDATE_SLURP_MAX ? &u->content
		                                              : NULL,
		                   &slurped);
		if (!hashed) {
			problem(u, f->abs, LEDE_ERR_IO, "cannot read: %s",
			        strerror(errno));
			u->st->files_failed++;
			return LEDE_OK;
		}
		if (f->has_state && hash == f->old_hash && !u->o->full &&
		    !force) {
			/* touched, not changed */
			u->st->files_unchanged++;
			u->st->unchanged += f->old_nart;
			f->credited = f->old_nart;
			f->was_credited = 1;
			return file_record(u, f, hash, f->old_nart);
		}
	}
	emit(u, LEDE_EVENT_FILE, f->abs, NULL, LEDE_OK);
	/* a path listed twice (overlapping roots) has two entries */
	first_read = u->started_empty &&
	             set_add(&u->read_files, f->fhash) == 1;
	f->was_read = 1;
	if (f->reread) {
		f->reread = 0;
		u->nreread--;
	}
	u->cur_file = f->fhash;
	u->cur_abs = f->abs;
	u->cur_path = f->is_stdin ? NULL : f->id_base;
	set_clear(&u->seen);
	u->cur_nart = 0;
	/* stdin has no mtime: no date of last resort (not 1970). */
	mtime = f->is_stdin ? LEDE_NO_DATE
	                    : (int64_t)(f->mtime_ns / 1000000000LL);
	if (slurped)
		st = reader_read_mem(u->content.data, u->content.len, f->abs,
		                     f->id_base, mtime, &ro, &sink, &rs, &err);
	else
		st = reader_read_path(f->is_stdin ? "-" : f->abs, f->id_base,
		                      mtime, &ro, &sink, &rs, &err);
	u->st->skipped += rs.skipped;
	u->st->bad_utf8 += rs.bad_utf8;
	u->st->no_date += rs.no_date;
	u->st->bad_date += rs.bad_date;
	u->st->bytes_read += f->size;
	if (st == LEDE_ERR_INTERRUPTED || u->stop)
		return LEDE_ERR_INTERRUPTED;
	if (st == LEDE_ERR_NOMEM || st == LEDE_ERR_BATCH_LOST ||
	    st == LEDE_ERR_IO || st == LEDE_ERR_CORRUPT) {
		if (err.status == st) /* a read failure, not the index's */
			goto file_failed;
		return st;
	}
	if (st != LEDE_OK)
		goto file_failed;
	u->st->files_read++;
	if (!f->is_stdin) {
		/* Only this read can have given documents this file's term
		 * when the index started empty and the path was not read
		 * before in this run: nothing can have vanished. The lookup
		 * is not free: it makes Xapian write out the term's pending
		 * postings (2% of a first build). */
		if (!first_read)
			st = delete_vanished(u, u->cur_file, &removed);
		if (st != LEDE_OK)
			return st;
		u->st->removed += removed;
		st = file_record(u, f, hash, u->cur_nart);
		if (st != LEDE_OK)
			return st;
		u->since_commit++;
	}
	return maybe_commit(u);

file_failed:
	/* The file could not be read to the end (corrupt gzip, I/O error):
	 * what it delivered is indexed, nothing is deleted, and no record is
	 * written, so the next run tries it again. */
	problem(u, f->abs, st, "%s", err.msg[0] ? err.msg : lede_status_str(st));
	u->st->files_failed++;
	return LEDE_OK;
}

/* Reads again, in path order, the walked files flagged reread: they hold
 * losing copies of ids whose winning copy vanished in this run. Their
 * other articles were counted once already (unchanged or read), so only
 * what changes is counted: the ids that come back, as updated. */
static lede_status reread_losers(update *u)
{
	lede_status st = LEDE_OK;

	for (unsigned pass = 0; st == LEDE_OK && u->nreread > 0 && !u->stop &&
	                        pass < UPDATE_MAX_REREAD_PASSES;
	     pass++) {
		for (size_t i = 0; st == LEDE_OK && i < u->nfiles && !u->stop;
		     i++) {
			file_entry *f = &u->files[i];
			uint64_t unchanged;
			int counted = f->was_read;

			if (!f->reread)
				continue;
			if (f->was_credited) {
				u->st->unchanged -= f->credited;
				u->st->files_unchanged--;
				f->was_credited = 0;
				f->credited = 0;
			}
			if (counted)
				u->st->files_read--;
			unchanged = u->st->unchanged;
			st = read_file(u, f, 1);
			if (counted)
				u->st->unchanged = unchanged;
			if (st == LEDE_OK)
				st = maybe_commit(u);
		}
	}
	return st;
}

/* ---- pruning ----------------------------------------------------------- */

/* Whether path is inside the directory dir (not dir itself). */
static int path_inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 &&
	       (path[n] == '/' || (n == 1 && dir[0] == '/'));
}

static int under_root(const update *u, const char *path)
{
	for (size_t i = 0; i < u->nroots; i++)
		if (u->roots_abs[i] && path_inside(path, u->roots_abs[i]))
			return 1;
	return 0;
}

/* Whether the file at path, which has a record, is gone: the walk of a
 * directory argument it is under did not see it, though it could read
 * every directory on its way (u->unreached) and its name is one the run's
 * --include and --exclude select (a file they leave out is outside the
 * run, not deleted: its articles stay as they are). */
static int file_gone(const update *u, const char *path)
{
	const char *name = strrchr(path, '/');

	if (!under_root(u, path) ||
	    set_has(&u->walked, hash64(path, strlen(path), 0)) ||
	    !name_selected(u, name ? name + 1 : path))
		return 0;
	for (size_t p = 0; p < u->unreached.len;) {
		const char *un = u->unreached.data + p;
		if (strcmp(path, un) == 0 || path_inside(path, un))
			return 0;
		p += strlen(un) + 1;
	}
	return 1;
}

/* One pass over the file records (prune): those of gone files (file_gone),
 * as "key\0path\0" pairs. */
typedef struct vanished_ctx {
	update *u;
	buf gone;
} vanished_ctx;

static int on_file_record(void *ctx, const char *key, size_t klen,
                          const char *val, size_t vlen)
{
	vanished_ctx *c = ctx;
	const char *path = memchr(val, '\n', vlen);

	if (path == NULL)
		return 0;
	path++;
	if (file_gone(c->u, path)) {
		buf_append(&c->gone, key, klen);
		buf_append_byte(&c->gone, 0);
		buf_append_str(&c->gone, path);
		buf_append_byte(&c->gone, 0);
	}
	return c->gone.status != LEDE_OK;
}

static lede_status prune(update *u)
{
	vanished_ctx c = { u, BUF_INIT };
	lede_status st = LEDE_OK;

	if (!u->unwalked_known)
		st = xc_writer_meta_each(u->idx->w, META_FILE_PREFIX,
		                         strlen(META_FILE_PREFIX),
		                         on_file_record, &c);
	for (size_t i = 0; u->unwalked_known && st == LEDE_OK &&
	                   i < u->nunwalked; i++) {
		char *val = NULL;
		size_t vlen = 0;

		file_key_hash(&u->scratch, u->unwalked[i]);
		st = u->scratch.status;
		if (st == LEDE_OK)
			st = xc_writer_get_meta(&val, &vlen, u->idx->w,
			                        u->scratch.data, u->scratch.len);
		if (st == LEDE_OK && vlen > 0 &&
		    on_file_record(&c, u->scratch.data, u->scratch.len, val,
		                   vlen))
			st = c.gone.status;
		xc_free(val);
	}
	if (st == LEDE_OK)
		st = c.gone.status;
	for (size_t p = 0; st == LEDE_OK && p < c.gone.len && !u->stop;) {
		const char *key = c.gone.data + p;
		size_t kl = strlen(key);
		const char *path = key + kl + 1;
		uint64_t removed = 0;

		p += kl + 1 + strlen(path) + 1;
		st = delete_vanished(u, hash64(path, strlen(path), 0),
		                     &removed);
		if (st == LEDE_OK)
			st = xc_writer_set_meta(u->idx->w, key, kl, NULL, 0);
		u->st->removed += removed;
		u->st->files_removed++;
		u->since_commit++;
		if (st == LEDE_OK)
			st = maybe_commit(u);
	}
	buf_free(&c.gone);
	if (st != LEDE_OK && st != LEDE_ERR_INTERRUPTED)
		return index_fail(u->idx, st, "%s", lede_errmsg(u->idx)[0]
		                                         ? lede_errmsg(u->idx)
		                                         : xc_writer_errmsg(u->idx->w));
	return st;
}


/* ---- parallel builds ----------------------------------------------------
 *
 * A build from scratch (a new index, or --full) with jobs > 1 splits the
 * file list into contiguous ranges of about equal bytes, one per worker
 * thread. Each worker reads, analyzes and writes its range into its own
 * scratch database exactly as the one-thread path would (the same
 * read_file()); then the parts are compacted, in order, into the new
 * database, which is switched in. Because the ranges are contiguous and
 * compaction keeps the order, docids follow the file order as in a
 * one-thread build, so ties rank identically whatever the job count. Ids
 * that two workers both saw (duplicates across files) are resolved after
 * the merge the way the one-thread path resolves them: the copy from the
 * later file wins.
 *
 * Workers never call the caller's callback: they queue events, and the
 * calling thread delivers them (lede.h promises callbacks on the calling
 * thread). Xapian objects are never shared: each worker has its own
 * writer, analyzer and stemmer (xapian.md 5.1).
 */

typedef struct qevent {
	lede_event_kind kind;
	lede_status status;
	char *where, *msg;
	int worker;
	lede_update_stats stats;  /* the worker's counters at the time */
	uint64_t files_done, bytes_done;
} qevent;

typedef struct pool {
	pthread_mutex_t mu;
	pthread_cond_t cv_main;   /* events queued, or a worker finished */
	pthread_cond_t cv_room;   /* queue space, or stop */
	qevent *q;
	size_t nq, capq;
	int stop;                 /* the caller asked to stop */
	unsigned running;
} pool;

typedef struct worker {
	pthread_t th;
	pool *p;
	int k;
	lede_index *part;
	update u;
	lede_update_opts o;
	lede_update_stats st;
	size_t lo, hi;            /* files [lo, hi) */
	lede_status result;
	int started;
	int resumed;              /* the part of an interrupted build */
} worker;

static int worker_event(void *ctx, const lede_event *ev)
{
	worker *w = ctx;
	pool *p = w->p;
	qevent *e;
	int stop;

	pthread_mutex_lock(&p->mu);
	while (p->nq >= UPDATE_MAX_QUEUED && !p->stop)
		pthread_cond_wait(&p->cv_room, &p->mu);
	if (lede_grow(&p->q, &p->capq, p->nq, sizeof *p->q, 64) != 0) {
		stop = p->stop;
		pthread_mutex_unlock(&p->mu);
		return stop; /* the event is lost, not the build */
	}
	e = &p->q[p->nq++];
	memset(e, 0, sizeof *e);
	e->kind = ev->kind;
	e->status = ev->status;
	e->where = ev->where ? lede_strdup(ev->where) : NULL;
	e->msg = ev->msg ? lede_strdup(ev->msg) : NULL;
	e->worker = w->k;
	if (ev->stats)
		e->stats = *ev->stats;
	e->files_done = ev->files_done;
	e->bytes_done = ev->bytes_done;
	if ((ev->kind != LEDE_EVENT_FILE && ev->kind != LEDE_EVENT_PROGRESS) ||
	    p->nq >= UPDATE_WAKE_QUEUED)
		pthread_cond_signal(&p->cv_main);
	stop = p->stop;
	pthread_mutex_unlock(&p->mu);
	return stop;
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	update *u = &w->u;
	lede_status st = LEDE_OK;

	for (size_t i = w->lo; i < w->hi && !u->stop; i++) {
		file_entry *f = &u->files[i];

		if (w->resumed && file_unchanged(u, f)) {
			/* done before the interruption */
			u->st->files_unchanged++;
			u->st->unchanged += f->old_nart;
			f->credited = f->old_nart; /* its own range: no race */
			f->was_credited = 1;
		} else {
			st = read_file(u, f, 0);
		}
		u->files_done++;
		u->bytes_done += u->files[i].size;
		progress(u);
		if (st != LEDE_OK)
			break;
	}
	if (st == LEDE_OK && u->stop)
		st = LEDE_ERR_INTERRUPTED;
	if (st == LEDE_OK || st == LEDE_ERR_INTERRUPTED) {
		/* interrupted too: the part keeps its work for a rerun */
		lede_status cs = commit(u, 0);
		if (cs != LEDE_OK)
			st = cs;
	}
	u->stop = 0;
	emit(u, LEDE_EVENT_PROGRESS, NULL, NULL, LEDE_OK);
	w->result = st;
	pthread_mutex_lock(&w->p->mu);
	w->p->running--;
	pthread_cond_signal(&w->p->cv_main);
	pthread_mutex_unlock(&w->p->mu);
	return NULL;
}

static void stats_add(lede_update_stats *to, const lede_update_stats *s)
{
	to->files_read += s->files_read;
	to->files_unchanged += s->files_unchanged;
	to->files_removed += s->files_removed;
	to->files_failed += s->files_failed;
	to->added += s->added;
	to->updated += s->updated;
	to->unchanged += s->unchanged;
	to->removed += s->removed;
	to->skipped += s->skipped;
	to->duplicates += s->duplicates;
	to->bad_utf8 += s->bad_utf8;
	to->no_date += s->no_date;
	to->bad_date += s->bad_date;
	to->bytes_read += s->bytes_read;
	to->commits += s->commits;
}

/* Delivers queued events on the calling thread until every worker is
 * done. */
static void pump_events(update *u, pool *p, worker *ws, unsigned jobs)
{
	lede_update_stats base = *u->st, *snap;
	uint64_t *fdone, *bdone;

	snap = calloc(jobs, sizeof *snap);
	fdone = calloc(jobs, sizeof *fdone);
	bdone = calloc(jobs, sizeof *bdone);
	pthread_mutex_lock(&p->mu);
	while (p->running > 0 || p->nq > 0) {
		qevent *q;
		size_t nq;

		if (p->nq == 0) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += UPDATE_POLL_MS * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&p->cv_main, &p->mu, &ts);
			continue;
		}
		q = p->q;
		nq = p->nq;
		p->q = NULL;
		p->nq = p->capq = 0;
		pthread_cond_broadcast(&p->cv_room);
		pthread_mutex_unlock(&p->mu);
		for (size_t i = 0; i < nq; i++) {
			qevent *e = &q[i];
			if (snap && e->worker >= 0 && (unsigned)e->worker < jobs) {
				snap[e->worker] = e->stats;
				fdone[e->worker] = e->files_done;
				bdone[e->worker] = e->bytes_done;
				*u->st = base;
				u->files_done = u->bytes_done = 0;
				for (unsigned k = 0; k < jobs; k++) {
					stats_add(u->st, &snap[k]);
					u->files_done += fdone[k];
					u->bytes_done += bdone[k];
				}
			}
			if (e->kind != LEDE_EVENT_PROGRESS)
				emit(u, e->kind, e->where, e->msg, e->status);
			else
				progress(u);
			free(e->where);
			free(e->msg);
		}
		free(q);
		pthread_mutex_lock(&p->mu);
		if (u->stop && !p->stop) {
			p->stop = 1;
			pthread_cond_broadcast(&p->cv_room);
		}
	}
	pthread_mutex_unlock(&p->mu);
	*u->st = base;
	for (unsigned k = 0; k < jobs; k++)
		stats_add(u->st, &ws[k].st);
	free(snap);
	free(fdone);
	free(bdone);
}

typedef struct dup_ctx {
	buf terms;        /* Q terms held by more than one document */
	uint64_t n;
} dup_ctx;

static int on_q_term(void *ctx, const char *t, size_t len, uint32_t freq)
{
	dup_ctx *c = ctx;
	if (freq > 1) {
		buf_append(&c->terms, t, len);
		buf_append_byte(&c->terms, 0);
		c->n++;
	}
	return 0;
}

typedef struct copy_list {
	uint32_t docid[UPDATE_MAX_JOBS];
	uint64_t file[UPDATE_MAX_JOBS];
	size_t n;
} copy_list;

static int on_copy(void *ctx, const char *v, size_t len, uint32_t docid)
{
	copy_list *c = ctx;
	uint64_t h = 0;

	if (c->n >= UPDATE_MAX_JOBS)
		return 1;
	for (size_t i = 0; i < len && i < 8; i++)
		h = h << 8 | (unsigned char)v[i];
	c->docid[c->n] = docid;
	c->file[c->n] = h;
	c->n++;
	return 0;
}

/* After a merge: each id held by several documents (one per worker that
 * saw it) keeps the copy from the file latest in path order, as the
 * one-thread path does; the others are recorded as losing copies. */
static lede_status resolve_duplicates(update *u, xc_writer *w)
{
	dup_ctx d = { BUF_INIT, 0 };
	lede_status st;
	int nomem = 0;

	st = xc_writer_allterms(w, PFX_ID, strlen(PFX_ID), on_q_term, &d);
	if (st == LEDE_OK)
		st = d.terms.status;
	for (size_t p = 0; st == LEDE_OK && p < d.terms.len;) {
		const char *t = d.terms.data + p;
		size_t tl = strlen(t);
		uint64_t qh = hash64(t, tl, 0);
		copy_list c;
		const file_entry *best = NULL, *f[UPDATE_MAX_JOBS];
		size_t besti = 0;

		p += tl + 1;
		c.n = 0;
		st = xc_writer_term_docs(w, t, tl, SLOT_FILE, on_copy, &c);
		for (size_t i = 0; st == LEDE_OK && i < c.n; i++) {
			f[i] = walked_file(u, c.file[i], &nomem);
			if (nomem)
				st = LEDE_ERR_NOMEM;
			else if (f[i] && (best == NULL ||
			                  path_cmp(f[i]->abs, best->abs) > 0)) {
				best = f[i];
				besti = i;
			}
		}
		for (size_t i = 0; st == LEDE_OK && i < c.n; i++) {
			if (i == besti)
				continue;
			st = xc_writer_delete_docid(w, c.docid[i]);
			if (st == LEDE_OK && f[i])
				st = dup_note(u, w, qh, f[i]->fhash, f[i]->abs);
			if (st == LEDE_OK && f[i])
				st = uncount(u, w, f[i]->abs);
			u->st->duplicates++;
			if (u->st->added)
				u->st->added--;
			u->st->updated++;
			problem(u, best ? best->abs : NULL, LEDE_OK,
			        "article id '%.*s' is also in %s, earlier in "
			        "path order: this copy wins",
			        (int)(tl - strlen(PFX_ID)), t + strlen(PFX_ID),
			        f[i] ? f[i]->abs : "another file");
		}
	}
	buf_free(&d.terms);
	if (st == LEDE_ERR_NOMEM)
		return index_fail(u->idx, st, "out of memory");
	if (st != LEDE_OK)
		return index_fail(u->idx, st, "%s", xc_writer_errmsg(w));
	return LEDE_OK;
}

/* The plan of a parallel build, stored in each part's metadata: the job
 * count and the first file of each range but the first, NUL-separated
 * ("" for an empty last range). A rerun that finds the parts of an
 * interrupted first build maps the plan onto its own walk, so each part
 * continues its own range and docids still follow the file order. */
#define META_PART_PLAN "lede:part-plan"

static lede_status plan_format(buf *out, const update *u, const worker *ws,
                               unsigned jobs)
{
	buf_reset(out);
	buf_printf(out, "v1 %u", jobs);
	for (unsigned k = 1; k < jobs; k++) {
		buf_append_byte(out, 0);
		if (ws[k].lo < u->nfiles)
			buf_append_str(out, u->files[ws[k].lo].abs);
	}
	return out->status;
}

/* Maps a stored plan onto this run's files: *jobs and ws[k].lo/hi. 0 if
 * it does not fit (a range's first file is gone): then the build starts
 * afresh. */
static int plan_map(update *u, const char *plan, size_t len, worker *ws,
                    unsigned *jobs)
{
	unsigned n = 0;
	const char *p = plan, *end = plan + len;
	size_t prev = 0;
	int nomem = 0;

	if (len < 4 || memcmp(plan, "v1 ", 3) != 0 ||
	    sscanf(plan + 3, "%u", &n) != 1 || n < 1 || n > UPDATE_MAX_JOBS)
		return 0;
	ws[0].lo = 0;
	for (unsigned k = 1; k < n; k++) {
		const file_entry *f;
		p = memchr(p, '\0', (size_t)(end - p));
		if (p == NULL)
			return 0;
		p++;
		if (p >= end || *p == '\0') {
			ws[k].lo = u->nfiles;
		} else {
			f = walked_file(u, hash64(p, strnlen(p, (size_t)(end - p)), 0),
			                &nomem);
			if (f == NULL || strcmp(f->abs, p) != 0)
				return 0;
			ws[k].lo = (size_t)(f - u->files);
		}
		if (ws[k].lo < prev)
			return 0;
		prev = ws[k].lo;
		ws[k - 1].hi = ws[k].lo;
	}
	ws[n - 1].hi = u->nfiles;
	*jobs = n;
	return 1;
}

/* Opens the parts an interrupted first build left (old[k], NULL where
 * none or unusable, reported) and reads the plan from the first that
 * opens. Returns 1 with *plan set if there is one. */
static int plan_find(update *u, lede_index **old, buf *plan)
{
	int found = 0;

	for (int k = 0; k < UPDATE_MAX_JOBS; k++) {
		char *v = NULL;
		size_t vl = 0;
		lede_status st = index_part_resume(&old[k], u->idx, k);

		if (st == LEDE_ERR_NOT_FOUND)
			continue;
		if (st != LEDE_OK) {
			/* e.g. torn by a power loss: its range is redone */
			problem(u, NULL, st, "%s; its files are read again",
			        lede_errmsg(u->idx));
			old[k] = NULL;
			u->idx->errmsg[0] = '\0';
			continue;
		}
		if (found)
			continue;
		if (xc_writer_get_meta(&v, &vl, old[k]->w, META_PART_PLAN,
		                       strlen(META_PART_PLAN)) == LEDE_OK &&
		    vl > 0) {
			buf_reset(plan);
			buf_append(plan, v, vl);
			found = plan->status == LEDE_OK;
		}
		xc_free(v);
	}
	return found;
}

/* Whether part p carries exactly this plan. */
static int plan_same(lede_index *p, const buf *plan)
{
	char *v = NULL;
	size_t vl = 0;
	int same = 0;

	if (xc_writer_get_meta(&v, &vl, p->w, META_PART_PLAN,
	                       strlen(META_PART_PLAN)) == LEDE_OK)
		same = vl == plan->len && memcmp(v, plan->data, vl) == 0;
	xc_free(v);
	return same;
}

/* Contiguous ranges of about total/jobs bytes each. */
static void plan_split(const update *u, worker *ws, unsigned jobs)
{
	uint64_t total = 0, acc = 0;
	size_t at = 0;

	for (size_t i = 0; i < u->nfiles; i++)
		total += u->files[i].size + 1;
	for (unsigned k = 0; k < jobs; k++) {
		uint64_t goal = total * (k + 1) / jobs;
		ws[k].lo = at;
		while (at < u->nfiles && (acc < goal || k + 1 == jobs)) {
			acc += u->files[at].size + 1;
			at++;
		}
		ws[k].hi = at;
	}
}

/* After the workers joined: the files they found holding losing copies
 * of vanished winners are flagged for reread_losers, and those ids join
 * the caller's restoring (and restored) sets, so the copies come back
 * and are counted once. */
static lede_status take_marks(update *u, worker *ws, unsigned jobs)
{
	for (unsigned k = 0; k < jobs; k++) {
		const update *w = &ws[k].u;

		for (size_t i = 0; i < w->nmarks; i++) {
			file_entry *f = &u->files[w->marks[i]];
			if (!f->reread) {
				f->reread = 1;
				u->nreread++;
			}
		}
		for (size_t i = 0; i < w->restoring.cap; i++)
			if (w->restoring.slot[i] &&
			    set_add(&u->restoring, w->restoring.slot[i]) < 0)
				return LEDE_ERR_NOMEM;
		for (size_t i = 0; i < w->restored.cap; i++)
			if (w->restored.slot[i] &&
			    set_add(&u->restored, w->restored.slot[i]) < 0)
				return LEDE_ERR_NOMEM;
	}
	return LEDE_OK;
}

/* Articles the parts hold (what an interrupted build keeps). */
static uint64_t parts_count(worker *ws, unsigned jobs)
{
	uint64_t n = 0;
	for (unsigned k = 0; k < jobs; k++) {
		uint32_t c = 0;
		if (ws[k].part && xc_writer_doccount(&c, ws[k].part->w) == LEDE_OK)
			n += c;
	}
	return n;
}

/* A parallel build. A first build (not --full) resumes the parts an
 * interrupted one left; its parts are committed every commit_every
 * articles and on interruption, and kept when the build does not end, so
 * a rerun continues it; they are removed once merged. */
static lede_status update_parallel(update *u, unsigned jobs)
{
	pool p;
	worker *ws;
	lede_index *parts[UPDATE_MAX_JOBS], *old[UPDATE_MAX_JOBS];
	lede_status st = LEDE_OK;
	xc_writer *merged = NULL;
	buf plan = BUF_INIT;
	int have_plan = 0, resumed = 0;

	ws = calloc(UPDATE_MAX_JOBS, sizeof *ws);
	if (ws == NULL)
		return index_fail(u->idx, LEDE_ERR_NOMEM, "out of memory");
	memset(&p, 0, sizeof p);
	memset(old, 0, sizeof old);
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv_main, NULL);
	pthread_cond_init(&p.cv_room, NULL);
	if (!u->o->full && plan_find(u, old, &plan))
		have_plan = plan_map(u, plan.data, plan.len, ws, &jobs);
	if (!have_plan)
		plan_split(u, ws, jobs);
	st = plan_format(&plan, u, ws, jobs);
	for (unsigned k = 0; k < jobs && st == LEDE_OK; k++) {
		worker *w = &ws[k];
		w->k = (int)k;
		w->p = &p;
		if (have_plan && old[k] && plan_same(old[k], &plan)) {
			w->part = old[k];
			old[k] = NULL;
			w->resumed = 1;
			resumed = 1;
		} else {
			/* an unusable part k is closed and removed before a
			 * fresh one takes its directory */
			index_part_free(old[k], 1);
			old[k] = NULL;
			st = index_part_new(&w->part, u->idx, (int)k);
			/* the plan is committed first: a part found later
			 * without it is discarded */
			if (st == LEDE_OK)
				st = xc_writer_set_meta(w->part->w, META_PART_PLAN,
				                        strlen(META_PART_PLAN),
				                        plan.data, plan.len);
			if (st == LEDE_OK)
				st = xc_writer_commit(w->part->w);
			if (st != LEDE_OK && w->part)
				index_fail(u->idx, st, "%s",
				           xc_writer_errmsg(w->part->w));
		}
		if (st != LEDE_OK)
			break;
		parts[k] = w->part;
		w->o = *u->o;
		w->o.on_event = worker_event;
		w->o.ctx = w;
		w->o.jobs = 1;
		w->u.idx = w->part;
		w->u.o = &w->o;
		w->u.st = &w->st;
		w->u.files = u->files;
		w->u.nfiles = u->nfiles;
		w->u.scratch = (buf)BUF_INIT;
		w->u.content = (buf)BUF_INIT;
		w->u.other = (buf)BUF_INIT;
		w->u.have_dups = -1;
		w->u.in_worker = 1;
		w->u.started_empty = index_holds_nothing(w->part);
		w->u.roots_abs = u->roots_abs;
		w->u.nroots = u->nroots;
		w->u.files_total = w->hi - w->lo;
		for (size_t i = w->lo; i < w->hi; i++)
			w->u.bytes_total += u->files[i].size;
	}
	/* parts of an older plan, or beyond this one's count */
	for (int k = 0; k < UPDATE_MAX_JOBS; k++)
		index_part_free(old[k], 1);
	if (st == LEDE_OK) {
		reader_prepare_threads();
		for (unsigned k = 0; k < jobs; k++) {
			pthread_mutex_lock(&p.mu);
			p.running++;
			pthread_mutex_unlock(&p.mu);
			if (pthread_create(&ws[k].th, NULL, worker_main, &ws[k]) !=
			    0) {
				pthread_mutex_lock(&p.mu);
				p.running--;
				p.stop = 1;
				pthread_mutex_unlock(&p.mu);
				st = index_fail(u->idx, LEDE_ERR_NOMEM,
				                "cannot start worker threads");
				break;
			}
			ws[k].started = 1;
		}
		pump_events(u, &p, ws, jobs);
		for (unsigned k = 0; k < jobs; k++)
			if (ws[k].started)
				pthread_join(ws[k].th, NULL);
		if (take_marks(u, ws, jobs) != LEDE_OK)
			st = index_fail(u->idx, LEDE_ERR_NOMEM, "out of memory");
	}
	for (unsigned k = 0; k < jobs && st == LEDE_OK; k++) {
		if (ws[k].result != LEDE_OK) {
			st = ws[k].result;
			if (st != LEDE_ERR_INTERRUPTED)
				index_fail(u->idx, st, "%s",
				           lede_errmsg(ws[k].part));
		}
	}
	if (st == LEDE_ERR_INTERRUPTED && u->o->full)
		index_fail(u->idx, st, "interrupted; the index is unchanged");
	else if (st == LEDE_ERR_INTERRUPTED)
		index_fail(u->idx, st,
		           "interrupted; %llu articles of this first build are "
		           "kept (searches see them once it ends): a rerun "
		           "finishes it",
		           (unsigned long long)parts_count(ws, jobs));
	if (st == LEDE_OK)
		st = index_merge_parts(u->idx, parts, jobs, &merged);
	if (st == LEDE_OK)
		st = resolve_duplicates(u, merged);
	if (st == LEDE_OK &&
	    (xc_writer_set_meta(merged, META_PART_PLAN, strlen(META_PART_PLAN),
	                        NULL, 0) != LEDE_OK ||
	     xc_writer_commit(merged) != LEDE_OK))
		st = index_fail(u->idx, LEDE_ERR_IO, "%s",
		                xc_writer_errmsg(merged));
	if (st == LEDE_OK) {
		st = index_switch_to(u->idx, merged);
		if (st == LEDE_OK)
			merged = NULL;
	}
	if (merged) {
		xc_writer_free(merged);
		/* the half-made database is removed by the next writer */
	}
	for (unsigned k = 0; k < jobs; k++) {
		for (size_t i = 0; i < p.nq; i++) {
			free(p.q[i].where);
			free(p.q[i].msg);
		}
		p.nq = 0;
		free(ws[k].u.seen.slot);
		free(ws[k].u.read_files.slot);
		free(ws[k].u.restoring.slot);
		free(ws[k].u.restored.slot);
		free(ws[k].u.refs);
		free(ws[k].u.marks);
		buf_free(&ws[k].u.other);
		buf_free(&ws[k].u.scratch);
		buf_free(&ws[k].u.content);
		/* kept for a rerun to resume, unless merged, damaged, or
		 * resumed already and failing again (a part that opens but
		 * reads as damaged is not resumed forever: the next run
		 * starts afresh) */
		index_part_free(ws[k].part,
		                st == LEDE_OK || st == LEDE_ERR_CORRUPT ||
		                    (resumed && st != LEDE_ERR_INTERRUPTED));
	}
	free(p.q);
	free(ws);
	buf_free(&plan);
	pthread_mutex_destroy(&p.mu);
	pthread_cond_destroy(&p.cv_main);
	pthread_cond_destroy(&p.cv_room);
	if (st == LEDE_OK)
		u->st->commits++;
	/* files the interrupted build read that are gone now: their
	 * records came with the parts, after the preload, so prune reads
	 * them all */
	u->unwalked_known = 0;
	if (st == LEDE_OK && resumed && u->o->prune)
		st = prune(u);
	/* losing copies of winners that vanished come back in this run, as
	 * in the one-thread path */
	if (st == LEDE_OK)
		st = reread_losers(u);
	if (st == LEDE_OK) {
		u->st->removed += u->restoring.n - u->restored.n;
		if (u->stop)
			st = LEDE_ERR_INTERRUPTED;
	}
	if ((st == LEDE_OK || st == LEDE_ERR_INTERRUPTED) &&
	    (resumed || u->since_commit)) {
		lede_status cs = commit(u, 0);
		if (cs != LEDE_OK)
			st = cs;
		else if (st == LEDE_ERR_INTERRUPTED)
			index_fail(u->idx, st, "interrupted; committed work so far");
	}
	return st;
}

/* ---- the update -------------------------------------------------------- */

/* A parallel build needs: jobs > 1, a build from scratch (--full, or an
 * empty index), the stub layout (to build beside the live database), no
 * stdin, and enough files to share out. */
/* The parts of an interrupted first build are resumed whatever the job
 * count asked for now (their plan has its own). */
static int parallel_ok(const update *u, const lede_update_opts *o)
{
	if (u->idx->db_name[0] == '\0' || u->idx->shard_by != SHARD_NONE)
		return 0;
	for (size_t i = 0; i < u->nfiles; i++)
		if (u->files[i].is_stdin || !u->files[i].todo)
			return 0;
	if (!o->full && !u->started_empty)
		return 0;
	if (!o->full && index_parts_left(u->idx, UPDATE_MAX_JOBS))
		return 1;
	return o->jobs > 1 && u->nfiles >= 2 * o->jobs;
}

LEDE_API lede_status lede_index_update(lede_index *idx,
                                       const char *const *paths, size_t n,
                                       const lede_update_opts *opts,
                                       lede_update_stats *stats)
{
	lede_update_opts def = LEDE_UPDATE_OPTS_INIT;
	lede_update_stats local;
	update u;
	lede_status st = LEDE_OK;
	int rebuilding = 0;

	if (stats == NULL)
		stats = &local;
	memset(stats, 0, sizeof *stats);
	if (opts == NULL)
		opts = &def;
	API_REFUSE_NULL(idx);
	if (idx->w == NULL)
		return index_fail(idx, LEDE_ERR_READ_ONLY,
		                  "%s: index is open read-only", idx->path);
	if (opts->version != LEDE_UPDATE_OPTS_VERSION)
		return index_fail(idx, LEDE_ERR_INVALID,
		                  "lede_update_opts version %u not supported",
		                  opts->version);
	if (paths == NULL && n)
		return index_fail(idx, LEDE_ERR_INVALID, "NULL paths");
	/* A NULL entry is the caller's mistake too: refused before anything
	 * is walked or written, not met halfway through the walk. */
	for (size_t k = 0; k < n; k++)
		if (paths[k] == NULL)
			return index_fail(idx, LEDE_ERR_INVALID,
			                  "paths[%zu] is NULL", k);
	for (size_t k = 0; k < opts->ninclude; k++)
		if (opts->include == NULL || opts->include[k] == NULL)
			return index_fail(idx, LEDE_ERR_INVALID,
			                  "include[%zu] is NULL", k);
	for (size_t k = 0; k < opts->nexclude; k++)
		if (opts->exclude == NULL || opts->exclude[k] == NULL)
			return index_fail(idx, LEDE_ERR_INVALID,
			                  "exclude[%zu] is NULL", k);
	/* A bad mapping is the caller's mistake, not a file's: refuse the
	 * run rather than skip every file. */
	for (size_t k = 0; k < opts->nmap; k++)
		if (opts->map == NULL || !reader_map_ok(opts->map[k]))
			return index_fail(
			    idx, LEDE_ERR_INVALID,
			    "bad field mapping \"%s\": want SRCFIELD=NAME, "
			    "NAME one of " LEDE_MAP_NAMES,
			    opts->map && opts->map[k] ? opts->map[k] : "(null)");
	memset(&u, 0, sizeof u);
	u.idx = idx;
	u.o = opts;
	u.st = stats;
	u.scratch = (buf)BUF_INIT;
	u.content = (buf)BUF_INIT;
	u.other = (buf)BUF_INIT;
	u.unreached = (buf)BUF_INIT;
	u.have_dups = -1;
	idx->errmsg[0] = '\0';

	st = collect(&u, paths, n);
	if (st != LEDE_OK)
		goto out;
	if (opts->full) {
		st = index_begin_rebuild(idx);
		if (st == LEDE_OK)
			rebuilding = 1;
		else if (st != LEDE_ERR_UNSUPPORTED)
			goto out;
		st = LEDE_OK;
	}
	stats->files_seen = u.nfiles;
	u.started_empty = index_holds_nothing(idx);
	if (!opts->full && u.nfiles >= FILE_PRELOAD_MIN) {
		uint32_t docs = 0;
		(void)xc_writer_doccount(&docs, idx->w);
		if (u.nfiles >= docs / FILE_PRELOAD_SHARE)
			file_preload(&u);
	}
	for (size_t i = 0; i < u.nfiles; i++) {
		file_entry *f = &u.files[i];
		if (!f->is_stdin && !opts->full && file_unchanged(&u, f)) {
			stats->files_unchanged++;
			stats->unchanged += f->old_nart;
			f->credited = f->old_nart;
			f->was_credited = 1;
			continue;
		}
		f->todo = 1;
		u.files_total++;
		u.bytes_total += f->size;
	}
	file_preload_end(&u); /* the records change from here on */
	emit(&u, LEDE_EVENT_PROGRESS, NULL, NULL, LEDE_OK);
	if (parallel_ok(&u, opts)) {
		unsigned jobs = opts->jobs > UPDATE_MAX_JOBS ? UPDATE_MAX_JOBS
		                                             : opts->jobs;
		double live = 0;

		if (jobs < 1)
			jobs = 1;
		if (rebuilding) {
			/* the parallel path builds beside the live db itself */
			index_end_rebuild(idx, 0);
			rebuilding = 0;
		}
		/* the parts are new databases: they measure against one
		 * sample of the whole build, the live database keeps its own
		 * should the build fail */
		live = idx->avglen;
		idx->avglen = 0;
		st = sample_avglen(&u, 0);
		if (st == LEDE_OK)
			st = update_parallel(&u, jobs);
		if (st != LEDE_OK)
			idx->avglen = live;
		goto done;
	}
	if (SCHEMA_IMPACTS(idx->settings.schema) && idx->avglen == 0) {
		st = sample_avglen(&u, 1);
		if (st != LEDE_OK)
			goto out;
		/* The sample spans every file of the run; the average of
		 * the part committed so far does not, and moving to it at
		 * each commit would measure the articles again and again in
		 * a corpus ordered by anything that goes with length. Later
		 * runs follow the index's average. */
		idx->avglen_held = 1;
	}
	for (size_t i = 0; i < u.nfiles && !u.stop; i++) {
		file_entry *f = &u.files[i];
		if (!f->todo)
			continue;
		st = read_file(&u, f, 0);
		u.files_done++;
		u.bytes_done += f->size;
		progress(&u);
		if (st != LEDE_OK)
			goto out;
	}
	if (opts->prune && !u.stop) {
		st = prune(&u);
		if (st != LEDE_OK)
			goto out;
	}
	st = reread_losers(&u);
	if (st != LEDE_OK)
		goto out;
	/* winners that vanished with no losing copy left to come back */
	stats->removed += u.restoring.n - u.restored.n;
	if (u.stop)
		st = LEDE_ERR_INTERRUPTED;
out:
	if (rebuilding) {
		/* A rebuild switches over only when complete. */
		lede_status es;
		if (st == LEDE_OK)
			st = commit(&u, 0);
		es = index_end_rebuild(idx, st == LEDE_OK);
		if (st == LEDE_OK)
			st = es;
		if (st == LEDE_ERR_INTERRUPTED)
			index_fail(idx, st, "interrupted; the index is unchanged");
	} else if (st == LEDE_OK || st == LEDE_ERR_INTERRUPTED) {
		lede_status cs = commit(&u, 0);
		if (cs != LEDE_OK)
			st = cs;
		else if (st == LEDE_ERR_INTERRUPTED)
			index_fail(idx, st, "interrupted; committed work so far");
		/* time shards: closed periods written in this run are
		 * compacted once, then left alone */
		if (st == LEDE_OK && idx->nshards)
			st = shard_compact_closed(idx, (int64_t)time(NULL));
	}
done:
	idx->avglen_held = 0;
	u.stop = 0;
	emit(&u, LEDE_EVENT_PROGRESS, NULL, NULL, LEDE_OK);
	for (size_t i = 0; i < u.nfiles; i++) {
		free(u.files[i].abs);
		free(u.files[i].id_base);
	}
	free(u.files);
	for (size_t i = 0; i < u.nroots; i++)
		free(u.roots_abs[i]);
	free(u.roots_abs);
	free(u.seen.slot);
	free(u.walked.slot);
	buf_free(&u.unreached);
	free(u.unwalked);
	free(u.read_files.slot);
	free(u.restoring.slot);
	free(u.restored.slot);
	free(u.refs);
	buf_free(&u.other);
	buf_free(&u.scratch);
	buf_free(&u.content);
	return st;
}

LEDE_API lede_status lede_map_check(const char *entry)
{
	return reader_map_ok(entry) ? LEDE_OK : LEDE_ERR_INVALID;
}

LEDE_API lede_status lede_format_parse(lede_format *out, const char *name)
{
	if (name == NULL || out == NULL)
		return LEDE_ERR_INVALID;
	return reader_format_parse(out, name);
}
