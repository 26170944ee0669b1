//! Snapshot of `extract` and `outline` on every document of the corpus.
//!
//! A rule or code change shows up here as a diff of records. Review it with
//! `cargo insta review` (or read the `.snap.new` files) and accept only what
//! you meant; never accept blindly.

mod common;

use std::fmt::Write as _;

use common::{corpus, root};
use zhibiao::Extractor;

#[test]
fn every_corpus_document() {
    let engine = Extractor::builtin().expect("built-in rules load");
    let corpus_root = root().join("tests/corpus");
    let docs = corpus();
    assert!(
        docs.len() >= 30,
        "corpus is missing: {} documents",
        docs.len()
    );
    for path in docs {
        let name = path
            .strip_prefix(&corpus_root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        // The whole pipeline, decode stage included, as the CLI runs it.
        let bytes = std::fs::read(&path).unwrap();
        let out = engine.process(&name, &bytes).unwrap();
        let mut snap = String::new();
        writeln!(snap, "# sections").unwrap();
        for s in &out.sections {
            writeln!(snap, "{}", serde_json::to_string(s).unwrap()).unwrap();
        }
        writeln!(snap, "# indicators").unwrap();
        for r in &out.indicators {
            writeln!(snap, "{}", serde_json::to_string(r).unwrap()).unwrap();
        }
        writeln!(snap, "# diagnostics").unwrap();
        for d in &out.diagnostics {
            writeln!(snap, "{}", serde_json::to_string(d).unwrap()).unwrap();
        }
        let snap_name = name.trim_end_matches(".txt").replace('/', "__");
        insta::assert_snapshot!(snap_name, snap);
    }
}
