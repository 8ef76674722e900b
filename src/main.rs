//! The command line (spec §9): `repartir`, `valider`, `preprojet`, `etp`, `loyer`, `revue`. Reads files,
//! calls the core, prints; it is the host, so it alone reads the clock (today's date).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use cma_analytique::calendar::CalendarInput;
use cma_analytique::date::Date;
use cma_analytique::diagnostic::{Code, Diagnostic, InputFile};
use cma_analytique::input::ledger::Period;
use cma_analytique::money::{Amount, Weight};
use cma_analytique::preprojet::{self, Identity, PreProjectOptions, export};
use cma_analytique::rent::{RentInput, Valuation};
use cma_analytique::report::{DiagnosticsDocument, Document, diagnostic_rows, diagnostics_text};
use cma_analytique::revue::{self, RegionFile, ReviewOptions};
use cma_analytique::input::Ledger;
use cma_analytique::input::ledger::{LedgerRead, PARALLEL_FROM};
use cma_analytique::{Options, run_read};

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
    /// Prépare le préprojet France compétences : une ligne par certification et site.
    Preprojet(PreProjectArgs),
    /// Calcule les ETP du fichier du personnel et les lignes d'inducteurs « etp ».
    Etp(EtpArgs),
    /// Calcule le loyer interne des locaux utilisés par le CFA (paire 86/87 à passer).
    Loyer(RentArgs),
    /// Revue de cohérence de CMA France : compare les préprojets et agrège les résultats des régions.
    Revue(ReviewArgs),
}

#[derive(Args)]
struct ReviewArgs {
    /// Fichier d'une région, « Région=chemin » : préprojet (XLSX, ODS, CSV, JSON de preprojet
    /// --json) ou résultats complets (JSON de repartir --json). Répétable ; sans « Région= », la
    /// région est le nom de l'organisme de la feuille d'identité, sinon le nom du fichier.
    #[arg(long = "region", value_name = "RÉGION=FICHIER", required = true)]
    files: Vec<String>,
    /// Écart robuste au-delà duquel une région est signalée (par défaut 3).
    #[arg(long = "seuil", value_name = "SEUIL", value_parser = parse_weight)]
    threshold: Option<Weight>,
    /// Date de réception du préprojet d'une région par CMA France, « Région=AAAA-MM-JJ ». Répétable.
    #[arg(long = "recu", value_name = "RÉGION=DATE")]
    received: Vec<String>,
    /// Date de transmission à France compétences, pour les dates de réception quand le fichier
    /// de la région ne la donne pas.
    #[arg(long = "date-transmission", value_name = "DATE", value_parser = parse_date)]
    transmission: Option<Date>,
    /// Sortie JSON au lieu des tableaux.
    #[arg(long)]
    json: bool,
    /// Écrit le classeur XLSX de la revue.
    #[arg(long = "xlsx", value_name = "FICHIER")]
    xlsx: Option<PathBuf>,
    /// Écrit la comparaison des certifications en CSV, et chaque autre tableau à côté
    /// (FICHIER-atypiques.csv, FICHIER-national.csv…).
    #[arg(long = "csv", value_name = "FICHIER")]
    csv: Option<PathBuf>,
}

