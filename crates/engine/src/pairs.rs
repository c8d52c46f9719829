//! Pairwise similarity of article pairs (the `similarity` command).

use crate::{CleanError, Pipeline};
use rayon::prelude::*;
use std::collections::HashMap;
use storyweave_cluster::{ChannelScores, DocFreq, Similarity};
use storyweave_model::{ArticleId, CleanArticle, RawArticle};
use storyweave_relate::{digest, Relate};

/// One pair to score.
#[derive(Debug, Clone)]
pub struct PairInput {
    /// The pair's id, echoed in the result.
    pub id: String,
    /// First article.
    pub a: RawArticle,
    /// Second article.
    pub b: RawArticle,
}

impl PairInput {
    /// Parses one line of a pairs file: `{"id","a":{article},"b":{article}}`; the error says
    /// what is wrong with the line.
    pub fn parse_line(line: &str, origin: &storyweave_model::Origin) -> Result<PairInput, String> {
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("broken JSON: {e}"))?;
        let id = match v.get("id") {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => return Err("a pair needs an \"id\"".into()),
        };
        let side = |k: &str| -> Result<RawArticle, String> {
            let obj = v.get(k).ok_or_else(|| format!("a pair needs an article \"{k}\""))?;
            storyweave_ingest::parse_record(obj, origin.clone()).map_err(|e| format!("article \"{k}\": {}", e.reason))
        };
        Ok(PairInput { id, a: side("a")?, b: side("b")? })
    }
}

/// The score of one pair.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PairResult {
    /// The pair's id.
    pub id: String,
    /// Similarity in 0..1.
    pub similarity: f32,
    /// `translation`, `near_duplicate`, `shares_passages`, `same_story`, or `unrelated`
    /// when the pair would not be put in one story.
    pub relation: String,
    /// Per-channel cosines behind the similarity (with `--explain`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channels: Option<ChannelScores>,
}

/// Articles repeat across pairs; each distinct one is cleaned and featurised once. The key
/// includes a content hash because some data sets reuse an id for two different scrapes.
fn cache_key(raw: &RawArticle, clean: &CleanArticle) -> String {
    format!("{}\x1f{}", raw.id.as_deref().unwrap_or(""), ArticleId::from_content(&clean.title, &clean.text))
}

impl Pipeline {
    /// Scores pairs; document frequencies come from all distinct articles of the input.
    /// Encoder vectors are looked up in and added to `cache` when given.
    pub fn similarity_pairs<S: storyweave_store::Store>(
        &self,
        pairs: Vec<PairInput>,
        explain: bool,
        mut cache: Option<&mut S>,
    ) -> crate::Result<Vec<Result<PairResult, CleanError>>> {
        let cleaned: Vec<(Result<CleanArticle, CleanError>, Result<CleanArticle, CleanError>)> = pairs
            .par_iter()
            .map(|p| (self.clean_lenient(p.a.clone()), self.clean_lenient(p.b.clone())))
            .collect();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut uniq: Vec<CleanArticle> = Vec::new();
        let mut slots: Vec<Result<(usize, usize), CleanError>> = Vec::new();
        for (p, (ca, cb)) in pairs.iter().zip(cleaned) {
            let slot = match (ca, cb) {
                (Ok(a), Ok(b)) => {
                    let mut put = |raw: &RawArticle, c: CleanArticle| {
                        let k = cache_key(raw, &c);
                        *index.entry(k).or_insert_with(|| {
                            uniq.push(c);
                            uniq.len() - 1
                        })
                    };
                    let ia = put(&p.a, a);
                    let ib = put(&p.b, b);
                    Ok((ia, ib))
                }
                (Err(e), _) | (_, Err(e)) => Err(e),
            };
            slots.push(slot);
        }
        let mut feats: Vec<_> = uniq.par_iter().map(|a| self.features(a)).collect();
        let refs: Vec<&CleanArticle> = uniq.iter().collect();
        let keys: Vec<String> = uniq.iter().map(crate::content_key).collect();
        self.attach_batch_vectors(&refs, &keys, &mut feats, cache.as_deref_mut())?;
        let mut digests: Vec<_> = uniq.par_iter().map(digest).collect();
        let mut df = DocFreq::default();
        for f in &feats {
            df.observe(f);
        }
        let sim = Similarity::new(self.config.similarity.clone());
        let prepared: Vec<_> = feats.into_iter().map(|f| sim.prepare(f, &df)).collect();
        let threshold = if self.encoder().is_some() { self.config.cluster.model_threshold } else { self.config.cluster.threshold };
        let scored: Vec<Option<(ChannelScores, f32, f32)>> = slots
            .iter()
            .map(|slot| {
                let &(ia, ib) = slot.as_ref().ok()?;
                let channels = sim.channels(&prepared[ia], &prepared[ib], &df);
                let same = uniq[ia].lang == uniq[ib].lang;
                // The similarity printed is the plain score; whether the pair would share a
                // story is the clusterer's own decision (gated on shared evidence).
                Some((channels, sim.combine(&channels, same), sim.story_score(&channels, same)))
            })
            .collect();
        // Sentence vectors only where they can decide `translation`: cross-language pairs
        // that would share a story.
        if self.encoder().is_some() {
            let mut need: Vec<usize> = slots
                .iter()
                .zip(&scored)
                .filter_map(|(slot, sc)| {
                    let &(ia, ib) = slot.as_ref().ok()?;
                    let (_, _, story) = sc.as_ref()?;
                    (uniq[ia].lang != uniq[ib].lang && *story >= threshold).then_some([ia, ib])
                })
                .flatten()
                .collect();
            need.sort_unstable();
            need.dedup();
            let refs: Vec<&CleanArticle> = need.iter().map(|&i| &uniq[i]).collect();
            let vecs = self.sentence_vectors(&refs, cache)?;
            for (&i, v) in need.iter().zip(vecs) {
                digests[i].set_sentence_vectors(v);
            }
        }
        Ok(pairs
            .iter()
            .zip(slots)
            .zip(scored)
            .map(|((p, slot), sc)| {
                let (ia, ib) = slot?;
                // Scored whenever the slot is Ok; the fallback is never taken.
                let (channels, s, story) = sc.unwrap_or_default();
                let rel = self.relator.relate(&uniq[ia], &digests[ia], &uniq[ib], &digests[ib], s);
                // As the README says: a pair that would not share a story is `unrelated`,
                // whatever its texts have in common (relations exist only inside stories).
                let relation = if story < threshold { "unrelated".to_string() } else { rel.kind.as_str().to_string() };
                Ok(PairResult { id: p.id.clone(), similarity: s, relation, channels: explain.then_some(channels) })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_lines_parse_and_say_what_is_wrong() {
        let o = storyweave_model::Origin::default();
        let p = PairInput::parse_line(r#"{"id":7,"a":{"text":"one two three"},"b":{"text":"four five"}}"#, &o).unwrap();
        assert_eq!(p.id, "7");
        assert!(PairInput::parse_line("{", &o).unwrap_err().starts_with("broken JSON"));
        assert!(PairInput::parse_line(r#"{"a":{"text":"x"}}"#, &o).unwrap_err().contains("\"id\""));
        assert!(PairInput::parse_line(r#"{"id":"x","a":{"text":"x"}}"#, &o).unwrap_err().contains("\"b\""));
    }
}
