//! The long-lived engine: one store opened once, the story state in memory, articles taken
//! one at a time or in batches, and every view and search the binaries need.

use crate::ingest::{Batch, ByteProgress};
use crate::state::{CatchUp, Identity, StoryState};
use crate::{EngineError, IngestReport, Pipeline, Result, StorySink};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use storyweave_ingest::{ReadOptions, RecordError};
use std::collections::HashMap;
use storyweave_model::{Lang, RawArticle, StoryId};
use storyweave_store::{SqliteStore, Store, StoreRead, WriteMarker};

/// A change to the stories, as pushed to listeners (the server's live feed).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum StoryEvent {
    /// A new story was opened.
    Created {
        /// The story.
        story: storyweave_model::StoryId,
        /// Its first articles.
        articles: Vec<storyweave_model::ArticleId>,
    },
    /// A story gained articles.
    Extended {
        /// The story.
        story: storyweave_model::StoryId,
        /// The articles it gained.
        articles: Vec<storyweave_model::ArticleId>,
    },
    /// Stories were merged into `story` by an article that reports both.
    Merged {
        /// The surviving story.
        story: storyweave_model::StoryId,
        /// The stories that no longer exist.
        from: Vec<storyweave_model::StoryId>,
    },
}

/// A listener of story events.
pub type Listener = Arc<dyn Fn(&StoryEvent) + Send + Sync>;

/// Articles added between two writes of the index files beside the store: replaying this
/// many from the store on the next open costs well under a second, so writing the files more
/// often would only slow ingest down.
pub const SAVE_EVERY: usize = 10_000;

/// The writer's side: the store connection that writes, and the state in memory.
struct Writer<S> {
    store: S,
    /// `None` until first needed, and again after a failed write (the state may then hold
    /// assignments the store does not, so it is rebuilt from the store).
    state: Option<StoryState>,
    /// Stored articles without a story found when the state was loaded: the next write
    /// assigns them (a store written by an older storyweave, or edited by hand).
    pending: Vec<(storyweave_model::ArticleId, storyweave_encode::ArticleFeatures)>,
}

/// How the story state was last loaded (for `health` and the benchmarks).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoadInfo {
    /// "index files" or "rebuilt from the store", or empty while not loaded.
    pub how: String,
    /// Why the index files were not used, when rebuilt.
    pub reason: Option<String>,
    /// Seconds the load took.
    pub seconds: f64,
    /// Articles held.
    pub articles: usize,
}

/// The long-lived engine over one store.
///
/// Writes are serialised: within the process by a lock, across processes by the store's
/// exclusive write transaction, inside which the in-memory state first catches up with what
/// other processes committed. Reads (views, search) go to the store and never wait for a
/// write; each view reads inside one transaction, so it sees the store before or after a
/// batch, never half of one.
pub struct Engine<S: Store = SqliteStore> {
    pipeline: Arc<Pipeline>,
    writer: Mutex<Writer<S>>,
    /// Read handles for concurrent readers; `None` when the store cannot open more (in-memory
    /// stores), in which case reads go through the writer's handle.
    readers: Option<ReaderPool>,
    index_dir: Option<PathBuf>,
    listeners: Mutex<Vec<Listener>>,
    load_info: Mutex<LoadInfo>,
    comparisons: Mutex<ComparisonCache>,
}

/// Story comparisons already made, by story and language, each with the stamp it was made
/// under ([`crate::compare::comparison_stamp`]: members, language, encoder, relation
/// parameters): a story that gained, lost or reordered articles is compared again.
type ComparisonCache = HashMap<(StoryId, Option<Lang>), (String, Arc<crate::compare::StoryComparison>)>;

/// Comparisons kept in memory (each a few KiB to a few hundred).
const MAX_CACHED_COMPARISONS: usize = 256;

/// Read-only connections to a store file, opened on demand and reused.
struct ReaderPool {
    path: PathBuf,
    idle: Mutex<Vec<SqliteStore>>,
}

