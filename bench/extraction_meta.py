#!/usr/bin/env python3
"""Metadata recovered by storyweave's HTML extractor on the extraction dev pages.

    bench/.venv/bin/python bench/extraction_meta.py [--data DIR] [--meta FILE.jsonl] [--list KIND]

For each page it decides, from the page's own markup and independently of storyweave's
code (lxml + json here), whether the page *declares* a source, a URL and a publication date,
and whether storyweave recovered the declared value:

- source: declared when the page names its site or publisher in `og:site_name`,
  `application-name` / `apple-mobile-web-app-title`, `publisher` / `dc.publisher` meta, or a
  JSON-LD `publisher` name, `WebSite` or `Organization` name. Recovered when storyweave's
  source equals one of these names (case and spacing aside) or one part of one between
  " | ", " - ", " – ", " — ", " · " (a name given with a slogan).
- url: declared by `<link rel=canonical href>` or `og:url` (resolved against the page's URL
  in cases.dev.jsonl, http(s) only). Recovered when storyweave's url equals one of them
  (fragment, percent-encoding and a trailing slash aside).
- published: declared by a JSON-LD `datePublished` (`uploadDate` for videos), a publication-date `<meta>` (the keys
  below), an `itemprop=datePublished` element, or a `<time datetime>`, when one of them holds
  a full date. Recovered when storyweave's date (its first 10 characters, the date as the
  page writes it) equals the date of one of them.

The sample read by hand (`extraction_bylines.tsv`, made by --new-sample) gives byline
precision: of the pages where storyweave gave a byline, the share whose byline names the
article's authors only (no date, site name, commenter, photographer, teaser's author or
repeated name); and, for pages that declare no date in markup, the share whose date (from the
URL or the text) is the publication date. Rows whose output changed since they were read are
reported as stale.

storyweave's metadata comes from `eval_extraction --meta` (built and run here unless
--meta names a file already made).
"""
from __future__ import annotations

import argparse
import csv
import email.utils
import hashlib
import json
import re
import subprocess
import sys
import tarfile
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import lxml.html

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SAMPLE = HERE / "extraction_bylines.tsv"
SAMPLE_BYLINES = 40
SAMPLE_DATES = 20

DATE_META = [
    "article:published_time", "datepublished", "og:published_time", "og:article:published_time",
    "publishdate", "publish-date", "publish_date", "pubdate", "article.published",
    "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.issued", "dc.date",
    "dcterms.date", "dcterms.created", "date", "citation_publication_date",
    "originalpublicationdate", "uploaddate",
]
SITE_META = ["og:site_name", "application-name", "apple-mobile-web-app-title", "publisher",
             "dc.publisher", "dcterms.publisher"]


def norm(s: str) -> str:
    return " ".join(s.split()).casefold()


def parse_date(s: str) -> str | None:
    """The date (YYYY-MM-DD) of a markup date value, if it holds a full one."""
    s = s.strip()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", s)
    if m:
        return valid(*map(int, m.groups()))
    m = re.match(r"(\d{4})(\d{2})(\d{2})(?!\d)", s)
    if m:
        return valid(*map(int, m.groups()))
    m = re.search(r"(?<!\d)(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?!\d)", s)
    if m:
        d, mo, y = map(int, m.groups())
        return valid(y, mo, d)
    try:
        return email.utils.parsedate_to_datetime(s).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def valid(y: int, m: int, d: int) -> str | None:
    try:
        return datetime(y, m, d).date().isoformat() if 1900 <= y <= 2100 else None
    except ValueError:
        return None


def ld_nodes(doc) -> list[dict]:
    out: list[dict] = []

    def walk(v, depth=0):
        if depth > 8:
            return
        if isinstance(v, list):
            for x in v:
                walk(x, depth + 1)
        elif isinstance(v, dict):
            out.append(v)
            for k in ("@graph", "mainEntity", "mainEntityOfPage"):
                if k in v:
                    walk(v[k], depth + 1)

    for s in doc.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            walk(json.loads(s))
        except (ValueError, RecursionError):
            pass
    return out


def types(n: dict) -> list[str]:
    t = n.get("@type", [])
    return [t] if isinstance(t, str) else [x for x in t if isinstance(x, str)]


