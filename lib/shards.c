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
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lede_private.h"

/* How long one probe waits for a connection: a shard that takes longer to
 * accept is as good as down for an interactive search. */
#define PROBE_TIMEOUT_MS 1000
/* Stub lines looked at: a stub listing more shards than this is not
 * hand-written, and probing stops there. */
#define PROBE_MAX_LINES 256

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
