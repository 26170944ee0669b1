//! Whose report it is: the gazetteer (rule-pack data, `rules/regions.yaml`)
//! and how a report's head names its region.
//!
//! A name matches as written in full (徐水区), without its suffix (徐水:
//! so 徐水县, its name before it became a district, finds it too), as a
//! former name, or, in a title only, as a province's short name (粤). A
//! name several regions share resolves by the other names on its line (朝阳区
//! after 北京市) or not at all: a region is never guessed.

use std::collections::{BTreeMap, HashMap, HashSet};

use aho_corasick::{AhoCorasick, MatchKind};

use schemars::JsonSchema;
use serde::Deserialize;

use crate::model::RegionLevel;
use crate::rules::layer::{Layer, section};
use crate::rules::source::Collector;

section! {
    /// The region stage's words.
    pub struct RegionSection {
        /// The gazetteer, and the words that say whose report it is (see
        /// `RegionWords`).
        regions: Option<RegionWords> => other,
    }
}

/// The gazetteer and how a report's region is read (src/region.rs).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionWords {
    /// Regions as "code name": the 6-digit GB/T 2260 code (a province's
    /// ends in 0000, a prefecture's in 00) and the name (110105 朝阳区).
    #[serde(default)]
    pub list: Vec<String>,
    /// Names no longer in use → the code of the region now (襄樊市: 420600).
    /// A county that became a district (徐水县 → 徐水区) needs none: names
    /// also match without their suffix.
    #[serde(default)]
    pub former: BTreeMap<String, String>,
    /// Short names of provinces → code (粤: 440000, 龙江: 230000), read
    /// where nothing longer names a region.
    #[serde(default)]
    pub short: BTreeMap<String, String>,
    /// Endings a name may be written without (省, 市, 自治区, 县, 区, 旗);
    /// what is left must be two characters or more.
    #[serde(default)]
    pub suffixes: Vec<String>,
    /// Peoples named in autonomous regions' names: a name is also read up
    /// to the first of them (红河哈尼族彝族自治州 → 红河).
    #[serde(default)]
    pub peoples: Vec<String>,
    /// The code and name the nation's reports get, and the words in a
    /// report's head that make it the nation's (国务院, 全国人民代表大会).
    #[serde(default)]
    pub national: Option<NationalWords>,
    /// Words right after a region name that make it the report's own
    /// (…人民政府, …人民代表大会): read before any other mention.
    #[serde(default)]
    pub own: Vec<String>,
    /// Titles of the official who delivers a report (市长, 总理), followed
    /// by the name.
    #[serde(default)]
    pub speakers: Vec<String>,
    /// Right after a name of two characters (和县), words that take its
    /// suffix into a body's name: 市政府和县委 is 和 + 县委, no region.
    #[serde(default)]
    pub bodies: Vec<String>,
    /// Words that hold a region's name but name none (雄安新区 holds 安新,
    /// 示范县 范县).
    #[serde(default)]
    pub not_names: Vec<String>,
    /// Names without their suffix that are everyday words (资源, 合作,
    /// 振兴): not counted when the region a text names most is looked for.
    #[serde(default)]
    pub common_words: Vec<String>,
    /// Words right before an indicator's name that make a statement about
    /// the whole region (全省地区生产总值): a panel cell prefers it over
    /// one that may be about a part.
    #[serde(default)]
    pub whole: Vec<String>,
}

