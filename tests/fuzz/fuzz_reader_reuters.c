/*
 * fuzz_reader_reuters.c - libFuzzer target: the reuters reader (forced format)
 * on arbitrary bytes, checking the article contract in fuzz_reader.h. Seeds:
 * tests/fuzz/seeds/fuzz_reader_reuters/.
 */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_reader(data, size, LEDE_FORMAT_REUTERS, "a.sgm");
}
