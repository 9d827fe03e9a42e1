/*
 * A small, fast, seedable pseudo-random generator (xorshift64) for
 * reproducible simulation and routing ties: the same seed gives the same
 * run. Not for anything secret (tokens come from libsodium).
 */
#include "cc.h"

uint64_t cc_rand_next(uint64_t *state)
{
	uint64_t x = *state ? *state : 0x9e3779b97f4a7c15ULL;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

double cc_rand_unit(uint64_t *state)
{
	return ((cc_rand_next(state) >> 11) + 0.5) / 9007199254740992.0;
}
