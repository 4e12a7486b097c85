//! Every recipe of README.md and docs/*.md, verbatim, through the `cloudless` binary this test
//! is built with (`make readme` builds it in release mode, as `make install` does).
//!
//! A recipe is a ```sh block. Each runs in a fresh directory that holds the repository's
//! `examples/` and `host/` (the recipes' inputs), with the binary first on `PATH`: every command
//! line runs in bash and must exit 0, `NAME=value` lines set variables for the lines after them,
//! and a `# → text` line asserts that the previous command printed `text`. Blocks of `make`
//! commands only (set-up, the vectors) are what CI itself runs, so they are skipped here.
//! Run it with `make readme` (or `cargo test --release -p cloudless-cli --test readme`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().unwrap()
}

/// The ```sh blocks of a file: the line each starts at, and its lines (continuations joined).
fn sh_blocks(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, Vec<String>)> = None;
    for (n, line) in text.lines().enumerate() {
        match (&mut current, line.trim_end()) {
            (None, "```sh") => current = Some((n + 1, Vec::new())),
            (Some(_), "```") => blocks.push(current.take().unwrap()),
            (Some((_, lines)), l) => match lines.last_mut() {
                Some(prev) if prev.ends_with('\\') => {
                    prev.pop();
                    prev.push_str(l.trim_start());
                }
                _ => lines.push(l.to_string()),
            },
            (None, _) => {}
        }
    }
    assert!(current.is_none(), "an unclosed ```sh block");
    blocks
}

/// `NAME=value` (value unquoted), if the line is an assignment.
fn assignment(line: &str) -> Option<(String, String)> {
    let (name, value) = line.split_once('=')?;
    let ok = !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit());
    ok.then(|| (name.to_string(), value.trim_matches('"').trim_matches('\'').to_string()))
}

fn run_block(file: &str, start: usize, lines: &[String], bin: &Path) {
    let dir = std::env::temp_dir().join(format!(
        "cloudless-recipe-{}-{}-{start}",
        std::process::id(),
        file.replace('/', "-")
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for input in ["examples", "host", "bundle"] {
        std::os::unix::fs::symlink(repo().join(input), dir.join(input)).unwrap();
    }
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let mut vars: Vec<(String, String)> = Vec::new();
    let mut last: Option<(String, String)> = None;
    for line in lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
        let place = format!("{file}, block at line {start}");
        if let Some(expected) = line.strip_prefix("# →") {
            let (command, stdout) = last.as_ref().unwrap_or_else(|| panic!("{place}: `# →` before any command"));
            assert!(
                stdout.contains(expected.trim()),
                "{place}: `{command}` did not print {:?}; it printed:\n{stdout}",
                expected.trim()
            );
        } else if line.starts_with('#') {
            continue;
        } else if let Some(var) = assignment(line) {
            vars.push(var);
        } else {
            let out = Command::new("bash")
                .args(["-euo", "pipefail", "-c", line])
                .current_dir(&dir)
                .env("PATH", &path)
                .envs(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout).to_string();
            assert!(
                out.status.success(),
                "{place}: `{line}` exited {:?}\nstdout:\n{stdout}\nstderr:\n{}",
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            );
            last = Some((line.to_string(), stdout));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Only `make …` lines (and comments): set-up that CI runs itself.
fn is_make_only(lines: &[String]) -> bool {
    lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty() && !l.starts_with('#')).all(|l| l.starts_with("make "))
}

#[test]
fn every_recipe_runs_verbatim() {
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_cloudless"));
    let bin = std::env::temp_dir().join(format!("cloudless-recipe-bin-{}", std::process::id()));
    std::fs::create_dir_all(&bin).unwrap();
    let link = bin.join("cloudless");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&exe, &link).unwrap();

    let mut files = vec!["README.md".to_string()];
    let mut docs: Vec<String> = std::fs::read_dir(repo().join("docs"))
        .unwrap()
        .map(|e| format!("docs/{}", e.unwrap().file_name().to_string_lossy()))
        .filter(|f| f.ends_with(".md"))
        .collect();
    docs.sort();
    files.extend(docs);
    let mut recipes = Vec::new();
    let mut skipped = 0;
    for file in &files {
        let text = std::fs::read_to_string(repo().join(file)).unwrap();
        for (start, lines) in sh_blocks(&text) {
            if is_make_only(&lines) {
                skipped += 1;
            } else {
                recipes.push((file.clone(), start, lines));
            }
        }
    }
    // Two at a time (each command compiles the bundle's Wasm first, on every core it can get).
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some((file, start, lines)) = recipes.get(i) else { break };
                    let t = std::time::Instant::now();
                    run_block(file, *start, lines, &bin);
                    eprintln!("{file}:{start}: ok ({:.1} s)", t.elapsed().as_secs_f64());
                })
            })
            .collect();
        for w in workers {
            if let Err(panic) = w.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
    let ran = recipes.len();
    eprintln!("{ran} recipes ran, {skipped} make-only blocks left to CI");
    // The README's walk-throughs (genesis, oracle, capacity with rewards, gateway, market) and
    // the Groth16 tools of docs/market.md, at least.
    assert!(ran >= 6, "only {ran} recipes found");
    let _ = std::fs::remove_dir_all(&bin);
}

#[test]
fn blocks_and_assignments_parse() {
    let text = "x\n```sh\nA=1\ncloudless a \\\n  --b\n# → ok\n```\n```text\nno\n```\n";
    let blocks = sh_blocks(text);
    assert_eq!(blocks, vec![(2, vec!["A=1".to_string(), "cloudless a --b".to_string(), "# → ok".to_string()])]);
    assert_eq!(assignment("U=0101"), Some(("U".into(), "0101".into())));
    assert_eq!(assignment("cloudless --x=1"), None);
    assert!(is_make_only(&["make bundle   # builds".into(), "# c".into()]));
    assert!(!is_make_only(&["cloudless keys".into()]));
}

/// The README's prose about what `genesis` prints (`f0100 admin` … `fNNN name`) names the first
/// and the last actor the binary prints for examples/devnet.toml.
#[test]
fn the_genesis_prose_names_the_first_and_last_actor_printed() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let claim = readme
        .lines()
        .find(|l| l.starts_with("`genesis` prints the state root and every actor it created"))
        .expect("the README says what genesis prints");
    let quoted: Vec<&str> = claim.split('`').skip(1).step_by(2).skip(1).collect();
    assert_eq!(quoted.len(), 2, "{claim}: expected `first` … `last`");
    let dir = std::env::temp_dir().join(format!("cloudless-genesis-claim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cloudless"))
        .args(["genesis", repo().join("examples/devnet.toml").to_str().unwrap(), "-o"])
        .arg(dir.join("state.car"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    // Actor lines: an ID address and a name.
    let actors: Vec<String> = stdout
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|w| w.len() == 2 && w[0].starts_with("f0") && w[0][2..].chars().all(|c| c.is_ascii_digit()))
        .map(|w| w.join(" "))
        .collect();
    assert_eq!(
        (actors.first().map(String::as_str), actors.last().map(String::as_str)),
        (Some(quoted[0]), Some(quoted[1])),
        "README: {claim}\ngenesis printed:\n{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