/// Idle read connections kept: enough for a busy server's worker threads; more are opened
/// when needed and closed after use.
const MAX_IDLE_READERS: usize = 16;

impl ReaderPool {
    fn get(&self) -> Result<SqliteStore> {
        if let Some(r) = self.idle.lock().map_err(poisoned)?.pop() {
            return Ok(r);
        }
        Ok(SqliteStore::open_read_only(&self.path)?)
    }

    fn put(&self, r: SqliteStore) {
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < MAX_IDLE_READERS {
                idle.push(r);
            }
        }
    }
}

/// A poisoned lock means a thread panicked while writing: the state is not trusted.
fn poisoned<T>(_: std::sync::PoisonError<T>) -> EngineError {
    EngineError::Conflict("a previous write failed unexpectedly; restart storyweave".into())
}

impl Engine<SqliteStore> {
    /// Opens (creating if needed) the store file at `path` for reading and writing.
    pub fn open(path: &Path, pipeline: Pipeline) -> Result<Self> {
        let mut store = SqliteStore::open(path)?;
        store.set_write_wait(write_wait(None));
        Ok(Self::with_store_at(store, Some(path.to_path_buf()), pipeline))
    }

    /// An engine over a private in-memory store (tests, one-shot evaluations).
    pub fn in_memory(pipeline: Pipeline) -> Result<Self> {
        Ok(Self::with_store_at(SqliteStore::open_in_memory()?, None, pipeline))
    }

    /// Sets who is told when a write waits for another process (the CLI prints a line).
    pub fn on_write_wait(&self, tell: Arc<dyn Fn(&Path) + Send + Sync>) -> Result<()> {
        let mut w = self.lock_writer()?;
        w.store.set_write_wait(write_wait(Some(tell)));
        Ok(())
    }
}

/// How long a writer waits for another process's write: `STORYWEAVE_WRITE_WAIT` seconds, else
/// an hour (a `recluster` of a large store holds the lock for its final write only, seconds;
/// an ingest batch for a second or two).
fn write_wait(tell: Option<Arc<dyn Fn(&Path) + Send + Sync>>) -> storyweave_store::WriteWait {
    let secs = std::env::var("STORYWEAVE_WRITE_WAIT").ok().and_then(|v| v.parse::<u64>().ok()).unwrap_or(3600);
    storyweave_store::WriteWait { max: std::time::Duration::from_secs(secs), on_wait: tell }
}

impl<S: Store> Engine<S> {
    /// An engine over an opened store; `db` is its file, beside which the index files live
    /// (`None`: no index files, no separate readers).
    pub fn with_store_at(store: S, db: Option<PathBuf>, pipeline: Pipeline) -> Self {
        Engine {
            pipeline: Arc::new(pipeline),
            writer: Mutex::new(Writer { store, state: None, pending: Vec::new() }),
            readers: db.clone().map(|path| ReaderPool { path, idle: Mutex::new(Vec::new()) }),
            index_dir: db.as_deref().map(crate::state::index_dir),
            listeners: Mutex::new(Vec::new()),
            load_info: Mutex::new(LoadInfo::default()),
            comparisons: Mutex::new(HashMap::new()),
        }
    }

