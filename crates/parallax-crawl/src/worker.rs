//! The ingestion thread: one [`parallax_ingest::Pipeline`] fed through a channel, so fetching can
//! run concurrently while articles are committed one at a time. With an embedder, the documents
//! waiting in the channel are embedded in batches on the pipeline's embedding thread
//! ([`Pipeline::ingest_stream`]).

use parallax_core::{Embedder, Store};
use parallax_ingest::{
    ConsolidationPass, DigestPass, Document, Next, Outcome, Pipeline, PipelineError, Settled,
};
use std::cell::RefCell;
use std::sync::Arc;
use tokio::sync::mpsc::error::TryRecvError;
use tokio::sync::{mpsc, oneshot};

type Reply = oneshot::Sender<Result<Outcome, parallax_core::Error>>;
type PassReply = oneshot::Sender<Result<Settled, parallax_core::Error>>;

/// A pass over the stored stories, between documents.
enum Pass {
    /// Regroup the recent window ([`Pipeline::consolidate`]).
    Consolidate,
    /// Regroup, then the digests ([`Pipeline::settle`]), gists in this language.
    Settle(String),
    /// The digests only ([`Pipeline::refresh_digests`]), gists in this language.
    Digests(String),
}

/// What the ingestion thread is asked to do.
// A short-lived value, moved once through the channel: boxing the document would only add an
// allocation per document.
#[allow(clippy::large_enum_variant)]
enum Job {
    /// Ingest a document.
    Doc(Document, Reply),
    /// A pass once the documents sent before are committed.
    Pass(Pass, PassReply),
}

/// Sends documents to the ingestion thread. Cheap to clone.
#[derive(Clone)]
pub struct IngestHandle {
    tx: mpsc::Sender<Job>,
}

impl IngestHandle {
    /// Ingests `doc` and waits for the outcome.
    pub async fn submit(&self, doc: Document) -> Result<Outcome, parallax_core::Error> {
        let (tx, rx) = oneshot::channel();
        let closed =
            || parallax_core::Error::Backend("the ingestion thread has stopped".to_string());
        self.tx
            .send(Job::Doc(doc, tx))
            .await
            .map_err(|_| closed())?;
        rx.await.map_err(|_| closed())?
    }

    /// Regroups the recent window (`Pipeline::consolidate`) once every document sent before is
    /// committed, and waits for it; the thread's clustering window follows the new stories.
    pub async fn consolidate(&self) -> Result<ConsolidationPass, parallax_core::Error> {
        Ok(self.pass(Pass::Consolidate).await?.regrouped)
    }

    /// What follows new articles (`Pipeline::settle`): the recent window regrouped, then the
    /// digests of the stories that changed (gists in `reader_language`), once every document sent
    /// before is committed.
    pub async fn settle(&self, reader_language: &str) -> Result<Settled, parallax_core::Error> {
        self.pass(Pass::Settle(reader_language.to_string())).await
    }

    /// The digests of the stories that changed (`Pipeline::refresh_digests`), once every
    /// document sent before is committed.
    pub async fn refresh_digests(
        &self,
        reader_language: &str,
    ) -> Result<DigestPass, parallax_core::Error> {
        Ok(self
            .pass(Pass::Digests(reader_language.to_string()))
            .await?
            .digests)
    }

    async fn pass(&self, pass: Pass) -> Result<Settled, parallax_core::Error> {
        let (tx, rx) = oneshot::channel();
        let closed =
            || parallax_core::Error::Backend("the ingestion thread has stopped".to_string());
        self.tx
            .send(Job::Pass(pass, tx))
            .await
            .map_err(|_| closed())?;
        rx.await.map_err(|_| closed())?
    }

    /// Ingests `docs` in their order and waits for all the outcomes (in the same order). Sending
    /// them all before waiting lets the ingestion thread embed them in one batch.
    pub async fn submit_all(
        &self,
        docs: Vec<Document>,
    ) -> Vec<Result<Outcome, parallax_core::Error>> {
        let closed =
            || parallax_core::Error::Backend("the ingestion thread has stopped".to_string());
        let mut replies = Vec::with_capacity(docs.len());
        for doc in docs {
            let (tx, rx) = oneshot::channel();
            replies.push(match self.tx.send(Job::Doc(doc, tx)).await {
                Ok(()) => Some(rx),
                Err(_) => None,
            });
        }
        let mut out = Vec::with_capacity(replies.len());
        for rx in replies {
            out.push(match rx {
                Some(rx) => rx.await.unwrap_or_else(|_| Err(closed())),
                None => Err(closed()),
            });
        }
        out
    }
}

