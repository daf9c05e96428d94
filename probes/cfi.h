/* A reader of one FDE of the DWARF call frame information (.eh_frame
 * format), for the fast unwinder: how to go from a frame to its caller at
 * one address (the CFA's register and offset, where the return address
 * and rbp are), and where a frame saved rbp when the stack alone does not
 * tell.
 *
 * The FDE comes from the unwinder that found it (libgcc's
 * _Unwind_Find_FDE); its CIE is parsed (augmentations z, R, P, L; code and
 * data alignment; pointer encodings) and the CIE's initial instructions,
 * then the FDE's, are run up to the address asked about, tracking the
 * CFA and the registers asked about.  Only what GCC and clang emit for
 * ordinary x86-64 code is understood; anything else (expressions but
 * GCC's for a realigned stack, a register saved in another register, signal frames, 64-bit DWARF,
 * unknown operations, a remember_state stack deeper than
 * PROBE_CFI_STATES) is "unknown", and the caller keeps to what it knew
 * without the CFI.
 *
 * No allocation, no lock, no system call: it runs inside the program's
 * malloc, when the fast unwinder meets an address it has no rule for.
 * Every loop is bounded by the bytes of the FDE or CIE, and nothing
 * outside the two entries (as their length fields bound them) is read. */
#ifndef PROBE_CFI_H
#define PROBE_CFI_H

#include <stdint.h>

#define PROBE_CFI_STATES 4 /* remember_state nesting followed */

enum probe_cfi_rule {
	PROBE_CFI_UNKNOWN, /* not understood, or not in this FDE's range */
	PROBE_CFI_SAME,    /* the register keeps the caller's value */
	PROBE_CFI_SAVED,   /* the caller's value is in the word at CFA + *off */
	PROBE_CFI_AT_RBP,  /* in the word at this frame's rbp + *off;
			    * probe_cfi_frame only */
	PROBE_CFI_UNDEFINED, /* no value (the return address of the outermost
			      * frame); probe_cfi_frame only */
};

#define PROBE_CFI_RSP 7 /* DWARF register numbers, x86-64 */
#define PROBE_CFI_RBP 6
#define PROBE_CFI_RA 16 /* the return address column */

/* The rule for DWARF register reg at address pc, from the FDE at fde (its
 * length field).  pc is the address of an instruction of the function:
 * for a frame that made a call, the return address minus one.  Sets *off
 * for PROBE_CFI_SAVED only. */
enum probe_cfi_rule probe_cfi_reg_rule(const void *fde, uint64_t pc, unsigned reg,
				       int64_t *off);

/* A frame's row at one address: CFA = register cfa_reg + cfa_off, or,
 * when cfa_deref, the word at that address (GCC's realigned frames:
 * DW_OP_breg6 -8k; DW_OP_deref); and the rules of rbp and of the return
 * address (offsets from the CFA for PROBE_CFI_SAVED, from rbp for
 * PROBE_CFI_AT_RBP). */
struct probe_cfi_frame {
	unsigned cfa_reg;
	int64_t cfa_off;
	int cfa_deref;
	enum probe_cfi_rule bp, ra;
	int64_t bp_off, ra_off;
};

/* The row for pc from the FDE at fde, as probe_cfi_reg_rule reads it,
 * with the CFA followed too.  Returns 0, or -1 when the FDE or its CIE
 * is not understood, pc is outside it, the CFA is undefined, not one of
 * the first 17 registers or an expression other than the one above, or
 * the CIE's return address column is not 16. */
int probe_cfi_frame(const void *fde, uint64_t pc, struct probe_cfi_frame *f);

#endif
