#!/usr/bin/env bash
# The ingest benchmark of BENCHMARKS.md ("Ingest"): generated corpora polled by the real
# `vigie poll` from file: sources and over loopback HTTP, first ingest and unchanged re-poll,
# each checked against its ground truth. Needs a release build with the example server
# (cargo build --release --example serve-feeds) and python3. Usage: scripts/ingest-bench.sh [WORKDIR]   (default /tmp/vigie-ingest)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
vigie="$here/target/release/vigie"
work="${1:-/tmp/vigie-ingest}"
port=8765
mkdir -p "$work"

measure() { # label config
  /usr/bin/time -f "%e %M" -o "$work/time" "$vigie" -c "$2" poll >/dev/null 2>"$work/err" || {
    cat "$work/err" >&2; exit 1; }
  read -r secs kib < "$work/time"
  printf '%-44s %7s s %6s MiB\n' "$1" "$secs" "$((kib / 1024))"
}

items() { grep -o '<item>\|<entry>' -r "$1/feeds" | wc -l; }

for spec in 500:50 1000:50 2000:50 4000:50 2000:500; do
  feeds=${spec%:*}; brands=${spec#*:}
  dir="$work/c$feeds-$brands"
  [ -f "$dir/truth.json" ] || python3 "$here/scripts/ingest-corpus.py" "$dir" "$feeds" "$brands" "$port" >/dev/null
  n=$(items "$dir")
  rm -rf "$dir"/bench*.db* "$dir"/outbox*
  measure "$feeds feeds, $brands brands, $n items: first poll" "$dir/vigie.toml"
  python3 "$here/scripts/ingest-corpus.py" --check "$dir" >/dev/null || {
    echo "the stored mentions are not the ground truth" >&2; exit 1; }
  measure "  re-poll, nothing changed (files)" "$dir/vigie.toml"
  if [ "$feeds" = 2000 ]; then
    "$here/target/release/examples/serve-feeds" "$dir" "$port" &
    server=$!
    sleep 1
    measure "  over HTTP: first poll" "$dir/vigie-http.toml"
    python3 "$here/scripts/ingest-corpus.py" --check "$dir" bench-http.db >/dev/null || {
      echo "the stored mentions are not the ground truth (HTTP)" >&2; kill $server; exit 1; }
    measure "  over HTTP: re-poll, all 304" "$dir/vigie-http.toml"
    kill $server
  fi
done
