#!/usr/bin/env python3
"""Check EPCIS exports with GS1's event hash generator (PyPI epcis-event-hash-generator), an
implementation independent of MedChain's exporter.

    PY=$(clients/python/venv.sh)
    $PY tests/e2e/epcis/check_hashes.py EXPORT_A.json EXPORT_B.json --gtin 09506000134352

Checks, each failing with a message on stderr and exit status 1:
  - the generator hashes every event of each document (it skips, with a log line, an event it
    cannot parse: the count would fall short);
  - stable: the two documents (two exports of the same history) give the same hashes, event
    by event;
  - different events, different hashes: no two events of a document share a hash;
  - equal events, equal hashes: each event, alone in a document of its own with its fields in
    reverse order, hashes as it did in the export;
  - the CBV names are CBV 2.0's: every bizStep and disposition expanded through the EPCIS 2.0
    JSON-LD context to https://ref.gs1.org/cbv/BizStep-<name> / Disp-<name> (an unknown short
    name stays bare);
  - the identifiers are GS1's: every SGTIN and LGTIN normalises to a GS1 Digital Link URI of
    the GTIN given with --gtin (the generator computes the check digit from the EPC URI's
    company prefix and item reference).
On success prints {"events": n, "hashes": [...]} (JSON) on stdout.
"""

import argparse
import json
import os
import re
import sys
import tempfile

from epcis_event_hash_generator import events_from_file_reader, hash_generator


def hashes_of(path):
    events = events_from_file_reader.event_list_from_file(path, "JSON")
    prehashes = hash_generator.derive_prehashes_from_events(events)
    return hash_generator.calculate_hashes_from_pre_hashes(prehashes), prehashes


def reversed_keys(event):
    """The event with its fields in reverse order (the fields' own contents as they are: the
    generator reads a source/destination/bizTransaction object's keys in order, as the XML
    binding's attribute and text)."""
    return {k: event[k] for k in reversed(list(event.keys()))}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("first")
    parser.add_argument("second")
    parser.add_argument("--gtin", required=True, help="the GTIN-14 every SGTIN/LGTIN must carry")
    args = parser.parse_args()
    failures = []

    docs = []
    for path in (args.first, args.second):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        events = doc["epcisBody"]["eventList"]
        hashes, prehashes = hashes_of(path)
        if len(hashes) != len(events):
            failures.append(f"{path}: {len(events)} events, the generator hashed {len(hashes)}")
        docs.append((path, doc, events, hashes, prehashes))

    (path_a, doc_a, events_a, hashes_a, pre_a), (path_b, _, _, hashes_b, _) = docs
    if hashes_a != hashes_b:
        diff = [i for i, (x, y) in enumerate(zip(hashes_a, hashes_b)) if x != y]
        failures.append(f"not stable: events {diff} hash differently in {path_a} and {path_b} "
                        f"({len(hashes_a)} vs {len(hashes_b)} hashes)")
    if len(set(hashes_a)) != len(hashes_a):
        dup = sorted({h for h in hashes_a if hashes_a.count(h) > 1})
        failures.append(f"different events share a hash: {dup}")

    with tempfile.TemporaryDirectory() as tmp:
        for i, event in enumerate(events_a):
            alone = {"@context": doc_a["@context"], "type": "EPCISDocument", "schemaVersion": "2.0",
                     "creationDate": "2000-01-01T00:00:00.000Z",
                     "epcisBody": {"eventList": [reversed_keys(event)]}}
            path = os.path.join(tmp, f"event-{i}.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(alone, f)
            [h], _ = hashes_of(path)
            if i < len(hashes_a) and h != hashes_a[i]:
                failures.append(f"event {i + 1} alone (keys reversed) hashes {h}, in the export {hashes_a[i]}")

    dl = re.compile(r"https://id\.gs1\.org/01/(\d{14})/(?:21|10)/")
    for i, (event, pre) in enumerate(zip(events_a, pre_a)):
        for field, prefix in (("bizStep", "https://ref.gs1.org/cbv/BizStep-"),
                              ("disposition", "https://ref.gs1.org/cbv/Disp-")):
            if field in event and f"{field}={prefix}{event[field]}" not in pre:
                failures.append(f"event {i + 1}: {field} {event[field]!r} is not a CBV 2.0 term "
                                f"(pre-hash: {pre[:200]}...)")
        wanted = len(event.get("epcList", [])) + len(event.get("quantityList", []))
        gtins = dl.findall(pre)
        if len(gtins) != wanted or any(g != args.gtin for g in gtins):
            failures.append(f"event {i + 1}: {wanted} identifiers, normalised to GTINs {gtins} "
                            f"(want {args.gtin})")

    if failures:
        for failure in failures:
            print(f"check_hashes: {failure}", file=sys.stderr)
        sys.exit(1)
    print(json.dumps({"events": len(hashes_a), "hashes": hashes_a}))


if __name__ == "__main__":
    main()