impl Layer for RegionWords {
    fn layer(&mut self, over: Self) {
        self.list.layer(over.list);
        self.former.layer(over.former);
        self.short.layer(over.short);
        self.suffixes.layer(over.suffixes);
        self.peoples.layer(over.peoples);
        match (&mut self.national, over.national) {
            (Some(mine), Some(over)) => mine.layer(over),
            (mine, over) => *mine = over.or(mine.take()),
        }
        self.own.layer(over.own);
        self.speakers.layer(over.speakers);
        self.bodies.layer(over.bodies);
        self.not_names.layer(over.not_names);
        self.common_words.layer(over.common_words);
        self.whole.layer(over.whole);
    }
    fn take_out(&mut self, words: &Self) -> bool {
        self.list.take_out(&words.list);
        self.former.take_out(&words.former);
        self.short.take_out(&words.short);
        self.suffixes.take_out(&words.suffixes);
        self.peoples.take_out(&words.peoples);
        self.national.take_out(&words.national);
        self.own.take_out(&words.own);
        self.speakers.take_out(&words.speakers);
        self.bodies.take_out(&words.bodies);
        self.not_names.take_out(&words.not_names);
        self.common_words.take_out(&words.common_words);
        self.whole.take_out(&words.whole);
        false
    }
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NationalWords {
    pub code: String,
    pub name: String,
    /// In a head line: the report speaks for the nation (我代表国务院).
    #[serde(default)]
    pub words: Vec<String>,
    /// In the opening text of a report whose head names no region and
    /// whose text names none often: the nation's (我国各族人民).
    #[serde(default)]
    pub opening: Vec<String>,
}

impl Layer for NationalWords {
    fn layer(&mut self, over: Self) {
        self.code = over.code;
        self.name = over.name;
        self.words.layer(over.words);
        self.opening.layer(over.opening);
    }
    fn take_out(&mut self, words: &Self) -> bool {
        self.words.take_out(&words.words);
        self.opening.take_out(&words.opening);
        false
    }
}

/// The gazetteer of `section`, or what is wrong with it (reported by
/// [`settle`]): the half of compiling it that needs no collector, so that it
/// can run on a thread of its own.
pub fn build(section: &RegionSection) -> Result<Gazetteer, Vec<BadEntry>> {
    Gazetteer::new(&section.regions.clone().unwrap_or_default())
}

/// The gazetteer `build` gave, its errors reported to `cx`.
pub fn settle(built: Result<Gazetteer, Vec<BadEntry>>, cx: &mut Collector<'_>) -> Gazetteer {
    built.unwrap_or_else(|bad| {
        for b in bad {
            cx.error_at(None, &b.at, b.message);
        }
        Gazetteer::default()
    })
}

/// One region of the gazetteer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// The 6-digit GB/T 2260 code.
    pub code: String,
    /// The canonical name (徐水区).
    pub name: String,
    pub level: RegionLevel,
}

impl Region {
    fn new(code: &str, name: &str) -> Region {
        let level = if code.ends_with("0000") {
            RegionLevel::Province
        } else if code.ends_with("00") {
            RegionLevel::Prefecture
        } else {
            RegionLevel::County
        };
        Region {
            code: code.to_string(),
            name: name.to_string(),
            level,
        }
    }

    /// Whether `self` contains `other` (a province its counties).
    pub fn contains(&self, other: &Region) -> bool {
        let prefix = match self.level {
            RegionLevel::National => 0,
            RegionLevel::Province => 2,
            RegionLevel::Prefecture => 4,
            RegionLevel::County => return false,
        };
        self.level < other.level && other.code[..prefix] == self.code[..prefix]
    }
}

/// What a matched name may stand for.
#[derive(Debug, Default)]
struct Form {
    regions: Vec<usize>,
    /// The name in full, or a former name: a name by itself.
    full: bool,
    /// A province's short name: read in a title only.
    short: bool,
}

/// The compiled gazetteer.
#[derive(Debug, Default)]
pub struct Gazetteer {
    regions: Vec<Region>,
    forms: Vec<Form>,
    automaton: Option<AhoCorasick>,
    /// First characters of suffixes: a name without its suffix followed by
    /// one of them (红河 + 州) is as good as the full name.
    suffix_starts: Vec<char>,
    national: Option<Region>,
    national_words: Vec<String>,
    national_opening: Vec<String>,
    own: Vec<String>,
    bodies: Vec<String>,
    not_names: Vec<String>,
    common_words: HashSet<String>,
    whole: Vec<String>,
    /// Officials' titles (市长, 总理), longest first where they overlap.
    speakers: Option<AhoCorasick>,
}

