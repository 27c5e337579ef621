/*
 * replay_main.c - standalone driver for the libFuzzer targets (libgit2's
 * approach): make test builds every tests/fuzz/fuzz_*.c with gcc against this
 * main, and replays each saved input (tests/fuzz/corpus/<target>/,
 * tests/fuzz/seeds/<target>/ and tests/fuzz/crashes/<target>-*) under the
 * sanitizers, so a fixed crash stays fixed without clang installed.
 *
 * Usage: replay_<target> FILE-OR-DIR...   Prints TAP lines, one per input.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int n_run;

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	long size;

	if (f == NULL)
		return -1;
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return -1;
	}
	data = malloc((size_t)size + 1);
	if (data == NULL || fread(data, 1, (size_t)size, f) != (size_t)size) {
		free(data);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data, (size_t)size);
	free(data);
	n_run++;
	return 0;
}

static void replay(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char sub[4096];

	if (stat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		if (replay_file(path) != 0)
			fprintf(stderr, "replay: cannot read %s\n", path);
		return;
	}
	d = opendir(path);
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		replay(sub);
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		replay(argv[i]);
	printf("replayed %d inputs\n", n_run);
	return 0;
}
