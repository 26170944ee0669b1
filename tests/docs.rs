//! `zhibiao docs` on every document of the corpus: type, year and region
//! code, against a table read and checked by hand.

mod common;

use common::{root, zhibiao};

/// Document, type, year, region code. 207 is an excerpt with no title or
/// opening: its type is not said, so `other`; its region is the province
/// its text names (重庆). 003 (a press conference whose years the site
/// dropped) states no year.
const EXPECTED: &[(&str, &str, Option<i32>, &str)] = &[
    ("dev/301_jilin-2026-gwr.txt", "gwr", Some(2026), "220000"),
    (
        "dev/302_tianjin-2026-gwr-part.txt",
        "gwr",
        Some(2026),
        "120000",
    ),
    (
        "dev/303_anhui-2026-gwr-part.txt",
        "gwr",
        Some(2026),
        "340000",
    ),
    (
        "dev/304_guangxi-2026-gwr-part.txt",
        "gwr",
        Some(2026),
        "450000",
    ),
    (
        "dev/305_hubei-2026-gwr-part.txt",
        "gwr",
        Some(2026),
        "420000",
    ),
    (
        "dev/601_rongcheng-county-2012-gwr.txt",
        "gwr",
        Some(2012),
        "130629",
    ),
    (
        "dev/602_xushui-county-2010-gwr.txt",
        "gwr",
        Some(2010),
        "130609",
    ),
    (
        "dev/603_laiyuan-county-2025-gwr.txt",
        "gwr",
        Some(2025),
        "130630",
    ),
    (
        "dev/604_baoding-city-2014-gwr.txt",
        "gwr",
        Some(2014),
        "130600",
    ),
    (
        "dev/605_baoding-city-2021-gwr-part.txt",
        "gwr",
        Some(2021),
        "130600",
    ),
    (
        "extra/201_hailar-district-2014-gwr.txt",
        "gwr",
        Some(2014),
        "150702",
    ),
    (
        "extra/202_hailar-district-2013-gwr.txt",
        "gwr",
        Some(2013),
        "150702",
    ),
    (
        "extra/203_hailar-district-2012-gwr.txt",
        "gwr",
        Some(2012),
        "150702",
    ),
    (
        "extra/204_jiangsu-2026-gwr.txt",
        "gwr",
        Some(2026),
        "320000",
    ),
    ("extra/205_gansu-2026-gwr.txt", "gwr", Some(2026), "620000"),
    (
        "extra/206_shanghai-2026-gwr.txt",
        "gwr",
        Some(2026),
        "310000",
    ),
    (
        "extra/207_chongqing-2026-gwr-part.txt",
        "other",
        Some(2026),
        "500000",
    ),
    (
        "national/2003-state-council-gwr.txt",
        "gwr",
        Some(2003),
        "100000",
    ),
    (
        "national/2004-state-council-gwr.txt",
        "gwr",
        Some(2004),
        "100000",
    ),
    (
        "national/2005-state-council-gwr.txt",
        "gwr",
        Some(2005),
        "100000",
    ),
    (
        "national/2006-state-council-gwr.txt",
        "gwr",
        Some(2006),
        "100000",
    ),
    (
        "national/2007-state-council-gwr.txt",
        "gwr",
        Some(2007),
        "100000",
    ),
    (
        "national/2008-state-council-gwr.txt",
        "gwr",
        Some(2008),
        "100000",
    ),
    (
        "national/2009-state-council-gwr.txt",
        "gwr",
        Some(2009),
        "100000",
    ),
    (
        "national/2010-state-council-gwr.txt",
        "gwr",
        Some(2010),
        "100000",
    ),
    (
        "national/2011-state-council-gwr.txt",
        "gwr",
        Some(2011),
        "100000",
    ),
    (
        "national/2012-state-council-gwr.txt",
        "gwr",
        Some(2012),
        "100000",
    ),
    (
        "national/2013-state-council-gwr.txt",
        "gwr",
        Some(2013),
        "100000",
    ),
    (
        "national/2014-state-council-gwr.txt",
        "gwr",
        Some(2014),
        "100000",
    ),
    (
        "national/2015-state-council-gwr.txt",
        "gwr",
        Some(2015),
        "100000",
    ),
    (
        "national/2016-state-council-gwr.txt",
        "gwr",
        Some(2016),
        "100000",
    ),
    (
        "national/2017-state-council-gwr.txt",
        "gwr",
        Some(2017),
        "100000",
    ),
    (
        "national/2018-state-council-gwr.txt",
        "gwr",
        Some(2018),
        "100000",
    ),
    (
        "national/2019-state-council-gwr.txt",
        "gwr",
        Some(2019),
        "100000",
    ),
    (
        "national/2021-state-council-gwr.txt",
        "gwr",
        Some(2021),
        "100000",
    ),
    (
        "national/2022-state-council-gwr.txt",
        "gwr",
        Some(2022),
        "100000",
    ),
    (
        "national/2023-state-council-gwr.txt",
        "gwr",
        Some(2023),
        "100000",
    ),
    (
        "national/2024-state-council-gwr.txt",
        "gwr",
        Some(2024),
        "100000",
    ),
    (
        "national/2025-state-council-gwr.txt",
        "gwr",
        Some(2025),
        "100000",
    ),
    (
        "seeds/000_8360ffcb650b0fa4.txt",
        "presser",
        Some(2023),
        "532500",
    ),
    (
        "seeds/001_377fd206c21df32a.txt",
        "gwr",
        Some(2023),
        "530302",
    ),
    (
        "seeds/002_ee0cd8f568fba525.txt",
        "plan",
        Some(2024),
        "510402",
    ),
    ("seeds/003_db86c600a964af3c.txt", "presser", None, "410800"),
    (
        "seeds/004_1d14376f1af869e4.txt",
        "speech",
        Some(2021),
        "210404",
    ),
];

