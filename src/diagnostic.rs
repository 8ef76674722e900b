//! Findings: one diagnostic shape for every problem, and the one catalogue of codes.
//!
//! Every stage returns its output *and* its findings; nothing is thrown. The catalogue is the
//! single source of code, severity, title and norm reference: the CLI, the page and the user
//! documentation render from it, and a test keeps `docs/diagnostics.md` equal to it.

use std::fmt;

use serde::Serialize;

/// How serious a finding is. An `Erreur` makes some output wrong or incomplete (and says which);
/// an `Avertissement` is a doubtful input that was used as documented; an `Info` is a fact worth
/// knowing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Erreur,
    Avertissement,
    Info,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Erreur => "erreur",
            Severity::Avertissement => "avertissement",
            Severity::Info => "info",
        }
    }
}

/// Which input a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InputFile {
    GrandLivre,
    Correspondance,
    Inducteurs,
    /// Findings of the allocation itself, not tied to one file.
    Calcul,
    /// The staff file of the ETP calculator (spec §6).
    Personnel,
    /// The optional list of certifications with their titles (pre-project export).
    Certifications,
    /// Parameters given on the command line or the page (dates, identity of the CFA).
    Parametres,
    /// A region's pre-project export read by the review (CSV, XLSX, ODS or `preprojet --json`).
    Preprojet,
    /// A region's full results read by the review (`repartir --json`, the page's JSON export).
    Resultats,
}

impl InputFile {
    pub const ALL: [InputFile; 9] = [
        InputFile::GrandLivre,
        InputFile::Correspondance,
        InputFile::Inducteurs,
        InputFile::Calcul,
        InputFile::Personnel,
        InputFile::Certifications,
        InputFile::Parametres,
        InputFile::Preprojet,
        InputFile::Resultats,
    ];

    /// The file whose [`InputFile::label`] this is.
    pub fn from_label(label: &str) -> Option<InputFile> {
        InputFile::ALL.into_iter().find(|f| f.label() == label)
    }

    /// The input's name as users know it (and as the CLI options spell it).
    pub fn label(self) -> &'static str {
        match self {
            InputFile::GrandLivre => "grand-livre",
            InputFile::Correspondance => "correspondance",
            InputFile::Inducteurs => "inducteurs",
            InputFile::Calcul => "calcul",
            InputFile::Personnel => "personnel",
            InputFile::Certifications => "certifications",
            InputFile::Parametres => "parametres",
            InputFile::Preprojet => "preprojet",
            InputFile::Resultats => "resultats",
        }
    }
}

/// A stable diagnostic code of the catalogue (spec §8). Codes are never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code(&'static CodeInfo);

/// One entry of the catalogue.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CodeInfo {
    pub code: &'static str,
    pub severity: Severity,
    /// What the code means, in French, for the catalogue page.
    pub title: &'static str,
    /// Where the rule comes from.
    pub reference: &'static str,
}

macro_rules! catalogue {
    ($($name:ident = $code:literal, $sev:ident, $title:literal, $reference:literal;)*) => {
        impl Code {
            $(pub const $name: Code = Code(&CodeInfo {
                code: $code,
                severity: Severity::$sev,
                title: $title,
                reference: $reference,
            });)*
        }
        /// Every code, in code order.
        pub const CATALOGUE: &[Code] = &[$(Code::$name),*];
    };
}

