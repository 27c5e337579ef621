/*
 * fuzz_reader_trec.c - libFuzzer target: the trec reader (forced format) on
 * arbitrary bytes, checking the article contract in fuzz_reader.h.
 * Seeds: tests/fuzz/seeds/fuzz_reader_trec/.
 */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_reader(data, size, LEDE_FORMAT_TREC, "a.trec");
}
