//! The HTTP API: handlers, their OpenAPI description (generated from these very routes), and
//! the shared state.

use crate::error::{ApiError, ApiResult, ErrorBody};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Json;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Instant;
use storyweave_engine::{ArticleView, Engine, IngestReport, LoadInfo, SearchHit, SearchQuery, Skip, StoryEvent, StorySink, StoryView, Warning};
use storyweave_model::{ArticleId, CleanArticle, Lang, StoryId};
use storyweave_store::{Cursor, StoryQuery, StorySort};
use tokio::sync::broadcast;
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The engine.
    pub engine: Arc<Engine>,
    /// Story events for `/api/events`.
    pub events: broadcast::Sender<StoryEvent>,
    /// The write token, if writes need one.
    pub token: Option<Arc<str>>,
    /// When the server started.
    pub started: Instant,
}

/// Runs blocking engine work off the async threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> ApiResult<T> + Send + 'static) -> ApiResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("the request's worker failed: {e}")))?
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "storyweave",
        description = "Cross-lingual news stories: ingest articles, list and search stories, follow them live. Errors are JSON `{\"error\":{\"status\",\"kind\",\"message\"}}`. Writes need `Authorization: Bearer TOKEN` when the server has a token."
    ),
    components(schemas(ErrorBody, StoryEvent))
)]
struct ApiDoc;

/// The API router and its OpenAPI document, built from the same route list.
pub fn router(state: AppState) -> (axum::Router, utoipa::openapi::OpenApi) {
    let (router, api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(post_articles))
        .routes(routes!(list_stories))
        .routes(routes!(get_story))
        .routes(routes!(get_article))
        .routes(routes!(search))
        .routes(routes!(events))
        .routes(routes!(health))
        .with_state(state)
        .split_for_parts();
    (router, api)
}

/// An article's id and its story, in answers to writes.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StoredArticle {
    /// The article.
    pub id: ArticleId,
    /// Its story (after every merge of the batch).
    pub story: Option<StoryId>,
}

/// The answer to `POST /api/articles`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PostReport {
    /// Articles stored now, with their stories.
    pub stored: Vec<StoredArticle>,
    /// Articles that were already stored (same id), with their stories.
    pub duplicates: Vec<StoredArticle>,
    /// Records skipped, each with its line and reason.
    pub skipped: Vec<Skip>,
    /// Records kept with a warning.
    pub warnings: Vec<Warning>,
    /// Stories opened.
    pub new_stories: usize,
    /// Stories that gained articles.
    pub extended_stories: usize,
    /// Stories merged into others.
    pub merged_stories: usize,
}

/// Collects the ids of a POST's articles.
#[derive(Default)]
struct Collect {
    stored: Vec<ArticleId>,
    duplicates: Vec<ArticleId>,
}

impl StorySink for Collect {
    fn on_assign(&mut self, article: &CleanArticle, _: &storyweave_engine::Assignment) {
        self.stored.push(article.id.clone());
    }
    fn on_duplicate(&mut self, article: &CleanArticle) {
        self.duplicates.push(article.id.clone());
    }
}

/// Checks the write token, in constant time (a timing difference must not leak it).
fn authorize(state: &AppState, headers: &HeaderMap) -> ApiResult<()> {
    let Some(token) = state.token.as_deref() else { return Ok(()) };
    let given = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "this server needs a token for writes: send `Authorization: Bearer TOKEN`"))?;
    let (a, b) = (given.as_bytes(), token.as_bytes());
    let same = a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0;
    if !same {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "wrong token"));
    }
    Ok(())
}

/// Name of a POST body in skip reports.
const POST_ORIGIN: &str = "POST /api/articles";

/// Reads a POST body: one JSON article, a JSON array of articles, or JSON lines.
fn records(body: &[u8], max_bytes: u64) -> ApiResult<Vec<Result<storyweave_model::RawArticle, storyweave_ingest::RecordError>>> {
    let text = std::str::from_utf8(body).map_err(|e| ApiError::bad_request(format!("the body is not UTF-8: {e}")))?;
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(ApiError::bad_request("the body is empty: send one JSON article, a JSON array of articles, or JSON lines"));
    }
    // A single (possibly pretty-printed) JSON value: one article or an array of them.
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
        let origin = |item: Option<usize>| storyweave_model::Origin { file: POST_ORIGIN.into(), line: None, item, html: false };
        return match value {
            serde_json::Value::Array(items) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, v)| storyweave_ingest::parse_record(v, origin(Some(i + 1))))
                .collect()),
            v @ serde_json::Value::Object(_) => Ok(vec![storyweave_ingest::parse_record(&v, origin(None))]),
            _ => Err(ApiError::bad_request("the body must be a JSON object (one article), an array of them, or JSON lines")),
        };
    }
    if !trimmed.starts_with('{') {
        return Err(ApiError::bad_request("the body is not JSON: send one JSON article, a JSON array of articles, or JSON lines"));
    }
    let opts = storyweave_ingest::ReadOptions { max_bytes };
    Ok(storyweave_ingest::read_jsonl(body, POST_ORIGIN, &opts).collect())
}

