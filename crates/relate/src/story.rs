//! Inside a story: what each source adds, which articles derive from one source, and a
//! headline and summary in the reader's language.
//!
//! Every pair of the story's articles is aligned sentence by sentence (in order for
//! translations and near-copies, freely otherwise, see [`crate::mode_for`]). A sentence that
//! no other article covers is something its article adds; a sentence many articles cover is
//! central to the story. Everything is extractive: titles and sentences as written.

use crate::compare::{align_pair, rank_adds, AddedSentence, AnalysedArticle, Known, Prepared};
use crate::langs::closeness;
use crate::{Relate, Relator};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use storyweave_model::{ArticleId, Lang, Relation, RelationKind};

/// Options of [`story_view`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoryOptions {
    /// The reader's language: headline and summary in it, else in the closest available.
    pub lang: Option<Lang>,
}

/// Fewest summary sentences (when the articles have that many).
const MIN_SUMMARY: usize = 3;
/// Most summary sentences.
const MAX_SUMMARY: usize = 5;
/// Shorter sentences are not summary material (datelines, captions, fragments).
const MIN_SUMMARY_CHARS: u32 = 40;
/// Lead sentences say what a news report is about: a bonus by position (first, second, third).
const LEAD_BONUS: [f32; 3] = [0.6, 0.4, 0.2];

/// One sentence of the summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummarySentence {
    /// The article it comes from.
    pub article: ArticleId,
    /// 0-based sentence index in that article.
    pub sentence: usize,
    /// The sentence as written.
    pub text: String,
    /// How many other articles of the story say it too.
    pub covered_by: usize,
}

/// How two articles of a provenance group are linked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProvenanceLink {
    /// One article.
    pub a: ArticleId,
    /// The other.
    pub b: ArticleId,
    /// `translation`, `near_duplicate`, `shares_passages` or `byline` (same contributors).
    pub kind: String,
}

/// Articles that derive from one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProvenanceGroup {
    /// Members, earliest known publication first (undated ones last, in story order).
    pub articles: Vec<ArticleId>,
    /// The member published first, when any member has a date.
    pub earliest: Option<ArticleId>,
    /// Its publication time.
    pub earliest_published: Option<DateTime<Utc>>,
    /// The links that joined them.
    pub links: Vec<ProvenanceLink>,
}

/// What one article adds to the story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleAdds {
    /// The article.
    pub article: ArticleId,
    /// Its language (the sentences are in it).
    pub lang: Lang,
    /// Its sentences no other article covers, best first.
    pub sentences: Vec<AddedSentence>,
}

/// The view of one story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryDigest {
    /// A title (or, when none, a central sentence) of one of the articles, as written.
    pub headline: String,
    /// Its language.
    pub headline_lang: Lang,
    /// The article it comes from.
    pub headline_article: Option<ArticleId>,
    /// Set when no article is in the requested language: says which was taken instead.
    pub fallback_note: Option<String>,
    /// 3–5 central sentences in the headline's language, in reading order.
    pub summary: Vec<SummarySentence>,
    /// Groups of two or more articles that derive from one source.
    pub provenance: Vec<ProvenanceGroup>,
    /// Articles in no provenance group: independent reports.
    pub independent: Vec<ArticleId>,
    /// What each article adds (articles that add nothing are left out).
    pub adds: Vec<ArticleAdds>,
}

/// Per article and sentence: the (article, sentence) pairs aligned with it.
type Partners = Vec<Vec<Vec<(usize, usize)>>>;

