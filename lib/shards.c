/*
 * shards.c - naming the remote shard that is down.
 *
 * A stub file may list remote databases ("remote host:port", served by
 * xapian-tcpsrv). When one is unreachable, Xapian's error is a bare
 * "NetworkError: Couldn't connect" that names no shard, which leaves an
 * operator guessing among machines. So when opening an index fails with a
 * network error, lede reads the stub itself and tries a plain TCP connect
 * to each remote line (loopback or LAN: a short timeout), and names the
 * ones that do not answer, with their line in the stub.
 *
 * It also counts the remote databases a stub lists, for the features the
 * remote backend lacks: xapian-tcpsrv serves no spelling table, so "did
 * you mean" draws only on local databases, and lede_search says so in a
 * notice instead of letting the suggestion go silently missing.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <limits.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lede_private.h"

/* How long one probe waits for a connection: a shard that takes longer to
 * accept is as good as down for an interactive search. */
#define PROBE_TIMEOUT_MS 1000
/* Stub lines looked at: a stub listing more shards than this is not
 * hand-written, and probing stops there. */
#define PROBE_MAX_LINES 256
/* Stubs followed through "auto" lines naming other stubs: Xapian itself
 * nests them, but a chain this deep is a loop, not a layout. */
#define STUB_MAX_DEPTH 8

/* 1 if a TCP connection to host:port succeeds within the timeout. */
static int reachable(const char *host, const char *port)
{
	struct addrinfo hints, *res = NULL, *ai;
	int ok = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return 0;
	for (ai = res; ai && !ok; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		                ai->ai_protocol);
		if (fd < 0)
			continue;
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			ok = 1;
		} else if (errno == EINPROGRESS) {
			struct pollfd pf = { fd, POLLOUT, 0 };
			int e = 0;
			socklen_t el = sizeof e;
			if (poll(&pf, 1, PROBE_TIMEOUT_MS) == 1 &&
			    getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) == 0 &&
			    e == 0)
				ok = 1;
		}
		close(fd);
	}
	freeaddrinfo(res);
	return ok;
}

void shards_describe_down(buf *out, const char *stub_path)
{
	FILE *f = fopen(stub_path, "r");
	char line[512];
	int lineno = 0, found = 0;

	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f) && lineno < PROBE_MAX_LINES) {
		char host[256], port[32], *p = line, *colon;
		size_t hl;

		lineno++;
		if (strncmp(p, "remote ", 7) != 0)
			continue;
		p += 7;
		p[strcspn(p, " \t\r\n")] = '\0';
		if (*p == ':') /* "remote :prog args": not TCP */
			continue;
		colon = strrchr(p, ':');
		if (colon == NULL)
			continue;
		hl = (size_t)(colon - p);
		if (hl >= sizeof host || strlen(colon + 1) >= sizeof port)
			continue;
		memcpy(host, p, hl);
		host[hl] = '\0';
		if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
			memmove(host, host + 1, hl - 2);
			host[hl - 2] = '\0';
		}
		memcpy(port, colon + 1, strlen(colon + 1) + 1);
		if (reachable(host, port))
			continue;
		buf_printf(out, "%sremote shard %s (%s line %d) is unreachable",
		           found ? "; " : "", p, stub_path, lineno);
		found = 1;
	}
	fclose(f);
}

/* Counts the databases of the stub file at path into *remote and *local.
 * A stub line is "TYPE PATH" (auto, glass, chert), "inmemory" or "remote
 * ARGS"; relative paths are relative to the stub's directory. An "auto"
 * path that is itself a stub (a directory holding XAPIANDB and no
 * database, or a text file of stub lines) is followed. Returns 0 when the
 * file held no stub line (then it is a database, e.g. single-file glass). */
static int count_stub(const char *path, int depth, unsigned *remote,
                      unsigned *local)
{
	FILE *f;
	char line[512], dir[PATH_MAX];
	const char *slash;
	int lines = 0, n = 0;

	if (depth > STUB_MAX_DEPTH)
		return 0;
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	slash = strrchr(path, '/');
	if (slash)
		snprintf(dir, sizeof dir, "%.*s/", (int)(slash - path), path);
	else
		dir[0] = '\0';
	while (fgets(line, sizeof line, f) && n++ < PROBE_MAX_LINES) {
		char *p = line, *arg;
		char sub[PATH_MAX];
		struct stat sb;

		p[strcspn(p, "\r\n")] = '\0';
		if (*p == '\0' || *p == '#')
			continue;
		arg = p + strcspn(p, " \t");
		if (*arg)
			*arg++ = '\0';
		arg += strspn(arg, " \t");
		if (strcmp(p, "remote") == 0) {
			(*remote)++;
		} else if (strcmp(p, "inmemory") == 0 ||
		           strcmp(p, "glass") == 0 || strcmp(p, "chert") == 0) {
			(*local)++;
		} else if (strcmp(p, "auto") == 0 && *arg) {
			if (*arg == '/')
				snprintf(sub, sizeof sub, "%s", arg);
			else
				snprintf(sub, sizeof sub, "%s%s", dir, arg);
			if (stat(sub, &sb) == 0 && S_ISDIR(sb.st_mode)) {
				char db[PATH_MAX + 16];
				snprintf(db, sizeof db, "%s/iamglass", sub);
				if (stat(db, &sb) != 0) {
					snprintf(db, sizeof db, "%s/XAPIANDB",
					         sub);
					if (count_stub(db, depth + 1, remote,
					               local))
						continue;
				}
				(*local)++;
			} else if (!count_stub(sub, depth + 1, remote, local)) {
				(*local)++;
			}
		} else {
			break; /* not a stub: binary or another format */
		}
		lines++;
	}
	fclose(f);
	return lines > 0;
}

void shards_count_remote(unsigned *out_remote, unsigned *out_local,
                         const char *index_path)
{
	char stub[PATH_MAX + 16];
	struct stat sb;

	*out_remote = 0;
	*out_local = 0;
	if (stat(index_path, &sb) != 0)
		return;
	if (S_ISDIR(sb.st_mode))
		snprintf(stub, sizeof stub, "%s/XAPIANDB", index_path);
	else
		snprintf(stub, sizeof stub, "%s", index_path);
	if (!count_stub(stub, 0, out_remote, out_local))
		*out_local = 1; /* a plain database */
}