/// Ingest articles.
///
/// The body is one JSON article `{"id"?,"url"?,"title"?,"text"|"html","lang"?,"published"?,"source"?}`,
/// a JSON array of them, or JSON lines of them. Each record is validated as `storyweave ingest`
/// does; a bad record is skipped with its line and reason and never stops the others.
#[utoipa::path(
    post,
    path = "/api/articles",
    tag = "articles",
    request_body(content = String, description = "One JSON article, a JSON array, or JSON lines", content_type = "application/json"),
    responses(
        (status = 200, description = "At least one record was stored or already stored; skipped ones are listed", body = PostReport),
        (status = 400, description = "The body is empty or not JSON", body = ErrorBody),
        (status = 401, description = "Missing or wrong token", body = ErrorBody),
        (status = 413, description = "The body is larger than the server's limit", body = ErrorBody),
        (status = 422, description = "Every record was skipped (the report says why)", body = PostReport),
        (status = 503, description = "The store is busy or read-only", body = ErrorBody),
    ),
    security(("token" = []))
)]
async fn post_articles(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> ApiResult<(StatusCode, Json<PostReport>)> {
    authorize(&state, &headers)?;
    let engine = state.engine.clone();
    blocking(move || {
        let recs = records(&body, engine.pipeline().config().input.max_bytes)?;
        let mut sink = Collect::default();
        let report: IngestReport = engine.ingest_stream(recs.into_iter(), &mut sink)?;
        let with_story = |ids: Vec<ArticleId>| -> ApiResult<Vec<StoredArticle>> {
            engine
                .read(|r| ids.into_iter().map(|id| Ok(StoredArticle { story: r.story_of(&id)?, id })).collect())
                .map_err(ApiError::from)
        };
        let stored = with_story(sink.stored)?;
        let duplicates = with_story(sink.duplicates)?;
        let status = if stored.is_empty() && duplicates.is_empty() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
        Ok((
            status,
            Json(PostReport {
                stored,
                duplicates,
                skipped: report.skipped,
                warnings: report.warnings,
                new_stories: report.new_stories,
                extended_stories: report.extended_stories,
                merged_stories: report.merged_stories,
            }),
        ))
    })
    .await
}

/// Filters and paging of the story list.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ListParams {
    /// Only stories with an article in this language (ISO code).
    pub lang: Option<String>,
    /// Only stories with an article published at or after this time (RFC 3339 or YYYY-MM-DD).
    pub since: Option<String>,
    /// Only stories with an article published at or before this time.
    pub until: Option<String>,
    /// Only stories naming this entity, in any script.
    pub entity: Option<String>,
    /// Only stories with an article from this source.
    pub source: Option<String>,
    /// Only stories with at least this many articles.
    pub min_articles: Option<usize>,
    /// `updated` (default: most recently changed first) or `size` (largest first).
    pub sort: Option<String>,
    /// Stories per page (default 50, at most 500).
    pub limit: Option<usize>,
    /// Continue from the `next` cursor of the previous page.
    pub cursor: Option<String>,
}

/// One story in a list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StoryItem {
    /// Story id.
    pub id: StoryId,
    /// Headline.
    pub headline: String,
    /// Number of articles.
    pub article_count: usize,
    /// Languages of its articles.
    pub languages: Vec<Lang>,
    /// Earliest publication.
    pub first_published: Option<chrono::DateTime<chrono::Utc>>,
    /// Latest publication.
    pub last_published: Option<chrono::DateTime<chrono::Utc>>,
    /// When the story last changed.
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// Its most frequent names.
    pub top_entities: Vec<String>,
}

/// A page of stories.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StoryList {
    /// The stories.
    pub stories: Vec<StoryItem>,
    /// Cursor of the next page; absent on the last.
    pub next: Option<String>,
}

/// Default page size of the story list.
const DEFAULT_PAGE: usize = 50;

