/* Unit tests of the probe's CFI reader (probes/cfi.c) on hand-built CIE
 * and FDE bytes: the rule of rbp (DWARF register 6) row by row through
 * prologues and epilogues, remember/restore state, each advance_loc
 * form, the pointer encodings and augmentations that GCC and clang emit;
 * and the cases it must give up on; the whole row (the CFA, the return
 * address, rbp) that the fast unwinder's rules are read from.  Each entry
 * pair is copied into a buffer of exactly its size, so that ASan catches
 * any read past the FDE's end.  Last, the real FDE of a function of this
 * test, found by libgcc, says that rbp is untouched and CFA = rsp + 8 at
 * the function's first instruction. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cfi.h"

#define FUNC_OFF 0x10000 /* the function's first address, from the buffer */
#define RBP 6

/* DW_CFA_* used below. */
#define ADV(d) (0x40 | (d))
#define OFFSET(r) (0x80 | (r))
#define RESTORE(r) (0xc0 | (r))
#define NOP 0x00
#define SET_LOC 0x01
#define ADV1 0x02
#define ADV2 0x03
#define ADV4 0x04
#define OFFSET_EXT 0x05
#define RESTORE_EXT 0x06
#define UNDEFINED 0x07
#define SAME_VALUE 0x08
#define REGISTER 0x09
#define REMEMBER 0x0a
#define RESTORE_STATE 0x0b
#define DEF_CFA 0x0c
#define DEF_CFA_REG 0x0d
#define DEF_CFA_OFF 0x0e
#define DEF_CFA_EXPR 0x0f
#define EXPRESSION 0x10
#define OFFSET_EXT_SF 0x11
#define DEF_CFA_SF 0x12
#define ARGS_SIZE 0x2e

/* A CIE and an FDE in one buffer. */
struct eh {
	uint8_t b[512];
	size_t n;
	size_t cie, fde;
	size_t abs_at; /* an absolute pc_begin to fill in, or 0 */
};

static void put(struct eh *e, const uint8_t *p, size_t n)
{
	assert_true(e->n + n <= sizeof(e->b));
	if (n) /* p may be NULL then */
		memcpy(e->b + e->n, p, n);
	e->n += n;
}

static void put32(struct eh *e, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	put(e, b, 4);
}

static void patch32(struct eh *e, size_t at, uint32_t v)
{
	size_t n = e->n;

	e->n = at;
	put32(e, v);
	e->n = n;
}

/* A CIE: body is everything after the CIE id (version, augmentation,
 * alignments, return column, augmentation data, instructions). */
static void cie_raw(struct eh *e, const uint8_t *body, size_t n)
{
	e->cie = e->n;
	put32(e, 0);
	put32(e, 0);
	put(e, body, n);
	patch32(e, e->cie, (uint32_t)(e->n - e->cie - 4));
}

/* GCC's usual CIE: version 1, "zR", code alignment 1, data alignment -8,
 * return address in column 16, FDE addresses pc-relative sdata4; CFA =
 * rsp + 8, return address at CFA - 8. */
static void cie_std(struct eh *e)
{
	static const uint8_t body[] = { 1, 'z', 'R', 0, 1, 0x78, 16, 1, 0x1b,
					DEF_CFA, 7, 8, OFFSET(16), 1, NOP, NOP };

	cie_raw(e, body, sizeof(body));
}

/* An FDE for [func, func + range) with addresses in encoding enc (0x1b
 * or 0x00), augmentation data aug (aug_n < 0: the CIE has no "z"). */
static void fde_enc(struct eh *e, uint8_t enc, uint32_t range, const uint8_t *aug, int aug_n,
		    const uint8_t *ins, size_t n)
{
	uint8_t z = (uint8_t)aug_n;

	e->fde = e->n;
	put32(e, 0);
	put32(e, (uint32_t)(e->n - e->cie));
	if (enc == 0x1b) {
		put32(e, (uint32_t)(int32_t)(FUNC_OFF - (int64_t)e->n));
		put32(e, range);
	} else {
		e->abs_at = e->n;
		put32(e, 0);
		put32(e, 0);
		put32(e, range);
		put32(e, 0);
	}
	if (aug_n >= 0) {
		put(e, &z, 1);
		put(e, aug, (size_t)aug_n);
	}
	put(e, ins, n);
	patch32(e, e->fde, (uint32_t)(e->n - e->fde - 4));
}

