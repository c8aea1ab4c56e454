//! `#[cancellable]`: options, the item, the signature, the checkpoints, the rewrite.

mod args;
mod checkpoints;
mod expand;
mod item;
mod signature;
mod spans;

pub(crate) use expand::cancellable;
