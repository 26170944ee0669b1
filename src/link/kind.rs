//! Whether a figure is an outcome, an estimate or a goal.

use super::sentence::Sentence;
use super::time::{Frame, State};
use crate::link::words::{CueScope, Role};
use crate::model::Kind;
use crate::rules::RulePack;

impl Sentence<'_> {
    /// The nearest kind cue before `pos` within its scope decides; then the
    /// figure's own year against the report's; then the part of the report;
    /// then a weak cue. Returns the kind and why.
    pub(super) fn kind_of(
        &self,
        pack: &RulePack,
        state: &State,
        pos: usize,
        year: Option<i32>,
    ) -> (Kind, String) {
        let clause = self.clause_start(pos);
        let mut strong = None;
        let mut weak = None;
        for c in self
            .cues_in(self.range.0, pos)
            .iter()
            .filter(|c| c.end <= pos)
        {
            for role in pack.lexicon.roles(c) {
                if let Role::Kind {
                    kind,
                    scope,
                    weak: w,
                } = *role
                {
                    if scope == CueScope::Clause && c.start < clause {
                        continue;
                    }
                    let found = Some((kind, &self.line[c.start..c.end]));
                    if w { weak = found } else { strong = found }
                }
            }
        }
        if let Some((k, word)) = strong {
            return (k, format!("cue word `{word}` before the figure"));
        }
        // A year after the one the report reviews is a goal's.
        if let (Some(y), Some(r)) = (year, state.time.review_year) {
            let why = format!("its year {y} against the year the report reviews, {r}");
            return (if y > r { Kind::Target } else { Kind::Actual }, why);
        }
        match (state.frame, weak) {
            (Frame::Future, _) => (Kind::Target, "plan part of the report".into()),
            (Frame::Past, _) => (Kind::Actual, "review part of the report".into()),
            (Frame::Unknown, Some((k, word))) => (k, format!("weak cue `{word}`")),
            (Frame::Unknown, None) => (Kind::Actual, "no cue: an outcome by default".into()),
        }
    }
}
