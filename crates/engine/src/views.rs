//! What the CLI, the server and the web page show: stories with their articles, relations
//! drawn as groups, a timeline, and short article labels. Built here, once, from the store.

use crate::{EngineError, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use storyweave_model::{ArticleId, CleanArticle, Lang, Origin, Relation, RelationKind, Story, StoryId};
use storyweave_store::{StoreRead, StoryListing, StoryPage, StoryQuery};

/// An article as listed in a story (its text left out: see [`ArticleView`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleSummary {
    /// The article's id.
    pub id: ArticleId,
    /// A short label for tables and relation lists: outlet (or site, or file) and language.
    pub label: String,
    /// Headline.
    pub title: String,
    /// Language code.
    pub lang: Lang,
    /// Publisher or site.
    pub source: Option<String>,
    /// The article's address.
    pub url: Option<String>,
    /// Publication time.
    pub published: Option<DateTime<Utc>>,
    /// Authors.
    pub byline: Option<String>,
    /// Length of the text in characters.
    pub chars: usize,
    /// Where it was read from.
    pub origin: Origin,
}

/// One article in full, with its story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleView {
    /// The article.
    #[serde(flatten)]
    pub article: CleanArticle,
    /// Its short label.
    pub label: String,
    /// Its story, if assigned.
    pub story: Option<StoryId>,
}

/// A relation with the labels of its two articles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelationView {
    /// The relation and its evidence.
    #[serde(flatten)]
    pub relation: Relation,
    /// Label of article `a`.
    pub a_label: String,
    /// Label of article `b`.
    pub b_label: String,
}

/// Articles linked by relations of one kind (connected through them): a translation family,
/// a set of near-copies, reports sharing passages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelationGroup {
    /// `translation`, `near_duplicate` or `shares_passages`.
    pub kind: RelationKind,
    /// The articles, in story order.
    pub articles: Vec<ArticleId>,
}

/// The articles of one language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LanguageGroup {
    /// Language code.
    pub lang: Lang,
    /// Its articles, in story order.
    pub articles: Vec<ArticleId>,
}

/// One story, everything a reader needs to see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoryView {
    /// Metadata and member ids.
    pub story: Story,
    /// The articles (without their texts), in story order.
    pub articles: Vec<ArticleSummary>,
    /// The articles by language, largest group first.
    pub languages: Vec<LanguageGroup>,
    /// Every relation with its evidence.
    pub relations: Vec<RelationView>,
    /// Relations drawn as groups: translations, near-copies, shared passages.
    pub groups: Vec<RelationGroup>,
    /// Who published when: article ids by publication time (those without one last).
    pub timeline: Vec<ArticleId>,
    /// Inside the story: headline and summary in the reader's language, provenance, what
    /// each source adds (absent when not asked for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison: Option<crate::compare::StoryComparison>,
}

/// One line of `export`: a story with its full articles and relations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryExport {
    /// Metadata and member ids.
    pub story: Story,
    /// The articles in full.
    pub articles: Vec<CleanArticle>,
    /// Every relation with its evidence.
    pub relations: Vec<Relation>,
    /// Relations drawn as groups.
    pub groups: Vec<RelationGroup>,
    /// Inside the story: headline and summary, provenance, what each source adds (absent
    /// when not asked for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison: Option<crate::compare::StoryComparison>,
}

/// Parses a story id as users write it: `s12` or `12`.
pub fn parse_story_id(text: &str) -> Result<StoryId> {
    text.trim()
        .parse::<StoryId>()
        .map_err(|_| EngineError::BadInput(format!("`{text}` is not a story id (expected s12 or 12)")))
}

/// The host of a URL, without `www.`: the outlet when no source is named.
fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?.rsplit('@').next()?.split(':').next()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then(|| host.to_lowercase())
}

/// Longest outlet name shown in a label.
const LABEL_CHARS: usize = 24;

