//! The France compétences calendar of the pre-project (norm §V.e.iii): the préprojet is due at
//! CMA France at least three weeks (21 days, rulebook `delai_preprojet_jours`) before the date of
//! transmission to France compétences.
//!
//! Pure: the sending date ("today" by default) is always given by the host.

use serde::Serialize;

use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic, InputFile};
use crate::rulebook::rulebook;

/// What the user gives (spec §2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarInput {
    /// The date of transmission to France compétences, when the user sets it.
    pub transmission: Option<Date>,
    /// The planned (or actual) date of sending the préprojet to CMA France: today by default.
    pub sending: Date,
    /// The financial year declared, when known: its campaign is the next year's.
    pub financial_year: Option<i32>,
}

/// On time or late.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    #[serde(rename = "a_l_heure")]
    OnTime,
    #[serde(rename = "en_retard")]
    Late,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::OnTime => "à l'heure",
            Status::Late => "en retard",
        }
    }
}

/// The `calendrier` object of `preprojet --json` (spec §9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Calendar {
    #[serde(serialize_with = "iso")]
    pub date_transmission: Date,
    #[serde(serialize_with = "iso")]
    pub date_limite_preprojet: Date,
    #[serde(serialize_with = "iso")]
    pub date_envoi: Date,
    pub statut: Status,
    /// Days from the sending date to the due date: negative when late (days of delay).
    pub jours_restants: i64,
}

fn iso<S: serde::Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(date)
}

/// The transmission date of a campaign: the rulebook's `date_limite` when it has the campaign,
/// else `echeance_fc_defaut` (31 July) of the campaign year, with a `P009` info.
fn default_transmission(campaign: i32, diagnostics: &mut Vec<Diagnostic>) -> Option<Date> {
    let book = rulebook();
    if let Some(date) = book.campaign_deadline(campaign) {
        return Some(date);
    }
    let (month, day) = book.parameter("echeance_fc_defaut")?.split_once('-')?;
    let date = Date::new(campaign, month.parse().ok()?, day.parse().ok()?)?;
    diagnostics.push(
        Diagnostic::new(
            Code::P009,
            InputFile::Parametres,
            format!("aucune campagne {campaign} dans le calendrier de l'outil : date de transmission à France compétences prise au {}", date.french()),
        )
        .hint("Indiquez la date limite de transmission fixée par France compétences pour cette campagne (--date-transmission)."),
    );
    Some(date)
}

/// The calendar status, and `P001` when the préprojet is late. `None` only for dates out of
/// the calendar's range (year 1 or 9999).
pub fn calendar(input: CalendarInput, diagnostics: &mut Vec<Diagnostic>) -> Option<Calendar> {
    let book = rulebook();
    let transmission = match input.transmission {
        Some(date) => date,
        None => {
            let campaign = input.financial_year.map_or(input.sending.year(), |y| y + 1);
            default_transmission(campaign, diagnostics)?
        }
    };
    let delay = i64::try_from(book.parameter_number("delai_preprojet_jours")?.micros() / 1_000_000).ok()?;
    let due = transmission.add_days(-delay)?;
    let days_left = due.day_number() - input.sending.day_number();
    let status = if days_left >= 0 { Status::OnTime } else { Status::Late };
    if status == Status::Late {
        diagnostics.push(
            Diagnostic::new(
                Code::P001,
                InputFile::Parametres,
                format!(
                    "préprojet envoyé le {} : il était dû à CMA France le {} ({delay} jours avant la transmission à France compétences du {}), soit {} jour{} de retard",
                    input.sending.french(),
                    due.french(),
                    transmission.french(),
                    -days_left,
                    if days_left < -1 { "s" } else { "" }
                ),
            )
            .hint("Envoyez le préprojet à CMA France au moins trois semaines avant la transmission, pour la revue de cohérence du réseau."),
        );
    }
    Some(Calendar { date_transmission: transmission, date_limite_preprojet: due, date_envoi: input.sending, statut: status, jours_restants: days_left })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn campaign_2024_is_due_on_10_july() {
        let mut diags = Vec::new();
        let input = CalendarInput { transmission: None, sending: d("2024-06-28"), financial_year: Some(2023) };
        let c = calendar(input, &mut diags).unwrap();
        assert_eq!((c.date_transmission, c.date_limite_preprojet), (d("2024-07-31"), d("2024-07-10")));
        assert_eq!((c.statut, c.jours_restants), (Status::OnTime, 12));
        assert!(diags.is_empty());
        // Without the financial year, the campaign is the sending date's year.
        let c = calendar(CalendarInput { financial_year: None, ..input }, &mut diags).unwrap();
        assert_eq!(c.date_limite_preprojet, d("2024-07-10"));
    }

    #[test]
    fn the_due_date_itself_is_on_time_and_the_day_after_is_late() {
        let mut diags = Vec::new();
        let on_due = CalendarInput { transmission: Some(d("2024-07-31")), sending: d("2024-07-10"), financial_year: None };
        let c = calendar(on_due, &mut diags).unwrap();
        assert_eq!((c.statut, c.jours_restants), (Status::OnTime, 0));
        assert!(diags.is_empty());
        let c = calendar(CalendarInput { sending: d("2024-07-11"), ..on_due }, &mut diags).unwrap();
        assert_eq!((c.statut, c.jours_restants), (Status::Late, -1));
        assert_eq!(diags.iter().map(|d| d.code).collect::<Vec<_>>(), [Code::P001]);
        assert!(diags[0].message.contains("10/07/2024"), "{}", diags[0].message);
    }

    #[test]
    fn other_years_take_31_july_or_the_date_given() {
        let mut diags = Vec::new();
        let c = calendar(CalendarInput { transmission: None, sending: d("2025-05-02"), financial_year: Some(2024) }, &mut diags).unwrap();
        assert_eq!((c.date_transmission, c.date_limite_preprojet), (d("2025-07-31"), d("2025-07-10")));
        assert_eq!(diags.iter().map(|d| d.code).collect::<Vec<_>>(), [Code::P009]);
        let mut diags = Vec::new();
        let given = CalendarInput { transmission: Some(d("2025-06-30")), sending: d("2025-05-02"), financial_year: Some(2024) };
        let c = calendar(given, &mut diags).unwrap();
        assert_eq!((c.date_limite_preprojet, c.jours_restants), (d("2025-06-09"), 38));
        assert!(diags.is_empty());
    }
}
