//! `cloudless-bundle [OUT]`: writes the production bundle to OUT (default
//! `target/bundle/cloudless.car`) and prints each actor's name, code CID and Wasm size.

use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let out = std::env::args().nth(1).map(PathBuf::from).unwrap_or_else(|| "target/bundle/cloudless.car".into());
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&out, cloudless_bundle::BUNDLE_CAR)?;
    let info = cloudless_bundle::inspect(cloudless_bundle::BUNDLE_CAR)?;
    print!("{}", cloudless_bundle::format_table(&info));
    println!("bundle written to {} ({} bytes)", out.display(), cloudless_bundle::BUNDLE_CAR.len());
    Ok(())
}
