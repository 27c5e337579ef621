/*
 * cli_text.c - which characters of a stranger's text lede-search may
 * print as they are.
 *
 * Articles are written by strangers, and a terminal obeys what it is sent:
 * ESC and the other C0 controls move the cursor, retitle the window or
 * write to the clipboard (OSC 52); the C1 controls (U+0080..U+009F, CSI is
 * U+009B) do the same on terminals that honour them; a lone byte 0x9B is
 * CSI to a terminal in an 8-bit charset. The Unicode bidi embeddings,
 * overrides and isolates (U+202A..U+202E, U+2066..U+2069) reorder what
 * follows them, so "gnp.exe" after U+202E shows as "exe.png" (the
 * "Trojan Source" trick, CVE-2021-42574). All of these are CONTROL, and
 * bytes that are not UTF-8 are INVALID; the printers drop or escape them.
 * The marks U+200E/U+200F stay: they only set the direction of neutral
 * characters around them, and right-to-left text needs them.
 *
 * The library already stores valid UTF-8 without C0 controls; this is
 * the last line of defence, independent of what any reader or a caller of
 * lede_index_add() let through.
 */
#include "cli_text.h"

/* Decodes one UTF-8 character (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF). Returns its length, or 0 if s does not start
 * a valid one. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2, c = s[0] & 0x1f, min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3, c = s[0] & 0x0f, min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

text_class text_next(const char *s, size_t n, size_t *len, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c;

	if (u[0] >= 0x20 && u[0] < 0x7f) { /* the common case */
		*len = 1;
		*cp = u[0];
		return TEXT_PLAIN;
	}
	*len = utf8_decode(u, n, &c);
	if (*len == 0) {
		*len = 1;
		*cp = u[0];
		return TEXT_INVALID;
	}
	*cp = c;
	if (c == '\n' || c == '\t')
		return TEXT_SPACE;
	if (c < 0x20 || (c >= 0x7f && c <= 0x9f) ||
	    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
		return TEXT_CONTROL;
	return TEXT_PLAIN;
}
