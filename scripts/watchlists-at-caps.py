#!/usr/bin/env python3
"""Writes a Vigie setup at the watchlist caps into a folder, to measure `vigie check` and
`vigie poll` there (see BENCHMARKS.md, "Watchlists at the caps"):
ten watchlist files of 1,000 brands each (10,000 brands, the total cap), every brand with
four aliases of ~190 characters (~770 KiB a file, under the 1 MiB cap), and one local feed
of 100 items per file, each item naming one of the file's brands.

    python3 scripts/watchlists-at-caps.py /tmp/caps
    /usr/bin/time -f "%e s, %M KiB" target/release/vigie -c /tmp/caps/vigie.toml check
    /usr/bin/time -f "%e s, %M KiB" target/release/vigie -c /tmp/caps/vigie.toml poll
"""
import os
import random
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "caps"
os.makedirs(os.path.join(out, "w"), exist_ok=True)
os.makedirs(os.path.join(out, "feeds"), exist_ok=True)
with open(os.path.join(out, "vigie.toml"), "w") as f:
    f.write('database = "v.db"\nwatchlists = "w/*.toml"\n')
rng = random.Random(1)
for n in range(10):
    items = []
    for i in range(100):
        b = f"F{n}b{rng.randrange(1000)}"
        items.append(
            f"<item><guid>{n}-{i}</guid><title>Nouvelles de {b}</title>"
            f"<description>Le service client de {b} est lent, mais le produit est bon."
            "</description><pubDate>Mon, 30 Nov 2026 10:00:00 +0000</pubDate></item>"
        )
    with open(os.path.join(out, "feeds", f"{n}.xml"), "w") as f:
        f.write('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
                '<link>https://e.example/</link><description>d</description>'
                + "".join(items) + "</channel></rss>")
    brands = []
    for b in range(1000):
        aliases = ", ".join(f'"F{n}b{b} alias{a} {"x" * 170}"' for a in range(4))
        brands.append(f'[[brand]]\nname = "F{n}b{b}"\naliases = [{aliases}]\n')
    brands.append(f'[[source]]\nurl = "file:../feeds/{n}.xml"\n')
    with open(os.path.join(out, "w", f"{n:02}.toml"), "w") as f:
        f.write("".join(brands))
