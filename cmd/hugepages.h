/* The analyzer's heap on transparent huge pages.
 *
 * An analysis fills tens of megabytes of heap a page at a time, and a
 * page fault is expensive in a virtual machine: 10.7 us a page on the
 * 2-core bench machine (docs/performance.md), 12 000 of them a python3
 * report.  glibc puts its heap on huge pages when the tunable
 * glibc.malloc.hugetlb=1 is set (glibc 2.35 on; older ones ignore it),
 * and tunables are only read when a program starts: so the analyzer runs
 * itself again with it (and with blocks up to 32 MiB from the heap, not
 * from mappings of their own), once, when the kernel offers huge pages and
 * neither the tunable nor MEMORY_ANALYZER_HUGEPAGES=0 says otherwise,
 * for traces of MA_HUGEPAGES_MIN bytes or more: starting again costs 5 ms
 * (a 1 KB trace's report takes 12 ms, not 7), and a 40 KB git trace's
 * report took 91 ms of CPU, not 100.  The environment is put back as it
 * was on the way in.  Only the commands that analyse traces do it (report,
 * check, baseline), before they print anything; `record` would hand the
 * tunable to its program. */
#ifndef MA_HUGEPAGES_H
#define MA_HUGEPAGES_H

#include <stddef.h>

#define MA_HUGEPAGES_MIN (16u << 10)

/* First thing in main: keeps argv, and on the second start puts the
 * environment back. */
void ma_hugepages_init(char **argv);
/* Starts the analyzer again with the tunable when traces[0..n) are
 * MA_HUGEPAGES_MIN bytes or more together (and the above allows);
 * returns when it does not. */
void ma_hugepages_for(char *const *traces, size_t n);

#endif
