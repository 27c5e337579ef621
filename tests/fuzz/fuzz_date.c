/*
 * fuzz_date.c - libFuzzer target: date_parse and date_scan on arbitrary
 * bytes. Checks: never reads past len (ASan), consumed <= len, results in
 * the accepted year range (1800..2200, give or take a zone offset), and
 * date_parse accepting implies date_scan accepting the same instant.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../indexer/reader.h"

/* 1800-01-01 and 2201-01-01 in Unix seconds, with a day of slack for
 * zone offsets. */
#define FUZZ_DATE_MIN (-5364662400LL - 86400)
#define FUZZ_DATE_MAX (7289654400LL + 86400)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so ASan catches any over-read. */
	char *s = malloc(size ? size : 1);
	int64_t a = 0, b = 0;
	size_t n;
	int ok;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	n = date_scan(&a, s, size);
	if (n > size)
		abort();
	if (n > 0 && (a < FUZZ_DATE_MIN || a > FUZZ_DATE_MAX))
		abort();
	ok = date_parse(&b, s, size);
	if (ok && (n == 0 || a != b))
		abort();
	free(s);
	return 0;
}
