/* Rust v0 mangling (RFC 2603): _R <path> [<instantiating-crate>]
 * [<vendor-suffix>].  Paths, generic arguments, types, function
 * signatures, dyn bounds, lifetimes and binders, constants of the scalar
 * types, backrefs and punycode identifiers are decoded; the output is
 * what `{:#}` of rustc-demangle prints (no crate hashes).  Structural
 * constants (references, arrays, tuples, structs as const generics) make
 * the whole name fail. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "demangle_int.h"

#define MAX_DEPTH 300

struct v0 {
	const char *sym; /* after "_R"; backrefs count from here */
	size_t len, pos;
	struct ma_dm_out *out;
	int quiet;  /* > 0: parse without printing */
	int err;
	int depth;
	uint64_t bound; /* lifetimes bound by the enclosing binders */
};

static void print_path(struct v0 *v, int in_value);
static void print_type(struct v0 *v);
static void print_const(struct v0 *v);

static void put(struct v0 *v, const char *s)
{
	if (!v->quiet && !v->err)
		ma_dm_puts(v->out, s);
}

static void putn(struct v0 *v, const char *s, size_t n)
{
	if (!v->quiet && !v->err)
		ma_dm_putn(v->out, s, n);
}

static void putu(struct v0 *v, uint64_t n)
{
	if (!v->quiet && !v->err)
		ma_dm_putu(v->out, n);
}

static char peek(struct v0 *v)
{
	return v->pos < v->len && !v->err ? v->sym[v->pos] : '\0';
}

static char next(struct v0 *v)
{
	char c = peek(v);
	if (c == '\0')
		v->err = 1;
	else
		v->pos++;
	return c;
}

static int eat(struct v0 *v, char c)
{
	if (peek(v) != c || c == '\0')
		return 0;
	v->pos++;
	return 1;
}

static int digit62(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 36;
	return -1;
}

/* <base-62-number>: "_" is 0, "<digits>_" is their value + 1. */
static uint64_t base62(struct v0 *v)
{
	if (eat(v, '_'))
		return 0;
	uint64_t x = 0;
	for (;;) {
		char c = next(v);
		if (c == '_')
			break;
		int d = digit62(c);
		if (d < 0 || x > (UINT64_MAX - 61) / 62) {
			v->err = 1;
			return 0;
		}
		x = x * 62 + (uint64_t)d;
	}
	if (x == UINT64_MAX)
		v->err = 1;
	return x + 1;
}

/* [<tag> <base-62-number>], as the number + 1, or 0 when absent. */
static uint64_t opt62(struct v0 *v, char tag)
{
	if (!eat(v, tag))
		return 0;
	uint64_t x = base62(v);
	return v->err || x == UINT64_MAX ? 0 : x + 1;
}

static size_t decimal(struct v0 *v)
{
	char c = next(v);
	if (c < '0' || c > '9') {
		v->err = 1;
		return 0;
	}
	size_t x = (size_t)(c - '0');
	while (x != 0 && peek(v) >= '0' && peek(v) <= '9') {
		x = x * 10 + (size_t)(next(v) - '0');
		if (x > v->len)
			v->err = 1;
	}
	return x;
}

struct ident {
	const char *ascii, *puny;
	size_t ascii_len, puny_len;
};

/* <undisambiguated-identifier> = ["u"] <decimal> ["_"] <bytes> */
static struct ident ident(struct v0 *v)
{
	struct ident id = { "", NULL, 0, 0 };
	int puny = eat(v, 'u');
	size_t n = decimal(v);
	eat(v, '_');
	if (v->err || n > v->len - v->pos) {
		v->err = 1;
		return id;
	}
	const char *s = v->sym + v->pos;
	v->pos += n;
	if (!puny) {
		id.ascii = s;
		id.ascii_len = n;
		return id;
	}
	/* Punycode with its '-' delimiter spelled '_'. */
	const char *us = NULL;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '_')
			us = s + i;
	if (us != NULL) {
		id.ascii = s;
		id.ascii_len = (size_t)(us - s);
		s = us + 1;
		n -= id.ascii_len + 1;
	}
	id.puny = s;
	id.puny_len = n;
	return id;
}

