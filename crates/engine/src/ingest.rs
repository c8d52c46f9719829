//! One batch of an ingest, and `recluster`.
//!
//! A batch is read, cleaned, featurised and encoded outside the write lock (in parallel,
//! while other writers write and readers read); it is then stored, assigned to stories and
//! related inside one exclusive write transaction (see `Engine::commit`).

use crate::engine::StoryEvent;
use crate::state::StoryState;
use crate::{summarize_story, Pipeline, Result};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use storyweave_cluster::Assignment;
use storyweave_encode::{ArticleFeatures, FEATURES_VERSION};
use storyweave_ingest::RecordError;
use storyweave_model::{ArticleId, CleanArticle, Origin, RawArticle, Relation, Story, StoryId};
use storyweave_analyze::{Analysis, ANALYSIS_VERSION};
use storyweave_relate::{Digest, Relate};
use std::sync::Arc;
use storyweave_store::{SqliteStore, Store};

/// Articles per batch: large enough to use every core and amortise a transaction (its
/// full-text segment, its commit, one rewrite per touched story), small enough that a crash
/// loses little and a waiting writer waits a few seconds at most. 4,096 ingested 100,000
/// articles into a 100,000-article store in 179 s against 219 s for 1,024 (same run,
/// BENCHMARKS.md); a batch then holds the write lock for about 7 s at that size.
const CHUNK: usize = 4096;
/// Raw bytes per batch: memory in flight stays bounded by bytes as well as by records (4,096
/// records of 8 MiB each would otherwise be 32 GiB at once).
const CHUNK_BYTES: usize = 64 * 1024 * 1024;
/// A new article is related to at most this many other members of its story (the most
/// similar ones): every pair is related in stories of up to 21 articles, which is most of
/// them, while all pairs of a 10,000-article story would be 50 million relations.
const MAX_RELATED: usize = 20;
/// The partners of a new article are sought among this many most recent members of its
/// story, so that updating a long-running story costs the same as updating a young one
/// (each candidate costs one similarity computation).
const RELATE_SCAN: usize = 64;

/// A record that was skipped, with where it came from and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Skip {
    /// File, line and item.
    pub origin: Origin,
    /// Why.
    pub reason: String,
    /// True when a whole input path is missing or unreadable (not a bad record): the CLI
    /// exits with its own code for it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub missing_input: bool,
}

/// A record kept, with something the user should know (reported once per file and message).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Warning {
    /// The file (and record) it concerns.
    pub origin: Origin,
    /// What happened.
    pub message: String,
}

/// What an ingest did.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IngestReport {
    /// Records read (good or bad).
    pub records: usize,
    /// Articles newly stored.
    pub added: usize,
    /// Articles already stored (same id), left untouched.
    pub duplicates: usize,
    /// Records skipped, with reasons.
    pub skipped: Vec<Skip>,
    /// Stories opened by this ingest.
    pub new_stories: usize,
    /// Existing stories that gained articles.
    pub extended_stories: usize,
    /// Stories merged into another because a new article bridged them.
    pub merged_stories: usize,
    /// Records kept with a warning (bytes replaced in decoding, a date dropped), once per
    /// file and message.
    pub warnings: Vec<Warning>,
    /// Raw bytes of the records read (bodies and titles).
    #[serde(skip)]
    pub bytes: u64,
    #[serde(skip)]
    extended: BTreeSet<StoryId>,
    #[serde(skip)]
    warned: HashSet<(String, String)>,
}

impl IngestReport {
    /// True when an input path given was missing.
    pub fn missing_input(&self) -> bool {
        self.skipped.iter().any(|s| s.missing_input)
    }

    /// Adds what another part of the same ingest did (the commit thread's counts).
    pub(crate) fn absorb(&mut self, other: IngestReport) {
        self.records += other.records;
        self.added += other.added;
        self.duplicates += other.duplicates;
        self.skipped.extend(other.skipped);
        self.new_stories += other.new_stories;
        self.extended_stories += other.extended_stories;
        self.merged_stories += other.merged_stories;
        self.warnings.extend(other.warnings);
    }

    fn warn(&mut self, sink: &mut dyn StorySink, origin: &Origin, message: &str) {
        if self.warned.insert((origin.file.clone(), message.to_string())) {
            let w = Warning { origin: origin.clone(), message: message.to_string() };
            sink.on_warning(&w);
            self.warnings.push(w);
        }
    }

