//! The layout docs/runtime.md asks of every actor: no import circle between its modules
//! (`crate::<module>` references, `use` or path), and `types.rs` imports nothing of its crate.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module name → the sibling modules it names as `crate::<module>`.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let files: Vec<_> = std::fs::read_dir(src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    let modules: BTreeSet<String> =
        files.iter().map(|p| p.file_stem().unwrap().to_string_lossy().into_owned()).filter(|m| m != "lib").collect();
    let mut out = BTreeMap::new();
    for p in &files {
        let name = p.file_stem().unwrap().to_string_lossy().into_owned();
        // Tests may reach anything.
        if name == "lib" || name.ends_with("tests") {
            continue;
        }
        let text = std::fs::read_to_string(p).unwrap();
        let code: String = text
            .lines()
            .take_while(|l| !l.starts_with("#[cfg(test)]"))
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let used: BTreeSet<String> =
            modules.iter().filter(|m| **m != name && code.contains(&format!("crate::{m}"))).cloned().collect();
        out.insert(name, used);
    }
    out
}

/// A circle through `start`, if any.
fn circle(g: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    fn walk(
        g: &BTreeMap<String, BTreeSet<String>>,
        at: &str,
        start: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in g.get(at).into_iter().flatten() {
            if next == start {
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(g, next, start, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_string()];
    walk(g, start, start, &mut path, &mut BTreeSet::new()).then_some(path)
}

/// Circles still to untangle, each named (actor, module) with why: the gateway's withdrawal
/// chooses between the outbox (`token`) and the IPC link (`ipc`), and a message arriving over the
/// link mints or re-mints through `token`. Remove the entry when the circle goes.
const KNOWN: &[(&str, &str)] = &[("gateway", "ipc"), ("gateway", "token")];

#[test]
fn no_actor_has_an_import_circle_and_types_import_nothing_of_their_crate() {
    let actors = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut problems = Vec::new();
    for entry in cloudless_actors::ACTORS {
        let dir = entry.package.trim_start_matches("cloudless-actor-");
        let g = graph(&actors.join(dir).join("src"));
        for m in g.keys() {
            if KNOWN.contains(&(entry.name, m.as_str())) {
                assert!(circle(&g, m).is_some(), "{} {m}: no longer in a circle; drop it from KNOWN", entry.name);
                continue;
            }
            if let Some(c) = circle(&g, m) {
                problems.push(format!("{}: {} -> {m}", entry.name, c.join(" -> ")));
            }
        }
        if let Some(used) = g.get("types").filter(|u| !u.is_empty()) {
            problems.push(format!("{}: types.rs imports {used:?}", entry.name));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