static void fde(struct eh *e, uint32_t range, const uint8_t *ins, size_t n)
{
	fde_enc(e, 0x1b, range, NULL, 0, ins, n);
}

/* A copy of the entries of exactly their size (ASan catches any read past
 * it), the absolute pc_begin filled in; *func is the function's first
 * address in it.  Freed by the caller. */
static uint8_t *copy_of(const struct eh *e, uint64_t *func)
{
	uint8_t *m = malloc(e->n);

	assert_non_null(m);
	memcpy(m, e->b, e->n);
	*func = (uintptr_t)m + FUNC_OFF;
	if (e->abs_at)
		memcpy(m + e->abs_at, func, 8);
	return m;
}

/* The rule of reg at func + at, read from a copy of exactly the entries'
 * size. */
static enum probe_cfi_rule rule_of(const struct eh *e, unsigned reg, uint64_t at, int64_t *off)
{
	uint64_t func;
	uint8_t *m = copy_of(e, &func);
	enum probe_cfi_rule r;

	*off = 0x7777;
	r = probe_cfi_reg_rule(m + e->fde, func + at, reg, off);
	free(m);
	return r;
}

static void assert_saved(const struct eh *e, uint64_t at, int64_t want)
{
	int64_t off;

	assert_int_equal(rule_of(e, RBP, at, &off), PROBE_CFI_SAVED);
	assert_int_equal(off, want);
}

static void assert_rule(const struct eh *e, uint64_t at, enum probe_cfi_rule want)
{
	int64_t off;

	assert_int_equal(rule_of(e, RBP, at, &off), want);
}

/* push rbp; push rbx; sub rsp, 8; ... call ...; add rsp, 8; pop rbx; pop
 * rbp; ret -- the rows change after each instruction, and the row for an
 * address is the last one at or before it. */
static const uint8_t prologue[] = {
	ADV(1), DEF_CFA_OFF, 16, OFFSET(RBP), 2,
	ADV(1), DEF_CFA_OFF, 24, OFFSET(3), 3,
	ADV(4), DEF_CFA_OFF, 32,
	ADV(20), DEF_CFA_OFF, 24,
	ADV(1), DEF_CFA_OFF, 16,
	ADV(1), DEF_CFA_OFF, 8,
};

static void test_prologue(void **state)
{
	struct eh e = { .n = 0 };

	(void)state;
	cie_std(&e);
	fde(&e, 30, prologue, sizeof(prologue));
	assert_rule(&e, 0, PROBE_CFI_SAME);
	assert_saved(&e, 1, -16);
	assert_saved(&e, 2, -16);
	assert_saved(&e, 10, -16);
	assert_saved(&e, 27, -16);
	assert_saved(&e, 28, -16); /* pop rbp leaves the rule as it was */
	assert_rule(&e, 30, PROBE_CFI_UNKNOWN); /* past the FDE's range */
}

/* An epilogue in the middle of the function: remember_state, rbp
 * restored, then restore_state for the code after it. */
static void test_remember_restore(void **state)
{
	static const uint8_t ins[] = {
		ADV(1), DEF_CFA_OFF, 16, OFFSET(RBP), 2,
		ADV(8), REMEMBER, ADV(1), RESTORE(RBP), DEF_CFA_OFF, 8,
		ADV(1), RESTORE_STATE,
		ADV(5), REMEMBER, REMEMBER, SAME_VALUE, RBP,
		ADV(1), RESTORE_STATE, RESTORE_STATE,
	};
	struct eh e = { .n = 0 };

	(void)state;
	cie_std(&e);
	fde(&e, 40, ins, sizeof(ins));
	assert_saved(&e, 9, -16);
	assert_rule(&e, 10, PROBE_CFI_SAME);
	assert_saved(&e, 11, -16);
	assert_rule(&e, 16, PROBE_CFI_SAME);
	assert_saved(&e, 17, -16);
}

