//! Log lines of the kiosk and the server. Under systemd, standard error goes to the journal, which reads
//! a `<N>` at the start of a line as its priority (syslog levels): each line then carries its own, so that
//! `journalctl -u kiosk -p warning` (or `-u ocen-urzad`) shows the warnings and errors only. Elsewhere the
//! lines are plain (and coloured on a terminal).

use std::fmt;

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// The syslog priority of a level: error 3, warning 4, info 6, debug and trace 7.
pub fn priority(level: Level) -> u8 {
    match level {
        Level::ERROR => 3,
        Level::WARN => 4,
        Level::INFO => 6,
        Level::DEBUG | Level::TRACE => 7,
    }
}

/// Whether standard error is the journal: systemd says so in `JOURNAL_STREAM`.
pub fn to_journal() -> bool {
    std::env::var_os("JOURNAL_STREAM").is_some()
}

/// A line formatter that puts the journal's priority before what `inner` writes.
pub struct JournalPriority<F>(pub F);

impl<S, N, F> FormatEvent<S, N> for JournalPriority<F>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(&self, ctx: &FmtContext<'_, S, N>, mut writer: Writer<'_>, event: &Event<'_>) -> fmt::Result {
        write!(writer, "<{}>", priority(*event.metadata().level()))?;
        self.0.format_event(ctx, writer, event)
    }
}

/// Sets up the log on standard error with `filter`, with priorities for the journal.
pub fn init(filter: tracing_subscriber::EnvFilter) {
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if to_journal() {
        // The journal keeps its own time stamps.
        let format = tracing_subscriber::fmt::format().without_time().with_ansi(false);
        builder.event_format(JournalPriority(format)).try_init()
    } else {
        builder.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())).try_init()
    };
}

/// `RUST_LOG`, or `info` when it is not set or not understood.
pub fn filter_from_env() -> tracing_subscriber::EnvFilter {
    tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"))
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn warnings_reach_the_journal_as_warnings() {
        let lines = Lines::default();
        let out = lines.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || out.clone())
            .with_max_level(Level::DEBUG)
            .event_format(JournalPriority(tracing_subscriber::fmt::format().without_time().with_ansi(false)))
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::error!("baza kiosku niedostępna");
            tracing::warn!("kiosk działa bez panelu przycisków");
            tracing::info!("kiosk gotowy");
            tracing::debug!("szczegół");
        });
        let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        let starts: Vec<&str> = text.lines().map(|l| &l[..3]).collect();
        assert_eq!(starts, ["<3>", "<4>", "<6>", "<7>"], "{text}");
        assert!(text.lines().nth(1).unwrap().contains("WARN") && text.contains("kiosk działa bez panelu przycisków"));
    }
}