static void print_ident(struct v0 *v, const struct ident *id)
{
	if (v->quiet || v->err)
		return;
	if (id->puny == NULL) {
		putn(v, id->ascii, id->ascii_len);
		return;
	}
	if (ma_dm_punycode(v->out, id->ascii, id->ascii_len, id->puny,
			   id->puny_len) < 0) {
		/* Undecodable: show it as it was spelled, marked. */
		put(v, "punycode{");
		putn(v, id->ascii, id->ascii_len);
		put(v, "-");
		putn(v, id->puny, id->puny_len);
		put(v, "}");
	}
}

static int enter(struct v0 *v)
{
	if (++v->depth > MAX_DEPTH)
		v->err = 1;
	return !v->err;
}

/* <backref> = "B" <base-62-number>, an earlier position in the symbol;
 * runs fn there, then comes back. */
static void backref(struct v0 *v, void (*fn)(struct v0 *, int), int arg)
{
	size_t start = v->pos - 1;
	uint64_t target = base62(v);
	if (v->err || target >= start) {
		v->err = 1;
		return;
	}
	size_t saved = v->pos;
	v->pos = (size_t)target;
	fn(v, arg);
	v->pos = saved;
}

static void print_lifetime(struct v0 *v, uint64_t idx)
{
	if (idx == 0) {
		put(v, "'_");
		return;
	}
	if (idx > v->bound) {
		v->err = 1;
		return;
	}
	uint64_t depth = v->bound - idx;
	if (depth < 26) {
		char name[3] = { '\'', (char)('a' + depth), '\0' };
		put(v, name);
	} else {
		put(v, "'_");
		putu(v, depth);
	}
}

/* [<binder>] = "G" <base-62-number>: that many + 1 lifetimes. */
static uint64_t binder(struct v0 *v)
{
	uint64_t n = opt62(v, 'G');
	if (n == 0 || v->err)
		return 0;
	if (n > 1000) {
		v->err = 1;
		return 0;
	}
	put(v, "for<");
	for (uint64_t i = 0; i < n; i++) {
		if (i)
			put(v, ", ");
		v->bound++;
		print_lifetime(v, 1);
	}
	put(v, "> ");
	return n;
}

static void print_generic_arg(struct v0 *v)
{
	if (eat(v, 'L'))
		print_lifetime(v, base62(v));
	else if (eat(v, 'K'))
		print_const(v);
	else
		print_type(v);
}

/* {<generic-arg>} "E", after the "<" */
static void print_generic_args(struct v0 *v)
{
	for (int i = 0; !v->err && !eat(v, 'E'); i++) {
		if (i)
			put(v, ", ");
		print_generic_arg(v);
	}
}

static const char *ns_name(char ns)
{
	switch (ns) {
	case 'C':
		return "closure";
	case 'S':
		return "shim";
	default:
		return NULL;
	}
}

/* "N" <namespace> <path> <identifier> */
static void print_nested(struct v0 *v, int in_value)
{
	char ns = next(v);
	print_path(v, in_value);
	uint64_t dis = opt62(v, 's');
	struct ident id = ident(v);
	if (ns >= 'A' && ns <= 'Z') {
		const char *name = ns_name(ns);
		char one[2] = { ns, '\0' };
		put(v, "::{");
		put(v, name ? name : one);
		if (id.ascii_len || id.puny) {
			put(v, ":");
			print_ident(v, &id);
		}
		put(v, "#");
		putu(v, dis);
		put(v, "}");
	} else if (ns >= 'a' && ns <= 'z') {
		if (id.ascii_len || id.puny) {
			put(v, "::");
			print_ident(v, &id);
		}
	} else {
		v->err = 1;
	}
}

/* <impl-path> = [<disambiguator>] <path>: parsed, never printed. */
static void skip_impl_path(struct v0 *v)
{
	opt62(v, 's');
	v->quiet++;
	print_path(v, 0);
	v->quiet--;
}

static void print_path(struct v0 *v, int in_value)
{
	if (!enter(v))
		return;
	char tag = next(v);
	switch (tag) {
	case 'C': { /* crate root; its hash is left out */
		opt62(v, 's');
		struct ident id = ident(v);
		print_ident(v, &id);
		break;
	}
	case 'N':
		print_nested(v, in_value);
		break;
	case 'M': /* <T> */
	case 'X': /* <T as Trait> */
	case 'Y':
		if (tag != 'Y')
			skip_impl_path(v);
		put(v, "<");
		print_type(v);
		if (tag != 'M') {
			put(v, " as ");
			print_path(v, 0);
		}
		put(v, ">");
		break;
	case 'I':
		print_path(v, in_value);
		put(v, in_value ? "::<" : "<");
		print_generic_args(v);
		put(v, ">");
		break;
	case 'B':
		backref(v, print_path, in_value);
		break;
	default:
		v->err = 1;
	}
	v->depth--;
}

