//! Embeds every rules/*.yaml file into the binary, so the default pack
//! travels with it and a new default rule file needs no Rust change; and
//! the grammar's tables (the class of each character, where tokens may
//! begin), worked out from grammar/report.pest by the crate's own modules,
//! so that a start-up reads them instead of computing them.

use std::{env, fs, path::Path};

/// The crate's grammar, derived here as the crate derives it.
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/report.pest"]
struct ReportGrammar;

// The crate's modules that work the tables out. Only their build-time half
// is used here: the rest (lookups) is the crate's.
#[allow(dead_code)]
#[path = "src/parse/classes.rs"]
mod classes;
#[allow(dead_code)]
#[path = "src/parse/prefix.rs"]
mod prefix;
#[allow(dead_code)]
#[path = "src/parse/tables.rs"]
mod tables;

fn main() {
    let out = Path::new(&env::var("OUT_DIR").unwrap()).to_path_buf();
    grammar_tables(&out);
    default_rules(&out);
}

fn grammar_tables(out: &Path) {
    println!("cargo:rerun-if-changed=grammar/report.pest");
    for f in ["classes", "prefix", "tables"] {
        println!("cargo:rerun-if-changed=src/parse/{f}.rs");
    }
    fs::write(out.join("char_classes.bin"), classes::table()).unwrap();
    let grammar = prefix::Grammar::new(include_str!("grammar/report.pest"));
    for (file, rules) in prefix::STARTS {
        fs::write(out.join(file), prefix::write(grammar.prefixes(rules))).unwrap();
    }
}

fn default_rules(out_dir: &Path) {
    println!("cargo:rerun-if-changed=rules");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("rules/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let mut out = String::from("pub const FILES: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().unwrap().to_string_lossy();
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            f.display().to_string()
        ));
    }
    out.push_str("];\n");
    fs::write(out_dir.join("default_rules.rs"), out).unwrap();
}