#[derive(Args)]
struct PreProjectArgs {
    #[command(flatten)]
    files: Files,
    /// Liste des certifications avec leur intitulé (colonnes certification ; libelle).
    #[arg(long = "certifications", value_name = "FICHIER")]
    titles: Option<PathBuf>,
    /// Date de transmission à France compétences (par défaut : date limite de la campagne).
    #[arg(long = "date-transmission", value_name = "DATE", value_parser = parse_date)]
    transmission: Option<Date>,
    /// Date d'envoi du préprojet à CMA France (par défaut : aujourd'hui).
    #[arg(long = "date-envoi", value_name = "DATE", value_parser = parse_date)]
    sending: Option<Date>,
    /// Exercice déclaré (sa campagne France compétences est celle de l'année suivante).
    #[arg(long = "exercice", value_name = "AAAA")]
    financial_year: Option<i32>,
    /// Nom de l'organisme (feuille d'identité).
    #[arg(long = "nom", value_name = "TEXTE")]
    name: Option<String>,
    /// SIRET de l'établissement qui déclare.
    #[arg(long = "siret", value_name = "SIRET")]
    siret: Option<String>,
    /// Code UAI du CFA.
    #[arg(long = "uai", value_name = "UAI")]
    uai: Option<String>,
    /// Écrit le classeur XLSX du préprojet.
    #[arg(long = "xlsx", value_name = "FICHIER")]
    xlsx: Option<PathBuf>,
    /// Écrit le tableau des certifications en CSV (« ; », virgule décimale, UTF-8 avec BOM).
    #[arg(long = "csv", value_name = "FICHIER")]
    csv: Option<PathBuf>,
    /// Écrit le projet de note explicative (Markdown).
    #[arg(long = "note", value_name = "FICHIER")]
    note: Option<PathBuf>,
}

#[derive(Args)]
struct EtpArgs {
    /// Fichier du personnel (matricule, code, site, contrat, quotite, mois ou heures).
    #[arg(long = "personnel", value_name = "FICHIER")]
    staff: PathBuf,
    /// Sortie JSON (spécification §9).
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Sortie : les lignes d'inducteurs « etp » au format du fichier inducteurs.
    #[arg(long)]
    csv: bool,
}

#[derive(Args)]
struct RentArgs {
    /// Valeur vénale des locaux (estimation du patrimoine), ou leur valeur locative annuelle.
    #[arg(long = "valeur-venale", value_name = "MONTANT", value_parser = parse_amount, conflicts_with = "gross", required_unless_present = "gross")]
    market: Option<Amount>,
    /// Valeur brute des immobilisations, à réactualiser par l'indice du coût de la construction.
    #[arg(long = "valeur-brute", value_name = "MONTANT", value_parser = parse_amount, requires_all = ["index_origin", "index_current"])]
    gross: Option<Amount>,
    /// Indice du coût de la construction à l'acquisition.
    #[arg(long = "indice-origine", value_name = "INDICE", value_parser = parse_weight)]
    index_origin: Option<Weight>,
    /// Indice du coût de la construction actuel.
    #[arg(long = "indice-actuel", value_name = "INDICE", value_parser = parse_weight)]
    index_current: Option<Weight>,
    /// Part des locaux utilisée pour l'apprentissage, de 0 à 1 (0,6 pour 60 %).
    #[arg(long = "part", value_name = "PART", value_parser = parse_weight)]
    share: Weight,
    /// Taux annuel qui transforme une valeur en loyer (0,05 pour 5 %) ; sans lui : valeur × part.
    #[arg(long = "taux", value_name = "TAUX", value_parser = parse_weight)]
    rate: Option<Weight>,
    /// Objet analytique du CFA qui porte la charge (compte 86).
    #[arg(long = "objet-cfa", value_name = "OBJET", default_value = "OBJET-CFA")]
    cfa_object: String,
    /// Objet analytique de la chambre qui porte le produit (compte 87).
    #[arg(long = "objet-chambre", value_name = "OBJET", default_value = "OBJET-CHAMBRE")]
    chamber_object: String,
    /// Compte de charge (classe 86).
    #[arg(long = "compte-86", value_name = "COMPTE", default_value = "86")]
    account_86: String,
    /// Compte de produit (classe 87).
    #[arg(long = "compte-87", value_name = "COMPTE", default_value = "87")]
    account_87: String,
    /// Sortie JSON.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Sortie : les deux lignes au format du grand livre, à ajouter à l'export.
    #[arg(long)]
    csv: bool,
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
    /// Fils de lecture d'un grand livre de 8 Mo ou plus (par défaut, un par cœur) ; 1 pour
    /// n'occuper qu'un cœur. Le résultat est le même.
    #[arg(long = "fils", value_name = "N", value_parser = parse_threads)]
    threads: Option<u16>,
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("date « {text} » invalide : AAAA-MM-JJ, JJ/MM/AAAA ou AAAAMMJJ attendu"))
}

