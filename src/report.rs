//! Results as documents: the JSON of spec §9 and the readable French tables of the CLI.
//!
//! Built from an [`Allocation`] and the sorted diagnostics; every list is in a stable order
//! (codes, then certification, then site), so the same inputs give the same bytes.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::allocate::{Allocation, PoolKey, Receiver, ReceiverSplit, Split};
use crate::diagnostic::{Diagnostic, Severity};
use crate::money::{Amount, french, weight_sum_text};
use crate::rulebook::rulebook;

#[derive(Debug, Serialize)]
pub struct ActivityRow {
    pub code: String,
    pub libelle: String,
    pub charges_directes: Amount,
    pub charges_indirectes: Amount,
    pub cout_complet: Amount,
    pub produits: Amount,
    pub resultat: Amount,
}

#[derive(Debug, Serialize)]
pub struct CertificationRow {
    pub certification: String,
    pub charges_directes: Amount,
    pub charges_indirectes: Amount,
    pub cout_complet: Amount,
    pub produits: Amount,
    pub heures_apprenants: String,
    pub rubriques: BTreeMap<String, Amount>,
}

#[derive(Debug, Serialize)]
pub struct PoolRow {
    pub code: String,
    pub cle: String,
    pub site: Option<String>,
    pub montant: Amount,
    pub formation: Amount,
    pub cma: Amount,
    pub non_reparti: Amount,
    pub produits: Amount,
}

#[derive(Debug, Serialize)]
pub struct ControlRow {
    pub charges: Amount,
    pub produits: Amount,
    pub charges_reparties: Amount,
    pub charges_non_reparties: Amount,
    pub charges_non_rattachees: Amount,
    pub produits_non_rattaches: Amount,
}

#[derive(Debug, Serialize)]
pub struct DiagnosticRow {
    pub code: String,
    pub severite: Severity,
    pub fichier: String,
    pub ligne: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub colonne: Option<String>,
    pub message: String,
    pub aide: String,
    pub reference: String,
}

#[derive(Debug, Serialize)]
pub struct ActionRow {
    pub code: String,
    pub libelle: String,
    pub charges: Amount,
    pub produits: Amount,
}

#[derive(Debug, Serialize)]
pub struct TracePart {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cote: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certification: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    pub poids: String,
    pub montant: Amount,
}

#[derive(Debug, Serialize)]
pub struct TraceSplit {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cote: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rubrique: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub financeur: Option<String>,
    pub inducteur: String,
    pub montant: Amount,
    pub parts: Vec<TracePart>,
    pub non_reparti: Amount,
}

#[derive(Debug, Serialize)]
pub struct TraceRow {
    pub code: String,
    pub cle: String,
    pub site: Option<String>,
    pub perimetre: String,
    pub montant: Amount,
    pub repli_etp: bool,
    pub niveau1: Option<TraceSplit>,
    pub niveau2: Vec<TraceSplit>,
    pub non_reparti: Amount,
}

/// The document of `repartir --json` (spec §9). `actions` and `trace` are additions at the top
/// level only (docs/regles-de-calcul.md §7).
#[derive(Debug, Serialize)]
pub struct Document {
    pub activites: Vec<ActivityRow>,
    pub certifications: Vec<CertificationRow>,
    pub pools: Vec<PoolRow>,
    pub controle: ControlRow,
    pub diagnostics: Vec<DiagnosticRow>,
    pub actions: Vec<ActionRow>,
    pub trace: Vec<TraceRow>,
}

/// The document of `valider --json`, and of any command whose inputs could not be read.
#[derive(Debug, Serialize)]
pub struct DiagnosticsDocument {
    pub diagnostics: Vec<DiagnosticRow>,
}

pub fn diagnostic_rows(diagnostics: &[Diagnostic]) -> Vec<DiagnosticRow> {
    diagnostics
        .iter()
        .map(|d| DiagnosticRow {
            code: d.code.to_string(),
            severite: d.severity(),
            fichier: d.file.label().to_owned(),
            ligne: d.line,
            colonne: d.column.clone(),
            message: d.message.clone(),
            aide: d.hint.clone(),
            reference: d.code.info().reference.to_owned(),
        })
        .collect()
}

fn totals_by<K: Ord>(allocation: &Allocation, key: impl Fn(&Receiver) -> Option<K>) -> BTreeMap<K, Totals> {
    let mut out: BTreeMap<K, Totals> = BTreeMap::new();
    for (receiver, t) in &allocation.receivers {
        if let Some(k) = key(receiver) {
            let e = out.entry(k).or_default();
            e.direct += t.direct;
            e.indirect += t.indirect;
            e.products += t.products;
            for (i, h) in t.headings.iter().enumerate() {
                if e.headings.len() <= i {
                    e.headings.resize(i + 1, Amount::ZERO);
                }
                e.headings[i] += *h;
            }
        }
    }
    out
}

