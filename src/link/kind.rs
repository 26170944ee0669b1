//! Whether a figure is an outcome, an estimate or a goal.

use super::index::Sentence;
use super::part::Frame;
use super::time::State;
use super::trace::KindWhy;
use crate::link::words::{CueScope, Role};
use crate::model::Kind;
use crate::rules::RulePack;

/// The nearest kind cue before `pos` within its scope decides; then the
/// figure's own year against the report's; then the part of the report;
/// then a weak cue. Returns the kind and why.
pub(super) fn kind_of(
    s: &Sentence<'_>,
    pack: &RulePack,
    state: &State,
    pos: usize,
    year: Option<i32>,
) -> (Kind, KindWhy) {
    let clause = s.clause_start(pos);
    let mut strong = None;
    let mut weak = None;
    for c in s.cues_in(s.range.0, pos).iter().filter(|c| c.end <= pos) {
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
                let found = Some((kind, &s.line[c.start..c.end]));
                if w { weak = found } else { strong = found }
            }
        }
    }
    if let Some((k, word)) = strong {
        return (k, KindWhy::Cue(word.to_string()));
    }
    // A year after the one the report reviews is a goal's.
    if let (Some(y), Some(r)) = (year, state.time.review_year) {
        let why = KindWhy::AgainstReview { year: y, review: r };
        return (if y > r { Kind::Target } else { Kind::Actual }, why);
    }
    match (state.frame, weak) {
        (Frame::Future, _) => (Kind::Target, KindWhy::PlanPart),
        (Frame::Past, _) => (Kind::Actual, KindWhy::ReviewPart),
        (Frame::Unknown, Some((k, word))) => (k, KindWhy::WeakCue(word.to_string())),
        (Frame::Unknown, None) => (Kind::Actual, KindWhy::Default),
    }
}

/// GUIDELINES, `kind`: actual (an outcome reported as achieved: 完成 /
/// 实现 / 达到 for a past period), expected (an estimate of a period not yet
/// closed: 预计), target (a goal or plan: 目标, 预期目标, 计划, 力争, 确保, or
/// a figure for a future period).
#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::index::fixture::{PACK, Read};
    use crate::link::part::ReportTime;

    /// A 2026 work report (reviewing 2025), in the part `frame`.
    fn state(frame: Frame) -> State {
        State {
            time: ReportTime {
                plan_year: Some(2026),
                review_year: Some(2025),
                this_year: Some(2026),
                looks_back: true,
            },
            frame,
            span: None,
            span_depth: 0,
            next_heading: 0,
            stack: [None; 4],
        }
    }

    fn kind(text: &str, frame: Frame, year: Option<i32>) -> (Kind, KindWhy) {
        let read = Read::new(text);
        let s = read.sentence();
        let (t, _) = read.figures()[0];
        kind_of(&s, &PACK, &state(frame), t.start, year)
    }

    #[test]
    fn a_cue_word_before_the_figure_decides() {
        let (k, why) = kind("预计全年地区生产总值增长5%。", Frame::Past, None);
        assert_eq!((k, why), (Kind::Expected, KindWhy::Cue("预计".into())));
        let (k, _) = kind("地区生产总值预期目标增长5%左右。", Frame::Past, None);
        assert_eq!(k, Kind::Target);
        // 目标 reaches its own clause only: the plan statement's part of the
        // report does the rest (see the walk's `open_plan`).
        let (k, _) = kind(
            "主要预期目标是：地区生产总值增长5%左右。",
            Frame::Past,
            None,
        );
        assert_eq!(k, Kind::Actual);
        let (k, _) = kind("地区生产总值力争增长6%。", Frame::Past, None);
        assert_eq!(k, Kind::Target);
    }

    #[test]
    fn a_figure_for_a_future_period_is_a_target() {
        let (k, why) = kind("地区生产总值增长5%左右。", Frame::Past, Some(2026));
        assert_eq!(k, Kind::Target);
        assert_eq!(
            why,
            KindWhy::AgainstReview {
                year: 2026,
                review: 2025
            }
        );
        assert_eq!(
            kind("地区生产总值增长5%。", Frame::Future, Some(2025)).0,
            Kind::Actual
        );
    }

    #[test]
    fn the_part_of_the_report_decides_where_the_sentence_does_not() {
        assert_eq!(
            kind("地区生产总值增长5%。", Frame::Future, None).0,
            Kind::Target
        );
        assert_eq!(
            kind("地区生产总值增长5%。", Frame::Past, None).0,
            Kind::Actual
        );
        // 完成 is a weak cue: in a plan part it is a goal's verb.
        assert_eq!(
            kind("全年完成投资100亿元。", Frame::Future, None).0,
            Kind::Target
        );
        assert_eq!(
            kind("地区生产总值增长5%。", Frame::Unknown, None),
            (Kind::Actual, KindWhy::Default)
        );
    }
}