catalogue! {
    C001 = "C001", Erreur, "Σ comptes 86 ≠ Σ comptes 87 (loyers internes)", "norme §V.e.ii ; spécification §5";
    C002 = "C002", Avertissement, "compte 86 sur un objet hors formation", "norme §V.e.ii ; spécification §5";
    E001 = "E001", Erreur, "contrat inconnu dans le fichier du personnel", "norme annexe 3 « ETP » ; spécification §6";
    E002 = "E002", Erreur, "quotité absente ou hors de 0 à 1", "norme annexe 3 « ETP » ; spécification §6";
    E003 = "E003", Erreur, "durée absente ou invalide (mois de 0 à 12, ou heures)", "norme annexe 3 « ETP » ; spécification §6";
    E004 = "E004", Erreur, "code national du personnel absent ou inconnu", "norme annexe 1 ; spécification §6";
    E005 = "E005", Erreur, "matricule absent", "spécification §6";
    E006 = "E006", Avertissement, "une personne compte pour plus d'un ETP", "norme annexe 3 « ETP »";
    E007 = "E007", Avertissement, "vacataire rattaché hors de la formation (axe B)", "norme §V.c.ii, annexe 3 « ETP »";
    E008 = "E008", Avertissement, "mois et heures donnés tous deux (heures retenues)", "spécification §6";
    F001 = "F001", Erreur, "fichier illisible ou de format non reconnu", "spécification §2";
    F002 = "F002", Erreur, "colonne obligatoire absente", "spécification §2";
    F003 = "F003", Erreur, "montant ou nombre invalide", "spécification §2";
    F004 = "F004", Erreur, "ligne mal formée (nombre de champs, débit et crédit à la fois)", "spécification §2";
    F005 = "F005", Erreur, "date invalide", "spécification §2";
    F006 = "F006", Erreur, "numéro de compte invalide", "spécification §2.1";
    F007 = "F007", Avertissement, "financeur inconnu de l'annexe 4", "norme annexe 4";
    F008 = "F008", Info, "encodage autre qu'UTF-8 détecté et converti", "spécification §2";
    F009 = "F009", Avertissement, "encodages mêlés dans un même fichier", "spécification §2";
    F010 = "F010", Avertissement, "colonne en double : seule la première est lue", "spécification §2";
    F011 = "F011", Avertissement, "débit ou crédit négatif (lu en sens inverse)", "spécification §2.1";
    H001 = "H001", Info, "lignes hors périmètre analytique (ni classe 6, ni 7, ni 86, ni 87)", "spécification §2.1";
    H002 = "H002", Info, "lignes hors de la période demandée", "norme §V.e.i ; spécification §2.4";
    H003 = "H003", Avertissement, "lignes sans date gardées malgré le filtre de période", "spécification §2.4";
    H004 = "H004", Info, "charges du CFA classées en pédagogie faute de rubrique", "spécification §5";
    H005 = "H005", Erreur, "période inversée (début après la fin)", "spécification §2.4";
    I001 = "I001", Erreur, "valeur d'inducteur négative ou invalide", "norme annexe 3";
    I002 = "I002", Avertissement, "receveur avec charges directes mais sans inducteur", "norme §V.c.ii ; spécification §4";
    I003 = "I003", Erreur, "type d'inducteur inconnu", "norme annexe 3 ; spécification §2.3";
    I004 = "I004", Erreur, "code national d'inducteur absent ou inconnu", "norme annexe 1 ; spécification §2.3";
    I005 = "I005", Erreur, "périmètre absent ou inconnu (surface, véhicules)", "norme annexe 3 ; spécification §2.3";
    I006 = "I006", Avertissement, "heures apprenants qui ne pèsent rien", "spécification §4.7";
    I008 = "I008", Avertissement, "valeur ≠ heures × apprenants", "spécification §2.3";
    M001 = "M001", Erreur, "objet du grand livre absent de la table de correspondance", "norme §V.a, §VI ; spécification §2.2";
    M002 = "M002", Erreur, "code national inconnu dans la table de correspondance", "norme annexe 1";
    M003 = "M003", Erreur, "objet rattaché deux fois de façon différente", "norme §V.b ; spécification §2.2";
    M004 = "M004", Avertissement, "charges B01 sans certification (réparties sur les certifications)", "norme annexe 3 « Focus apprentissage »";
    M005 = "M005", Erreur, "lignes du grand livre sans objet analytique", "norme annexe 5";
    M006 = "M006", Info, "ligne de correspondance en double (identique)", "spécification §2.2";
    M007 = "M007", Info, "code imprimé corrigé par la table des corrections", "norme annexe 1";
    M008 = "M008", Avertissement, "certification hors B01 ignorée", "spécification §2.2";
    M009 = "M009", Avertissement, "clé de répartition sur un objet qui n'est pas un pool, ignorée", "spécification §2.2";
    M010 = "M010", Erreur, "clé de répartition inconnue", "norme annexe 3 ; spécification §2.2";
    M011 = "M011", Erreur, "rubrique France compétences inconnue", "norme annexe 3 ; spécification §5";
    M012 = "M012", Erreur, "ligne de correspondance sans objet", "spécification §2.2";
    P001 = "P001", Erreur, "préprojet en retard (moins de 21 jours avant la transmission)", "norme §V.e.iii";
    P002 = "P002", Avertissement, "marge supérieure à 20 % des produits (seuil des demandes de France compétences)", "spécification §5";
    P003 = "P003", Avertissement, "certification avec des charges mais sans apprentis ou sans heures", "norme annexe 3 « Focus apprentissage » ; spécification §5";
    P004 = "P004", Avertissement, "code de certification mal formé (ni RNCP, ni code diplôme de 8 caractères)", "spécification §2.2, §5";
    P005 = "P005", Avertissement, "rubrique France compétences négative", "norme annexe 3 « Focus apprentissage »";
    P006 = "P006", Erreur, "somme des certifications ≠ total de l'apprentissage", "norme annexe 3 « Focus apprentissage » ; spécification §5";
    P007 = "P007", Avertissement, "heures apprenants sans heures ni apprentis (effectifs incomplets)", "spécification §2.3, §5";
    P008 = "P008", Avertissement, "identité de l'organisme mal formée (SIRET, UAI)", "spécification §5";
    P009 = "P009", Info, "date de transmission par défaut (campagne absente du calendrier)", "norme §V.e.iii ; spécification §2.4";
    P010 = "P010", Avertissement, "certification nommée deux fois de façon différente", "spécification §5";
    R001 = "R001", Erreur, "pool non répartissable (aucun poids de niveau 1 dans son périmètre)", "spécification §4.9";
    R002 = "R002", Erreur, "côté non répartissable (aucun poids de niveau 2 dans son périmètre)", "spécification §4.9";
    R003 = "R003", Info, "véhicules : aucune ligne dans le périmètre, répartition par ETP", "norme annexe 3 ; spécification §4.6";
    R004 = "R004", Avertissement, "produits B01 sans certification non ventilables", "norme annexe 3 ; spécification §4.10";
    R005 = "R005", Erreur, "poids trop grands pour un calcul exact", "spécification §4.8";
    V001 = "V001", Erreur, "deux fichiers de même nature pour une région (le second est ignoré)", "norme §V.e.iii ; revue de cohérence";
    V002 = "V002", Avertissement, "préprojet : total des charges ≠ somme des rubriques", "norme annexe 3 « Focus apprentissage »";
    V003 = "V003", Avertissement, "certification sans apprentis ou sans heures apprenants dans une région (hors comparaison)", "norme §V.e.iii ; revue de cohérence";
    V004 = "V004", Avertissement, "coût d'une certification atypique dans une région (écart robuste au-delà du seuil)", "norme §V.e.iii ; revue de cohérence";
    V005 = "V005", Info, "écart absolu médian nul : écart robuste non calculable", "revue de cohérence";
    V006 = "V006", Info, "certifications présentes dans moins de trois régions : pas de test d'écart", "revue de cohérence";
    V007 = "V007", Info, "certifications présentes dans une seule région : non comparées", "revue de cohérence";
    V008 = "V008", Avertissement, "préprojet transmis à CMA France moins de trois semaines avant la transmission", "norme §V.e.iii, §VI";
    V009 = "V009", Info, "indicateur de la norme §VI non connu d'après les fichiers", "norme §VI";
    V010 = "V010", Info, "région nommée d'après le fichier (aucune étiquette donnée)", "revue de cohérence";
    V011 = "V011", Avertissement, "ligne de préprojet sans code de certification, ignorée", "spécification §5";
    V012 = "V012", Erreur, "date de réception donnée pour une région absente des fichiers", "norme §VI";
    V013 = "V013", Avertissement, "région avec ses résultats mais sans préprojet", "norme §V.e.iii ; revue de cohérence";
}

