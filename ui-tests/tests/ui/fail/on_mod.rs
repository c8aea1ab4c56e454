use ctxkit::cancellable;

#[cancellable]
mod handlers {
    pub async fn index() {}
}

fn main() {}
