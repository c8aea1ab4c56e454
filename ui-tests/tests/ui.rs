//! The compile-time behaviour of `#[cancellable]`: every supported shape
//! compiles and runs (`ui/pass`), every misuse is a clear error (`ui/fail`).
//!
//! Regenerate the expected errors with `TRYBUILD=overwrite`, then read the
//! diff: the `.stderr` files are what users see.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