    fn skip(&mut self, sink: &mut dyn StorySink, origin: Origin, reason: String) {
        self.skip_as(sink, origin, reason, false);
    }

    fn skip_as(&mut self, sink: &mut dyn StorySink, origin: Origin, reason: String, missing_input: bool) {
        let skip = Skip { origin, reason, missing_input };
        sink.on_skip(&skip);
        self.skipped.push(skip);
    }
}

/// Receives pipeline events as they happen: the CLI's progress bar and log, the server's
/// live feed and its answers implement it.
pub trait StorySink {
    /// The inputs are known: this many files (or records) and bytes (0 when unknown).
    fn on_start(&mut self, _inputs: usize, _bytes: u64) {}
    /// A record was skipped.
    fn on_skip(&mut self, _skip: &Skip) {}
    /// A record was kept with a warning.
    fn on_warning(&mut self, _warning: &Warning) {}
    /// An article was stored and assigned to a story (which a later merge may change).
    fn on_assign(&mut self, _article: &CleanArticle, _assignment: &Assignment) {}
    /// An article was already stored and was left as it is.
    fn on_duplicate(&mut self, _article: &CleanArticle) {}
    /// `records` records and about `bytes` bytes have been processed.
    fn on_progress(&mut self, _records: usize, _bytes: u64) {}
    /// Stories changed.
    fn on_update(&mut self, _event: &StoryEvent) {}
}

/// A sink that ignores everything.
impl StorySink for () {}

/// What a commit told its sink, kept to be told to the real sink on the ingesting thread.
#[derive(Default)]
pub(crate) struct Recorder {
    calls: Vec<Recorded>,
}

enum Recorded {
    Skip(Skip),
    Warning(Warning),
    Assign(CleanArticle, Assignment),
    Duplicate(CleanArticle),
    Update(StoryEvent),
}

impl StorySink for Recorder {
    fn on_skip(&mut self, skip: &Skip) {
        self.calls.push(Recorded::Skip(skip.clone()));
    }
    fn on_warning(&mut self, warning: &Warning) {
        self.calls.push(Recorded::Warning(warning.clone()));
    }
    fn on_assign(&mut self, article: &CleanArticle, assignment: &Assignment) {
        self.calls.push(Recorded::Assign(article.clone(), assignment.clone()));
    }
    fn on_duplicate(&mut self, article: &CleanArticle) {
        self.calls.push(Recorded::Duplicate(article.clone()));
    }
    fn on_update(&mut self, event: &StoryEvent) {
        self.calls.push(Recorded::Update(event.clone()));
    }
}

impl Recorder {
    /// Tells everything recorded to `sink`, in the order it happened.
    pub(crate) fn replay(self, sink: &mut dyn StorySink) {
        for call in self.calls {
            match call {
                Recorded::Skip(s) => sink.on_skip(&s),
                Recorded::Warning(w) => sink.on_warning(&w),
                Recorded::Assign(a, out) => sink.on_assign(&a, &out),
                Recorded::Duplicate(a) => sink.on_duplicate(&a),
                Recorded::Update(e) => sink.on_update(&e),
            }
        }
    }
}

/// Raw records of one batch.
pub(crate) struct Batch {
    raws: Vec<RawArticle>,
}

/// Size of a raw record in bytes, for the batch's byte bound and the progress.
fn raw_bytes(r: &RawArticle) -> usize {
    let body = match &r.body {
        storyweave_model::RawBody::Text(t) | storyweave_model::RawBody::Html(t) => t.len(),
    };
    body + r.title.as_ref().map_or(0, String::len)
}

/// Bytes of input read so far, for a progress bar that tells the truth: whole files count
/// by their size once a record of the next file arrives; within a file, records count by
/// their raw length (a JSON line's escapes and keys make it somewhat longer), never past the
/// file's size.
#[derive(Debug, Default)]
pub(crate) struct ByteProgress {
    sizes: HashMap<String, u64>,
    current: Option<String>,
    done_files: u64,
    in_file: u64,
}

impl ByteProgress {
    /// Progress over files of these sizes (by the names records give as their origin).
    pub fn new(sizes: HashMap<String, u64>) -> Self {
        ByteProgress { sizes, ..Default::default() }
    }

