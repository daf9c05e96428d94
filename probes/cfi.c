/* The CFI reader (cfi.h).
 *
 * Design: a cursor over one entry's bytes that turns any read past the
 * entry's end into a sticky error, so that the parsers read on without a
 * check per field and look once at the end; the CFA program is run as
 * libgcc runs it (execute_cfa_program: rows up to and including pc), but
 * only the CFA's rule and those of two registers at most are kept, which
 * makes the state (and the remember_state stack) a few words.  Each
 * operation consumes at least one byte, so the run ends within the
 * program's length. */
#include <stddef.h>

#include "cfi.h"

/* Pointer encodings (DW_EH_PE_*). */
#define PE_ABSPTR 0x00
#define PE_ULEB128 0x01
#define PE_UDATA2 0x02
#define PE_UDATA4 0x03
#define PE_UDATA8 0x04
#define PE_SLEB128 0x09
#define PE_SDATA2 0x0a
#define PE_SDATA4 0x0b
#define PE_SDATA8 0x0c
#define PE_PCREL 0x10
#define PE_APPL 0x70
#define PE_INDIRECT 0x80
#define PE_OMIT 0xff

#define AUG_MAX 8 /* augmentation letters believed */

struct cur {
	const uint8_t *p, *end;
	int bad;
};

static uint8_t u8(struct cur *c)
{
	if (c->p >= c->end) {
		c->bad = 1;
		return 0;
	}
	return *c->p++;
}

/* n bytes, little-endian. */
static uint64_t fixed(struct cur *c, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint64_t)u8(c) << (8 * i);
	return v;
}

static uint64_t uleb(struct cur *c)
{
	uint64_t v = 0;
	uint8_t b;

	for (int shift = 0; shift < 64; shift += 7) {
		b = u8(c);
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	c->bad = 1; /* longer than any 64-bit value */
	return 0;
}

static int64_t sleb(struct cur *c)
{
	uint64_t v = 0;
	uint8_t b;

	for (int shift = 0; shift < 64; shift += 7) {
		b = u8(c);
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			if (shift + 7 < 64 && (b & 0x40))
				v |= ~0ull << (shift + 7);
			return (int64_t)v;
		}
	}
	c->bad = 1;
	return 0;
}

static void skip(struct cur *c, uint64_t n)
{
	if (n > (uint64_t)(c->end - c->p))
		c->bad = 1;
	else
		c->p += n;
}

/* A value in the format of encoding enc, without its application. */
static uint64_t enc_raw(struct cur *c, uint8_t enc)
{
	switch (enc & 0x0f) {
	case PE_ABSPTR:
	case PE_UDATA8:
	case PE_SDATA8:
		return fixed(c, 8);
	case PE_UDATA4:
		return fixed(c, 4);
	case PE_SDATA4:
		return (uint64_t)(int64_t)(int32_t)fixed(c, 4);
	case PE_UDATA2:
		return fixed(c, 2);
	case PE_SDATA2:
		return (uint64_t)(int64_t)(int16_t)fixed(c, 2);
	case PE_ULEB128:
		return uleb(c);
	case PE_SLEB128:
		return (uint64_t)sleb(c);
	}
	c->bad = 1;
	return 0;
}

/* An address in encoding enc: absolute or relative to where it is stored
 * (what .eh_frame uses for code addresses); the others need bases that
 * the FDE alone does not give. */
static uint64_t enc_addr(struct cur *c, uint8_t enc)
{
	uintptr_t at = (uintptr_t)c->p;
	uint64_t v;

	if ((enc & PE_INDIRECT) || ((enc & PE_APPL) != 0 && (enc & PE_APPL) != PE_PCREL)) {
		c->bad = 1;
		return 0;
	}
	v = enc_raw(c, enc);
	return (enc & PE_APPL) == PE_PCREL ? v + at : v;
}

/* Starts a cursor on the entry (CIE or FDE) at e: bounded by its length
 * field, positioned after it.  32-bit DWARF only. */
