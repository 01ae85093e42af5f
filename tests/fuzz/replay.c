// SPDX-License-Identifier: MIT
/*
 * A plain driver for a fuzz target: runs LLVMFuzzerTestOneInput() once on
 * each file named (a directory: on each file in it), so the seeds and the
 * regression cases replay under ASan+UBSan without libFuzzer.  Prints one
 * line per file with -v; a crash is the sanitizer's report and a non-zero
 * exit.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int verbose;

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		perror(path);
		return 1;
	}
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 65536;
			buf = realloc(buf, cap);
			if (!buf) {
				fprintf(stderr, "%s: out of memory\n", path);
				exit(1);
			}
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n);
	fclose(f);
	if (verbose) {
		fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
	}
	/* exactly the input's bytes, as libFuzzer passes them */
	uint8_t *exact = malloc(len ? len : 1);

	memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int run(const char *path, unsigned int *count)
{
	struct stat st;
	struct dirent *d;
	DIR *dir;
	char sub[4096];
	int rc = 0;

	if (stat(path, &st)) {
		perror(path);
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return run_file(path);
	}
	dir = opendir(path);
	if (!dir) {
		perror(path);
		return 1;
	}
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.') {
			continue;
		}
		snprintf(sub, sizeof(sub), "%s/%s", path, d->d_name);
		rc |= run(sub, count);
	}
	closedir(dir);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned int count = 0;
	int i, rc = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v")) {
			verbose = 1;
			continue;
		}
		rc |= run(argv[i], &count);
	}
	printf("replay: %u inputs, no crash\n", count);
	return rc;
}