/// The view of a story: headline and summary (in `options.lang` or the closest language),
/// provenance groups and what each article adds. `relations` are the story's stored
/// relations; a pair without one is related here.
pub fn story_view(articles: &[AnalysedArticle], relations: &[Relation], relator: &Relator, options: &StoryOptions) -> StoryDigest {
    let prepared: Vec<Prepared> = articles.iter().map(|&a| Prepared::new(a)).collect();
    let n = articles.len();
    let stored: HashMap<(&ArticleId, &ArticleId), &Relation> =
        relations.iter().flat_map(|r| [((&r.a, &r.b), r), ((&r.b, &r.a), r)]).collect();
    let mut pair_relations: Vec<(usize, usize, Relation)> = Vec::new();
    let mut partners: Partners = articles.iter().map(|a| vec![Vec::new(); a.analysis.sentences.len()]).collect();
    let mut shared_share = vec![0.0f32; n];
    for i in 0..n {
        for j in i + 1..n {
            let (x, y) = (&prepared[i], &prepared[j]);
            let rel = match stored.get(&(&articles[i].article.id, &articles[j].article.id)) {
                Some(r) => (*r).clone(),
                None => relator.relate(x.input.article, &x.digest, y.input.article, &y.digest, 0.0),
            };
            for g in align_pair(x, y, rel.kind, &relator.config).iter().filter(|g| g.is_aligned()) {
                for &s in &g.a {
                    partners[i][s].extend(g.b.iter().map(|&t| (j, t)));
                }
                for &t in &g.b {
                    partners[j][t].extend(g.a.iter().map(|&s| (i, s)));
                }
            }
            pair_relations.push((i, j, rel));
        }
    }
    let covered_by = |i: usize, s: usize| partners[i][s].iter().map(|p| p.0).collect::<HashSet<_>>().len();
    for (i, share) in shared_share.iter_mut().enumerate() {
        let k = articles[i].analysis.sentences.len();
        if k > 0 && n > 1 {
            *share = (0..k).map(|s| covered_by(i, s) as f32).sum::<f32>() / (k * (n - 1)) as f32;
        }
    }

    let (lang, fallback_note) = choose_language(articles, options.lang.as_ref());
    // Articles in that language, most central first.
    let mut in_lang: Vec<usize> = (0..n).filter(|&i| articles[i].article.lang == lang).collect();
    in_lang.sort_by(|&p, &q| {
        shared_share[q]
            .total_cmp(&shared_share[p])
            .then(articles[p].article.published.cmp(&articles[q].article.published))
            .then(p.cmp(&q))
    });
    let summary = summarize(articles, &in_lang, &partners, &covered_by);
    let (headline, headline_article) = match in_lang.iter().find(|&&i| !articles[i].article.title.trim().is_empty()) {
        Some(&i) => (articles[i].article.title.trim().to_string(), Some(articles[i].article.id.clone())),
        None => match summary.first() {
            Some(s) => (s.text.clone(), Some(s.article.clone())),
            None => (String::new(), None),
        },
    };

    let (provenance, independent) = provenance(articles, &pair_relations);

    let adds = if n < 2 {
        Vec::new()
    } else {
        (0..n)
            .filter_map(|i| {
                let known = Known::of((0..n).filter(|&j| j != i).map(|j| articles[j].analysis));
                let uncovered = (0..articles[i].analysis.sentences.len()).filter(|&s| partners[i][s].is_empty());
                let sentences = rank_adds(&articles[i], uncovered, &known);
                (!sentences.is_empty()).then(|| ArticleAdds {
                    article: articles[i].article.id.clone(),
                    lang: articles[i].article.lang.clone(),
                    sentences,
                })
            })
            .collect()
    };

    StoryDigest { headline, headline_lang: lang, headline_article, fallback_note, summary, provenance, independent, adds }
}

/// The language of headline and summary, and a note when it is not the requested one.
fn choose_language(articles: &[AnalysedArticle], wanted: Option<&Lang>) -> (Lang, Option<String>) {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for a in articles {
        *counts.entry(a.article.lang.as_str()).or_insert(0) += 1;
    }
    let mut langs: Vec<(&str, usize)> = counts.into_iter().collect();
    // Most articles first, then English, then by code: never an arbitrary order.
    langs.sort_by(|x, y| y.1.cmp(&x.1).then((y.0 == "en").cmp(&(x.0 == "en"))).then(x.0.cmp(y.0)));
    let Some(&(first, _)) = langs.first() else { return (wanted.cloned().unwrap_or_default(), None) };
    let Some(wanted) = wanted else { return (Lang::new(first), None) };
    // Stable sort: ties in closeness keep the order above.
    langs.sort_by_key(|&(l, _)| std::cmp::Reverse(closeness(wanted.as_str(), l)));
    let best = Lang::new(langs[0].0);
    if &best == wanted {
        (best, None)
    } else {
        let note = format!("no article in `{wanted}`; shown in `{best}`, the closest language available");
        (best, Some(note))
    }
}