/// How far after a region's name a word of its own government may stand
/// (保定市第十四届人民代表大会: the session between), in bytes.
const OWN_WINDOW: usize = 30;

/// The fewest times a text must name a region for it to be the report's
/// by count alone.
const MOST_NAMED: usize = 3;
/// How many times as often as the region its opening names first a text
/// must name another for that one to be the report's.
const OVER_FIRST: usize = 3;

/// A region a text names, and where.
#[derive(Debug, Clone)]
pub struct Found<'g> {
    pub region: &'g Region,
    /// Byte range of the name in the text searched.
    pub start: usize,
    pub end: usize,
}

/// Why a gazetteer entry is wrong, for a located rule error.
#[derive(Debug)]
pub struct BadEntry {
    /// The text to locate the error at.
    pub at: String,
    pub message: String,
}

impl Gazetteer {
    /// The words that make a statement about the whole region (全省).
    pub fn whole_words(&self) -> &[String] {
        &self.whole
    }

    /// Compile the rule pack's regions; a malformed entry or an unknown
    /// code is a `BadEntry`.
    pub fn new(words: &RegionWords) -> Result<Gazetteer, Vec<BadEntry>> {
        let mut bad = Vec::new();
        let mut g = Gazetteer::default();
        let mut by_code: HashMap<String, usize> = HashMap::new();
        for entry in &words.list {
            let mut parts = entry.split_whitespace();
            match (parts.next(), parts.next(), parts.next()) {
                (Some(code), Some(name), None)
                    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    by_code.insert(code.to_string(), g.regions.len());
                    g.regions.push(Region::new(code, name));
                }
                _ => bad.push(BadEntry {
                    at: entry.clone(),
                    message: format!(
                        "`{entry}` in `regions.list`; expected a 6-digit code and a name (110105 朝阳区)"
                    ),
                }),
            }
        }
        let mut known = |code: &str, what: &str| match by_code.get(code) {
            Some(&i) => Some(i),
            None => {
                bad.push(BadEntry {
                    at: code.to_string(),
                    message: format!(
                        "{what} gives the code `{code}`, which is in no region of `regions.list`; expected the code of a listed region"
                    ),
                });
                None
            }
        };
        let mut names: Vec<String> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut add = |name: String, region: usize, full: bool, short: bool| {
            let i = *index.entry(name.clone()).or_insert_with(|| {
                names.push(name);
                g.forms.push(Form::default());
                g.forms.len() - 1
            });
            let form = &mut g.forms[i];
            if !form.regions.contains(&region) {
                form.regions.push(region);
            }
            form.full |= full;
            form.short |= short;
        };
        let mut suffixes = words.suffixes.clone();
        suffixes.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
        for (i, r) in g.regions.iter().enumerate() {
            add(r.name.clone(), i, true, false);
            if let Some(stem) = stem(&r.name, &suffixes, &words.peoples) {
                add(stem.to_string(), i, false, false);
            }
        }
        for (name, code) in &words.former {
            if let Some(i) = known(code, &format!("former name `{name}`")) {
                add(name.clone(), i, true, false);
            }
        }
        for (name, code) in &words.short {
            if let Some(i) = known(code, &format!("short name `{name}`")) {
                add(name.clone(), i, false, true);
            }
        }
        if let Some(n) = &words.national {
            g.national = Some(Region {
                code: n.code.clone(),
                name: n.name.clone(),
                level: RegionLevel::National,
            });
            g.national_words = n.words.clone();
            g.national_opening = n.opening.clone();
        }
        if !bad.is_empty() {
            return Err(bad);
        }
        g.suffix_starts = words
            .suffixes
            .iter()
            .filter_map(|s| s.chars().next())
            .collect();
        g.own = words.own.clone();
        g.bodies = words.bodies.clone();
        g.not_names = words.not_names.clone();
        g.common_words = words.common_words.iter().cloned().collect();
        g.whole = words.whole.clone();
        g.speakers = (!words.speakers.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&words.speakers)
                .expect("titles are plain strings")
        });
        g.automaton = (!names.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&names)
                .expect("region names are plain strings")
        });
        Ok(g)
    }

    /// The region of a code (the nation's included).
    pub fn by_code(&self, code: &str) -> Option<&Region> {
        self.national
            .iter()
            .chain(&self.regions)
            .find(|r| r.code == code)
    }

    /// The nation, as the pack names it.
    pub fn national(&self) -> Option<&Region> {
        self.national.as_ref()
    }

    /// Whether an opening text holds a word that makes a report whose
    /// region nothing else says the nation's.
    pub fn opens_as_nation(&self, opening: &str) -> bool {
        self.national_opening
            .iter()
            .any(|w| opening.contains(w.as_str()))
    }

    /// Whether `line` holds a word that makes a report the nation's.
    pub fn names_nation(&self, line: &str) -> bool {
        self.national_words
            .iter()
            .any(|w| line.contains(w.as_str()))
    }

    /// Whether the text right after a region's name (`rest`) makes it the
    /// report's own: a word of its government or congress within a few
    /// characters (徐水县人民政府, 保定市第十四届人民代表大会).
    pub fn own_after(&self, rest: &str) -> bool {
        let window = &rest[..rest.floor_char_boundary(OWN_WINDOW)];
        self.own.iter().any(|w| window.contains(w.as_str()))
    }

    /// Whether `line` holds a word of a government or congress at all: a
    /// line without one names no region as its own, and is spared the
    /// search for names.
    pub fn names_own(&self, line: &str) -> bool {
        self.own.iter().any(|w| line.contains(w.as_str()))
    }

    /// The region `line` names, where its names agree on one. `title`
    /// allows short names; a name without its suffix alone (徐水, 重庆)
    /// counts for regions up to `bare` (in a title or a meeting line any
    /// region; in running text a province only).
    pub fn region_of<'g>(
        &'g self,
        line: &str,
        title: bool,
        bare: RegionLevel,
    ) -> Option<Found<'g>> {
        let automaton = self.automaton.as_ref()?;
        // Each mention: its name, and the regions it may be. A name without
        // its suffix followed by one (红河 + 州) prefers the regions whose
        // name ends so (红河哈尼族彝族自治州, not 红河县).
        let masked = self.masked(line);
        let mentions: Vec<(usize, usize, usize, Vec<&Region>)> = automaton
            .find_iter(line)
            .filter_map(|m| {
                let form = &self.forms[m.pattern().as_usize()];
                if self.no_name(line, &m, &masked) {
                    return None;
                }
                let next = line[m.end()..]
                    .chars()
                    .next()
                    .filter(|c| self.suffix_starts.contains(c));
                let ok = if form.short {
                    title
                } else {
                    form.full
                        || next.is_some()
                        || form.regions.iter().all(|&i| self.regions[i].level <= bare)
                };
                if !ok {
                    return None;
                }
                let mut regions: Vec<&Region> =
                    form.regions.iter().map(|&i| &self.regions[i]).collect();
                if let Some(c) = next.filter(|_| !form.full)
                    && regions.iter().any(|r| r.name.ends_with(c))
                {
                    regions.retain(|r| r.name.ends_with(c));
                }
                Some((m.pattern().as_usize(), m.start(), m.end(), regions))
            })
            .collect();
        // A candidate is kept when most other names (not the same name
        // again) contain it.
        let mut best: Option<Found<'g>> = None;
        for (form, start, end, candidates) in &mentions {
            let support = |r: &Region| {
                mentions
                    .iter()
                    .filter(|(f, _, _, other)| f != form && other.iter().any(|o| o.contains(r)))
                    .count()
            };
            let top = candidates.iter().map(|r| support(r)).max().unwrap_or(0);
            let mut kept = candidates.iter().filter(|r| support(r) == top);
            let (Some(region), None) = (kept.next(), kept.next()) else {
                continue; // ambiguous: no guess
            };
            if best.as_ref().is_none_or(|b| region.level > b.region.level) {
                best = Some(Found {
                    region,
                    start: *start,
                    end: *end,
                });
            }
        }
        best
    }

    /// The region a text names most often, in full or without its suffix
    /// (a province in full only), when one stands out: named at least
    /// [`MOST_NAMED`] times, twice as often as any other, and, against the
    /// region its opening names first (`first`), [`OVER_FIRST`] times as
    /// often. A report whose head says nothing names its own region
    /// throughout (容城 29 times, 北京 once); an excerpt names its own first.
    pub fn most_named<'g>(&'g self, text: &str, first: Option<&Region>) -> Option<Found<'g>> {
        let automaton = self.automaton.as_ref()?;
        let masked = self.masked(text);
        let mut counts: HashMap<usize, (usize, usize, usize)> = HashMap::new();
        for m in automaton.find_iter(text) {
            let form = &self.forms[m.pattern().as_usize()];
            let [region] = form.regions[..] else { continue };
            // A province without its suffix is named for its place in the
            // country (京津冀, 北京的), not as the report's own.
            let common = !form.full
                && (self.common_words.contains(&text[m.start()..m.end()])
                    || self.regions[region].level == RegionLevel::Province);
            if form.short || common || self.no_name(text, &m, &masked) {
                continue;
            }
            counts.entry(region).or_insert((0, m.start(), m.end())).0 += 1;
        }
        let mut ranked: Vec<(usize, (usize, usize, usize))> = counts.into_iter().collect();
        ranked.sort_by_key(|&(r, (n, at, _))| (std::cmp::Reverse(n), at, r));
        let (region, (n, start, end)) = *ranked.first()?;
        let second = ranked.get(1).map_or(0, |(_, (n, ..))| *n);
        let named = |r: &Region| {
            ranked
                .iter()
                .find(|(i, _)| self.regions[*i] == *r)
                .map_or(0, |(_, (n, ..))| *n)
        };
        let over_first =
            first.is_none_or(|f| *f != self.regions[region] && n >= OVER_FIRST * named(f));
        (n >= MOST_NAMED && n >= 2 * second && over_first).then(|| Found {
            region: &self.regions[region],
            start,
            end,
        })
    }

    /// Whether `text` names a place below `region` (a prefecture of a
    /// province, a county of a prefecture), in full or without its suffix
    /// (everyday words aside).
    pub fn names_below(&self, text: &str, region: &Region) -> bool {
        let Some(automaton) = self.automaton.as_ref() else {
            return false;
        };
        let masked = self.masked(text);
        automaton.find_iter(text).any(|m| {
            let form = &self.forms[m.pattern().as_usize()];
            let common = !form.full && self.common_words.contains(&text[m.start()..m.end()]);
            !form.short
                && !common
                && !self.no_name(text, &m, &masked)
                && form
                    .regions
                    .iter()
                    .any(|&i| region.contains(&self.regions[i]))
        })
    }

    /// Where `text` holds a word that names no region though a name is in
    /// it (雄安新区, 示范县): a name there is none.
    fn masked(&self, text: &str) -> Vec<(usize, usize)> {
        self.not_names
            .iter()
            .flat_map(|w| {
                text.match_indices(w.as_str())
                    .map(|(at, w)| (at, at + w.len()))
            })
            .collect()
    }

    /// Whether a match names no region: a name inside a word that names
    /// none, or a name of two characters that gives its
    /// suffix to a body after it (和县委: 和 + 县委).
    fn no_name(&self, text: &str, m: &aho_corasick::Match, masked: &[(usize, usize)]) -> bool {
        let inside = |&(s, e): &(usize, usize)| s <= m.start() && m.end() <= e;
        let rest = &text[m.end()..];
        masked.iter().any(inside)
            || text[m.start()..m.end()].chars().count() == 2
                && self.bodies.iter().any(|b| rest.starts_with(b.as_str()))
    }

    /// The speaker a head line names after an official's title (市长 马誉峰),
    /// or, when the title ends the line, the `next` line does.
    pub fn speaker_of<'l>(&self, line: &'l str, next: &'l str) -> Option<&'l str> {
        self.speakers.as_ref()?.find_iter(line).find_map(|m| {
            let rest = match line[m.end()..].trim() {
                "" => next.trim(),
                rest => rest,
            };
            let name_len: usize = rest
                .chars()
                .take_while(|c| ('\u{4e00}'..='\u{9fff}').contains(c) || *c == '·')
                .take(5)
                .map(char::len_utf8)
                .sum();
            let name = &rest[..name_len];
            (2..=5).contains(&name.chars().count()).then_some(name)
        })
    }
}