fn time_param(name: &str, v: Option<&str>) -> ApiResult<Option<chrono::DateTime<chrono::Utc>>> {
    v.map(|s| storyweave_ingest::parse_date(s).ok_or_else(|| ApiError::bad_request(format!("`{name}={s}`: expected RFC 3339 or YYYY-MM-DD"))))
        .transpose()
}

/// List stories.
#[utoipa::path(
    get,
    path = "/api/stories",
    tag = "stories",
    params(ListParams),
    responses(
        (status = 200, description = "A page of stories", body = StoryList),
        (status = 400, description = "A filter or cursor is malformed", body = ErrorBody),
    )
)]
async fn list_stories(State(state): State<AppState>, Query(p): Query<ListParams>) -> ApiResult<Json<StoryList>> {
    let sort = match p.sort.as_deref() {
        None | Some("updated") => StorySort::Updated,
        Some("size") => StorySort::Size,
        Some(other) => return Err(ApiError::bad_request(format!("`sort={other}`: use `updated` or `size`"))),
    };
    let entity_token = match p.entity.as_deref() {
        Some(e) => Some(storyweave_engine::entity_token(e).ok_or_else(|| ApiError::bad_request(format!("`entity={e}` is not a name")))?),
        None => None,
    };
    let query = StoryQuery {
        lang: p.lang,
        since: time_param("since", p.since.as_deref())?,
        until: time_param("until", p.until.as_deref())?,
        entity_token,
        source: p.source,
        min_articles: p.min_articles.unwrap_or(1),
        sort,
        limit: p.limit.unwrap_or(DEFAULT_PAGE).clamp(1, storyweave_store::MAX_PAGE),
        cursor: p.cursor.as_deref().map(Cursor::parse).transpose().map_err(|e| ApiError::bad_request(e.to_string()))?,
    };
    let engine = state.engine.clone();
    blocking(move || {
        let page = engine.stories(&query)?;
        Ok(Json(StoryList {
            stories: page
                .stories
                .into_iter()
                .map(|l| StoryItem {
                    id: l.story.id,
                    headline: l.story.headline,
                    article_count: l.article_count,
                    languages: l.story.languages,
                    first_published: l.story.first_published,
                    last_published: l.story.last_published,
                    updated_at: l.updated_at,
                    top_entities: l.story.top_entities,
                })
                .collect(),
            next: page.next.map(|c| c.to_token()),
        }))
    })
    .await
}

/// Parameters of one story.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct StoryParams {
    /// The reader's language (ISO 639 code such as `en`): the headline and summary are in it,
    /// else in the closest language the story has (`comparison.fallback_note` says so).
    pub lang: Option<String>,
    /// `false` leaves out the comparison (headline, summary, provenance, what each adds).
    pub compare: Option<bool>,
}

/// A language code as a reader gives it: 2 to 3 letters, optionally with a region or script
/// (`pt-BR`, `sr-Latn`).
fn reader_lang(code: &str) -> std::result::Result<storyweave_model::Lang, ApiError> {
    let mut parts = code.split(['-', '_']);
    let base = parts.next().unwrap_or_default();
    let ok = (2..=3).contains(&base.len())
        && base.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if !ok {
        return Err(ApiError::bad_request(format!("`lang`: `{code}` is not a language code such as `en` or `pt-BR`")));
    }
    Ok(storyweave_model::Lang::new(&base.to_ascii_lowercase()))
}

/// One story.
#[utoipa::path(
    get,
    path = "/api/stories/{id}",
    tag = "stories",
    params(("id" = String, Path, description = "Story id: `s12` or `12`"), StoryParams),
    responses(
        (status = 200, description = "The story: articles grouped by language, relations with evidence, relation groups, timeline, and the comparison inside it (headline and summary in the reader's language, provenance, what each source adds)", body = StoryView),
        (status = 400, description = "Not a story id", body = ErrorBody),
        (status = 404, description = "No such story", body = ErrorBody),
    )
)]
async fn get_story(State(state): State<AppState>, Path(id): Path<String>, Query(p): Query<StoryParams>) -> ApiResult<Json<StoryView>> {
    let sid = storyweave_engine::views::parse_story_id(&id)?;
    let lang = p.lang.as_deref().filter(|l| !l.is_empty()).map(reader_lang).transpose()?;
    let engine = state.engine.clone();
    if p.compare == Some(false) {
        return blocking(move || Ok(Json(engine.story(sid)?))).await;
    }
    blocking(move || Ok(Json(engine.story_compared(sid, lang)?))).await
}

