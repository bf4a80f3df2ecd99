//! Closing a connection without losing the reply on it.
//!
//! When the server refuses a request before reading its body (a body over the limit, a revoked kiosk), it
//! replies and closes the connection while the client may still be sending. Data arriving at a closed
//! socket makes the system answer with a reset, and a client that gets the reset while still sending sees
//! "broken pipe" instead of the reply that explains what was wrong. So the connection is closed as web
//! servers do it ("lingering close"): the server's side is shut after the reply, and what the client still
//! sends is read and thrown away until it closes its side, goes quiet, or a few seconds have passed.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep, sleep};

/// How long the client may go on sending after the reply at most.
const AT_MOST: Duration = Duration::from_secs(10);
/// How long a client that sends nothing more is waited for to close its side.
const QUIET: Duration = Duration::from_millis(500);

/// A connection whose closing first reads away what the client still sends.
pub(super) struct Lingering {
    stream: TcpStream,
    closing: Option<Closing>,
}

struct Closing {
    until: Pin<Box<Sleep>>,
    quiet: Pin<Box<Sleep>>,
}

impl Lingering {
    pub(super) fn new(stream: TcpStream) -> Lingering {
        Lingering { stream, closing: None }
    }
}

impl AsyncRead for Lingering {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Lingering {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    /// Shuts the server's side (the client reads the whole reply, then the end), then reads until the
    /// client closes its side, sends nothing for [`QUIET`], or [`AT_MOST`] has passed.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let closing = match &mut this.closing {
            Some(closing) => closing,
            None => {
                ready!(Pin::new(&mut this.stream).poll_shutdown(cx))?;
                this.closing.insert(Closing { until: Box::pin(sleep(AT_MOST)), quiet: Box::pin(sleep(QUIET)) })
            }
        };
        let mut thrown_away = [0u8; 16 * 1024];
        loop {
            if closing.until.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Ok(()));
            }
            let mut read = ReadBuf::new(&mut thrown_away);
            match Pin::new(&mut this.stream).poll_read(cx, &mut read) {
                // The client closed its side, or the connection is gone: nothing more can be lost.
                Poll::Ready(Ok(())) if read.filled().is_empty() => return Poll::Ready(Ok(())),
                Poll::Ready(Err(_)) => return Poll::Ready(Ok(())),
                Poll::Ready(Ok(())) => closing.quiet.as_mut().reset(Instant::now() + QUIET),
                Poll::Pending => {
                    return if closing.quiet.as_mut().poll(cx).is_ready() {
                        Poll::Ready(Ok(()))
                    } else {
                        Poll::Pending
                    };
                }
            }
        }
    }
}