static void entry_open(struct cur *c, const uint8_t *e)
{
	uint32_t len;

	c->p = e;
	c->end = e + 4;
	c->bad = 0;
	len = (uint32_t)fixed(c, 4);
	if (len < 4 || len == 0xffffffffu)
		c->bad = 1;
	else
		c->end = e + 4 + len;
}

struct cie {
	uint64_t code_align;
	int64_t data_align;
	uint64_t ra_col;  /* the return address column */
	uint8_t fde_enc;
	int aug_z;
	struct cur insns; /* the initial instructions */
};

/* The augmentation data of a "z" CIE: what the FDEs need (their pointer
 * encoding); a signal frame or an unknown letter is not understood. */
static int cie_aug(struct cie *ci, struct cur *c, const uint8_t *aug)
{
	uint64_t len = uleb(c);
	struct cur a = { c->p, c->p, 0 };

	skip(c, len);
	if (c->bad)
		return -1;
	a.end = c->p;
	for (int i = 1; aug[i]; i++) {
		uint8_t enc;

		switch (aug[i]) {
		case 'R':
			ci->fde_enc = u8(&a);
			break;
		case 'P':
			enc = u8(&a);
			if ((enc & PE_APPL) == 0x50) /* aligned */
				return -1;
			enc_raw(&a, enc);
			break;
		case 'L':
			u8(&a);
			break;
		default: /* 'S' (signal frame), 'B', 'G', ... */
			return -1;
		}
	}
	return a.bad ? -1 : 0;
}

static int cie_parse(struct cie *ci, const uint8_t *e)
{
	struct cur c;
	const uint8_t *aug;
	uint8_t version;
	int n = 0;

	entry_open(&c, e);
	if (fixed(&c, 4) != 0) /* CIE id */
		return -1;
	version = u8(&c);
	if (version != 1 && version != 3)
		return -1;
	aug = c.p;
	while (u8(&c) != 0 && !c.bad)
		if (++n > AUG_MAX)
			return -1;
	if (c.bad || (n > 0 && aug[0] != 'z'))
		return -1;
	ci->code_align = uleb(&c);
	ci->data_align = sleb(&c);
	ci->ra_col = version == 1 ? u8(&c) : uleb(&c);
	ci->fde_enc = PE_ABSPTR;
	ci->aug_z = n > 0;
	if (c.bad || (ci->aug_z && cie_aug(ci, &c, aug) < 0) || ci->fde_enc == PE_OMIT)
		return -1;
	ci->insns = c;
	return 0;
}

/* A tracked register's rule. */
enum kind { K_SAME, K_SAVED, K_AT_RBP, K_UNDEF, K_OTHER };
struct rule {
	enum kind kind;
	int64_t off;
};

#define TRACKED 2 /* registers followed at once, at most */
#define CFA_UNSET UINT64_MAX

/* The part of a row that is followed: the tracked registers' rules and
 * the CFA's (a register and an offset; a CFA expression is not
 * followed).  remember_state saves all of it, the CFA included, as
 * libgcc does: compilers bracket an epilogue's def_cfa_offset with
 * remember_state and restore_state. */
struct row {
	struct rule reg[TRACKED];
	uint64_t cfa_reg;
	int64_t cfa_off;
	/* CFA = the word at exp_reg + exp_off, instead (the one expression
	 * understood: GCC's for a realigned stack, through DRAP) */
	int cfa_exp;
	uint64_t exp_reg;
	int64_t exp_off;
};

/* A run of CFA programs up to pc. */
struct run {
	const struct cie *ci;
	uint64_t loc, pc;
	unsigned regs[TRACKED];
	int nregs;
	struct row now, init; /* init: after the CIE's instructions */
	struct row saved[PROBE_CFI_STATES];
	int depth;
};

enum { GO = 0, DONE = 1, FAIL = -1 };

/* Moves the location; DONE once it passes pc (the row for pc is the one
 * in force). */
