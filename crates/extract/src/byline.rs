//! Bylines that name authors only: labels ("Von", "By"), dates, times, site names, roles in
//! long phrases and repeated names are taken out of the raw author strings of a page.

use crate::normalize::collapse_ws;

/// A byline longer than this (characters) is page text.
const MAX_BYLINE_CHARS: usize = 160;
/// A name has at most this many words ("Maria de la Luz García Pérez" has six).
const MAX_NAME_WORDS: usize = 6;
/// At most this many names are kept (wire stories list a few contributors).
const MAX_NAMES: usize = 8;

/// Labels that introduce a byline, lower-case, matched at the start of a part.
const LABELS: &[&str] = &[
    "written by", "posted by", "published by", "reported by", "story by", "text by", "words by", "article by", "by",
    "von", "text:", "text von", "ein beitrag von", "geschrieben von", "erstellt von", "autor:", "autorin:", "autoren:",
    "author:", "authors:", "par", "por", "di", "door", "av", "af", "från", "od", "autor", "autorin", "author",
    "redakteur:", "redaktion:", "quelle:", "source:", "escrito por", "publicado por", "publié par", "scritto da",
];

/// Words that mark a part as a role, a label, a comment or a widget rather than a name.
const NOT_NAMES: &[&str] = &[
    "updated", "published", "posted", "aktualisiert", "veröffentlicht", "uhr", "min", "minutes", "minuten", "read",
    "lesezeit", "comments", "comment", "kommentare", "kommentar", "share", "teilen", "follow", "folgen", "mehr",
    "more", "profile", "profil", "articles", "artikel", "view", "all", "alle", "email", "e-mail", "twitter",
    "facebook", "instagram", "linkedin", "admin", "administrator", "webmaster", "guest", "gast", "unknown",
    "anonymous", "null", "undefined", "http", "https", "www", "name", "datum", "date", "text", "antworten", "reply",
    "unbenannt", "untitled", "sagt", "says", "said", "schreibt", "writes", "wrote", "über", "about", "sponsored",
    "gesponserte", "anzeige", "uncategorized", "foto", "fotos", "photo", "photos", "bild", "bilder", "image",
    "quelle", "source", "phd", "md", "no", "autor", "autoren", "author", "authors", "support", "übersetzung",
    "übersetzt", "translation", "translated", "translator", "interview", "verein", "club", "association",
    "organisation", "organization", "company", "unternehmen", "firma",
];

/// Labels of a credit for something other than the text ("Foto: A. B."): the name after
/// one is a photographer's or a source's, not an author's.
const CREDIT_WORDS: &[&str] = &[
    "foto", "fotos", "photo", "photos", "bild", "bilder", "image", "images", "grafik", "illustration", "video",
    "kamera", "camera", "quelle", "source", "sources", "fotograf", "photographer", "credit", "credits",
];

/// Words that make a label an author's ("Text & Fotos:", "Interview:").
const AUTHOR_LABEL_WORDS: &[&str] = &["text", "texte", "von", "by", "autor", "autorin", "author", "interview", "words", "story"];

/// Words of a newsroom rather than a person ("Redaktion", "Editorial Staff"): a part made
/// of these only is not an author.
const DESK_WORDS: &[&str] = &[
    "redaktion", "staff", "editorial", "editor", "editors", "team", "red", "redacción", "rédaction", "redazione",
    "redação", "newsroom", "desk", "online", "digital",
];

/// Legal forms: a part ending in one names a company, not an author.
const LEGAL_FORMS: &[&str] = &[
    "gmbh", "ag", "kg", "se", "ev", "e.v", "ltd", "inc", "llc", "plc", "corp", "sa", "s.a", "sl", "srl", "spa", "bv",
    "nv", "ab", "oy", "as",
];

/// Lower-case words allowed inside a name ("Ursula von der Leyen", "Luiz Inácio da Silva").
const PARTICLES: &[&str] = &[
    "von", "van", "der", "den", "de", "da", "das", "del", "della", "dei", "di", "du", "la", "le", "dos", "do", "bin",
    "ibn", "al", "el", "zu", "ten", "ter", "y", "e", "af", "av", "og", "och", "und",
];

fn strip_label(part: &str) -> &str {
    let mut p = part.trim_start_matches(|c: char| !c.is_alphanumeric());
    loop {
        let lower = p.to_lowercase();
        let Some(l) = LABELS.iter().find(|l| {
            lower.starts_with(*l) && lower[l.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric())
        }) else {
            return p;
        };
        // Labels are ASCII or start with ASCII, so the byte length carries over.
        let cut = p.char_indices().map(|(i, _)| i).find(|&i| i >= l.len()).unwrap_or(p.len());
        let rest = p[cut..].trim_start_matches(|c: char| !c.is_alphanumeric());
        if rest.len() == p.len() {
            return p;
        }
        p = rest;
    }
}

