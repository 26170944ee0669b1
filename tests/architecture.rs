//! The shape of the library, held by a test: the file-level import graph
//! of `src/` has no circle, no module takes anything from `src/lib.rs`,
//! and `lib.rs` holds docs, module declarations and re-exports only.
//!
//! Imports are read off the source: `use crate::…`, `crate::…` paths,
//! `super::…` paths and a module's `use child::…`. A module's own
//! `#[cfg(test)]` part (at its end, by convention) may use the whole
//! engine and is not counted. The binary (`main.rs`, `cli/`) is a crate of
//! its own on top of the library.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path (`["link", "time"]`) → its file, relative to `src/`.
type Files = BTreeMap<Vec<String>, String>;

fn library_files() -> (Files, BTreeMap<String, String>) {
    let src = common::root().join("src");
    let mut files = Files::new();
    let mut texts = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src) {
        let path = entry.unwrap().into_path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "main.rs" || rel.starts_with("cli/") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // A module's tests are not part of its imports.
        let text = match text.find("#[cfg(test)]") {
            Some(i) => text[..i].to_string(),
            None => text,
        };
        files.insert(module_of(&rel), rel.clone());
        texts.insert(rel, text);
    }
    (files, texts)
}

fn module_of(rel: &str) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .trim_end_matches(".rs")
        .split('/')
        .map(String::from)
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The file a path names: its longest prefix that is a module.
fn resolve(files: &Files, path: &[String]) -> Option<String> {
    (0..=path.len())
        .rev()
        .find_map(|n| files.get(&path[..n]).cloned())
}

/// The paths after `prefix` (`crate::`, `super::`) in `text`, a `{…}`
/// group split into its items.
fn paths_after(text: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().next_back();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let item: Vec<String> = item
                    .trim()
                    .split("::")
                    .map(|s| s.split_whitespace().next().unwrap_or("").to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
                if !item.is_empty() {
                    out.push(item);
                }
            }
            continue;
        }
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let path: Vec<String> = rest[..end]
            .split("::")
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        if !path.is_empty() {
            out.push(path);
        }
    }
    out
}

/// Lines outside comments (doc comments name paths that are no imports).
fn code(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let (files, texts) = library_files();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, text) in &texts {
        let me = module_of(rel);
        let text = code(text);
        let is_mod = rel.ends_with("mod.rs") || rel == "lib.rs";
        let parent: Vec<String> = me[..me.len().saturating_sub(1)].to_vec();
        let mut targets = Vec::new();
        for p in paths_after(&text, "crate::") {
            targets.push(p);
        }
        for p in paths_after(&text, "super::") {
            targets.push(parent.iter().cloned().chain(p).collect());
        }
        if is_mod {
            for line in text.lines() {
                let l = line
                    .trim_start()
                    .trim_start_matches("pub ")
                    .trim_start_matches("pub(crate) ");
                if let Some(rest) = l.strip_prefix("use ") {
                    let first = rest.split("::").next().unwrap_or("");
                    if !["crate", "super", "std", "self"].contains(&first) {
                        let path: Vec<String> = me
                            .iter()
                            .cloned()
                            .chain(rest.trim_end_matches(';').split("::").map(String::from))
                            .collect();
                        targets.push(path);
                    }
                }
            }
        }
        for t in targets {
            if let Some(file) = resolve(&files, &t)
                && file != *rel
            {
                edges.entry(rel.clone()).or_default().insert(file);
            }
        }
    }
    edges
}

/// The strongly connected components of more than one file.
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Kosaraju, iteratively: small graph, clear code.
    let nodes: BTreeSet<&String> = edges.keys().chain(edges.values().flatten()).collect();
    let reach = |from: &String| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(n) = stack.pop() {
            for m in edges.get(&n).into_iter().flatten() {
                if seen.insert(m.clone()) {
                    stack.push(m.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&String, BTreeSet<String>> =
        nodes.iter().map(|&n| (n, reach(n))).collect();
    let mut out: Vec<Vec<String>> = Vec::new();
    for &n in &nodes {
        if !reached[n].contains(n) || out.iter().any(|c| c.contains(n)) {
            continue;
        }
        let circle: Vec<String> = nodes
            .iter()
            .filter(|&&m| reached[n].contains(m) && reached[m].contains(n))
            .map(|m| (*m).clone())
            .collect();
        out.push(circle);
    }
    out
}

#[test]
fn the_import_graph_has_no_circle() {
    let edges = imports();
    let found = circles(&edges);
    assert!(
        found.is_empty(),
        "import circles (files that reach each other):\n{}",
        found
            .iter()
            .map(|c| c.join(" ↔ "))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn no_module_takes_anything_from_lib_rs() {
    let edges = imports();
    let offenders: Vec<&String> = edges
        .iter()
        .filter(|(from, to)| from.as_str() != "lib.rs" && to.contains("lib.rs"))
        .map(|(from, _)| from)
        .collect();
    assert!(
        offenders.is_empty(),
        "these reach into lib.rs: {offenders:?}"
    );
}

#[test]
fn lib_rs_holds_no_logic() {
    let text = std::fs::read_to_string(common::root().join("src/lib.rs")).unwrap();
    for line in code(&text).lines().map(str::trim).filter(|l| !l.is_empty()) {
        let declared = line.starts_with("pub mod ")
            || line.starts_with("mod ")
            || line.starts_with("pub use ")
            || line.starts_with("#[")
            || line.starts_with("//");
        // A `pub use` may run over several lines.
        let continued = line.ends_with(',') || line.starts_with('}') || !line.contains(' ');
        assert!(
            declared || continued,
            "lib.rs holds more than declarations: {line}"
        );
    }
    assert!(Path::new(&common::root().join("src/pipeline.rs")).exists());
}