/* advance_loc1, 2 and 4, and a code alignment of 4. */
static void test_advance_forms(void **state)
{
	static const uint8_t ins[] = {
		ADV1, 200, OFFSET(RBP), 2,
		ADV2, 0xe8, 0x03, OFFSET(RBP), 3, /* +1000 */
		ADV4, 0x70, 0x11, 0x01, 0x00, OFFSET(RBP), 4, /* +70000 */
	};
	static const uint8_t body[] = { 1, 'z', 'R', 0, 4, 0x78, 16, 1, 0x1b };
	static const uint8_t ins4[] = { ADV(3), OFFSET(RBP), 2, ADV1, 2, OFFSET(RBP), 5 };
	struct eh e = { .n = 0 };

	(void)state;
	cie_std(&e);
	fde(&e, 100000, ins, sizeof(ins));
	assert_rule(&e, 199, PROBE_CFI_SAME);
	assert_saved(&e, 200, -16);
	assert_saved(&e, 1199, -16);
	assert_saved(&e, 1200, -24);
	assert_saved(&e, 71199, -24);
	assert_saved(&e, 71200, -32);

	memset(&e, 0, sizeof(e));
	cie_raw(&e, body, sizeof(body));
	fde(&e, 100, ins4, sizeof(ins4));
	assert_rule(&e, 11, PROBE_CFI_SAME);
	assert_saved(&e, 12, -16);
	assert_saved(&e, 19, -16);
	assert_saved(&e, 20, -40);
}

/* The extended and signed forms, restore to the CIE's rule, and the
 * operations that do not touch rbp. */
static void test_other_forms(void **state)
{
	static const uint8_t ins[] = {
		NOP, ARGS_SIZE, 16, DEF_CFA, 7, 16, DEF_CFA_SF, 7, 0x7e,
		OFFSET_EXT, RBP, 2,
		ADV(2), OFFSET_EXT_SF, RBP, 0x7d, /* -3 */
		ADV(2), RESTORE_EXT, RBP,
		ADV(2), OFFSET(RBP), 6, DEF_CFA_REG, 6, REGISTER, 3, 12,
		EXPRESSION, 12, 2, 0x77, 0x00, UNDEFINED, 13,
		ADV(2), SAME_VALUE, RBP,
		ADV(2), UNDEFINED, RBP,
		ADV(2), 0x2f, RBP, 3, /* DW_CFA_GNU_negative_offset_extended */
	};
	struct eh e = { .n = 0 };
	int64_t off;

	(void)state;
	cie_std(&e);
	fde(&e, 20, ins, sizeof(ins));
	assert_saved(&e, 0, -16);
	assert_saved(&e, 2, 24); /* factored -3 times data alignment -8 */
	assert_rule(&e, 4, PROBE_CFI_SAME);
	assert_saved(&e, 6, -48);
	assert_rule(&e, 8, PROBE_CFI_SAME);
	assert_rule(&e, 10, PROBE_CFI_UNKNOWN);
	assert_saved(&e, 12, 24);
	/* another register, as the same program sees it */
	assert_int_equal(rule_of(&e, 16, 3, &off), PROBE_CFI_SAVED);
	assert_int_equal(off, -8);
	assert_int_equal(rule_of(&e, 3, 7, &off), PROBE_CFI_UNKNOWN);
}

/* A "zPLR" CIE (personality, LSDA: a C++ function) and an FDE with its
 * augmentation data; a set_loc (pc-relative, as the FDE's addresses);
 * and a CIE without augmentation, of version 3 (a ULEB return column),
 * with absolute 8-byte addresses. */
