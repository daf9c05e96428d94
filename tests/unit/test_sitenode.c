/* Unit tests of lib/sitenode.c, the keys of sites grouped by whole
 * stack.  Random stacks over module paths that are prefixes of one
 * another ("", "/l", "/l2", "/lib", ...) and offsets of every length,
 * sharing outer and inner frames: two stacks get the same node exactly
 * when their texts "path+hex;..." (innermost frame first, as the key used
 * to be) are equal; the text is the one the old key builder wrote; nodes
 * outlive the table's growth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pool.h"
#include "sitenode.h"

#define NSTACKS 3000
#define MAXDEPTH 12

static const char *const paths[] = { "", "/l", "/l2", "/lib", "/lib/", "/lib/a.so",
				     "/lib/a.so.6", "/lib+", "/lib;", "/usr/bin/python3" };
#define NPATHS (sizeof(paths) / sizeof(paths[0]))

static uint64_t x = 88172645463325252ull;

static uint64_t rnd(void)
{
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

struct stack {
	uint32_t depth;
	unsigned path[MAXDEPTH];
	uint64_t off[MAXDEPTH];
	const struct ma_sitenode *node;
	char text[MAXDEPTH * 40 + 1];
};

static struct stack st[NSTACKS];

/* The old key: "path+hex;" for frame 0 (innermost) first. */
static void old_text(struct stack *s)
{
	size_t len = 0;

	for (uint32_t i = 0; i < s->depth; i++)
		len += (size_t)sprintf(s->text + len, "%s+%llx;", paths[s->path[i]],
				       (unsigned long long)s->off[i]);
	s->text[len] = '\0';
}

static uint64_t offset(void)
{
	switch (rnd() % 4) {
	case 0:
		return rnd() % 16;
	case 1:
		return rnd() % 4096;
	case 2:
		return rnd() >> (rnd() % 64);
	default:
		return UINT64_MAX - rnd() % 3;
	}
}

/* Stacks that often share callers, as real ones do: a new stack starts
 * from an earlier one's outer frames, and often also has its innermost
 * ones (a malloc wrapper reached from many places). */
static void make(struct stack *s, const struct stack *like)
{
	uint32_t inner = 0;

	s->depth = (uint32_t)(rnd() % (MAXDEPTH + 1));
	if (like && rnd() % 2)
		inner = (uint32_t)(rnd() % (MAXDEPTH + 1));
	for (uint32_t i = 0; i < s->depth; i++) {
		uint32_t from_top = s->depth - 1 - i;
		if (like && i < inner && i < like->depth) {
			s->path[i] = like->path[i];
			s->off[i] = like->off[i];
		} else if (like && from_top < like->depth && rnd() % 4) {
			s->path[i] = like->path[like->depth - 1 - from_top];
			s->off[i] = like->off[like->depth - 1 - from_top];
		} else {
			s->path[i] = (unsigned)(rnd() % NPATHS);
			s->off[i] = rnd() % 3 ? rnd() % 40 : offset();
		}
	}
	old_text(s);
}

static const struct ma_sitenode *key(struct ma_pool *p, const char *const *interned,
				     const struct stack *s)
{
	const struct ma_sitenode *n = ma_sitenode_root(p);

	for (uint32_t i = s->depth; n && i-- > 0;)
		n = ma_sitenode_get(p, n, interned[s->path[i]], s->off[i]);
	assert_non_null(n);
	return n;
}

static void test_keys(void **state)
{
	struct ma_pool pool;
	const char *interned[NPATHS];
	char buf[sizeof(st[0].text)];

	(void)state;
	ma_pool_init(&pool);
	for (unsigned i = 0; i < NPATHS; i++)
		interned[i] = ma_pool_str(&pool, paths[i]);
	for (int i = 0; i < NSTACKS; i++) {
		make(&st[i], i && rnd() % 3 ? &st[rnd() % (uint64_t)i] : NULL);
		st[i].node = key(&pool, interned, &st[i]);
	}
	/* After every node was made (the table grew several times), the
	 * same stacks give the same nodes, whose text is the old key. */
	for (int i = 0; i < NSTACKS; i++) {
		assert_ptr_equal(key(&pool, interned, &st[i]), st[i].node);
		assert_int_equal(ma_sitenode_text(st[i].node, buf, sizeof(buf)),
				 strlen(st[i].text));
		assert_string_equal(buf, st[i].text);
	}
	for (int i = 0; i < NSTACKS; i++)
		for (int k = 0; k < 40; k++) {
			const struct stack *a = &st[i], *b = &st[k ? rnd() % NSTACKS : (uint64_t)i];

			assert_int_equal(strcmp(a->text, b->text) == 0, a->node == b->node);
		}
	ma_pool_release(&pool);
}

/* The empty stack is the root; a text cut short still counts it all. */
static void test_root_and_text(void **state)
{
	struct ma_pool pool;
	const struct ma_sitenode *root, *n;
	const char *lib;
	char buf[8];

	(void)state;
	ma_pool_init(&pool);
	root = ma_sitenode_root(&pool);
	assert_non_null(root);
	assert_ptr_equal(ma_sitenode_root(&pool), root);
	assert_int_equal(ma_sitenode_text(root, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	lib = ma_pool_str(&pool, "/lib");
	n = ma_sitenode_get(&pool, root, lib, 0x1f0);
	n = ma_sitenode_get(&pool, n, lib, 0);
	assert_int_equal(ma_sitenode_text(n, buf, sizeof(buf)), strlen("/lib+0;/lib+1f0;"));
	assert_string_equal(buf, "/lib+0;");
	assert_ptr_not_equal(n, root);
	assert_ptr_equal(ma_sitenode_get(&pool, ma_sitenode_get(&pool, root, lib, 0x1f0), lib, 0), n);
	ma_pool_release(&pool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_root_and_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
