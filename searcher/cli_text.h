/*
 * cli_text.h - which characters of a stranger's text lede-search may
 * print as they are. See cli_text.c.
 */
#ifndef LEDE_CLI_TEXT_H
#define LEDE_CLI_TEXT_H

#include <stddef.h>
#include <stdint.h>

typedef enum text_class {
	TEXT_PLAIN,   /* safe to print as is */
	TEXT_SPACE,   /* newline or tab: layout, shown as a space */
	TEXT_CONTROL, /* drives a terminal or reorders text: never raw */
	TEXT_INVALID  /* a byte that starts no valid UTF-8 character */
} text_class;

/* Classifies the character at s (n > 0 bytes left): *len receives its
 * length in bytes (1 for an invalid byte), *cp its code point (the byte
 * for an invalid one). */
text_class text_next(const char *s, size_t n, size_t *len, uint32_t *cp);

#endif
