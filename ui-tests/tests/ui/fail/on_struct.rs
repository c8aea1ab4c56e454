use ctxkit::cancellable;

#[cancellable]
struct Worker {
    id: u64,
}

fn main() {}
