//! Web surveys committed together. Every acknowledged survey must be on disk (`synchronous=FULL`), and a
//! durable commit costs an fsync; one writer thread takes the surveys that arrived while the previous
//! commit was on its way to disk and commits them in one transaction, one fsync for all of them. Each
//! survey has its own savepoint, so a survey that cannot be stored is refused alone.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use rusqlite::Connection;
use survey::Response;
use survey::capture_time::CountedTime;
use tokio::sync::oneshot;

use super::responses::{Incoming, record_alone, record_each};
use super::tally::Tally;
use super::{RecordOutcome, Store, StoreError};

/// Most surveys in one commit; more wait for the next (keeps one commit's latency bounded).
const MOST_PER_COMMIT: usize = 256;

type Reply = oneshot::Sender<Result<RecordOutcome, StoreError>>;

struct Job {
    response: Response,
    /// The capture time to count, and whether it replaced one that could not be true.
    counted: CountedTime,
    reply: Reply,
}

impl Job {
    fn incoming(&self) -> Incoming<'_> {
        Incoming {
            response: &self.response,
            counted_at: self.counted.at,
            time_replaced: self.counted.replaced,
            actor: None,
        }
    }
}

/// The writer thread and the way to it. Dropping it (with the last [`Store`]) lets the thread finish
/// what it holds and waits for it, so the database is closed when the store is gone.
pub(super) struct GroupCommit {
    jobs: Option<Sender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for GroupCommit {
    fn drop(&mut self) {
        drop(self.jobs.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Store {
    /// Stores a validated web survey once (the same decision as [`Store::record_one`]), committed
    /// durably together with the surveys sent at the same moment. Returns once it is on disk.
    pub async fn record_web_response(
        &self,
        response: Response,
        counted: CountedTime,
    ) -> Result<RecordOutcome, StoreError> {
        let (reply, answer) = oneshot::channel();
        let mut job = Job { response, counted, reply };
        // A writer thread that ended (it panicked) is replaced once rather than refusing every survey
        // until the server restarts.
        for _ in 0..2 {
            match self.group_commit()?.send(job) {
                Ok(()) => {
                    return answer
                        .await
                        .unwrap_or_else(|_| Err(StoreError::Corrupt("wątek zapisu ankiet przerwał pracę".into())));
                }
                Err(mpsc::SendError(returned)) => {
                    job = returned;
                    *self.group_commit.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
                }
            }
        }
        Err(StoreError::Corrupt("wątek zapisu ankiet nie działa".into()))
    }

    /// The writer thread, started on first use (commands that never store a survey start none).
    fn group_commit(&self) -> Result<Sender<Job>, StoreError> {
        let mut slot = self.group_commit.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(GroupCommit { jobs: Some(jobs), .. }) = &*slot {
            return Ok(jobs.clone());
        }
        let (jobs, queue) = mpsc::channel();
        let conn = Arc::clone(&self.conn);
        let thread = std::thread::Builder::new()
            .name("zapis-ankiet".into())
            .spawn(move || run(&conn, &queue))
            .map_err(|source| StoreError::File { path: self.path.clone(), source })?;
        *slot = Some(GroupCommit { jobs: Some(jobs.clone()), thread: Some(thread) });
        Ok(jobs)
    }
}

fn run(conn: &Mutex<Connection>, queue: &Receiver<Job>) {
    // Kept from one commit to the next: the questionnaire versions it has parsed (each once per thread,
    // not once per commit).
    let mut tally = Tally::default();
    while let Ok(first) = queue.recv() {
        let mut jobs = vec![first];
        while jobs.len() < MOST_PER_COMMIT {
            match queue.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let mut conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match commit_together(&mut conn, &mut tally, &jobs) {
            Ok(outcomes) => {
                for (job, outcome) in jobs.into_iter().zip(outcomes) {
                    // A client that went away no longer waits; its survey is stored all the same.
                    let _ = job.reply.send(outcome);
                }
            }
            // The shared commit failed (a full disk, say): each survey is tried alone, so each gets its
            // own answer and none is lost because of another.
            Err(_) => {
                for job in jobs {
                    let outcome = record_alone(&mut conn, &job.incoming());
                    let _ = job.reply.send(outcome);
                }
            }
        }
    }
}

/// One transaction for all `jobs`; the outcome of each, or the error that failed the whole commit.
fn commit_together(
    conn: &mut Connection,
    tally: &mut Tally,
    jobs: &[Job],
) -> Result<Vec<Result<RecordOutcome, StoreError>>, StoreError> {
    let mut tx = conn.transaction()?;
    let incoming: Vec<Incoming<'_>> = jobs.iter().map(Job::incoming).collect();
    let outcomes = record_each(&mut tx, tally, incoming.iter())?;
    tx.commit()?;
    Ok(outcomes)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use survey::sync::SyncDecision;
    use survey::{AnswerValue, Channel, QuestionKey, Response};

    use super::*;

    fn survey(office: &str, version: u32, overall: u8) -> Response {
        let mut r = Response::new(office, version, Channel::Web);
        r.answers.insert(QuestionKey::parse("ogolna_ocena").unwrap(), AnswerValue::Rating(overall));
        r
    }

    fn job(response: Response) -> (Job, oneshot::Receiver<Result<RecordOutcome, StoreError>>) {
        let (reply, answer) = oneshot::channel();
        let counted = CountedTime { at: response.captured_at, replaced: false };
        (Job { response, counted, reply }, answer)
    }

    /// Deterministic: the jobs are one commit by construction, not by timing.
    #[test]
    fn a_survey_that_cannot_be_stored_is_refused_alone_and_leaves_no_counts() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.create_office("urzad", "Urząd Gminy Testowo").unwrap();
        let first = survey("urzad", 1, 5);
        let jobs = vec![
            job(first.clone()).0,
            // A version the office never published: refused inside the shared transaction.
            job(survey("urzad", 7, 1)).0,
            job(survey("nieznany", 1, 2)).0,
            job(survey("urzad", 1, 3)).0,
            // The same survey twice in one commit counts once.
            job(first).0,
        ];
        let outcomes = commit_together(&mut store.conn(), &mut Tally::default(), &jobs).unwrap();
        assert!(matches!(outcomes[0], Ok(SyncDecision::Store)));
        assert!(matches!(outcomes[1], Err(StoreError::UnknownQuestionnaireVersion { version: 7, .. })));
        assert!(matches!(outcomes[2], Err(StoreError::UnknownOffice(_))));
        assert!(matches!(outcomes[3], Ok(SyncDecision::Store)));
        assert!(matches!(outcomes[4], Ok(SyncDecision::AlreadyStored)));
        let stored: u64 = store.response_counts("urzad").unwrap().iter().map(|(_, n)| n).sum();
        assert_eq!(stored, 2);
        // The refused surveys' counts were dropped with their savepoints.
        assert!(store.report_counts_agree().unwrap());
    }
}