    /// Inside a story: headline and summary in `lang` (or the closest language), provenance
    /// groups and what each article adds ([`crate::compare::story_comparison`]). Kept until
    /// the story's members change, since comparing every pair of a story takes time.
    pub fn story_comparison(&self, id: StoryId, lang: Option<Lang>) -> Result<Arc<crate::compare::StoryComparison>> {
        /// What the read found: a comparison remembered here, or one kept in the store or made.
        enum Found {
            Remembered(Arc<crate::compare::StoryComparison>),
            Read(crate::compare::StoryComparison, bool),
        }
        let key = (id, lang.clone());
        // One read: the story as it is, then what is remembered, kept or made for it.
        let (stamp, found) = self.read(|r| {
            let story = r.story(id)?.ok_or_else(|| EngineError::NotFound { what: "story", id: id.to_string() })?;
            let stamp = crate::compare::comparison_stamp(&self.pipeline, &story.articles, lang.as_ref());
            if let Some((s, c)) = self.comparisons.lock().ok().and_then(|cache| cache.get(&key).cloned()) {
                if s == stamp {
                    return Ok((stamp, Found::Remembered(c)));
                }
            }
            let made = crate::compare::kept_or_compared(&self.pipeline, r, &story, &stamp, lang.clone())?;
            Ok((stamp, Found::Read(made.0, made.1)))
        })?;
        let (made, fresh) = match found {
            Found::Remembered(c) => return Ok(c),
            Found::Read(made, fresh) => (made, fresh),
        };
        let made = Arc::new(made);
        if fresh {
            self.keep_comparison(id, lang.as_ref(), &stamp, &made);
        }
        if let Ok(mut cache) = self.comparisons.lock() {
            if cache.len() >= MAX_CACHED_COMPARISONS {
                cache.clear();
            }
            cache.insert(key, (stamp, made.clone()));
        }
        Ok(made)
    }

    /// Keeps a comparison in the store, for other processes (`storyweave story`, `export`)
    /// and the next start. Only when the writer is free: a reader never waits for a batch,
    /// and a comparison not kept now is made again later.
    fn keep_comparison(&self, id: StoryId, lang: Option<&Lang>, stamp: &str, made: &crate::compare::StoryComparison) {
        let Ok(json) = serde_json::to_string(made) else { return };
        let Ok(mut w) = self.writer.try_lock() else { return };
        let key = lang.map_or("", |l| l.as_str());
        // Another process writing, a read-only file: the comparison is simply made again later.
        let _ = w.store.write_now(|s| s.put_story_comparison(id, key, stamp, &json));
    }

    /// The pipeline (configuration, extractor, encoder).
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// Adds a listener of story events (created, extended, merged).
    pub fn subscribe(&self, listener: Listener) {
        if let Ok(mut l) = self.listeners.lock() {
            l.push(listener);
        }
    }

    /// How the story state was last loaded.
    pub fn load_info(&self) -> LoadInfo {
        self.load_info.lock().map(|i| i.clone()).unwrap_or_default()
    }

