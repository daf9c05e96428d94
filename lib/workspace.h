/* What a workspace tells us before any trace is read: its size in lines
 * of code per language, its Cargo features, the memory settings it
 * already has, and the RAM of the machine.  The recommendations use these
 * the way the memory guide does (workspace size and RAM pick the model
 * size and the cache budget; features pick what is compiled in).
 *
 * The scan reads files only; it never writes, and it runs one external
 * program, `cargo metadata --format-version 1 --no-deps --offline`, when
 * the workspace has a Cargo.toml and cargo is on PATH.  docs/metrics.md
 * describes what is counted and what is skipped. */
#ifndef MA_WORKSPACE_H
#define MA_WORKSPACE_H

#include <stddef.h>
#include <stdint.h>

/* Lines of code of one language: non-blank lines of its files. */
struct ma_lang_lines {
	const char *lang;           /* "Rust", "C", "Python"... (static) */
	uint64_t files;
	uint64_t lines;
};

/* One Cargo package of the workspace. */
struct ma_cargo_package {
	char *name;
	char *manifest;             /* path of its Cargo.toml, relative to the root */
	char **features;            /* defined features, "default" excluded, sorted */
	size_t nfeatures;
	char **defaults;            /* the `default = [...]` list, in its order */
	size_t ndefaults;
	int has_default;            /* a `default` feature is defined */
};

enum ma_cargo_source {
	MA_CARGO_NONE = 0,          /* no Cargo.toml at the root */
	MA_CARGO_METADATA,          /* from `cargo metadata` */
	MA_CARGO_MANIFEST,          /* read from the Cargo.toml files */
};

/* A memory setting found in the workspace: a key of a [memory] table of a
 * TOML file, or a field of a `MemoryConfig { ... }` literal in Rust. */
struct ma_memory_setting {
	char *key;                  /* "lru_cache_size" */
	char *value;                /* "50_000_000", as written */
	char *file;                 /* relative to the root */
	unsigned line;
};

enum ma_ram_source {
	MA_RAM_UNKNOWN = 0,
	MA_RAM_MEMINFO,             /* MemTotal of /proc/meminfo */
	MA_RAM_GIVEN,               /* ma_workspace_opts.ram_bytes */
};

struct ma_workspace {
	char *root;                 /* as given */
	struct ma_lang_lines *langs;/* most lines first, then by name */
	size_t nlangs;
	uint64_t total_lines, total_files;
	uint64_t skipped_dirs;      /* build output, VCS and vendored folders */
	uint64_t skipped_files;     /* unreadable, binary or larger than 8 MiB */

	enum ma_cargo_source cargo_source;
	char cargo_note[160];       /* why cargo metadata was not used, or "" */
	struct ma_cargo_package *packages; /* root package first, then members */
	size_t npackages;

	struct ma_memory_setting *memory;  /* in the order found */
	size_t nmemory;

	uint64_t ram_bytes;
	enum ma_ram_source ram_source;
};

struct ma_workspace_opts {
	uint64_t ram_bytes;         /* machine RAM to assume; 0 = read /proc/meminfo */
	const char *meminfo;        /* NULL = "/proc/meminfo" (tests use a fixture) */
	const char *cargo;          /* cargo program; NULL = "cargo" on PATH; "" = never */
	const char *const *skip;    /* more folder names to skip, NULL-terminated; may be NULL */
};

/* Scans the tree at root.  Returns the result (free with
 * ma_workspace_free), or NULL with a one-line reason in err when root
 * cannot be read at all.  Unreadable files and folders below root are
 * skipped and counted, not errors. */
struct ma_workspace *ma_workspace_scan(const char *root, const struct ma_workspace_opts *opts,
				       char *err, size_t errlen);
void ma_workspace_free(struct ma_workspace *ws);

/* The lines of one language, 0 when absent. */
uint64_t ma_workspace_lines(const struct ma_workspace *ws, const char *lang);

/* The language of a file name by its extension, or NULL. */
const char *ma_lang_of(const char *filename);

/* Whether a folder with this name is skipped (build output, VCS,
 * vendored code, our own .memory-analyzer). */
int ma_workspace_skips(const char *dirname);

/* The guide's classes: workspace size by lines (<= 100K small, up to 1M
 * medium, above large) and RAM (< 8 GB low, 8-16 GB standard, above high;
 * GB = 10^9 bytes as in the guide). */
enum ma_size_class { MA_CLASS_SMALL, MA_CLASS_MEDIUM, MA_CLASS_LARGE };
enum ma_size_class ma_workspace_size_class(uint64_t lines);
enum ma_size_class ma_ram_class(uint64_t ram_bytes);
const char *ma_size_class_name(enum ma_size_class c);

/* MemTotal of a meminfo file in bytes, or 0 when unreadable. */
uint64_t ma_meminfo_total(const char *path);

#endif