/// 3–5 central sentences of the articles `order` (most central first): sentences other
/// articles also say first, then lead sentences; none that repeats one already taken.
fn summarize(
    articles: &[AnalysedArticle],
    order: &[usize],
    partners: &Partners,
    covered_by: &dyn Fn(usize, usize) -> usize,
) -> Vec<SummarySentence> {
    let mut candidates: Vec<(f32, usize, usize, usize)> = Vec::new();
    for (rank, &i) in order.iter().enumerate() {
        let a = &articles[i];
        let title = a.article.title.trim();
        for (s, sent) in a.analysis.sentences.iter().enumerate() {
            let text = sent.span.text(&a.article.text);
            if sent.heading || sent.chars < MIN_SUMMARY_CHARS || text == title {
                continue;
            }
            let lead = LEAD_BONUS.get(s).copied().unwrap_or(0.0);
            // Earlier (more central) articles win ties.
            let score = covered_by(i, s) as f32 + lead - 0.01 * rank as f32;
            candidates.push((score, rank, i, s));
        }
    }
    candidates.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.3.cmp(&y.3)));
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let mut echoes: HashSet<(usize, usize)> = HashSet::new();
    for &(_, _, i, s) in &candidates {
        if taken.len() >= MAX_SUMMARY {
            break;
        }
        // Past the minimum, only sentences that another article also says.
        if taken.len() >= MIN_SUMMARY && covered_by(i, s) == 0 {
            break;
        }
        if echoes.contains(&(i, s)) {
            continue;
        }
        taken.push((i, s));
        echoes.extend(partners[i][s].iter().copied());
    }
    // Reading order: by article (most central first), then by position.
    let rank_of: HashMap<usize, usize> = order.iter().enumerate().map(|(r, &i)| (i, r)).collect();
    taken.sort_by_key(|&(i, s)| (rank_of.get(&i).copied().unwrap_or(usize::MAX), s));
    taken
        .into_iter()
        .map(|(i, s)| SummarySentence {
            article: articles[i].article.id.clone(),
            sentence: s,
            text: articles[i].analysis.sentence_text(&articles[i].article.text, s).to_string(),
            covered_by: covered_by(i, s),
        })
        .collect()
}

/// Provenance groups: articles joined by translation, near-copy, same-language shared
/// passages (text copied word for word) or the same byline names. Cross-language passages
/// shared by names and numbers do not join: two reports quoting one statement translate it
/// each on its own.
fn provenance(articles: &[AnalysedArticle], relations: &[(usize, usize, Relation)]) -> (Vec<ProvenanceGroup>, Vec<ArticleId>) {
    let n = articles.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut links: Vec<(usize, usize, &'static str)> = Vec::new();
    for (i, j, rel) in relations {
        let same_lang = articles[*i].article.lang == articles[*j].article.lang;
        let kind = match rel.kind {
            RelationKind::Translation => Some("translation"),
            RelationKind::NearDuplicate => Some("near_duplicate"),
            RelationKind::SharesPassages if same_lang => Some("shares_passages"),
            _ if !rel.evidence.matched_bylines.is_empty() => Some("byline"),
            _ => None,
        };
        if let Some(kind) = kind {
            links.push((*i, *j, kind));
            let (ri, rj) = (root(&mut parent, *i), root(&mut parent, *j));
            parent[ri.max(rj)] = ri.min(rj);
        }
    }
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..n {
        let r = root(&mut parent, i);
        members.entry(r).or_default().push(i);
    }
    let mut roots: Vec<usize> = members.keys().copied().collect();
    roots.sort_unstable();
    let mut groups = Vec::new();
    let mut independent = Vec::new();
    for r in roots {
        let mut m = members.remove(&r).unwrap_or_default();
        if m.len() < 2 {
            independent.extend(m.iter().map(|&i| articles[i].article.id.clone()));
            continue;
        }
        // Dated members first, earliest first; undated ones keep story order.
        m.sort_by_key(|&i| (articles[i].article.published.is_none(), articles[i].article.published, i));
        let earliest = m.first().filter(|&&i| articles[i].article.published.is_some()).copied();
        let set: HashSet<usize> = m.iter().copied().collect();
        groups.push(ProvenanceGroup {
            articles: m.iter().map(|&i| articles[i].article.id.clone()).collect(),
            earliest: earliest.map(|i| articles[i].article.id.clone()),
            earliest_published: earliest.and_then(|i| articles[i].article.published),
            links: links
                .iter()
                .filter(|l| set.contains(&l.0))
                .map(|&(i, j, kind)| ProvenanceLink {
                    a: articles[i].article.id.clone(),
                    b: articles[j].article.id.clone(),
                    kind: kind.to_string(),
                })
                .collect(),
        });
    }
    (groups, independent)
}
