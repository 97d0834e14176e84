#!/usr/bin/env python3
"""Checks that tokenctl and its sqlite3 floor printed the same answer.

    same.py KIND TOKENCTL_OUTPUT FLOOR_OUTPUT

KIND:
  list-json  tokenctl `list --format json` vs `sqlite3 -json` (one object per
             line in both; the floor's `locked` is 0/1)
  devices-json  tokenctl `devices --format json` vs `sqlite3 -json` (the
             floor's holders are a JSON array in a string)
  box        tokenctl's table vs `sqlite3 -box`: the cells, row by row
  csv        the same CSV records
  dryrun     `revoke --dry-run --format json` vs the floor's `sqlite3 -json`

Prints the first difference and exits 1 when they differ. Streams line by
line where it can, so a million rows need little memory.
"""

import csv
import json
import sys


def json_lines(path):
    """Objects of a JSON array printed one element per line."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip().lstrip("[").rstrip(",]").strip()
            if line:
                yield json.loads(line)


def box_rows(path):
    """Cells of the rows of a bordered table (comfy-table or sqlite3 -box)."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("│"):
                cells = line.strip().strip("│").replace("┆", "│").split("│")
                yield [c.strip() for c in cells]


def csv_rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        yield from csv.reader(f)


def compare(ours, floor, what):
    n = 0
    missing = object()
    ours, floor = iter(ours), iter(floor)
    while True:
        a, b = next(ours, missing), next(floor, missing)
        if a is missing and b is missing:
            print(f"same {n} {what}")
            return 0
        if a != b:
            print(f"{what} {n + 1} differs:\n  tokenctl: {'(none)' if a is missing else a}\n"
                  f"  floor:    {'(none)' if b is missing else b}")
            return 1
        n += 1


def main():
    kind, ours, floor = sys.argv[1:4]
    if kind == "list-json":
        def fix(rows):
            for r in rows:
                r["locked"] = bool(r["locked"])
                yield r
        return compare(json_lines(ours), fix(json_lines(floor)), "row")
    if kind == "devices-json":
        def fix(rows):
            for r in rows:
                r["holders"] = json.loads(r["holders"])
                yield r
        return compare(json_lines(ours), fix(json_lines(floor)), "device")
    if kind == "box":
        return compare(box_rows(ours), box_rows(floor), "row")
    if kind == "csv":
        return compare(csv_rows(ours), csv_rows(floor), "record")
    if kind == "dryrun":
        with open(ours, encoding="utf-8") as f:
            a = json.load(f)
        with open(floor, encoding="utf-8") as f:
            text = f.read().strip()
        # Two arrays, one per statement (sqlite3 prints nothing for an empty
        # result): the targets, then the users whose device expired.
        arrays = []
        decoder = json.JSONDecoder()
        while text:
            value, end = decoder.raw_decode(text)
            arrays.append(value)
            text = text[end:].strip()
        targets = [t for arr in arrays for t in arr if "serial" in t]
        skipped = [t["login_id"] for arr in arrays for t in arr if "serial" not in t]
        if a.get("dry_run") is not True:
            print("dry_run is not true")
            return 1
        if a.get("skipped_expired", []) != skipped:
            print(f"skipped_expired differs: {len(a.get('skipped_expired', []))} vs {len(skipped)}")
            return 1
        return compare(a["revoked"], targets, "target")
    sys.exit(f"same.py: unknown kind {kind}")


if __name__ == "__main__":
    sys.exit(main())
