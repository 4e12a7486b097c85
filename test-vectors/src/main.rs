//! `cloudless-vectors generate [SCENARIOS] [OUT]` and `cloudless-vectors run [DIR]`.

use std::path::{Path, PathBuf};

use cloudless_test_vectors::{generate, runner, scenario::ScenarioFile};

const USAGE: &str = "usage: cloudless-vectors generate [SCENARIO_DIR] [OUT_DIR] | run [VECTOR_DIR]";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("generate") => {
            let scenarios = args.get(1).map(PathBuf::from).unwrap_or_else(|| root().join("scenarios"));
            let out = args.get(2).map(PathBuf::from).unwrap_or_else(|| root().join("corpus"));
            generate_all(&scenarios, &out)
        }
        Some("run") => {
            let dir = args.get(1).map(PathBuf::from).unwrap_or_else(|| root().join("corpus"));
            match runner::run_dir(&dir) {
                Ok((_, 0)) => Ok(()),
                Ok((_, failed)) => Err(anyhow::anyhow!("{failed} vector(s) failed")),
                Err(e) => Err(e),
            }
        }
        _ => Err(anyhow::anyhow!(USAGE)),
    };
    if let Err(e) = result {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

/// Regenerates the corpus: every vector of every scenario file, old vectors removed.
fn generate_all(scenarios: &Path, out: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out)?;
    for old in runner::vector_files(out)? {
        std::fs::remove_file(old)?;
    }
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(scenarios)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    files.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    files.sort();
    let mut count = 0;
    for file in files {
        let scenario = ScenarioFile::load(&file)?;
        for vector in generate::generate(&scenario, &scenario.bundle_car()?)? {
            std::fs::write(out.join(generate::file_name(&vector.meta.id)), vector.to_text()?)?;
            count += 1;
        }
        eprintln!("{}: done", file.display());
    }
    println!("{count} vectors written to {}", out.display());
    Ok(())
}
