//! Accepting connections. axum's own `serve` gives hyper no timer, so hyper's header-read
//! timeout never fires: a client that sends half a request header, or opens connections
//! and sends nothing, keeps each of them (and a task) for as long as it likes. Here every
//! HTTP/1 connection must deliver each request's headers within [`HEADER_READ_TIMEOUT`],
//! which also bounds how long a kept-alive connection may sit idle between requests, and
//! HTTP/2 peers that stop answering pings are dropped.
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// Time to send a request's headers, and the longest idle time between requests on a
/// kept-alive HTTP/1 connection. A phone on a weak network sends a few hundred bytes of
/// headers well within it.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(15);
/// How long shutdown waits for requests in flight (live streams never finish by themselves).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

fn builder() -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(Duration::from_secs(30)))
        .keep_alive_timeout(Duration::from_secs(10));
    builder
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets the requests in
/// flight finish for a few seconds. Each request carries its peer address
/// (`ConnectInfo<SocketAddr>`), as `into_make_service_with_connect_info` gives it.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let builder = builder();
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors and the like: wait a little instead of spinning.
                    tracing::warn!(%err, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // No Nagle delay: a response written in two pieces (headers, then body) otherwise
        // waits for the client's delayed ACK on a kept-alive connection (≈ 40 ms).
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::debug!(%err, "TCP_NODELAY not set");
        }
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            router.clone().oneshot(req)
        });
        let conn = builder.serve_connection_with_upgrades(TokioIo::new(tcp), service).into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(err) = conn.await {
                tracing::debug!(%err, %peer, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await.is_err() {
        tracing::info!("shutting down with connections still open (live streams)");
    }
    Ok(())
}