static int advance(struct run *r, uint64_t delta)
{
	uint64_t step;

	if (__builtin_mul_overflow(delta, r->ci->code_align, &step) ||
	    __builtin_add_overflow(r->loc, step, &r->loc))
		return FAIL;
	return r->loc > r->pc ? DONE : GO;
}

static int set_rule(struct run *r, uint64_t reg, enum kind kind, int64_t off)
{
	for (int i = 0; i < r->nregs; i++)
		if (reg == r->regs[i]) {
			r->now.reg[i].kind = kind;
			r->now.reg[i].off = off;
		}
	return GO;
}

static int offset(struct run *r, uint64_t reg, int64_t factored)
{
	int64_t off;

	if (__builtin_mul_overflow(factored, r->ci->data_align, &off))
		return FAIL;
	return set_rule(r, reg, K_SAVED, off);
}

static int negative_offset(struct run *r, uint64_t reg, uint64_t factored)
{
	if (factored > INT64_MAX)
		return FAIL;
	return offset(r, reg, -(int64_t)factored);
}

static int restore(struct run *r, uint64_t reg)
{
	for (int i = 0; i < r->nregs; i++)
		if (reg == r->regs[i])
			r->now.reg[i] = r->init.reg[i];
	return GO;
}

static int remember(struct run *r)
{
	if (r->depth == PROBE_CFI_STATES)
		return FAIL;
	r->saved[r->depth++] = r->now;
	return GO;
}

static int restore_state(struct run *r)
{
	if (r->depth == 0)
		return FAIL;
	r->now = r->saved[--r->depth];
	return GO;
}

/* The CFA's register, offset, or both (keep: CFA_UNSET for the one the
 * operation leaves alone). */
static int def_cfa(struct run *r, uint64_t reg, int64_t off, int set_off)
{
	if (reg != CFA_UNSET) {
		r->now.cfa_reg = reg;
		r->now.cfa_exp = 0;
	}
	/* An offset alone leaves an expression in force, as in libgcc. */
	if (set_off)
		r->now.cfa_off = off;
	return GO;
}

/* A DWARF expression of len bytes at c that is exactly DW_OP_breg<n>
 * <sleb off>, then DW_OP_deref when deref: sets *reg and *off and returns
 * 0; -1 for any other (c moves past the expression either way). */
static int breg_expr(struct cur *c, uint64_t len, int deref, uint64_t *reg, int64_t *off)
{
	struct cur e = { c->p, c->p, 0 };
	uint8_t op;

	skip(c, len);
	if (c->bad)
		return -1;
	e.end = c->p;
	op = u8(&e);
	if (op < 0x70 || op > 0x8f) /* DW_OP_breg0 .. breg31 */
		return -1;
	*reg = op - 0x70u;
	*off = sleb(&e);
	if (deref && u8(&e) != 0x06) /* DW_OP_deref */
		return -1;
	return e.bad || e.p != e.end ? -1 : 0;
}

/* A factored signed offset of the CFA (the _sf forms). */
static int def_cfa_sf(struct run *r, uint64_t reg, int64_t factored)
{
	int64_t off;

	if (__builtin_mul_overflow(factored, r->ci->data_align, &off))
		return FAIL;
	return def_cfa(r, reg, off, 1);
}

/* An operation on a register not tracked is harmless; on a tracked one
 * it makes the rule one the fast unwinder cannot use. */
static int other(struct run *r, uint64_t reg)
{
	return set_rule(r, reg, K_OTHER, 0);
}

/* Operations with an operand of their own in the low six bits. */
static int step_packed(struct run *r, struct cur *c, uint8_t op)
{
	switch (op >> 6) {
	case 1: /* DW_CFA_advance_loc */
		return advance(r, op & 0x3f);
	case 2: /* DW_CFA_offset */
		return offset(r, op & 0x3f, (int64_t)uleb(c));
	default: /* DW_CFA_restore */
		return restore(r, op & 0x3f);
	}
}

/* Runs one operation.  Operands are read even when they are not used, so
 * that the next operation starts where it should. */