static const char *basic_type(char tag)
{
	static const char *const names[26] = {
		['a' - 'a'] = "i8",   ['b' - 'a'] = "bool", ['c' - 'a'] = "char",
		['d' - 'a'] = "f64",  ['e' - 'a'] = "str",  ['f' - 'a'] = "f32",
		['h' - 'a'] = "u8",   ['i' - 'a'] = "isize", ['j' - 'a'] = "usize",
		['l' - 'a'] = "i32",  ['m' - 'a'] = "u32",  ['n' - 'a'] = "i128",
		['o' - 'a'] = "u128", ['p' - 'a'] = "_",    ['s' - 'a'] = "i16",
		['t' - 'a'] = "u16",  ['u' - 'a'] = "()",   ['v' - 'a'] = "...",
		['x' - 'a'] = "i64",  ['y' - 'a'] = "u64",  ['z' - 'a'] = "!",
	};
	return tag >= 'a' && tag <= 'z' ? names[tag - 'a'] : NULL;
}

/* "T" {<type>} "E", after the "T" */
static void print_tuple(struct v0 *v)
{
	put(v, "(");
	int i = 0;
	for (; !v->err && !eat(v, 'E'); i++) {
		if (i)
			put(v, ", ");
		print_type(v);
	}
	put(v, i == 1 ? ",)" : ")");
}

/* "R" / "Q" [<lifetime>] <type> */
static void print_ref(struct v0 *v, int mut)
{
	put(v, "&");
	if (eat(v, 'L')) {
		uint64_t lt = base62(v);
		if (lt != 0) {
			print_lifetime(v, lt);
			put(v, " ");
		}
	}
	put(v, mut ? "mut " : "");
	print_type(v);
}

/* <abi> = "C" | <undisambiguated-identifier>, '-' spelled '_' */
static void print_abi(struct v0 *v)
{
	put(v, "extern \"");
	if (eat(v, 'C')) {
		put(v, "C");
	} else {
		struct ident id = ident(v);
		for (size_t i = 0; i < id.ascii_len && !v->err; i++)
			putn(v, id.ascii[i] == '_' ? "-" : id.ascii + i, 1);
	}
	put(v, "\" ");
}

/* <fn-sig> = [<binder>] ["U"] ["K" <abi>] {<type>} "E" <type> */
static void print_fn_sig(struct v0 *v)
{
	uint64_t outer = v->bound;
	binder(v);
	if (eat(v, 'U'))
		put(v, "unsafe ");
	if (eat(v, 'K'))
		print_abi(v);
	put(v, "fn(");
	for (int i = 0; !v->err && !eat(v, 'E'); i++) {
		if (i)
			put(v, ", ");
		print_type(v);
	}
	put(v, ")");
	if (!eat(v, 'u')) {
		put(v, " -> ");
		print_type(v);
	}
	v->bound = outer;
}

/* A path that may end in generic args, left open ('>' not printed) so
 * that associated type bindings can join them; returns 1 when open. */
static int print_path_open(struct v0 *v)
{
	if (eat(v, 'B')) {
		size_t start = v->pos - 1;
		uint64_t target = base62(v);
		if (v->err || target >= start || !enter(v)) {
			v->err = 1;
			return 0;
		}
		size_t saved = v->pos;
		v->pos = (size_t)target;
		int open = print_path_open(v);
		v->pos = saved;
		v->depth--;
		return open;
	}
	if (!eat(v, 'I')) {
		print_path(v, 0);
		return 0;
	}
	print_path(v, 0);
	put(v, "<");
	print_generic_args(v);
	return 1;
}

/* <dyn-trait> = <path> {"p" <undisambiguated-identifier> <type>} */
static void print_dyn_trait(struct v0 *v)
{
	int open = print_path_open(v);
	while (!v->err && eat(v, 'p')) {
		put(v, open ? ", " : "<");
		open = 1;
		struct ident id = ident(v);
		print_ident(v, &id);
		put(v, " = ");
		print_type(v);
	}
	if (open)
		put(v, ">");
}

