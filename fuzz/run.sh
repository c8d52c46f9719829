#!/usr/bin/env bash
# Runs fuzz targets one after another, each for SECONDS (default 600), seeding each corpus
# from the repository's own inputs first. Logs go to LOGDIR (default fuzz/logs, git-ignored
# with the corpus); the figures for README.md are the `stat::` lines at the end of each log.
#
#   fuzz/run.sh [SECONDS] [TARGET...]      (default: every target)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). On a stable toolchain RUSTC_BOOTSTRAP=1
# lets cargo-fuzz use the nightly flags it needs (sanitizer, coverage instrumentation).
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(jsonl_record feed decode_bytes extract_html lexicon ingest_record)
logdir=${LOGDIR:-logs}
mkdir -p "$logdir"
root=..
fixtures=$root/tests/fixtures/bad_input
feeds=$(ls -d "$root"/target/corpora/feedparser/feedparser-*/tests 2>/dev/null | head -1 || true)

# One file per JSON line, so the fuzzer starts from real records.
seed_lines() {
    local dir=$1 n=0
    shift
    for f in "$@"; do
        [ -f "$f" ] || continue
        while IFS= read -r line; do
            n=$((n + 1))
            printf '%s' "$line" > "$dir/line$n.json"
        done < <(head -n 50 "$f")
    done
}

for t in "${targets[@]}"; do
    corpus=corpus/$t
    mkdir -p "$corpus"
    case $t in
        feed)
            cp "$fixtures/feed.xml" "$corpus/"
            # feedparser's 2,242 test feeds, when scripts/feedparser_corpus.py has fetched them.
            [ -n "$feeds" ] && find "$feeds" -name '*.xml' -exec cp -t "$corpus/" {} + 2>/dev/null || true
            ;;
        decode_bytes | extract_html)
            cp "$fixtures"/*.txt "$fixtures"/*.html "$corpus/"
            ;;
        lexicon)
            printf 'Zakaz handlu w Nowy Rok. 蒙哥马利抢劫 Grenzöffnungen\nzakaz\tban|prohibition\nhandel\ttrade\ngrenze\tborder\nöffnung\topening\n蒙哥马利\tMontgomery\n' > "$corpus/seed"
            # A slice of a real dictionary, when scripts/lexicon.sh has built one.
            if [ -f "$root/models/lexicon/pl-en.tsv" ]; then
                { echo "Papież przeprosił za incydent w Watykanie"; sed -n '10000,10400p' "$root/models/lexicon/pl-en.tsv"; } > "$corpus/pl-en"
            fi
            ;;
        jsonl_record | ingest_record)
            seed_lines "$corpus" "$fixtures/records.jsonl" "$root"/demo/articles/*.jsonl
            ;;
    esac
    # ingest_record runs the whole engine (safe Rust throughout): without AddressSanitizer it
    # is several times faster, and a panic is what it looks for.
    sanitizer=()
    [ "$t" = ingest_record ] && sanitizer=(-s none --features engine)
    echo "== $t: $(ls "$corpus" | wc -l) seed files, ${secs}s"
    RUSTC_BOOTSTRAP=1 timeout $((secs + 3600)) cargo fuzz run "${sanitizer[@]}" "$t" "$corpus" -- \
        -max_total_time="$secs" -print_final_stats=1 -rss_limit_mb=4096 > "$logdir/$t.log" 2>&1 \
        && echo "   no crash" || echo "   stopped with $?: see $logdir/$t.log and artifacts/$t/"
    grep -E '^stat::(number_of_executed_units|peak_rss_mb|new_units_added)|Done [0-9]+ runs' "$logdir/$t.log" || true
    echo "   corpus: $(ls "$corpus" | wc -l) files"
done
