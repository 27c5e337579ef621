/*
 * buf.c - bounded growable byte buffer, and the lede_err helpers.
 *
 * Every module that builds text (terms, records, snippets, JSON) appends to a
 * buf. The status is sticky, as in SQLite FTS5's *pRc convention: after the
 * first failed append every later append is a no-op, so a loop of appends is
 * checked once at the end instead of after every call. The data is always
 * NUL-terminated (after len) so it can be handed to C string functions.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lede_private.h"

/* A buffer never grows past this: bigger means a bug or a hostile input,
 * and the callers' own caps (LEDE_MAX_ARTICLE_BYTES...) are far lower. */
#define BUF_MAX_BYTES ((size_t)1 << 31)

lede_status err_set(lede_err *e, lede_status s, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return s;
	e->status = s;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return s;
}

void err_clear(lede_err *e)
{
	if (e == NULL)
		return;
	e->status = LEDE_OK;
	e->msg[0] = '\0';
}

int lede_grow(void *vp, size_t *cap, size_t n, size_t sz, size_t first)
{
	void *old, *p;
	size_t nc;

	if (n < *cap)
		return 0;
	nc = *cap ? 2 * *cap : first ? first : 16;
	while (nc <= n)
		nc *= 2;
	if (nc > SIZE_MAX / sz)
		return -1;
	memcpy(&old, vp, sizeof old);
	p = realloc(old, nc * sz);
	if (p == NULL)
		return -1;
	memcpy(vp, &p, sizeof p);
	*cap = nc;
	return 0;
}

lede_status buf_reserve(buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->status != LEDE_OK)
		return b->status;
	if (extra > BUF_MAX_BYTES - b->len - 1)
		return b->status = LEDE_ERR_TOO_BIG;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return LEDE_OK;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > BUF_MAX_BYTES / 2 ? BUF_MAX_BYTES : cap * 2;
	p = realloc(b->data, cap);
	if (p == NULL)
		return b->status = LEDE_ERR_NOMEM;
	b->data = p;
	b->cap = cap;
	return LEDE_OK;
}

lede_status buf_append(buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) != LEDE_OK)
		return b->status;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return LEDE_OK;
}

lede_status buf_append_str(buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

lede_status buf_append_byte(buf *b, unsigned char c)
{
	return buf_append(b, &c, 1);
}

lede_status buf_printf(buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->status != LEDE_OK)
		return b->status;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return b->status = LEDE_ERR_INTERNAL;
	if (buf_reserve(b, (size_t)n) != LEDE_OK)
		return b->status;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return LEDE_OK;
}

void buf_reset(buf *b)
{
	b->len = 0;
	b->status = LEDE_OK;
	if (b->data)
		b->data[0] = '\0';
}

void buf_free(buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->status = LEDE_OK;
}

char *buf_detach(buf *b)
{
	char *p = b->data;

	if (p == NULL && b->status == LEDE_OK)
		p = calloc(1, 1);
	b->data = NULL;
	b->len = b->cap = 0;
	b->status = LEDE_OK;
	return p;
}

char *lede_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *lede_strdup(const char *s)
{
	return s ? lede_strndup(s, strlen(s)) : NULL;
}
