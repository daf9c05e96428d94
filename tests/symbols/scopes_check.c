/* Checks the symbolizer's one walk for the scopes holding an address
 * (lib/symbols_scopes.c) against libdw's two walks, on every line-table
 * address of every unit of each ELF file given (their own debug
 * information): the same chain of DIEs, innermost first.
 *
 *   scopes_check [-e N] FILE...
 *
 * With -e N, every Nth address of each unit (libdw's walks take a
 * millisecond an address in libpython's biggest units).
 * Prints, per file, the addresses checked, those that differ (the first
 * few with their chains) and those where the walk gave up; exits 1 when
 * any differs, 2 when a file cannot be read. */
#include "config.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "symbols_int.h"

static int cmp_addr(const void *a, const void *b)
{
	Dwarf_Addr x = *(const Dwarf_Addr *)a, y = *(const Dwarf_Addr *)b;

	return x < y ? -1 : x > y;
}

static void show(const char *what, Dwarf_Die *v, int n)
{
	fprintf(stderr, "    %s:", what);
	for (int i = 0; i < n; i++)
		fprintf(stderr, " %#" PRIx64 "(%#x)", (uint64_t)dwarf_dieoffset(&v[i]),
			(unsigned)dwarf_tag(&v[i]));
	fprintf(stderr, "\n");
}

/* The unit's line addresses, sorted, without repeats; their count. */
static size_t unit_addrs(Dwarf_Die *cu, Dwarf_Addr **out)
{
	Dwarf_Lines *lines;
	size_t n, k = 0;
	Dwarf_Addr *v;

	*out = NULL;
	if (dwarf_getsrclines(cu, &lines, &n) != 0 || !n || !(v = malloc(n * sizeof(*v))))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (dwarf_lineaddr(dwarf_onesrcline(lines, i), &v[k]) == 0)
			k++;
	qsort(v, k, sizeof(*v), cmp_addr);
	n = k;
	k = 0;
	for (size_t i = 0; i < n; i++)
		if (!k || v[i] != v[k - 1])
			v[k++] = v[i];
	*out = v;
	return k;
}

static int check_file(const char *path, size_t every)
{
	int fd = open(path, O_RDONLY), shown = 0;
	Dwarf *dbg;
	Dwarf_Off off = 0, next;
	size_t hsize, checked = 0, differ = 0, gave_up = 0;

	if (fd < 0 || !(dbg = dwarf_begin(fd, DWARF_C_READ))) {
		fprintf(stderr, "scopes_check: cannot read the DWARF of %s\n", path);
		return 2;
	}
	while (dwarf_nextcu(dbg, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;
		Dwarf_Addr *addrs;
		size_t n;

		if (!dwarf_offdie(dbg, off + hsize, &cu)) {
			off = next;
			continue;
		}
		off = next;
		n = unit_addrs(&cu, &addrs);
		for (size_t i = 0; i < n; i += every) {
			Dwarf_Die at, *a = NULL, *b = NULL;
			int na, nb, same;

			/* as libdwfl finds the unit: by the address ranges */
			if (!dwarf_addrdie(dbg, addrs[i], &at))
				continue;
			na = ma_sym_scopes_walk(&at, addrs[i], &a);
			nb = ma_sym_scopes_libdw(&at, addrs[i], &b);
			checked++;
			if (na < 0) {
				gave_up++;
				free(b);
				continue;
			}
			same = na == nb;
			for (int k = 0; same && k < na; k++)
				same = dwarf_dieoffset(&a[k]) == dwarf_dieoffset(&b[k]);
			if (!same) {
				differ++;
				if (shown++ < 5) {
					fprintf(stderr, "  %s: %#" PRIx64 " differs\n", path,
						(uint64_t)addrs[i]);
					show("walk", a, na);
					show("libdw", b, nb);
				}
			}
			free(a);
			free(b);
		}
		free(addrs);
	}
	printf("%s: %zu addresses, %zu differ, the walk gave up on %zu\n", path, checked,
	       differ, gave_up);
	dwarf_end(dbg);
	close(fd);
	return differ ? 1 : 0;
}

int main(int argc, char **argv)
{
	int rc = 0, first = 1;
	size_t every = 1;

	if (argc > 2 && !strcmp(argv[1], "-e")) {
		every = strtoul(argv[2], NULL, 10);
		first = 3;
	}
	if (argc <= first || !every) {
		fprintf(stderr, "usage: scopes_check [-e N] FILE...\n");
		return 2;
	}
	for (int i = first; i < argc; i++) {
		int r = check_file(argv[i], every);
		if (r > rc)
			rc = r;
	}
	return rc;
}
