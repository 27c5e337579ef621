/*
 * fts5_load.c - the SQLite FTS5 peer's indexer for `make bench`.
 *
 *   fts5_load DB DIR
 *
 * Creates DB (removed first) with
 *   CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, month UNINDEXED,
 *       title, body, tokenize='porter unicode61 remove_diacritics 2')
 * (detail=full: positions, content stored), then inserts every *.txt under
 * DIR in sorted path order, in one transaction: path relative to DIR, month
 * = YYYY-MM of the file's mtime (UTC), title = first line, body = the text
 * after it. This is the same work as the peer benchmark's INSERT ... SELECT
 * FROM fsdir(), without the SQL string functions.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

static sqlite3 *db;
static sqlite3_stmt *ins;
static unsigned long long ndocs, nbytes;
static char *buf;
static size_t bufcap;

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fts5_load: %s: %s\n", what, detail);
	exit(2);
}

static void exec(const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail(sql, err ? err : "?");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add(const char *full, const char *rel, const struct stat *st)
{
	int fd = open(full, O_RDONLY);
	size_t len = 0, tlen;
	const char *nl, *body;
	char month[16];
	struct tm tm;

	if (fd < 0)
		fail("open", full);
	if ((size_t)st->st_size + 1 > bufcap) {
		bufcap = (size_t)st->st_size + 1;
		buf = realloc(buf, bufcap);
		if (buf == NULL)
			fail("realloc", full);
	}
	while (len < (size_t)st->st_size) {
		ssize_t r = read(fd, buf + len, (size_t)st->st_size - len);
		if (r <= 0)
			fail("read", full);
		len += (size_t)r;
	}
	close(fd);
	nl = memchr(buf, '\n', len);
	tlen = nl ? (size_t)(nl - buf) : len;
	body = nl ? nl + 1 : buf + len;
	while (body < buf + len && *body == '\n')
		body++;
	gmtime_r(&st->st_mtime, &tm);
	strftime(month, sizeof month, "%Y-%m", &tm);

	sqlite3_bind_text(ins, 1, rel, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 2, month, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 3, buf, (int)tlen, SQLITE_STATIC);
	sqlite3_bind_text(ins, 4, body, (int)(buf + len - body), SQLITE_STATIC);
	if (sqlite3_step(ins) != SQLITE_DONE)
		fail("insert", sqlite3_errmsg(db));
	sqlite3_reset(ins);
	ndocs++;
	nbytes += len;
}

static void walk(const char *root, const char *rel)
{
	char path[8192];
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	snprintf(path, sizeof path, "%s%s%s", root, *rel ? "/" : "", rel);
	if ((d = opendir(path)) == NULL)
		fail("opendir", path);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof *names);
		if (names == NULL || (names[n] = strdup(e->d_name)) == NULL)
			fail("malloc", path);
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		char r[4096], full[8192 + 4096];
		struct stat st;
		size_t l = strlen(names[i]);

		snprintf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", names[i]);
		snprintf(full, sizeof full, "%s/%s", root, r);
		if (stat(full, &st) != 0)
			fail("stat", full);
		if (S_ISDIR(st.st_mode))
			walk(root, r);
		else if (S_ISREG(st.st_mode) && l > 4 &&
		         strcmp(names[i] + l - 4, ".txt") == 0)
			add(full, r, &st);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: fts5_load DB DIR\n");
		return 2;
	}
	unlink(argv[1]);
	if (sqlite3_open(argv[1], &db) != SQLITE_OK)
		fail(argv[1], sqlite3_errmsg(db));
	exec("CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, month "
	     "UNINDEXED, title, body, tokenize='porter unicode61 "
	     "remove_diacritics 2')");
	exec("BEGIN");
	if (sqlite3_prepare_v2(db, "INSERT INTO docs(path, month, title, body) "
	                           "VALUES (?1, ?2, ?3, ?4)",
	                       -1, &ins, NULL) != SQLITE_OK)
		fail("prepare", sqlite3_errmsg(db));
	walk(argv[2], "");
	sqlite3_finalize(ins);
	exec("COMMIT");
	if (sqlite3_close(db) != SQLITE_OK)
		fail("close", "busy");
	free(buf);
	fprintf(stderr, "fts5_load: %llu articles, %llu bytes\n", ndocs, nbytes);
	return 0;
}
