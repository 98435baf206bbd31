/*
 * libFuzzer target: each 8 bytes of the input are one operation of the
 * reference-model driver (model.c) on a fresh namespace, so the fuzzer
 * explores operation sequences; any disagreement with the model, sanitizer
 * report, lock-order violation or leftover resource aborts.
 */
#include "model.h"
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model *m = model_new();

	for (size_t i = 0; i + 8 <= size && i < 8 * 512; i += 8) {
		uint64_t r;

		memcpy(&r, data + i, 8);
		model_step(m, r);
	}
	model_free(m);
	return 0;
}
