//! A free function: awaits in `let`s, `?` chains, loops, matches, `if`s,
//! blocks and macro arguments all become checkpoints; the context threads on.
#![deny(warnings)]

use ctxkit::{Cancelled, Ctx, cancellable};

#[derive(Debug)]
pub struct User {
    pub id: u64,
    pub perms: Vec<u32>,
}

async fn lookup(id: u64) -> Result<u64, Cancelled> {
    tokio::task::yield_now().await;
    Ok(id)
}

#[cancellable]
async fn get_perms(id: u64) -> Result<Vec<u32>, Cancelled> {
    let mut perms = Vec::new();
    for n in 0..3 {
        if n % 2 == 0 {
            perms.push(u32::try_from(lookup(id + n).await?).unwrap_or(0));
        }
    }
    Ok(perms)
}

/// Fetches a user.
#[cancellable]
pub async fn fetch_user(id: u64) -> Result<User, Cancelled> {
    let id = lookup(id).await?;
    let perms = get_perms(ctx, id).await?;
    let kind = match lookup(id).await? {
        0 => "root",
        1..=9 => "staff",
        _ => {
            let again = lookup(1).await?;
            if again == 1 { "user" } else { "other" }
        }
    };
    while lookup(0).await? != 0 {}
    let mut tries = 0;
    loop {
        tries += 1;
        if tries > 2 || lookup(tries).await? > 5 {
            break;
        }
    }
    assert_eq!(
        lookup(7).await?,
        7,
        "awaits in macro arguments are checkpoints too"
    );
    let _ = format!("{kind} {}", lookup(2).await?);
    Ok(User { id, perms })
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    let ctx = Ctx::background();
    let user = fetch_user(&ctx, 4).await.unwrap();
    assert_eq!((user.id, user.perms), (4, vec![4, 6]));
}