/// Short labels for a story's articles: outlet (source, else site, else file name) and
/// language, numbered when two would read the same.
pub fn labels(articles: &[&CleanArticle]) -> Vec<String> {
    let base: Vec<String> = articles
        .iter()
        .map(|a| {
            let outlet = a
                .source
                .clone()
                .filter(|s| !s.trim().is_empty())
                .or_else(|| a.url.as_deref().and_then(host))
                .unwrap_or_else(|| {
                    let f = a.origin.file.rsplit('/').next().unwrap_or(&a.origin.file).to_string();
                    if f.is_empty() || f == "-" { a.id.to_string() } else { f }
                });
            let outlet: String = outlet.trim().chars().take(LABEL_CHARS).collect();
            format!("{outlet} ({})", a.lang)
        })
        .collect();
    let mut count: HashMap<&str, usize> = HashMap::new();
    for b in &base {
        *count.entry(b.as_str()).or_default() += 1;
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    base.iter()
        .map(|b| {
            if count.get(b.as_str()).copied().unwrap_or(0) > 1 {
                let n = seen.entry(b.clone()).or_default();
                *n += 1;
                format!("{b} #{n}")
            } else {
                b.clone()
            }
        })
        .collect()
}

fn summary(a: &CleanArticle, label: String) -> ArticleSummary {
    ArticleSummary {
        id: a.id.clone(),
        label,
        title: if a.title.trim().is_empty() { a.text.lines().next().unwrap_or("").chars().take(120).collect() } else { a.title.clone() },
        lang: a.lang.clone(),
        source: a.source.clone(),
        url: a.url.clone(),
        published: a.published,
        byline: a.byline.clone(),
        chars: a.text.chars().count(),
        origin: a.origin.clone(),
    }
}

/// Groups of articles connected by relations of each strong kind.
pub fn relation_groups(members: &[ArticleId], relations: &[Relation]) -> Vec<RelationGroup> {
    let order: HashMap<&ArticleId, usize> = members.iter().enumerate().map(|(i, id)| (id, i)).collect();
    let mut out = Vec::new();
    for kind in [RelationKind::Translation, RelationKind::NearDuplicate, RelationKind::SharesPassages] {
        // Union-find over member positions.
        let mut parent: Vec<usize> = (0..members.len()).collect();
        fn root(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                p[x] = p[p[x]];
                x = p[x];
            }
            x
        }
        let mut linked = vec![false; members.len()];
        for r in relations.iter().filter(|r| r.kind == kind) {
            let (Some(&a), Some(&b)) = (order.get(&r.a), order.get(&r.b)) else { continue };
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            parent[ra.max(rb)] = ra.min(rb);
            linked[a] = true;
            linked[b] = true;
        }
        let mut groups: BTreeMap<usize, Vec<ArticleId>> = BTreeMap::new();
        for i in 0..members.len() {
            if linked[i] {
                let r = root(&mut parent, i);
                groups.entry(r).or_default().push(members[i].clone());
            }
        }
        out.extend(groups.into_values().map(|articles| RelationGroup { kind, articles }));
    }
    out
}

