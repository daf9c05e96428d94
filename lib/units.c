/* Size parsing shared by the command, the config file and the workspace
 * scanner, so "--ram 16GiB" and "ram = 16GiB" mean the same thing. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "units.h"

struct unit {
	const char *name;
	uint64_t factor;
};

static const struct unit units[] = {
	{ "", 1 }, { "b", 1 },
	{ "k", 1000ull }, { "kb", 1000ull },
	{ "m", 1000000ull }, { "mb", 1000000ull },
	{ "g", 1000000000ull }, { "gb", 1000000000ull },
	{ "t", 1000000000000ull }, { "tb", 1000000000000ull },
	{ "ki", 1ull << 10 }, { "kib", 1ull << 10 },
	{ "mi", 1ull << 20 }, { "mib", 1ull << 20 },
	{ "gi", 1ull << 30 }, { "gib", 1ull << 30 },
	{ "ti", 1ull << 40 }, { "tib", 1ull << 40 },
};

static int unit_factor(const char *suffix, uint64_t *factor)
{
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcasecmp(suffix, units[i].name)) {
			*factor = units[i].factor;
			return 0;
		}
	}
	return -1;
}

/* strtod would accept "inf", "nan", hex and exponents; sizes are plain
 * decimal numbers, so check the shape first. */
static size_t number_len(const char *s)
{
	size_t n = 0, digits = 0;

	while (isdigit((unsigned char)s[n]))
		n++, digits++;
	if (s[n] == '.') {
		n++;
		while (isdigit((unsigned char)s[n]))
			n++, digits++;
	}
	return digits ? n : 0;
}

static int fail(char *err, size_t errlen, const char *s, const char *why)
{
	snprintf(err, errlen, "invalid size '%s': %s", s, why);
	return -1;
}

/* Reads the unit after the number: p is what follows it. */
static int parse_unit(const char *p, uint64_t *factor, char *why, size_t whylen)
{
	char suffix[8];
	size_t len;

	while (isspace((unsigned char)*p))
		p++;
	len = strlen(p);
	while (len && isspace((unsigned char)p[len - 1]))
		len--;
	if (len < sizeof(suffix)) {
		memcpy(suffix, p, len);
		suffix[len] = '\0';
		if (!unit_factor(suffix, factor))
			return 0;
	}
	snprintf(why, whylen, "unknown unit '%.*s' (use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)",
		 (int)(len < 16 ? len : 16), p);
	return -1;
}

int ma_parse_size(const char *s, uint64_t *bytes, char *err, size_t errlen)
{
	const char *p = s;
	uint64_t factor;
	char why[96];

	while (isspace((unsigned char)*p))
		p++;
	size_t n = number_len(p);
	if (!n)
		return fail(err, errlen, s, *p == '-' ? "negative" : "expected a number");
	if (parse_unit(p + n, &factor, why, sizeof(why)))
		return fail(err, errlen, s, why);
	double total = nearbyint(strtod(p, NULL) * (double)factor);
	if (total >= 18446744073709551616.0)
		return fail(err, errlen, s, "too large");
	*bytes = (uint64_t)total;
	return 0;
}

char *ma_format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const names[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	int i = -1;

	if (bytes < 1024) {
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
		return buf;
	}
	while (v >= 1024.0 && i < 5) {
		v /= 1024.0;
		i++;
	}
	snprintf(buf, len, "%.1f %s", v, names[i]);
	return buf;
}
