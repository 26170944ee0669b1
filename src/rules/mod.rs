//! The rule pack: indicator names and vocabulary, loaded from YAML and
//! compiled once per run into each stage's matchers.
//!
//! Layers: the built-in pack (rules/*.yaml, embedded at build time) comes
//! first, then each `--rules DIR` in the order given (see `load`). Each
//! stage owns its section of the vocabulary — its keys, their types, its
//! compile function and its checks (`parse::words`, `link::words`,
//! `unit`, `clean`, `document::words`, `region`); this module composes
//! them: [`schema::Vocabulary`] reads a rule file's keys into the sections,
//! `load` layers the files and compiles each section through one error
//! collector, and [`RulePack`] holds what each stage compiled.

mod check;
pub mod example;
pub mod indicator;
pub mod layer;
mod load;
mod pack;
pub mod schema;
pub mod source;

pub use check::MAX_WORD_CHARS;
pub use example::{Example, Expected};
pub use load::schema_json;
pub use pack::{RuleExample, RulePack};
pub use source::{MAX_RULE_FILE, RuleError, RuleErrors, RuleSource, RuleWarning};
