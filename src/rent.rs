//! The internal-rent helper (norm §V.e.ii, « valorisation du patrimoine immobilier »): the
//! premises of the chamber used by its CFA are charged to the CFA in class 86 and credited to
//! the chamber in class 87, for the same amount.
//!
//! The value is the market value (valeur vénale) when the chamber has one, else the gross value
//! of the fixed assets re-indexed by the construction cost index (CMA France's 2021 technique).
//! Every displayed step is rounded to the cent (half away from zero) so that the explanation
//! can be redone by hand line by line.

use std::fmt::Write as _;

use serde::Serialize;

use crate::money::{Amount, Weight, french};
use crate::ratio;

/// Where the value of the premises comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Valuation {
    /// An estimate of the market value (audit of the chamber's property, first choice of the norm).
    Market { value: Amount },
    /// The gross value of the fixed assets × current index / index at acquisition.
    Reindexed { gross: Amount, index_origin: Weight, index_current: Weight },
}

/// What the user gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RentInput {
    pub valuation: Valuation,
    /// The share of the premises used for apprenticeship (0 to 1), e.g. its share of the m².
    pub share: Weight,
    /// An annual rate turning a capital value into a yearly rent, when the value is not already
    /// a yearly amount. The norm sets none: without it the amount is value × share.
    pub rate: Option<Weight>,
    pub cfa_object: String,
    pub chamber_object: String,
    pub account_86: String,
    pub account_87: String,
}

/// One ledger line to book (canonical ledger columns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub compte: String,
    pub objet: String,
    pub debit: Amount,
    pub credit: Amount,
    pub libelle: String,
}

/// The result: the amounts of each step, the explanation and the 86/87 pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rent {
    pub valeur_retenue: Amount,
    pub part_apprentissage: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taux: Option<String>,
    pub montant: Amount,
    /// The computation, step by step, in French.
    pub explication: Vec<String>,
    pub ecritures: Vec<Entry>,
}

/// Why the inputs cannot give a rent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RentError(pub String);

impl std::fmt::Display for RentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

const MICRO: i128 = 1_000_000;

fn fw(w: Weight) -> String {
    w.to_string().replace('.', ",")
}

/// `amount × numerator / denominator` rounded to the cent (half away from zero).
fn scale(amount: Amount, numerator: Weight, denominator: i128) -> Option<Amount> {
    let cents = i128::from(amount.cents()).checked_mul(i128::from(numerator.micros()))?;
    let rounded = ratio::round_div(cents, denominator)?;
    i64::try_from(rounded).ok().map(Amount::from_cents)
}

/// The pair must be booked in class 86 (charge of the CFA) and class 87 (product of the
/// chamber), on two named objects: any other account would not be eliminated by the C001
/// check (Σ86 = Σ87) and would change the chamber's result.
fn check_accounts(input: &RentInput) -> Result<(), RentError> {
    let digits = |account: &str, class: &str| account.starts_with(class) && account.bytes().all(|b| b.is_ascii_digit());
    if !digits(&input.account_86, "86") {
        return Err(RentError(format!(
            "le compte de charge du loyer doit être un compte de la classe 86 (par exemple 861000), et non « {} »",
            input.account_86
        )));
    }
    if !digits(&input.account_87, "87") {
        return Err(RentError(format!(
            "le compte de produit du loyer doit être un compte de la classe 87 (par exemple 871000), et non « {} »",
            input.account_87
        )));
    }
    if input.cfa_object.trim().is_empty() || input.chamber_object.trim().is_empty() {
        return Err(RentError("donnez l'objet analytique du CFA (qui porte la charge) et celui de la chambre (qui porte le produit)".to_owned()));
    }
    Ok(())
}

