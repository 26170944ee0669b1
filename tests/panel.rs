//! `zhibiao panel` and `--meta`: targets beside outcomes, region × year.

mod common;

use common::{fresh_dir, root, zhibiao};

/// The national reports give one row per year of GDP growth: the year's
/// target from its own report and the outcome from the next report.
#[test]
fn national_gdp_targets_beside_outcomes() {
    let out = zhibiao()
        .args(["panel", "-q", "--glob", "*.txt"])
        .arg(root().join("tests/corpus/national"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let gdp: Vec<serde_json::Value> = common::json_lines(&out.stdout)
        .into_iter()
        .filter(|r| r["indicator"] == "gdp" && r["metric"] == "growth" && r["period"] == "year")
        .collect();
    let row = |year: i64| gdp.iter().find(|r| r["year"] == year);
    for year in (2003..=2025).filter(|&y| y != 2020) {
        let r = row(year).unwrap_or_else(|| panic!("no row for {year}"));
        assert_eq!(r["region_code"], "100000");
        let target = &r["target"];
        assert!(target.is_object(), "{year}: no target");
        let source = target["sources"][0].as_str().unwrap();
        assert!(
            source.contains(&format!("{year}-state-council")),
            "{year}: {source}"
        );
    }
    // Targets as the reports set them, outcomes as the next report gives them.
    let cell = |year: i64, kind: &str| {
        let c = &row(year).unwrap()[kind];
        (
            c["value"].as_f64(),
            c["value_max"].as_f64(),
            c["bound"].as_str().map(String::from),
        )
    };
    assert_eq!(
        cell(2016, "target"),
        (Some(6.5), Some(7.0), Some("exact".into()))
    );
    assert_eq!(
        cell(2024, "target"),
        (Some(5.0), None, Some("approx".into()))
    );
    assert_eq!(cell(2003, "actual").0, Some(9.1));
    assert_eq!(cell(2023, "actual").0, Some(5.2));
    let actual = &row(2023).unwrap()["actual"];
    assert!(
        actual["sources"][0]
            .as_str()
            .unwrap()
            .contains("2024-state-council")
    );
}

/// A manifest gives region, year and type over the text; bad rows are
/// said with file:line and the rest of the batch goes on (exit 1).
#[test]
fn a_manifest_places_documents_and_bad_rows_are_located() {
    let dir = fresh_dir("meta");
    std::fs::write(dir.join("a.txt"), "今年地区生产总值增长5%左右。\n").unwrap();
    std::fs::write(dir.join("b.txt"), "去年地区生产总值增长6%。\n").unwrap();
    std::fs::write(
        dir.join("meta.csv"),
        "doc,region_code,year,type\na.txt,130609,2024,gwr\nb.txt,999999,2023,gwr\nmissing.txt,130600,2020,gwr\nb.txt,,3000,\n",
    )
    .unwrap();
    let out = zhibiao()
        .current_dir(&*dir)
        .args(["panel", "--meta", "meta.csv", "a.txt", "b.txt"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("meta.csv:3: region code `999999` is in no region"),
        "{err}"
    );
    assert!(
        err.contains("meta.csv:4: no input is named `missing.txt`"),
        "{err}"
    );
    assert!(err.contains("meta.csv:5: year `3000`"), "{err}");
    let rows = common::json_lines(&out.stdout);
    assert_eq!(rows.len(), 1, "b.txt has no region: it is left out");
    assert_eq!(rows[0]["region_code"], "130609");
    assert_eq!(rows[0]["region_name"], "徐水区");
    assert_eq!(rows[0]["year"], 2024);
    assert_eq!(rows[0]["target"]["value"], 5.0);
    // docs says where the year came from.
    let docs = zhibiao()
        .current_dir(&*dir)
        .args(["docs", "-q", "--meta", "meta.csv", "a.txt"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&docs.stdout).unwrap();
    assert_eq!(doc["year_source"], "manifest");
    assert_eq!(doc["type"], "gwr");
}

/// A five-year growth over the span and a yearly average are rows of their
/// own, each saying what it holds; the whole region's figure (全省…) is
/// shown before one that may be about a part.
#[test]
fn five_year_rows_say_what_they_hold_and_the_whole_region_comes_first() {
    let dir = fresh_dir("span-measure");
    std::fs::write(
        dir.join("a.txt"),
        "吉林省2026年政府工作报告\n一、“十四五”时期工作回顾\n这五年，地区生产总值比2020年增长30%，年均增长5.4%。\n二、2025年工作回顾\n地区生产总值达到1.3万亿元。全省地区生产总值达到1.5万亿元。\n",
    )
    .unwrap();
    let out = zhibiao()
        .current_dir(&*dir)
        .args(["panel", "-q", "a.txt"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = common::json_lines(&out.stdout);
    let five: Vec<(String, f64)> = rows
        .iter()
        .filter(|r| r["period"] == "5y")
        .map(|r| {
            (
                r["span_measure"].as_str().unwrap().to_string(),
                r["actual"]["value"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        five,
        [
            ("annual_average".to_string(), 5.4),
            ("over_span".to_string(), 30.0)
        ]
    );
    let level = rows
        .iter()
        .find(|r| r["metric"] == "level" && r["year"] == 2025)
        .unwrap();
    assert_eq!(level["actual"]["value"], 1.5);
    assert_eq!(
        level["actual"]["conflicts"][0],
        "1.3 万亿元 exact @ a.txt:5"
    );
}