def declared(html: bytes, page_url: str) -> dict:
    """What the page's markup declares: site names, URLs, dates."""
    try:
        # Valid UTF-8 is read as such (lxml alone falls back to Latin-1 on pages that do not
        # declare a charset); anything else is left to lxml's own detection.
        try:
            doc = lxml.html.fromstring(html.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            doc = lxml.html.fromstring(html)
    except Exception:  # noqa: BLE001 (lxml raises several kinds on broken input)
        return {"sites": [], "urls": [], "dates": []}
    metas: dict[str, list[str]] = {}
    for m in doc.iter("meta"):
        k = (m.get("property") or m.get("name") or m.get("itemprop") or "").strip().lower()
        if k and (m.get("content") or "").strip():
            metas.setdefault(k, []).append(m.get("content"))
    nodes = ld_nodes(doc)
    ids = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}

    def names(v) -> list[str]:
        if isinstance(v, str):
            return [v] if v.strip() and not v.startswith("http") else []
        if isinstance(v, list):
            return [x for y in v for x in names(y)]
        if isinstance(v, dict):
            if "name" not in v and isinstance(v.get("@id"), str):
                v = ids.get(v["@id"], v)
            n = v.get("name")
            return [n] if isinstance(n, str) and n.strip() else []
        return []

    sites = [v for k in SITE_META for v in metas.get(k, [])]
    for n in nodes:
        sites += names(n.get("publisher"))
        if set(types(n)) & {"WebSite", "Organization", "NewsMediaOrganization"}:
            sites += names(n.get("name"))
    sites = [s for s in (" ".join(x.split()) for x in sites) if s]

    urls = []
    for href in doc.xpath('//link[@rel="canonical"]/@href') + metas.get("og:url", []):
        u = urljoin(page_url, href.strip())
        if urlsplit(u).scheme in ("http", "https"):
            urls.append(u)

    raw_dates = [n[k] for n in nodes for k in ("datePublished", "uploadDate") if isinstance(n.get(k), str)]
    raw_dates += [v for k in DATE_META for v in metas.get(k, [])]
    for el in doc.xpath('//*[@itemprop="datePublished"]'):
        raw_dates.append(el.get("datetime") or el.get("content") or el.text_content())
    raw_dates += doc.xpath("//time/@datetime")
    dates = sorted({d for d in map(parse_date, raw_dates) if d})
    return {"sites": sites, "urls": urls, "dates": dates}


def url_key(u: str) -> str:
    p = urlsplit(unquote(u.strip()))
    return urlunsplit((p.scheme.lower(), p.netloc.lower(), p.path.rstrip("/"), p.query, ""))


def site_parts(name: str) -> set[str]:
    parts = {norm(name)}
    for p in re.split(r" \| | - | – | — | · |\|", name):
        if p.strip():
            parts.add(norm(p))
    return parts