/// Computes the rent and its explanation.
pub fn compute(input: &RentInput) -> Result<Rent, RentError> {
    let err = |m: &str| RentError(m.to_owned());
    if input.share.micros() > 1_000_000 {
        return Err(err("la part utilisée pour l'apprentissage doit être comprise entre 0 et 1 (0,6 pour 60 %)"));
    }
    if input.rate.is_some_and(|r| r.micros() > 1_000_000) {
        return Err(err("le taux annuel doit être compris entre 0 et 1 (0,05 pour 5 %)"));
    }
    check_accounts(input)?;
    let negative = match input.valuation {
        Valuation::Market { value } => value.cents() < 0,
        Valuation::Reindexed { gross, .. } => gross.cents() < 0,
    };
    if negative {
        return Err(err("la valeur des locaux ne peut pas être négative : donnez la valeur vénale ou la valeur brute, sans signe"));
    }
    let mut explication = Vec::new();
    let value = match input.valuation {
        Valuation::Market { value } => {
            explication.push(format!("Valeur vénale retenue (estimation du patrimoine) : {} €", french(value)));
            value
        }
        Valuation::Reindexed { gross, index_origin, index_current } => {
            if index_origin.is_zero() || index_current.is_zero() {
                return Err(err("les indices du coût de la construction (à l'origine et actuel) ne peuvent pas être nuls"));
            }
            let value = scale(gross, index_current, i128::from(index_origin.micros())).ok_or_else(|| err("valeur trop grande"))?;
            explication.push(format!(
                "Valeur brute des immobilisations {} € × indice du coût de la construction actuel {} / indice d'origine {} = {} € (réactualisation, méthode CMA France 2021)",
                french(gross),
                fw(index_current),
                fw(index_origin),
                french(value)
            ));
            value
        }
    };
    let used = scale(value, input.share, MICRO).ok_or_else(|| err("valeur trop grande"))?;
    explication.push(format!("Part utilisée pour l'apprentissage : {} € × {} = {} €", french(value), fw(input.share), french(used)));
    let amount = match input.rate {
        Some(rate) => {
            let rent = scale(used, rate, MICRO).ok_or_else(|| err("valeur trop grande"))?;
            explication.push(format!("Loyer annuel au taux de {} : {} € × {} = {} €", fw(rate), french(used), fw(rate), french(rent)));
            rent
        }
        None => used,
    };
    let label = "Loyer interne des locaux de la chambre utilisés par le CFA (norme §V.e.ii)".to_owned();
    explication.push(format!(
        "À passer : débit {} (charge du CFA, objet « {} ») {} € et crédit {} (produit de la chambre, objet « {} ») {} € : Σ86 = Σ87 (contrôle C001)",
        input.account_86,
        input.cfa_object,
        french(amount),
        input.account_87,
        input.chamber_object,
        french(amount)
    ));
    Ok(Rent {
        valeur_retenue: value,
        part_apprentissage: input.share.to_string(),
        taux: input.rate.map(|r| r.to_string()),
        montant: amount,
        explication,
        ecritures: vec![
            Entry { compte: input.account_86.clone(), objet: input.cfa_object.clone(), debit: amount, credit: Amount::ZERO, libelle: label.clone() },
            Entry { compte: input.account_87.clone(), objet: input.chamber_object.clone(), debit: Amount::ZERO, credit: amount, libelle: label },
        ],
    })
}

impl Rent {
    /// The two lines in the canonical ledger format (`;`, comma decimals), to append to the
    /// ledger given to `repartir`.
    pub fn ledger_csv(&self) -> String {
        let mut out = String::from("compte;objet;debit;credit;libelle\n");
        let cell = |a: Amount| if a.is_zero() { String::new() } else { a.to_string().replace('.', ",") };
        for e in &self.ecritures {
            let _ = writeln!(out, "{};{};{};{};{}", e.compte, e.objet, cell(e.debit), cell(e.credit), e.libelle);
        }
        out
    }

    /// The readable French explanation of `loyer` without `--json`.
    pub fn to_text(&self) -> String {
        let mut out = String::from("Loyer interne (norme §V.e.ii)\n\n");
        for (i, step) in self.explication.iter().enumerate() {
            let _ = writeln!(out, "{}. {step}", i + 1);
        }
        out
    }
}
