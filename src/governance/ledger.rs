//! The group-commit ledger writer: each call enqueues its row and waits; one task takes every
//! row pending, inserts them in one transaction and then wakes their callers. Under load a
//! transaction carries as many rows as arrived while the previous one committed, so 10,000
//! calls a second are a few hundred transactions, and no call is answered before its row is
//! durable.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::{mpsc, oneshot};

use crate::store::StoreError;
use crate::store::ledger::{LedgerEntry, LedgerStore};

/// The most rows one transaction takes.
const MAX_BATCH: usize = 2_000;

/// Why a row could not be written.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LedgerError {
    /// The database refused the batch.
    #[error("the usage ledger could not be written: {0}")]
    Store(String),
    /// The writer task is gone (the server is shutting down).
    #[error("the usage ledger writer has stopped")]
    Stopped,
}

struct Pending {
    row: LedgerEntry,
    done: oneshot::Sender<Result<(), LedgerError>>,
}

/// The handle calls write through.
#[derive(Debug, Clone)]
pub struct LedgerWriter {
    sender: mpsc::UnboundedSender<Pending>,
    transactions: Arc<AtomicU64>,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending").field("row", &self.row).finish()
    }
}

impl LedgerWriter {
    /// Start the writer task on the current runtime.
    pub fn spawn(store: LedgerStore) -> Self {
        let (sender, receiver) = mpsc::unbounded_channel();
        let transactions = Arc::new(AtomicU64::new(0));
        tokio::spawn(run(store, receiver, Arc::clone(&transactions)));
        LedgerWriter {
            sender,
            transactions,
        }
    }

    /// How many transactions the writer has committed (or tried) so far.
    pub fn transactions(&self) -> u64 {
        self.transactions.load(Ordering::Relaxed)
    }

    /// Write `row`; returns once it is committed.
    pub async fn write(&self, row: LedgerEntry) -> Result<(), LedgerError> {
        let (done, wait) = oneshot::channel();
        self.sender
            .send(Pending { row, done })
            .map_err(|_| LedgerError::Stopped)?;
        wait.await.map_err(|_| LedgerError::Stopped)?
    }
}

async fn run(
    store: LedgerStore,
    mut receiver: mpsc::UnboundedReceiver<Pending>,
    transactions: Arc<AtomicU64>,
) {
    let mut batch: Vec<Pending> = Vec::new();
    let mut rows: Vec<LedgerEntry> = Vec::new();
    while let Some(first) = receiver.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        rows.clear();
        rows.extend(batch.iter().map(|p| p.row.clone()));
        let result = store
            .insert_batch(&rows)
            .await
            .map_err(|err: StoreError| LedgerError::Store(err.to_string()));
        transactions.fetch_add(1, Ordering::Relaxed);
        if let Err(err) = &result {
            tracing::error!(rows = rows.len(), error = %err, "ledger batch failed");
        }
        for pending in batch.drain(..) {
            let _ = pending.done.send(result.clone());
        }
    }
}
