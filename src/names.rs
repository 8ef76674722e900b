//! How names typed by people are compared: headers (`Élément d'OTP`), and values that name
//! something of the rulebook (`Véhicules`, `pédagogie`, `heures apprenants`). Case, accents,
//! spaces and `_ - ' .` do not count.

/// Normalised form of a name typed by a person: lower case, no accents, no spaces or punctuation.
pub fn normalise(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .flat_map(|c| match c {
            'œ' => ['o', 'e'].into_iter().take(2),
            'æ' => ['a', 'e'].into_iter().take(2),
            c => [c, ' '].into_iter().take(1),
        })
        .filter_map(|c| match c {
            'à' | 'â' | 'ä' | 'á' => Some('a'),
            'é' | 'è' | 'ê' | 'ë' => Some('e'),
            'î' | 'ï' | 'í' => Some('i'),
            'ô' | 'ö' | 'ó' => Some('o'),
            'ù' | 'û' | 'ü' | 'ú' => Some('u'),
            'ç' => Some('c'),
            ' ' | '_' | '-' | '\'' | '’' | '.' | '\u{a0}' | '\u{feff}' | '\r' | '\t' => None,
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_case_accents_or_punctuation() {
        assert_eq!(normalise("Heures apprenants"), normalise("heures_apprenants"));
        assert_eq!(normalise("Élément d'OTP"), "elementdotp");
        assert_eq!(normalise("Véhicules"), "vehicules");
        assert_eq!(normalise("nœud"), "noeud");
    }
}
