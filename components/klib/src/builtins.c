/*
 * The few compiler runtime helpers a freestanding image may need. GCC turns
 * __builtin_ctz/clz/popcount into calls to these on cores without the Zbb
 * instructions, and Debian's cross libgcc is built for the lp64d ABI, which
 * does not link with the kernel's soft-float lp64 objects. clang expands the
 * same builtins inline, so with it these are simply unused (and dropped by
 * --gc-sections). Written without the builtins or loops a compiler could
 * turn back into them, so they cannot call themselves.
 *
 * The host unit test compiles this file with KLIB_TEST_BUILTINS, which
 * renames the functions so they can be checked against the host's.
 */
#if !__STDC_HOSTED__ || defined(KLIB_TEST_BUILTINS)

#ifdef KLIB_TEST_BUILTINS
#define RT(name) klib_test_##name
#else
#define RT(name) name
#endif

int RT(__clzdi2)(unsigned long long x);
int RT(__clzsi2)(unsigned int x);
int RT(__ctzdi2)(unsigned long long x);
int RT(__ctzsi2)(unsigned int x);
int RT(__popcountdi2)(unsigned long long x);

/* Leading zeros by halving the search window (x == 0 gives the width). */
int RT(__clzdi2)(unsigned long long x)
{
	int n = 0;

	if (x == 0)
		return 64;
	if (!(x >> 32)) {
		n += 32;
		x <<= 32;
	}
	if (!(x >> 48)) {
		n += 16;
		x <<= 16;
	}
	if (!(x >> 56)) {
		n += 8;
		x <<= 8;
	}
	if (!(x >> 60)) {
		n += 4;
		x <<= 4;
	}
	if (!(x >> 62)) {
		n += 2;
		x <<= 2;
	}
	if (!(x >> 63)) {
		n += 1;
	}
	return n;
}

int RT(__clzsi2)(unsigned int x)
{
	return RT(__clzdi2)(x) - 32;
}

int RT(__ctzdi2)(unsigned long long x)
{
	int n = 0;

	if (x == 0)
		return 64;
	if (!(x & 0xffffffffull)) {
		n += 32;
		x >>= 32;
	}
	if (!(x & 0xffffull)) {
		n += 16;
		x >>= 16;
	}
	if (!(x & 0xffull)) {
		n += 8;
		x >>= 8;
	}
	if (!(x & 0xfull)) {
		n += 4;
		x >>= 4;
	}
	if (!(x & 0x3ull)) {
		n += 2;
		x >>= 2;
	}
	if (!(x & 0x1ull)) {
		n += 1;
	}
	return n;
}

int RT(__ctzsi2)(unsigned int x)
{
	return x ? RT(__ctzdi2)(x) : 32;
}

/* Bits counted in parallel: pairs, nibbles, bytes, then summed by a multiply. */
int RT(__popcountdi2)(unsigned long long x)
{
	x = x - ((x >> 1) & 0x5555555555555555ull);
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (int)((x * 0x0101010101010101ull) >> 56);
}

#endif
