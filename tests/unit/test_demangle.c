/* Unit tests of ma_demangle(): C++ through the C++ runtime, Rust legacy
 * and v0 through our own code.  The Rust names were taken from the
 * output of rustc 1.95 on tests/symbols/rust_fixture.rs (see
 * tests/symbols/README.md); when rustc is here, the fixture is also
 * built again and every symbol of it demangled. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "symbols.h"

struct pair {
	const char *mangled, *demangled;
};

static void expect_all(const struct pair *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *got = ma_demangle(p[i].mangled);
		if (got == NULL || strcmp(got, p[i].demangled) != 0)
			fail_msg("%s: got '%s', want '%s'", p[i].mangled,
				 got ? got : "(null)", p[i].demangled);
		free(got);
	}
}

#define EXPECT_ALL(table) expect_all(table, sizeof(table) / sizeof(table[0]))

static void test_cxx(void **state)
{
	static const struct pair cxx[] = {
		{ "_ZN5outer5inner5TableImLi3EE3putERKmPSt3mapINSt7__cxx1112basic_"
		  "stringIcSt11char_traitsIcESaIcEEEmSt4lessISB_ESaISt4pairIKSB_mEEE",
		  "outer::inner::Table<unsigned long, 3>::put(unsigned long const&, "
		  "std::map<std::__cxx11::basic_string<char, std::char_traits<char>, "
		  "std::allocator<char> >, unsigned long, std::less<std::__cxx11::"
		  "basic_string<char, std::char_traits<char>, std::allocator<char> > "
		  ">, std::allocator<std::pair<std::__cxx11::basic_string<char, "
		  "std::char_traits<char>, std::allocator<char> > const, unsigned "
		  "long> > >*)" },
		{ "_ZNSt6vectorIiSaIiEE9push_backERKi",
		  "std::vector<int, std::allocator<int> >::push_back(int const&)" },
		{ "_ZN5ma_fx6HolderIlE4callEPFPvvE",
		  "ma_fx::Holder<long>::call(void* (*)())" },
	};
	EXPECT_ALL(cxx);
}

static void test_rust_legacy(void **state)
{
	static const struct pair legacy[] = {
		{ "_ZN2fx11instantiate17hb65da1f1caa2e1f4E", "fx::instantiate" },
		{ "_ZN2fx11instantiate28_$u7b$$u7b$closure$u7d$$u7d$17h11309d14d580dc52E",
		  "fx::instantiate::{{closure}}" },
		{ "_ZN2fx5extra13Gr$uf6$$udf$e4wert17hd13185436836a421E",
		  "fx::extra::Größe::wert" },
		{ "_ZN2fx6shapes16Wrapper$LT$T$GT$3get17ha2b66901e746c83cE",
		  "fx::shapes::Wrapper<T>::get" },
		{ "_ZN67_$LT$fx..shapes..Wrapper$LT$u32$GT$$u20$as$u20$fx..shapes.."
		  "Area$GT$4area17h117dfbaf3c5f8c81E",
		  "<fx::shapes::Wrapper<u32> as fx::shapes::Area>::area" },
		{ "_ZN103_$LT$alloc..vec..into_iter..IntoIter$LT$T$C$A$GT$$u20$as$u20$"
		  "core..iter..traits..iterator..Iterator$GT$4next17hd671f4cfe6207e6fE",
		  "<alloc::vec::into_iter::IntoIter<T,A> as "
		  "core::iter::traits::iterator::Iterator>::next" },
		{ "_ZN4core3ops8function6FnOnce40call_once$u7b$$u7b$vtable.shim$u7d$"
		  "$u7d$17h6349efc3ba84f4faE",
		  "core::ops::function::FnOnce::call_once{{vtable.shim}}" },
		{ "_ZN2fx6shapes5apply17h720af5383aee829bE.llvm.1234",
		  "fx::shapes::apply" },
	};
	EXPECT_ALL(legacy);
}

static void test_rust_v0(void **state)
{
	static const struct pair v0[] = {
		{ "_RNvCsfeZnyFoSiLL_2fx11instantiate", "fx::instantiate" },
		{ "_RINvNtCsfeZnyFoSiLL_2fx5extra3negKln5_EB4_",
		  "fx::extra::neg::<-5>" },
		{ "_RINvNtCsfeZnyFoSiLL_2fx5extra5flagsKb1_Kc78_EB4_",
		  "fx::extra::flags::<true, 'x'>" },
		{ "_RINvNtCsfeZnyFoSiLL_2fx5extra8takes_fnFG_RL0_eERL0_eEB4_",
		  "fx::extra::takes_fn::<for<'a> fn(&'a str) -> &'a str>" },
		{ "_RINvNtCsfeZnyFoSiLL_2fx5extra8takes_fnFUKCOhEuEB4_",
		  "fx::extra::takes_fn::<unsafe extern \"C\" fn(*mut u8)>" },
		{ "_RINvNtCsfeZnyFoSiLL_2fx5extra8takes_fnThAmj3_RStEEB4_",
		  "fx::extra::takes_fn::<(u8, [u32; 3], &[u16])>" },
		{ "_RINvNtCsfeZnyFoSiLL_2fx6shapes5applyNCNvB4_11instantiate0EB4_",
		  "fx::shapes::apply::<fx::instantiate::{closure#0}>" },
		{ "_RINvNtCsfeZnyFoSiLL_2fx6shapes5sizedKj4_EB4_",
		  "fx::shapes::sized::<4>" },
		{ "_RINvNtCsgEmfK2I1SDS_4core3ptr13drop_in_placeINtNtCslNYArtu3iFV_5"
		  "alloc5boxed3BoxDNtNtNtNtB4_4iter6traits8iterator8Iteratorp4Itemh"
		  "NtNtB4_6marker4SendEL_EECsfeZnyFoSiLL_2fx",
		  "core::ptr::drop_in_place::<alloc::boxed::Box<dyn core::iter::traits"
		  "::iterator::Iterator<Item = u8> + core::marker::Send>>" },
		{ "_RNSNvYNCNvCsfeZnyFoSiLL_2fx11instantiates_0INtNtNtCsgEmfK2I1SDS_4"
		  "core3ops8function6FnOnceTReEE9call_once6vtableB8_",
		  "<fx::instantiate::{closure#1} as core::ops::function::FnOnce<(&str,)>>"
		  "::call_once::{shim:vtable#0}" },
		{ "_RNvMNtCsfeZnyFoSiLL_2fx5extraNtB2_u9Gre_6ka8i4wert",
		  "<fx::extra::Größe>::wert" },
		{ "_RNvMNtCsfeZnyFoSiLL_2fx6shapesINtB2_7WrapperThcEE3getB4_",
		  "<fx::shapes::Wrapper<(u8, char)>>::get" },
		{ "_RNvXs_NtCsfeZnyFoSiLL_2fx6shapesINtB4_7WrappermENtB4_4Area4area",
		  "<fx::shapes::Wrapper<u32> as fx::shapes::Area>::area" },
		{ "_RNvYINtNtNtCslNYArtu3iFV_5alloc3vec9into_iter8IntoIterhENtNtNtNt"
		  "CsgEmfK2I1SDS_4core4iter6traits8iterator8Iterator3nthCsfeZnyFoSiLL_2fx",
		  "<alloc::vec::into_iter::IntoIter<u8> as "
		  "core::iter::traits::iterator::Iterator>::nth" },
	};
	EXPECT_ALL(v0);
}

/* Plain names, truncated and hostile input: NULL, never a crash. */
static void test_not_mangled(void **state)
{
	static const char *const bad[] = {
		"main", "", "_Z", "_R", "_RNvC3foo", "_RB_", "_RNvB0_3foo",
		"_RINvC3fooB2_E", "_ZN3foo17hnothexnothexnothE",
		"_RNvCs_3foo99999999999999999999x", "_RNvC3fooKj4",
		"_RINvC1aKj1234567890abcdef12_E3foo",
		"_RYFG999999999999_EuNvC1a1b",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *got = ma_demangle(bad[i]);
		if (got != NULL && i < 6)
			fail_msg("%s demangled to '%s'", bad[i], got);
		free(got);
	}
	assert_null(ma_demangle(NULL));
	/* A legacy name without the hash is left to the C++ demangler. */
	char *got = ma_demangle("_ZN3foo3barE");
	assert_string_equal(got, "foo::bar");
	free(got);
}