static void test_encodings(void **state)
{
	static const uint8_t plr[] = { 1, 'z', 'P', 'L', 'R', 0, 1, 0x78, 16,
				       7, 0x9b, 0x10, 0x20, 0x30, 0x40, 0x1b, 0x1b,
				       DEF_CFA, 7, 8, OFFSET(16), 1 };
	static const uint8_t lsda[] = { 1, 2, 3, 4 };
	static const uint8_t ins[] = { ADV(1), OFFSET(RBP), 2 };
	static const uint8_t setloc[] = { ADV(1), OFFSET(RBP), 2, SET_LOC, 0, 0, 0, 0,
					  OFFSET(RBP), 4 };
	static const uint8_t plain[] = { 3, 0, 1, 0x78, 16, DEF_CFA, 7, 8 };
	struct eh e = { .n = 0 };
	size_t at;

	(void)state;
	cie_raw(&e, plr, sizeof(plr));
	fde_enc(&e, 0x1b, 10, lsda, sizeof(lsda), ins, sizeof(ins));
	assert_rule(&e, 0, PROBE_CFI_SAME);
	assert_saved(&e, 1, -16);

	memset(&e, 0, sizeof(e));
	cie_std(&e);
	fde(&e, 10, setloc, sizeof(setloc));
	at = e.fde + 17 + 4; /* the FDE's head, then ADV, OFFSET, SET_LOC */
	patch32(&e, at, (uint32_t)(int32_t)(FUNC_OFF + 4 - (int64_t)at));
	assert_rule(&e, 0, PROBE_CFI_SAME);
	assert_saved(&e, 3, -16);
	assert_saved(&e, 4, -32);

	memset(&e, 0, sizeof(e));
	cie_raw(&e, plain, sizeof(plain));
	fde_enc(&e, 0x00, 10, NULL, -1, ins, sizeof(ins));
	assert_rule(&e, 0, PROBE_CFI_SAME);
	assert_saved(&e, 1, -16);
	assert_saved(&e, 9, -16);
	assert_rule(&e, 10, PROBE_CFI_UNKNOWN);
}

/* What the reader must give up on, each in an otherwise good pair. */
static void test_bail_out(void **state)
{
	static const uint8_t expr[] = { ADV(1), EXPRESSION, RBP, 2, 0x76, 0x00 };
	static const uint8_t cfa_expr[] = { ADV(1), OFFSET(RBP), 2, DEF_CFA_EXPR, 2, 0x76, 0x00 };
	static const uint8_t reg[] = { ADV(1), REGISTER, RBP, 3 };
	static const uint8_t unknown[] = { ADV(1), OFFSET(RBP), 2, 0x1d };
	static const uint8_t deep[] = { REMEMBER, REMEMBER, REMEMBER, REMEMBER, REMEMBER };
	static const uint8_t empty[] = { ADV(1), RESTORE_STATE };
	static const uint8_t cut[] = { ADV(1), OFFSET(RBP), 0x82 }; /* ULEB runs off the end */
	static const uint8_t sig[] = { 1, 'z', 'R', 'S', 0, 1, 0x78, 16, 1, 0x1b };
	static const uint8_t eh[] = { 1, 'e', 'h', 0, 1, 0x78, 16 };
	static const uint8_t v4[] = { 4, 'z', 'R', 0, 8, 0, 1, 0x78, 16, 1, 0x1b };
	static const uint8_t textrel[] = { 1, 'z', 'R', 0, 1, 0x78, 16, 1, 0x2b };
	static const uint8_t ok[] = { ADV(1), OFFSET(RBP), 2 };
	struct {
		const uint8_t *ins;
		size_t n;
	} progs[] = {
		{ expr, sizeof(expr) }, { cfa_expr, sizeof(cfa_expr) }, { reg, sizeof(reg) },
		{ unknown, sizeof(unknown) }, { deep, sizeof(deep) }, { empty, sizeof(empty) },
		{ cut, sizeof(cut) },
	};
	const uint8_t *cies[] = { sig, eh, v4, textrel };
	size_t cie_n[] = { sizeof(sig), sizeof(eh), sizeof(v4), sizeof(textrel) };
	struct eh e;

	(void)state;
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		memset(&e, 0, sizeof(e));
		cie_std(&e);
		fde(&e, 10, progs[i].ins, progs[i].n);
		assert_rule(&e, 5, PROBE_CFI_UNKNOWN);
	}
	for (size_t i = 0; i < sizeof(cies) / sizeof(cies[0]); i++) {
		memset(&e, 0, sizeof(e));
		cie_raw(&e, cies[i], cie_n[i]);
		fde(&e, 10, ok, sizeof(ok));
		assert_rule(&e, 5, PROBE_CFI_UNKNOWN);
	}

	/* 64-bit DWARF, and an FDE whose CIE pointer is 0 (a CIE) */
	memset(&e, 0, sizeof(e));
	cie_std(&e);
	fde(&e, 10, ok, sizeof(ok));
	assert_saved(&e, 5, -16);
	patch32(&e, e.fde, 0xffffffffu);
	assert_rule(&e, 5, PROBE_CFI_UNKNOWN);
	patch32(&e, e.fde, (uint32_t)(e.n - e.fde - 4));
	patch32(&e, e.fde + 4, 0);
	assert_rule(&e, 5, PROBE_CFI_UNKNOWN);
}

