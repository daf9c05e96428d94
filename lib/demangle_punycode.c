/* Punycode (RFC 3492), for the non-ASCII identifiers of Rust v0 names. */
#include "config.h"

#include <stdint.h>

#include "demangle_int.h"

enum { BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700,
       INITIAL_BIAS = 72, INITIAL_N = 128, MAX_POINTS = 256 };

static int digit_of(char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '0' && c <= '9')
		return c - '0' + 26;
	return -1;
}

static uint32_t adapt(uint32_t delta, uint32_t points, int first)
{
	delta = first ? delta / DAMP : delta / 2;
	delta += delta / points;
	uint32_t k = 0;
	while (delta > ((BASE - TMIN) * TMAX) / 2) {
		delta /= BASE - TMIN;
		k += BASE;
	}
	return k + (BASE - TMIN + 1) * delta / (delta + SKEW);
}

/* One variable-length integer; returns the new i or -1. */
static int64_t read_delta(const char **p, const char *end, uint32_t i,
			  uint32_t bias)
{
	uint64_t w = 1, acc = i;
	for (uint32_t k = BASE;; k += BASE) {
		int d = *p < end ? digit_of(*(*p)++) : -1;
		if (d < 0)
			return -1;
		acc += (uint64_t)d * w;
		uint32_t t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
		if (acc > UINT32_MAX)
			return -1;
		if ((uint32_t)d < t)
			return (int64_t)acc;
		w *= BASE - t;
		if (w > UINT32_MAX)
			return -1;
	}
}

static int decode(uint32_t *out, size_t *n, const char *p, const char *end)
{
	uint32_t cp = INITIAL_N, i = 0, bias = INITIAL_BIAS;
	while (p < end) {
		uint32_t old = i;
		int64_t next = read_delta(&p, end, i, bias);
		if (next < 0 || *n >= MAX_POINTS)
			return -1;
		i = (uint32_t)next;
		uint32_t len = (uint32_t)*n + 1;
		bias = adapt(i - old, len, old == 0);
		if (i / len > 0x10ffff - cp)
			return -1;
		cp += i / len;
		i %= len;
		for (size_t j = *n; j > i; j--)
			out[j] = out[j - 1];
		out[i++] = cp;
		(*n)++;
	}
	return 0;
}

int ma_dm_punycode(struct ma_dm_out *o, const char *ascii, size_t alen,
		   const char *puny, size_t plen)
{
	uint32_t points[MAX_POINTS];
	size_t n = 0;
	if (alen > MAX_POINTS)
		return -1;
	for (; n < alen; n++)
		points[n] = (unsigned char)ascii[n];
	if (decode(points, &n, puny, puny + plen) < 0)
		return -1;
	for (size_t j = 0; j < n; j++)
		ma_dm_put_utf8(o, points[j]);
	return 0;
}