    fn record(&mut self, file: &str, bytes: usize) {
        if self.current.as_deref() != Some(file) {
            if let Some(prev) = self.current.take() {
                self.done_files += self.sizes.get(&prev).copied().unwrap_or(self.in_file);
            }
            self.current = Some(file.to_string());
            self.in_file = 0;
        }
        let cap = self.sizes.get(file).copied().unwrap_or(u64::MAX);
        self.in_file = (self.in_file + bytes as u64).min(cap);
    }

    /// Bytes read so far.
    pub fn bytes(&self) -> u64 {
        self.done_files + self.in_file
    }
}

impl Batch {
    /// Takes records until the batch is full (by count or bytes); bad records are reported.
    pub fn read(
        records: &mut std::iter::Peekable<impl Iterator<Item = std::result::Result<RawArticle, RecordError>>>,
        report: &mut IngestReport,
        progress: &mut ByteProgress,
        sink: &mut dyn StorySink,
    ) -> Batch {
        let mut raws = Vec::new();
        let mut bytes = 0usize;
        for rec in records.by_ref() {
            report.records += 1;
            match rec {
                Ok(r) => {
                    for w in &r.warnings {
                        report.warn(sink, &r.origin, w);
                    }
                    let n = raw_bytes(&r);
                    bytes += n;
                    progress.record(&r.origin.file, n);
                    report.bytes = progress.bytes();
                    raws.push(r);
                }
                Err(e) => {
                    progress.record(&e.origin.file, 0);
                    let missing = e.level() == storyweave_ingest::Level::Input;
                    report.skip_as(sink, e.origin.clone(), e.reason.clone(), missing);
                }
            }
            if raws.len() >= CHUNK || bytes >= CHUNK_BYTES {
                break;
            }
        }
        Batch { raws }
    }

    /// Cleans, checks, featurises and encodes the batch (no lock held). `stored(id)` says
    /// whether an article is already in the store.
    pub fn prepare(
        self,
        p: &Pipeline,
        report: &mut IngestReport,
        sink: &mut dyn StorySink,
        stored: impl Fn(&ArticleId) -> Result<bool>,
    ) -> Result<Prepared> {
        let cleaned: Vec<_> = self.raws.into_par_iter().map(|r| p.clean(r)).collect();
        let mut seen: HashSet<ArticleId> = HashSet::new();
        let mut articles: Vec<CleanArticle> = Vec::new();
        for c in cleaned {
            match c {
                Err(e) => report.skip(sink, e.origin, e.reason),
                Ok(a) => {
                    if let Err(e) = SqliteStore::check_article(&a) {
                        report.skip(sink, a.origin.clone(), e.to_string());
                    } else if !seen.insert(a.id.clone()) || stored(&a.id)? {
                        report.duplicates += 1;
                        sink.on_duplicate(&a);
                    } else {
                        articles.push(a);
                    }
                }
            }
        }
        // Each article is analysed once; its features, relations and views read the analysis.
        let (analyses, mut features): (Vec<Analysis>, Vec<ArticleFeatures>) = articles
            .par_iter()
            .map(|a| {
                let an = storyweave_analyze::analyze(a);
                let f = p.features_with(a, &an);
                (an, f)
            })
            .unzip();
        // New articles are encoded here, outside the write lock; their vectors are stored
        // with them.
        let refs: Vec<&CleanArticle> = articles.iter().collect();
        let keys: Vec<String> = articles.iter().map(|a| crate::article_key(&a.id)).collect();
        p.attach_vectors(&refs, &keys, &mut features, None::<&mut SqliteStore>)?;
        Ok(Prepared { articles, analyses, features })
    }
}

/// A batch ready to be stored and assigned.
pub(crate) struct Prepared {
    pub articles: Vec<CleanArticle>,
    pub analyses: Vec<Analysis>,
    pub features: Vec<ArticleFeatures>,
}

/// An article's stored analysis; made again (not stored: readers and the lock-free part of
/// `recluster` call this too) when it is missing or of an older format, as for articles
/// stored before analyses were.
pub(crate) fn stored_analysis<S: storyweave_store::StoreRead + ?Sized>(s: &S, article: &CleanArticle) -> Result<Analysis> {
    Ok(s
        .analysis(&article.id, ANALYSIS_VERSION)?
        .and_then(|b| Analysis::from_bytes(&b).ok())
        .unwrap_or_else(|| storyweave_analyze::analyze(article)))
}

