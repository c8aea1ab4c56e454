//! Benchmarks of the cancel tree.

fn main() {}
