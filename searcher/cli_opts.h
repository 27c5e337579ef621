/*
 * cli_opts.h - the message lede-index and lede-search give for an option
 * getopt_long refused. See cli_opts.c.
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

#endif