/// What became of a batch's commit.
pub(crate) enum Committed {
    /// Stored, assigned and related: the story events.
    Done(Vec<StoryEvent>),
    /// The store refused an article while the batch was being assigned alongside: the
    /// transaction must be rolled back, the state reloaded and the batch committed again
    /// without the overlap (rare: `prepare` rules out what the store refuses).
    Retry,
}

/// How the store took one article of a batch.
enum Stored {
    Yes,
    Duplicate,
    Refused(String),
}

/// Stores the articles `which` of a batch with their features, analysis, search keys and
/// vectors. No savepoint per article (each would flush the full-text index): the checks in
/// `prepare` rule out what the store refuses, and a single failed INSERT changes nothing.
fn store_articles<S: Store>(s: &mut S, batch: &Prepared, which: &[usize], model: Option<&str>) -> Result<Vec<Stored>> {
    let mut out = Vec::with_capacity(which.len());
    for &i in which {
        let (a, f, an) = (&batch.articles[i], &batch.features[i], &batch.analyses[i]);
        match s.insert_article(a) {
            Ok(true) => {}
            Ok(false) => {
                out.push(Stored::Duplicate);
                continue;
            }
            Err(e) if e.kind() == storyweave_store::ErrorKind::BadInput => {
                out.push(Stored::Refused(e.to_string()));
                continue;
            }
            Err(e) => return Err(e.into()),
        }
        s.put_features(&a.id, FEATURES_VERSION, &f.to_bytes())?;
        s.put_analysis(&a.id, ANALYSIS_VERSION, &an.to_bytes())?;
        s.put_search_keys(&a.id, &crate::keys::search_keys(f))?;
        if let (Some(m), Some(v)) = (model, &f.vector) {
            s.put_vectors(m, &[(crate::article_key(&a.id), v.clone())])?;
        }
        out.push(Stored::Yes);
    }
    Ok(out)
}

/// What assigning a batch to stories changed, before anything about stories is written.
struct Assigned {
    touched: BTreeSet<StoryId>,
    new_ids: HashSet<ArticleId>,
    /// Each assigned article with its position in the clusterer.
    order: Vec<(ArticleId, usize)>,
    /// Stories that absorbed stories existing before the batch.
    merged: Vec<(StoryId, Vec<StoryId>)>,
    before: HashSet<StoryId>,
    added: usize,
    merged_count: usize,
}

/// Assigns the batch's stored articles (`fresh`: index and centred features) and `pending` to
/// stories, telling `sink` of each of the batch's.
fn assign_all(
    state: &mut StoryState,
    batch: &Prepared,
    fresh: Vec<(usize, ArticleFeatures)>,
    pending: Vec<(ArticleId, ArticleFeatures)>,
    sink: &mut dyn StorySink,
) -> Assigned {
    for (_, f) in &fresh {
        state.clusterer.observe(f);
    }
    let before: HashSet<StoryId> = state.members.keys().copied().collect();
    let mut done = Assigned {
        touched: BTreeSet::new(),
        new_ids: HashSet::new(),
        order: Vec::new(),
        merged: Vec::new(),
        before,
        added: 0,
        merged_count: 0,
    };
    let items = fresh
        .into_iter()
        .map(|(i, f)| (Some(i), batch.articles[i].id.clone(), f))
        .chain(pending.into_iter().map(|(id, f)| (None, id, f)));
    for (i, id, f) in items {
        let pos = state.clusterer.len();
        let out = state.clusterer.assign(id.clone(), f);
        if let Some(i) = i {
            sink.on_assign(&batch.articles[i], &out);
            done.added += 1;
        }
        let from: Vec<StoryId> = out.merged.iter().copied().filter(|m| done.before.contains(m)).collect();
        if !from.is_empty() {
            done.merged.push((out.story, from));
        }
        done.merged_count += out.merged.len();
        done.new_ids.extend(state.apply(&id, pos, &out, &mut done.touched));
        done.order.push((id, pos));
        state.unsaved += 1;
    }
    done
}

