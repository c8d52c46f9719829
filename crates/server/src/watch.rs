//! `--watch`: polls folders and feed files, and ingests what is new or changed.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use storyweave_engine::{Engine, Skip, StorySink, Warning};

/// What a watched file looked like when last read.
pub type Seen = HashMap<PathBuf, (SystemTime, u64)>;

/// Logs what the watcher skips, as JSON lines like the request log.
struct Log;

impl StorySink for Log {
    fn on_skip(&mut self, s: &Skip) {
        eprintln!("{}", serde_json::json!({"watch": "skipped", "origin": s.origin.to_string(), "reason": s.reason}));
    }
    fn on_warning(&mut self, w: &Warning) {
        eprintln!("{}", serde_json::json!({"watch": "warning", "origin": w.origin.to_string(), "message": w.message}));
    }
}

/// One poll: ingests every watched file that is new or changed since `seen` (which it
/// updates). A feed file that grows is read again whole; its items already stored are
/// recognised by id and skipped as duplicates. Returns the number of articles added.
pub fn watch_once(engine: &Engine, paths: &[PathBuf], seen: &mut Seen) -> usize {
    let mut changed = Vec::new();
    for item in storyweave_ingest::list_inputs(paths) {
        let Ok(path) = item else { continue };
        let Ok(meta) = std::fs::metadata(&path) else { continue };
        let stamp = (meta.modified().unwrap_or(SystemTime::UNIX_EPOCH), meta.len());
        if seen.get(&path) != Some(&stamp) {
            changed.push((path, stamp));
        }
    }
    if changed.is_empty() {
        return 0;
    }
    let files: Vec<PathBuf> = changed.iter().map(|(p, _)| p.clone()).collect();
    match engine.ingest_paths(&files, &mut Log) {
        Ok(report) => {
            for (p, stamp) in changed {
                seen.insert(p, stamp);
            }
            if report.added > 0 {
                eprintln!("{}", serde_json::json!({"watch": "ingested", "files": files.len(), "added": report.added, "new_stories": report.new_stories}));
            }
            report.added
        }
        Err(e) => {
            // The files stay unseen and are tried again at the next poll.
            eprintln!("{}", serde_json::json!({"watch": "failed", "reason": e.to_string()}));
            0
        }
    }
}

/// Polls `paths` every `interval` until `stop` is set; a batch in flight is finished first.
pub(crate) fn spawn(engine: Arc<Engine>, paths: Vec<PathBuf>, interval: Duration, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut seen = Seen::new();
        while !stop.load(Ordering::SeqCst) {
            watch_once(&engine, &paths, &mut seen);
            let mut waited = Duration::ZERO;
            while waited < interval && !stop.load(Ordering::SeqCst) {
                let step = Duration::from_millis(200);
                std::thread::sleep(step);
                waited += step;
            }
        }
    })
}
