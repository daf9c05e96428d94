/* The scopes holding an address, in one walk of its unit.
 *
 * What eu-addr2line -i does, and this file did before: dwarf_getscopes
 * for the innermost scope holding the address, then dwarf_getscopes_die
 * for that scope's parents in the concrete tree (the first follows an
 * inlined instance into its abstract origin).  Each is a walk of the
 * unit from its root, and the second one visits every scope before the
 * one it looks for: on the python3 bench trace, 137 addresses took
 * 30 ms in the first and 36 ms in the second, a tenth of the report.
 * The walk that finds the innermost scope goes down through its
 * parents, so it keeps them as it goes; and the unit's first level,
 * most of a walk, is kept for the next address in that unit.
 *
 * The rules are libdw's (libdw_visit_scopes.c, dwarf_getscopes.c): the
 * children of a DIE are walked in order, a DW_TAG_imported_unit standing
 * for the children of the unit it imports; a child that holds the
 * address (dwarf_haspc) is gone into if it may hold scopes (the tags of
 * may_have_scopes below) and has children; the first child holding it
 * with no such child below is the innermost.  Its parents are those in
 * its own unit: crossing into an imported unit starts the chain again
 * at that unit's root, as dwarf_getscopes_die starts at dwarf_diecu.
 * tests/symbols/scopes_check compares the two ways on every line-table
 * address of a few binaries. */
#include "config.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdlib.h>
#include <string.h>

#include "symbols_int.h"

/* Deeper than this, or imports nested deeper, and the walk gives up (the
 * caller then asks libdw). */
#define MAX_DEPTH 256
#define MAX_IMPORTS 16

struct walk {
	Dwarf_Addr pc;
	Dwarf_Die path[MAX_DEPTH];   /* from the root, through imports */
	int n;
	int base;                    /* where the current unit's chain starts */
	int imports;
	int failed;
};

static int may_have_scopes(Dwarf_Die *die)
{
	switch (dwarf_tag(die)) {
	case DW_TAG_compile_unit:
	case DW_TAG_module:
	case DW_TAG_lexical_block:
	case DW_TAG_with_stmt:
	case DW_TAG_catch_block:
	case DW_TAG_try_block:
	case DW_TAG_entry_point:
	case DW_TAG_inlined_subroutine:
	case DW_TAG_subprogram:
	case DW_TAG_namespace:
	case DW_TAG_class_type:
	case DW_TAG_structure_type:
		return 1;
	default:
		return 0;
	}
}

static int children(struct walk *w, Dwarf_Die *parent);

/* The children of the unit imp imports, as if they stood where imp
 * does; the chain starts again at that unit's root.  1 when the
 * innermost scope was found among them. */
static int imported(struct walk *w, Dwarf_Die *imp)
{
	Dwarf_Attribute attr;
	Dwarf_Die unit;
	int n = w->n, base = w->base, found;

	if (dwarf_formref_die(dwarf_attr(imp, DW_AT_import, &attr), &unit) == NULL)
		return 0;
	if (w->imports >= MAX_IMPORTS || w->n >= MAX_DEPTH) {
		w->failed = 1;
		return 0;
	}
	w->imports++;
	w->base = w->n;
	w->path[w->n++] = unit;
	found = children(w, &unit);
	w->imports--;
	if (!found) {
		w->n = n;
		w->base = base;
	}
	return found;
}

/* child holds w->pc: it goes on the path, and the walk goes into it when
 * it may hold scopes.  1: the innermost is child or below it. */
static int matched(struct walk *w, Dwarf_Die *child)
{
	if (w->n >= MAX_DEPTH) {
		w->failed = 1;
		return 0;
	}
	w->path[w->n++] = *child;
	if (may_have_scopes(child) && dwarf_haschildren(child) > 0 &&
	    (children(w, child) || w->failed))
		return !w->failed;
	return 1;
}

/* 1 when the innermost scope holding w->pc is parent's child or below
 * it, the path then ending with it. */
static int children(struct walk *w, Dwarf_Die *parent)
{
	Dwarf_Die child;

	if (dwarf_child(parent, &child) != 0)
		return 0;
	do {
		if (dwarf_tag(&child) == DW_TAG_imported_unit) {
			if (imported(w, &child) || w->failed)
				return !w->failed;
			continue;
		}
		if (dwarf_haspc(&child, w->pc) > 0)
			return matched(w, &child);
	} while (dwarf_siblingof(&child, &child) == 0);
	return 0;
}

/* ---- the top level of a unit, kept ----
 *
 * Most of a walk is its first level: every function of the unit, each
 * read for its address ranges (libpython's units have thousands).  The
 * last UNITS units a thread walked keep that level: each child in
 * order, with the ranges dwarf_ranges gave for it before it ended or
 * failed (dwarf_haspc asks no more), or marked an import.  They are
 * dropped when any symbolizer ends (ma_sym_scopes_forget): its DIEs'
 * addresses may be reused. */
#define UNITS 32

struct top {
	Dwarf_Die die;
	size_t first, n;             /* its ranges */
	int import;
};

struct range {
	Dwarf_Addr lo, hi;
};