/// The metadata and new relations of every touched story, read through `r` (old members'
/// texts and analyses) and `known` (the batch's).
fn story_updates<S: Store>(
    p: &Pipeline,
    r: &mut S,
    state: &StoryState,
    done: &Assigned,
    known: &HashMap<ArticleId, (&CleanArticle, &Analysis)>,
) -> Result<Vec<(Story, Vec<Relation>)>> {
    done.touched.iter().map(|&story| story_update(p, r, state, story, &done.new_ids, known)).collect()
}

/// Stores a prepared batch, assigns it (and `pending`: stored articles without a story) to
/// stories, relates the new members and writes the touched stories. Runs inside the write
/// transaction; returns the story events.
///
/// With `reader` (a second connection to the same store file) the batch's rows are written
/// on a store thread while this thread assigns the batch and relates the stories' members,
/// reading older members through `reader`: every article not in the batch was committed
/// before this transaction began, so the reader sees all of them. Why: the store's writes
/// (full-text index included) took a third of a batch's commit, the clusterer and the
/// relations the rest, and neither needs the other's result until the stories are written.
/// Without a model only: relating with one caches sentence vectors in the store.
#[allow(clippy::too_many_arguments)]
pub(crate) fn assign_and_write<S: Store>(
    p: &Pipeline,
    state: &mut StoryState,
    s: &mut S,
    batch: &Prepared,
    pending: Vec<(ArticleId, ArticleFeatures)>,
    report: &mut IngestReport,
    sink: &mut dyn StorySink,
    reader: Option<&mut SqliteStore>,
) -> Result<Committed> {
    let model = p.encoder().map(|e| e.id().to_string());
    // Articles stored by another process since this batch was prepared are duplicates (told
    // to the sink only once the batch is through: a retried batch would tell them twice).
    let (known_dups, which): (Vec<usize>, Vec<usize>) =
        (0..batch.articles.len()).partition(|&i| state.position.contains_key(&batch.articles[i].id));
    let centred = |state: &StoryState, i: usize| {
        let mut f = batch.features[i].clone();
        crate::vectors::center(state.centering.as_ref(), std::iter::once(&mut f));
        (i, f)
    };
    let in_batch: HashMap<ArticleId, (&CleanArticle, &Analysis)> =
        batch.articles.iter().zip(&batch.analyses).map(|(a, an)| (a.id.clone(), (a, an))).collect();
    let (done, updates, recorded) = match reader {
        Some(r) if model.is_none() => {
            let mut recorder = Recorder::default();
            let (stored, computed) = std::thread::scope(|scope| {
                let writer = scope.spawn(|| -> Result<Vec<Stored>> {
                    let stored = store_articles(s, batch, &which, None)?;
                    s.flush_held_writes()?;
                    Ok(stored)
                });
                let fresh: Vec<(usize, ArticleFeatures)> = which.iter().map(|&i| centred(state, i)).collect();
                let done = assign_all(state, batch, fresh, pending, &mut recorder);
                let computed = r.begin_read().map_err(crate::EngineError::from).and_then(|()| {
                    let updates = story_updates(p, &mut *r, state, &done, &in_batch);
                    r.end_read();
                    updates
                });
                // A panic there is a bug: it goes on unwinding here.
                (writer.join().unwrap_or_else(|e| std::panic::resume_unwind(e)), computed.map(|u| (done, u)))
            });
            if stored?.iter().any(|st| !matches!(st, Stored::Yes)) {
                return Ok(Committed::Retry);
            }
            let (done, updates) = computed?;
            (done, updates, Some(recorder))
        }
        _ => {
            let stored = store_articles(s, batch, &which, model.as_deref())?;
            let mut fresh = Vec::with_capacity(which.len());
            for (&i, st) in which.iter().zip(stored) {
                let a = &batch.articles[i];
                match st {
                    Stored::Yes => fresh.push(centred(state, i)),
                    Stored::Duplicate => {
                        report.duplicates += 1;
                        sink.on_duplicate(a);
                    }
                    Stored::Refused(why) => report.skip(sink, a.origin.clone(), why),
                }
            }
            let done = assign_all(state, batch, fresh, pending, sink);
            let updates = story_updates(p, s, state, &done, &in_batch)?;
            (done, updates, None)
        }
    };
    for &i in &known_dups {
        report.duplicates += 1;
        sink.on_duplicate(&batch.articles[i]);
    }
    if let Some(recorder) = recorded {
        recorder.replay(sink);
    }
    for (summary, relations) in &updates {
        s.put_story(summary)?;
        if !relations.is_empty() {
            s.add_relations(summary.id, relations)?;
        }
    }
    report.added += done.added;
    report.merged_stories += done.merged_count;
    // Events, by each article's final story (a later article of the batch may have merged it).
    let mut gained: BTreeMap<StoryId, Vec<ArticleId>> = BTreeMap::new();
    for (id, pos) in done.order {
        gained.entry(state.clusterer.story_at(pos)).or_default().push(id);
    }
    let mut events = Vec::new();
    for (story, articles) in gained {
        if done.before.contains(&story) {
            if report.extended.insert(story) {
                report.extended_stories += 1;
            }
            events.push(StoryEvent::Extended { story, articles });
        } else {
            report.new_stories += 1;
            events.push(StoryEvent::Created { story, articles });
        }
    }
    events.extend(done.merged.into_iter().map(|(story, from)| StoryEvent::Merged { story, from }));
    Ok(Committed::Done(events))
}