/* Nested backrefs and types deep enough to exhaust a naive recursion. */
static void test_deep(void **state)
{
	char sym[40000] = "_RINvC1a1f";
	size_t len = strlen(sym);
	for (int i = 0; i < 10000; i++)
		sym[len++] = 'S';
	strcpy(sym + len, "hE");
	char *got = ma_demangle(sym);
	assert_null(got);
	free(got);
}

/* Builds the Rust fixture with the given mangling into dir and demangles
 * every Rust symbol nm lists; returns how many there were, or -1 when
 * rustc could not build it. */
static int demangle_built(const char *dir, const char *flags,
			  const char *const *want, size_t nwant)
{
	const char *top = getenv("top_srcdir");
	char *cmd;
	assert_true(asprintf(&cmd, "%s ${RUSTC:-rustc} --crate-type=lib "
			     "--crate-name fx --emit=obj -O %s -o '%s/fx.o' "
			     "'%s/tests/symbols/rust_fixture.rs' 2>/dev/null && "
			     "${NM:-nm} '%s/fx.o'", strstr(flags, "-Z") ?
			     "RUSTC_BOOTSTRAP=1" : "", flags, dir,
			     top ? top : ".", dir) > 0);
	FILE *p = popen(cmd, "r");
	free(cmd);
	assert_non_null(p);
	char line[4096], *sym;
	int count = 0;
	size_t found = 0;
	while (fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\n")] = '\0';
		sym = strrchr(line, ' ');
		sym = sym ? sym + 1 : line;
		if (strncmp(sym, "_R", 2) && strncmp(sym, "_ZN", 3))
			continue;
		char *got = ma_demangle(sym);
		if (got == NULL)
			fail_msg("cannot demangle %s", sym);
		for (size_t i = 0; i < nwant; i++)
			found += strcmp(got, want[i]) == 0;
		free(got);
		count++;
	}
	if (pclose(p) != 0)
		return -1;
	assert_int_equal(found, nwant);
	return count;
}

