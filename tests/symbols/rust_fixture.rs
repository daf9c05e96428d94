// Source of the Rust names in tests/unit/test_demangle.c (see README.md):
// generics, trait impls, closures, const generics, fn pointers with
// binders, dyn with associated types, and a non-ASCII identifier.
pub mod shapes {
    pub struct Wrapper<T>(pub T);
    impl<T: Copy> Wrapper<T> {
        #[inline(never)]
        pub fn get(&self) -> T { self.0 }
    }
    pub trait Area { fn area(&self) -> u64; }
    impl Area for Wrapper<u32> {
        #[inline(never)]
        fn area(&self) -> u64 { self.0 as u64 * 2 }
    }
    #[inline(never)]
    pub fn apply<F: Fn(u32) -> u32>(f: F, x: u32) -> u32 { f(x) }
    #[inline(never)]
    pub fn sized<const N: usize>(a: [u8; N]) -> usize { a.len() + N }
    #[inline(never)]
    pub fn dynamic(d: &dyn Fn(&str) -> usize) -> usize { d("x") }
}
pub fn instantiate() -> u64 {
    let w = shapes::Wrapper(3u32);
    let y = shapes::apply(|v| v + 1, 4);
    let z = shapes::sized::<4>([1, 2, 3, 4]);
    let q = shapes::dynamic(&|s: &str| s.len());
    w.get() as u64 + shapes::Area::area(&w) + y as u64 + z as u64 + q as u64
        + shapes::Wrapper((1u8, 'c')).get().0 as u64
}
pub mod extra {
    pub struct Größe(pub u8);
    impl Größe { #[inline(never)] pub fn wert(&self) -> u8 { self.0 } }
    #[inline(never)]
    pub fn takes_fn<F: Copy>(f: F, x: &mut [u16], p: *const i64) -> usize { let _ = f; x.len() + p as usize }
    #[inline(never)]
    pub fn flags<const B: bool, const C: char>() -> u32 { B as u32 + C as u32 }
    #[inline(never)]
    pub fn boxed(d: Box<dyn Iterator<Item = u8> + Send>) -> usize { d.count() }
    #[inline(never)]
    pub fn neg<const N: i32>() -> i32 { N }
}
pub fn instantiate2() -> usize {
    let mut v = [1u16, 2];
    let f: for<'a> fn(&'a str) -> &'a str = |s| s;
    let g: unsafe extern "C" fn(*mut u8) -> () = { unsafe extern "C" fn h(_: *mut u8) {} h };
    extra::Größe(1).wert() as usize
        + extra::takes_fn(f, &mut v, core::ptr::null())
        + extra::takes_fn(g, &mut v, core::ptr::null())
        + extra::takes_fn((1u8, [0u32; 3], &[7u16][..]), &mut v, core::ptr::null())
        + extra::flags::<true, 'x'>() as usize
        + extra::boxed(Box::new(vec![1u8].into_iter()))
        + extra::neg::<-5>() as usize
}
