//! The task dump served over HTTP by a real server on 127.0.0.1.
#![cfg(feature = "debug-http")]

use std::time::Duration;

use ctxkit::Ctx;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A raw HTTP/1.1 GET; returns the status line, the headers and the body.
async fn get(addr: std::net::SocketAddr, path: &str) -> (String, String, String) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let (status, headers) = head.split_once("\r\n").unwrap();
    (status.to_string(), headers.to_ascii_lowercase(), body.to_string())
}

#[tokio::test]
async fn the_dump_is_served_as_text_and_json() {
    let (ctx, _cancel) = Ctx::background().with_cancel();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = ctx.spawn_named("debug-server", |ctx| async move {
        axum::serve(listener, ctxkit::debug::router())
            .with_graceful_shutdown(ctx.done_owned())
            .await
    });
    let line = line!() + 1;
    drop(ctx.spawn_named("http-probe-target", |ctx| async move { ctx.done().await }));

    let (status, headers, body) = get(addr, "/debug/tasks").await;
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(headers.contains("content-type: text/plain"), "{headers}");
    assert!(body.starts_with("ctxkit task dump: "), "{body}");
    assert!(body.contains(&format!("1 @ {}:{line}", file!())), "{body}");
    assert!(body.contains("http-probe-target"), "{body}");

    let (status, headers, body) = get(addr, "/debug/tasks.json").await;
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(headers.contains("content-type: application/json"), "{headers}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let sites = json["sites"].as_array().unwrap();
    assert!(
        sites.iter().any(|s| s["names"][0] == "http-probe-target"),
        "{body}"
    );
    assert!(json["tracked"].as_u64().unwrap() >= 2);

    let (status, _, _) = get(addr, "/debug/nothing-here").await;
    assert_eq!(status, "HTTP/1.1 404 Not Found");

    let report = ctx.shutdown("test over", Duration::from_secs(30)).await;
    assert!(report.is_clean(), "{report}");
    server.await.unwrap().unwrap();
}