static int step(struct run *r, struct cur *c)
{
	uint8_t op = u8(c);
	uint64_t reg;

	if (op >> 6)
		return step_packed(r, c, op);
	switch (op) {
	case 0x00: /* DW_CFA_nop */
		return GO;
	case 0x01: /* DW_CFA_set_loc */
		r->loc = enc_addr(c, r->ci->fde_enc);
		return r->loc > r->pc ? DONE : GO;
	case 0x02: /* DW_CFA_advance_loc1 */
		return advance(r, fixed(c, 1));
	case 0x03: /* DW_CFA_advance_loc2 */
		return advance(r, fixed(c, 2));
	case 0x04: /* DW_CFA_advance_loc4 */
		return advance(r, fixed(c, 4));
	case 0x05: /* DW_CFA_offset_extended */
		reg = uleb(c);
		return offset(r, reg, (int64_t)uleb(c));
	case 0x06: /* DW_CFA_restore_extended */
		return restore(r, uleb(c));
	case 0x07: /* DW_CFA_undefined */
		return set_rule(r, uleb(c), K_UNDEF, 0);
	case 0x08: /* DW_CFA_same_value */
		return set_rule(r, uleb(c), K_SAME, 0);
	case 0x09: /* DW_CFA_register */
		reg = uleb(c);
		uleb(c);
		return other(r, reg);
	case 0x0a: /* DW_CFA_remember_state */
		return remember(r);
	case 0x0b: /* DW_CFA_restore_state */
		return restore_state(r);
	case 0x0c: /* DW_CFA_def_cfa */
		reg = uleb(c);
		return def_cfa(r, reg, (int64_t)uleb(c), 1);
	case 0x0d: /* DW_CFA_def_cfa_register */
		return def_cfa(r, uleb(c), 0, 0);
	case 0x0e: /* DW_CFA_def_cfa_offset */
		return def_cfa(r, CFA_UNSET, (int64_t)uleb(c), 1);
	case 0x2e: /* DW_CFA_GNU_args_size */
		uleb(c);
		return GO;
	case 0x0f: /* DW_CFA_def_cfa_expression */
		if (breg_expr(c, uleb(c), 1, &r->now.exp_reg, &r->now.exp_off) < 0)
			return FAIL; /* any other: not a frame the unwinder follows */
		r->now.cfa_exp = 1;
		return GO;
	case 0x10: /* DW_CFA_expression */
	{
		uint64_t base;
		int64_t at;

		reg = uleb(c);
		if (breg_expr(c, uleb(c), 0, &base, &at) == 0 && base == PROBE_CFI_RBP)
			return set_rule(r, reg, K_AT_RBP, at); /* saved at rbp + at */
		return c->bad ? FAIL : other(r, reg);
	}
	case 0x16: /* DW_CFA_val_expression */
		reg = uleb(c);
		skip(c, uleb(c));
		return other(r, reg);
	case 0x11: /* DW_CFA_offset_extended_sf */
		reg = uleb(c);
		return offset(r, reg, sleb(c));
	case 0x12: /* DW_CFA_def_cfa_sf */
		reg = uleb(c);
		return def_cfa_sf(r, reg, sleb(c));
	case 0x13: /* DW_CFA_def_cfa_offset_sf */
		return def_cfa_sf(r, CFA_UNSET, sleb(c));
	case 0x14: /* DW_CFA_val_offset */
		reg = uleb(c);
		uleb(c);
		return other(r, reg);
	case 0x15: /* DW_CFA_val_offset_sf */
		reg = uleb(c);
		sleb(c);
		return other(r, reg);
	case 0x2f: /* DW_CFA_GNU_negative_offset_extended */
		reg = uleb(c);
		return negative_offset(r, reg, uleb(c));
	}
	/* Vendor operations. */
	return FAIL;
}

/* Runs the program in c until its end or pc; -1 when not understood. */
static int run_program(struct run *r, struct cur *c)
{
	while (c->p < c->end) {
		int rc = step(r, c);

		if (c->bad || rc == FAIL)
			return -1;
		if (rc == DONE)
			break;
	}
	return 0;
}

