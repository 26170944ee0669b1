//! Running a batch: a rayon pool decodes and extracts, and results go back
//! to the caller in input order, as they become ready, with at most
//! `in_flight` documents held.

use std::collections::BTreeMap;
use std::io;
use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{SyncSender, sync_channel};
use std::sync::{Condvar, Mutex, PoisonError};

use rayon::prelude::*;

use super::input::{Body, Content, Document, Input};
use super::options::Options;
use super::reader::read_all;
use crate::model::{Code, Severity};
use crate::pipeline::{Extraction, Extractor};
use crate::record::Diagnostic;

/// What one document gave, handed back in input order.
#[derive(Debug)]
pub struct Done<T> {
    pub name: String,
    /// What the caller's `finish` made of the extraction, or why the
    /// document could not be read.
    pub result: Result<T, Diagnostic>,
    /// How the document was read, and its warnings (empty on an error).
    pub diagnostics: Vec<Diagnostic>,
    pub disk_bytes: u64,
    /// More pieces of this document follow (a long document, read a piece
    /// at a time: see `chunk`).
    pub more: bool,
}

/// Process every document of `inputs` with `engine`. `finish` turns each
/// extraction (and the document's name) into what the caller keeps (encoded records, say) on the
/// worker that made it, so that the work and the freeing of a document's
/// records are spread over the pool; `done` is called once per document,
/// in input order, by whichever worker finds the next document ready (no
/// thread is woken per document just to keep the order).
pub fn run<T: Send>(
    engine: &Extractor,
    inputs: Vec<Input>,
    opts: &Options,
    finish: impl Fn(&str, Extraction) -> T + Sync,
    done: impl FnMut(Done<T>) -> io::Result<()> + Send,
) -> io::Result<()> {
    let in_flight = opts.in_flight.max(2);
    // Slots are handed back to the reader a few at a time: a wake-up per
    // document would cost more than reading one.
    let grant = (in_flight / 4).max(1);
    let (doc_tx, doc_rx) = sync_channel::<(usize, Document)>(in_flight);
    let (token_tx, token_rx) = sync_channel::<()>(in_flight / grant);
    for _ in 0..in_flight / grant {
        token_tx.send(()).expect("the channel has room");
    }
    let order = Mutex::new(Order {
        waiting: BTreeMap::new(),
        next: 0,
        freed: 0,
        grant,
        tokens: Some(token_tx),
        done,
        outcome: Ok(()),
        awaiting_turn: 0,
    });
    let turn = Condvar::new();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs)
        .build()
        .map_err(io::Error::other)?;
    std::thread::scope(|scope| {
        let reader_opts = opts.clone();
        scope.spawn(move || read_all(inputs, &reader_opts, &doc_tx, &token_rx, grant));
        let limits = opts.limits;
        let given = *engine.given();
        let piece = opts.piece;
        let meta = opts.meta.clone();
        let finish = &finish;
        let order = &order;
        let turn = &turn;
        scope.spawn(move || {
            pool.install(|| {
                doc_rx.into_iter().par_bridge().for_each(|(seq, doc)| {
                    let given = match &meta {
                        Some(m) => m.given_for(&doc.name, &given),
                        None => given,
                    };
                    let skipped = matches!(doc.content, Content::Skipped(_));
                    let (body, disk_bytes) = doc.content.load(&limits, piece);
                    let error = |code: Code, message: String| Diagnostic {
                        doc: doc.name.clone(),
                        severity: if skipped {
                            Severity::Warning
                        } else {
                            Severity::Error
                        },
                        code,
                        line: None,
                        message,
                    };
                    let bytes = match body {
                        Ok(Body::Long(file)) => {
                            let long = Long {
                                seq,
                                name: &doc.name,
                                order,
                                turn,
                            };
                            return long.run(|name, pieces| {
                                crate::chunk::process_long(engine, name, file, &given, piece, |p| {
                                    pieces(p, finish)
                                })
                            });
                        }
                        Ok(Body::Whole(bytes)) => Ok(Ok(bytes)),
                        Ok(Body::Text(text)) => Ok(Err(text)),
                        Err(why) => Err(why),
                    };
                    // A bug that panics on one document costs that document,
                    // not the batch (nor a hang waiting for its result).
                    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
                        let result = match bytes {
                            Ok(Ok(bytes)) => engine.process_with(&doc.name, &bytes, &given),
                            Ok(Err(text)) => Ok(engine.extract_with(&doc.name, &text, &given)),
                            Err(why) if skipped => Err(error(Code::Skipped, why.to_string())),
                            Err(why) => Err(error(Code::Unreadable, why.to_string())),
                        };
                        match result {
                            Ok(mut x) => {
                                let diagnostics = std::mem::take(&mut x.diagnostics);
                                (Ok(finish(&doc.name, x)), diagnostics)
                            }
                            Err(e) => (Err(e), Vec::new()),
                        }
                    }));
                    let (result, diagnostics) = outcome.unwrap_or_else(|panic| {
                        let what = panic
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| panic.downcast_ref::<String>().cloned())
                            .unwrap_or_default();
                        let message = format!("internal error (a bug: please report it): {what}");
                        (Err(error(Code::InternalError, message)), Vec::new())
                    });
                    let mut order = order.lock().unwrap_or_else(PoisonError::into_inner);
                    order.take(
                        seq,
                        Done {
                            name: doc.name,
                            result,
                            diagnostics,
                            disk_bytes,
                            more: false,
                        },
                    );
                    if order.awaiting_turn > 0 {
                        turn.notify_all();
                    }
                });
            });
        });
    });
    order
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .outcome
}

