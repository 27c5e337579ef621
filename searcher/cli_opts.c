/*
 * cli_opts.c - what lede-index and lede-search share in reading their
 * options: the message for an option getopt_long refused, in place of
 * getopt's own (which names the program by its full path and, in
 * lede-search, came with the whole usage text; both programs pass an
 * optstring starting with ':' so that getopt stays silent and a missing
 * value comes back as ':'), and numbers read with their range checked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_opts.h"

/* Whether getopt_long's complaint is about the long option arg ("--name"
 * or "--name=value"): an unknown one leaves optopt 0, a known one sets it
 * to its val. Partway through a cluster of short options ("--full -xq"),
 * arg is still the argument before the cluster, and optopt the letter. */
static int about_long(const char *arg, const struct option *longs)
{
	size_t len;

	if (strncmp(arg, "--", 2) != 0)
		return 0;
	if (optopt == 0)
		return 1;
	len = strcspn(arg + 2, "=");
	for (const struct option *o = longs; o->name; o++)
		if (strncmp(o->name, arg + 2, len) == 0 && o->val == optopt)
			return 1;
	return 0;
}

void cli_option_problem(char *msg, size_t n, int opt, const char *arg,
			const struct option *longs)
{
	int is_long = about_long(arg, longs), matches = 0;
	char name[64];

	if (is_long)
		snprintf(name, sizeof name, "%.*s", (int)strcspn(arg, "="),
			 arg);
	else
		snprintf(name, sizeof name, "-%c", optopt);
	if (opt == ':') {
		snprintf(msg, n, "option %s needs a value", name);
		return;
	}
	if (is_long && optopt != 0) { /* --name=value, name takes none */
		snprintf(msg, n, "option %s takes no value", name);
		return;
	}
	for (const struct option *o = longs; is_long && o->name; o++)
		matches += strncmp(o->name, name + 2, strlen(name + 2)) == 0;
	snprintf(msg, n, "%s option %s (try --help)",
		 matches > 1 ? "ambiguous" : "unknown", name);
}

int cli_parse_uint(unsigned *out, const char *opt, const char *s, unsigned lo,
		   unsigned hi, char *msg, size_t n)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < lo || v > hi) {
		snprintf(msg, n,
			 "%s: expected a number from %u to %u, got '%s'", opt,
			 lo, hi, s);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}
