//! The ETP calculator (spec §6, norm Annexe 3 « ETP »): a staff file in, the ETP of each row
//! with its reason in French, and the `etp` driver rows per activity and site out.
//!
//! Each row is exact before rounding: quotité × mois / 12 or heures / 1 820, kept as an integer
//! numerator over one common denominator, so that totals per (activity, site) are summed exactly
//! and rounded once (four decimals, half away from zero, see `ratio`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic, InputFile};
use crate::input::table::{ColumnDef, Table, normalise_header};
use crate::money::Weight;
use crate::ratio::{self, RATIO_DECIMALS};
use crate::rulebook::{Contract, ContractRule, NationalCode, rulebook};

const MATRICULE: usize = 0;
const CODE: usize = 1;
const SITE: usize = 2;
const CONTRAT: usize = 3;
const QUOTITE: usize = 4;
const MOIS: usize = 5;
const HEURES: usize = 6;

/// The columns of the staff file (`personnel`, spec §6).
pub const COLUMNS: &[ColumnDef] = &[
    ColumnDef { name: "matricule", aliases: &[], required: true },
    ColumnDef { name: "code", aliases: &[], required: true },
    ColumnDef { name: "site", aliases: &[], required: false },
    ColumnDef { name: "contrat", aliases: &[], required: true },
    ColumnDef { name: "quotite", aliases: &[], required: false },
    ColumnDef { name: "mois", aliases: &[], required: false },
    ColumnDef { name: "heures", aliases: &[], required: false },
];

/// Months in a year: the unit of `mois`.
const MONTHS: u128 = 12;
const MICRO: u128 = 1_000_000;

/// Whether a file's header is a staff file's (for the page's multi-file drop): it has every
/// required column of [`COLUMNS`] and no `inducteur`, `objet` or `compte` column.
pub fn is_staff_header(bytes: &[u8]) -> bool {
    crate::input::role::recognise(bytes) == Some(crate::input::role::Role::Personnel)
}

/// One row of the staff file with its ETP (`personnes` of `etp --json`, spec §9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonRow {
    #[serde(skip)]
    pub line: u32,
    pub matricule: String,
    pub code: String,
    pub site: Option<String>,
    #[serde(serialize_with = "ratio::serialize")]
    pub etp: Decimal,
    /// The French explanation of the figure.
    pub motif: String,
    /// Exact value: numerator over [`Etp::denominator`].
    #[serde(skip)]
    pub exact: u128,
}

/// One `etp` driver row (`inducteurs` of `etp --json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EtpDriver {
    pub site: Option<String>,
    pub code: String,
    #[serde(serialize_with = "ratio::serialize")]
    pub etp: Decimal,
}

/// The document of `etp --json` (spec §9), plus the diagnostics.
#[derive(Debug, Serialize)]
pub struct Etp {
    pub personnes: Vec<PersonRow>,
    pub inducteurs: Vec<EtpDriver>,
    pub diagnostics: Vec<crate::report::DiagnosticRow>,
}

/// The hours of one ETP (rulebook `heures_etp_annuelles`, 1 820).
fn hours_per_etp() -> u128 {
    rulebook().parameter_number("heures_etp_annuelles").map_or(1820 * MICRO, |w| u128::from(w.micros())) / MICRO
}

impl Etp {
    /// The common denominator of exact values: 12 months × 1 820 h × 10⁶ × 10⁶ (two values in
    /// micro-units multiplied). quotité × mois / 12 = q·m·1 820 / D ; heures / 1 820 = h·12·10⁶ / D.
    pub fn denominator() -> u128 {
        MONTHS * hours_per_etp() * MICRO * MICRO
    }

    /// The canonical `inducteurs` CSV of the driver rows, readable by `repartir`.
    pub fn drivers_csv(&self) -> String {
        let mut out = String::from("inducteur;site;code;valeur\n");
        for d in &self.inducteurs {
            let _ = writeln!(out, "etp;{};{};{}", d.site.as_deref().unwrap_or(""), d.code, ratio::french(d.etp));
        }
        out
    }

    /// The readable French report of `etp` without `--json`.
    pub fn to_text(&self) -> String {
        let mut out = String::from("ETP par ligne du fichier du personnel (norme, annexe 3)\n\n");
        let _ = writeln!(out, "{:<12} {:<6} {:<12} {:>8}  motif", "matricule", "code", "site", "ETP");
        for p in &self.personnes {
            let _ = writeln!(
                out,
                "{:<12} {:<6} {:<12} {:>8}  {}",
                p.matricule,
                p.code,
                p.site.as_deref().unwrap_or("(régional)"),
                ratio::french(p.etp),
                p.motif
            );
        }
        let _ = writeln!(out, "\nLignes d'inducteurs « etp » par activité et site\n");
        let _ = writeln!(out, "{:<6} {:<12} {:>8}", "code", "site", "ETP");
        for d in &self.inducteurs {
            let _ = writeln!(out, "{:<6} {:<12} {:>8}", d.code, d.site.as_deref().unwrap_or("(régional)"), ratio::french(d.etp));
        }
        out.push_str(&crate::report::diagnostics_text(&self.diagnostics));
        out
    }
}

