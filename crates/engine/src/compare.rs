//! Comparing articles sentence by sentence (`storyweave compare`), with encoder vectors of
//! their sentences when a model is loaded.

use crate::{Engine, Result};
use storyweave_analyze::{analyze_with, Analysis, Segmentation};
use storyweave_model::CleanArticle;
use storyweave_relate::{analysis_sentence_texts, AnalysedArticle, PairComparison};
use storyweave_store::Store;

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

impl Engine {
    /// Analyses articles and, with a model, encodes their sentences (all at once, so that the
    /// encoder batches them well; cached in `cache` by sentence text).
    pub fn analyse(&self, articles: &[CleanArticle], segmentation: Segmentation, cache: Option<&mut Store>) -> Result<Analysed> {
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
    /// side adds. `segmentation` [`Segmentation::Lines`] takes every line as one sentence.
    pub fn compare_pairs(
        &self,
        pairs: &[(CleanArticle, CleanArticle)],
        segmentation: Segmentation,
        cache: Option<&mut Store>,
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
                Some(storyweave_relate::compare(a, b, &relator))
            })
            .collect())
    }
}
