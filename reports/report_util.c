#include "config.h"

#include "report_util.h"

#include <inttypes.h>
#include <string.h>

char *ma_fmt_bytes(char *buf, size_t len, uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", bytes);
		return buf;
	}
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, units[u]);
	return buf;
}

char *ma_fmt_count(char *buf, size_t len, uint64_t n)
{
	char tmp[32];
	int digits = snprintf(tmp, sizeof(tmp), "%" PRIu64, n);
	size_t o = 0;

	for (int i = 0; i < digits && o + 1 < len; i++) {
		if (i > 0 && (digits - i) % 3 == 0 && o + 2 < len)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
	return buf;
}

char *ma_fmt_duration(char *buf, size_t len, uint64_t ns)
{
	if (ns < 1000)
		snprintf(buf, len, "%" PRIu64 " ns", ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.1f us", ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.1f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.2f s", ns / 1e9);
	return buf;
}

char *ma_fmt_peak(char *buf, size_t len, uint64_t peak, uint64_t ts, int sum)
{
	char a[32], b[32];

	ma_fmt_bytes(a, sizeof(a), peak);
	if (sum)
		snprintf(buf, len, "%s (the sum of each process's)", a);
	else
		snprintf(buf, len, "%s at %s", a, ma_fmt_duration(b, sizeof(b), ts));
	return buf;
}

char *ma_fmt_peak_rss(char *buf, size_t len, uint64_t peak, uint64_t sampled, uint64_t ts,
		      int sum)
{
	char a[32], b[32], d[32];

	ma_fmt_bytes(a, sizeof(a), peak);
	ma_fmt_bytes(d, sizeof(d), sampled);
	ma_fmt_duration(b, sizeof(b), ts);
	/* a sum: each process's peak, whichever way it was measured; else
	 * the highest sample, when the mark is no higher as printed */
	if (sum || peak <= sampled || strcmp(a, d) == 0)
		return ma_fmt_peak(buf, len, peak, ts, sum);
	if (!sampled)
		snprintf(buf, len, "%s (the kernel's high-water mark; not sampled)", a);
	else
		snprintf(buf, len, "%s (the kernel's high-water mark; highest sample %s at %s)", a,
			 d, b);
	return buf;
}