/// One article, in full.
#[utoipa::path(
    get,
    path = "/api/articles/{id}",
    tag = "articles",
    params(("id" = String, Path, description = "Article id")),
    responses(
        (status = 200, description = "The article with its story", body = ArticleView),
        (status = 404, description = "No such article", body = ErrorBody),
    )
)]
async fn get_article(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<ArticleView>> {
    let engine = state.engine.clone();
    blocking(move || Ok(Json(engine.article(&ArticleId(id))?))).await
}

/// Search parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct SearchParams {
    /// The query, in any language or script.
    pub q: String,
    /// Only articles in this language.
    pub lang: Option<String>,
    /// Only articles published at or after this time.
    pub since: Option<String>,
    /// Only articles published at or before this time.
    pub until: Option<String>,
    /// Only stories naming this entity.
    pub entity: Option<String>,
    /// Only articles from this source.
    pub source: Option<String>,
    /// At most this many stories (default 10, at most 100).
    pub limit: Option<usize>,
}

/// Search results.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SearchResults {
    /// Stories best first, each with its matching articles.
    pub hits: Vec<SearchHit>,
}

/// Search stories across languages.
#[utoipa::path(
    get,
    path = "/api/search",
    tag = "stories",
    params(SearchParams),
    responses(
        (status = 200, description = "Stories best first", body = SearchResults),
        (status = 400, description = "Empty or too long query, or a malformed filter", body = ErrorBody),
    )
)]
async fn search(State(state): State<AppState>, Query(p): Query<SearchParams>) -> ApiResult<Json<SearchResults>> {
    let q = SearchQuery {
        text: p.q,
        lang: p.lang,
        since: time_param("since", p.since.as_deref())?,
        until: time_param("until", p.until.as_deref())?,
        entity: p.entity,
        source: p.source,
        limit: p.limit,
    };
    let engine = state.engine.clone();
    blocking(move || Ok(Json(SearchResults { hits: engine.search(&q)? }))).await
}

/// Live story events (server-sent events).
///
/// Each event is named `created`, `extended` or `merged` and carries the JSON of a story
/// event. A client that falls behind gets a `lagged` event and should reload the list.
#[utoipa::path(
    get,
    path = "/api/events",
    tag = "stories",
    responses((status = 200, description = "An event stream", content_type = "text/event-stream", body = StoryEvent))
)]
async fn events(State(state): State<AppState>) -> Sse<impl tokio_stream::Stream<Item = Result<Event, std::convert::Infallible>>> {
    use tokio_stream::wrappers::BroadcastStream;
    use tokio_stream::StreamExt;
    let stream = BroadcastStream::new(state.events.subscribe()).map(|item| {
        Ok(match item {
            Ok(e) => {
                let name = match &e {
                    StoryEvent::Created { .. } => "created",
                    StoryEvent::Extended { .. } => "extended",
                    StoryEvent::Merged { .. } => "merged",
                };
                Event::default().event(name).json_data(&e).unwrap_or_else(|_| Event::default().event("lagged"))
            }
            Err(_) => Event::default().event("lagged").data("reload"),
        })
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Health and state of the server.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// storyweave's version.
    pub version: String,
    /// Articles stored.
    pub articles: u64,
    /// The encoder's id, when a model is loaded.
    pub model: Option<String>,
    /// Languages the bilingual lexicon (`--lexicon`) translates search queries between;
    /// empty without one.
    pub lexicon: Vec<String>,
    /// How the story state was loaded.
    pub state: LoadInfo,
    /// Seconds since start.
    pub uptime_seconds: f64,
}

/// Health.
#[utoipa::path(
    get,
    path = "/api/health",
    tag = "server",
    responses((status = 200, description = "The server is up", body = Health))
)]
async fn health(State(state): State<AppState>) -> ApiResult<Json<Health>> {
    let engine = state.engine.clone();
    let uptime = state.started.elapsed().as_secs_f64();
    blocking(move || {
        let articles = engine.read(|r| Ok(r.article_count()?))?;
        Ok(Json(Health {
            status: "ok".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            articles,
            model: engine.pipeline().encoder().map(|e| e.id().to_string()),
            lexicon: engine.pipeline().translator().map(|t| t.languages().iter().map(|l| l.as_str().to_string()).collect()).unwrap_or_default(),
            state: engine.load_info(),
            uptime_seconds: uptime,
        }))
    })
    .await
}

/// Declares the bearer token used by writes in the OpenAPI document.
pub fn add_security(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme("token", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
}