/// A story's metadata and the relations of its new members, computed (nothing written).
fn story_update<S: Store>(
    p: &Pipeline,
    s: &mut S,
    state: &StoryState,
    story: StoryId,
    new_ids: &HashSet<ArticleId>,
    known: &HashMap<ArticleId, (&CleanArticle, &Analysis)>,
) -> Result<(Story, Vec<Relation>)> {
    let ids = state.members.get(&story).cloned().unwrap_or_default();
    let pos: Vec<usize> = ids.iter().filter_map(|id| state.position.get(id).copied()).collect();
    let read = |s: &S, id: &ArticleId| -> Result<Option<CleanArticle>> {
        match known.get(id) {
            Some((a, _)) => Ok(Some((*a).clone())),
            None => Ok(s.article(id)?),
        }
    };
    if pos.len() != ids.len() {
        return Err(crate::EngineError::Conflict(format!("story {story} lists articles the state does not hold")));
    }
    let feats: Vec<&ArticleFeatures> = pos.iter().map(|&i| state.clusterer.features(i)).collect();
    let mut read_error = None;
    let summary: Story = summarize_story(story, &ids, &feats, |i| match read(s, &ids[i]) {
        Ok(a) => a,
        Err(e) => {
            read_error.get_or_insert(e);
            None
        }
    });
    if let Some(e) = read_error {
        return Err(e);
    }
    // Each new member is related to its most similar members among the most recent ones.
    let fresh: Vec<usize> = (0..ids.len()).filter(|&i| new_ids.contains(&ids[i])).collect();
    let recent_from = ids.len().saturating_sub(RELATE_SCAN);
    let mut done_pairs: HashSet<(usize, usize)> = HashSet::new();
    let mut todo: Vec<(usize, usize, f32)> = Vec::new();
    for &i in &fresh {
        let mut others: Vec<(f32, usize)> = (recent_from..ids.len())
            .chain(fresh.iter().copied().filter(|&j| j < recent_from))
            .filter(|&j| j != i)
            .map(|j| (state.clusterer.score_between(pos[i], pos[j]), j))
            .collect();
        others.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        for (sim, j) in others.into_iter().take(MAX_RELATED) {
            if done_pairs.insert((i.min(j), i.max(j))) {
                todo.push((i, j, sim));
            }
        }
    }
    if todo.is_empty() {
        return Ok((summary, Vec::new()));
    }
    // Only the articles of the pairs to relate are read and digested.
    let needed: BTreeSet<usize> = todo.iter().flat_map(|&(i, j, _)| [i, j]).collect();
    let mut articles: HashMap<usize, CleanArticle> = HashMap::new();
    for &i in &needed {
        if let Some(a) = read(s, &ids[i])? {
            articles.insert(i, a);
        }
    }
    // Members of a pair across languages need keyed digests (sentence keys), and sentence
    // vectors with a model, where they decide `translation`.
    let cross: BTreeSet<usize> = todo
        .iter()
        .filter(|&&(i, j, _)| matches!((articles.get(&i), articles.get(&j)), (Some(a), Some(b)) if a.lang != b.lang))
        .flat_map(|&(i, j, _)| [i, j])
        .collect();
    let mut digests: HashMap<usize, Arc<Digest>> = HashMap::new();
    for (&i, a) in &articles {
        if let Some(d) = state.digests.get(&a.id).filter(|d| d.keyed || !cross.contains(&i)) {
            digests.insert(i, d);
        }
    }
    let encode = p.encoder().is_some() && !cross.is_empty();
    // Analyses are needed for digests not kept and for the sentences to encode. The batch's
    // own are borrowed; only older members' are read from the store.
    let mut analyses: HashMap<usize, std::borrow::Cow<'_, Analysis>> = HashMap::new();
    for (&i, a) in &articles {
        if digests.contains_key(&i) && !(encode && cross.contains(&i)) {
            continue;
        }
        let an = match known.get(&a.id) {
            Some(&(_, an)) => std::borrow::Cow::Borrowed(an),
            None => std::borrow::Cow::Owned(stored_analysis(&*s, a)?),
        };
        analyses.insert(i, an);
    }
    let missing: Vec<(usize, &CleanArticle)> = articles.iter().filter(|(i, _)| !digests.contains_key(i)).map(|(&i, a)| (i, a)).collect();
    let made: Vec<(usize, Arc<Digest>)> = missing
        .par_iter()
        .filter_map(|&(i, a)| {
            let an = analyses.get(&i)?;
            let d = if cross.contains(&i) {
                storyweave_relate::digest_from(a, an)
            } else {
                storyweave_relate::digest_within_language(a, an)
            };
            Some((i, Arc::new(d)))
        })
        .collect();
    for (i, d) in made {
        state.digests.put(ids[i].clone(), d.clone());
        digests.insert(i, d);
    }
    if encode {
        let (order, texts): (Vec<usize>, Vec<Vec<&str>>) = cross
            .iter()
            .filter_map(|&i| Some((i, storyweave_relate::analysis_sentence_texts(&articles.get(&i)?.text, analyses.get(&i)?))))
            .unzip();
        match p.encode_sentences(&texts, Some(&mut *s)) {
            Ok(vs) => {
                for (i, v) in order.iter().zip(vs) {
                    // The kept digest stays without this story's vectors: set on a copy.
                    if let Some(d) = digests.get_mut(i) {
                        Arc::make_mut(d).set_sentence_vectors(v);
                    }
                }
            }
            Err(crate::EngineError::Store(e)) => return Err(e.into()),
            // An encoder failure on one story's sentences leaves its relations to the
            // model-free evidence rather than failing the whole ingest.
            Err(_) => {}
        }
    }
    let relations: Vec<Relation> = todo
        .par_iter()
        .filter_map(|&(i, j, sim)| {
            let (a, b) = (articles.get(&i)?, articles.get(&j)?);
            Some(p.relator.relate(a, digests.get(&i)?, b, digests.get(&j)?, sim))
        })
        .collect();
    Ok((summary, relations))
}