/* "D" <dyn-bounds> <lifetime>, after the "D" */
static void print_dyn(struct v0 *v)
{
	uint64_t outer = v->bound;
	put(v, "dyn ");
	binder(v);
	for (int i = 0; !v->err && !eat(v, 'E'); i++) {
		if (i)
			put(v, " + ");
		print_dyn_trait(v);
	}
	v->bound = outer;
	if (!eat(v, 'L')) {
		v->err = 1;
		return;
	}
	uint64_t lt = base62(v);
	if (lt != 0) {
		put(v, " + ");
		print_lifetime(v, lt);
	}
}

static void type_at(struct v0 *v, int unused)
{
	(void)unused;
	print_type(v);
}

static void print_type(struct v0 *v)
{
	if (!enter(v))
		return;
	char tag = peek(v);
	const char *basic = basic_type(tag);
	if (basic != NULL) {
		v->pos++;
		put(v, basic);
		v->depth--;
		return;
	}
	switch (tag) {
	case 'A':
	case 'S':
		v->pos++;
		put(v, "[");
		print_type(v);
		if (tag == 'A') {
			put(v, "; ");
			print_const(v);
		}
		put(v, "]");
		break;
	case 'T':
		v->pos++;
		print_tuple(v);
		break;
	case 'R':
	case 'Q':
		v->pos++;
		print_ref(v, tag == 'Q');
		break;
	case 'P':
	case 'O':
		v->pos++;
		put(v, tag == 'P' ? "*const " : "*mut ");
		print_type(v);
		break;
	case 'F':
		v->pos++;
		print_fn_sig(v);
		break;
	case 'D':
		v->pos++;
		print_dyn(v);
		break;
	case 'B':
		v->pos++;
		backref(v, type_at, 0);
		break;
	default:
		print_path(v, 0);
	}
	v->depth--;
}

/* The hex digits of a constant, up to "_"; 0 when they do not fit. */
static int const_hex(struct v0 *v, uint64_t *value)
{
	*value = 0;
	int fits = 1;
	for (char c; !v->err && (c = next(v)) != '_';) {
		int d = digit62(c);
		if (d < 0 || d > 15 || (c >= 'A' && c <= 'Z')) {
			v->err = 1;
			return 0;
		}
		if (*value >> 60)
			fits = 0;
		*value = *value << 4 | (uint64_t)d;
	}
	return fits;
}

static void print_char_const(struct v0 *v, uint64_t cp)
{
	if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) {
		v->err = 1;
		return;
	}
	put(v, "'");
	if (cp == '\'' || cp == '\\')
		put(v, "\\");
	if (!v->quiet && !v->err)
		ma_dm_put_utf8(v->out, (uint32_t)cp);
	put(v, "'");
}

/* <const-data> of a scalar type */
static void print_scalar(struct v0 *v, char type)
{
	int neg = eat(v, 'n');
	uint64_t value;
	int fits = const_hex(v, &value);
	if (v->err)
		return;
	if (!fits) {
		put(v, "{huge}");
		return;
	}
	if (type == 'b') {
		if (value > 1)
			v->err = 1;
		put(v, value ? "true" : "false");
	} else if (type == 'c') {
		print_char_const(v, value);
	} else {
		put(v, neg ? "-" : "");
		putu(v, value);
	}
}

static void const_at(struct v0 *v, int unused)
{
	(void)unused;
	print_const(v);
}

/* <const> = <type> <const-data> | "p" | <backref> */
static void print_const(struct v0 *v)
{
	if (!enter(v))
		return;
	char tag = next(v);
	if (tag == 'p')
		put(v, "_");
	else if (tag == 'B')
		backref(v, const_at, 0);
	else if (tag != '\0' && strchr("hmtyojasxlnibc", tag) != NULL)
		print_scalar(v, tag);
	else
		v->err = 1;
	v->depth--;
}

char *ma_demangle_rust_v0(const char *name)
{
	if (strncmp(name, "_R", 2) != 0)
		return NULL;
	struct ma_dm_out o = { 0 };
	struct v0 v = { .sym = name + 2, .len = strlen(name + 2), .out = &o };
	/* A decimal here would be a later encoding version, unknown. */
	if (peek(&v) >= '0' && peek(&v) <= '9')
		return NULL;
	print_path(&v, 1);
	/* What may follow is the instantiating crate, then a vendor
	 * suffix; neither is shown. */
	if (v.err) {
		free(o.buf);
		return NULL;
	}
	return ma_dm_finish(&o);
}
