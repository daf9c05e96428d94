/* The source-level frames of one machine address: the chain of inlined
 * calls from DWARF scopes (as eu-addr2line -i and eu-stack print it),
 * then the function that holds them; the ELF symbol table stands in for
 * the function when there is no DWARF for the address. */
#include "config.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdlib.h>
#include <string.h>

#include "symbols_int.h"

static char *dup_or_null(const char *str)
{
	return str ? strdup(str) : NULL;
}

/* Demangled when it is mangled; NULL only for NULL. */
static char *pretty_name(const char *raw)
{
	if (raw == NULL)
		return NULL;
	char *name = ma_demangle(raw);
	return name ? name : strdup(raw);
}

/* The linkage name says more than DW_AT_name (namespaces, the Rust
 * path, C++ parameter types); both are looked up through the abstract
 * origin of an inlined instance. */
static char *die_function(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	const char *name = dwarf_formstring(
		dwarf_attr_integrate(die, DW_AT_linkage_name, &attr));
	if (name == NULL)
		name = dwarf_formstring(
			dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &attr));
	if (name != NULL)
		return pretty_name(name);
	return dup_or_null(dwarf_diename(die));
}

static char *symtab_function(Dwfl_Module *mod, GElf_Addr addr)
{
	GElf_Off off;
	GElf_Sym sym;
	return pretty_name(dwfl_module_addrinfo(mod, addr, &off, &sym,
						NULL, NULL, NULL));
}

/* The line of addr: libdwfl's lookup, else the line table of the unit
 * its ranges give (ma_sym_unit_at). */
static void line_of(struct ma_sym_module *m, GElf_Addr addr, struct ma_frame_info *f)
{
	Dwfl_Line *line = dwfl_module_getsrc(m->dwmod, addr);
	int lineno = 0;
	const char *file = line ? dwfl_lineinfo(line, NULL, &lineno, NULL,
						NULL, NULL) : NULL;
	Dwarf_Die cu;
	Dwarf_Addr bias;
	Dwarf_Line *dl;

	if (!line && ma_sym_unit_at(m, addr, &cu, &bias) &&
	    (dl = dwarf_getsrc_die(&cu, addr - bias)) != NULL) {
		file = dwarf_linesrc(dl, NULL, NULL);
		if (dwarf_lineno(dl, &lineno) != 0)
			lineno = 0;
	}
	f->file = dup_or_null(file);
	f->line = file && lineno > 0 ? (unsigned)lineno : 0;
}

/* Where an inlined instance was called from: its DW_AT_call_file and
 * DW_AT_call_line, in the line table of its own unit. */
static void call_site_of(Dwarf_Die *inl, struct ma_frame_info *f)
{
	Dwarf_Attribute attr;
	Dwarf_Word val;
	Dwarf_Die cu;
	Dwarf_Files *files;
	if (dwarf_diecu(inl, &cu, NULL, NULL) != NULL &&
	    dwarf_getsrcfiles(&cu, &files, NULL) == 0 &&
	    dwarf_formudata(dwarf_attr(inl, DW_AT_call_file, &attr), &val) == 0)
		f->file = dup_or_null(dwarf_filesrc(files, val, NULL, NULL));
	if (dwarf_formudata(dwarf_attr(inl, DW_AT_call_line, &attr), &val) == 0)
		f->line = (unsigned)val;
}

static int is_function(Dwarf_Die *die)
{
	int tag = dwarf_tag(die);
	return tag == DW_TAG_inlined_subroutine || tag == DW_TAG_subprogram ||
	       tag == DW_TAG_entry_point;
}

/* The scopes holding addr, innermost first, in the concrete tree
 * (symbols_scopes.c). */
static int scopes_at(struct ma_sym_module *m, GElf_Addr addr, Dwarf_Die **scopes)
{
	Dwarf_Addr bias;
	Dwarf_Die cudie;

	*scopes = NULL;
	if (!ma_sym_unit_at(m, addr, &cudie, &bias))
		return 0;
	return ma_sym_scopes_at(&cudie, addr - bias, scopes);
}

/* The function-like scopes up to and including the first one that is
 * not inlined; returns how many, and packs them at the front. */
static int keep_functions(Dwarf_Die *scopes, int n)
{
	int k = 0;
	for (int i = 0; i < n; i++) {
		if (!is_function(&scopes[i]))
			continue;
		scopes[k++] = scopes[i];
		if (dwarf_tag(&scopes[i]) != DW_TAG_inlined_subroutine)
			break;
	}
	return k;
}

static void fill_frames(struct ma_sym_module *m, GElf_Addr addr, Dwarf_Die *fn,
			int k, struct ma_frame_info *out)
{
	for (int i = 0; i < k; i++) {
		out[i].function = die_function(&fn[i]);
		if (i == 0)
			line_of(m, addr, &out[i]);
		else
			call_site_of(&fn[i - 1], &out[i]);
	}
	if (out[k - 1].function == NULL)
		out[k - 1].function = symtab_function(m->dwmod, addr);
}

int ma_sym_dwfl_resolve(struct ma_sym_module *m, struct ma_sym_entry *e)
{
	/* The recorded address is a return address: look up the call. */
	GElf_Addr addr = m->bias + e->offset - 1;
	Dwarf_Die *scopes;
	int n = scopes_at(m, addr, &scopes);
	int k = keep_functions(scopes, n);
	e->n = k > 0 ? k : 1;
	e->frames = calloc((size_t)e->n, sizeof(*e->frames));
	if (e->frames == NULL) {
		free(scopes);
		return -1;
	}
	if (k > 0) {
		fill_frames(m, addr, scopes, k, e->frames);
	} else {
		e->frames[0].function = symtab_function(m->dwmod, addr);
		line_of(m, addr, &e->frames[0]);
	}
	free(scopes);
	for (int i = 0; i < e->n; i++) {
		e->frames[i].module = m->path;
		e->frames[i].offset = e->offset;
		e->frames[i].inlined = i < e->n - 1;
	}
	return 0;
}
