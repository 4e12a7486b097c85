//! `cloudless-bundle [OUT]`: writes the production bundle to OUT (default
//! `target/bundle/cloudless.car`) and prints each actor's name, code CID and Wasm size; writes
//! the Cloudless actors alone as a fendermint custom-actors CAR next to it
//! (`cloudless-custom.car`, docs/ipc.md) and prints its table too.

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

    let custom = cloudless_bundle::fendermint::custom_car()?;
    let custom_out = out.with_file_name("cloudless-custom.car");
    std::fs::write(&custom_out, &custom)?;
    println!();
    print!("{}", cloudless_bundle::format_table(&cloudless_bundle::inspect(&custom)?));
    println!(
        "fendermint custom-actors CAR (Cloudless actors only) written to {} ({} bytes)",
        custom_out.display(),
        custom.len()
    );
    Ok(())
}
