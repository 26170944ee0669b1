//! Tables flattened into lines, as statistical bulletins print them: a
//! header row says what each column holds (指标 / 单位 / 绝对数 / 比上年增长%),
//! and each row after it that names an indicator gives a record per figure
//! cell. The header words are the rule pack's (`vocabulary.tables`); the
//! shape — cells split at tabs or runs of blanks, a number alone in a cell —
//! is this module's.
//!
//! A table's figures are outcomes of the year the report reviews (a
//! bulletin's statistical year): tables of targets are rare enough to be
//! read as prose.

use super::doc::DocContext;
use super::emit::{Decided, Source, quote, record};
use super::metric::metric_of;
use super::time::State;
use super::trace::{BoundWhy, KindWhy, MetricWhy, NameWhy, PeriodWhy, TierWhy, Why, YearWhy};
use crate::link::words::Place;
use crate::model::{Bound, Kind, Period};
use crate::parse::words::VerbClass;
use crate::record::Indicator;
use crate::rules::RulePack;

/// A column of figures: which cell of a row it is, what its figures are,
/// and their unit when the header gives it.
#[derive(Debug)]
struct Column {
    cell: usize,
    verb: VerbClass,
    unit: Option<String>,
}

/// A table's header, read: where the names, the units and the figures are.
#[derive(Debug)]
pub(super) struct Table {
    names: usize,
    units: Option<usize>,
    columns: Vec<Column>,
}

/// The cells of a line: byte ranges of its text between tabs or runs of
/// two or more blanks. A line with neither is one cell (prose).
fn cells(line: &str) -> Vec<(usize, usize)> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let sep = match bytes[i] {
            b'\t' => 1,
            b' ' if bytes.get(i + 1) == Some(&b' ') => {
                bytes[i..].iter().take_while(|&&b| b == b' ').count()
            }
            _ => 0,
        };
        if sep > 0 {
            if let Some(s) = start.take() {
                out.push((s, i));
            }
            i += sep;
        } else {
            start.get_or_insert(i);
            i += 1;
        }
    }
    if let Some(s) = start {
        out.push((s, bytes.len()));
    }
    // Blanks at a cell's ends are layout.
    out.into_iter()
        .map(|(s, e)| {
            let cell = &line[s..e];
            let lead = cell.len() - cell.trim_start().len();
            (s + lead, s + cell.trim_end().len())
        })
        .filter(|(s, e)| s < e)
        .collect()
}

/// Whether `line` may be a row of cells: the test every line meets, so a
/// byte search.
fn may_have_cells(line: &str) -> bool {
    memchr::memchr(b'\t', line.as_bytes()).is_some() || line.contains("  ")
}

/// A number alone in a cell (-2.3, 1,234.5), or a dash for none.
enum Cell {
    Number(f64),
    Dash,
    Other,
}

fn cell_value(text: &str) -> Cell {
    let t = text.trim();
    if matches!(t, "-" | "—" | "——" | "--" | "…" | "/") {
        return Cell::Dash;
    }
    let digits = t.strip_prefix('-').unwrap_or(t);
    let numeric = !digits.is_empty()
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',');
    match t.replace(',', "").parse::<f64>() {
        Ok(v) if numeric => Cell::Number(v),
        _ => Cell::Other,
    }
}

impl Table {
    /// Read `line` as a header row: its first cell names the column of
    /// names, and at least one other cell a column of figures.
    pub(super) fn header(pack: &RulePack, line: &str) -> Option<Table> {
        let words = &pack.lexicon.tables;
        if words.names.is_empty() || !may_have_cells(line) {
            return None;
        }
        let cells = cells(line);
        let names = cells
            .iter()
            .position(|&(s, e)| words.names.iter().any(|w| line[s..e] == **w))?;
        let mut table = Table {
            names,
            units: None,
            columns: Vec::new(),
        };
        for (i, &(s, e)) in cells.iter().enumerate().skip(names + 1) {
            let text = &line[s..e];
            if words.units.iter().any(|w| text == w) {
                table.units = Some(i);
                continue;
            }
            // The longest column word the header holds says what it is.
            let Some((verb, word)) = words
                .columns
                .iter()
                .flat_map(|(v, ws)| ws.iter().map(move |w| (*v, w)))
                .filter(|(_, w)| text.contains(w.as_str()))
                .max_by_key(|(_, w)| w.len())
            else {
                continue;
            };
            let rest = text.replacen(word.as_str(), "", 1);
            let unit = rest
                .trim_matches(|c: char| "()[]【】:单位 ".contains(c))
                .to_string();
            let unit = pack.units.class(&unit).is_some().then_some(unit);
            table.columns.push(Column {
                cell: i,
                verb,
                unit,
            });
        }
        (!table.columns.is_empty()).then_some(table)
    }