/* An FDE whose length field is cut short: nothing past it is read (ASan
 * would say); cut inside its head or inside an operation it is not
 * understood, cut between operations it is a shorter program. */
static void test_truncated(void **state)
{
	static const uint8_t ok[] = { ADV(1), OFFSET(RBP), 2 };
	struct eh e = { .n = 0 };
	const uint32_t head = 13; /* CIE pointer, range, augmentation length */

	(void)state;
	cie_std(&e);
	fde(&e, 10, ok, sizeof(ok));
	for (uint32_t len = 0; len <= head + 3; len++) {
		struct eh t = e;

		t.n = e.fde + 4 + len;
		patch32(&t, t.fde, len);
		if (len < head || len == head + 2)
			assert_rule(&t, 5, PROBE_CFI_UNKNOWN);
		else if (len < head + 3)
			assert_rule(&t, 5, PROBE_CFI_SAME);
		else
			assert_saved(&t, 5, -16);
	}
}

/* The row read by probe_cfi_frame at func + at, from a copy of exactly
 * the entries' size; -1 when not understood. */
static int frame_of(const struct eh *e, uint64_t at, struct probe_cfi_frame *f)
{
	uint64_t func;
	uint8_t *m = copy_of(e, &func);
	int rc;

	memset(f, 0x55, sizeof(*f));
	rc = probe_cfi_frame(m + e->fde, func + at, f);
	free(m);
	return rc;
}

/* CFA = reg + off, the return address at CFA - 8, and rbp's rule. */
static void assert_frame(const struct eh *e, uint64_t at, unsigned reg, int64_t off,
			 enum probe_cfi_rule bp, int64_t bp_off)
{
	struct probe_cfi_frame f;

	assert_int_equal(frame_of(e, at, &f), 0);
	assert_int_equal(f.cfa_reg, reg);
	assert_int_equal(f.cfa_off, off);
	assert_int_equal(f.ra, PROBE_CFI_SAVED);
	assert_int_equal(f.ra_off, -8);
	assert_int_equal(f.bp, bp);
	if (bp == PROBE_CFI_SAVED)
		assert_int_equal(f.bp_off, bp_off);
}

/* The CFA row by row through the prologue and epilogue of
 * test_prologue's function, and through a frame-pointer function:
 * push rbp; mov rbp, rsp; ... call ...; an epilogue in the middle
 * (remember_state, CFA = rsp + 8, restore_state: the CFA comes back with
 * the rest of the row); leave; ret. */
