/* The module map: every loaded object's path, load bias, PT_LOAD range
 * and build-id, so the analyzer can symbolize after the process is gone.
 * Scanned with dl_iterate_phdr at start and after each dlopen/dlclose and
 * diffed against the known set, which lives in mapped memory. */
#define _GNU_SOURCE
#include <elf.h>
#include <link.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "fastunwind.h"
#include "os.h"
#include "probe.h"
#include "rawrec.h"

#define MAX_MODULES 8192

struct module {
	uint64_t id, bias, lo, hi, path_hash;
	uint32_t alive, seen;
};

static struct module *known;
static uint32_t nknown;
static uint64_t next_id;
static int scan_lock;          /* scans are rare; dlopen already serialises */
static char exe_path[PROBE_PATH_MAX];
static uint32_t exe_len;

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 1099511628211ull;
	return h;
}

static uint32_t build_id(const struct dl_phdr_info *info, const uint8_t **out)
{
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const uint8_t *p = (const uint8_t *)(info->dlpi_addr + ph->p_vaddr);
		const uint8_t *end = p + ph->p_memsz;

		if (ph->p_type != PT_NOTE)
			continue;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)p;
			const uint8_t *name = p + sizeof(*n);
			const uint8_t *desc = name + ((n->n_namesz + 3) & ~3u);

			if (desc + n->n_descsz > end)
				break;
			if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
			    memcmp(name, "GNU", 4) == 0) {
				*out = desc;
				return n->n_descsz;
			}
			p = desc + ((n->n_descsz + 3) & ~3u);
		}
	}
	return 0;
}

static void load_range(const struct dl_phdr_info *info, uint64_t *lo, uint64_t *hi)
{
	*lo = UINT64_MAX;
	*hi = 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD)
			continue;
		if (info->dlpi_addr + ph->p_vaddr < *lo)
			*lo = info->dlpi_addr + ph->p_vaddr;
		if (info->dlpi_addr + ph->p_vaddr + ph->p_memsz > *hi)
			*hi = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
	}
	if (*lo > *hi)
		*lo = *hi = 0;
}

static void emit_module(const struct module *m, const char *path, uint32_t plen,
			const uint8_t *bid, uint32_t blen)
{
	uint64_t w[8 + 2 * (PROBE_RAW_STR_MAX / 8 + 1)];
	uint32_t n = 8;

	if (plen > PROBE_RAW_STR_MAX)
		plen = PROBE_RAW_STR_MAX;
	if (blen > 64)
		blen = 64;
	w[1] = probe_now();
	w[2] = m->id;
	w[3] = m->bias;
	w[4] = m->lo;
	w[5] = m->hi;
	w[6] = plen;
	w[7] = blen;
	n += probe_raw_put_bytes(w + n, path, plen);
	n += probe_raw_put_bytes(w + n, bid, blen);
	w[0] = PROBE_RAW_HDR(MA_REC_MODULE, n);
	probe_record_raw_prompt(w, n);
}

static struct module *find(uint64_t bias, uint64_t lo, uint64_t ph)
{
	for (uint32_t i = 0; i < nknown; i++) {
		struct module *m = &known[i];

		if (m->alive && m->bias == bias && m->lo == lo && m->path_hash == ph)
			return m;
	}
	return NULL;
}

static int scan_one(struct dl_phdr_info *info, size_t size, void *arg)
{
	const char *path = info->dlpi_name ? info->dlpi_name : "";
	uint64_t lo, hi, ph;
	const uint8_t *bid = NULL;
	uint32_t blen;
	struct module *m;
	int *index = arg;

	(void)size;
	if ((*index)++ == 0 && !path[0])
		path = exe_path; /* the first object is the executable */
	load_range(info, &lo, &hi);
	if ((uintptr_t)&probe_modules_scan >= lo && (uintptr_t)&probe_modules_scan < hi) {
		probe_self_lo = lo;
		probe_self_hi = hi;
	}
	ph = hash_str(path);
	m = find(info->dlpi_addr, lo, ph);
	if (m) {
		m->seen = 1;
		return 0;
	}
	if (nknown == MAX_MODULES)
		return 0;
	m = &known[nknown++];
	*m = (struct module){ next_id++, info->dlpi_addr, lo, hi, ph, 1, 1 };
	blen = build_id(info, &bid);
	emit_module(m, path, (uint32_t)strlen(path), bid, blen);
	return 0;
}

static void gone(struct module *m)
{
	uint64_t w[3] = { PROBE_RAW_HDR(MA_REC_MODULE_GONE, 3), probe_now(), m->id };

	m->alive = 0;
	probe_fu_forget(); /* its addresses may hold other code next */
	probe_record_raw_prompt(w, 3);
}

void probe_modules_scan(void)
{
	int expected = 0, index = 0;

	while (!ma_atomic_cas_acq_rel(&scan_lock, &expected, 1)) {
		expected = 0;
		sched_yield();
	}
	if (!known)
		known = probe_os_map(MAX_MODULES * sizeof(struct module));
	if (!exe_len) {
		ssize_t n = readlink("/proc/self/exe", exe_path, sizeof(exe_path) - 1);

		exe_len = n > 0 ? (uint32_t)n : 0;
		exe_path[exe_len] = '\0';
	}
	if (known) {
		for (uint32_t i = 0; i < nknown; i++)
			known[i].seen = 0;
		dl_iterate_phdr(scan_one, &index);
		for (uint32_t i = 0; i < nknown; i++)
			if (known[i].alive && !known[i].seen)
				gone(&known[i]);
	}
	ma_atomic_store_release(&scan_lock, 0);
}

void probe_modules_forget(void)
{
	nknown = 0;
	next_id = 0;
	scan_lock = 0;
}