impl Code {
    pub fn as_str(self) -> &'static str {
        self.0.code
    }

    pub fn severity(self) -> Severity {
        self.0.severity
    }

    pub fn info(self) -> &'static CodeInfo {
        self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.code)
    }
}

/// One finding: what was found where, what was expected, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub file: InputFile,
    /// 1-based line in the file, when the finding is about one line.
    pub line: Option<u32>,
    /// The column, by its name in the file, when known.
    pub column: Option<String>,
    /// What was found and what was expected, in French.
    pub message: String,
    /// How to fix it, in French.
    pub hint: String,
}

impl Diagnostic {
    pub fn new(code: Code, file: InputFile, message: impl Into<String>) -> Diagnostic {
        Diagnostic { code, file, line: None, column: None, message: message.into(), hint: String::new() }
    }

    pub fn at_line(mut self, line: u32) -> Diagnostic {
        self.line = Some(line);
        self
    }

    pub fn in_column(mut self, column: impl Into<String>) -> Diagnostic {
        self.column = Some(column.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = hint.into();
        self
    }

    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    /// The order of every diagnostics list: file, line (file-level first), code, message.
    pub fn sort_key(&self) -> (InputFile, u32, Code, &str) {
        (self.file, self.line.unwrap_or(0), self.code, &self.message)
    }
}

/// Diagnostics detailed per file and code; past this, one more diagnostic counts the others.
pub const MAX_PER_CODE: usize = 1000;

/// Sorts diagnostics into their stable output order, keeping at most [`MAX_PER_CODE`] of each
/// code in each file and saying how many more there were (a ledger of a million unmapped objects
/// gives a readable list, and nothing is hidden: the count and the first lines are there).
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut counts: std::collections::BTreeMap<(InputFile, Code), usize> = std::collections::BTreeMap::new();
    diagnostics.retain(|d| {
        let n = counts.entry((d.file, d.code)).or_default();
        *n += 1;
        *n <= MAX_PER_CODE
    });
    for ((file, code), n) in counts.into_iter().filter(|(_, n)| *n > MAX_PER_CODE) {
        diagnostics.push(
            Diagnostic::new(
                code,
                file,
                format!("{} diagnostics {code} de plus dans ce fichier ne sont pas détaillés (seuls les {MAX_PER_CODE} premiers le sont)", n - MAX_PER_CODE),
            )
            .hint("Corrigez la cause commune des premiers (colonne mal remplie, table de correspondance incomplète), puis relancez."),
        );
    }
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// The catalogue as the Markdown table of `docs/diagnostics.md` (kept equal by a test).
pub fn catalogue_markdown() -> String {
    let mut out = String::from(
        "# Codes de diagnostic\n\n\
         Liste générée depuis `src/diagnostic.rs` (un test vérifie qu'elle est à jour). Chaque\n\
         diagnostic donne aussi le fichier, la ligne, ce qui a été trouvé, ce qui était attendu et\n\
         comment corriger. Une **erreur** rend faux ou incomplet un résultat (le message dit\n\
         lequel) ; un **avertissement** signale une donnée douteuse utilisée comme documenté ; une\n\
         **info** est un constat.\n\n\
         | code | gravité | signification | référence |\n|---|---|---|---|\n",
    );
    for code in CATALOGUE {
        let info = code.info();
        out.push_str(&format!("| `{}` | {} | {} | {} |\n", info.code, info.severity.label(), info.title, info.reference));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_sorted_and_unique() {
        let codes: Vec<&str> = CATALOGUE.iter().map(|c| c.as_str()).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted);
    }

    #[test]
    fn catalogue_has_the_codes_of_the_specification() {
        let required = [
            ("F001", Severity::Erreur),
            ("F002", Severity::Erreur),
            ("F003", Severity::Erreur),
            ("F004", Severity::Erreur),
            ("F005", Severity::Erreur),
            ("M001", Severity::Erreur),
            ("M002", Severity::Erreur),
            ("M003", Severity::Erreur),
            ("M004", Severity::Avertissement),
            ("I001", Severity::Erreur),
            ("I002", Severity::Avertissement),
            ("R001", Severity::Erreur),
            ("R002", Severity::Erreur),
            ("C001", Severity::Erreur),
            ("P001", Severity::Erreur),
        ];
        for (code, severity) in required {
            let found = CATALOGUE.iter().find(|c| c.as_str() == code);
            assert_eq!(found.map(|c| c.severity()), Some(severity), "{code}");
        }
    }
}
