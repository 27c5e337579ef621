/*
 * fuzz_record.c - libFuzzer target for the stored-record decoder
 * (lib/record.c). Records come from the index on disk and, through remote
 * shards, from the network: any bytes must decode or fail cleanly. A
 * record that decodes must re-encode and decode to the same fields.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "lede_private.h"

static int same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	record rec, rec2;
	lede_err err;
	buf b = BUF_INIT;

	if (record_decode(&rec, (const char *)data, size, &err) == LEDE_OK) {
		assert(rec.art.body_len <= LEDE_MAX_ARTICLE_BYTES);
		if (record_encode(&b, &rec.art) == LEDE_OK) {
			assert(record_decode(&rec2, b.data, b.len, &err) ==
			       LEDE_OK);
			assert(same(rec.art.id, rec2.art.id));
			assert(same(rec.art.title, rec2.art.title));
			assert(same(rec.art.path, rec2.art.path));
			assert(rec.art.date == rec2.art.date);
			assert(rec.art.ntags == rec2.art.ntags);
			assert(rec.art.body_len == rec2.art.body_len);
			assert(memcmp(rec.art.body, rec2.art.body,
			              rec.art.body_len) == 0);
			record_free(&rec2);
		}
	}
	record_free(&rec);
	buf_free(&b);
	return 0;
}
