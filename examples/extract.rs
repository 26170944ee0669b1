//! Library use: load the built-in rules, read reports, iterate records.
//!
//! cargo run --example extract -- examples/corpus/dongqu-2024-plan-report.txt

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Compile the rule pack once; the engine shares it with every document.
    let engine = zhibiao::Extractor::builtin()?;
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path)?;
        // Decode (any encoding, HTML too), normalise, parse, apply rules.
        match engine.process(&path, &bytes) {
            Ok(out) => {
                for r in &out.indicators {
                    let year = r.year.map_or("?".into(), |y| y.to_string());
                    println!(
                        "{path}:{} {} {:?} {} {} {:?} {year} «{}»",
                        r.line, r.indicator, r.metric, r.value, r.unit, r.kind, r.label
                    );
                }
                for s in &out.sections {
                    println!("{path}:{} {}{}", s.line, s.marker, s.title);
                }
            }
            Err(d) => eprintln!("{}: {}", d.doc, d.message),
        }
    }
    Ok(())
}