/// One story as a reader sees it.
pub fn story_view(r: &dyn StoreRead, id: StoryId) -> Result<StoryView> {
    let story = r.story(id)?.ok_or_else(|| EngineError::NotFound { what: "story", id: id.to_string() })?;
    let articles = r.articles_of_story(id)?;
    let relations = r.relations(id)?;
    let refs: Vec<&CleanArticle> = articles.iter().collect();
    let labels = labels(&refs);
    let label_of: HashMap<&ArticleId, &String> = articles.iter().map(|a| &a.id).zip(&labels).collect();
    let mut by_lang: BTreeMap<Lang, Vec<ArticleId>> = BTreeMap::new();
    for a in &articles {
        by_lang.entry(a.lang.clone()).or_default().push(a.id.clone());
    }
    let mut languages: Vec<LanguageGroup> = by_lang.into_iter().map(|(lang, articles)| LanguageGroup { lang, articles }).collect();
    languages.sort_by(|a, b| b.articles.len().cmp(&a.articles.len()).then(a.lang.cmp(&b.lang)));
    let mut timeline: Vec<(Option<DateTime<Utc>>, usize, ArticleId)> =
        articles.iter().enumerate().map(|(i, a)| (a.published, i, a.id.clone())).collect();
    timeline.sort_by(|a, b| match (a.0, b.0) {
        (Some(x), Some(y)) => x.cmp(&y).then(a.1.cmp(&b.1)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.1.cmp(&b.1),
    });
    let members: Vec<ArticleId> = articles.iter().map(|a| a.id.clone()).collect();
    let groups = relation_groups(&members, &relations);
    let relations = relations
        .into_iter()
        .map(|rel| RelationView {
            a_label: label_of.get(&rel.a).map_or_else(|| rel.a.to_string(), |l| l.to_string()),
            b_label: label_of.get(&rel.b).map_or_else(|| rel.b.to_string(), |l| l.to_string()),
            relation: rel,
        })
        .collect();
    Ok(StoryView {
        story,
        articles: articles.iter().zip(labels).map(|(a, l)| summary(a, l)).collect(),
        languages,
        relations,
        groups,
        timeline: timeline.into_iter().map(|(_, _, id)| id).collect(),
        comparison: None,
    })
}

/// One story for `export`.
pub fn story_export(r: &dyn StoreRead, id: StoryId) -> Result<StoryExport> {
    let story = r.story(id)?.ok_or_else(|| EngineError::NotFound { what: "story", id: id.to_string() })?;
    let articles = r.articles_of_story(id)?;
    let relations = r.relations(id)?;
    let members: Vec<ArticleId> = articles.iter().map(|a| a.id.clone()).collect();
    let groups = relation_groups(&members, &relations);
    Ok(StoryExport { story, articles, relations, groups, comparison: None })
}

/// One article in full.
pub fn article_view(r: &dyn StoreRead, id: &ArticleId) -> Result<ArticleView> {
    let article = r.article(id)?.ok_or_else(|| EngineError::NotFound { what: "article", id: id.to_string() })?;
    let story = r.story_of(id)?;
    let label = labels(&[&article]).pop().unwrap_or_default();
    Ok(ArticleView { article, label, story })
}

/// One page of the story list.
pub fn story_page(r: &dyn StoreRead, q: &StoryQuery) -> Result<StoryPage> {
    Ok(r.stories_page(q)?)
}

/// Every story, page by page, for `export` and `stories` without a limit.
pub fn for_each_story(r: &dyn StoreRead, q: &StoryQuery, mut f: impl FnMut(&StoryListing) -> Result<bool>) -> Result<()> {
    let mut q = q.clone();
    loop {
        let page = r.stories_page(&q)?;
        for s in &page.stories {
            if !f(s)? {
                return Ok(());
            }
        }
        match page.next {
            Some(c) => q.cursor = Some(c),
            None => return Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn art(id: &str, lang: &str, source: Option<&str>, url: Option<&str>) -> CleanArticle {
        CleanArticle {
            id: ArticleId::from(id),
            url: url.map(str::to_string),
            title: "t".into(),
            text: "x".into(),
            lang: Lang::new(lang),
            published: None,
            byline: None,
            source: source.map(str::to_string),
            origin: Origin { file: format!("feeds/{id}.html"), ..Origin::default() },
        }
    }

    #[test]
    fn labels_name_the_outlet_and_language_and_tell_twins_apart() {
        let a = art("a", "en", Some("Reuters"), None);
        let b = art("b", "de", None, Some("https://www.spiegel.de/politik/x.html"));
        let c = art("c", "tl", None, None);
        let d = art("d", "en", Some("Reuters"), None);
        assert_eq!(labels(&[&a, &b, &c, &d]), vec!["Reuters (en) #1", "spiegel.de (de)", "c.html (tl)", "Reuters (en) #2"]);
    }

    #[test]
    fn relations_of_one_kind_form_groups() {
        let ids: Vec<ArticleId> = ["a", "b", "c", "d"].iter().map(|x| ArticleId::from(*x)).collect();
        let rel = |a: &str, b: &str, kind| Relation { a: a.into(), b: b.into(), kind, similarity: 0.5, evidence: Default::default() };
        let groups = relation_groups(
            &ids,
            &[rel("a", "b", RelationKind::Translation), rel("b", "c", RelationKind::Translation), rel("a", "d", RelationKind::SameStory)],
        );
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].articles, vec![ArticleId::from("a"), ArticleId::from("b"), ArticleId::from("c")]);
    }

    #[test]
    fn story_ids_parse_with_or_without_prefix() {
        assert_eq!(parse_story_id("s12").unwrap(), StoryId(12));
        assert_eq!(parse_story_id(" 7 ").unwrap(), StoryId(7));
        assert!(matches!(parse_story_id("x"), Err(EngineError::BadInput(_))));
    }
}
