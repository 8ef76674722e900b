//! The command line (spec §9): `repartir`, `valider`. Reads files, calls the core, prints.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use cma_analytique::date::Date;
use cma_analytique::diagnostic::{Code, Diagnostic, InputFile};
use cma_analytique::input::ledger::Period;
use cma_analytique::report::{DiagnosticsDocument, Document, diagnostic_rows, diagnostics_text};
use cma_analytique::{Inputs, Options, run};

#[derive(Parser)]
#[command(name = "cma-analytique", version, about = "Comptabilité analytique des CMA : répartition et contrôle selon la norme de 2024")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Répartit les charges et affiche les coûts complets par activité nationale.
    Repartir(Files),
    /// Contrôle les fichiers et affiche les seuls diagnostics.
    Valider(Files),
    /// Écrit les modèles de fichiers (CSV et XLSX, avec une ligne d'exemple) dans un dossier.
    Modeles {
        /// Dossier où écrire les modèles (créé s'il n'existe pas).
        dossier: PathBuf,
    },
}

#[derive(Args)]
struct Files {
    /// Grand livre (CSV ; séparé, UTF-8).
    #[arg(long = "grand-livre", value_name = "FICHIER")]
    ledger: PathBuf,
    /// Table de correspondance objets → nomenclature nationale.
    #[arg(long = "correspondance", value_name = "FICHIER")]
    mapping: PathBuf,
    /// Inducteurs (ETP, surfaces, véhicules, heures apprenants).
    #[arg(long = "inducteurs", value_name = "FICHIER")]
    drivers: PathBuf,
    /// Début de période (clôture semestrielle), AAAA-MM-JJ, JJ/MM/AAAA ou AAAAMMJJ.
    #[arg(long = "du", value_name = "DATE", value_parser = parse_date)]
    from: Option<Date>,
    /// Fin de période, incluse.
    #[arg(long = "au", value_name = "DATE", value_parser = parse_date)]
    to: Option<Date>,
    /// Sortie JSON (spécification §9) au lieu des tableaux.
    #[arg(long)]
    json: bool,
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("date « {text} » invalide : AAAA-MM-JJ, JJ/MM/AAAA ou AAAAMMJJ attendu"))
}

fn read(path: &Path, file: InputFile, unreadable: &mut Vec<Diagnostic>) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| {
        unreadable.push(
            Diagnostic::new(Code::F001, file, format!("impossible de lire « {} » : {e}", path.display()))
                .hint("Vérifiez le chemin du fichier et les droits de lecture."),
        );
        Vec::new()
    })
}

/// `modeles`: every template written to `folder`.
fn write_templates(folder: &Path) -> ExitCode {
    let files = match cma_analytique::templates::all() {
        Ok(files) => files,
        Err(e) => {
            eprintln!("cma-analytique : modèles impossibles à produire : {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::create_dir_all(folder) {
        eprintln!("cma-analytique : impossible de créer « {} » : {e}", folder.display());
        return ExitCode::from(2);
    }
    for file in files {
        let path = folder.join(&file.name);
        if let Err(e) = std::fs::write(&path, &file.bytes) {
            eprintln!("cma-analytique : impossible d'écrire « {} » : {e}", path.display());
            return ExitCode::from(2);
        }
        println!("{}", path.display());
    }
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (files, full) = match &cli.command {
        Command::Repartir(f) => (f, true),
        Command::Valider(f) => (f, false),
        Command::Modeles { dossier } => return write_templates(dossier),
    };
    let mut unreadable = Vec::new();
    let ledger = read(&files.ledger, InputFile::GrandLivre, &mut unreadable);
    let mapping = read(&files.mapping, InputFile::Correspondance, &mut unreadable);
    let drivers = read(&files.drivers, InputFile::Inducteurs, &mut unreadable);
    let outcome = if unreadable.is_empty() {
        let options = Options { period: Period { from: files.from, to: files.to } };
        run(Inputs { ledger: &ledger, mapping: &mapping, drivers: &drivers }, options)
    } else {
        cma_analytique::Outcome { allocation: None, diagnostics: unreadable }
    };
    let document = match (&outcome.allocation, full) {
        (Some(allocation), true) => Some(Document::new(allocation, &outcome.diagnostics)),
        _ => None,
    };
    let printed = match (document, files.json) {
        (Some(doc), true) => serde_json::to_string_pretty(&doc),
        (Some(doc), false) => Ok(doc.to_text()),
        (None, true) => serde_json::to_string_pretty(&DiagnosticsDocument { diagnostics: diagnostic_rows(&outcome.diagnostics) }),
        (None, false) => Ok(diagnostics_text(&diagnostic_rows(&outcome.diagnostics))),
    };
    match printed {
        Ok(text) => println!("{text}"),
        Err(e) => {
            eprintln!("cma-analytique : sortie impossible : {e}");
            return ExitCode::from(2);
        }
    }
    if outcome.ran() { ExitCode::SUCCESS } else { ExitCode::from(2) }
}
