//! How close two languages are for a reader: which available language to show a story in
//! when none of its articles is in the reader's own.
//!
//! Closeness of an article's language `m` for a reader of `l`, highest first:
//! 1. the same language;
//! 2. a language of the same mutually intelligible cluster (Serbian, Croatian, Bosnian and
//!    Montenegrin; Czech and Slovak; Danish, Norwegian and Swedish; Malay and Indonesian;
//!    Hindi and Urdu; Russian, Ukrainian and Belarusian; Bulgarian and Macedonian; Spanish
//!    and Galician; Tagalog and Filipino);
//! 3. a language of the same sub-branch where one is listed (West, North Germanic; East,
//!    South, West Slavic: Dutch readers get German before English), then of the same branch
//!    (Slavic, Romance, Germanic, Uralic...), one in the reader's usual script first;
//! 4. English, the language most readers of news in another language read;
//! 5. a language in the reader's script;
//! 6. anything else.
//!
//! Ties go to the language more articles of the story are in, then to the smaller code, so
//! that the choice is never arbitrary.

/// Mutually intelligible clusters.
const CLUSTERS: &[&[&str]] = &[
    &["sr", "hr", "bs", "me", "sh"],
    &["cs", "sk"],
    &["da", "no", "nb", "nn", "sv"],
    &["ms", "id"],
    &["hi", "ur"],
    &["ru", "uk", "be"],
    &["bg", "mk"],
    &["es", "gl"],
    &["tl", "fil"],
];

/// (language, branch or "branch/sub-branch", usual script).
#[rustfmt::skip]
const LANGS: &[(&str, &str, &str)] = &[
    ("en", "germanic/anglic", "latn"), ("de", "germanic/west", "latn"), ("nl", "germanic/west", "latn"), ("af", "germanic/west", "latn"),
    ("lb", "germanic/west", "latn"), ("fy", "germanic/west", "latn"), ("yi", "germanic/west", "hebr"), ("da", "germanic/north", "latn"),
    ("sv", "germanic/north", "latn"), ("no", "germanic/north", "latn"), ("nb", "germanic/north", "latn"), ("nn", "germanic/north", "latn"),
    ("is", "germanic/north", "latn"), ("fo", "germanic/north", "latn"),
    ("fr", "romance", "latn"), ("es", "romance", "latn"), ("pt", "romance", "latn"), ("it", "romance", "latn"),
    ("ro", "romance", "latn"), ("ca", "romance", "latn"), ("gl", "romance", "latn"), ("oc", "romance", "latn"),
    ("la", "romance", "latn"),
    ("ru", "slavic/east", "cyrl"), ("uk", "slavic/east", "cyrl"), ("be", "slavic/east", "cyrl"), ("bg", "slavic/south", "cyrl"),
    ("mk", "slavic/south", "cyrl"), ("sr", "slavic/south", "cyrl"), ("pl", "slavic/west", "latn"), ("cs", "slavic/west", "latn"),
    ("sk", "slavic/west", "latn"), ("sl", "slavic/south", "latn"), ("hr", "slavic/south", "latn"), ("bs", "slavic/south", "latn"),
    ("me", "slavic/south", "latn"),
    ("lt", "baltic", "latn"), ("lv", "baltic", "latn"),
    ("fi", "uralic", "latn"), ("et", "uralic", "latn"), ("hu", "uralic", "latn"),
    ("ga", "celtic", "latn"), ("cy", "celtic", "latn"), ("gd", "celtic", "latn"), ("br", "celtic", "latn"),
    ("el", "greek", "grek"), ("sq", "albanian", "latn"), ("hy", "armenian", "armn"), ("ka", "kartvelian", "geor"),
    ("eu", "basque", "latn"),
    ("hi", "indo-aryan", "deva"), ("ur", "indo-aryan", "arab"), ("bn", "indo-aryan", "beng"),
    ("pa", "indo-aryan", "guru"), ("gu", "indo-aryan", "gujr"), ("mr", "indo-aryan", "deva"),
    ("ne", "indo-aryan", "deva"), ("si", "indo-aryan", "sinh"), ("or", "indo-aryan", "orya"),
    ("fa", "iranian", "arab"), ("ps", "iranian", "arab"), ("ku", "iranian", "latn"), ("tg", "iranian", "cyrl"),
    ("ta", "dravidian", "taml"), ("te", "dravidian", "telu"), ("kn", "dravidian", "knda"), ("ml", "dravidian", "mlym"),
    ("ar", "semitic", "arab"), ("he", "semitic", "hebr"), ("am", "semitic", "ethi"), ("ti", "semitic", "ethi"),
    ("mt", "semitic", "latn"),
    ("tr", "turkic", "latn"), ("az", "turkic", "latn"), ("kk", "turkic", "cyrl"), ("uz", "turkic", "latn"),
    ("ky", "turkic", "cyrl"), ("tk", "turkic", "latn"), ("tt", "turkic", "cyrl"),
    ("zh", "sinitic", "hani"), ("ja", "japonic", "jpan"), ("ko", "korean", "kore"),
    ("th", "tai", "thai"), ("lo", "tai", "laoo"), ("vi", "vietic", "latn"), ("km", "khmer", "khmr"),
    ("my", "burmese", "mymr"),
    ("tl", "austronesian", "latn"), ("fil", "austronesian", "latn"), ("id", "austronesian", "latn"),
    ("ms", "austronesian", "latn"), ("jv", "austronesian", "latn"), ("su", "austronesian", "latn"),
    ("mg", "austronesian", "latn"),
    ("sw", "bantu", "latn"), ("zu", "bantu", "latn"), ("xh", "bantu", "latn"), ("sn", "bantu", "latn"),
    ("mn", "mongolic", "cyrl"), ("eo", "constructed", "latn"),
];

