//! A simulated panel: each line `1`..`5` on standard input is a press of that button. Feedback goes to
//! standard output, one line per press, so a script (or a test) sees what was acknowledged:
//! `DZIĘKUJEMY <answer id>` once the answer is on disk, `ODFILTROWANO <reason>` for a filtered press.

use std::io::{BufRead, Write};
use std::sync::mpsc::channel;

use super::{Feedback, Panel};

struct Stdout;

impl Feedback for Stdout {
    fn thank_you(&self, answer_id: &str) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "DZIĘKUJEMY {answer_id}");
        let _ = out.flush();
    }

    fn filtered(&self, reason: &str) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "ODFILTROWANO {reason}");
        let _ = out.flush();
    }
}

pub fn open() -> Panel {
    let (tx, presses) = channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            match line.trim().parse::<u8>() {
                Ok(button @ 1..=5) => {
                    if tx.send(button).is_err() {
                        break;
                    }
                }
                _ => eprintln!("panel (stdin): „{}” nie jest przyciskiem 1–5", line.trim()),
            }
        }
        // End of input: the channel closes, and a buttons-only kiosk finishes its work and stops.
    });
    Panel { presses, feedback: Box::new(Stdout), _hardware: None }
}
