//! The rule pack as maintainers see it: schema, located errors, inline
//! examples.

mod common;

use std::collections::HashMap;

use common::root;

use zhibiao::examples;
use zhibiao::rules::RuleSource;
use zhibiao::{RuleErrors, RulePack};

#[test]
fn schema_file_is_current() {
    let checked_in = std::fs::read_to_string(root().join("rules/schema.json")).unwrap();
    assert!(
        checked_in == zhibiao::rules::schema_json(),
        "rules/schema.json is stale: run `cargo run -- rules schema > rules/schema.json`"
    );
}

/// Errors for a user file layered over the built-in pack.
fn errors(yaml: &str) -> String {
    let mut sources = RuleSource::defaults();
    sources.push(RuleSource {
        name: "user/bad.yaml".into(),
        text: yaml.into(),
    });
    match RulePack::from_sources(&sources) {
        Ok(_) => panic!("expected errors for:\n{yaml}"),
        Err(RuleErrors(list)) => list
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn unknown_key() {
    let e = errors("indicators:\n  - id: x\n    alias: [甲乙]\n");
    assert!(e.starts_with("user/bad.yaml:3:5: "), "{e}");
    assert!(
        e.contains("unknown field `alias`") && e.contains("expected one of"),
        "{e}"
    );
}

#[test]
fn wrong_type() {
    let e = errors("indicators:\n  - id: x\n    aliases: 甲乙\n");
    assert!(e.starts_with("user/bad.yaml:3:14: "), "{e}");
    assert!(
        e.contains("invalid type: string \"甲乙\", expected a sequence"),
        "{e}"
    );
    let e = errors("vocabulary:\n  limits: {max_gap: many, max_inherit: 1}\n");
    assert!(e.starts_with("user/bad.yaml:2:"), "{e}");
    assert!(e.contains("expected usize"), "{e}");
}

#[test]
fn duplicate_ids() {
    let e = errors("indicators:\n  - id: x\n    aliases: [甲乙]\n  - id: x\n    aliases: [丙丁]\n");
    assert!(e.starts_with("user/bad.yaml:4:5: "), "{e}");
    assert!(e.contains("duplicate rule id `x`"), "{e}");
}

#[test]
fn alias_claimed_twice() {
    let e = errors("indicators:\n  - id: my_gdp\n    aliases: [地区生产总值]\n");
    assert!(e.starts_with("user/bad.yaml:3:15: "), "{e}");
    assert!(
        e.contains("alias `地区生产总值` is claimed by `gdp` and by `my_gdp`"),
        "{e}"
    );
}

#[test]
fn empty_and_blank_aliases() {
    let e = errors("indicators:\n  - id: x\n    aliases: [\"\", 甲乙]\n");
    assert!(
        e.starts_with("user/bad.yaml:3:15: ") && e.contains("empty alias"),
        "{e}"
    );
    let e = errors("indicators:\n  - id: x\n    aliases: [\"   \"]\n");
    assert!(
        e.contains("user/bad.yaml:") && e.contains("empty alias \"   \""),
        "{e}"
    );
    let e = errors("indicators:\n  - id: x\n    units: [percent]\n");
    assert!(
        e.starts_with("user/bad.yaml:2:5: ") && e.contains("has no aliases"),
        "{e}"
    );
}

#[test]
fn invalid_pattern() {
    let e = errors("vocabulary:\n  noise_lines: ['^(广告']\n");
    assert!(e.starts_with("user/bad.yaml:2:18: "), "{e}");
    assert!(
        e.contains("invalid pattern `^(广告`") && e.contains("expected a regular expression"),
        "{e}"
    );
}

#[test]
fn undefined_references() {
    let e = errors(
        "indicators:\n  - id: pair\n    each: [gdp, no_such_indicator]\n    aliases: [甲乙]\n",
    );
    assert!(e.starts_with("user/bad.yaml:3:17: "), "{e}");
    assert!(
        e.contains("`each` names `no_such_indicator`, which no rule defines"),
        "{e}"
    );
    let e = errors("indicators:\n  - id: x\n    aliases: [甲乙]\n    units: [furlongs]\n");
    assert!(
        e.starts_with("user/bad.yaml:4:13: ") && e.contains("unit class `furlongs`"),
        "{e}"
    );
    let e = errors(
        "vocabulary:\n  exclusions:\n    partner:\n      before: [东盟]\n      indicators: [no_such]\n",
    );
    assert!(
        e.starts_with("user/bad.yaml:5:20: ")
            && e.contains("exclusion `partner` names indicator `no_such`"),
        "{e}"
    );
    let e = errors("examples:\n  - text: 甲乙增长5%。\n    records: [{indicator: nothing_here}]\n");
    assert!(
        e.starts_with("user/bad.yaml:3:") && e.contains("`nothing_here`"),
        "{e}"
    );
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    let e = errors("indicators:\n  - id: a\n    aliases: [地区生产总值]\n    units: [furlongs]\n");
    assert_eq!(e.lines().count(), 2, "{e}");
    // Three entries wrong in three ways, in two sections: three errors,
    // each at its place.
    let e = errors(
        "indicators:\n  - id: a\n    alias: [甲乙]\n  - id: b\n    aliases: [丙丁]\n  - id: c\n    aliases: 戊己\nvocabulary:\n  links: [同比]\n  limits: {max_gap: many, max_inherit: 1}\n",
    );
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines.len(), 3, "{e}");
    assert!(
        lines[0].starts_with("user/bad.yaml:3:5: indicators[0]: unknown field `alias`"),
        "{e}"
    );
    assert!(
        lines[1].starts_with("user/bad.yaml:7:14: indicators[2].aliases: invalid type"),
        "{e}"
    );
    assert!(
        lines[2].starts_with("user/bad.yaml:10:21: vocabulary.limits.max_gap"),
        "{e}"
    );
}

/// Words that would take no effect are warned of where they were written;
/// the built-in pack has none.
#[test]
fn words_nothing_would_read_are_warned_of() {
    assert!(RulePack::builtin().unwrap().warnings.is_empty());
    let mut sources = RuleSource::defaults();
    sources.push(RuleSource {
        name: "user/words.yaml".into(),
        text: "vocabulary:\n  not_words: [无关词]\n  verbs:\n    decline: [下滑, 下滑了]\n    growth: [増長]\n  bounds:\n    at_most:\n      after: [以上]\n  tiers:\n    ensure: [确保, 確保]\n".into(),
    });
    let pack = RulePack::from_sources(&sources).unwrap();
    let warnings: Vec<String> = pack.warnings.iter().map(ToString::to_string).collect();
    let all = warnings.join("\n");
    assert_eq!(warnings.len(), 3, "{all}");
    assert!(
        all.contains(
            "user/words.yaml:2:15: warning: `无关词` in `not_words` holds no vocabulary word"
        ),
        "{all}"
    );
    assert!(
        all.contains(
            "user/words.yaml:8:15: warning: `以上` is a qualifier of both `at_least` and `at_most`"
        ),
        "{all}"
    );
    assert!(
        all.contains("user/words.yaml:10:18: warning: `確保` in `tiers.ensure` reads as `确保`"),
        "{all}"
    );
}

#[test]
fn default_pack_examples_pass() {
    let engine = zhibiao::Extractor::builtin().unwrap();
    let outcomes = examples::run(&engine);
    let failures: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.passed)
        .map(examples::render_failure)
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_indicator_rule_has_three_examples_with_traditional_and_negative_ones() {
    let pack = RulePack::builtin().unwrap();
    let mut by_rule: HashMap<&str, Vec<&zhibiao::rules::Example>> = HashMap::new();
    for ex in &pack.examples {
        if let Some(rule) = &ex.rule {
            by_rule.entry(rule).or_default().push(&ex.example);
        }
    }
    let simplified = |t: &str| zhibiao::simplified(t);
    for target in &pack.lexicon.targets {
        let exs = by_rule
            .get(target.rule.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        assert!(
            exs.len() >= 3,
            "rule {} has {} examples; expected at least 3",
            target.rule,
            exs.len()
        );
        assert!(
            exs.iter().any(|e| e.records.is_empty()),
            "rule {} has no negative example",
            target.rule
        );
        assert!(
            exs.iter().any(|e| simplified(&e.text) != e.text),
            "rule {} has no traditional-character example",
            target.rule
        );
    }
}

#[test]
fn every_cue_word_is_in_some_example() {
    let text = std::fs::read_to_string(root().join("rules/vocabulary.yaml")).unwrap();
    let pack = RulePack::builtin().unwrap();
    let examples: String = pack
        .examples
        .iter()
        .map(|e| zhibiao::simplified(&e.example.text))
        .collect();
    let vocab: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let v = &vocab["vocabulary"];
    let mut words: Vec<String> = Vec::new();
    for cue in v["kinds"].as_sequence().unwrap() {
        words.extend(
            cue["words"]
                .as_sequence()
                .unwrap()
                .iter()
                .map(|w| w.as_str().unwrap().to_string()),
        );
    }
    let strings = |list: &serde_yaml::Value| -> Vec<String> {
        list.as_sequence()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap().to_string())
            .collect()
    };
    for (_, list) in v["tiers"].as_mapping().unwrap() {
        words.extend(strings(list));
    }
    for (_, placement) in v["bounds"].as_mapping().unwrap() {
        for (_, list) in placement.as_mapping().unwrap() {
            words.extend(strings(list));
        }
    }
    let missing: Vec<&String> = words
        .iter()
        .filter(|w| !examples.contains(w.as_str()))
        .collect();
    assert!(missing.is_empty(), "cue words with no example: {missing:?}");
    // Each exclusion is shown at work by some example.
    let unshown: Vec<&serde_yaml::Value> = v["exclusions"]
        .as_mapping()
        .unwrap()
        .iter()
        .filter(|(_, ex)| {
            !["before", "between"]
                .iter()
                .filter_map(|p| ex.get(p))
                .flat_map(strings)
                .any(|w| examples.contains(w.as_str()))
        })
        .map(|(name, _)| name)
        .collect();
    assert!(
        unshown.is_empty(),
        "exclusions with no example: {unshown:?}"
    );
}

/// One scan finds names leftmost-longest (a rejected long name does not let
/// a shorter one inside it through) and vocabulary words overlapping; a
/// string that is both a name and a word is both.
#[test]
fn one_scan_for_names_and_words() {
    let mut sources = RuleSource::defaults();
    sources.push(RuleSource {
        name: "user/plan.yaml".into(),
        text: "indicators:\n  - id: plan_count\n    aliases: [规划]\n    units: [count]\n".into(),
    });
    let pack = RulePack::from_sources(&sources).unwrap();
    let text = "人均地区生产总值和地区生产总值增长,主要预期目标是,规划";
    let hits = pack.lexicon.scan(text);
    let names: Vec<(&str, &str)> = hits
        .names
        .iter()
        .map(|h| {
            (
                &text[h.start..h.end],
                pack.lexicon.targets[h.target].rule.as_str(),
            )
        })
        .collect();
    assert_eq!(names, [("地区生产总值", "gdp"), ("规划", "plan_count")]);
    assert!(hits.names[0].start > "人均".len());
    let words: Vec<&str> = hits.cues.iter().map(|c| &text[c.start..c.end]).collect();
    for w in ["预期", "目标", "预期目标是", "规划"] {
        assert!(words.contains(&w), "{w} in {words:?}");
    }
    assert!(
        hits.cues
            .iter()
            .any(|c| pack.lexicon.is_frame(c) && &text[c.start..c.end] == "预期目标是")
    );
    assert!(
        hits.cues
            .windows(2)
            .all(|w| (w[0].start, w[0].end) <= (w[1].start, w[1].end))
    );
}

/// A line is spared the vocabulary scan for plan statements only when it
/// holds none of a few substrings every plan-statement word holds.
#[test]
fn lines_without_a_plan_word_are_known_cheaply() {
    let pack = RulePack::builtin().unwrap();
    assert!(
        pack.lexicon
            .may_hold_frame("今年经济社会发展的主要预期目标是:")
    );
    assert!(!pack.lexicon.may_hold_frame("全面落实各项决策部署。"));
    let with = |frame: &str| {
        let mut sources = RuleSource::defaults();
        sources.push(RuleSource {
            name: "user/frame.yaml".into(),
            text: format!("vocabulary:\n  frame: {frame}\n"),
        });
        RulePack::from_sources(&sources).unwrap()
    };
    // Words that share nothing: each line is scanned.
    let scattered = with("[甲乙, 丙丁, 戊己, 庚辛, 壬癸]");
    assert!(scattered.lexicon.may_hold_frame("全面落实各项决策部署。"));
    // A one-character word is its own needle.
    let single = with("[纲, 总体要求]");
    assert!(single.lexicon.may_hold_frame("提纲挈领"));
    assert!(single.lexicon.may_hold_frame("总体要求是"));
    assert!(!single.lexicon.may_hold_frame("全面落实各项决策部署。"));
}

/// A scan of part of a text still judges names by the text around them.
#[test]
fn a_range_scan_sees_the_context() {
    let pack = RulePack::builtin().unwrap();
    let text = "人均地区生产总值。地区生产总值增长5%。";
    let mut hits = zhibiao::Hits::default();
    let second = text.find("。").unwrap() + "。".len();
    pack.lexicon
        .scan_range(text, "人均".len()..second, &mut hits);
    assert!(
        hits.names.is_empty(),
        "人均 before the range still rejects the name"
    );
    pack.lexicon.scan_range(text, second..text.len(), &mut hits);
    assert_eq!(hits.names.len(), 1);
    assert_eq!(hits.names[0].start, second);
}
