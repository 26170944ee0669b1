//! A maintainer's rule file, layered over the built-in pack at run time
//! (examples/rules/enterprises.yaml): no rebuild, new records.

mod common;

use common::{fresh_dir, root, run_with_stdin, zhibiao};

/// `zhibiao extract` over stdin text with extra arguments; the records.
fn extract(args: &[&str], text: &str) -> Vec<serde_json::Value> {
    let out = run_with_stdin(
        zhibiao()
            .current_dir(root())
            .arg("extract")
            .args(args)
            .arg("-"),
        text,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn ids(records: &[serde_json::Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| {
            format!(
                "{}:{}:{}",
                r["indicator"].as_str().unwrap(),
                r["metric"].as_str().unwrap(),
                r["value"]
            )
        })
        .collect()
}

const TEXT: &str = "2023年，全区新认定国家高新技术企业6家、总量达到25家，确保新增“四上”企业40家，\
全年消费品零售总额达到1000亿元，市场主体达12.9万户。某乡镇固定资产投资增长10%。";

#[test]
fn user_rules_add_extend_switch_off_and_replace() {
    let builtin = ids(&extract(&[], TEXT));
    assert!(
        builtin.contains(&"market_entities:level:12.9".to_string()),
        "{builtin:?}"
    );
    assert!(
        builtin.contains(&"fixed_asset_investment:growth:10.0".to_string()),
        "{builtin:?}"
    );
    assert!(
        !builtin.iter().any(|r| r.starts_with("retail_sales:")),
        "消费品零售总额 is not a built-in name: {builtin:?}"
    );

    let layered = extract(&["--rules", "examples/rules"], TEXT);
    let got = ids(&layered);
    // New indicators.
    assert!(
        got.contains(&"high_tech_enterprises:change:6.0".to_string()),
        "{got:?}"
    );
    assert!(
        got.contains(&"high_tech_enterprises:level:25.0".to_string()),
        "{got:?}"
    );
    let four = layered
        .iter()
        .find(|r| r["indicator"] == "four_above_enterprises")
        .unwrap();
    assert_eq!(
        (
            four["value"].as_f64(),
            four["kind"].as_str(),
            four["tier"].as_str()
        ),
        (Some(40.0), Some("target"), Some("ensure"))
    );
    // A built-in rule with one more name.
    let retail = layered
        .iter()
        .find(|r| r["indicator"] == "retail_sales")
        .unwrap();
    assert_eq!(
        (
            retail["label"].as_str(),
            retail["value"].as_f64(),
            retail["rule"].as_str()
        ),
        (Some("消费品零售总额"), Some(1000.0), Some("retail_sales"))
    );
    // A built-in rule switched off.
    assert!(
        !got.iter().any(|r| r.starts_with("market_entities")),
        "{got:?}"
    );
    // Words added to a vocabulary list: 乡镇 is a part of the region now.
    assert!(
        !got.iter().any(|r| r.starts_with("fixed_asset_investment")),
        "{got:?}"
    );
}

/// A layer adds one word to a list, one entry to a map, and takes one word
/// out: the built-in words around them stay.
#[test]
fn layers_add_and_remove_single_words() {
    let dir = fresh_dir("layer-words");
    std::fs::write(
        dir.join("words.yaml"),
        "vocabulary:\n  verbs:\n    decline: [下滑]\n  bounds:\n    at_least:\n      before: [逾]\n  units:\n    money: [万万元]\nremove:\n  bounds:\n    approx:\n      after: [左右]\n",
    )
    .unwrap();
    let text = "一般公共预算收入下滑2.8%，固定资产投资增长逾10%，社零额增长5%以上，地区生产总值增长6%左右。";
    let base = extract(&[], text);
    let layered = extract(&["--rules", dir.to_str().unwrap()], text);
    let pick = |rs: &[serde_json::Value], id: &str| {
        rs.iter()
            .find(|r| r["indicator"] == id)
            .map(|r| (r["value"].as_f64(), r["bound"].as_str().map(str::to_string)))
    };
    assert_eq!(
        pick(&base, "budget_revenue"),
        Some((Some(2.8), Some("exact".into())))
    );
    assert_eq!(
        pick(&layered, "budget_revenue"),
        Some((Some(-2.8), Some("exact".into())))
    );
    assert_eq!(
        pick(&layered, "fixed_asset_investment"),
        Some((Some(10.0), Some("at_least".into())))
    );
    // The other built-in qualifiers still read; the one removed does not.
    assert_eq!(
        pick(&layered, "retail_sales"),
        Some((Some(5.0), Some("at_least".into())))
    );
    assert_eq!(pick(&base, "gdp"), Some((Some(6.0), Some("approx".into()))));
    assert_eq!(
        pick(&layered, "gdp"),
        Some((Some(6.0), Some("exact".into())))
    );
}

#[test]
fn only_user_rules() {
    let dir = fresh_dir("only-user-rules");
    std::fs::write(
        dir.join("mini.yaml"),
        "vocabulary:\n  units: {count: [家]}\n  verbs: {change: [新增]}\nindicators:\n  - id: firms\n    aliases: [企业]\n    units: [count]\n",
    )
    .unwrap();
    let records = extract(
        &["--no-default-rules", "--rules", dir.to_str().unwrap()],
        "新增企业40家，地区生产总值增长5%。",
    );
    assert_eq!(ids(&records), vec!["firms:change:40.0"]);
}

#[test]
fn rules_test_runs_the_user_examples() {
    let out = zhibiao()
        .current_dir(root())
        .args(["rules", "test", "examples/rules"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("0 failed"), "{text}");
}

#[test]
fn a_failing_example_shows_expected_and_actual_side_by_side() {
    let dir = fresh_dir("failing-example");
    std::fs::write(
        dir.join("wrong.yaml"),
        "examples:\n  - text: 地区生产总值增长5%。\n    records:\n      - {indicator: gdp, value: 6}\n",
    )
    .unwrap();
    let out = zhibiao()
        .args(["rules", "test"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("FAIL") && text.contains("wrong.yaml"),
        "{text}"
    );
    assert!(
        text.contains(r#"≠ {"indicator":"gdp","value":6.0} | {"indicator":"gdp","value":5.0}"#),
        "{text}"
    );
}