#[test]
fn every_document_gets_its_type_year_and_region() {
    let out = zhibiao()
        .args(["docs", "-q", "--glob", "*.txt"])
        .args(["dev", "extra", "national", "seeds"].map(|d| root().join("tests/corpus").join(d)))
        .output()
        .unwrap();
    assert!(out.status.success());
    let records: Vec<serde_json::Value> = common::json_lines(&out.stdout);
    assert_eq!(records.len(), EXPECTED.len());
    let mut wrong = Vec::new();
    for (r, &(doc, doc_type, year, code)) in records.iter().zip(EXPECTED) {
        let got = (
            r["doc"]
                .as_str()
                .unwrap()
                .split("tests/corpus/")
                .nth(1)
                .unwrap(),
            r["type"].as_str().unwrap(),
            r["year"].as_i64().map(|y| y as i32),
            r["region_code"].as_str().unwrap_or("-"),
        );
        if got != (doc, doc_type, year, code) {
            wrong.push(format!(
                "{got:?}, expected {:?}",
                (doc, doc_type, year, code)
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Levels, names as written and canonical, and the speaker, on a few.
#[test]
fn regions_carry_level_names_and_line() {
    let out = zhibiao()
        .args(["docs", "-q"])
        .arg(root().join("tests/corpus/dev/602_xushui-county-2010-gwr.txt"))
        .arg(root().join("tests/corpus/national/2024-state-council-gwr.txt"))
        .output()
        .unwrap();
    let records: Vec<serde_json::Value> = common::json_lines(&out.stdout);
    // A county since become a district: written 徐水(县), resolved to 徐水区.
    assert_eq!(records[0]["region"], "徐水");
    assert_eq!(records[0]["region_name"], "徐水区");
    assert_eq!(records[0]["region_level"], "county");
    assert_eq!(records[0]["region_line"], 1);
    assert_eq!(records[0]["speaker"], "李保森");
    assert_eq!(records[1]["region"], serde_json::Value::Null);
    assert_eq!(records[1]["region_name"], "中华人民共和国");
    assert_eq!(records[1]["region_level"], "national");
}
