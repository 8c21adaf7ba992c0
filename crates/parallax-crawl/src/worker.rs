//! The ingestion thread: one [`parallax_ingest::Pipeline`] fed through a channel, so fetching can
//! run concurrently while articles are committed one at a time.

use parallax_core::Store;
use parallax_ingest::{Document, Outcome, Pipeline};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

type Job = (
    Document,
    oneshot::Sender<Result<Outcome, parallax_core::Error>>,
);

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
        self.tx.send((doc, tx)).await.map_err(|_| closed())?;
        rx.await.map_err(|_| closed())?
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
        let (tx, mut rx) = mpsc::channel::<Job>(64);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("parallax-ingest".to_string())
            .spawn(move || {
                let mut pipeline = match Pipeline::new(store.as_ref()) {
                    Ok(p) => {
                        let _ = ready_tx.send(Ok(()));
                        p
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.0));
                        return;
                    }
                };
                while let Some((doc, reply)) = rx.blocking_recv() {
                    let outcome = pipeline.ingest(&doc).map_err(|e| e.0);
                    let _ = reply.send(outcome);
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
