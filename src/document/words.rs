//! The document stage's section of the vocabulary: the words that tell
//! what a report is and which year it is about, read off its head.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::model::DocType;
use crate::rules::layer::{Layer, section};
use crate::rules::source::norm;

section! {
    /// The words the document stage reads.
    pub struct DocumentSection {
        /// What a document is and when, read off its head (see `DocumentWords`).
        documents: Option<DocumentWords> => other,
    }
}

/// The words that tell what a document is and which year it is about.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentWords {
    /// Document types by the words that name them, in a title or in the
    /// opening text.
    #[serde(default)]
    pub types: BTreeMap<DocType, TypeWords>,
    /// A line holding one of these says where and when the report was
    /// delivered (…人民代表大会第五次会议上): its date is the report's.
    #[serde(default)]
    pub meeting: Vec<String>,
    /// Right after a year, words naming it the year the report plans
    /// (2026年主要预期目标, 与2019年计划目标持平, 2012年工作安排).
    #[serde(default)]
    pub plan_year: Vec<String>,
    /// Right after a year, words naming it the year the report reviews
    /// (2013年工作回顾).
    #[serde(default)]
    pub review_year: Vec<String>,
    /// Right before a year, words naming it the year the report reviews
    /// (刚刚过去的2020年).
    #[serde(default)]
    pub reviewed: Vec<String>,
    /// After a five-year plan (“十四五”), words saying it has closed: the
    /// report reviews its last year.
    #[serde(default)]
    pub plan_closed: Vec<String>,
    /// Right after a year, words making it a point the report looks back
    /// on (2012年底, 2012年末).
    #[serde(default)]
    pub year_end: Vec<String>,
}

impl Layer for DocumentWords {
    fn layer(&mut self, over: Self) {
        self.types.layer(over.types);
        self.meeting.layer(over.meeting);
        self.plan_year.layer(over.plan_year);
        self.review_year.layer(over.review_year);
        self.reviewed.layer(over.reviewed);
        self.plan_closed.layer(over.plan_closed);
        self.year_end.layer(over.year_end);
    }
    fn take_out(&mut self, words: &Self) -> bool {
        self.types.take_out(&words.types);
        self.meeting.take_out(&words.meeting);
        self.plan_year.take_out(&words.plan_year);
        self.review_year.take_out(&words.review_year);
        self.reviewed.take_out(&words.reviewed);
        self.plan_closed.take_out(&words.plan_closed);
        self.year_end.take_out(&words.year_end);
        false
    }
}

/// The words that name one document type.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TypeWords {
    /// In the title: 政府工作报告.
    #[serde(default)]
    pub title: Vec<String>,
    /// In the opening text, when no title names the type: 向大会报告.
    #[serde(default)]
    pub text: Vec<String>,
}

impl Layer for TypeWords {
    fn layer(&mut self, over: Self) {
        self.title.layer(over.title);
        self.text.layer(over.text);
    }
    fn take_out(&mut self, words: &Self) -> bool {
        self.title.take_out(&words.title);
        self.text.take_out(&words.text);
        false
    }
}

/// Compile the section: every word normalised as the text it is matched in.
pub fn compile(section: &DocumentSection) -> DocumentWords {
    let vocab = section;
    {
        let mut d = vocab.documents.clone().unwrap_or_default();
        let all = |l: &mut Vec<String>| {
            *l = l
                .iter()
                .map(|w| norm(w))
                .filter(|w| !w.is_empty())
                .collect();
        };
        for t in d.types.values_mut() {
            all(&mut t.title);
            all(&mut t.text);
        }
        for l in [
            &mut d.meeting,
            &mut d.plan_year,
            &mut d.review_year,
            &mut d.reviewed,
            &mut d.plan_closed,
            &mut d.year_end,
        ] {
            all(l);
        }
        d
    }
}
