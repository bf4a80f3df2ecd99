//! A reply sent before the request's body was read closes the connection, and says so.
//!
//! A handler may answer without reading the body: a kiosk with a revoked token, a body over the limit, too
//! many pairing attempts. hyper then cannot tell where the next request starts and closes the connection
//! after the reply, but it has already sent the reply's head without `Connection: close`. A client that
//! kept the connection for its next request then sends that request into a closed socket and fails for no
//! fault of its own. Here every such reply carries `Connection: close`: hyper closes the connection after it
//! (it reads the header as the end of keep-alive) and the client knows not to reuse it.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Frame, SizeHint};

/// A request body that notes when it has been read to its end.
struct Watched {
    inner: Body,
    read: Arc<AtomicBool>,
}

impl HttpBody for Watched {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.read.store(true, Ordering::Relaxed);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Middleware: adds `Connection: close` to the reply when the request had a body the handler did not read
/// to its end.
pub async fn close_if_unread(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let read = Arc::new(AtomicBool::new(body.is_end_stream()));
    let watched = Watched { inner: body, read: Arc::clone(&read) };
    let mut response = next.run(Request::from_parts(parts, Body::new(watched))).await;
    if !read.load(Ordering::Relaxed) {
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}