/// A name without its suffix (徐水区 → 徐水), and without the peoples an
/// autonomous region is named for (红河哈尼族彝族自治州 → 红河), if at least
/// two characters are left.
fn stem<'n>(name: &'n str, suffixes: &[String], peoples: &[String]) -> Option<&'n str> {
    let s = suffixes
        .iter()
        .find_map(|s| name.strip_suffix(s.as_str()))?;
    let s = peoples
        .iter()
        .filter_map(|p| s.find(p.as_str()))
        .min()
        .map_or(s, |at| &s[..at]);
    (s.chars().count() >= 2).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gazetteer() -> Gazetteer {
        let words = RegionWords {
            list: [
                "110000 北京市",
                "110105 朝阳区",
                "130000 河北省",
                "130600 保定市",
                "130609 徐水区",
                "210000 辽宁省",
                "211300 朝阳市",
                "220000 吉林省",
                "220200 吉林市",
                "220100 长春市",
                "220104 朝阳区",
                "440000 广东省",
            ]
            .map(String::from)
            .to_vec(),
            short: [("粤".to_string(), "440000".to_string())].into(),
            suffixes: ["省", "市", "区", "县"].map(String::from).to_vec(),
            speakers: vec!["市长".into()],
            ..RegionWords::default()
        };
        Gazetteer::new(&words).unwrap()
    }

    fn code(g: &Gazetteer, line: &str, title: bool) -> Option<String> {
        g.region_of(line, title, RegionLevel::County)
            .map(|f| f.region.code.clone())
    }

    #[test]
    fn names_resolve_by_the_names_beside_them() {
        let g = gazetteer();
        assert_eq!(
            code(&g, "北京市朝阳区2024年政府工作报告", true).as_deref(),
            Some("110105")
        );
        assert_eq!(
            code(&g, "长春市朝阳区政府工作报告", true).as_deref(),
            Some("220104")
        );
        // The same name twice is no evidence for itself.
        assert_eq!(code(&g, "朝阳区和朝阳区", true), None);
        // Two 朝阳区 and nothing to tell them apart: no guess.
        assert_eq!(code(&g, "朝阳区政府工作报告", true), None);
        // A county by its former name (徐水县, now 徐水区).
        assert_eq!(
            code(&g, "在徐水县第十四届人民代表大会", false).as_deref(),
            Some("130609")
        );
        // 吉林省 in full is the province, not the city.
        assert_eq!(
            code(&g, "2026年吉林省政府工作报告", true).as_deref(),
            Some("220000")
        );
        // Short names in titles only.
        assert_eq!(code(&g, "粤政府工作报告", true).as_deref(), Some("440000"));
        assert_eq!(code(&g, "粤政府工作报告", false), None);
    }

    #[test]
    fn speakers_follow_their_title() {
        let g = gazetteer();
        assert_eq!(
            g.speaker_of("保定市人民政府市长 马誉峰", ""),
            Some("马誉峰")
        );
        assert_eq!(g.speaker_of("市长", "马誉峰"), Some("马誉峰"));
        assert_eq!(g.speaker_of("市长", ""), None);
    }

    #[test]
    fn a_bad_entry_is_said() {
        let words = RegionWords {
            list: vec!["11 北京".into()],
            ..RegionWords::default()
        };
        assert!(Gazetteer::new(&words).is_err());
    }
}