fn fold(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// True when `part` can be a person's name (or a wire agency's, "dpa", "EFE").
fn is_name(part: &str, site_names: &[String]) -> bool {
    let words: Vec<&str> = part.split_whitespace().collect();
    if words.is_empty() || words.len() > MAX_NAME_WORDS {
        return false;
    }
    if part.chars().any(|c| c.is_ascii_digit() || matches!(c, '@' | '/' | '|' | ':' | '=' | '?' | '#' | '*' | '“' | '”' | '"')) {
        return false;
    }
    if !part.chars().next().is_some_and(char::is_alphabetic) || part.chars().filter(|c| c.is_alphabetic()).count() < 2 {
        return false;
    }
    // A user name or slug ("sarah-indra", "admin"): names in cased scripts are capitalised.
    if part.chars().any(|c| c.is_lowercase()) && !part.chars().any(char::is_uppercase) {
        return false;
    }
    // A domain ("example.org"), not a name ("J. Smith" has a space after its dot).
    let chars: Vec<char> = part.chars().collect();
    if chars.windows(2).any(|w| w[0] == '.' && w[1].is_alphabetic()) {
        return false;
    }
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase().trim_matches(|c: char| !c.is_alphanumeric()).to_string()).collect();
    if lower.iter().any(|w| NOT_NAMES.contains(&w.as_str())) || lower.iter().all(|w| DESK_WORDS.contains(&w.as_str())) {
        return false;
    }
    if lower.len() > 1 && lower.last().is_some_and(|w| LEGAL_FORMS.contains(&w.trim_end_matches('.'))) {
        return false;
    }
    // Every word of a name is capitalised but its particles: "Fotograf aus Hamburg",
    // "Geschichte in Berlin", "Hawey schreibt" are phrases.
    let phrase = words.iter().zip(&lower).any(|(w, l)| {
        w.chars().next().is_some_and(char::is_lowercase) && !PARTICLES.contains(&l.as_str())
    });
    if phrase {
        return false;
    }
    // A place ("London", "Hamburg, Germany") is a dateline, not an author.
    if storyweave_entities::gazetteer::Gazetteer::global().lookup(part).is_some() {
        return false;
    }
    let folded = fold(part);
    !site_names.iter().any(|s| {
        let whole = fold(s);
        let part_of_site = s.split(['|', '–', '—', '·', '&', ',']).flat_map(|p| p.split(" - ")).any(|p| fold(p) == folded);
        whole == folded || part_of_site || whole.len() >= 5 && folded.contains(&whole) || whole.starts_with(&folded) && folded.len() >= 4
    })
}

/// "A BA B": a name written twice without a separator (two elements' text run together).
fn undouble(s: &str) -> &str {
    let n = s.len();
    if n.is_multiple_of(2) && n >= 4 && s.is_char_boundary(n / 2) && s[..n / 2] == s[n / 2..] {
        return &s[..n / 2];
    }
    s
}

/// `raw` without the names that follow credit labels ("Interview: A B Foto: C D" keeps
/// "Interview: A B"); a label that also names the text ("Text & Fotos:") is an author's.
fn drop_credits(raw: &str) -> String {
    let segs: Vec<&str> = raw.split(':').collect();
    if segs.len() < 2 {
        return raw.to_string();
    }
    let lower_word = |w: &str| w.to_lowercase().trim_matches(|c: char| !c.is_alphanumeric()).to_string();
    let is_sep = |c: char| matches!(c, ',' | '|' | ';' | '•' | '·' | '/' | '\n' | '(' | ')');
    let mut out: Vec<String> = segs.iter().map(|s| s.to_string()).collect();
    for i in 1..segs.len() {
        let label = segs[i - 1].rsplit(is_sep).next().unwrap_or("");
        let words: Vec<String> = label.split_whitespace().map(lower_word).collect();
        let credit = words.iter().any(|w| CREDIT_WORDS.contains(&w.as_str()))
            && !words.iter().any(|w| AUTHOR_LABEL_WORDS.contains(&w.as_str()));
        if !credit {
            continue;
        }
        // The label's own words go from the segment before ("… Bergmann Foto" → "… Bergmann").
        let mut prev: Vec<&str> = out[i - 1].split_whitespace().collect();
        while prev.last().is_some_and(|w| {
            let l = lower_word(w);
            CREDIT_WORDS.contains(&l.as_str()) || matches!(l.as_str(), "" | "und" | "and")
        }) {
            prev.pop();
        }
        out[i - 1] = prev.join(" ");
        // The credited name goes; a last word that labels the next segment stays.
        let keep_last = i + 1 < segs.len();
        let cur = segs[i].split_whitespace().collect::<Vec<_>>();
        out[i] = if keep_last { cur.last().map_or(String::new(), |w| w.to_string()) } else { String::new() };
    }
    out.join(":")
}

