//! The in-memory story state of a long-lived engine, and how it stays equal to the store.
//!
//! The state is the online clusterer (candidate index, vector index, document frequencies,
//! each article's story) plus each story's member list. It is built once, when the engine
//! opens: from the index files beside the store when they match it (seconds at 100,000
//! articles), else from the stored features (a rebuild, after which the files are written).
//! Several processes may write to one store; before every write the state *catches up* with
//! what the others committed (see [`StoryState::catch_up`]), inside the writer's exclusive
//! transaction, so that no assignment is ever made against an outdated state.

use crate::{Pipeline, Result, EngineError};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use storyweave_cluster::{Assignment, OnlineClusterer};
use storyweave_encode::{ArticleFeatures, LanguageCentering, FEATURES_VERSION};
use storyweave_model::{ArticleId, CleanArticle, StoryId};
use storyweave_store::{Store, StoredFeatures, WriteMarker};

/// In-memory state of the stories (see the module docs).
pub(crate) struct StoryState {
    /// Candidate index, vector index, features and story of every article.
    pub clusterer: OnlineClusterer,
    /// Position of each article in the clusterer.
    pub position: HashMap<ArticleId, usize>,
    /// Member ids of each story, in order of arrival.
    pub members: HashMap<StoryId, Vec<ArticleId>>,
    /// Per-language centering of the vectors (with a model and enough articles).
    pub centering: Option<LanguageCentering>,
    /// The store's writes this state reflects.
    pub marker: WriteMarker,
    /// Articles added since the index files were last written (or all, after a rebuild).
    pub unsaved: usize,
    /// Relation digests of the articles most recently related (not saved).
    pub digests: DigestCache,
}

/// Relation digests of recently related articles, so that relating a new article to a story's
/// members does not digest each member again. Why: a member is related to every later arrival
/// of its story (up to `MAX_RELATED`), and digesting (shingles, sentence keys) cost as much as
/// the clusterer itself; a stream's new articles join recent stories, so recent digests are
/// the ones needed. Digests are made when first needed, not at ingest: most articles of a
/// stream open a story of their own and are never related. A lock only to be usable from
/// `&StoryState`: one writer uses it.
pub(crate) struct DigestCache(std::sync::Mutex<hashlink::LruCache<ArticleId, std::sync::Arc<storyweave_relate::Digest>>>);

/// Digests kept: about 20 KB each for a news article, so some 80 MB at most.
const DIGESTS_KEPT: usize = 4096;

impl Default for DigestCache {
    fn default() -> Self {
        DigestCache(std::sync::Mutex::new(hashlink::LruCache::new(DIGESTS_KEPT)))
    }
}

impl DigestCache {
    /// The digest of an article, if kept.
    pub fn get(&self, id: &ArticleId) -> Option<std::sync::Arc<storyweave_relate::Digest>> {
        self.0.lock().ok()?.get(id).cloned()
    }

    /// Keeps an article's digest (the least recently used one goes when full).
    pub fn put(&self, id: ArticleId, digest: std::sync::Arc<storyweave_relate::Digest>) {
        if let Ok(mut cache) = self.0.lock() {
            cache.insert(id, digest);
        }
    }
}

/// Why a catch-up could not proceed incrementally.
pub(crate) enum CatchUp {
    /// The state is current; these stored articles had no story and must be assigned now.
    Current(Vec<(ArticleId, ArticleFeatures)>),
    /// All stories were rebuilt by another process: the state must be loaded anew.
    Rebuilt,
}

impl StoryState {
    /// Records where a newly assigned article went, moving the members of merged stories.
    /// Returns the ids whose relations must be (re)computed: the article, and the members of
    /// merged stories, which now share a story with articles they were never compared with.
    pub fn apply(&mut self, id: &ArticleId, pos: usize, out: &Assignment, touched: &mut std::collections::BTreeSet<StoryId>) -> Vec<ArticleId> {
        let mut fresh = vec![id.clone()];
        for absorbed in &out.merged {
            let moved = self.members.remove(absorbed).unwrap_or_default();
            fresh.extend(moved.iter().cloned());
            self.members.entry(out.story).or_default().extend(moved);
            touched.remove(absorbed);
        }
        self.position.insert(id.clone(), pos);
        self.members.entry(out.story).or_default().push(id.clone());
        touched.insert(out.story);
        fresh
    }

