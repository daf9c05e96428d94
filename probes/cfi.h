/* A reader of one FDE of the DWARF call frame information (.eh_frame
 * format), for the one question the fast unwinder cannot answer from the
 * stack alone: where a frame saved a callee-saved register (rbp).
 *
 * The FDE comes from the unwinder that found it (libgcc's
 * _Unwind_Find_FDE); its CIE is parsed (augmentations z, R, P, L; code and
 * data alignment; pointer encodings) and the CIE's initial instructions,
 * then the FDE's, are run up to the address asked about, tracking the one
 * register.  Only what GCC and clang emit for ordinary x86-64 code is
 * understood; anything else (expressions, a register saved in another
 * register, signal frames, 64-bit DWARF, unknown operations, a
 * remember_state stack deeper than PROBE_CFI_STATES) is "unknown", and the
 * caller keeps to what it knew without the CFI.
 *
 * No allocation, no lock, no system call: it runs inside the program's
 * malloc, in the slow walk's learning.  Every loop is bounded by the
 * bytes of the FDE or CIE, and nothing outside the two entries (as their
 * length fields bound them) is read. */
#ifndef PROBE_CFI_H
#define PROBE_CFI_H

#include <stdint.h>

#define PROBE_CFI_STATES 4 /* remember_state nesting followed */

enum probe_cfi_rule {
	PROBE_CFI_UNKNOWN, /* not understood, or not in this FDE's range */
	PROBE_CFI_SAME,    /* the register keeps the caller's value */
	PROBE_CFI_SAVED,   /* the caller's value is in the word at CFA + *off */
};

/* The rule for DWARF register reg at address pc, from the FDE at fde (its
 * length field).  pc is the address of an instruction of the function:
 * for a frame that made a call, the return address minus one.  Sets *off
 * for PROBE_CFI_SAVED only. */
enum probe_cfi_rule probe_cfi_reg_rule(const void *fde, uint64_t pc, unsigned reg,
				       int64_t *off);

#endif
