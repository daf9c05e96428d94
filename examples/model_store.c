/* Model files and loading them.  The files are made on first use, from a
 * fixed generator, so every machine has the same bytes; a 64-byte header
 * names the model.  Loading copies (read) or maps (mmap): the difference
 * the memory guide's zero-copy section is about. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "memory-analyzer.h"
#include "demo.h"



static const char *const names[] = {
	"complete-small", "embed-mini", "chat-q4", "rerank-base",
	"lint-tiny", "summarize-base", "complete-large", "translate-small",
};

const char *model_name(unsigned index, char *buf, size_t len)
{
	if (index < sizeof(names) / sizeof(names[0]))
		snprintf(buf, len, "%s", names[index]);
	else
		snprintf(buf, len, "model-%u", index);
	return buf;
}

static void file_path(const struct demo_opts *o, const char *dir, unsigned index,
		      char *buf, size_t len)
{
	char name[32];

	snprintf(buf, len, "%s/%s-%umib.bin", dir, model_name(index, name, sizeof(name)),
		 o->model_mb);
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int fill(int fd, unsigned index, size_t size)
{
	uint64_t state = 0x9e3779b97f4a7c15ull * (index + 1), block[8192];
	char header[HEADER_SKIP] = { 0 };
	char name[32];

	snprintf(header, sizeof(header), "MADEMO1 %s %zu\n", model_name(index, name, sizeof(name)), size);
	if (write_all(fd, header, HEADER_SKIP))
		return -1;
	for (size_t done = HEADER_SKIP; done < size;) {
		for (size_t i = 0; i < sizeof(block) / sizeof(block[0]); i++)
			block[i] = demo_rand(&state);
		size_t n = size - done < sizeof(block) ? size - done : sizeof(block);
		if (write_all(fd, block, n))
			return -1;
		done += n;
	}
	return 0;
}

/* Written under a temporary name and renamed, so two demos started at
 * once never read a half-written model. */
static int create_model(const struct demo_opts *o, const char *dir, unsigned index)
{
	char path[4096], tmp[4200];
	size_t size = (size_t)o->model_mb << 20;
	struct stat st;

	file_path(o, dir, index, path, sizeof(path));
	if (!stat(path, &st) && (size_t)st.st_size == size)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || fill(fd, index, size) || close(fd) || rename(tmp, path)) {
		fprintf(stderr, "memory-analyzer-demo: cannot create '%s': %s\n", path, strerror(errno));
		if (fd >= 0)
			unlink(tmp);
		return -1;
	}
	return 0;
}

/* The folder must be ours: never write through a link someone planted. */
static int own_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0700) && errno != EEXIST)
		return -1;
	if (lstat(dir, &st) || !S_ISDIR(st.st_mode) || st.st_uid != getuid()) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

static void default_dir(char *dir, size_t len)
{
	struct stat st;
	const char *tmp = getenv("TMPDIR");

	if (!stat(".memory-analyzer", &st) && S_ISDIR(st.st_mode))
		snprintf(dir, len, ".memory-analyzer/demo-models");
	else
		snprintf(dir, len, "%s/memory-analyzer-demo-%ld", tmp && *tmp ? tmp : "/tmp",
			 (long)getuid());
}

int store_prepare(const struct demo_opts *o, char *dir, size_t len)
{
	if (o->dir)
		snprintf(dir, len, "%s", o->dir);
	else
		default_dir(dir, len);
	if (own_dir(dir)) {
		fprintf(stderr, "memory-analyzer-demo: cannot use '%s': %s\n", dir, strerror(errno));
		return -1;
	}
	for (unsigned i = 0; i < o->models; i++)
		if (create_model(o, dir, i))
			return -1;
	return 0;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int read_all(int fd, unsigned char *buf, size_t len)
{
	for (size_t done = 0; done < len;) {
		ssize_t n = read(fd, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/* "Dequantize": each byte becomes a float, as a loader that widens 8-bit
 * weights would.  Done from the end so it can work in place. */
static void expand(unsigned char *data, size_t n, unsigned factor)
{
	float *out = (float *)data;

	for (size_t i = n; factor == 4 && i-- > 0;)
		out[i] = (float)data[i] / 255.0f;
	for (size_t i = n; factor != 4 && i-- > 0;)
		memset(data + i * factor, data[i], factor);
}

static int load_read(const struct demo_opts *o, int fd, struct model *m)
{
	m->size = m->file_size * o->expand;
	m->data = malloc(m->size);
	if (!m->data || read_all(fd, m->data, m->file_size))
		return -1;
	if (o->expand > 1)
		expand(m->data, m->file_size, o->expand);
	return 0;
}

static int load_mmap(int fd, struct model *m)
{
	void *p = mmap(NULL, m->file_size, PROT_READ, MAP_PRIVATE, fd, 0);

	if (p == MAP_FAILED)
		return -1;
	m->data = p;
	m->size = m->file_size;
	m->mapped = 1;
	return 0;
}

static int load_file(const struct demo_opts *o, const char *path, struct model *m)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = fd < 0 ? -1 : o->load == LOAD_MMAP ? load_mmap(fd, m) : load_read(o, fd, m);

	if (fd >= 0)
		close(fd);
	return rc;
}

int model_load(const struct demo_opts *o, const char *dir, unsigned index, struct model *m)
{
	char path[4096], span[64];

	memset(m, 0, sizeof(*m));
	m->index = index;
	m->file_size = (size_t)o->model_mb << 20;
	model_name(index, m->name, sizeof(m->name));
	file_path(o, dir, index, path, sizeof(path));
	snprintf(span, sizeof(span), "model_load:%s", m->name);
	ma_span_begin(span);
	if (index == 0 && o->load_delay_ms)
		sleep_ms(o->load_delay_ms);
	int rc = load_file(o, path, m);
	ma_span_end(span);
	if (rc) {
		fprintf(stderr, "memory-analyzer-demo: cannot load '%s': %s\n", path, strerror(errno));
		model_unload(m);
	}
	return rc;
}

void model_unload(struct model *m)
{
	if (m->mapped)
		munmap(m->data, m->size);
	else
		free(m->data);
	m->data = NULL;
}
