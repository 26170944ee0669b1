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
    // The wild corpus: the text's word, not the file name's, where they
    // differ (anxin-2024 is 新安县's report; the rongcheng files name no
    // region in their heads and 容城 throughout).
    ("wild/anguo-2020-gwr.txt", "gwr", Some(2020), "130683"),
    ("wild/anguo-2022-gwr.txt", "gwr", Some(2022), "130683"),
    ("wild/anxin-2024-gwr.txt", "gwr", Some(2024), "410323"),
    (
        "wild/baoding-city-2006-gwr.txt",
        "gwr",
        Some(2006),
        "130600",
    ),
    (
        "wild/baoding-city-2007-gwr.txt",
        "gwr",
        Some(2007),
        "130600",
    ),
    (
        "wild/baoding-city-2009-gwr.txt",
        "gwr",
        Some(2009),
        "130600",
    ),
    (
        "wild/baoding-city-2010-gwr.txt",
        "gwr",
        Some(2010),
        "130600",
    ),
    (
        "wild/baoding-city-2011-gwr.txt",
        "gwr",
        Some(2011),
        "130600",
    ),
    (
        "wild/baoding-city-2013-gwr.txt",
        "gwr",
        Some(2013),
        "130600",
    ),
    (
        "wild/baoding-city-2018-gwr.txt",
        "gwr",
        Some(2018),
        "130600",
    ),
    (
        "wild/baoding-city-2019-gwr.txt",
        "gwr",
        Some(2019),
        "130600",
    ),
    (
        "wild/baoding-city-2022-gwr.txt",
        "gwr",
        Some(2022),
        "130600",
    ),
    (
        "wild/baoding-city-2023-gwr.txt",
        "gwr",
        Some(2023),
        "130600",
    ),
    (
        "wild/baoding-city-2024-gwr.txt",
        "gwr",
        Some(2024),
        "130600",
    ),
    (
        "wild/baoding-city-2025-gwr.txt",
        "gwr",
        Some(2025),
        "130600",
    ),
    (
        "wild/baoding-city-2026-gwr.txt",
        "gwr",
        Some(2026),
        "130600",
    ),
    ("wild/boye-2021-gwr.txt", "gwr", Some(2021), "130637"),
    ("wild/boye-2022-gwr.txt", "gwr", Some(2022), "130637"),
    ("wild/boye-2024-gwr.txt", "gwr", Some(2024), "130637"),
    ("wild/boye-2025-gwr.txt", "gwr", Some(2025), "130637"),
    ("wild/dingxing-2020-gwr.txt", "gwr", Some(2020), "130626"),
    ("wild/dingxing-2021-gwr.txt", "gwr", Some(2021), "130626"),
    ("wild/dingxing-2022-gwr.txt", "gwr", Some(2022), "130626"),
    ("wild/gaoyang-2015-gwr.txt", "gwr", Some(2015), "130628"),
    ("wild/gaoyang-2017-gwr.txt", "gwr", Some(2017), "130628"),
    ("wild/gaoyang-2018-gwr.txt", "gwr", Some(2018), "130628"),
    ("wild/gaoyang-2019-gwr.txt", "gwr", Some(2019), "130628"),
    ("wild/gaoyang-2023-gwr.txt", "gwr", Some(2023), "130628"),
    ("wild/gaoyang-2024-gwr.txt", "gwr", Some(2024), "130628"),
    ("wild/laishui-2020-gwr.txt", "gwr", Some(2020), "130623"),
    ("wild/laishui-2021-gwr.txt", "gwr", Some(2021), "130623"),
    ("wild/laishui-2022-gwr.txt", "gwr", Some(2022), "130623"),
    ("wild/laiyuan-2020-gwr.txt", "gwr", Some(2020), "130630"),
    ("wild/laiyuan-2021-gwr.txt", "gwr", Some(2021), "130630"),
    ("wild/laiyuan-2022-gwr.txt", "gwr", Some(2022), "130630"),
    ("wild/lixian-2020-gwr.txt", "gwr", Some(2020), "130635"),
    ("wild/lixian-2022-gwr.txt", "gwr", Some(2022), "130635"),
    ("wild/mancheng-2020-gwr.txt", "gwr", Some(2020), "130607"),
    ("wild/mancheng-2021-gwr.txt", "gwr", Some(2021), "130607"),
    ("wild/mancheng-2022-gwr.txt", "gwr", Some(2022), "130607"),
    ("wild/mancheng-2023-gwr.txt", "gwr", Some(2023), "130607"),
    ("wild/national-1978-gwr.txt", "gwr", Some(1978), "100000"),
    ("wild/national-1979-gwr.txt", "gwr", Some(1979), "100000"),
    ("wild/national-1980-gwr.txt", "gwr", Some(1980), "100000"),
    ("wild/national-1981-gwr.txt", "gwr", Some(1981), "100000"),
    ("wild/national-1982-gwr.txt", "gwr", Some(1982), "100000"),
    ("wild/national-1983-gwr.txt", "gwr", Some(1983), "100000"),
    ("wild/national-1984-gwr.txt", "gwr", Some(1984), "100000"),
    ("wild/national-1985-gwr.txt", "gwr", Some(1985), "100000"),
    ("wild/national-1986-gwr.txt", "plan", Some(1986), "100000"),
    ("wild/national-1987-gwr.txt", "gwr", Some(1987), "100000"),
    ("wild/national-1988-gwr.txt", "gwr", Some(1988), "100000"),
    ("wild/national-1992-gwr.txt", "gwr", Some(1992), "100000"),
    ("wild/national-1993-gwr.txt", "gwr", Some(1993), "100000"),
    ("wild/quyang-2020-gwr.txt", "gwr", Some(2020), "130634"),
    ("wild/quyang-2022-gwr.txt", "gwr", Some(2022), "130634"),
    ("wild/rongcheng-2015-gwr.txt", "gwr", Some(2015), "130629"),
    ("wild/rongcheng-2017-gwr.txt", "gwr", Some(2017), "130629"),
    ("wild/rongcheng-2019-gwr.txt", "gwr", Some(2019), "130629"),
    ("wild/rongcheng-2020-gwr.txt", "gwr", Some(2020), "130629"),
    ("wild/xushui-2011-gwr.txt", "gwr", Some(2011), "130609"),
    ("wild/xushui-2012-gwr.txt", "gwr", Some(2012), "130609"),
    ("wild/xushui-2013-gwr.txt", "gwr", Some(2013), "130609"),
    ("wild/xushui-2015-gwr.txt", "gwr", Some(2015), "130609"),
    ("wild/xushui-2018-gwr.txt", "gwr", Some(2018), "130609"),
    ("wild/xushui-2019-gwr.txt", "gwr", Some(2019), "130609"),
    ("wild/xushui-2024-gwr.txt", "gwr", Some(2024), "130609"),
];

