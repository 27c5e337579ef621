/*
 * cli_opts.h - what lede-index and lede-search share in reading their
 * options. See cli_opts.c.
 */
#ifndef LEDE_CLI_OPTS_H
#define LEDE_CLI_OPTS_H

#include <getopt.h>
#include <stddef.h>

/* Writes to msg (n bytes) what is wrong with the option getopt_long just
 * refused: opt is what it returned ('?', or ':' for a missing value when
 * the optstring starts with ':'), arg the option as typed
 * (argv[optind - 1]), longs the long options. "option --trec needs a
 * value", "option --json takes no value", "unknown option --bogus (try
 * --help)", "ambiguous option --s (try --help)". */
void cli_option_problem(char *msg, size_t n, int opt, const char *arg,
			const struct option *longs);

/* s as a number from lo to hi into *out: 0, or -1 with what is wrong in
 * msg (n bytes), naming opt and the range. */
int cli_parse_uint(unsigned *out, const char *opt, const char *s, unsigned lo,
		   unsigned hi, char *msg, size_t n);

#endif