    /// Member lists and positions from the clusterer's own story table.
    fn index_members(clusterer: &OnlineClusterer) -> (HashMap<ArticleId, usize>, HashMap<StoryId, Vec<ArticleId>>) {
        let mut position = HashMap::with_capacity(clusterer.len());
        let mut members: HashMap<StoryId, Vec<ArticleId>> = HashMap::new();
        for (i, id) in clusterer.ids().iter().enumerate() {
            position.insert(id.clone(), i);
            members.entry(clusterer.story_at(i)).or_default().push(id.clone());
        }
        (position, members)
    }

    /// Builds the state from the stored features (and vectors). Articles stored without
    /// features of this version (a store written by an older storyweave) get them now, from
    /// their stored text; with a model, articles without vectors are encoded now, once.
    /// Vectors are centred per language with means fitted from the stored vectors and those
    /// of `incoming` (the first batch of an ingest, so that a first large ingest into an
    /// empty store is centred too). Returns the stored articles that have no story yet.
    pub fn rebuild<S: Store>(p: &Pipeline, store: &mut S, incoming: &[ArticleFeatures]) -> Result<(StoryState, Vec<(ArticleId, ArticleFeatures)>)> {
        Self::build(p, store, incoming, true)
    }

    /// [`StoryState::rebuild`] with every article unassigned (for `recluster`).
    pub fn rebuild_unassigned<S: Store>(p: &Pipeline, store: &mut S) -> Result<(StoryState, Vec<(ArticleId, ArticleFeatures)>)> {
        Self::build(p, store, &[], false)
    }

    fn build<S: Store>(p: &Pipeline, store: &mut S, incoming: &[ArticleFeatures], keep_stories: bool) -> Result<(StoryState, Vec<(ArticleId, ArticleFeatures)>)> {
        let marker = store.marker()?;
        let rows = store.features_after(0, FEATURES_VERSION)?;
        let mut feats = decode_rows(p, store, &rows)?;
        p.load_vectors(store, &mut feats)?;
        let centering = p.fit_centering(feats.iter().map(|(_, f, _)| f).chain(incoming));
        crate::vectors::center(centering.as_ref(), feats.iter_mut().map(|(_, f, _)| f));
        let mut clusterer = p.new_clusterer();
        for (_, f, _) in &feats {
            clusterer.observe(f);
        }
        let mut unassigned = Vec::new();
        for (id, f, story) in feats {
            match story.filter(|_| keep_stories) {
                Some(story) => clusterer.insert_existing(id, f, story),
                None => unassigned.push((id, f)),
            }
        }
        let (position, members) = Self::index_members(&clusterer);
        let unsaved = clusterer.len();
        Ok((StoryState { clusterer, position, members, centering, marker, unsaved, digests: DigestCache::default() }, unassigned))
    }

    /// Brings the state up to the store's writes (made by other processes since the state was
    /// built or last caught up): replays the articles they added, in storage order, and moves
    /// articles whose story they changed. Call it inside the write transaction.
    pub fn catch_up<S: Store>(&mut self, p: &Pipeline, store: &mut S) -> Result<CatchUp> {
        let now = store.marker()?;
        if now == self.marker {
            return Ok(CatchUp::Current(Vec::new()));
        }
        if now.epoch != self.marker.epoch || now.max_rowid < self.marker.max_rowid {
            return Ok(CatchUp::Rebuilt);
        }
        let rows = store.features_after(self.marker.max_rowid, FEATURES_VERSION)?;
        let mut feats = decode_rows(p, store, &rows)?;
        p.load_vectors(store, &mut feats)?;
        crate::vectors::center(self.centering.as_ref(), feats.iter_mut().map(|(_, f, _)| f));
        for (_, f, _) in &feats {
            self.clusterer.observe(f);
        }
        let mut unassigned = Vec::new();
        for (id, f, story) in feats {
            if self.position.contains_key(&id) {
                continue;
            }
            match story {
                Some(story) => {
                    let pos = self.clusterer.len();
                    self.clusterer.insert_existing(id.clone(), f, story);
                    self.position.insert(id.clone(), pos);
                    self.members.entry(story).or_default().push(id);
                    self.unsaved += 1;
                }
                None => unassigned.push((id, f)),
            }
        }
        // Stories merged by another writer moved some of our older articles.
        let mut moved = false;
        for (id, story) in store.story_assignments()? {
            if let Some(&pos) = self.position.get(&id) {
                if self.clusterer.story_at(pos) != story {
                    self.clusterer.set_story(pos, story);
                    moved = true;
                }
            }
        }
        if moved {
            let (_, members) = Self::index_members(&self.clusterer);
            self.members = members;
        }
        self.marker = now;
        Ok(CatchUp::Current(unassigned))
    }
}

