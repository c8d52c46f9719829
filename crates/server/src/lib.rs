//! `storyweave serve`: the HTTP API, a live event feed and the web page, over one long-lived
//! engine.
//!
//! ```no_run
//! use std::sync::Arc;
//! use storyweave_engine::{Config, Engine, Pipeline};
//! use storyweave_server::{serve, ServeOptions};
//! let engine = Arc::new(Engine::open("news.db".as_ref(), Pipeline::new(Config::default()))?);
//! serve(engine, ServeOptions::default())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Safe by default: it binds 127.0.0.1; bound to any other address it refuses to start
//! without a write token; bodies, queries and pages are bounded; every error is JSON; writes
//! are serialised by the engine and reads never see half a batch. On Ctrl-C or SIGTERM it
//! stops taking requests, finishes those in flight (a batch being ingested included), stops
//! the watcher after its batch, and writes the index files.
#![warn(missing_docs)]

pub mod api;
pub mod error;
mod watch;
mod web;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use storyweave_engine::Engine;

pub use watch::watch_once;

/// Largest request body by default: enough for a few thousand articles of JSON lines at a
/// time; larger imports belong to `storyweave ingest`, which streams.
pub const DEFAULT_MAX_BODY: usize = 64 * 1024 * 1024;
/// Longest query string: a search query is at most 1,000 characters, which percent-encoding
/// can make several times longer; nothing legitimate comes near 8 KiB.
pub const MAX_QUERY_BYTES: usize = 8 * 1024;
/// How often the index files are written while articles arrive (and on shutdown).
const SAVE_INTERVAL: Duration = Duration::from_secs(300);
/// Unsaved articles that make the index files be written sooner than `SAVE_INTERVAL`.
const SAVE_AFTER: usize = 2_000;
/// Events kept for slow `/api/events` clients before they are told they lagged.
const EVENT_BUFFER: usize = 4096;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Address to bind.
    pub addr: SocketAddr,
    /// Token that writes must carry (`Authorization: Bearer TOKEN`).
    pub token: Option<String>,
    /// Folders and feed files to poll for new articles.
    pub watch: Vec<PathBuf>,
    /// How often they are polled.
    pub watch_interval: Duration,
    /// Largest request body in bytes.
    pub max_body: usize,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            token: None,
            watch: Vec::new(),
            watch_interval: Duration::from_secs(10),
            max_body: DEFAULT_MAX_BODY,
        }
    }
}

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Bound beyond loopback without a token: anyone on the network could write.
    #[error("refusing to serve on {0} without a write token: give --token TOKEN (or STORYWEAVE_TOKEN), or bind 127.0.0.1")]
    OpenWithoutToken(SocketAddr),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {reason}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        reason: String,
    },
    /// The runtime failed.
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
    /// The engine failed to start.
    #[error(transparent)]
    Engine(#[from] storyweave_engine::EngineError),
}

/// Checks the options before anything is bound.
pub fn check(opts: &ServeOptions) -> Result<(), ServeError> {
    if !opts.addr.ip().is_loopback() && opts.token.as_deref().is_none_or(str::is_empty) {
        return Err(ServeError::OpenWithoutToken(opts.addr));
    }
    Ok(())
}

/// The whole application: API, OpenAPI document, web page, limits and request log.
pub fn app(engine: Arc<Engine>, token: Option<String>, max_body: usize) -> (axum::Router, broadcast_handle::Events) {
    let (tx, _) = tokio::sync::broadcast::channel(EVENT_BUFFER);
    let sender = tx.clone();
    engine.subscribe(Arc::new(move |e: &storyweave_engine::StoryEvent| {
        // No receiver is not an error: nobody is watching.
        let _ = sender.send(e.clone());
    }));
    let state = api::AppState { engine, events: tx.clone(), token: token.filter(|t| !t.is_empty()).map(Arc::from), started: Instant::now() };
    let (api_router, mut doc) = api::router(state);
    api::add_security(&mut doc);
    let doc_json = Arc::new(doc.to_pretty_json().unwrap_or_else(|_| "{}".into()));
    let router = api_router
        .route(
            "/api/openapi.json",
            axum::routing::get(move || {
                let doc = doc_json.clone();
                async move { ([(axum::http::header::CONTENT_TYPE, "application/json")], doc.as_str().to_owned()) }
            }),
        )
        .merge(web::router())
        .fallback(|| async { error::ApiError::new(StatusCode::NOT_FOUND, "no such route; the API is described at /api/openapi.json") })
        .layer(axum::extract::DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn(limit_query))
        .layer(axum::middleware::from_fn(log_request));
    (router, broadcast_handle::Events(tx))
}

/// Holds the event channel alive for the server's lifetime.
pub mod broadcast_handle {
    /// The story event channel of a running app.
    pub struct Events(pub tokio::sync::broadcast::Sender<storyweave_engine::StoryEvent>);
}

/// Refuses over-long query strings with a JSON error.
async fn limit_query(req: Request, next: Next) -> Response {
    if req.uri().query().is_some_and(|q| q.len() > MAX_QUERY_BYTES) {
        return error::ApiError::new(StatusCode::URI_TOO_LONG, format!("the query string is longer than {MAX_QUERY_BYTES} bytes")).into_response();
    }
    next.run(req).await
}

/// One structured log line per request, on stderr.
async fn log_request(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let res = next.run(req).await;
    let line = serde_json::json!({
        "ts": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "method": method,
        "path": path,
        "status": res.status().as_u16(),
        "ms": (start.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0,
    });
    eprintln!("{line}");
    res
}

/// Serves until Ctrl-C or SIGTERM (blocking; builds its own runtime).
pub fn serve(engine: Arc<Engine>, opts: ServeOptions) -> Result<(), ServeError> {
    check(&opts)?;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(opts.addr)
            .await
            .map_err(|e| ServeError::Bind { addr: opts.addr, reason: e.to_string() })?;
        let local = listener.local_addr()?;
        let (router, _events) = app(engine.clone(), opts.token.clone(), opts.max_body);
        // The state is loaded in the background: reads are answered at once; the first write
        // waits for it.
        let warm = engine.clone();
        tokio::task::spawn_blocking(move || {
            if let Err(e) = warm.warm_up() {
                eprintln!("storyweave: could not load the story state: {e}");
            }
        });
        let stop = Arc::new(AtomicBool::new(false));
        let watcher = (!opts.watch.is_empty()).then(|| watch::spawn(engine.clone(), opts.watch.clone(), opts.watch_interval, stop.clone()));
        let saver = spawn_saver(engine.clone(), stop.clone());
        eprintln!("storyweave: serving on http://{local}/ (API at /api, description at /api/openapi.json)");
        axum::serve(listener, router).with_graceful_shutdown(shutdown_signal()).await?;
        stop.store(true, Ordering::SeqCst);
        for h in [watcher, Some(saver)].into_iter().flatten() {
            let _ = tokio::task::spawn_blocking(move || h.join()).await;
        }
        eprintln!("storyweave: stopped; writing the index files");
        engine.save_index()?;
        Ok(())
    })
}

/// Writes the index files now and then while articles arrive.
fn spawn_saver(engine: Arc<Engine>, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut last = Instant::now();
        while !stop.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(500));
            let unsaved = engine.unsaved();
            if unsaved >= SAVE_AFTER || (unsaved > 0 && last.elapsed() >= SAVE_INTERVAL) {
                if let Err(e) = engine.save_index() {
                    eprintln!("storyweave: warning: could not write the index files: {e}");
                }
                last = Instant::now();
            }
        }
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