#[test]
fn every_document_gets_its_type_year_and_region() {
    let out = zhibiao()
        .args(["docs", "-q", "--glob", "*.txt"])
        .arg(root().join("tests/corpus"))
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

/// A page titled 2021 that holds the 2019 report: the body wins, `docs`
/// lists what each source says, and a warning says so.
#[test]
fn a_year_conflict_is_settled_by_the_body_and_said() {
    let dir = common::fresh_dir("year-conflict");
    let doc = dir.join("page.txt");
    std::fs::write(
        &doc,
        "2021年某县政府工作报告\n一、2018年工作回顾\n地区生产总值增长6%。\n二、2019年工作安排\n2019年主要预期目标是：地区生产总值增长6%。\n",
    )
    .unwrap();
    let out = zhibiao().args(["docs", "-q"]).arg(&doc).output().unwrap();
    let r = &common::json_lines(&out.stdout)[0];
    assert_eq!(r["year"], 2019);
    assert_eq!(
        r["year_conflict"],
        serde_json::json!([
            {"year": 2021, "source": "title", "line": 1},
            {"year": 2019, "source": "text", "line": 2}
        ])
    );
    let diagnostics = dir.join("d.jsonl");
    let out = zhibiao()
        .args(["extract", "-q", "--diagnostics"])
        .arg(&diagnostics)
        .arg(&doc)
        .output()
        .unwrap();
    // Its target is 2019's, its outcome 2018's.
    let records = common::json_lines(&out.stdout);
    let years: Vec<(&str, i64)> = records
        .iter()
        .map(|r| (r["kind"].as_str().unwrap(), r["year"].as_i64().unwrap()))
        .collect();
    assert_eq!(years, [("actual", 2018), ("target", 2019)]);
    let notes = std::fs::read_to_string(&diagnostics).unwrap();
    assert!(
        notes.contains(r#""code":"year_conflict","line":2"#)
            && notes.contains(
                "the title says 2021 (line 1), the body says 2019 (line 2); read as 2019"
            ),
        "{notes}"
    );
}