fn parse_threads(text: &str) -> Result<u16, String> {
    text.parse::<u16>().ok().filter(|&n| n > 0).ok_or_else(|| format!("« {text} » : un nombre de fils de 1 à 65535 est attendu"))
}

fn parse_amount(text: &str) -> Result<Amount, String> {
    Amount::parse(text).map_err(|e| format!("montant « {text} » : {}", e.explain()))
}

fn parse_weight(text: &str) -> Result<Weight, String> {
    Weight::parse(text).map_err(|_| format!("nombre « {text} » invalide : un nombre positif ou nul est attendu (au plus 6 décimales)"))
}

/// Today's date (UTC), from the system clock: the CLI is the host.
fn today() -> Option<Date> {
    let days = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?.as_secs() / 86_400;
    Date::new(1970, 1, 1)?.add_days(i64::try_from(days).ok()?)
}

/// Writes to the standard output. A reader that stopped reading (`| head`) ends the command
/// quietly, as for any Unix tool, instead of the panic of `println!`; another write error is
/// said, with exit code 2.
fn emit(text: &str) -> Result<(), ExitCode> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("cma-analytique : écriture sur la sortie standard impossible : {}", io_reason(&e));
            Err(ExitCode::from(2))
        }
    }
}

fn print(text: Result<String, serde_json::Error>) -> Result<(), ExitCode> {
    match text {
        Ok(mut text) => {
            text.push('\n');
            emit(&text)
        }
        Err(e) => {
            eprintln!("cma-analytique : sortie impossible : {e}");
            Err(ExitCode::from(2))
        }
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), ExitCode> {
    std::fs::write(path, bytes).map_err(|e| {
        eprintln!("cma-analytique : écriture de « {} » impossible : {}", path.display(), io_reason(&e));
        ExitCode::from(2)
    })
}

fn read(path: &Path, file: InputFile, unreadable_files: &mut Vec<Diagnostic>) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| {
        unreadable_files.push(unreadable(path, file, &e));
        Vec::new()
    })
}

/// `modeles`: every template written to `folder`.
fn write_templates(folder: &Path) -> ExitCode {
    let files = cma_analytique::templates::all();
    if let Err(e) = std::fs::create_dir_all(folder) {
        eprintln!("cma-analytique : impossible de créer « {} » : {}", folder.display(), io_reason(&e));
        return ExitCode::from(2);
    }
    for file in files {
        let path = folder.join(&file.name);
        if let Err(e) = std::fs::write(&path, &file.bytes) {
            eprintln!("cma-analytique : impossible d'écrire « {} » : {}", path.display(), io_reason(&e));
            return ExitCode::from(2);
        }
        if let Err(code) = emit(&format!("{}\n", path.display())) {
            return code;
        }
    }
    ExitCode::SUCCESS
}

/// The three inputs: the mapping's and the drivers' bytes, the ledger's file (read in pieces
/// by the core), with the diagnostics of those that could not be read.
struct Read {
    ledger: Option<(std::fs::File, PathBuf)>,
    /// Threads reading the ledger (`--fils`), by default one per core.
    threads: usize,
    mapping: Vec<u8>,
    drivers: Vec<u8>,
    unreadable: Vec<Diagnostic>,
}

fn unreadable(path: &Path, file: InputFile, e: &std::io::Error) -> Diagnostic {
    Diagnostic::new(Code::F001, file, format!("impossible de lire « {} » : {}", path.display(), io_reason(e)))
        .hint("Vérifiez le chemin du fichier et les droits de lecture.")
}

impl Files {
    fn read(&self) -> Read {
        let mut unreadable_files = Vec::new();
        let ledger = match std::fs::File::open(&self.ledger) {
            Ok(file) => Some((file, self.ledger.clone())),
            Err(e) => {
                unreadable_files.push(unreadable(&self.ledger, InputFile::GrandLivre, &e));
                None
            }
        };
        let mapping = read(&self.mapping, InputFile::Correspondance, &mut unreadable_files);
        let drivers = read(&self.drivers, InputFile::Inducteurs, &mut unreadable_files);
        let threads = self.threads.map_or_else(|| std::thread::available_parallelism().map_or(1, usize::from), usize::from);
        Read { ledger, threads, mapping, drivers, unreadable: unreadable_files }
    }