    /// Read `line` as a row of the table, adding a record for each figure of
    /// an indicator it names. `None`: the line is no row (the table ended).
    pub(super) fn row(
        &self,
        cx: &DocContext<'_>,
        state: &State,
        line: &str,
        base: usize,
        out: &mut Vec<Indicator>,
    ) -> Option<()> {
        if !may_have_cells(line) {
            return None;
        }
        let cells = cells(line);
        let figure_cells: Vec<(&Column, (usize, usize), Cell)> = self
            .columns
            .iter()
            .filter_map(|c| {
                cells
                    .get(c.cell)
                    .map(|&r| (c, r, cell_value(&line[r.0..r.1])))
            })
            .collect();
        if !figure_cells
            .iter()
            .any(|(_, _, v)| matches!(v, Cell::Number(_) | Cell::Dash))
        {
            return None;
        }
        let pack = cx.pack;
        let &(ns, ne) = cells.get(self.names)?;
        let hits = pack.lexicon.scan(&line[ns..ne]);
        let Some(name) = hits.names.first() else {
            return Some(());
        };
        let target = &pack.lexicon.targets[name.target];
        let indicator = target.indicators.first()?;
        // 其中：开发区…: a row about a part is not the region's.
        let excluded = hits
            .cues
            .iter()
            .any(|c| c.end <= name.start && pack.lexicon.excludes(c, Place::Before, indicator));
        if excluded || target.indicators.len() > 1 {
            return Some(());
        }
        let row_unit = self
            .units
            .and_then(|i| cells.get(i))
            .map(|&(s, e)| &line[s..e]);
        let (ls, le) = cx
            .norm
            .original_span(base + ns + name.start, base + ns + name.end);
        let row = cx.norm.original_span(base, base + line.len());
        for (column, (s, e), value) in figure_cells {
            let Cell::Number(value) = value else { continue };
            let changes = matches!(column.verb, VerbClass::Growth | VerbClass::Decline);
            let Some(unit) = column
                .unit
                .as_deref()
                .or(row_unit.filter(|u| pack.units.class(u).is_some()))
                .or(changes.then_some("%"))
            else {
                continue;
            };
            let class = pack.units.class(unit);
            if !target.units.is_empty()
                && !class.is_some_and(|c| target.units.iter().any(|u| u == c))
            {
                continue;
            }
            let (metric, sign) = metric_of(target, Some(column.verb), class);
            let (fs, fe) = cx.norm.original_span(base + s, base + e);
            if let Some(why) = cx.why {
                why.borrow_mut().push(Why {
                    name: NameWhy::TableRow {
                        label: cx.original[ls..le].to_string(),
                        rule: target.rule.clone(),
                    },
                    metric: MetricWhy::Column {
                        verb: column.verb,
                        unit: unit.to_string(),
                    },
                    kind: KindWhy::Table,
                    year: YearWhy::Table,
                    period: PeriodWhy::Table,
                    bound: BoundWhy::Table,
                    tier: TierWhy::Table,
                });
            }
            let decided = Decided {
                indicator,
                rule: &target.rule,
                metric,
                value: sign * value,
                value_max: None,
                unit,
                kind: Kind::Actual,
                year: state.time.review_year,
                period: Period::Year,
                span_measure: None,
                bound: Bound::Exact,
                tier: None,
            };
            let from = Source {
                label: (ls, le),
                figure: (fs, fe),
                line: cx.lines.line_of(fs),
                text: quote(cx.original, row, (fs, fe)),
            };
            out.push(record(cx, state, decided, from));
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_split_at_tabs_and_blank_runs() {
        let line = "地区生产总值\t亿元  2345.6 \t 6.5";
        let got: Vec<&str> = cells(line).iter().map(|&(s, e)| &line[s..e]).collect();
        assert_eq!(got, ["地区生产总值", "亿元", "2345.6", "6.5"]);
        assert_eq!(cells("地区生产总值增长 5%").len(), 1);
    }

    #[test]
    fn a_cell_holds_a_number_a_dash_or_text() {
        assert!(matches!(cell_value("-2.3"), Cell::Number(v) if v == -2.3));
        assert!(matches!(cell_value("1,234.5"), Cell::Number(v) if v == 1234.5));
        assert!(matches!(cell_value("—"), Cell::Dash));
        assert!(matches!(cell_value("6.5%"), Cell::Other));
        assert!(matches!(cell_value("2024年"), Cell::Other));
    }
}