#[derive(Default)]
struct Totals {
    direct: Amount,
    indirect: Amount,
    products: Amount,
    headings: Vec<Amount>,
}

impl Totals {
    fn is_zero(&self) -> bool {
        self.direct.is_zero() && self.indirect.is_zero() && self.products.is_zero()
    }
}

impl Document {
    pub fn new(allocation: &Allocation, diagnostics: &[Diagnostic]) -> Document {
        let book = rulebook();
        let b01 = book.apprenticeship();
        let activites = totals_by(allocation, |r| Some(r.activity))
            .into_iter()
            .filter(|(_, t)| !t.is_zero())
            .map(|(code, t)| ActivityRow {
                code: code.to_string(),
                libelle: book.label(code).to_owned(),
                charges_directes: t.direct,
                charges_indirectes: t.indirect,
                cout_complet: t.direct + t.indirect,
                produits: t.products,
                resultat: t.products - (t.direct + t.indirect),
            })
            .collect();
        let by_certification = totals_by(allocation, |r| (r.activity == b01).then(|| r.certification.clone()).flatten());
        let mut certification_names: Vec<&String> = by_certification.keys().collect();
        for c in allocation.learner_hours.keys() {
            if !by_certification.contains_key(c) {
                certification_names.push(c);
            }
        }
        certification_names.sort();
        let empty = Totals::default();
        let certifications = certification_names
            .into_iter()
            .map(|c| {
                let t = by_certification.get(c).unwrap_or(&empty);
                CertificationRow {
                    certification: c.clone(),
                    charges_directes: t.direct,
                    charges_indirectes: t.indirect,
                    cout_complet: t.direct + t.indirect,
                    produits: t.products,
                    heures_apprenants: weight_sum_text(allocation.learner_hours.get(c).copied().unwrap_or(0)),
                    rubriques: book
                        .headings
                        .iter()
                        .enumerate()
                        .map(|(i, (id, _))| (id.clone(), t.headings.get(i).copied().unwrap_or_default()))
                        .collect(),
                }
            })
            .collect();
        let pools = allocation
            .pools
            .iter()
            .map(|p| {
                let share = |s| p.shares.get(&s).copied().unwrap_or_default();
                PoolRow {
                    code: p.key.code.to_string(),
                    cle: p.key.family.label().to_owned(),
                    site: p.key.site.clone(),
                    montant: p.charges,
                    formation: share(crate::rulebook::Side::Formation),
                    cma: share(crate::rulebook::Side::Cma),
                    non_reparti: p.unallocated,
                    produits: p.products,
                }
            })
            .collect();
        let c = allocation.control;
        let controle = ControlRow {
            charges: c.charges,
            produits: c.products,
            charges_reparties: c.charges_allocated,
            charges_non_reparties: c.charges_unallocated,
            charges_non_rattachees: c.charges_unmapped,
            produits_non_rattaches: c.products_unmapped,
        };
        let actions = allocation
            .actions
            .iter()
            .map(|(code, a)| ActionRow {
                code: code.to_string(),
                libelle: book.label(*code).to_owned(),
                charges: a.charges,
                produits: a.products,
            })
            .collect();
        let trace = allocation
            .pools
            .iter()
            .map(|p| TraceRow {
                code: p.key.code.to_string(),
                cle: p.key.family.label().to_owned(),
                site: p.key.site.clone(),
                perimetre: scope_text(&p.key),
                montant: p.charges,
                repli_etp: p.fallback_used,
                niveau1: p.level1.as_ref().map(level1_trace),
                niveau2: p.level2.iter().map(level2_trace).collect(),
                non_reparti: p.unallocated,
            })
            .collect();
        Document { activites, certifications, pools, controle, diagnostics: diagnostic_rows(diagnostics), actions, trace }
    }