static void test_frame_rows(void **state)
{
	static const uint8_t fp_ins[] = {
		ADV(1), DEF_CFA_OFF, 16, OFFSET(RBP), 2,
		ADV(3), DEF_CFA_REG, RBP,
		ADV(10), REMEMBER, DEF_CFA, 7, 8,
		ADV(1), RESTORE_STATE,
		ADV(10), DEF_CFA, 7, 8,
	};
	struct eh e = { .n = 0 };

	(void)state;
	cie_std(&e);
	fde(&e, 30, prologue, sizeof(prologue));
	assert_frame(&e, 0, 7, 8, PROBE_CFI_SAME, 0);
	assert_frame(&e, 1, 7, 16, PROBE_CFI_SAVED, -16);
	assert_frame(&e, 2, 7, 24, PROBE_CFI_SAVED, -16);
	assert_frame(&e, 6, 7, 32, PROBE_CFI_SAVED, -16);
	assert_frame(&e, 25, 7, 32, PROBE_CFI_SAVED, -16);
	assert_frame(&e, 26, 7, 24, PROBE_CFI_SAVED, -16);
	assert_frame(&e, 27, 7, 16, PROBE_CFI_SAVED, -16);
	assert_frame(&e, 28, 7, 8, PROBE_CFI_SAVED, -16);
	assert_frame(&e, 29, 7, 8, PROBE_CFI_SAVED, -16);

	memset(&e, 0, sizeof(e));
	cie_std(&e);
	fde(&e, 40, fp_ins, sizeof(fp_ins));
	assert_frame(&e, 3, 7, 16, PROBE_CFI_SAVED, -16);
	assert_frame(&e, 4, 6, 16, PROBE_CFI_SAVED, -16);
	assert_frame(&e, 13, 6, 16, PROBE_CFI_SAVED, -16);
	assert_frame(&e, 14, 7, 8, PROBE_CFI_SAVED, -16);
	assert_frame(&e, 15, 6, 16, PROBE_CFI_SAVED, -16);
	assert_frame(&e, 24, 6, 16, PROBE_CFI_SAVED, -16);
	assert_frame(&e, 25, 7, 8, PROBE_CFI_SAVED, -16);
}

/* The signed CFA forms (factored by the data alignment, -8), the
 * outermost frame's undefined return address, a CFA expression (even
 * with a register again after it), a CFA register the unwinder has no
 * value of, a return address column other than 16, no CFA, a signal
 * frame. */
static void test_frame_forms(void **state)
{
	static const uint8_t sf[] = {
		ADV(1), DEF_CFA_SF, 7, 0x7c, /* -4: rsp + 32 */
		ADV(1), 0x13, 0x7a,          /* def_cfa_offset_sf -6: 48 */
		ADV(1), DEF_CFA_REG, RBP,
	};
	static const uint8_t undef[] = { ADV(2), UNDEFINED, 16 };
	static const uint8_t cfa_expr[] = { ADV(1), DEF_CFA_EXPR, 2, 0x76, 0x00,
					    ADV(1), DEF_CFA, 7, 8 };
	static const uint8_t cfa_xmm[] = { ADV(1), DEF_CFA, 33, 8 };
	static const uint8_t ra_col15[] = { 1, 'z', 'R', 0, 1, 0x78, 15, 1, 0x1b,
					    DEF_CFA, 7, 8, OFFSET(15), 1 };
	static const uint8_t no_cfa[] = { 1, 'z', 'R', 0, 1, 0x78, 16, 1, 0x1b, OFFSET(16), 1 };
	static const uint8_t sig[] = { 1, 'z', 'R', 'S', 0, 1, 0x78, 16, 1, 0x1b,
				       DEF_CFA, 7, 8, OFFSET(16), 1 };
	static const uint8_t none[] = { NOP };
	struct probe_cfi_frame f;
	struct eh e = { .n = 0 };

	(void)state;
	cie_std(&e);
	fde(&e, 10, sf, sizeof(sf));
	assert_frame(&e, 0, 7, 8, PROBE_CFI_SAME, 0);
	assert_frame(&e, 1, 7, 32, PROBE_CFI_SAME, 0);
	assert_frame(&e, 2, 7, 48, PROBE_CFI_SAME, 0);
	assert_frame(&e, 3, 6, 48, PROBE_CFI_SAME, 0);

	memset(&e, 0, sizeof(e));
	cie_std(&e);
	fde(&e, 10, undef, sizeof(undef));
	assert_frame(&e, 1, 7, 8, PROBE_CFI_SAME, 0);
	assert_int_equal(frame_of(&e, 2, &f), 0);
	assert_int_equal(f.ra, PROBE_CFI_UNDEFINED);
	/* probe_cfi_reg_rule knows no "undefined": it is not a place */
	{
		int64_t off;

		assert_int_equal(rule_of(&e, 16, 2, &off), PROBE_CFI_UNKNOWN);
	}

	memset(&e, 0, sizeof(e));
	cie_std(&e);
	fde(&e, 10, cfa_expr, sizeof(cfa_expr));
	assert_frame(&e, 0, 7, 8, PROBE_CFI_SAME, 0);
	assert_int_equal(frame_of(&e, 1, &f), -1);
	/* the function is not followed past its first expression */
	assert_int_equal(frame_of(&e, 2, &f), -1);

	memset(&e, 0, sizeof(e));
	cie_std(&e);
	fde(&e, 10, cfa_xmm, sizeof(cfa_xmm));
	assert_frame(&e, 0, 7, 8, PROBE_CFI_SAME, 0);
	assert_int_equal(frame_of(&e, 1, &f), -1); /* xmm16: no value */

	const uint8_t *cies[] = { ra_col15, no_cfa, sig };
	size_t cie_n[] = { sizeof(ra_col15), sizeof(no_cfa), sizeof(sig) };

	for (size_t i = 0; i < sizeof(cies) / sizeof(cies[0]); i++) {
		memset(&e, 0, sizeof(e));
		cie_raw(&e, cies[i], cie_n[i]);
		fde(&e, 10, none, sizeof(none));
		assert_int_equal(frame_of(&e, 5, &f), -1);
	}
}

