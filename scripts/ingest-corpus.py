#!/usr/bin/env python3
"""Writes an ingest benchmark into a folder (see BENCHMARKS.md, "Ingest"): FEEDS generated
French and English feeds (RSS 2.0 and Atom, 20 to 100 items each, about 15 % of items
naming one of BRANDS brands), a watchlist of those brands with every feed as a `file:`
source (vigie.toml) and as an HTTP source (vigie-http.toml, for a server on PORT serving the
folder), and the ground truth: every (item link, brand) pair that must become a mention.

    python3 scripts/ingest-corpus.py /tmp/ingest 2000 [BRANDS=50] [PORT=8765]
    /usr/bin/time -f "%e s, %M KiB" target/release/vigie -c /tmp/ingest/vigie.toml poll
    python3 scripts/ingest-corpus.py --check /tmp/ingest      # stored mentions = truth

About 1.5 % of items are copies of an earlier item of another feed (a story carried by
several sites). Items are dated over the 14 days before the run, and the last day's items name five
brands four times as often as the rest, so alerts open on the first poll and the re-poll is
measured with alerts open.
"""
import json
import os
import random
import sqlite3
import sys
import time
from email.utils import formatdate

WORDS_FR = (
    "le la les un une des du de et en pour avec sans sur dans mais nouveau prix client "
    "service livraison magasin produit qualité retard rappel commande marché ville équipe "
    "saison semaine année rapport enquête réunion projet vente hausse baisse lancement "
    "été hiver économie région élus conseil école hôpital réseau transport vélo train "
    "très bien mal rapide lent cher agréable décevant satisfait déçu génial horrible"
).split()
WORDS_EN = (
    "the a an of and in for with without on but new price customer service delivery store "
    "product quality delay recall order market city team season week year report survey "
    "meeting project sales rise drop launch summer winter economy region council school "
    "hospital network transport bike train very good bad fast slow expensive pleasant "
    "disappointing satisfied happy great awful"
).split()
SYLLABLES = "ka lo mi ve ra to nu sel dar vin quo bel tes mor zan pi fen gal rix ul".split()


def brand_names(n, rng):
    names = set()
    while len(names) < n:
        names.add("".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize())
    return sorted(names)


def sentence(words, rng, n):
    return " ".join(rng.choice(words) for _ in range(n))


def escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def generate(out, feeds, n_brands, port):
    rng = random.Random(15)
    brands = brand_names(n_brands, rng)
    hot = brands[:5]
    now = time.time()
    os.makedirs(os.path.join(out, "feeds"), exist_ok=True)
    truth = []
    recent_copies = []
    for f in range(feeds):
        fr = f % 2 == 0
        words = WORDS_FR if fr else WORDS_EN
        atom = f % 3 == 0
        items = []
        for i in range(rng.randint(20, 100)):
            age = rng.random() * 14 * 86400
            link = f"https://news{f}.example/{f}/{i}"
            title = sentence(words, rng, rng.randint(5, 10)).capitalize()
            text = sentence(words, rng, rng.randint(25, 70))
            if rng.random() < 0.15 and recent_copies and rng.random() < 0.1:
                # A syndicated copy of an earlier story: another site, another title.
                b, text = rng.choice(recent_copies)
                title = sentence(words, rng, rng.randint(5, 10)).capitalize()
                truth.append((link, b))
            elif rng.random() < 0.15:
                recent = age < 86400
                pool = hot * 4 + brands if recent else brands
                b = rng.choice(pool)
                where = rng.randint(0, 2)
                if where == 0:
                    title = f"{b} : {title}" if fr else f"{b}: {title}"
                else:
                    cut = rng.randint(0, len(text.split()))
                    ws = text.split()
                    ws.insert(cut, (f"l'{b}" if fr and where == 2 else b))
                    text = " ".join(ws)
                truth.append((link, b))
                if where != 0:
                    recent_copies.append((b, text))
                    del recent_copies[:-200]
            items.append((link, title, text, now - age))
        path = os.path.join(out, "feeds", f"{f:05}.{'atom' if atom else 'xml'}")
        with open(path, "w", encoding="utf-8") as w:
            if atom:
                w.write('<?xml version="1.0" encoding="utf-8"?>\n'
                        '<feed xmlns="http://www.w3.org/2005/Atom">'
                        f"<title>Feed {f}</title><id>urn:feed:{f}</id>"
                        f"<updated>{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(now))}</updated>")
                for link, title, text, t in items:
                    w.write(f"<entry><title>{escape(title)}</title><id>{link}</id>"
                            f'<link href="{link}"/>'
                            f"<updated>{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(t))}</updated>"
                            f"<summary>{escape(text)}</summary></entry>")
                w.write("</feed>")
            else:
                w.write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
                        f"<title>Feed {f}</title><link>https://news{f}.example/</link>"
                        f"<description>d</description><language>{'fr' if fr else 'en'}</language>")
                for link, title, text, t in items:
                    w.write(f"<item><title>{escape(title)}</title><link>{link}</link>"
                            f"<guid>{link}</guid><pubDate>{formatdate(t)}</pubDate>"
                            f"<description>{escape(text)}</description></item>")
                w.write("</channel></rss>")
    names = sorted(os.listdir(os.path.join(out, "feeds")))
    for kind, prefix in (("", "file:feeds/"), ("-http", f"http://127.0.0.1:{port}/feeds/")):
        os.makedirs(os.path.join(out, f"w{kind}"), exist_ok=True)
        with open(os.path.join(out, f"w{kind}", "bench.toml"), "w") as w:
            w.write('recipients = ["team@bench.example"]\nlanguage = "fr"\n\n')
            for b in brands:
                w.write(f'[[brand]]\nname = "{b}"\n\n')
            for n in names:
                src = prefix + n if kind else f"file:../feeds/{n}"
                w.write(f'[[source]]\nurl = "{src}"\n\n')
        with open(os.path.join(out, f"vigie{kind}.toml"), "w") as w:
            w.write(f'database = "bench{kind}.db"\nwatchlists = "w{kind}/*.toml"\n\n'
                    "[http]\nallow_private_networks = true\n"
                    # Over HTTP every feed is on one loopback server, which stands for
                    # 2,000 sites: the per-site politeness cap (2) would measure the cap.
                    + ("per_host_connections = 16\nmax_concurrent_fetches = 16\n" if kind else "")
                    + "\n"
                    '[notify]\nfrom = "Vigie <vigie@bench.example>"\n'
                    f'dir = "outbox{kind}"\n')
    with open(os.path.join(out, "truth.json"), "w") as w:
        json.dump(sorted(truth), w)
    items = sum(1 for _ in truth)
    print(f"{feeds} feeds, {len(brands)} brands, {len(truth)} mentions expected")


def check(out, db="bench.db"):
    truth = sorted(tuple(x) for x in json.load(open(os.path.join(out, "truth.json"))))
    c = sqlite3.connect(os.path.join(out, db))
    got = sorted(c.execute("SELECT url, brand FROM mentions").fetchall())
    if got == truth:
        print(f"ok: the {len(got)} stored mentions are the ground truth")
        return 0
    missing = set(truth) - set(got)
    extra = set(got) - set(truth)
    print(f"MISMATCH: {len(missing)} missing, {len(extra)} extra")
    for x in list(missing)[:5]:
        print("  missing", x)
    for x in list(extra)[:5]:
        print("  extra", x)
    return 1


if __name__ == "__main__":
    if sys.argv[1] == "--check":
        sys.exit(check(sys.argv[2], *(sys.argv[3:4])))
    generate(sys.argv[1], int(sys.argv[2]),
             int(sys.argv[3]) if len(sys.argv) > 3 else 50,
             int(sys.argv[4]) if len(sys.argv) > 4 else 8765)
