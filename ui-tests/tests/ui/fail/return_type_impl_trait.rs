use ctxkit::cancellable;

#[cancellable]
async fn label() -> impl std::fmt::Display {
    "label"
}

fn main() {}
