//! Comparing articles sentence by sentence (`storyweave compare`), with encoder vectors of
//! their sentences when a model is loaded.

use crate::{EngineError, Pipeline, Result};
use storyweave_analyze::{analyze_with, Analysis, Segmentation};
use storyweave_model::{CleanArticle, Lang, Relation, Story, StoryId};
use storyweave_relate::{analysis_sentence_texts, AlignMode, AnalysedArticle, PairComparison, StoryDigest, StoryOptions};
use storyweave_store::{Store, StoreRead};

/// Inside a story: headline and summary in the reader's language, who derives from whom, and
/// what each source adds.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoryComparison {
    /// The language asked for (`None`: the language most articles share).
    pub lang: Option<Lang>,
    /// How many articles were compared: all of them up to `[relate] story_max_compared`, else
    /// the first ones.
    pub compared: usize,
    /// How many articles the story has.
    pub articles: usize,
    /// Headline, summary, provenance groups, independent reports and what each adds.
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub digest: StoryDigest,
}

/// What a story's comparison is made from, as a hash: its members, the reader's language, the
/// encoder and the relation parameters. A kept comparison with another stamp is stale.
pub fn comparison_stamp(p: &Pipeline, members: &[storyweave_model::ArticleId], lang: Option<&Lang>) -> String {
    let mut h = blake3::Hasher::new();
    for m in members {
        h.update(m.as_str().as_bytes());
        h.update(b"\x1f");
    }
    h.update(lang.map_or("", |l| l.as_str()).as_bytes());
    h.update(b"\x1f");
    h.update(p.encoder().map_or("", |e| e.id()).as_bytes());
    h.update(format!("{:?}", p.config().relate).as_bytes());
    h.finalize().to_hex()[..32].to_string()
}

/// The comparison of a stored story: the one kept in the store when it was made from the
/// story as it is now (see [`comparison_stamp`]), else made now ([`compare_story`]). The flag
/// is true when it was made now (the caller may keep it).
pub fn story_comparison(p: &Pipeline, r: &dyn StoreRead, id: StoryId, lang: Option<Lang>) -> Result<(StoryComparison, bool)> {
    let story = r.story(id)?.ok_or_else(|| EngineError::NotFound { what: "story", id: id.to_string() })?;
    let stamp = comparison_stamp(p, &story.articles, lang.as_ref());
    kept_or_compared(p, r, &story, &stamp, lang)
}

/// [`story_comparison`] for a story already read, whose `stamp` is already made.
pub(crate) fn kept_or_compared(p: &Pipeline, r: &dyn StoreRead, story: &Story, stamp: &str, lang: Option<Lang>) -> Result<(StoryComparison, bool)> {
    let key = lang.as_ref().map_or("", |l| l.as_str());
    if let Some(json) = r.story_comparison(story.id, key, stamp)? {
        // A row that no longer reads (an older format) is made again.
        if let Ok(kept) = serde_json::from_str::<StoryComparison>(&json) {
            return Ok((kept, false));
        }
    }
    Ok((compare_story(p, r, story, lang)?, true))
}