/* GCC's realigned frame (force_align_arg_pointer, stack arguments):
 * lea r10, [rsp + 8]; and rsp, -64; push [r10 - 8]; push rbp; mov rbp,
 * rsp; push r15; ... push r10; push rbx -- CFA = r10, then the caller's
 * rbp at rbp (an expression), other registers at rbp - n (expressions,
 * passed over), then CFA = the word at rbp - 40 (the saved r10); back to
 * r10 and rsp + 8 in a remembered epilogue.  And expressions of other
 * forms: not followed. */
static void test_frame_drap(void **state)
{
	static const uint8_t ins[] = {
		ADV(5), DEF_CFA, 10, 0,
		ADV(12), EXPRESSION, RBP, 2, 0x76, 0x00,
		ADV(4), EXPRESSION, 15, 2, 0x76, 0x78, EXPRESSION, 14, 2, 0x76, 0x70,
		ADV(19), DEF_CFA_EXPR, 3, 0x76, 0x58, 0x06,
		ADV(1), EXPRESSION, 3, 2, 0x76, 0x50,
		ADV(20), REMEMBER, DEF_CFA, 10, 0,
		ADV(4), DEF_CFA, 7, 8,
		ADV(1), RESTORE_STATE,
	};
	static const uint8_t no_deref[] = { ADV(1), DEF_CFA_EXPR, 2, 0x76, 0x58 };
	static const uint8_t two_ops[] = { ADV(1), DEF_CFA_EXPR, 4, 0x76, 0x58, 0x06, 0x06 };
	static const uint8_t long_len[] = { ADV(1), DEF_CFA_EXPR, 9, 0x76, 0x58, 0x06 };
	static const uint8_t rsp_based[] = { ADV(1), EXPRESSION, RBP, 2, 0x77, 0x10 };
	struct probe_cfi_frame f;
	struct eh e = { .n = 0 };
	int64_t off;

	(void)state;
	cie_std(&e);
	fde(&e, 80, ins, sizeof(ins));
	assert_frame(&e, 4, 7, 8, PROBE_CFI_SAME, 0);
	assert_frame(&e, 5, 10, 0, PROBE_CFI_SAME, 0);
	assert_int_equal(frame_of(&e, 17, &f), 0);
	assert_int_equal(f.cfa_reg, 10);
	assert_int_equal(f.cfa_deref, 0);
	assert_int_equal(f.bp, PROBE_CFI_AT_RBP);
	assert_int_equal(f.bp_off, 0);
	for (uint64_t at = 40; at < 64; at += 20) {
		assert_int_equal(frame_of(&e, at, &f), 0);
		assert_int_equal(f.cfa_deref, 1);
		assert_int_equal(f.cfa_reg, RBP);
		assert_int_equal(f.cfa_off, -40);
		assert_int_equal(f.ra, PROBE_CFI_SAVED);
		assert_int_equal(f.ra_off, -8);
		assert_int_equal(f.bp, PROBE_CFI_AT_RBP);
		assert_int_equal(f.bp_off, 0);
	}
	assert_int_equal(frame_of(&e, 61, &f), 0);
	assert_int_equal(f.cfa_deref, 0);
	assert_int_equal(f.cfa_reg, 10);
	assert_int_equal(frame_of(&e, 65, &f), 0);
	assert_int_equal(f.cfa_deref, 0);
	assert_int_equal(f.cfa_reg, 7);
	assert_int_equal(f.cfa_off, 8);
	assert_int_equal(frame_of(&e, 66, &f), 0); /* the remembered row again */
	assert_int_equal(f.cfa_deref, 1);
	assert_int_equal(f.cfa_off, -40);
	/* where rbp is, as probe_cfi_reg_rule tells it: not a CFA slot */
	assert_int_equal(rule_of(&e, RBP, 40, &off), PROBE_CFI_UNKNOWN);

	const uint8_t *bad[] = { no_deref, two_ops, long_len };
	size_t bad_n[] = { sizeof(no_deref), sizeof(two_ops), sizeof(long_len) };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		cie_std(&e);
		fde(&e, 10, bad[i], bad_n[i]);
		assert_int_equal(frame_of(&e, 5, &f), -1);
	}
	memset(&e, 0, sizeof(e));
	cie_std(&e);
	fde(&e, 10, rsp_based, sizeof(rsp_based));
	assert_frame(&e, 5, 7, 8, PROBE_CFI_UNKNOWN, 0); /* rbp at rsp + 16: not followed */
}

