/* The unit of DWARF that holds an address.  libdwfl finds it through
 * .debug_aranges, which clang does not emit by default (nor does every
 * toolchain for every unit): without them an address resolved to its
 * ELF symbol alone, no file, no line, no inlined calls.  So when
 * libdwfl finds no unit, the module's units are listed once with the
 * address ranges their DIEs give (DW_AT_low_pc/high_pc, DW_AT_ranges),
 * and the address is looked up there. */
#include "config.h"

#include <dwarf.h>
#include <stdlib.h>

#include "symbols_int.h"

struct ma_sym_unit_range {
	uint64_t lo, hi; /* DWARF addresses (the module's bias not added) */
	Dwarf_Off die;   /* the unit's DIE */
};

static int by_lo(const void *a, const void *b)
{
	const struct ma_sym_unit_range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static int push(struct ma_sym_units *u, uint64_t lo, uint64_t hi, Dwarf_Off die)
{
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 64;
		struct ma_sym_unit_range *v = realloc(u->v, cap * sizeof(*v));

		if (!v)
			return -1;
		u->v = v;
		u->cap = cap;
	}
	u->v[u->n++] = (struct ma_sym_unit_range){ lo, hi, die };
	return 0;
}

/* Every unit's ranges, sorted by start; on running out of memory, those
 * listed so far. */
static void build(struct ma_sym_units *u, Dwarf *dw)
{
	Dwarf_CU *cu = NULL, *next;
	Dwarf_Die cudie, subdie;
	Dwarf_Half version;
	uint8_t type;

	while (dwarf_get_units(dw, cu, &next, &version, &type, &cudie, &subdie) == 0) {
		Dwarf_Addr base, start, end;
		ptrdiff_t off = 0;
		int ok = 1;

		cu = next;
		if (type != DW_UT_compile && type != DW_UT_partial && type != DW_UT_skeleton)
			continue;
		while (ok && (off = dwarf_ranges(&cudie, off, &base, &start, &end)) > 0)
			ok = end <= start || push(u, start, end, dwarf_dieoffset(&cudie)) == 0;
		if (!ok)
			break;
	}
	qsort(u->v, u->n, sizeof(*u->v), by_lo);
}

/* The unit holding the DWARF address a, or NULL: the last range that
 * starts at or before a and ends after it (units do not overlap, but a
 * few ranges back are looked at in case they do). */
static const struct ma_sym_unit_range *find(const struct ma_sym_units *u, uint64_t a)
{
	size_t lo = 0, hi = u->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (u->v[mid].lo <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo, seen = 0; i > 0 && seen < 8; i--, seen++)
		if (a < u->v[i - 1].hi)
			return &u->v[i - 1];
	return NULL;
}

int ma_sym_unit_at(struct ma_sym_module *m, GElf_Addr addr, Dwarf_Die *cu, Dwarf_Addr *bias)
{
	Dwarf_Die *die = dwfl_module_addrdie(m->dwmod, addr, bias);
	const struct ma_sym_unit_range *r;
	Dwarf *dw;

	if (die) {
		*cu = *die;
		return 1;
	}
	if (!(dw = dwfl_module_getdwarf(m->dwmod, bias)))
		return 0;
	if (!m->units.built) {
		m->units.built = 1;
		build(&m->units, dw);
	}
	r = addr >= *bias ? find(&m->units, addr - *bias) : NULL;
	return r && dwarf_offdie(dw, r->die, cu) != NULL;
}

void ma_sym_units_release(struct ma_sym_units *u)
{
	free(u->v);
	*u = (struct ma_sym_units){ 0 };
}
