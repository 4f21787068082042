//! The shape of the house (issue 15): the application's modules import each other without a
//! circle, so each can be read, changed and tested from below — the platform pieces under the
//! kernel, the kernel under the statutory modules, the modules under what lists them all.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The module names a source file uses through `crate::…` (comments left out).
fn uses(src: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let code: String = src
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
            // `use crate::{audit, org::Unit, …}`: the first segment of each path.
            group[..group.find('}').unwrap_or(group.len())]
                .split(',')
                .map(|p| p.trim().split("::").next().unwrap_or("").trim())
                .collect()
        } else {
            vec![rest
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("")]
        };
        for n in names {
            let n = n.split_whitespace().next().unwrap_or("");
            if modules.contains(n) {
                out.insert(n.to_string());
            }
        }
    }
    out
}

/// A circle through `from`, if there is one: the path back to it.
fn circle(from: &str, deps: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn walk(
        at: &str,
        goal: &str,
        deps: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in &deps[at] {
            if next == goal {
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(next, goal, deps, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![from.to_string()];
    walk(from, from, deps, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn modules_import_each_other_without_a_circle() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    // A module is a file `foo.rs` or a folder `foo/` (its files read as one).
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for p in std::fs::read_dir(&dir)
        .expect("src")
        .map(|e| e.expect("entry").path())
    {
        let name = p.file_stem().expect("stem").to_string_lossy().to_string();
        if p.is_dir() {
            let mut src = String::new();
            for f in std::fs::read_dir(&p).expect("module folder") {
                let f = f.expect("entry").path();
                if f.extension().is_some_and(|e| e == "rs") {
                    src.push_str(&std::fs::read_to_string(&f).expect("read"));
                }
            }
            files.insert(name, src);
        } else if p.extension().is_some_and(|e| e == "rs") && name != "lib" {
            files.insert(name, std::fs::read_to_string(&p).expect("read"));
        }
    }
    for folder in ["kernel", "reconsideration", "litigation"] {
        assert!(files.contains_key(folder), "{folder}/ is read");
    }
    let modules: BTreeSet<String> = files.keys().cloned().collect();
    let deps: BTreeMap<String, BTreeSet<String>> = files
        .iter()
        .map(|(m, src)| {
            let mut d = uses(src, &modules);
            d.remove(m);
            (m.clone(), d)
        })
        .collect();
    assert!(
        deps["warnings"].contains("registry"),
        "the reader sees uses"
    );
    for m in &modules {
        if let Some(path) = circle(m, &deps) {
            panic!("import circle: {} → {m}", path.join(" → "));
        }
    }
}
