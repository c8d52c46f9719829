//! Small word lists that keep common capitalised words out of names. All lower-case.

/// Titles and honorifics: they break a name run ("Deputy Prime Minister Denis Manturov" →
/// "Denis Manturov"), so that "President Putin" and "Putin" get the same key.
pub const HONORIFICS: &[&str] = &[
    "president",
    "präsident",
    "präsidentin",
    "presidente",
    "président",
    "prezydent",
    "predsednik",
    "predsjednik",
    "presidentti",
    "pangulo",
    "pangulong",
    "başkan",
    "cumhurbaşkanı",
    "президент",
    "председник",
    "председника",
    "президента",
    "minister",
    "ministerin",
    "ministro",
    "ministre",
    "ministar",
    "ministeri",
    "министр",
    "министар",
    "premier",
    "prime",
    "chancellor",
    "kanzler",
    "kanzlerin",
    "канцлер",
    "deputy",
    "vice",
    "king",
    "queen",
    "prince",
    "princess",
    "könig",
    "königin",
    "kralj",
    "краљ",
    "король",
    "pope",
    "papst",
    "papa",
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sir",
    "lord",
    "lady",
    "herr",
    "frau",
    "señor",
    "monsieur",
    "madame",
    "g",
    "gospodin",
    "господин",
    "general",
    "colonel",
    "senator",
    "governor",
    "mayor",
    "secretary",
    "spokesman",
    "spokeswoman",
    "leader",
    "marshal",
    "chairman",
    "ceo",
    "gobernador",
    "kalihim",
    "heneral",
];

/// Name particles kept inside a name between two capitalised words ("Ludwig van Beethoven",
/// "Bashar al-Assad") and left out of its key, so the name matches with or without them.
pub const PARTICLES: &[&str] = &[
    "de", "van", "von", "der", "den", "da", "di", "del", "della", "du", "dos", "das", "bin", "ibn",
    "al", "el", "la", "le", "ter", "ten", "zu", "af", "av", "y",
];

/// Weekday names that are capitalised in their language: never names.
pub const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonnabend",
    "sonntag",
    "lunes",
    "martes",
    "miyerkules",
    "huwebes",
    "biyernes",
    "sabado",
    "linggo",
    "pazartesi",
    "salı",
    "çarşamba",
    "perşembe",
    "cuma",
    "cumartesi",
    "pazar",
    "today",
    "yesterday",
    "tomorrow",
];

/// German articles and determiners: the word class that marks a common noun ("die
/// Regierung", "einem Leasingvertrag", "zur Heizung"). Names of people and most places take
/// none, so a capitalised word seen after one is an ordinary noun. A closed word class of the
/// language's grammar, complete here, not a list of nouns.
pub const GERMAN_DETERMINERS: &[&str] = &[
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines", "kein",
    "keine", "keinen", "keinem", "keiner", "keines", "dieser", "diese", "dieses", "diesen", "diesem",
    "jener", "jene", "jenes", "jenen", "jenem", "jeder", "jede", "jedes", "jeden", "jedem", "mein",
    "meine", "meinen", "meinem", "meiner", "meines", "dein", "deine", "deinen", "deinem", "deiner",
    "deines", "sein", "seine", "seinen", "seinem", "seiner", "seines", "ihr", "ihre", "ihren", "ihrem",
    "ihrer", "ihres", "unser", "unsere", "unseren", "unserem", "unserer", "unseres", "euer", "eure",
    "euren", "eurem", "eurer", "eures", "welcher", "welche", "welches", "welchen", "welchem", "im",
    "am", "zum", "zur", "vom", "beim", "ins", "ans", "aufs", "durchs", "fürs", "ums",
];

/// True when `lower` is in `list`.
pub fn contains(list: &[&str], lower: &str) -> bool {
    list.contains(&lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_lower_case() {
        for list in [HONORIFICS, PARTICLES, WEEKDAYS, GERMAN_DETERMINERS] {
            for w in list {
                assert_eq!(w.to_lowercase(), *w);
            }
        }
        assert!(contains(WEEKDAYS, "mittwoch"));
        assert!(!contains(WEEKDAYS, "putin"));
    }
}
