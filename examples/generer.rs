//! Writes the three input files of a realistic region (see `commun/region.rs`) into a folder:
//! `grand-livre.csv` of N lines, `correspondance.csv`, `inducteurs.csv`. Deterministic: the
//! same N always gives the same bytes.
//!
//! `cargo run --release --example generer -- <dossier> <lignes>`

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[path = "commun/alea.rs"]
mod alea;
#[path = "commun/region.rs"]
mod region;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(folder), Some(Ok(lines))) = (args.first(), args.get(1).map(|a| a.replace('_', "").parse::<usize>())) else {
        eprintln!("usage : generer <dossier> <lignes>");
        return ExitCode::from(2);
    };
    let folder = PathBuf::from(folder);
    let written = (|| -> std::io::Result<()> {
        std::fs::create_dir_all(&folder)?;
        let region = region::Region::new();
        std::fs::write(folder.join("correspondance.csv"), &region.mapping)?;
        std::fs::write(folder.join("inducteurs.csv"), &region.drivers)?;
        let mut ledger = BufWriter::with_capacity(1 << 20, std::fs::File::create(folder.join("grand-livre.csv"))?);
        region.ledger(lines, &mut ledger)?;
        ledger.flush()?;
        println!("{} : {lines} lignes, {} objets", folder.display(), region.objects());
        Ok(())
    })();
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("generer : {e}");
            ExitCode::from(2)
        }
    }
}
