//! The accuracy bar of the core engine, measured as `zhibiao eval` measures
//! it: a regression here means a change made extraction worse on the seeds.

use std::path::Path;

use zhibiao::eval::{self, Gold};
use zhibiao::{RulePack, extract};

fn seeds() -> (Vec<zhibiao::Indicator>, Vec<zhibiao::Section>) {
    let pack = RulePack::builtin().unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/seeds");
    let mut ind = Vec::new();
    let mut sec = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        let out = extract(&pack, &p.file_name().unwrap().to_string_lossy(), &text);
        ind.extend(out.indicators);
        sec.extend(out.sections);
    }
    (ind, sec)
}

fn gold(name: &str) -> Gold {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/gold")
        .join(name);
    eval::load_gold(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn seeds_meet_the_bar() {
    let (ind, sec) = seeds();
    let Gold::Indicators(g) = gold("seeds.indicators.jsonl") else {
        panic!("indicator gold")
    };
    let r = eval::score_indicators(&g, &ind);
    assert!(r.strict.f1() >= 0.80, "strict F1 {:.3}", r.strict.f1());
    assert!(r.loose.f1() >= 0.90, "loose F1 {:.3}", r.loose.f1());
    let Gold::Sections(g) = gold("seeds.sections.jsonl") else {
        panic!("section gold")
    };
    let r = eval::score_sections(&g, &sec);
    assert!(r.score.f1() >= 0.90, "section F1 {:.3}", r.score.f1());
}

#[test]
fn no_record_from_dropped_digits() {
    let pack = RulePack::builtin().unwrap();
    let out = extract(
        &pack,
        "d.txt",
        "年,地区生产总值完成.5亿元,同比增长8.2%;城镇居民、农村居民人均可支配收入分别达到元、元,分别增长7.7%、10%。",
    );
    let values: Vec<f64> = out.indicators.iter().map(|r| r.value).collect();
    assert_eq!(values, vec![8.2, 7.7, 10.0]);
    assert!(!values.contains(&0.5) && !values.contains(&5.0));
    assert!(
        out.diagnostics
            .iter()
            .any(|d| d.code == "damaged_number" && d.line == Some(1))
    );
}