    fn options(&self) -> Options {
        Options { period: Period { from: self.from, to: self.to } }
    }
}

impl Read {
    /// The ledger read from its file in pieces of 1 Mio, by one thread per part of the file
    /// when it is large (a file that is not UTF-8 CSV is read whole): its peak memory is the
    /// postings', not the file's. A read error joins the unreadable files.
    fn ledger(&mut self, period: Period) -> Option<LedgerRead> {
        let (file, path) = self.ledger.take()?;
        drop(file);
        match Ledger::read_path_in_parts(&path, period, self.threads, PARALLEL_FROM) {
            Ok(read) => Some(read),
            Err(e) => {
                self.unreadable.push(unreadable(&path, InputFile::GrandLivre, &e));
                None
            }
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return argument_error(&e),
    };
    let result = match &cli.command {
        Command::Repartir(f) => allocate(f, true),
        Command::Valider(f) => allocate(f, false),
        Command::Preprojet(args) => preproject(args),
        Command::Etp(args) => etp(args),
        Command::Loyer(args) => rent(args),
        Command::Revue(args) => review(args),
        Command::Modeles { dossier } => Ok(write_templates(dossier)),
    };
    result.unwrap_or_else(|code| code)
}

/// A command line that cannot be read, said in French (clap's own messages are English), with
/// exit code 2; the help and the version are printed as asked.
fn argument_error(e: &clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let context = |kind: ContextKind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(list)) => list.join(", "),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let argument = context(ContextKind::InvalidArg);
    let value = context(ContextKind::InvalidValue);
    let message = match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
        ErrorKind::ValueValidation => match std::error::Error::source(e) {
            Some(reason) => format!("{argument} : {reason}"),
            None => format!("{argument} : valeur « {value} » invalide"),
        },
        ErrorKind::InvalidValue if value.is_empty() => format!("{argument} : une valeur est attendue"),
        ErrorKind::InvalidValue => {
            let valid = context(ContextKind::ValidValue);
            let expected = if valid.is_empty() { String::new() } else { format!(" ; valeurs possibles : {valid}") };
            format!("{argument} : valeur « {value} » invalide{expected}")
        }
        ErrorKind::UnknownArgument => format!("option inconnue : {argument}"),
        ErrorKind::InvalidSubcommand => format!("commande inconnue : {}", context(ContextKind::InvalidSubcommand)),
        ErrorKind::MissingRequiredArgument => format!("il manque : {argument}"),
        ErrorKind::MissingSubcommand => "donnez une commande (repartir, valider, modeles, preprojet, etp, loyer, revue)".to_owned(),
        ErrorKind::ArgumentConflict => format!("{argument} ne peut pas être donné avec {}", context(ContextKind::PriorArg)),
        ErrorKind::TooManyValues => format!("{argument} : trop de valeurs"),
        ErrorKind::NoEquals => format!("{argument} : « = » attendu avant la valeur"),
        _ => format!("ligne de commande illisible ({})", e.kind()),
    };
    eprintln!("cma-analytique : {message}\nAide : cma-analytique --help, ou cma-analytique <commande> --help");
    ExitCode::from(2)
}

/// An input/output error as people read it, in French.
fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "fichier ou dossier introuvable".to_owned(),
        ErrorKind::PermissionDenied => "accès refusé (droits du fichier)".to_owned(),
        ErrorKind::IsADirectory => "c'est un dossier, pas un fichier".to_owned(),
        ErrorKind::StorageFull => "disque plein".to_owned(),
        ErrorKind::AlreadyExists => "existe déjà".to_owned(),
        _ => format!("erreur du système ({e})"),
    }
}