    fn lock_writer(&self) -> Result<MutexGuard<'_, Writer<S>>> {
        self.writer.lock().map_err(poisoned)
    }

    /// Loads the story state now (else it is loaded by the first write): a server does this
    /// at start so that its first article does not wait for it.
    pub fn warm_up(&self) -> Result<()> {
        let mut w = self.lock_writer()?;
        self.ensure_state(&mut w, &[])?;
        Ok(())
    }

    /// Runs `f` with a read handle inside one read transaction.
    pub fn read<T>(&self, f: impl FnOnce(&dyn StoreRead) -> Result<T>) -> Result<T> {
        match &self.readers {
            Some(pool) => {
                let r = pool.get()?;
                let out = r.read_snapshot(|| f(&r));
                pool.put(r);
                out
            }
            None => {
                let w = self.lock_writer()?;
                f(&w.store)
            }
        }
    }

    /// The identity the index files must match.
    fn identity(&self, store: &mut S) -> Result<Identity> {
        let uuid = match store.meta(crate::state::UUID_META)? {
            Some(u) => u,
            None => {
                let u = crate::state::new_uuid();
                store.write(|s| s.set_meta(crate::state::UUID_META, &u))?;
                u
            }
        };
        Ok(Identity {
            store: uuid,
            features: storyweave_encode::FEATURES_VERSION.to_string(),
            encoder: self.pipeline.encoder().map(|e| e.id().to_string()),
            params: self.pipeline.params_hash(),
        })
    }

    /// Makes sure the state is loaded: from the index files when they match the store, else
    /// rebuilt from it (and the index files written). `incoming` helps fit the centering of a
    /// first ingest. Returns stored articles that still need a story.
    fn ensure_state(&self, w: &mut Writer<S>, incoming: &[storyweave_encode::ArticleFeatures]) -> Result<()> {
        if w.state.is_some() {
            return Ok(());
        }
        let start = std::time::Instant::now();
        self.pipeline.migrate_search_keys(&mut w.store)?;
        let marker = w.store.marker()?;
        let identity = self.identity(&mut w.store)?;
        let mut reason = None;
        let mut unassigned = Vec::new();
        let mut how = "index files";
        let mut state = match self.index_dir.as_deref().map(|d| StoryState::load(&self.pipeline, d, &identity, &marker)) {
            Some(Ok(s)) => Some(s),
            Some(Err(why)) => {
                reason = Some(why);
                None
            }
            None => None,
        };
        if let Some(s) = state.as_mut() {
            // Replays what was written after the files.
            match w.store.write(|st| s.catch_up(&self.pipeline, st))? {
                CatchUp::Current(left) => unassigned = left,
                CatchUp::Rebuilt => {
                    reason = Some("stories were rebuilt after the index files were written".into());
                    state = None;
                }
            }
        }
        let state = match state {
            Some(s) => s,
            None => {
                how = "rebuilt from the store";
                let (s, left) = StoryState::rebuild(&self.pipeline, &mut w.store, incoming)?;
                unassigned = left;
                s
            }
        };
        let articles = state.clusterer.len();
        w.state = Some(state);
        w.pending.extend(unassigned);
        if how != "index files" {
            self.save_locked(w);
        }
        if let Ok(mut info) = self.load_info.lock() {
            *info = LoadInfo { how: how.into(), reason, seconds: start.elapsed().as_secs_f64(), articles };
        }
        Ok(())
    }

    /// Writes the index files beside the store (nothing for in-memory stores). A failure is
    /// not an error of the caller's work: the files are a cache, rebuilt when missing.
    pub fn save_index(&self) -> Result<()> {
        let mut w = self.lock_writer()?;
        self.save_locked(&mut w);
        Ok(())
    }

    fn save_locked(&self, w: &mut Writer<S>) {
        let Some(dir) = self.index_dir.as_deref() else { return };
        let Ok(identity) = self.identity(&mut w.store) else { return };
        if let Some(state) = w.state.as_mut() {
            if let Err(e) = state.save(dir, &identity) {
                eprintln!("storyweave: warning: could not write the index files {}: {e}", dir.display());
            }
        }
    }

    /// Stored articles nearest to a raw query vector in the story state's vector index (the
    /// vectors there are centred per language when the store is large enough; the query is
    /// centred the same way, for its language).
    pub(crate) fn nearest(&self, query: &[f32], lang: &storyweave_model::Lang, k: usize) -> Result<crate::search::VectorHits> {
        let mut w = self.lock_writer()?;
        self.ensure_state(&mut w, &[])?;
        let Some(state) = w.state.as_ref() else { return Ok(Default::default()) };
        let mut q = query.to_vec();
        let scale = crate::search::vector_scale(&self.pipeline.config.search, state.centering.as_ref(), lang, &mut q);
        let hits = state.clusterer.nearest(&q, k).into_iter().map(|(i, s)| (state.clusterer.ids()[i].clone(), s));
        Ok(crate::search::vector_hits(hits, scale))
    }

    /// Articles added since the index files were written.
    pub fn unsaved(&self) -> usize {
        self.writer.lock().ok().and_then(|w| w.state.as_ref().map(|s| s.unsaved)).unwrap_or(0)
    }

    /// The store's write marker as this engine's state last saw it.
    pub fn marker(&self) -> Option<WriteMarker> {
        self.writer.lock().ok().and_then(|w| w.state.as_ref().map(|s| s.marker))
    }

    /// Reads files, folders and `-` (JSON lines on stdin), cleans every record, stores the new
    /// articles and extends the stories. Bad records are reported to `sink` and skipped; they
    /// never stop the batch.
    pub fn ingest_paths(&self, inputs: &[PathBuf], sink: &mut dyn StorySink) -> Result<IngestReport> {
        let opts = ReadOptions { max_bytes: self.pipeline.config.input.max_bytes };
        let listed = storyweave_ingest::list_inputs(inputs);
        // Sizes known up front give the progress bar a real total (bytes, not records).
        let sizes: std::collections::HashMap<String, u64> = listed
            .iter()
            .filter_map(|p| p.as_ref().ok())
            .filter_map(|p| std::fs::metadata(p).ok().map(|m| (p.display().to_string(), m.len())))
            .collect();
        sink.on_start(0, sizes.values().sum());
        let records = listed.into_iter().flat_map(move |item| match item {
            Ok(path) => storyweave_ingest::read_file_iter(&path, &opts),
            Err(e) => Box::new(std::iter::once(Err(e))),
        });
        self.ingest_records(records, ByteProgress::new(sizes), sink)
    }

    /// Ingests already-read raw articles (see [`Engine::ingest_paths`]).
    pub fn ingest_raw(&self, raws: Vec<RawArticle>, sink: &mut dyn StorySink) -> Result<IngestReport> {
        sink.on_start(raws.len(), 0);
        self.ingest_records(raws.into_iter().map(Ok), ByteProgress::default(), sink)
    }

    /// Ingests records already read (a request body's JSON lines), with their read errors.
    pub fn ingest_stream(
        &self,
        records: impl Iterator<Item = std::result::Result<RawArticle, RecordError>>,
        sink: &mut dyn StorySink,
    ) -> Result<IngestReport> {
        self.ingest_records(records, ByteProgress::default(), sink)
    }

    /// Ingests a stream of records, a bounded batch at a time. Batch N is stored and assigned
    /// (serial, under the write lock) on a second thread while batch N + 1 is read, cleaned,
    /// analysed and featurised here (parallel): the two halves overlap instead of taking
    /// turns. What the commit reports to the sink is recorded and replayed here, in order.
    fn ingest_records(
        &self,
        records: impl Iterator<Item = std::result::Result<RawArticle, RecordError>>,
        mut progress: ByteProgress,
        sink: &mut dyn StorySink,
    ) -> Result<IngestReport> {
        let mut report = IngestReport::default();
        let mut committed = IngestReport::default();
        let mut records = records.peekable();
        let mut in_flight: Option<crate::ingest::Prepared> = None;
        loop {
            let more = records.peek().is_some();
            if !more && in_flight.is_none() {
                break;
            }
            let (prepared, done) = std::thread::scope(|scope| {
                let committing = in_flight.take().map(|batch| {
                    let committed = &mut committed;
                    scope.spawn(move || {
                        let mut recorder = crate::ingest::Recorder::default();
                        let events = self.commit(batch, committed, &mut recorder);
                        (events, recorder)
                    })
                });
                let prepared = if more {
                    let batch = Batch::read(&mut records, &mut report, &mut progress, sink);
                    Some(batch.prepare(&self.pipeline, &mut report, sink, |id| self.read(|r| Ok(r.has_article(id)?))))
                } else {
                    None
                };
                // A panic there is a bug: it goes on unwinding here.
                let done = committing.map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
                (prepared, done)
            });
            if let Some(done) = done {
                let (events, recorder) = done;
                recorder.replay(sink);
                let events = events?;
                self.emit(&events, sink);
                sink.on_progress(report.records, report.bytes);
            }
            in_flight = prepared.transpose()?;
        }
        report.absorb(committed);
        let save = {
            let w = self.lock_writer()?;
            w.state.as_ref().is_some_and(|s| s.unsaved >= SAVE_EVERY)
        };
        if save {
            self.save_index()?;
        }
        Ok(report)
    }

    fn emit(&self, events: &[StoryEvent], sink: &mut dyn StorySink) {
        let listeners: Vec<Listener> = self.listeners.lock().map(|l| l.clone()).unwrap_or_default();
        for e in events {
            sink.on_update(e);
            for l in &listeners {
                l(e);
            }
        }
    }

    /// Assigns and writes one prepared batch under the write lock.
    fn commit(&self, batch: crate::ingest::Prepared, report: &mut IngestReport, sink: &mut dyn StorySink) -> Result<Vec<StoryEvent>> {
        self.commit_with(batch, report, sink, true)
    }

    /// [`Engine::commit`]; `overlap`: write the batch's rows on a store thread while it is
    /// assigned (see `ingest::assign_and_write`), when a second connection can be opened.
    fn commit_with(
        &self,
        batch: crate::ingest::Prepared,
        report: &mut IngestReport,
        sink: &mut dyn StorySink,
        overlap: bool,
    ) -> Result<Vec<StoryEvent>> {
        let mut w = self.lock_writer()?;
        self.ensure_state(&mut w, &batch.features)?;
        let pool = self.readers.as_ref().filter(|_| overlap);
        // Without a second connection (none can be opened now) the batch is committed step by
        // step, as for an in-memory store.
        let mut reader = pool.and_then(|p| p.get().ok());
        let pending = std::mem::take(&mut w.pending);
        let Writer { store, state, .. } = &mut *w;
        let result = {
            let Some(st) = state.as_mut() else {
                return Err(EngineError::Conflict("the story state could not be loaded".into()));
            };
            let mut pending = pending;
            store.write(|s| -> std::result::Result<Option<Vec<StoryEvent>>, Abort> {
                match st.catch_up(&self.pipeline, s)? {
                    CatchUp::Current(left) => pending.extend(left),
                    CatchUp::Rebuilt => return Ok(None),
                }
                match crate::ingest::assign_and_write(&self.pipeline, st, s, &batch, pending, report, sink, reader.as_mut())? {
                    crate::ingest::Committed::Done(events) => {
                        st.marker = s.bump_marker(false)?;
                        Ok(Some(events))
                    }
                    crate::ingest::Committed::Retry => Err(Abort::Retry),
                }
            })
        };
        if let (Some(pool), Some(r)) = (pool, reader) {
            pool.put(r);
        }
        match result {
            Ok(Some(events)) => Ok(events),
            Ok(None) => {
                // Another process rebuilt all stories: reload and try this batch once more.
                w.state = None;
                drop(w);
                self.commit_with(batch, report, sink, overlap)
            }
            Err(Abort::Retry) => {
                // Rolled back; the state holds assignments that were not stored.
                w.state = None;
                drop(w);
                self.commit_with(batch, report, sink, false)
            }
            Err(Abort::Failed(e)) => {
                // The in-memory state may hold assignments that were not stored.
                w.state = None;
                Err(e)
            }
        }
    }

    /// Rebuilds all stories from the stored articles and swaps them in at once: interrupted
    /// at any point, the store holds the old stories or the new ones.
    pub fn recluster(&self, sink: &mut dyn StorySink) -> Result<IngestReport> {
        let mut w = self.lock_writer()?;
        self.pipeline.migrate_search_keys(&mut w.store)?;
        let Writer { store, state, pending } = &mut *w;
        pending.clear();
        let (fresh, report) = crate::ingest::recluster(&self.pipeline, store, sink)?;
        *state = Some(fresh);
        self.save_locked(&mut w);
        Ok(report)
    }
}

/// Why a batch's write transaction was rolled back.
enum Abort {
    /// A failure, reported to the caller.
    Failed(EngineError),
    /// The batch is to be committed again without the overlap.
    Retry,
}

impl From<EngineError> for Abort {
    fn from(e: EngineError) -> Self {
        Abort::Failed(e)
    }
}

impl From<storyweave_store::StoreError> for Abort {
    fn from(e: storyweave_store::StoreError) -> Self {
        Abort::Failed(e.into())
    }
}

/// Reads with a snapshot of the store: `read_snapshot` of the store traits.
trait ReadSnapshot {
    fn read_snapshot<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T>;
}

impl ReadSnapshot for SqliteStore {
    fn read_snapshot<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        self.begin_read()?;
        let out = f();
        self.end_read();
        out
    }
}
