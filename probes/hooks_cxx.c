/* The C++ operators new and delete, defined here under their mangled
 * names.  To keep C++ semantics (the new_handler loop, std::bad_alloc)
 * each one forwards to the real operator of libstdc++, found on first
 * use, and records around it as MA_FN_NEW/NEW_ARRAY/DELETE/DELETE_ARRAY.
 * While the real operator runs, in_real keeps the malloc/free it makes
 * from being recorded a second time; a cleanup resets it when the
 * operator throws (this file is built with -fexceptions). */
#include <stddef.h>
#include <stdlib.h>

#include "bootstrap.h"
#include "msg.h"
#include "probe.h"
#include "signals.h"

#define EXPORT __attribute__((visibility("default")))


static void leave_real(int *old)
{
	probe_tls.in_real = *old;
}

#define IN_REAL                                                                  \
	int in_real_saved __attribute__((cleanup(leave_real))) = probe_tls.in_real; \
	probe_tls.in_real = 1

/* Resolves the real operator `name` into *slot once. */
static void *real_of(void **slot, const char *name)
{
	void *p = ma_atomic_load_acquire(slot);

	if (!p) {
		p = probe_cxx_symbol(name);
		ma_atomic_store_release(slot, p);
	}
	return p;
}

/* With no C++ runtime anywhere in the process (which a program calling
 * these cannot be) there is no way to throw: fail loudly rather than
 * return NULL. */
static void *missing(void)
{
	probe_msg("no C++ runtime defines operator new besides the probe; aborting");
	abort();
}

#define NEW_OP(sym, fn, params, args, size, align, nothrow)                   \
	EXPORT void *sym params;                                             \
	EXPORT void *sym params                                              \
	{                                                                    \
		static void *real;                                           \
		void *(*f) params = (void *(*) params)real_of(&real, #sym);  \
		int rec = probe_should_record();                             \
		void *p;                                                     \
		if (!f)                                                      \
			return nothrow ? NULL : missing();                   \
		{                                                            \
			IN_REAL;                                             \
			p = f args;                                          \
		}                                                            \
		if (rec && p) {                                              \
			probe_record_alloc(p, size, align, fn);              \
			probe_nested_flush_if_any();                         \
		}                                                            \
		return p;                                                    \
	}

#define DEL_OP(sym, fn, params, args, ptr)                                   \
	EXPORT void sym params;                                              \
	EXPORT void sym params                                               \
	{                                                                    \
		static void *real;                                           \
		void (*f) params = (void (*) params)real_of(&real, #sym);    \
		if (ptr && probe_should_record()) {                          \
			probe_record_free(ptr, fn);                          \
			probe_nested_flush_if_any();                         \
		}                                                            \
		if (!f) {                                                    \
			free(ptr);                                           \
			return;                                              \
		}                                                            \
		IN_REAL;                                                     \
		f args;                                                      \
	}

typedef size_t align_t;     /* std::align_val_t */
typedef const void *nothrow_t; /* const std::nothrow_t & */

NEW_OP(_Znwm, MA_FN_NEW, (size_t n), (n), n, 0, 0)
NEW_OP(_Znam, MA_FN_NEW_ARRAY, (size_t n), (n), n, 0, 0)
NEW_OP(_ZnwmRKSt9nothrow_t, MA_FN_NEW, (size_t n, nothrow_t t), (n, t), n, 0, 1)
NEW_OP(_ZnamRKSt9nothrow_t, MA_FN_NEW_ARRAY, (size_t n, nothrow_t t), (n, t), n, 0, 1)
NEW_OP(_ZnwmSt11align_val_t, MA_FN_NEW, (size_t n, align_t a), (n, a), n, a, 0)
NEW_OP(_ZnamSt11align_val_t, MA_FN_NEW_ARRAY, (size_t n, align_t a), (n, a), n, a, 0)
NEW_OP(_ZnwmSt11align_val_tRKSt9nothrow_t, MA_FN_NEW,
       (size_t n, align_t a, nothrow_t t), (n, a, t), n, a, 1)
NEW_OP(_ZnamSt11align_val_tRKSt9nothrow_t, MA_FN_NEW_ARRAY,
       (size_t n, align_t a, nothrow_t t), (n, a, t), n, a, 1)

DEL_OP(_ZdlPv, MA_FN_DELETE, (void *p), (p), p)
DEL_OP(_ZdaPv, MA_FN_DELETE_ARRAY, (void *p), (p), p)
DEL_OP(_ZdlPvm, MA_FN_DELETE, (void *p, size_t n), (p, n), p)
DEL_OP(_ZdaPvm, MA_FN_DELETE_ARRAY, (void *p, size_t n), (p, n), p)
DEL_OP(_ZdlPvRKSt9nothrow_t, MA_FN_DELETE, (void *p, nothrow_t t), (p, t), p)
DEL_OP(_ZdaPvRKSt9nothrow_t, MA_FN_DELETE_ARRAY, (void *p, nothrow_t t), (p, t), p)
DEL_OP(_ZdlPvSt11align_val_t, MA_FN_DELETE, (void *p, align_t a), (p, a), p)
DEL_OP(_ZdaPvSt11align_val_t, MA_FN_DELETE_ARRAY, (void *p, align_t a), (p, a), p)
DEL_OP(_ZdlPvmSt11align_val_t, MA_FN_DELETE, (void *p, size_t n, align_t a), (p, n, a), p)
DEL_OP(_ZdaPvmSt11align_val_t, MA_FN_DELETE_ARRAY, (void *p, size_t n, align_t a), (p, n, a), p)
DEL_OP(_ZdlPvSt11align_val_tRKSt9nothrow_t, MA_FN_DELETE,
       (void *p, align_t a, nothrow_t t), (p, a, t), p)
DEL_OP(_ZdaPvSt11align_val_tRKSt9nothrow_t, MA_FN_DELETE_ARRAY,
       (void *p, align_t a, nothrow_t t), (p, a, t), p)
