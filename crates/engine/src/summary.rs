//! Story metadata: headline, languages, time span, top entities.

use std::collections::HashMap;
use storyweave_encode::ArticleFeatures;
use storyweave_model::{CleanArticle, Lang, Story, StoryId};

/// How many entities a story lists.
const TOP_ENTITIES: usize = 8;
/// Headlines made from text (no title) are cut to this many characters.
const HEADLINE_CHARS: usize = 120;

/// Builds a story's metadata from its members (in order of arrival) and their features.
pub fn summarize_story(id: StoryId, members: &[CleanArticle], features: &[&ArticleFeatures]) -> Story {
    // key → (articles mentioning it, first surface seen)
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

    // The headline comes from the member that mentions most of the story's top entities:
    // the most representative report, not merely the first to arrive.
    let mut best: Option<(usize, usize)> = None;
    for (i, (a, f)) in members.iter().zip(features).enumerate() {
        if a.title.trim().is_empty() {
            continue;
        }
        let score = f.surfaces.iter().filter(|(k, _)| top_keys.contains(&k.as_str())).count();
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, i));
        }
    }
    let headline = match best {
        Some((_, i)) => members[i].title.clone(),
        None => members
            .first()
            .map(|a| a.text.lines().next().unwrap_or("").chars().take(HEADLINE_CHARS).collect::<String>())
            .unwrap_or_default(),
    };
    let mut languages: Vec<Lang> = members.iter().map(|a| a.lang.clone()).collect();
    languages.sort();
    languages.dedup();
    let times: Vec<_> = members.iter().filter_map(|a| a.published).collect();
    Story {
        id,
        headline,
        articles: members.iter().map(|a| a.id.clone()).collect(),
        languages,
        first_published: times.iter().min().copied(),
        last_published: times.iter().max().copied(),
        top_entities,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyweave_model::{ArticleId, Origin};

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

    fn feats(keys: &[&str]) -> ArticleFeatures {
        ArticleFeatures {
            surfaces: keys.iter().map(|k| (k.to_string(), k.to_uppercase())).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn headline_is_the_most_representative_title_and_entities_are_ranked() {
        let members = [art("a", "Off-topic", "en"), art("b", "Putin meets Kim", "de"), art("c", "", "en")];
        let f = [feats(&["x"]), feats(&["putin", "kim"]), feats(&["putin", "kim"])];
        let refs: Vec<&ArticleFeatures> = f.iter().collect();
        let s = summarize_story(StoryId(1), &members, &refs);
        assert_eq!(s.headline, "Putin meets Kim");
        assert_eq!(&s.top_entities[..2], &["KIM".to_string(), "PUTIN".to_string()]);
        assert_eq!(s.languages, vec![Lang::new("de"), Lang::new("en")]);
        assert_eq!(s.articles.len(), 3);
    }
}
