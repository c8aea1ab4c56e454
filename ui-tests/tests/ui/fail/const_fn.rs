use ctxkit::cancellable;

#[cancellable]
const fn answer() -> u32 {
    42
}

fn main() {}