fn preproject(args: &PreProjectArgs) -> Result<ExitCode, ExitCode> {
    let files = &args.files;
    let mut read_files = files.read();
    let titles = match &args.titles {
        Some(path) => Some(read(path, InputFile::Certifications, &mut read_files.unreadable)),
        None => None,
    };
    if !read_files.unreadable.is_empty() {
        let rows = diagnostic_rows(&read_files.unreadable);
        print(if files.json { serde_json::to_string_pretty(&DiagnosticsDocument { diagnostics: rows }) } else { Ok(diagnostics_text(&rows)) })?;
        return Ok(ExitCode::from(2));
    }
    let Some(sending) = args.sending.or_else(today) else {
        eprintln!("cma-analytique : date du jour illisible ; donnez --date-envoi");
        return Ok(ExitCode::from(2));
    };
    let options = PreProjectOptions {
        calendar: CalendarInput { transmission: args.transmission, sending, financial_year: args.financial_year },
        identity: Identity {
            nom: args.name.clone().unwrap_or_default(),
            siret: args.siret.clone().unwrap_or_default(),
            uai: args.uai.clone().unwrap_or_default(),
            exercice: args.financial_year,
        },
        titles: titles.as_deref(),
    };
    let Some(ledger) = read_files.ledger(files.options().period) else {
        let rows = diagnostic_rows(&read_files.unreadable);
        print(if files.json { serde_json::to_string_pretty(&DiagnosticsDocument { diagnostics: rows }) } else { Ok(diagnostics_text(&rows)) })?;
        return Ok(ExitCode::from(2));
    };
    let outcome = preprojet::run_read(ledger, &read_files.mapping, &read_files.drivers, &options);
    let Some(doc) = outcome.document else {
        let rows = diagnostic_rows(&outcome.diagnostics);
        print(if files.json { serde_json::to_string_pretty(&DiagnosticsDocument { diagnostics: rows }) } else { Ok(diagnostics_text(&rows)) })?;
        return Ok(ExitCode::from(2));
    };
    if let Some(path) = &args.csv {
        write(path, &export::csv(&doc))?;
    }
    if let Some(path) = &args.note {
        write(path, doc.note.as_bytes())?;
    }
    if let Some(path) = &args.xlsx {
        write(path, &export::xlsx(&doc))?;
    }
    print(if files.json { serde_json::to_string_pretty(&doc) } else { Ok(doc.to_text()) })?;
    Ok(ExitCode::SUCCESS)
}

