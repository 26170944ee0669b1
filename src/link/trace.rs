//! Why a record came out as it did, decision by decision (`zhibiao
//! explain`): each decision says which of its rules decided, as a typed
//! reason that prints as a sentence.

use std::fmt;

use crate::model::Tier;
use crate::parse::words::VerbClass;

/// Why a record came out as it did.
#[derive(Debug, Clone)]
pub struct Why {
    pub name: NameWhy,
    pub metric: MetricWhy,
    pub kind: KindWhy,
    pub year: YearWhy,
    pub period: PeriodWhy,
    pub bound: BoundWhy,
    pub tier: TierWhy,
}

/// How names share the figures of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sharing {
    /// One name, its figures.
    Alone,
    /// Handed out in order (分别).
    InOrder,
    /// Every name of the list gets the figure.
    List,
}

/// Which name the figure is about, and how it was reached.
#[derive(Debug, Clone)]
pub enum NameWhy {
    /// A name of the sentence: in the figure's clause, or inherited from an
    /// earlier one.
    Prose {
        label: String,
        rule: String,
        inherited: bool,
        sharing: Sharing,
    },
    /// The name cell of a table row.
    TableRow { label: String, rule: String },
}

/// What made the metric.
#[derive(Debug, Clone)]
pub enum MetricWhy {
    /// The figure's unit (and its class) and verb.
    Figure {
        unit: String,
        class: Option<String>,
        verb: Option<String>,
    },
    /// A table column's header.
    Column { verb: VerbClass, unit: String },
}

/// What decided the kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KindWhy {
    /// A cue word before the figure (目标, 预计, 完成).
    Cue(String),
    /// The figure's year against the year the report reviews.
    AgainstReview {
        year: i32,
        review: i32,
    },
    PlanPart,
    ReviewPart,
    /// A weak cue, where nothing else says.
    WeakCue(String),
    /// Nothing: an outcome.
    Default,
    Table,
}

/// Where the year came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearWhy {
    /// A year in the sentence or opening a clause of its paragraph.
    Stated,
    /// The five-year span its paragraph or heading is about.
    Span,
    /// The year of an enclosing heading.
    Heading,
    /// The report's plan year (plan part of the report).
    PlanYear,
    /// The year the report reviews (review part of the report).
    ReviewYear,
    /// None in the text and none inferable.
    Unknown,
    Table,
}

/// Where the period came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodWhy {
    /// Words around the figure (上半年, 年均, 累计, 比2020年).
    Words,
    /// The five-year span its paragraph is about (这五年，…).
    Paragraph,
    /// A heading it sits under (二、“十五五”时期主要目标, 一、上半年工作).
    Heading,
    /// Nothing: a year.
    Default,
    Table,
}

/// What decided the bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BoundWhy {
    Qualifier(String),
    None,
    Table,
}

/// What decided the tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierWhy {
    Word(Tier),
    None,
    Table,
}

impl fmt::Display for NameWhy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameWhy::Prose {
                label,
                rule,
                inherited,
                sharing,
            } => {
                let how = if *inherited {
                    "an earlier clause of the sentence (inherited)"
                } else {
                    "its clause"
                };
                let share = match sharing {
                    Sharing::InOrder => ", handed out in order (分别)",
                    Sharing::List => ", shared by the list",
                    Sharing::Alone => "",
                };
                write!(f, "`{label}` ({rule}) in {how}{share}")
            }
            NameWhy::TableRow { label, rule } => write!(f, "`{label}` ({rule}) in a table row"),
        }
    }
}

impl fmt::Display for MetricWhy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MetricWhy::Figure { unit, class, verb } => write!(
                f,
                "unit `{unit}` ({}) with verb {}",
                class.as_deref().unwrap_or("?"),
                verb.as_deref().unwrap_or("none")
            ),
            MetricWhy::Column { verb, unit } => {
                write!(f, "column {verb:?} of the table header, unit `{unit}`")
            }
        }
    }
}

impl fmt::Display for KindWhy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KindWhy::Cue(word) => write!(f, "cue word `{word}` before the figure"),
            KindWhy::AgainstReview { year, review } => write!(
                f,
                "its year {year} against the year the report reviews, {review}"
            ),
            KindWhy::PlanPart => f.write_str("plan part of the report"),
            KindWhy::ReviewPart => f.write_str("review part of the report"),
            KindWhy::WeakCue(word) => write!(f, "weak cue `{word}`"),
            KindWhy::Default => f.write_str("no cue: an outcome by default"),
            KindWhy::Table => f.write_str("a table: an outcome"),
        }
    }
}

impl fmt::Display for YearWhy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            YearWhy::Stated => "a year in the sentence or opening a clause of its paragraph",
            YearWhy::Span => "the five-year span its paragraph or heading is about",
            YearWhy::Heading => "the year in the enclosing heading",
            YearWhy::PlanYear => "the report's plan year (plan part of the report)",
            YearWhy::ReviewYear => "the year the report reviews (review part of the report)",
            YearWhy::Unknown => "no year in the text and none inferable",
            YearWhy::Table => "a table: the year the report reviews",
        })
    }
}

impl fmt::Display for PeriodWhy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PeriodWhy::Words => "the words around the figure",
            PeriodWhy::Paragraph => "the five-year span its paragraph is about",
            PeriodWhy::Heading => "a heading it sits under",
            PeriodWhy::Default => "nothing says otherwise: a year",
            PeriodWhy::Table => "a table: a year",
        })
    }
}

impl fmt::Display for BoundWhy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BoundWhy::Qualifier(q) => write!(f, "qualifier `{q}`"),
            BoundWhy::None => f.write_str("no qualifier"),
            BoundWhy::Table => f.write_str("a table: exact"),
        }
    }
}

impl fmt::Display for TierWhy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TierWhy::Word(t) => write!(f, "{t:?} word before it in the sentence"),
            TierWhy::None => f.write_str("no tier word before it in the sentence"),
            TierWhy::Table => f.write_str("a table: none"),
        }
    }
}
