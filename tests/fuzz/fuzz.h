/* fuzz.h: what the libFuzzer harnesses share: libFuzzer's entry points and
 * FUZZ_CHECK, which stops the run on a broken property so that libFuzzer
 * keeps the input as a reproducer, like any crash. */
#ifndef KP_FUZZ_H
#define KP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond)                                                               \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "%s:%d: property broken: %s\n", __FILE__, __LINE__, \
			        #cond);                                                \
			abort();                                                       \
		}                                                                      \
	} while (0)

/* A NUL-terminated malloc'd copy of n bytes (the caller frees it); a NUL
 * inside ends the string early, as it would in a FastCGI parameter. */
static inline char *fuzz_str(const uint8_t *data, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

#endif