fn info(code: &str) -> Option<(&'static str, &'static str)> {
    LANGS.iter().find(|l| l.0 == code).map(|l| (l.1, l.2))
}

/// Closeness of language `article` for a reader of `reader`: 8 (the same) down to 0 (see the
/// module docs; only the order matters).
pub fn closeness(reader: &str, article: &str) -> u8 {
    if reader == article {
        return 8;
    }
    if CLUSTERS.iter().any(|c| c.contains(&reader) && c.contains(&article)) {
        return 7;
    }
    let family = |b: &'static str| b.split('/').next().unwrap_or(b);
    match (info(reader), info(article)) {
        (Some((rb, rs)), Some((ab, as_))) if rb == ab && rb.contains('/') => {
            if rs == as_ { 6 } else { 5 }
        }
        (Some((rb, rs)), Some((ab, as_))) if family(rb) == family(ab) => {
            if rs == as_ { 4 } else { 3 }
        }
        _ if article == "en" => 2,
        (Some((_, rs)), Some((_, as_))) if rs == as_ => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relatives_come_before_english_and_english_before_strangers() {
        assert!(closeness("sr", "hr") > closeness("sr", "ru"));
        assert!(closeness("sr", "ru") > closeness("sr", "pl"));
        assert!(closeness("sr", "pl") > closeness("sr", "en"));
        assert!(closeness("sr", "en") > closeness("sr", "fi"));
        assert!(closeness("ja", "en") > closeness("ja", "zh"));
        assert!(closeness("fa", "ar") > closeness("fa", "zh"), "same script");
        assert_eq!(closeness("de", "de"), 8);
    }

    #[test]
    fn a_sub_branch_comes_before_the_rest_of_its_branch() {
        assert!(closeness("nl", "de") > closeness("nl", "en"));
        assert!(closeness("sv", "is") > closeness("sv", "de"));
        assert!(closeness("pl", "cs") > closeness("pl", "ru"));
        assert!(closeness("it", "es") > closeness("it", "en"), "branches without sub-branches");
    }
}