/* Whatever this machine's rustc makes of the fixture demangles. */
static void test_rustc_output(void **state)
{
	static const char *const want_v0[] = {
		"<fx::shapes::Wrapper<u32> as fx::shapes::Area>::area",
		"fx::extra::takes_fn::<for<'a> fn(&'a str) -> &'a str>",
		"<fx::extra::Größe>::wert",
	};
	static const char *const want_legacy[] = {
		"<fx::shapes::Wrapper<u32> as fx::shapes::Area>::area",
		"fx::extra::Größe::wert",
	};
	if (system("${RUSTC:-rustc} --version >/dev/null 2>&1") != 0)
		skip();
	char dir[] = "rustfx.XXXXXX";
	assert_non_null(mkdtemp(dir));
	int v0 = demangle_built(dir, "-C symbol-mangling-version=v0", want_v0, 3);
	int legacy = demangle_built(dir, "-Z unstable-options "
				    "-C symbol-mangling-version=legacy",
				    want_legacy, 2);
	char *rm;
	assert_true(asprintf(&rm, "rm -rf '%s'", dir) > 0);
	assert_int_equal(system(rm), 0);
	free(rm);
	assert_true(v0 > 10);
	/* Legacy mangling needs -Z: a rustc that refuses it is fine. */
	assert_true(legacy == -1 || legacy > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cxx),
		cmocka_unit_test(test_rust_legacy),
		cmocka_unit_test(test_rust_v0),
		cmocka_unit_test(test_not_mangled),
		cmocka_unit_test(test_deep),
		cmocka_unit_test(test_rustc_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
