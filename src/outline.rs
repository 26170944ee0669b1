//! The outline stage: numbered headings, including those that begin in the
//! middle of a line right after a sentence ends.

use std::sync::LazyLock;

use crate::normalise::Normalised;
use crate::parse;

/// A heading found in the normalised text.
#[derive(Debug, Clone)]
pub struct Heading {
    pub level: u8,
    /// Where the marker starts and the title ends, in normalised bytes.
    pub start: usize,
    pub title_end: usize,
    pub marker_end: usize,
}

/// Headings in document order.
pub fn headings(norm: &Normalised) -> Vec<Heading> {
    let text = norm.text.as_str();
    let mut found = Vec::new();
    let mut line_start = 0;
    while line_start < text.len() {
        let line_end = memchr::memchr(b'\n', &text.as_bytes()[line_start..])
            .map_or(text.len(), |p| line_start + p);
        let line = &text[line_start..line_end];
        for at in candidates(line) {
            let rest = &line[at..];
            let Some((level, marker_len)) = parse::heading(rest) else {
                continue;
            };
            let title_len = STOP
                .find(&rest.as_bytes()[marker_len..])
                .unwrap_or(rest.len() - marker_len);
            let title = &rest[marker_len..marker_len + title_len];
            // A heading never runs on for pages: every record under it
            // carries its title.
            let title = match title.char_indices().nth(MAX_TITLE) {
                Some((cut, _)) => &title[..cut],
                None => title,
            };
            let title = title.trim_end();
            if title.is_empty() {
                continue;
            }
            let start = line_start + at;
            found.push(Heading {
                level,
                start,
                marker_end: start + marker_len,
                title_end: start + marker_len + title.len(),
            });
        }
        line_start = line_end + 1;
    }
    found
}

/// The longest title kept, in characters (the longest in every corpus we
/// hold is 186: a note that reads like a heading).
pub const MAX_TITLE: usize = 256;

static STOP: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new("。"));

/// Offsets in a line where a heading may begin: its first non-blank
/// character, and the first non-blank character after each 。.
fn candidates(line: &str) -> impl Iterator<Item = usize> + '_ {
    let skip_blank = |from: usize| from + line[from..].len() - line[from..].trim_start().len();
    // memmem, not `match_indices`: std looks for 。's last byte, which half
    // of all characters end in.
    let stops = STOP.find_iter(line.as_bytes()).map(|i| i + '。'.len_utf8());
    std::iter::once(0)
        .chain(stops)
        .map(skip_blank)
        .filter(|&i| i < line.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(src: &str) -> Vec<(u8, String)> {
        let n = Normalised::new(src);
        headings(&n)
            .iter()
            .map(|h| (h.level, n.text[h.marker_end..h.title_end].to_string()))
            .collect()
    }

    #[test]
    fn line_start_and_mid_line_headings() {
        let src = "一、总体要求\n积极打造产业发展集群。(二)要发挥平台公司作用。把强化…\n  1.持续优化营商环境。坚持…";
        assert_eq!(
            titles(src),
            vec![
                (1, "总体要求".into()),
                (2, "要发挥平台公司作用".into()),
                (3, "持续优化营商环境".into())
            ]
        );
    }

    #[test]
    fn enumerations_are_not_headings() {
        assert!(titles("一是搭建高位推动的工作格局。二是强化").is_empty());
        assert!(titles("增长2.5%。").is_empty());
    }
}
