//! The pass cases compiled into the test suite as well, so that clippy,
//! pedantic lints included, checks the code `#[cancellable]` generates.

#![warn(clippy::pedantic)]

#[path = "ui/pass/attributes_kept.rs"]
mod attributes_kept;
#[path = "ui/pass/elided_lifetimes.rs"]
mod elided_lifetimes;
#[path = "ui/pass/error_types.rs"]
mod error_types;
#[path = "ui/pass/existing_ctx.rs"]
mod existing_ctx;
#[path = "ui/pass/free_fn.rs"]
mod free_fn;
#[path = "ui/pass/generics.rs"]
mod generics;
#[path = "ui/pass/many_params.rs"]
mod many_params;
#[path = "ui/pass/methods.rs"]
mod methods;
#[path = "ui/pass/nested_futures_untouched.rs"]
mod nested_futures_untouched;
#[path = "ui/pass/options.rs"]
mod options;
#[path = "ui/pass/owned_ctx_moved.rs"]
mod owned_ctx_moved;
#[path = "ui/pass/renamed_crate.rs"]
mod renamed_crate;
#[path = "ui/pass/shield.rs"]
mod shield;
#[path = "ui/pass/trait_async_fn.rs"]
mod trait_async_fn;
#[path = "ui/pass/unit_return.rs"]
mod unit_return;

#[test]
fn every_pass_case_runs() {
    attributes_kept::main();
    elided_lifetimes::main();
    error_types::main();
    existing_ctx::main();
    free_fn::main();
    generics::main();
    many_params::main();
    methods::main();
    nested_futures_untouched::main();
    options::main();
    owned_ctx_moved::main();
    renamed_crate::main();
    shield::main();
    trait_async_fn::main();
    unit_return::main();
}