struct unit {
	const void *key;             /* the unit DIE's address; NULL: free */
	struct top *top;
	size_t ntop;
	struct range *range;
	size_t nrange;
};

static unsigned generation;
static __thread struct unit units[UNITS];
static __thread unsigned units_generation, victim;

static void unit_free(struct unit *u)
{
	free(u->top);
	free(u->range);
	memset(u, 0, sizeof(*u));
}

static void units_free(void)
{
	for (int i = 0; i < UNITS; i++)
		unit_free(&units[i]);
}

void ma_sym_scopes_forget(void)
{
	__atomic_add_fetch(&generation, 1, __ATOMIC_RELAXED);
	units_free();
}

/* Makes room for one more element of size sz at the end of *v (*len of
 * *cap), and counts it in *len; 0, or -1 when out of memory. */
static int grow(void **v, size_t *len, size_t *cap, size_t sz)
{
	if (*len == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		void *p = realloc(*v, nc * sz);

		if (!p)
			return -1;
		*v = p;
		*cap = nc;
	}
	(*len)++;
	return 0;
}

/* Reads the top level of cudie into u; -1 when out of memory. */
static int unit_read(struct unit *u, Dwarf_Die *cudie)
{
	size_t atop = 0, arange = 0;
	Dwarf_Die child;

	if (dwarf_child(cudie, &child) != 0)
		return 0;
	do {
		struct top *t;
		Dwarf_Addr base, lo, hi;
		ptrdiff_t off = 0;

		if (grow((void **)&u->top, &u->ntop, &atop, sizeof(*u->top)) < 0)
			return -1;
		t = &u->top[u->ntop - 1];
		*t = (struct top){ child, u->nrange, 0, dwarf_tag(&child) == DW_TAG_imported_unit };
		if (t->import)
			continue;
		while ((off = dwarf_ranges(&child, off, &base, &lo, &hi)) > 0) {
			if (grow((void **)&u->range, &u->nrange, &arange, sizeof(*u->range)) < 0)
				return -1;
			u->range[u->nrange - 1] = (struct range){ lo, hi };
			t->n++;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return 0;
}

/* cudie's top level as kept, read now if it was not; NULL when out of
 * memory. */
static struct unit *unit_of(Dwarf_Die *cudie)
{
	unsigned g = __atomic_load_n(&generation, __ATOMIC_RELAXED);
	struct unit *u;

	if (g != units_generation) {
		units_free();
		units_generation = g;
	}
	for (int i = 0; i < UNITS; i++)
		if (units[i].key == cudie->addr)
			return &units[i];
	u = &units[victim++ % UNITS];
	unit_free(u);
	if (unit_read(u, cudie) < 0) {
		unit_free(u);
		return NULL;
	}
	u->key = cudie->addr;
	return u;
}

/* children(w, cudie), from the kept top level when there is one. */
static int unit_children(struct walk *w, Dwarf_Die *cudie)
{
	struct unit *u = unit_of(cudie);

	if (!u)
		return children(w, cudie);
	for (size_t i = 0; i < u->ntop; i++) {
		struct top *t = &u->top[i];

		if (t->import) {
			if (imported(w, &t->die) || w->failed)
				return !w->failed;
			continue;
		}
		for (size_t k = t->first; k < t->first + t->n; k++)
			if (w->pc >= u->range[k].lo && w->pc < u->range[k].hi)
				return matched(w, &t->die);
	}
	return 0;
}

int ma_sym_scopes_at(Dwarf_Die *cudie, Dwarf_Addr pc, Dwarf_Die **scopes)
{
	int n = ma_sym_scopes_walk(cudie, pc, scopes);

	return n >= 0 ? n : ma_sym_scopes_libdw(cudie, pc, scopes);
}

int ma_sym_scopes_walk(Dwarf_Die *cudie, Dwarf_Addr pc, Dwarf_Die **scopes)
{
	struct walk *w = malloc(sizeof(*w));
	int n;

	*scopes = NULL;
	if (!w)
		return -1;
	w->pc = pc;
	w->path[0] = *cudie;
	w->n = 1;
	w->base = 0;
	w->imports = 0;
	w->failed = 0;
	if (!unit_children(w, cudie)) {
		n = w->failed ? -1 : 0;
		free(w);
		return n;
	}
	n = w->n - w->base;
	if ((*scopes = malloc((size_t)n * sizeof(**scopes))))
		for (int i = 0; i < n; i++)
			(*scopes)[i] = w->path[w->n - 1 - i];
	free(w);
	return *scopes ? n : -1;
}

int ma_sym_scopes_libdw(Dwarf_Die *cudie, Dwarf_Addr pc, Dwarf_Die **scopes)
{
	Dwarf_Die inner;
	int n;

	*scopes = NULL;
	n = dwarf_getscopes(cudie, pc, scopes);
	if (n <= 0) {
		free(*scopes);
		*scopes = NULL;
		return 0;
	}
	inner = (*scopes)[0];
	free(*scopes);
	*scopes = NULL;
	n = dwarf_getscopes_die(&inner, scopes);
	return n > 0 ? n : 0;
}
