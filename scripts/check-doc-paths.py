#!/usr/bin/env python3
"""Check that the code the docs cite exists.

    scripts/check-doc-paths.py

Scans README.md, docs/*.md and every tracked README.md for backticked repository paths that
start at a top-level folder (`pallets/consent/src/lib.rs`, `runtime/tests/integration/`, ...)
and for test citations of the form `path/to/file.rs::module::test_name`. A path must exist;
a citation's last segment must be a function of that file (`fn test_name`). Prints each
broken reference and exits 1 if there is one; scripts/test.sh runs it first.
"""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
TOP = ("node/", "runtime/", "pallets/", "gateway/", "tests/", "portal/", "clients/", "fuzz/",
       "scripts/", "docs/", "vendor/", ".ci/")
CITE = re.compile(r"`((?:%s)[A-Za-z0-9_./\-]*)((?:::[A-Za-z0-9_]+)*)`" % "|".join(re.escape(t) for t in TOP))
# Paths the docs name on purpose although they are not in a clean checkout.
GENERATED = ("portal/dist", "portal/artifacts", "portal/.env", "fuzz/artifacts", "target/")


def docs():
    tracked = subprocess.run(["git", "ls-files", "*.md"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    return [ROOT / f for f in tracked if "node_modules" not in f]


def main():
    broken = []
    for doc in docs():
        text = doc.read_text(encoding="utf-8")
        for lineno, line in enumerate(text.splitlines(), 1):
            for m in CITE.finditer(line):
                path, segments = m.group(1), m.group(2)
                if any(path.startswith(g) for g in GENERATED) or any(c in path for c in "*<>"):
                    continue
                # A README may name paths relative to its own folder.
                target = doc.parent / path.rstrip("/")
                if not target.exists():
                    target = ROOT / path.rstrip("/")
                where = f"{doc.relative_to(ROOT)}:{lineno}"
                if not target.exists():
                    broken.append(f"{where}: no such path: {path}")
                    continue
                if segments and target.is_file() and target.suffix == ".rs":
                    name = segments.rsplit("::", 1)[-1]
                    if not re.search(r"\bfn %s\b" % re.escape(name), target.read_text(encoding="utf-8")):
                        broken.append(f"{where}: {path} has no fn {name} (cited as {path}{segments})")
    for b in broken:
        print(b)
    if broken:
        print(f"{len(broken)} broken reference(s) in the docs", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