/// Compares the articles of a stored story with each other, from their stored analyses and
/// relations, and the sentence vectors the store holds for this pipeline's model (an article
/// whose sentences were never encoded is compared without vectors; nothing is written).
pub fn compare_story(p: &Pipeline, r: &dyn StoreRead, story: &Story, lang: Option<Lang>) -> Result<StoryComparison> {
    let id = story.id;
    let mut articles = r.articles_of_story(id)?;
    let total = articles.len();
    articles.truncate(p.config().relate.story_max_compared.max(2));
    let keep: std::collections::HashSet<&storyweave_model::ArticleId> = articles.iter().map(|a| &a.id).collect();
    let relations: Vec<Relation> = r.relations(story.id)?.into_iter().filter(|rel| keep.contains(&rel.a) && keep.contains(&rel.b)).collect();
    let analyses = articles.iter().map(|a| crate::ingest::stored_analysis(r, a)).collect::<Result<Vec<_>>>()?;
    let model = p.encoder().map(|e| (e.id().to_string(), e.dim()));
    let mut vectors: Vec<Option<Vec<Vec<f32>>>> = Vec::with_capacity(articles.len());
    for (a, an) in articles.iter().zip(&analyses) {
        let Some((model, dim)) = &model else {
            vectors.push(None);
            continue;
        };
        let texts = analysis_sentence_texts(&a.text, an);
        let mut vs = Vec::with_capacity(texts.len());
        for s in &texts {
            match r.vector(model, &crate::vectors::sentence_key(s))? {
                Some(v) if v.len() == *dim => vs.push(v),
                _ => break,
            }
        }
        let complete = vs.len() == texts.len();
        vectors.push(complete.then_some(vs));
    }
    let items: Vec<AnalysedArticle> = articles
        .iter()
        .zip(&analyses)
        .zip(&vectors)
        .map(|((article, analysis), v)| AnalysedArticle { article, analysis, vectors: v.as_deref() })
        .collect();
    let digest = storyweave_relate::story_view(&items, &relations, &p.relator, &StoryOptions { lang: lang.clone() });
    Ok(StoryComparison { lang, compared: articles.len(), articles: total, digest })
}

/// Articles analysed, with their sentence vectors (`None` without a model).
pub struct Analysed {
    /// One analysis per article, in order.
    pub analyses: Vec<Analysis>,
    /// One list of sentence vectors per article (`None` without a model).
    pub vectors: Vec<Option<Vec<Vec<f32>>>>,
}

impl Analysed {
    /// Article `i` ready for [`storyweave_relate::compare`] and [`storyweave_relate::story_view`].
    pub fn get<'a>(&'a self, articles: &'a [CleanArticle], i: usize) -> Option<AnalysedArticle<'a>> {
        Some(AnalysedArticle {
            article: articles.get(i)?,
            analysis: self.analyses.get(i)?,
            vectors: self.vectors.get(i)?.as_deref(),
        })
    }
}

impl Pipeline {
    /// Analyses articles and, with a model, encodes their sentences (all at once, so that the
    /// encoder batches them well; cached in `cache` by sentence text).
    pub fn analyse<S: Store>(&self, articles: &[CleanArticle], segmentation: Segmentation, cache: Option<&mut S>) -> Result<Analysed> {
        use rayon::prelude::*;
        let analyses: Vec<Analysis> = articles.par_iter().map(|a| analyze_with(a, segmentation)).collect();
        let vectors = if self.encoder().is_some() {
            let texts: Vec<Vec<&str>> =
                articles.iter().zip(&analyses).map(|(a, an)| analysis_sentence_texts(&a.text, an)).collect();
            self.encode_sentences(&texts, cache)?.into_iter().map(Some).collect()
        } else {
            vec![None; articles.len()]
        };
        Ok(Analysed { analyses, vectors })
    }

    /// Compares pairs of articles: each pair's relation, sentence alignment and what each
    /// side adds. `segmentation` [`Segmentation::Lines`] takes every line as one sentence;
    /// `mode` forces the alignment mode (else each pair's relation decides it).
    pub fn compare_pairs<S: Store>(
        &self,
        pairs: &[(CleanArticle, CleanArticle)],
        segmentation: Segmentation,
        mode: Option<AlignMode>,
        cache: Option<&mut S>,
    ) -> Result<Vec<PairComparison>> {
        use rayon::prelude::*;
        let articles: Vec<CleanArticle> = pairs.iter().flat_map(|(a, b)| [a.clone(), b.clone()]).collect();
        let analysed = self.analyse(&articles, segmentation, cache)?;
        let relator = storyweave_relate::Relator::new(self.config().relate.clone());
        Ok((0..pairs.len())
            .into_par_iter()
            .filter_map(|k| {
                let a = analysed.get(&articles, 2 * k)?;
                let b = analysed.get(&articles, 2 * k + 1)?;
                Some(storyweave_relate::compare(a, b, &relator, mode))
            })
            .collect())
    }

