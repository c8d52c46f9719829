//! Small word lists that keep common capitalised words out of names. All lower-case.

/// Titles and honorifics: they break a name run ("Deputy Prime Minister Denis Manturov" →
/// "Denis Manturov"), so that "President Putin" and "Putin" get the same key.
pub const HONORIFICS: &[&str] = &[
    "president", "präsident", "präsidentin", "presidente", "président", "prezydent",
    "predsednik", "predsjednik", "presidentti", "pangulo", "pangulong", "başkan",
    "cumhurbaşkanı", "президент", "председник", "председника", "президента", "minister",
    "ministerin", "ministro", "ministre", "ministar", "ministeri", "министр", "министар",
    "premier", "prime", "chancellor", "kanzler", "kanzlerin", "канцлер", "deputy", "vice",
    "king", "queen", "prince", "princess", "könig", "königin", "kralj", "краљ", "король",
    "pope", "papst", "papa", "mr", "mrs", "ms", "dr", "prof", "sir", "lord", "lady", "herr",
    "frau", "señor", "monsieur", "madame", "g", "gospodin", "господин", "general",
    "colonel", "senator", "governor", "mayor", "secretary", "spokesman", "spokeswoman",
    "leader", "marshal", "chairman", "ceo", "gobernador", "kalihim", "heneral",
];

/// Name particles kept inside a name between two capitalised words ("Ludwig van Beethoven",
/// "Bashar al-Assad") and left out of its key, so the name matches with or without them.
pub const PARTICLES: &[&str] = &[
    "de", "van", "von", "der", "den", "da", "di", "del", "della", "du", "dos", "das", "bin",
    "ibn", "al", "el", "la", "le", "ter", "ten", "zu", "af", "av", "y",
];

/// Weekday names that are capitalised in their language: never names.
pub const WEEKDAYS: &[&str] = &[
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "montag",
    "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonnabend", "sonntag",
    "lunes", "martes", "miyerkules", "huwebes", "biyernes", "sabado", "linggo", "pazartesi",
    "salı", "çarşamba", "perşembe", "cuma", "cumartesi", "pazar", "today", "yesterday",
    "tomorrow",
];

/// The most frequent German nouns in news text. German capitalises every noun, so the name
/// finder accepts that noise in general, but these would otherwise come first in every German
/// article's entity list and match nothing cross-lingually.
pub const GERMAN_NOUNS: &[&str] = &[
    "jahr", "jahre", "jahren", "jahres", "zeit", "land", "landes", "länder", "ländern",
    "menschen", "leute", "prozent", "euro", "dollar", "million", "millionen", "milliarde",
    "milliarden", "welt", "stadt", "städte", "staat", "staaten", "polizei", "krieg",
    "krieges", "frieden", "angaben", "bericht", "berichten", "berichte", "berichts", "woche",
    "wochen", "tag", "tage", "tagen", "monat", "monate", "monaten", "ende", "anfang", "beginn",
    "teil", "fall", "frage", "fragen", "problem", "probleme", "entwicklung", "unterstützung",
    "treffen", "gespräch", "gespräche", "gesprächen", "ministerium", "sprecher",
    "sprecherin", "chef", "chefin", "führung", "partei", "parteien", "wahl", "wahlen",
    "gesetz", "recht", "rechte", "gericht", "geld", "wirtschaft", "unternehmen", "markt",
    "preis", "preise", "kosten", "ziel", "ziele", "grund", "seite", "seiten", "weg", "hilfe",
    "lage", "situation", "sicherheit", "kampf", "gemeinschaft", "zusammenarbeit",
    "beziehungen", "geschichte", "video", "wort", "worte", "worten", "medien", "zeitung",
    "agentur", "nachrichtenagentur", "zeitpunkt", "ebene", "sache", "regierung",
    "regierungen", "entscheidung", "entscheidungen", "einladung", "besuch", "reise",
    "kinder", "frauen", "männer", "mann", "frau", "familie", "arbeit", "schule", "haus",
    "leben", "zukunft", "mitglieder", "verhandlungen", "vertreter", "experten", "behörden",
    "armee", "militär", "soldaten", "truppen", "angriff", "angriffe", "waffen", "opfer",
    "region", "grenze", "hauptstadt", "präsidenten", "minister", "bürger", "bevölkerung",
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
        for list in [HONORIFICS, PARTICLES, WEEKDAYS, GERMAN_NOUNS] {
            for w in list {
                assert_eq!(w.to_lowercase(), *w);
            }
        }
        assert!(contains(WEEKDAYS, "mittwoch"));
        assert!(!contains(WEEKDAYS, "putin"));
    }
}
