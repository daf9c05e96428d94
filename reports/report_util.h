/* Small formatting helpers every renderer uses. */
#ifndef MA_REPORT_UTIL_H
#define MA_REPORT_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* "1023 B", "1.50 KiB", "12.3 MiB", "2.00 GiB": into buf, returns buf. */
char *ma_fmt_bytes(char *buf, size_t len, uint64_t bytes);
/* "1,234,567": thousands separated, into buf, returns buf. */
char *ma_fmt_count(char *buf, size_t len, uint64_t n);
/* "850 ns", "12.5 ms", "3.20 s". */
char *ma_fmt_duration(char *buf, size_t len, uint64_t ns);
/* A peak (struct ma_totals): "12.3 MiB at 1.20 s", or, for a sum of
 * processes (sum), "12.3 MiB (the sum of each process's)", the sum of
 * each one's peak, which has no time.  Into buf, returns buf. */
char *ma_fmt_peak(char *buf, size_t len, uint64_t peak, uint64_t ts, int sum);
/* Peak RSS (struct ma_totals): "12.3 MiB at 1.20 s", the highest sample
 * and its time, or, when the kernel's high-water mark is higher (a peak
 * between samples), "14.0 MiB (the kernel's high-water mark; highest
 * sample 10.4 MiB at 53.0 ms)"; the first form also when the two print
 * alike.  sum: a sum of processes, "14.0 MiB (the sum of each
 * process's)", each one's peak measured either way, no time.  Into buf,
 * returns buf. */
char *ma_fmt_peak_rss(char *buf, size_t len, uint64_t peak, uint64_t sampled, uint64_t ts,
		      int sum);

#endif