static void __attribute__((noinline)) some_function(void)
{
	__asm__ volatile("");
}

/* A real FDE, found by libgcc as the probe finds it. */
static void test_real_fde(void **state)
{
	struct {
		void *tbase, *dbase, *func;
	} bases;
	void *gcc = dlopen("libgcc_s.so.1", RTLD_NOW);
	const void *(*find)(void *, void *);
	uint64_t pc = (uintptr_t)some_function;
	const void *f;
	int64_t off;

	(void)state;
	if (!gcc)
		skip();
	find = (const void *(*)(void *, void *))dlvsym(gcc, "_Unwind_Find_FDE", "GCC_3.0");
	assert_non_null(find);
	f = find((void *)(uintptr_t)pc, &bases);
	assert_non_null(f);
	assert_int_equal(probe_cfi_reg_rule(f, pc, RBP, &off), PROBE_CFI_SAME);
	assert_int_equal(probe_cfi_reg_rule(f, pc - 1, RBP, &off), PROBE_CFI_UNKNOWN);
	/* At its first instruction: CFA = rsp + 8, the return address at
	 * CFA - 8, rbp untouched. */
	{
		struct probe_cfi_frame fr;

		assert_int_equal(probe_cfi_frame(f, pc, &fr), 0);
		assert_int_equal(fr.cfa_reg, PROBE_CFI_RSP);
		assert_int_equal(fr.cfa_off, 8);
		assert_int_equal(fr.ra, PROBE_CFI_SAVED);
		assert_int_equal(fr.ra_off, -8);
		assert_int_equal(fr.bp, PROBE_CFI_SAME);
		assert_int_equal(probe_cfi_frame(f, pc - 1, &fr), -1);
	}
	some_function();
	dlclose(gcc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prologue),
		cmocka_unit_test(test_remember_restore),
		cmocka_unit_test(test_advance_forms),
		cmocka_unit_test(test_other_forms),
		cmocka_unit_test(test_encodings),
		cmocka_unit_test(test_bail_out),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_frame_rows),
		cmocka_unit_test(test_frame_forms),
		cmocka_unit_test(test_frame_drap),
		cmocka_unit_test(test_real_fde),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