/// Decodes stored feature rows; articles without features of this version get them from
/// their stored text, and they are stored (inside the caller's transaction, if any).
fn decode_rows<S: Store>(p: &Pipeline, store: &mut S, rows: &[StoredFeatures]) -> Result<Vec<(ArticleId, ArticleFeatures, Option<StoryId>)>> {
    let decoded: Vec<Result<Option<ArticleFeatures>>> = rows
        .par_iter()
        .map(|r| match &r.features {
            Some(bytes) => ArticleFeatures::from_bytes(bytes)
                .map(Some)
                .map_err(|e| EngineError::Features { id: r.id.to_string(), reason: e.to_string() }),
            None => Ok(None),
        })
        .collect();
    let mut missing: Vec<usize> = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for (i, (r, f)) in rows.iter().zip(decoded).enumerate() {
        let f = f?;
        if f.is_none() {
            missing.push(i);
        }
        out.push((r.id.clone(), f.unwrap_or_default(), r.story));
    }
    if !missing.is_empty() {
        let mut articles: Vec<(usize, CleanArticle)> = Vec::with_capacity(missing.len());
        for &i in &missing {
            if let Some(a) = store.article(&rows[i].id)? {
                articles.push((i, a));
            }
        }
        let fresh: Vec<(usize, ArticleFeatures)> = articles.par_iter().map(|(i, a)| (*i, p.features(a))).collect();
        store.write(|s| -> storyweave_store::Result<()> {
            for (i, f) in &fresh {
                s.put_features(&rows[*i].id, FEATURES_VERSION, &f.to_bytes())?;
                s.put_search_keys(&rows[*i].id, &crate::keys::search_keys(f))?;
            }
            Ok(())
        })?;
        for (i, f) in fresh {
            out[i].1 = f;
        }
    }
    Ok(out)
}

/// Identifies what the index files beside a store were made from: the same store, feature
/// format, encoder and parameters, or else they are not used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Identity {
    /// The store's uuid.
    pub store: String,
    /// The feature format.
    pub features: String,
    /// The encoder's versioned id, if any.
    pub encoder: Option<String>,
    /// A hash of the similarity and clustering parameters (they shape the index).
    pub params: String,
}

/// The manifest of the index files: what they were made from, the store's writes they
/// reflect, and a checksum of each file (a damaged or half-replaced file is never read: the
/// HNSW loader would panic on it).
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: u32,
    identity: Identity,
    marker: WriteMarker,
    centering: Option<LanguageCentering>,
    files: Vec<(String, String)>,
}

/// The `meta` key of the store's identity (see [`Identity`]).
pub(crate) const UUID_META: &str = "engine.store_uuid";

/// A new store identity: unique enough to tell two store files apart.
pub(crate) fn new_uuid() -> String {
    let seed = format!("{:?}{}{:?}", std::time::SystemTime::now(), std::process::id(), std::thread::current().id());
    blake3::hash(seed.as_bytes()).to_hex()[..32].to_string()
}

/// Bumped whenever the manifest or the file layout changes.
const MANIFEST_FORMAT: u32 = 1;
const MANIFEST: &str = "manifest.json";

