//! Story metadata: headline, languages, time span, top entities.

use std::collections::HashMap;
use storyweave_encode::ArticleFeatures;
use chrono::{DateTime, Utc};
use storyweave_model::{ArticleId, CleanArticle, Lang, Story, StoryId};

/// How many entities a story lists.
const TOP_ENTITIES: usize = 8;
/// Headlines made from text (no title) are cut to this many characters.
const HEADLINE_CHARS: usize = 120;
/// How many of the most representative members are read looking for a title.
const HEADLINE_TRIES: usize = 5;

/// Builds a story's metadata from its members' ids and features (in order of arrival).
/// `article(i)` fetches member `i` when its title is needed: only the headline's article is
/// read, so updating a story of 10,000 articles does not read 10,000 texts.
pub fn summarize_story(
    id: StoryId,
    ids: &[ArticleId],
    features: &[&ArticleFeatures],
    mut article: impl FnMut(usize) -> Option<CleanArticle>,
) -> Story {
    // key → (articles mentioning it, first surface seen, first member mentioning it)
    let mut counts: HashMap<&str, (usize, &str, usize)> = HashMap::new();
    for (order, f) in features.iter().enumerate() {
        for (key, surface) in &f.surfaces {
            let e = counts.entry(key.as_str()).or_insert((0, surface.as_str(), order));
            e.0 += 1;
        }
    }
    let mut ranked: Vec<(&str, (usize, &str, usize))> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.1 .2.cmp(&b.1 .2)).then(a.0.cmp(b.0)));
    let top_keys: Vec<&str> = ranked.iter().take(TOP_ENTITIES).map(|(k, _)| *k).collect();
    let top_entities: Vec<String> = ranked.iter().take(TOP_ENTITIES).map(|(_, v)| v.1.to_string()).collect();

    // The headline comes from the member that mentions most of the story's top entities (the
    // most representative report, not merely the first to arrive) and has a title.
    let mut order: Vec<(usize, usize)> = features
        .iter()
        .enumerate()
        .map(|(i, f)| (f.surfaces.iter().filter(|(k, _)| top_keys.contains(&k.as_str())).count(), i))
        .collect();
    order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut headline = None;
    let mut first_text = None;
    for &(_, i) in order.iter().take(HEADLINE_TRIES) {
        let Some(a) = article(i) else { continue };
        if !a.title.trim().is_empty() {
            headline = Some(a.title);
            break;
        }
        first_text.get_or_insert(a.text.lines().next().unwrap_or("").chars().take(HEADLINE_CHARS).collect::<String>());
    }
    let mut languages: Vec<Lang> = features.iter().map(|f| f.lang.clone()).collect();
    languages.sort();
    languages.dedup();
    let times: Vec<DateTime<Utc>> =
        features.iter().filter_map(|f| f.published.and_then(|t| DateTime::from_timestamp(t, 0))).collect();
    Story {
        id,
        headline: headline.or(first_text).unwrap_or_default(),
        articles: ids.to_vec(),
        languages,
        first_published: times.iter().min().copied(),
        last_published: times.iter().max().copied(),
        top_entities,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyweave_model::Origin;

    fn art(id: &str, title: &str, lang: &str) -> CleanArticle {
        CleanArticle {
            id: ArticleId::from(id),
            url: None,
            title: title.into(),
            text: "text".into(),
            lang: Lang::new(lang),
            published: None,
            byline: None,
            source: None,
            origin: Origin::default(),
        }
    }

    fn feats(keys: &[&str], lang: &str) -> ArticleFeatures {
        ArticleFeatures {
            lang: Lang::new(lang),
            surfaces: keys.iter().map(|k| (k.to_string(), k.to_uppercase())).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn headline_is_the_most_representative_title_and_entities_are_ranked() {
        let members = [art("a", "Off-topic", "en"), art("b", "Putin meets Kim", "de"), art("c", "", "en")];
        let f = [feats(&["x"], "en"), feats(&["putin", "kim"], "de"), feats(&["putin", "kim"], "en")];
        let refs: Vec<&ArticleFeatures> = f.iter().collect();
        let ids: Vec<ArticleId> = members.iter().map(|a| a.id.clone()).collect();
        let mut reads = 0;
        let s = summarize_story(StoryId(1), &ids, &refs, |i| {
            reads += 1;
            Some(members[i].clone())
        });
        assert_eq!(reads, 1, "only the headline's article is read");
        assert_eq!(s.headline, "Putin meets Kim");
        assert_eq!(&s.top_entities[..2], &["KIM".to_string(), "PUTIN".to_string()]);
        assert_eq!(s.languages, vec![Lang::new("de"), Lang::new("en")]);
        assert_eq!(s.articles.len(), 3);
    }
}