/// Rebuilds all stories from the stored articles (features reused) and swaps them in with
/// one write; articles stored meanwhile by other processes are assigned before the swap.
pub(crate) fn recluster<S: Store>(p: &Pipeline, store: &mut S, sink: &mut dyn StorySink) -> Result<(StoryState, IngestReport)> {
    // The work happens outside the write transaction (other writers go on), from a state
    // rebuilt with every article unassigned; only the swap takes the lock.
    let (mut state, all) = StoryState::rebuild_unassigned(p, store)?;
    let total = all.len();
    sink.on_start(total, 0);
    let mut report = IngestReport { records: total, ..Default::default() };
    let mut new_ids = HashSet::new();
    let mut touched = BTreeSet::new();
    for (i, (id, f)) in all.into_iter().enumerate() {
        let pos = state.clusterer.len();
        let out = state.clusterer.assign(id.clone(), f);
        if out.new_story {
            report.new_stories += 1;
        }
        report.merged_stories += out.merged.len();
        new_ids.extend(state.apply(&id, pos, &out, &mut touched));
        if (i + 1) % CHUNK == 0 || i + 1 == total {
            sink.on_progress(i + 1, 0);
        }
    }
    let known = HashMap::new();
    let stories: Vec<StoryId> = state.members.keys().copied().collect::<BTreeSet<_>>().into_iter().collect();
    let mut rebuilt = Vec::with_capacity(stories.len());
    for &story in &stories {
        rebuilt.push(story_update(p, store, &state, story, &new_ids, &known)?);
    }
    crate::write(store, |s| {
        // Articles another process stored while this rebuild ran join the new stories here.
        let late = s.features_after(state.marker.max_rowid, FEATURES_VERSION)?;
        let mut extra: Vec<(ArticleId, ArticleFeatures)> = Vec::new();
        for r in late {
            let f = match &r.features {
                Some(b) => ArticleFeatures::from_bytes(b)
                    .map_err(|e| crate::EngineError::Features { id: r.id.to_string(), reason: e.to_string() })?,
                None => continue,
            };
            extra.push((r.id, f));
        }
        let mut late_touched = BTreeSet::new();
        let mut late_ids = HashSet::new();
        for (_, f) in &extra {
            state.clusterer.observe(f);
        }
        for (id, f) in extra {
            let pos = state.clusterer.len();
            let out = state.clusterer.assign(id.clone(), f);
            late_ids.extend(state.apply(&id, pos, &out, &mut late_touched));
        }
        let mut by_id: BTreeMap<StoryId, (Story, Vec<Relation>)> = rebuilt.drain(..).map(|(st, r)| (st.id, (st, r))).collect();
        for story in late_touched {
            let (summary, mut relations) = story_update(p, s, &state, story, &late_ids, &known)?;
            if let Some((_, old)) = by_id.remove(&story) {
                relations.extend(old.into_iter().filter(|r| !late_ids.contains(&r.a) && !late_ids.contains(&r.b)));
            }
            by_id.insert(story, (summary, relations));
        }
        // Stories merged away by late articles are gone.
        by_id.retain(|id, _| state.members.contains_key(id));
        let all: Vec<(Story, Vec<Relation>)> = by_id.into_values().collect();
        s.replace_all_stories(&all)?;
        state.marker = s.bump_marker(true)?;
        Ok(())
    })?;
    state.unsaved = state.clusterer.len();
    Ok((state, report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyweave_model::{Origin, RawBody};

    fn raw(id: &str, text: &str) -> RawArticle {
        RawArticle {
            id: Some(id.into()),
            url: None,
            title: Some(format!("Report {id}")),
            body: RawBody::Text(text.into()),
            lang: Some("en".into()),
            published: None,
            source: None,
            origin: Origin { file: "t.jsonl".into(), line: Some(1), item: None, html: false },
            warnings: Vec::new(),
        }
    }

    /// A batch with one article the store already holds (as another process might have
    /// stored it unseen), assigned with and without the store thread.
    fn commit_refused(overlap: bool) -> (Committed, IngestReport) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let p = Pipeline::new(crate::Config::default());
        let mut s = SqliteStore::open(&path).unwrap();
        let (mut state, _) = StoryState::rebuild(&p, &mut s, &[]).unwrap();
        let texts = [("a", "Floods hit Porto Alegre on Wednesday, governor Eduardo Leite said."), ("b", "Dockworkers in Hamburg went on strike on Tuesday, the Verdi union said.")];
        let mut report = IngestReport::default();
        let batch = Batch { raws: texts.iter().map(|(id, t)| raw(id, t)).collect() };
        let prepared = batch.prepare(&p, &mut report, &mut (), |_| Ok(false)).unwrap();
        let held = prepared.articles[1].clone();
        s.write(|w| w.insert_article(&held)).unwrap();
        let mut reader = SqliteStore::open_read_only(&path).unwrap();
        let out = s
            .write(|w| assign_and_write(&p, &mut state, w, &prepared, Vec::new(), &mut report, &mut (), overlap.then_some(&mut reader)))
            .unwrap();
        (out, report)
    }

    #[test]
    fn an_article_the_store_refuses_beside_the_assignment_sends_the_batch_back() {
        let (out, report) = commit_refused(true);
        assert!(matches!(out, Committed::Retry));
        assert_eq!((report.added, report.duplicates), (0, 0), "nothing is counted for a batch sent back");
        let (out, report) = commit_refused(false);
        assert!(matches!(out, Committed::Done(_)));
        assert_eq!((report.added, report.duplicates), (1, 1));
    }
}
