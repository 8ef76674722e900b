//! The readable French report of `revue` without `--json`: narrow tables for a terminal, the
//! wide ones being in the CSV and XLSX exports.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::compare::{Measure, Method};
use super::network::NationalRow;
use super::Review;
use crate::ratio::french_decimal;
use crate::money::french;
use crate::ratio;
use crate::report::diagnostics_text;
use crate::rulebook::rulebook;

/// Columns aligned: the first `left` columns to the left, the others to the right.
fn aligned(out: &mut String, rows: &[Vec<String>], left: usize) {
    let widths: Vec<usize> =
        (0..rows.iter().map(Vec::len).max().unwrap_or(0)).map(|c| rows.iter().filter_map(|r| r.get(c)).map(|t| t.chars().count()).max().unwrap_or(0)).collect();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c].saturating_sub(cell.chars().count());
            if c > 0 {
                line.push_str("  ");
            }
            if c < left {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            } else {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

fn opt(value: Option<Decimal>) -> String {
    value.map_or_else(|| "—".to_owned(), french_decimal)
}

fn share(value: Option<Decimal>) -> String {
    value.map_or_else(|| "—".to_owned(), ratio::french)
}

fn count_text(text: &str) -> String {
    text.replace('.', ",")
}

impl Review {
    /// The readable French report.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let w = &mut out;
        let p = &self.parametres;
        let _ = writeln!(
            w,
            "Revue de cohérence des préprojets — {} région(s) ; écart robuste = |valeur − médiane| / ({} × écart absolu médian), région atypique au-delà de {} (au moins {} régions)\n",
            self.regions.len(),
            ratio::french(p.facteur_ecart_absolu_median),
            ratio::french(p.seuil),
            p.regions_minimum
        );
        let mut rows = vec![vec!["région".to_owned(), "fichiers".to_owned()]];
        for r in &self.regions {
            let files: Vec<String> = r.fichiers.iter().map(|f| format!("{} ({}, {})", f.fichier, f.nature, f.format)).collect();
            rows.push(vec![r.region.clone(), files.join(" ; ")]);
        }
        aligned(w, &rows, 2);

        for c in &self.certifications {
            let _ = writeln!(w, "\n{}{} — {} région(s)\n", c.certification, if c.libelle.is_empty() { String::new() } else { format!(" {}", c.libelle) }, c.regions.len());
            let mut rows = vec![["région", "apprentis", "h. apprenants", "coût complet", "produits", "marge", "€/apprenti", "écart rob.", "€/h apprenant", "écart rob.", ""]
                .map(str::to_owned)
                .to_vec()];
            for f in &c.regions {
                let mut row = vec![
                    f.region.clone(),
                    count_text(&f.apprentis),
                    count_text(&f.heures_apprenants),
                    french(f.cout_complet),
                    french(f.produits),
                    share(f.marge),
                ];
                let mut flags = Vec::new();
                for m in Measure::BOTH {
                    let d = c.comparison(m).ecarts.iter().find(|d| d.region == f.region);
                    row.push(opt(d.map(|d| d.valeur)));
                    row.push(share(d.and_then(|d| d.ecart_robuste)));
                    if d.is_some_and(|d| d.atypique) {
                        flags.push(match m {
                            Measure::CoutParApprenti => "ATYPIQUE /apprenti",
                            Measure::CoutParHeureApprenant => "ATYPIQUE /heure",
                        });
                    }
                }
                row.push(flags.join(", "));
                rows.push(row);
            }
            aligned(w, &rows, 1);
            for m in Measure::BOTH {
                let cmp = c.comparison(m);
                let detail = match cmp.methode {
                    Method::EcartAbsoluMedian => format!(
                        "médiane {} €, écart absolu médian {} €, atypique hors de [{} ; {}]",
                        opt(cmp.mediane),
                        opt(cmp.ecart_absolu_median),
                        opt(cmp.borne_basse),
                        opt(cmp.borne_haute)
                    ),
                    method => format!("médiane {} € ; {}", opt(cmp.mediane), method.label()),
                };
                let n = cmp.regions_comparees;
                let _ = writeln!(w, "  {} ({n} région{}) : {detail}", m.label(), if n > 1 { "s" } else { "" });
            }
            let book = rulebook();
            let mut mix = vec![std::iter::once("répartition".to_owned()).chain(book.headings.iter().map(|(id, _)| id.chars().take(14).collect())).collect::<Vec<String>>()];
            for f in &c.regions {
                mix.push(std::iter::once(f.region.clone()).chain(book.headings.iter().map(|(id, _)| share(f.repartition.get(id).copied()))).collect());
            }
            let _ = writeln!(w);
            aligned(w, &mix, 1);
        }

        if !self.atypiques.is_empty() {
            let _ = writeln!(w, "\nRégions atypiques\n");
            let mut rows = vec![["certification", "mesure", "région", "valeur", "médiane", "écart rob.", "rubrique qui explique l'écart", "écart de la rubrique"].map(str::to_owned).to_vec()];
            for o in &self.atypiques {
                rows.push(vec![
                    o.certification.clone(),
                    o.mesure.label().to_owned(),
                    o.region.clone(),
                    french_decimal(o.valeur),
                    french_decimal(o.mediane),
                    share(o.ecart_robuste),
                    o.explication.as_ref().map_or_else(|| "—".to_owned(), |e| e.libelle.clone()),
                    opt(o.explication.as_ref().map(|e| e.ecart)),
                ]);
            }
            aligned(w, &rows, 3);
        }
        if !self.certifications_non_comparees.is_empty() {
            let list: Vec<String> = self.certifications_non_comparees.iter().map(|s| format!("{} ({})", s.certification, s.region)).collect();
            let _ = writeln!(w, "\nCertifications présentes dans une seule région (non comparées) : {}", list.join(", "));
        }

        let n = &self.national;
        let _ = writeln!(w, "\nAgrégat national ({} région(s) avec leurs résultats complets{})\n", n.regions.len(), if n.regions_sans_resultats.is_empty() {
            String::new()
        } else {
            format!(" ; sans résultats : {}", n.regions_sans_resultats.join(", "))
        });
        if n.regions.is_empty() {
            let _ = writeln!(w, "aucun fichier de résultats (repartir --json)");
        } else {
            let mut rows = vec![["code", "région", "coût complet", "produits", "résultat", "part du coût"].map(str::to_owned).to_vec()];
            let mut push = |list: &[NationalRow]| {
                for a in list {
                    rows.push(vec![a.code.clone(), format!("national — {}", a.libelle), french(a.cout_complet), french(a.produits), french(a.resultat), String::new()]);
                    for r in &a.regions {
                        rows.push(vec![String::new(), r.region.clone(), french(r.cout_complet), french(r.produits), french(r.resultat), share(r.part_cout_complet)]);
                    }
                }
            };
            push(&n.axes);
            push(&n.activites);
            aligned(w, &rows, 2);
        }

        let _ = writeln!(w, "\nConformité à la norme (§VI)\n");
        let mut rows = vec![["région", "objets rattachés", "charges rattachées", "produits rattachés", "charges ind. réparties", "préprojet à l'heure"].map(str::to_owned).to_vec()];
        for c in &self.conformite {
            let known = |v: Option<Decimal>, known: bool| if known { share(v) } else { "non connu".to_owned() };
            let objects = match (c.objets_rattaches, c.objets_total) {
                (Some(m), Some(t)) => format!("{m} / {t} ({})", share(c.part_objets_rattaches)),
                _ => "non connu".to_owned(),
            };
            let on_time = match (c.preprojet_a_l_heure, c.jours_restants) {
                (Some(true), Some(d)) => format!("oui ({d} j d'avance)"),
                (Some(false), Some(d)) => format!("non ({} j de retard)", d.unsigned_abs()),
                (Some(t), None) => (if t { "oui" } else { "non" }).to_owned(),
                (None, _) => "non connu".to_owned(),
            };
            rows.push(vec![
                c.region.clone(),
                objects,
                known(c.part_charges_rattachees, c.source_montants.is_some()),
                known(c.part_produits_rattaches, c.source_montants.is_some()),
                known(c.part_charges_indirectes_reparties, c.source_cles.is_some()),
                on_time,
            ]);
        }
        aligned(w, &rows, 1);

        let f = &self.actions_cop_pn;
        let _ = writeln!(w, "\nActions (COP) et (PN) de la nomenclature\n");
        if f.codes.is_empty() {
            let _ = writeln!(w, "aucune donnée dans les résultats des régions");
        } else {
            let mut rows = vec![["code", "région", "drapeaux", "charges directes", "produits", "coût complet", "méthode"].map(str::to_owned).to_vec()];
            for c in &f.codes {
                for r in &c.regions {
                    rows.push(vec![
                        c.code.clone(),
                        r.region.clone(),
                        c.drapeaux.clone(),
                        french(r.charges_directes),
                        french(r.produits),
                        r.cout_complet.map_or_else(|| "—".to_owned(), french),
                        r.methode.label().to_owned(),
                    ]);
                }
            }
            aligned(w, &rows, 3);
        }
        if !f.sans_donnees.is_empty() {
            let _ = writeln!(w, "\nCodes (COP) ou (PN) sans donnée dans aucune région : {}", f.sans_donnees.join(", "));
        }
        out.push_str(&diagnostics_text(&self.diagnostics));
        out
    }
}
