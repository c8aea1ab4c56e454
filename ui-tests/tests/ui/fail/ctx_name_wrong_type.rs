use ctxkit::{Cancelled, cancellable};

#[cancellable]
async fn render(ctx: &str) -> Result<String, Cancelled> {
    Ok(ctx.to_owned())
}

fn main() {}