/// The contract a cell names, by its code or one of its other names.
fn contract(text: &str) -> Option<&'static Contract> {
    let wanted = normalise_header(text);
    rulebook()
        .contracts
        .iter()
        .find(|c| normalise_header(&c.code) == wanted || c.aliases.iter().any(|a| normalise_header(a) == wanted))
}

/// `absent` when the cell is empty, else « quotité « 1,5 » ».
fn found(absent: &str, what: &str, text: &str) -> String {
    if text.is_empty() { absent.to_owned() } else { format!("{what} « {text} »") }
}

fn french_weight(w: Weight) -> String {
    w.to_string().replace('.', ",")
}

/// Reads a non-negative number of a row; `Err(())` after reporting when it is not one.
fn number(text: &str, column: &str, code: Code, line: u32, diags: &mut Vec<Diagnostic>) -> Result<Option<Weight>, ()> {
    if text.is_empty() {
        return Ok(None);
    }
    Weight::parse(text).map(Some).map_err(|_| {
        diags.push(
            Diagnostic::new(code, InputFile::Personnel, format!("{column} « {text} » : un nombre positif ou nul est attendu (au plus 6 décimales) ; ligne ignorée"))
                .at_line(line)
                .in_column(column),
        );
    })
}

/// Reads the staff file and computes every ETP. `Err` only when the file cannot be read at all.
pub fn compute(bytes: &[u8]) -> Result<Etp, Diagnostic> {
    let book = rulebook();
    let mut table = Table::open(bytes, InputFile::Personnel, COLUMNS)?;
    let mut diagnostics = Vec::new();
    let mut persons: Vec<PersonRow> = Vec::new();
    let hours_etp = hours_per_etp();
    let denominator = Etp::denominator();
    table.for_each_row(&mut diagnostics, |row, diags| {
        let line = row.line();
        let matricule = row.get(MATRICULE);
        if matricule.is_empty() {
            diags.push(
                Diagnostic::new(Code::E005, InputFile::Personnel, "matricule vide : la ligne ne peut pas être rattachée à une personne ; ligne ignorée")
                    .at_line(line)
                    .in_column("matricule")
                    .hint("Indiquez le matricule (ou tout identifiant stable) de la personne."),
            );
            return;
        }
        let code_text = row.get(CODE);
        let code = NationalCode::parse(code_text).filter(|c| book.entry(*c).is_some()).or_else(|| book.corrected_code(code_text));
        let Some((code, activity)) = code.and_then(|c| Some((c, c.activity()?))) else {
            diags.push(
                Diagnostic::new(
                    Code::E004,
                    InputFile::Personnel,
                    format!(
                        "code « {code_text} » {} ; une activité ou action de la nomenclature v10 est attendue ; ligne ignorée",
                        if code_text.is_empty() { "absent" } else { "inconnu" }
                    ),
                )
                .at_line(line)
                .in_column("code")
                .hint("Indiquez l'activité nationale sur laquelle la personne travaille (A03, B01…) ; une ligne par activité si elle en a plusieurs."),
            );
            return;
        };
        let contract_text = row.get(CONTRAT);
        let Some(contract) = contract(contract_text) else {
            let known: Vec<&str> = book.contracts.iter().map(|c| c.code.as_str()).collect();
            diags.push(
                Diagnostic::new(
                    Code::E001,
                    InputFile::Personnel,
                    format!("contrat « {contract_text} » inconnu ; attendu : {} ; ligne ignorée", known.join(", ")),
                )
                .at_line(line)
                .in_column("contrat")
                .hint("Écrivez l'un des contrats attendus (majuscules et accents ne comptent pas) ; pour un CDD, précisez cdd_accroissement (compté) ou cdd_remplacement (0 ETP : le salarié absent reste compté)."),
            );
            return;
        };
        let (Ok(quotite), Ok(months), Ok(hours)) = (
            number(row.get(QUOTITE), "quotite", Code::E002, line, diags),
            number(row.get(MOIS), "mois", Code::E003, line, diags),
            number(row.get(HEURES), "heures", Code::E003, line, diags),
        ) else {
            return;
        };
        if months.is_some() && hours.is_some() && contract.rule != ContractRule::Zero {
            diags.push(
                Diagnostic::new(Code::E008, InputFile::Personnel, "mois et heures donnés tous deux : les heures sont retenues (heures / 1 820)")
                    .at_line(line)
                    .hint("Laissez vide la colonne qui ne sert pas."),
            );
        }
        let (exact, computation) = match (contract.rule, hours) {
            (ContractRule::Zero, _) => (0, String::new()),
            (_, Some(h)) => (u128::from(h.micros()) * MONTHS * MICRO, format!("{} h / {} h", french_weight(h), hours_etp)),
            (ContractRule::Hours, None) => {
                diags.push(
                    Diagnostic::new(Code::E003, InputFile::Personnel, "vacataire sans heures : les vacataires sont comptés par heures / 1 820 ; ligne ignorée")
                        .at_line(line)
                        .in_column("heures")
                        .hint("Indiquez les heures de vacation de l'année pour cette activité."),
                );
                return;
            }
            (ContractRule::Time, None) => {
                let Some(q) = quotite.filter(|q| u128::from(q.micros()) <= MICRO) else {
                    diags.push(
                        Diagnostic::new(
                            Code::E002,
                            InputFile::Personnel,
                            format!("{} : une quotité de 0 à 1 est attendue (1 = temps plein, 0,5 = mi-temps) ; ligne ignorée", found("quotité absente", "quotité", row.get(QUOTITE))),
                        )
                        .at_line(line)
                        .in_column("quotite")
                        .hint("Pour répartir une personne sur plusieurs activités, donnez une ligne par activité avec sa part de quotité."),
                    );
                    return;
                };
                let Some(m) = months.filter(|m| u128::from(m.micros()) <= MONTHS * MICRO) else {
                    diags.push(
                        Diagnostic::new(
                            Code::E003,
                            InputFile::Personnel,
                            format!("{} : un nombre de mois de 0 à 12 est attendu (ou des heures) ; ligne ignorée", found("mois absent", "mois", row.get(MOIS))),
                        )
                        .at_line(line)
                        .in_column("mois")
                        .hint("Indiquez les mois de présence sous contrat dans l'année (12 pour l'année entière, absences comprises)."),
                    );
                    return;
                };
                let exact = u128::from(q.micros()) * u128::from(m.micros()) * hours_etp;
                (exact, format!("quotité {} × {} mois / 12", french_weight(q), french_weight(m)))
            }
        };
        if contract.rule == ContractRule::Hours && activity.axis() != b'B' {
            diags.push(
                Diagnostic::new(
                    Code::E007,
                    InputFile::Personnel,
                    format!("vacataire « {matricule} » rattaché à {activity}, hors de la formation : compté sur cette activité"),
                )
                .at_line(line)
                .in_column("code")
                .hint("La norme compte les vacataires présents dans les CFA : vérifiez le code (axe B)."),
            );
        }
        let etp = ratio::quotient(exact as i128, denominator as i128, RATIO_DECIMALS).unwrap_or_default();
        let motif = if computation.is_empty() {
            contract.label.clone()
        } else {
            format!("{} : {computation} = {} ETP", contract.label, ratio::french(etp))
        };
        persons.push(PersonRow {
            line,
            matricule: matricule.to_owned(),
            code: code.to_string(),
            site: (!row.get(SITE).is_empty()).then(|| row.get(SITE).to_owned()),
            etp,
            motif,
            exact,
        });
    });
    // A person counts for at most one ETP over all their rows.
    let mut per_person: BTreeMap<&str, (u128, u32)> = BTreeMap::new();
    for p in &persons {
        let e = per_person.entry(&p.matricule).or_insert((0, p.line));
        e.0 += p.exact;
    }
    for (matricule, (exact, line)) in per_person {
        if exact > denominator {
            let total = ratio::quotient(exact as i128, denominator as i128, RATIO_DECIMALS).unwrap_or_default();
            diagnostics.push(
                Diagnostic::new(
                    Code::E006,
                    InputFile::Personnel,
                    format!("matricule « {matricule} » : {} ETP au total sur ses lignes ; une personne compte pour 1 ETP au plus", ratio::french(total)),
                )
                .at_line(line)
                .hint("Vérifiez les parts de quotité (leur somme ne dépasse pas la quotité du contrat) et les mois."),
            );
        }
    }
    let mut totals: BTreeMap<(Option<String>, String), u128> = BTreeMap::new();
    for p in &persons {
        let activity = NationalCode::parse(&p.code).and_then(|c| c.activity()).map_or_else(String::new, |a| a.to_string());
        *totals.entry((p.site.clone(), activity)).or_default() += p.exact;
    }
    let inducteurs = totals
        .into_iter()
        .map(|((site, code), exact)| EtpDriver {
            site,
            code,
            etp: ratio::quotient(exact as i128, denominator as i128, RATIO_DECIMALS).unwrap_or_default(),
        })
        .collect();
    crate::diagnostic::sort(&mut diagnostics);
    Ok(Etp { personnes: persons, inducteurs, diagnostics: crate::report::diagnostic_rows(&diagnostics) })
}