/// The authors in a raw byline, cleaned and joined with ", "; `None` when no name is left.
/// `site_names` are the publisher's names and domain, which are never authors.
pub(crate) fn clean(raw: &str, site_names: &[String]) -> Option<String> {
    let raw = drop_credits(&collapse_ws(raw));
    if raw.is_empty() || raw.chars().count() > MAX_BYLINE_CHARS * 2 || raw.contains("://") {
        return None;
    }
    let mut names: Vec<String> = Vec::new();
    // Separators between names and between a name and what follows it (date, role, site).
    let parts: Vec<&str> = raw
        .split([',', '|', ';', ':', '•', '·', '/', '\n', '(', ')', '–', '—'])
        .flat_map(|p| p.split(" - "))
        .flat_map(|p| {
            p.split(" und ").flat_map(|q| q.split(" and ")).flat_map(|q| q.split(" & ")).flat_map(|q| q.split(" et ")).flat_map(|q| q.split(" y "))
        })
        .map(|part| undouble(strip_label(part.trim()).trim_end_matches(|c: char| !c.is_alphanumeric() && c != '.').trim_end_matches('.')))
        .collect();
    let gazetteer = storyweave_entities::gazetteer::Gazetteer::global();
    // A country key (`@de`), not a city's (`@city:…`).
    let is_country = |p: &str| gazetteer.lookup(p).is_some_and(|k| !k.starts_with("@city:"));
    for (i, &p) in parts.iter().enumerate() {
        // "Hamburg, Germany": one word before a country is a place too.
        let before_country = p.split_whitespace().count() == 1 && parts.get(i + 1).is_some_and(|n| is_country(n));
        if before_country || !is_name(p, site_names) {
            continue;
        }
        if names.iter().any(|n| n.to_lowercase() == p.to_lowercase()) {
            continue;
        }
        names.push(p.to_string());
        if names.len() == MAX_NAMES {
            break;
        }
    }
    let out = names.join(", ");
    (!out.is_empty() && out.chars().count() <= MAX_BYLINE_CHARS).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sites() -> Vec<String> {
        vec!["Stadtanzeiger".into(), "stadtanzeiger.de".into()]
    }

    #[test]
    fn keeps_names_only() {
        assert_eq!(clean("Von Erika Muster | 12.03.2021, 10:00 Uhr", &sites()).as_deref(), Some("Erika Muster"));
        assert_eq!(clean("By Jane Doe and John Roe", &sites()).as_deref(), Some("Jane Doe, John Roe"));
        assert_eq!(clean("Erika Muster, Erika Muster", &sites()).as_deref(), Some("Erika Muster"));
        assert_eq!(clean("Erika MusterErika Muster", &sites()).as_deref(), Some("Erika Muster"));
        assert_eq!(clean("Stadtanzeiger", &sites()), None);
        assert_eq!(clean("STADTANZEIGER.DE", &sites()), None);
        assert_eq!(clean("12. März 2021", &sites()), None);
        assert_eq!(clean("https://example.org/author/jane", &sites()), None);
        assert_eq!(clean("Autorin: Maria García Pérez", &sites()).as_deref(), Some("Maria García Pérez"));
        assert_eq!(clean("Par Jean Dupont et Marie Curie, publié le 3 mars", &sites()).as_deref(), Some("Jean Dupont, Marie Curie"));
        assert_eq!(clean("admin", &sites()), None);
        assert_eq!(clean("Markus Haefliger, London, Beat Bumbacher", &sites()).as_deref(), Some("Markus Haefliger, Beat Bumbacher"));
        assert_eq!(clean("Hamburg, Germany", &sites()), None);
        assert_eq!(clean("Paddy Ludolph, Fotograf aus Hamburg", &sites()).as_deref(), Some("Paddy Ludolph"));
        assert_eq!(clean("Ursula von der Leyen", &sites()).as_deref(), Some("Ursula von der Leyen"));
        assert_eq!(clean("Redaktion", &sites()), None);
        assert_eq!(clean("Editorial Staff", &sites()), None);
        assert_eq!(clean("Deutsches Weininstitut GmbH", &sites()), None);
        assert_eq!(clean("Name *", &sites()), None);
        assert_eq!(clean("Art Edwards says", &sites()), None);
        assert_eq!(clean("Team Stadtanzeiger", &sites()), None);
        assert_eq!(clean("dpa", &sites()), None);
        assert_eq!(clean("EFE", &sites()).as_deref(), Some("EFE"));
        assert_eq!(clean("Interview: Jens Bergmann Foto: Michael Hudler", &sites()).as_deref(), Some("Jens Bergmann"));
        assert_eq!(clean("Text & Fotos: Ivan Valetny", &sites()).as_deref(), Some("Ivan Valetny"));
        assert_eq!(clean("Von Erika Muster, Foto: Max Mann, 12.03.2021", &sites()).as_deref(), Some("Erika Muster"));
        assert_eq!(clean("sarah-indra", &sites()), None);
        assert_eq!(clean("王小明", &sites()).as_deref(), Some("王小明"));
    }

    #[test]
    fn labels_are_whole_words() {
        assert_eq!(strip_label("Bylund Smith"), "Bylund Smith");
        assert_eq!(strip_label("Von Erika"), "Erika");
        assert_eq!(strip_label("By: Jane"), "Jane");
        assert_eq!(strip_label("Daniel Di Angelo"), "Daniel Di Angelo");
    }
}