/// The thread that owns the pipeline.
pub struct IngestWorker {
    handle: Option<IngestHandle>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl IngestWorker {
    /// Starts the thread; its pipeline's clustering window is rebuilt from `store` first.
    pub fn spawn(store: Arc<dyn Store>) -> Result<Self, parallax_core::Error> {
        Self::spawn_with(store, None)
    }

    /// Like [`IngestWorker::spawn`], with new articles embedded by `embedder` (when given).
    pub fn spawn_with(
        store: Arc<dyn Store>,
        embedder: Option<Arc<dyn Embedder>>,
    ) -> Result<Self, parallax_core::Error> {
        let (tx, mut rx) = mpsc::channel::<Job>(64);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("parallax-ingest".to_string())
            .spawn(move || {
                let mut pipeline = match Pipeline::with_embedder(store.as_ref(), embedder) {
                    Ok(p) => {
                        let _ = ready_tx.send(Ok(()));
                        p
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.0));
                        return;
                    }
                };
                // A pass request ends the current stream (which commits what it holds); the
                // thread makes the pass, answers, and starts streaming again.
                let pending: RefCell<Option<(Pass, PassReply)>> = RefCell::new(None);
                loop {
                    let mut closed = false;
                    let next = |wait: bool| -> Next<Reply> {
                        let job = if wait {
                            rx.blocking_recv().ok_or(TryRecvError::Disconnected)
                        } else {
                            rx.try_recv()
                        };
                        match job {
                            Ok(Job::Doc(doc, reply)) => Next::Doc(doc, reply),
                            Ok(Job::Pass(pass, reply)) => {
                                *pending.borrow_mut() = Some((pass, reply));
                                Next::End
                            }
                            Err(TryRecvError::Empty) => Next::Idle,
                            Err(TryRecvError::Disconnected) => {
                                closed = true;
                                Next::End
                            }
                        }
                    };
                    // A store failure goes to the document's sender; the thread carries on.
                    let done = |reply: Reply, outcome: Result<Outcome, PipelineError>| {
                        let _ = reply.send(outcome.map_err(|e| e.0));
                        Ok(())
                    };
                    let streamed = pipeline.ingest_stream(next, done);
                    let request = pending.borrow_mut().take();
                    match request {
                        Some((pass, reply)) => {
                            let done = match pass {
                                Pass::Consolidate => {
                                    pipeline.consolidate().map(|regrouped| Settled {
                                        regrouped,
                                        ..Settled::default()
                                    })
                                }
                                Pass::Settle(reader) => pipeline.settle(&reader),
                                Pass::Digests(reader) => Ok(Settled {
                                    digests: pipeline.refresh_digests(&reader),
                                    ..Settled::default()
                                }),
                            };
                            let _ = reply.send(done.map_err(|e| e.0));
                        }
                        // The stream ended without a request: the channel closed, or the
                        // pipeline failed (as before, the thread stops then).
                        None if closed || streamed.is_err() => break,
                        None => {}
                    }
                    if closed {
                        break;
                    }
                }
            })
            .map_err(|e| {
                parallax_core::Error::Backend(format!("cannot start the ingestion thread: {e}"))
            })?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(IngestWorker {
                handle: Some(IngestHandle { tx }),
                thread: Some(thread),
            }),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(parallax_core::Error::Backend(
                "the ingestion thread stopped while starting".to_string(),
            )),
        }
    }

    /// A handle to send documents with.
    pub fn handle(&self) -> IngestHandle {
        self.handle
            .clone()
            .expect("the handle lives until shutdown")
    }

    /// Stops accepting documents, lets the thread finish what it holds, and waits for it.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.handle = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for IngestWorker {
    fn drop(&mut self) {
        self.stop();
    }
}
