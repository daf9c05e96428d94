/* Plugins loaded with RTLD_DEEPBIND look symbols up in their own scope
 * first, so their calls to malloc, free, new and delete bind to libc's
 * and libstdc++'s, past the probe: the program would free blocks the
 * trace never saw allocated, and the plugin free blocks whose release
 * the trace never sees.  After such a dlopen the probe points the
 * plugin's GOT entries for those functions at the global definitions
 * (its hooks), as the default lookup order would have.  Only the object
 * dlopen named is patched; libraries it brings along keep their
 * bindings. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "probe.h"

static const char *const hooked[] = {
	"malloc", "free", "calloc", "realloc", "reallocarray", "posix_memalign",
	"aligned_alloc", "memalign", "valloc", "pvalloc", "malloc_usable_size",
	"mmap", "mmap64", "munmap", "mremap",
	"_Znwm", "_Znam", "_ZnwmRKSt9nothrow_t", "_ZnamRKSt9nothrow_t",
	"_ZnwmSt11align_val_t", "_ZnamSt11align_val_t",
	"_ZnwmSt11align_val_tRKSt9nothrow_t", "_ZnamSt11align_val_tRKSt9nothrow_t",
	"_ZdlPv", "_ZdaPv", "_ZdlPvm", "_ZdaPvm", "_ZdlPvRKSt9nothrow_t",
	"_ZdaPvRKSt9nothrow_t", "_ZdlPvSt11align_val_t", "_ZdaPvSt11align_val_t",
	"_ZdlPvmSt11align_val_t", "_ZdaPvmSt11align_val_t",
	"_ZdlPvSt11align_val_tRKSt9nothrow_t", "_ZdaPvSt11align_val_tRKSt9nothrow_t",
};

struct dyn {
	uintptr_t base;
	const ElfW(Sym) *sym;
	const char *str;
	const ElfW(Rela) *rela, *jmprel;
	size_t relasz, jmprelsz;
};

/* glibc relocates most d_ptr values in place; others are offsets. */
static uintptr_t ptr_of(uintptr_t base, ElfW(Addr) v)
{
	return v < base ? base + v : v;
}

static int read_dyn(const struct link_map *lm, struct dyn *d)
{
	memset(d, 0, sizeof(*d));
	d->base = lm->l_addr;
	for (const ElfW(Dyn) *e = lm->l_ld; e && e->d_tag != DT_NULL; e++) {
		switch (e->d_tag) {
		case DT_SYMTAB: d->sym = (const void *)ptr_of(d->base, e->d_un.d_ptr); break;
		case DT_STRTAB: d->str = (const void *)ptr_of(d->base, e->d_un.d_ptr); break;
		case DT_RELA: d->rela = (const void *)ptr_of(d->base, e->d_un.d_ptr); break;
		case DT_RELASZ: d->relasz = e->d_un.d_val; break;
		case DT_JMPREL: d->jmprel = (const void *)ptr_of(d->base, e->d_un.d_ptr); break;
		case DT_PLTRELSZ: d->jmprelsz = e->d_un.d_val; break;
		}
	}
	return d->sym && d->str ? 0 : -1;
}

static void *global_def(const char *name)
{
	for (size_t i = 0; i < sizeof(hooked) / sizeof(hooked[0]); i++)
		if (strcmp(name, hooked[i]) == 0)
			return dlsym(RTLD_DEFAULT, name);
	return NULL;
}

/* Writes v into the GOT slot, making its page writable for a moment
 * when RELRO protected it. */
static uintptr_t relro_lo, relro_hi;

static void set_slot(void **slot, void *v)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t start = (uintptr_t)slot & ~(uintptr_t)(page - 1);

	if (*slot == v)
		return;
	if (start < relro_hi && start + (uintptr_t)page > relro_lo) {
		if (syscall(SYS_mprotect, start, page, PROT_READ | PROT_WRITE) != 0)
			return;
		*slot = v;
		syscall(SYS_mprotect, start, page, PROT_READ);
		return;
	}
	*slot = v; /* a lazily bound GOT is writable */
}

static void patch(const struct dyn *d, const ElfW(Rela) *r, size_t size)
{
	for (size_t i = 0; r && i < size / sizeof(*r); i++) {
		unsigned type = ELF64_R_TYPE(r[i].r_info);
		const ElfW(Sym) *s = &d->sym[ELF64_R_SYM(r[i].r_info)];
		void *def;

		if ((type != R_X86_64_JUMP_SLOT && type != R_X86_64_GLOB_DAT) ||
		    !ELF64_R_SYM(r[i].r_info) || s->st_shndx != SHN_UNDEF)
			continue;
		def = global_def(d->str + s->st_name);
		if (def)
			set_slot((void **)(d->base + r[i].r_offset), def);
	}
}

static int find_relro(struct dl_phdr_info *info, size_t size, void *arg)
{
	const struct link_map *lm = arg;

	(void)size;
	if (info->dlpi_addr != lm->l_addr || !info->dlpi_name ||
	    strcmp(info->dlpi_name, lm->l_name) != 0)
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_GNU_RELRO) {
			relro_lo = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
			relro_hi = relro_lo + info->dlpi_phdr[i].p_memsz;
		}
	return 1;
}

#if defined(__x86_64__)
void probe_deepbind_patch(void *handle)
{
	struct link_map *lm = NULL;
	struct dyn d;

	if (dlinfo(handle, RTLD_DI_LINKMAP, &lm) != 0 || !lm || read_dyn(lm, &d) < 0)
		return;
	relro_lo = relro_hi = 0;
	dl_iterate_phdr(find_relro, lm);
	patch(&d, d.jmprel, d.jmprelsz);
	patch(&d, d.rela, d.relasz);
}
#else
void probe_deepbind_patch(void *handle)
{
	(void)handle; /* relocation types differ: not done elsewhere yet */
}
#endif