/// The folder of index files beside a store file: `storyweave.db` → `storyweave.db.index`.
pub(crate) fn index_dir(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".index");
    db.with_file_name(name)
}

fn checksum(path: &Path) -> std::io::Result<String> {
    let mut h = blake3::Hasher::new();
    h.update_reader(std::fs::File::open(path)?)?;
    Ok(h.finalize().to_hex().to_string())
}

impl StoryState {
    /// Writes the index files into `dir` (replacing the old ones at once: a reader sees the
    /// old set, the new set or none, never a mix it would accept).
    pub fn save(&mut self, dir: &Path, identity: &Identity) -> std::result::Result<(), String> {
        let parent = dir.parent().unwrap_or(Path::new("."));
        let name = dir.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let tmp = parent.join(format!("{name}.tmp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp).map_err(|e| format!("creating {}: {e}", tmp.display()))?;
        let result = (|| {
            let files = self.clusterer.save(&tmp)?;
            let mut sums = Vec::new();
            for f in files {
                let sum = checksum(&f).map_err(|e| format!("reading {}: {e}", f.display()))?;
                let fname = f.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
                sums.push((fname, sum));
            }
            let manifest = Manifest {
                format: MANIFEST_FORMAT,
                identity: identity.clone(),
                marker: self.marker,
                centering: self.centering.clone(),
                files: sums,
            };
            let json = serde_json::to_vec(&manifest).map_err(|e| e.to_string())?;
            std::fs::write(tmp.join(MANIFEST), json).map_err(|e| format!("writing the manifest: {e}"))?;
            let old = parent.join(format!("{name}.old-{}", std::process::id()));
            if dir.exists() {
                std::fs::rename(dir, &old).map_err(|e| format!("moving {} aside: {e}", dir.display()))?;
            }
            std::fs::rename(&tmp, dir).map_err(|e| format!("renaming {}: {e}", tmp.display()))?;
            let _ = std::fs::remove_dir_all(&old);
            Ok(())
        })();
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&tmp);
        }
        if result.is_ok() {
            self.unsaved = 0;
        }
        result
    }

    /// Reads the index files in `dir` when they were made from this store with these
    /// parameters and are intact; `Ok(None)` when they are missing or do not match (the
    /// caller rebuilds), with the reason.
    pub fn load(p: &Pipeline, dir: &Path, identity: &Identity, store_marker: &WriteMarker) -> std::result::Result<StoryState, String> {
        let text = std::fs::read(dir.join(MANIFEST)).map_err(|e| format!("no index files ({e})"))?;
        let m: Manifest = serde_json::from_slice(&text).map_err(|e| format!("unreadable manifest: {e}"))?;
        if m.format != MANIFEST_FORMAT {
            return Err(format!("index files of format {}, this build uses {MANIFEST_FORMAT}", m.format));
        }
        if &m.identity != identity {
            return Err("index files made for another store, feature format, model or parameters".into());
        }
        if m.marker.epoch != store_marker.epoch || m.marker.seq > store_marker.seq || m.marker.max_rowid > store_marker.max_rowid {
            return Err("index files do not match the store's writes (stories rebuilt since)".into());
        }
        for (name, sum) in &m.files {
            let path = dir.join(name);
            let now = checksum(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            if &now != sum {
                return Err(format!("{} is damaged or was replaced", path.display()));
            }
        }
        // hnsw_rs asserts on what it reads; the checksums rule damage out, and a panic that
        // still happens (a bug) must cost a rebuild, not the process.
        let dir_owned = dir.to_path_buf();
        let (cc, sc) = (p.config.cluster.clone(), p.config.similarity.clone());
        let clusterer = std::panic::catch_unwind(move || OnlineClusterer::load(&dir_owned, cc, sc))
            .map_err(|_| "the index files could not be read (loader panicked)".to_string())??;
        let (position, members) = Self::index_members(&clusterer);
        Ok(StoryState { clusterer, position, members, centering: m.centering, marker: m.marker, unsaved: 0, digests: DigestCache::default() })
    }
}