/// Results put back in input order, and handed on as they become ready.
struct Order<T, F> {
    waiting: BTreeMap<usize, Done<T>>,
    next: usize,
    /// Slots freed since the reader was last given some.
    freed: usize,
    grant: usize,
    /// Slots for the reader; dropped once the caller gave up (an error
    /// writing the output, a closed pipe), which stops the reader.
    tokens: Option<SyncSender<()>>,
    done: F,
    outcome: io::Result<()>,
    /// Workers of long documents waiting for their turn (see [`Long`]).
    awaiting_turn: usize,
}

impl<T, F: FnMut(Done<T>) -> io::Result<()>> Order<T, F> {
    /// Hand a document to the caller, unless it gave up already. A panic
    /// there is an error like a failed write: it must not take the lock's
    /// other waiters (the reader, a long document's worker) down with it.
    fn hand_on(&mut self, d: Done<T>) {
        if self.outcome.is_ok() {
            let done = &mut self.done;
            self.outcome = std::panic::catch_unwind(AssertUnwindSafe(|| done(d)))
                .unwrap_or_else(|_| Err(io::Error::other("internal error writing the output")));
            if self.outcome.is_err() {
                self.tokens = None;
            }
        }
    }

    fn take(&mut self, seq: usize, d: Done<T>) {
        self.waiting.insert(seq, d);
        while let Some(d) = self.waiting.remove(&self.next) {
            self.hand_on(d);
            self.next += 1;
            self.freed += 1;
            if self.freed == self.grant {
                // Slots are free again; a closed channel means reading ended.
                if let Some(tokens) = &self.tokens {
                    let _ = tokens.send(());
                }
                self.freed = 0;
            }
        }
    }
}

/// A long document's worker: it waits until every document before it is
/// out, then hands its pieces straight to the caller as each is done, so
/// its records are never all held. No deadlock: documents are taken in
/// order, so the ones before it are all being processed already.
struct Long<'a, T, F> {
    seq: usize,
    name: &'a str,
    order: &'a Mutex<Order<T, F>>,
    turn: &'a Condvar,
}

impl<T, F: FnMut(Done<T>) -> io::Result<()>> Long<'_, T, F> {
    /// Run `read` (which calls `pieces` for each piece, and stops when it
    /// returns false) in this document's turn.
    fn run<E>(&self, read: impl FnOnce(&str, &mut dyn FnMut(crate::chunk::Piece, &E) -> bool))
    where
        E: Fn(&str, Extraction) -> T,
    {
        let lock = || self.order.lock().unwrap_or_else(PoisonError::into_inner);
        let mut order = lock();
        order.awaiting_turn += 1;
        while order.next != self.seq {
            order = self
                .turn
                .wait(order)
                .unwrap_or_else(PoisonError::into_inner);
        }
        order.awaiting_turn -= 1;
        drop(order);
        let mut finished = false;
        read(self.name, &mut |piece, finish| {
            let (result, diagnostics) = match piece.result {
                Ok(mut x) => {
                    let diagnostics = std::mem::take(&mut x.diagnostics);
                    (Ok(finish(self.name, x)), diagnostics)
                }
                Err(e) => (Err(e), Vec::new()),
            };
            let done = Done {
                name: self.name.to_string(),
                result,
                diagnostics,
                disk_bytes: piece.bytes,
                more: !piece.last,
            };
            let mut order = lock();
            if piece.last {
                finished = true;
                order.take(self.seq, done);
                return false;
            }
            order.hand_on(done);
            order.outcome.is_ok()
        });
        let mut order = lock();
        if !finished {
            // The caller gave up (its output failed): the document ends here.
            order.take(
                self.seq,
                Done {
                    name: self.name.to_string(),
                    result: Err(Diagnostic {
                        doc: self.name.to_string(),
                        severity: Severity::Error,
                        code: Code::Unreadable,
                        line: None,
                        message: "stopped: the output failed".into(),
                    }),
                    diagnostics: Vec::new(),
                    disk_bytes: 0,
                    more: false,
                },
            );
        }
        if order.awaiting_turn > 0 {
            self.turn.notify_all();
        }
    }
}
