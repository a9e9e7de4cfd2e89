"""Side by side: villageplan's parallel radius-bounded Dijkstra against networkx on the same network.

Runs ``cargo bench --bench network`` (about 1,000,000 road segments, 10,000 sites, 2 km) with
``VILLAGEPLAN_EXPORT=1``, which times villageplan and writes the network, villages and sites to
``target/network-bench/``; then builds the same graph in networkx and runs
``single_source_dijkstra_path_length(..., cutoff=2000)`` from every site, counting the villages
reached. Prints both times, the ratio and whether the covered pairs agree.

Usage: ``python benches/network_compare.py [villages] [sites]`` (defaults 380000 10000).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "target" / "network-bench"


def main(argv: list[str]) -> None:
    """Run both implementations and print a Markdown table row."""
    args = argv[1:] or ["380000", "10000"]
    run = subprocess.run(
        ["cargo", "bench", "--bench", "network", "--", *args],
        cwd=ROOT,
        env={**__import__("os").environ, "VILLAGEPLAN_EXPORT": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    print(run.stdout)
    snap = float(re.search(r"to the roads: ([0-9.]+) s", run.stdout).group(1))
    edges = pd.read_csv(OUT / "edges.csv")
    villages = set(pd.read_csv(OUT / "villages.csv")["junction"])
    sites = list(pd.read_csv(OUT / "sites.csv")["junction"])
    t = time.perf_counter()
    g = nx.Graph()
    for a, b, w in zip(edges["from"], edges["to"], edges["length"], strict=True):
        if not g.has_edge(a, b) or g[a][b]["weight"] > w:
            g.add_edge(a, b, weight=w)
    build = time.perf_counter() - t
    print(f"networkx graph built in {build:.1f} s; villageplan snaps all villages and sites in {snap:.2f} s")
    print(
        "| segments | sites | radius | villageplan snap + searches s | villageplan searches s | networkx searches s "
        "| ratio (searches) | pairs | agree |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    failed = False
    for radius in (2000, 10000):
        row = next(line for line in run.stdout.splitlines() if line.startswith(f"| metres | {radius} m"))
        cells = [c.strip() for c in row.strip("|").split("|")]
        vp_seconds, vp_pairs = float(cells[2]), int(cells[3])
        t = time.perf_counter()
        pairs = 0
        for s in sites:
            reached = nx.single_source_dijkstra_path_length(g, s, cutoff=float(radius), weight="weight")
            pairs += sum(1 for node in reached if node in villages)
        search = time.perf_counter() - t
        searches = vp_seconds
        agree = pairs == vp_pairs
        failed |= not agree
        print(
            f"| {len(edges):,} | {len(sites):,} | {radius} m | {snap + searches:.2f} | {searches:.3f} | {search:.2f} "
            f"| {search / searches:.1f}x | {vp_pairs:,} | {'yes' if agree else f'NO (networkx {pairs:,})'} |"
        )
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv)
