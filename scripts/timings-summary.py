#!/usr/bin/env python3
"""Summarize a `cargo build --timings` report (cargo-timing*.html) as Markdown tables.

    scripts/timings-summary.py [--top N] REPORT.html [LABEL]

Prints the build's wall time, its unit count, the N longest units (a build script's run is
its own unit: that is where C/C++ and the wasm runtime are compiled) and the critical path
(the chain of units, each waiting for the previous one, that ends last). docs/BUILD.md keeps
these tables for cold builds.
"""
import argparse
import json
import re
import sys


def load(path):
    html = open(path, encoding="utf-8").read()
    m = re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S)
    if not m:
        sys.exit(f"{path}: no UNIT_DATA (not a cargo timings report?)")
    return json.loads(m.group(1))


def label(u):
    what = u["name"] + " " + u["version"]
    target = u.get("target", "").strip()
    if u["mode"] == "run-custom-build":
        what += " (build script run)"
    elif target:
        what += f" ({target})"
    return what


def critical_path(units):
    # A unit's predecessor: the unit that unblocked it (unblocked_units / unblocked_rmeta_units)
    # and finished latest.
    by_index = {u["i"]: u for u in units}
    unblocked_by = {}
    for u in units:
        for key in ("unblocked_units", "unblocked_rmeta_units"):
            for j in u.get(key, []):
                unblocked_by.setdefault(j, []).append(u)
    last = max(units, key=lambda u: u["start"] + u["duration"])
    path = [last]
    while True:
        preds = unblocked_by.get(path[-1]["i"], [])
        if not preds:
            break
        path.append(max(preds, key=lambda u: u["start"] + u["duration"]))
    return list(reversed(path)), by_index


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("report")
    ap.add_argument("label", nargs="?", default="")
    a = ap.parse_args()
    units = load(a.report)
    wall = max(u["start"] + u["duration"] for u in units)
    cpu = sum(u["duration"] for u in units)
    print(f"**{a.label or a.report}**: {wall / 60:.1f} min wall, {len(units)} units, "
          f"{cpu / 60:.1f} min of unit time (2 cores)\n")
    print("| unit | starts at (s) | takes (s) |")
    print("|---|---:|---:|")
    for u in sorted(units, key=lambda u: -u["duration"])[: a.top]:
        print(f"| {label(u)} | {u['start']:.0f} | {u['duration']:.0f} |")
    path, _ = critical_path(units)
    long_steps = [u for u in path if u["duration"] >= 10]
    print(f"\nCritical path ({len(path)} units; those of 10 s or more): " +
          " → ".join(f"{label(u)} {u['duration']:.0f} s" for u in long_steps))


if __name__ == "__main__":
    main()
