//! Arbitrary bytes and text through the whole pipeline: no panic, and every
//! record points at a real place in the text.
//!
//! CI runs the default number of cases; for a long local run:
//! `PROPTEST_CASES=100000 cargo test --release --test properties`.

use std::sync::LazyLock;

use proptest::prelude::*;
use zhibiao::{Extraction, Extractor};

static ENGINE: LazyLock<Extractor> = LazyLock::new(|| Extractor::builtin().unwrap());

/// Pieces of report language, garbled and clean, so that random text
/// reaches deep into the grammar and the rules.
fn fragment() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "地区生产总值",
        "規上工業增加值",
        "城乡居民人均可支配收入",
        "市场主体",
        "经开区",
        "增长",
        "下降",
        "净增",
        "5.2%",
        "1,234.5亿元",
        "3—5家",
        "16万亩至20万亩",
        "个百分点",
        "以上",
        "左右",
        "以内",
        "余",
        "确保",
        "力争",
        "分别",
        "均",
        "、",
        "，",
        "。",
        ",",
        ";",
        ":",
        "（",
        "）",
        "(",
        ")",
        "\n",
        "\r\n",
        "一、",
        "(三)",
        "（十二）",
        "1.",
        "2、",
        "(1)",
        "2023年",
        "二〇二六年一月二十七日",
        "上半年",
        "前三季度",
        "1-3月",
        "“十四五”",
        "今年",
        "预计",
        "目标",
        "预期目标是",
        "高于",
        "平均",
        "占",
        "比重",
        "的",
        ".6亿元",
        "达到元",
        "報(bào)告",
        "?yún)^(qū)",
        "\u{FFFD}",
        "１２３",
        "％",
        "　",
        "公号“某某”整理编辑",
        "https://x.cn/a",
        " 摄",
        "PM\n2.5",
    ]);
    prop_oneof![
        4 => pieces.prop_map(str::to_string),
        1 => "\\PC{0,4}",
        1 => "[0-9.,%年月]{1,6}",
    ]
}

/// Every record's span is inside the text, on character boundaries, on the
/// line it names.
fn check(text: &str, x: &Extraction) {
    let lines = text.split('\n').count();
    for r in &x.indicators {
        let (s, e) = (r.span.0, r.span.1);
        assert!(
            s <= e && e <= text.len(),
            "span {s}..{e} outside {} bytes",
            text.len()
        );
        assert!(
            text.is_char_boundary(s) && text.is_char_boundary(e),
            "span {s}..{e} splits a character"
        );
        assert!(r.line >= 1 && r.line <= lines, "line {} of {lines}", r.line);
        assert!(!r.label.is_empty() && r.value.is_finite());
        assert!(text.contains(r.label.as_str()) && text.contains(r.text.as_str()));
    }
    for sec in &x.sections {
        let (s, e) = (sec.span.0, sec.span.1);
        assert!(s <= e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e));
        assert!(sec.line >= 1 && sec.line <= lines);
        assert!((1..=4).contains(&sec.level));
    }
}

proptest! {
    #[test]
    fn report_like_text(pieces in prop::collection::vec(fragment(), 0..80)) {
        let text = pieces.concat();
        check(&text, &ENGINE.extract("p.txt", &text));
    }

    #[test]
    fn any_text(text in any::<String>()) {
        check(&text, &ENGINE.extract("p.txt", &text));
    }

    #[test]
    fn any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..1024), html in any::<bool>()) {
        let name = if html { "p.html" } else { "p.txt" };
        // Decoding may refuse (binary, empty); it may not panic. What it
        // accepts, it extracts from, with valid spans into the decoded text.
        if let Ok(d) = zhibiao::decode(&bytes, name, None) {
            check(&d.text, &ENGINE.extract(name, &d.text));
        }
        let _ = ENGINE.process(name, &bytes);
    }
}