fn etp(args: &EtpArgs) -> Result<ExitCode, ExitCode> {
    let mut unreadable = Vec::new();
    let bytes = read(&args.staff, InputFile::Personnel, &mut unreadable);
    let computed = if unreadable.is_empty() { cma_analytique::etp::compute(&bytes).map_err(|d| vec![d]) } else { Err(unreadable) };
    match computed {
        Ok(result) if args.json => print(serde_json::to_string_pretty(&result))?,
        Ok(result) if args.csv => emit(&result.drivers_csv())?,
        Ok(result) => print(Ok(result.to_text()))?,
        Err(diagnostics) => {
            let rows = diagnostic_rows(&diagnostics);
            print(if args.json { serde_json::to_string_pretty(&DiagnosticsDocument { diagnostics: rows }) } else { Ok(diagnostics_text(&rows)) })?;
            return Ok(ExitCode::from(2));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn rent(args: &RentArgs) -> Result<ExitCode, ExitCode> {
    let valuation = match (args.market, args.gross, args.index_origin, args.index_current) {
        (Some(value), _, _, _) => Valuation::Market { value },
        (None, Some(gross), Some(index_origin), Some(index_current)) => Valuation::Reindexed { gross, index_origin, index_current },
        _ => {
            eprintln!("cma-analytique : donnez --valeur-venale, ou --valeur-brute avec --indice-origine et --indice-actuel");
            return Ok(ExitCode::from(2));
        }
    };
    let input = RentInput {
        valuation,
        share: args.share,
        rate: args.rate,
        cfa_object: args.cfa_object.clone(),
        chamber_object: args.chamber_object.clone(),
        account_86: args.account_86.clone(),
        account_87: args.account_87.clone(),
    };
    match cma_analytique::rent::compute(&input) {
        Ok(r) if args.json => print(serde_json::to_string_pretty(&r))?,
        Ok(r) if args.csv => emit(&r.ledger_csv())?,
        Ok(r) => print(Ok(r.to_text()))?,
        Err(e) => {
            eprintln!("cma-analytique : {e}");
            return Ok(ExitCode::from(2));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn allocate(files: &Files, full: bool) -> Result<ExitCode, ExitCode> {
    let mut read_files = files.read();
    let ledger = if read_files.unreadable.is_empty() { read_files.ledger(files.options().period) } else { None };
    let outcome = match ledger {
        Some(ledger) if read_files.unreadable.is_empty() => run_read(ledger, &read_files.mapping, &read_files.drivers),
        _ => cma_analytique::Outcome { allocation: None, diagnostics: read_files.unreadable },
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
    print(printed)?;
    Ok(if outcome.ran() { ExitCode::SUCCESS } else { ExitCode::from(2) })
}

/// `Région=valeur`; a value that is itself an existing file has no tag (a path may hold `=`).
fn tagged(text: &str) -> (Option<&str>, &str) {
    if Path::new(text).is_file() {
        return (None, text);
    }
    match text.split_once('=') {
        Some((region, value)) => (Some(region.trim()), value.trim()),
        None => (None, text),
    }
}

/// The sibling of `path` for another table: `revue.csv` → `revue-atypiques.csv`.
fn sibling(path: &Path, name: &str) -> PathBuf {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let extension = path.extension().map_or_else(|| "csv".to_owned(), |e| e.to_string_lossy().into_owned());
    path.with_file_name(format!("{stem}-{name}.{extension}"))
}

fn review(args: &ReviewArgs) -> Result<ExitCode, ExitCode> {
    if args.threshold.is_some_and(|t| t.is_zero()) {
        eprintln!("cma-analytique : --seuil doit être strictement positif (par exemple 3, la valeur du référentiel, ou 2,5)");
        return Ok(ExitCode::from(2));
    }
    let mut unreadable = Vec::new();
    let contents: Vec<(Option<&str>, &str, Vec<u8>)> = args
        .files
        .iter()
        .map(|f| {
            let (region, path) = tagged(f);
            (region, path, read(Path::new(path), InputFile::Preprojet, &mut unreadable))
        })
        .collect();
    if !unreadable.is_empty() {
        let rows = diagnostic_rows(&unreadable);
        print(if args.json { serde_json::to_string_pretty(&DiagnosticsDocument { diagnostics: rows }) } else { Ok(diagnostics_text(&rows)) })?;
        return Ok(ExitCode::from(2));
    }
    let mut receptions = Vec::new();
    for r in &args.received {
        match r.split_once('=').map(|(region, date)| (region.trim(), Date::parse(date.trim()))) {
            Some((region, Some(date))) if !region.is_empty() => receptions.push((region.to_owned(), date)),
            _ => {
                eprintln!("cma-analytique : --recu « {r} » : « Région=AAAA-MM-JJ » attendu");
                return Ok(ExitCode::from(2));
            }
        }
    }
    let files: Vec<RegionFile<'_>> = contents.iter().map(|(region, path, bytes)| RegionFile { region: *region, file_name: path, bytes }).collect();
    let options = ReviewOptions { threshold: args.threshold, receptions, transmission: args.transmission };
    let doc = revue::review(&files, &options);
    if let Some(path) = &args.csv {
        for (i, table) in revue::export::tables(&doc).iter().enumerate() {
            let target = if i == 0 { path.clone() } else { sibling(path, table.id) };
            write(&target, &revue::export::csv(table))?;
        }
    }
    if let Some(path) = &args.xlsx {
        let Some(date) = today() else {
            eprintln!("cma-analytique : date du jour illisible");
            return Ok(ExitCode::from(2));
        };
        write(path, &revue::export::xlsx(&doc, date))?;
    }
    print(if args.json { serde_json::to_string_pretty(&doc) } else { Ok(doc.to_text()) })?;
    Ok(ExitCode::SUCCESS)
}
