//! Positions in a decoded text: byte spans and line numbers. A leaf.

use serde::{Deserialize, Serialize};

/// `[start, end)` byte offsets into the decoded UTF-8 text of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span(pub usize, pub usize);

/// Line numbers of byte offsets. A line ends at LF, CR LF or a lone CR.
#[derive(Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        starts.extend(
            memchr::memchr2_iter(b'\n', b'\r', bytes)
                .filter(|&i| !(bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n')))
                .map(|i| i + 1),
        );
        LineIndex { starts }
    }

    /// How many line breaks the text holds.
    pub fn breaks(&self) -> usize {
        self.starts.len() - 1
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}