    /// The view of a story made of `articles`: headline and summary in `options.lang` (or the
    /// closest language), provenance groups and what each article adds. `relations` are the
    /// story's stored relations (pairs without one are related here).
    pub fn story_digest<S: Store>(
        &self,
        articles: &[CleanArticle],
        relations: &[Relation],
        options: &StoryOptions,
        cache: Option<&mut S>,
    ) -> Result<StoryDigest> {
        let analysed = self.analyse(articles, Segmentation::Sentences, cache)?;
        let items: Vec<AnalysedArticle> = (0..articles.len()).filter_map(|i| analysed.get(articles, i)).collect();
        let relator = storyweave_relate::Relator::new(self.config().relate.clone());
        Ok(storyweave_relate::story_view(&items, relations, &relator, options))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;
    use std::path::{Path, PathBuf};
    use storyweave_model::Lang;

    fn repo() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    /// Reads and cleans every record of `paths` (relative to the repository root).
    fn load(engine: &Pipeline, paths: &[PathBuf]) -> Vec<CleanArticle> {
        let opts = storyweave_ingest::ReadOptions::default();
        paths
            .iter()
            .flat_map(|p| storyweave_ingest::read_file_iter(p, &opts))
            .filter_map(|r| r.ok())
            .filter_map(|raw| engine.clean(raw).ok())
            .collect()
    }

    fn samples(engine: &Pipeline) -> Option<Vec<CleanArticle>> {
        let dir = repo().join("../shared/samples");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        files.sort();
        let articles = load(engine, &files);
        (articles.len() == 5).then_some(articles)
    }

    fn file_of(a: &CleanArticle) -> String {
        Path::new(&a.origin.file).file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default()
    }

    fn adds_of<'a>(d: &'a StoryDigest, articles: &[CleanArticle], prefix: &str) -> Vec<&'a str> {
        let id = articles.iter().find(|a| file_of(a).starts_with(prefix)).map(|a| a.id.clone());
        d.adds.iter().filter(|x| Some(&x.article) == id.as_ref()).flat_map(|x| x.sentences.iter().map(|s| s.text.as_str())).collect()
    }

    /// The real encoder from `STORYWEAVE_TEST_MODEL`, or `None` with the reason printed.
    fn model_engine() -> Option<Pipeline> {
        let Ok(dir) = std::env::var("STORYWEAVE_TEST_MODEL") else {
            eprintln!("skipping the model half: set STORYWEAVE_TEST_MODEL to a multilingual-e5-small directory");
            return None;
        };
        let mut config = Config::default();
        config.model.path = Some(PathBuf::from(&dir));
        match Pipeline::with_model(config) {
            Ok(e) => Some(e),
            Err(e) => {
                eprintln!("skipping the model half: {dir}: {e}");
                None
            }
        }
    }

    /// The points of issue 10 on the samples.
    fn check_samples(engine: &Pipeline, with_model: bool) {
        let Some(articles) = samples(engine) else {
            eprintln!("skipping: ../shared/samples not found");
            return;
        };
        let d = engine.story_digest(&articles, &[], &StoryOptions::default(), None::<&mut storyweave_store::SqliteStore>).unwrap();
        let adds = |p: &str| adds_of(&d, &articles, p);
        assert!(adds("002").iter().any(|s| s.contains("drone")), "002 adds the drones: {:#?}", adds("002"));
        assert!(adds("003").iter().any(|s| s.contains("2019") && s.contains("Владивосток")), "{:#?}", adds("003"));
        assert!(adds("004").iter().any(|s| s.contains("2000")), "{:#?}", adds("004"));
        // The acceptance of the invitation, which four of them carry, is what they share.
        // Only the encoder can tell: in every language the sentence carries just the names
        // (Putin, Kim, North Korea) that most sentences of the story carry.
        let invitation = [("000", "imbitasyon nang may kasiyahan"), ("001", "Einladung mit Vergnügen an"), ("003", "са задовољством је прихватио позив"), ("004", "gladly accepted this invitation")];
        for (p, words) in invitation.into_iter().filter(|_| with_model) {
            assert!(!adds(p).iter().any(|s| s.contains(words)), "{p} should share the invitation: {:#?}", adds(p));
        }
        let id = |p: &str| articles.iter().find(|a| file_of(a).starts_with(p)).map(|a| a.id.clone()).unwrap();
        let group_of = |p: &str| d.provenance.iter().position(|g| g.articles.contains(&id(p)));
        assert!(group_of("000").is_some() && group_of("000") == group_of("001"), "{:#?}", d.provenance);
        for p in ["003", "004"] {
            assert_ne!(group_of(p), group_of("000"), "{p} is an independent report: {:#?}", d.provenance);
        }
        for lang in ["en", "de", "sr"] {
            let v = engine.story_digest(&articles, &[], &StoryOptions { lang: Some(Lang::new(lang)) }, None::<&mut storyweave_store::SqliteStore>).unwrap();
            assert_eq!(v.headline_lang.as_str(), lang);
            assert!(v.fallback_note.is_none());
            let src = articles.iter().find(|a| Some(&a.id) == v.headline_article.as_ref()).unwrap();
            assert_eq!(src.lang.as_str(), lang);
            assert!((3..=5).contains(&v.summary.len()), "{:#?}", v.summary);
            assert!(v.summary.iter().all(|s| articles.iter().any(|a| a.id == s.article && a.lang.as_str() == lang && a.text.contains(&s.text))));
        }
    }

    #[test]
    fn samples_adds_provenance_and_headlines() {
        check_samples(&Pipeline::new(Config::default()), false);
    }

    #[test]
    fn samples_adds_provenance_and_headlines_with_the_real_model() {
        if let Some(engine) = model_engine() {
            check_samples(&engine, true);
        }
    }

    #[test]
    fn headline_falls_back_to_the_closest_language_and_says_so() {
        let engine = Pipeline::new(Config::default());
        let Some(articles) = samples(&engine) else {
            eprintln!("skipping: ../shared/samples not found");
            return;
        };
        for (wanted, expected) in [("hr", "sr"), ("ru", "sr"), ("fi", "en"), ("nl", "de")] {
            let v = engine.story_digest(&articles, &[], &StoryOptions { lang: Some(Lang::new(wanted)) }, None::<&mut storyweave_store::SqliteStore>).unwrap();
            assert_eq!(v.headline_lang.as_str(), expected, "{wanted}");
            assert!(v.fallback_note.as_deref().is_some_and(|n| n.contains(wanted) && n.contains(expected)), "{:?}", v.fallback_note);
        }
        // By default: the language most articles share (two in Tagalog).
        let v = engine.story_digest(&articles, &[], &StoryOptions::default(), None::<&mut storyweave_store::SqliteStore>).unwrap();
        assert_eq!(v.headline_lang.as_str(), "tl");
    }

    #[test]
    fn demo_translation_near_copy_and_independent_reports() {
        check_demo(&Pipeline::new(Config::default()), false);
    }

    #[test]
    fn demo_translation_near_copy_and_independent_reports_with_the_real_model() {
        if let Some(engine) = model_engine() {
            check_demo(&engine, true);
        }
    }

    /// Known limit (BENCHMARKS, "Inside a story"): the two independent Kuutar-1 reports follow the
    /// wire's facts in the wire's order, sentence for sentence, and are called translations
    /// of it, by the paragraph rule without a model and by the sentence rule with e5-small
    /// (which also calls the two independent match reports of 2025-05-03 translations).
    #[test]
    #[ignore = "known limit: same-order independent reports of short wire stories are called translations"]
    fn demo_independent_reports_are_not_translations() {
        let engines = std::iter::once(Pipeline::new(Config::default())).chain(model_engine());
        for engine in engines {
            let Some(pick) = demo_picker(&engine) else { return };
            let kuutar = pick(&KUUTAR);
            let d = engine.story_digest(&kuutar, &[], &StoryOptions::default(), None::<&mut storyweave_store::SqliteStore>).unwrap();
            let group = d.provenance.iter().find(|g| g.articles.contains(&kuutar[0].id)).expect("the translation pair is one group");
            assert!(group.articles.len() == 2, "{:#?}", d.provenance);
            assert!(d.independent.contains(&kuutar[2].id) && d.independent.contains(&kuutar[3].id));
        }
    }

    /// Kuutar-1: a faithful translation (fi → en) and two independent reports (ar, pl).
    const KUUTAR: [&str; 4] = ["2025-06-17-fi-uutistoimisto-pohjola.txt", "2025-06-17-en-pohjola-news-service.txt", "2025-06-17-ar-alfada-alyawm.txt", "orbita-2025-06-17-kuutar"];

    /// Loads demo articles by file name or wire record id, `None` (with the reason printed)
    /// without the demo.
    fn demo_picker(engine: &Pipeline) -> Option<impl Fn(&[&str]) -> Vec<CleanArticle> + '_> {
        let demo = repo().join("demo/articles");
        if !demo.is_dir() {
            eprintln!("skipping: demo/ not found");
            return None;
        }
        let all = load(engine, &[demo.join("wire.jsonl")]);
        Some(move |names: &[&str]| -> Vec<CleanArticle> {
            let mut v = load(engine, &names.iter().map(|n| demo.join(n)).collect::<Vec<_>>());
            v.extend(all.iter().filter(|a| names.iter().any(|n| a.id.as_str() == *n)).cloned());
            v
        })
    }

    fn check_demo(engine: &Pipeline, with_model: bool) {
        let Some(pick) = demo_picker(engine) else { return };
        let kuutar = pick(&KUUTAR);
        assert_eq!(kuutar.len(), 4);
        let d = engine.story_digest(&kuutar, &[], &StoryOptions { lang: Some(Lang::new("en")) }, None::<&mut storyweave_store::SqliteStore>).unwrap();
        let group = d.provenance.iter().find(|g| g.articles.contains(&kuutar[0].id)).expect("the translation pair is one group");
        assert!(group.articles.contains(&kuutar[1].id), "{:#?}", d.provenance);
        assert!(group.links.iter().any(|l| l.kind == "translation" && [&l.a, &l.b].contains(&&kuutar[1].id) && [&l.a, &l.b].contains(&&kuutar[0].id)));
        // A translation adds nothing to its original.
        assert!(!d.adds.iter().any(|x| x.article == kuutar[1].id && x.sentences.iter().any(|s| s.score > 1.0)), "{:#?}", d.adds);
        assert_eq!(d.headline_article.as_ref(), Some(&kuutar[1].id));

        // Two independent reports of one match: each adds something of its own.
        let copa = pick(&["2025-05-03-en-global-sports-desk.txt", "2025-05-03-sr-sportski-zurnal.txt"]);
        let d = engine.story_digest(&copa, &[], &StoryOptions { lang: Some(Lang::new("sr")) }, None::<&mut storyweave_store::SqliteStore>).unwrap();
        // With e5-small these two are called translations (the known limit above) and aligned
        // in order, so that the shorter one adds nothing.
        assert!(with_model || d.provenance.is_empty(), "{:#?}", d.provenance);
        assert!(d.adds.len() == 2 || with_model && d.adds.len() == 1, "{:#?}", d.adds);
        assert_eq!(d.headline_lang.as_str(), "sr");

        // The near-copy joins its wire original; the added economist's paragraph is what it adds.
        let bsp = pick(&["2025-03-06-en-pacific-ledger.txt", "mbw-2025-03-06-bsp"]);
        let d = engine.story_digest(&bsp, &[], &StoryOptions::default(), None::<&mut storyweave_store::SqliteStore>).unwrap();
        assert_eq!(d.provenance.len(), 1, "{:#?}", d.provenance);
        assert_eq!(d.provenance[0].links[0].kind, "near_duplicate");
        let copy_adds = adds_of(&d, &bsp, "2025-03-06-en-pacific-ledger");
        assert!(!copy_adds.is_empty() && copy_adds.len() <= 3, "{copy_adds:#?}");
    }
}