/* The FDE's address range and, for a "z" CIE, its augmentation data:
 * leaves c at the FDE's instructions; -1 when pc is not in the range. */
static int fde_head(struct cur *c, const struct cie *ci, uint64_t pc, uint64_t *begin)
{
	uint64_t range;

	*begin = enc_addr(c, ci->fde_enc);
	range = enc_raw(c, ci->fde_enc & 0x0f);
	if (ci->aug_z)
		skip(c, uleb(c));
	if (c->bad || pc < *begin || pc - *begin >= range)
		return -1;
	return 0;
}

/* Runs the CIE's and the FDE's programs (the FDE at e) up to pc with
 * r->regs tracked; the CIE in *ci.  -1 when not understood. */
static int run_fde(struct run *r, struct cie *ci, const uint8_t *e)
{
	struct cur c;
	uint32_t cie_ptr;

	r->ci = ci;
	r->now.cfa_reg = CFA_UNSET;
	r->now.cfa_off = 0;
	r->now.cfa_exp = 0;
	entry_open(&c, e);
	cie_ptr = (uint32_t)fixed(&c, 4);
	/* The CIE pointer counts back from its own field; 0 would make this
	 * entry a CIE. */
	if (c.bad || cie_ptr == 0 || cie_ptr > (uintptr_t)(e + 4))
		return -1;
	if (cie_parse(ci, e + 4 - cie_ptr) < 0 || fde_head(&c, ci, r->pc, &r->loc) < 0)
		return -1;
	/* The CIE's rows start at the FDE's first address, as in libgcc; a
	 * CIE that advances past pc is not understood. */
	if (run_program(r, &ci->insns) < 0)
		return -1;
	r->init = r->now;
	if (r->loc > r->pc || run_program(r, &c) < 0)
		return -1;
	return 0;
}

static enum probe_cfi_rule rule_of(const struct rule *k, int64_t *off)
{
	switch (k->kind) {
	case K_SAME:
		return PROBE_CFI_SAME;
	case K_SAVED:
		*off = k->off;
		return PROBE_CFI_SAVED;
	case K_AT_RBP:
		*off = k->off;
		return PROBE_CFI_AT_RBP;
	case K_UNDEF:
		return PROBE_CFI_UNDEFINED;
	default:
		return PROBE_CFI_UNKNOWN;
	}
}

enum probe_cfi_rule probe_cfi_reg_rule(const void *fde, uint64_t pc, unsigned reg,
				       int64_t *off)
{
	struct cie ci;
	struct run r = { .pc = pc, .regs = { reg }, .nregs = 1 };
	enum probe_cfi_rule k;

	if (run_fde(&r, &ci, fde) < 0)
		return PROBE_CFI_UNKNOWN;
	k = rule_of(&r.now.reg[0], off);
	return k == PROBE_CFI_SAME || k == PROBE_CFI_SAVED ? k : PROBE_CFI_UNKNOWN;
}

int probe_cfi_frame(const void *fde, uint64_t pc, struct probe_cfi_frame *f)
{
	struct cie ci;
	struct run r = { .pc = pc, .regs = { PROBE_CFI_RBP, PROBE_CFI_RA }, .nregs = 2 };

	/* The return address must be the column followed (x86-64's 16). */
	if (run_fde(&r, &ci, fde) < 0 || ci.ra_col != PROBE_CFI_RA)
		return -1;
	f->cfa_deref = r.now.cfa_exp;
	f->cfa_reg = (unsigned)(f->cfa_deref ? r.now.exp_reg : r.now.cfa_reg);
	f->cfa_off = f->cfa_deref ? r.now.exp_off : r.now.cfa_off;
	if ((f->cfa_deref ? r.now.exp_reg : r.now.cfa_reg) > PROBE_CFI_RA)
		return -1;
	f->bp_off = f->ra_off = 0;
	f->bp = rule_of(&r.now.reg[0], &f->bp_off);
	f->ra = rule_of(&r.now.reg[1], &f->ra_off);
	return 0;
}