def run_extractor(data: Path, out: Path) -> None:
    pages = out.parent / "extraction"
    if not (pages / "pages").is_dir():
        pages.mkdir(parents=True, exist_ok=True)
        with tarfile.open(data / "extraction" / "pages.dev.tar.gz") as tar:
            tar.extractall(pages, filter="data")
    cmd = ["cargo", "run", "-q", "--release", "-p", "storyweave-extract", "--example",
           "eval_extraction", "--", str(data / "extraction"), "--pages-dir", str(pages),
           "--meta", str(out)]
    subprocess.run(cmd, cwd=REPO, check=True, stdout=sys.stderr)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--meta", type=Path, help="eval_extraction --meta output (made when absent)")
    ap.add_argument("--list", choices=["source", "url", "published"],
                    help="print the pages that declare KIND and were not recovered")
    ap.add_argument("--new-sample", action="store_true",
                    help="print a fresh sample to read by hand (TSV, verdicts empty): the first "
                         f"{SAMPLE_BYLINES} pages with a byline and the first {SAMPLE_DATES} pages "
                         "dated without markup, both in SHA-1 order of the file name")
    args = ap.parse_args()
    meta_path = args.meta or HERE / "out" / "extraction-meta.jsonl"
    if args.meta is None:
        meta_path.parent.mkdir(parents=True, exist_ok=True)
        run_extractor(args.data, meta_path)
    got = {r["file"]: r for r in map(json.loads, meta_path.read_text().splitlines())}
    pages_root = meta_path.parent / "extraction"
    if not (pages_root / "pages").is_dir():
        pages_root = Path(args.data) / "extraction"
    cases = [json.loads(line) for line in (args.data / "extraction" / "cases.dev.jsonl").open()]
    tar = None
    if not (pages_root / "pages").is_dir():
        tar = tarfile.open(args.data / "extraction" / "pages.dev.tar.gz")
    n = len(cases)
    counts = {k: [0, 0] for k in ("source", "url", "published")}
    any_value = {k: 0 for k in ("source", "url", "published", "byline")}
    undeclared_dates = [0, 0]
    undated_files = set()
    misses: dict[str, list[str]] = {k: [] for k in counts}
    for c in cases:
        html = (tar.extractfile(c["file"]).read() if tar else (pages_root / c["file"]).read_bytes())
        d = declared(html, c["url"])
        r = got.get(c["file"], {})
        for k in any_value:
            any_value[k] += bool(r.get(k))
        if d["sites"]:
            counts["source"][0] += 1
            ok = r.get("source") and any(norm(r["source"]) in site_parts(s) for s in d["sites"])
            counts["source"][1] += bool(ok)
            if not ok:
                misses["source"].append(f"{c['file']}: got {r.get('source')!r}, declared {d['sites'][:4]}")
        if d["urls"]:
            counts["url"][0] += 1
            ok = r.get("url") and url_key(r["url"]) in {url_key(u) for u in d["urls"]}
            counts["url"][1] += bool(ok)
            if not ok:
                misses["url"].append(f"{c['file']}: got {r.get('url')!r}, declared {d['urls'][:3]}")
        if d["dates"]:
            counts["published"][0] += 1
            ok = r.get("published") and r["published"][:10] in d["dates"]
            counts["published"][1] += bool(ok)
            if not ok:
                misses["published"].append(f"{c['file']}: got {r.get('published')!r}, declared {d['dates'][:5]}")
        else:
            undated_files.add(c["file"])
            undeclared_dates[0] += 1
            undeclared_dates[1] += bool(r.get("published"))
    if args.new_sample:
        order = sorted(cases, key=lambda c: hashlib.sha1(c["file"].encode()).hexdigest())
        by = [c["file"] for c in order if got.get(c["file"], {}).get("byline")][:2 * SAMPLE_BYLINES]
        dated = [c["file"] for c in order if c["file"] in undated_files
                 and got.get(c["file"], {}).get("published")][:2 * SAMPLE_DATES]
        print("set\tfile\tbyline\tverdict\tpublished\tdate_verdict\tnote")
        rows = [(f, f in by, f in dated) for f in by + [f for f in dated if f not in by]]
        for f, in_by, in_dated in rows:
            r = got[f]
            half = "A" if (in_by and by.index(f) < SAMPLE_BYLINES) or (in_dated and dated.index(f) < SAMPLE_DATES) else "B"
            print(f"{half}\t{f}\t{r.get('byline') or ''}\t{'' if in_by else '-'}\t{r.get('published') or ''}\t"
                  f"{'' if in_dated else '-'}\t")
        return 0
    print(f"{n} dev pages of ../shared/data/extraction\n")
    print("| field | pages that declare it | recovered | share | pages with a value (all) |")
    print("|---|---|---|---|---|")
    for k, (dec, rec) in counts.items():
        print(f"| {k} | {dec} | {rec} | {rec / max(dec, 1):.3f} | {any_value[k]} of {n} |")
    print(f"\nPages that declare no date in markup: {undeclared_dates[0]}; storyweave gave a date "
          f"(from the URL or the text) for {undeclared_dates[1]} of them.")
    print(f"Pages with a byline: {any_value['byline']} of {n}.")
    if SAMPLE.is_file():
        rows = list(csv.DictReader(SAMPLE.open(encoding="utf-8"), delimiter="\t"))
        print(f"\nHand-read sample ({SAMPLE.name}; set A was read while the byline and date rules "
              "were written, set B only after):")
        for half in ("A", "B"):
            part = [r for r in rows if r["set"] == half]
            judged = [r for r in part if r["verdict"] in ("ok", "wrong")]
            good = sum(r["verdict"] == "ok" for r in judged)
            dates = [r for r in part if r["date_verdict"] in ("ok", "wrong")]
            dgood = sum(r["date_verdict"] == "ok" for r in dates)
            print(f"  set {half}: byline precision {good} of {len(judged)} = "
                  f"{good / max(len(judged), 1):.3f}; date from URL or text correct {dgood} of "
                  f"{len(dates)} = {dgood / max(len(dates), 1):.3f}")
        stale = [r["file"] for r in rows if r["verdict"] in ("ok", "wrong")
                 and (got.get(r["file"], {}).get("byline") or "") != r["byline"]]
        stale += [r["file"] for r in rows if r["date_verdict"] in ("ok", "wrong")
                  and (got.get(r["file"], {}).get("published") or "") != r["published"]]
        if stale:
            print(f"  stale rows (output changed since they were read; read them again): {stale}")
    if args.list:
        print("\n" + "\n".join(misses[args.list]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