    /// The readable French report of `repartir` without `--json`.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let w = &mut out;
        let _ = writeln!(w, "Coûts complets par activité nationale (€)\n");
        let _ = writeln!(w, "{:<6} {:>16} {:>16} {:>16} {:>16} {:>16}", "code", "directes", "indirectes", "coût complet", "produits", "résultat");
        for a in &self.activites {
            let _ = writeln!(
                w,
                "{:<6} {:>16} {:>16} {:>16} {:>16} {:>16}  {}",
                a.code,
                french(a.charges_directes),
                french(a.charges_indirectes),
                french(a.cout_complet),
                french(a.produits),
                french(a.resultat),
                a.libelle
            );
        }
        if !self.certifications.is_empty() {
            let _ = writeln!(w, "\nCertifications de l'apprentissage (B01)\n");
            let _ = writeln!(w, "{:<14} {:>16} {:>16} {:>16} {:>14}", "certification", "coût complet", "produits", "pédagogie", "h. apprenants");
            for c in &self.certifications {
                let _ = writeln!(
                    w,
                    "{:<14} {:>16} {:>16} {:>16} {:>14}",
                    c.certification,
                    french(c.cout_complet),
                    french(c.produits),
                    french(c.rubriques.get("pedagogie").copied().unwrap_or_default()),
                    c.heures_apprenants
                );
            }
        }
        let _ = writeln!(w, "\nPools de charges indirectes\n");
        let _ = writeln!(w, "{:<6} {:<12} {:<14} {:>16} {:>16} {:>16} {:>16}", "code", "clé", "site", "montant", "cma", "formation", "non réparti");
        for p in &self.pools {
            let _ = writeln!(
                w,
                "{:<6} {:<12} {:<14} {:>16} {:>16} {:>16} {:>16}",
                p.code,
                p.cle,
                p.site.as_deref().unwrap_or("(régional)"),
                french(p.montant),
                french(p.cma),
                french(p.formation),
                french(p.non_reparti)
            );
        }
        let c = &self.controle;
        let _ = writeln!(w, "\nContrôle\n");
        let _ = writeln!(w, "charges                 {:>16}", french(c.charges));
        let _ = writeln!(w, "  réparties             {:>16}", french(c.charges_reparties));
        let _ = writeln!(w, "  non réparties         {:>16}", french(c.charges_non_reparties));
        let _ = writeln!(w, "  non rattachées        {:>16}", french(c.charges_non_rattachees));
        let _ = writeln!(w, "produits                {:>16}", french(c.produits));
        let _ = writeln!(w, "  non rattachés         {:>16}", french(c.produits_non_rattaches));
        out.push_str(&diagnostics_text(&self.diagnostics));
        out
    }
}

/// The diagnostics as a French list, with a count per severity.
pub fn diagnostics_text(rows: &[DiagnosticRow]) -> String {
    let mut out = String::new();
    let count = |s: Severity| rows.iter().filter(|d| d.severite == s).count();
    let _ = writeln!(
        out,
        "\nDiagnostics : {} erreur(s), {} avertissement(s), {} info(s)\n",
        count(Severity::Erreur),
        count(Severity::Avertissement),
        count(Severity::Info)
    );
    for d in rows {
        let place = match d.ligne {
            Some(l) => format!("{}:{l}", d.fichier),
            None => d.fichier.clone(),
        };
        let _ = writeln!(out, "{} {} {} — {}", d.code, d.severite.label(), place, d.message);
        if !d.aide.is_empty() {
            let _ = writeln!(out, "      → {}", d.aide);
        }
    }
    out
}

fn scope_text(key: &PoolKey) -> String {
    match &key.site {
        Some(s) => format!("inducteurs du site {s}"),
        None => "inducteurs de tous les sites et régionaux".to_owned(),
    }
}

fn level1_trace(split: &Split<crate::rulebook::Side>) -> TraceSplit {
    TraceSplit {
        cote: None,
        rubrique: None,
        financeur: None,
        inducteur: split.driver.label().to_owned(),
        montant: split.amount,
        parts: split
            .parts
            .iter()
            .map(|(side, w, a)| TracePart {
                cote: Some(side.label().to_owned()),
                code: None,
                certification: None,
                site: None,
                poids: weight_sum_text(*w),
                montant: *a,
            })
            .collect(),
        non_reparti: split.unallocated,
    }
}

fn level2_trace(s: &ReceiverSplit) -> TraceSplit {
    TraceSplit {
        cote: Some(s.side.label().to_owned()),
        rubrique: s.heading.map(|h| h.id().to_owned()),
        financeur: s.financer.clone(),
        inducteur: s.split.driver.label().to_owned(),
        montant: s.split.amount,
        parts: s
            .split
            .parts
            .iter()
            .map(|(r, w, a)| TracePart {
                cote: None,
                code: Some(r.activity.to_string()),
                certification: r.certification.clone(),
                site: r.site.clone(),
                poids: weight_sum_text(*w),
                montant: *a,
            })
            .collect(),
        non_reparti: s.split.unallocated,
    }
}
