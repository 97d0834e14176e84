#!/usr/bin/env python3
"""Renders bench/run's results as a Markdown table.

    report.py RESULTS.tsv N MACHINE VERSIONS

RESULTS.tsv rows: key, label, value, unit (s|KB), floor label, floor value,
goal, note, ratio (paired: the median of the rounds' ratios; when empty, the
value over the floor's). Goals: "<5ms", "<2s", "<20s" (seconds), "<50MB" (peak RSS, MB =
10^6 bytes), "ratio<=X" (at most X times the floor, e.g. 2 or 1.5), or ""
(none: reported only).
"""

import sys


def num(text):
    try:
        return float(text)
    except ValueError:
        return None


def show(value, unit):
    if value is None:
        return "FAILED"
    if unit == "KB":
        return f"{value * 1024 / 1e6:.1f} MB"
    if value < 0.01:
        return f"{value * 1000:.2f} ms"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def goal_text(goal):
    if goal.startswith("ratio<="):
        return f"≤ {goal[7:]}× floor"
    if goal.startswith("<"):
        number = goal[1:].rstrip("msMB")
        return f"< {number} {goal[1 + len(number):]}"
    return "—"


def met(goal, value, unit, ratio):
    if not goal:
        return "—"
    if value is None:
        return "FAILED"
    if goal.startswith("ratio<="):
        if ratio is None:
            return "?"
        return "yes" if ratio <= float(goal[7:]) else "**no**"
    limit = goal[1:]
    if limit.endswith("ms"):
        ok = value < float(limit[:-2]) / 1000
    elif limit.endswith("MB"):
        ok = value * 1024 / 1e6 < float(limit[:-2])
    else:
        ok = value < float(limit[:-1])
    return "yes" if ok else "**no**"


def main():
    path, n, machine, versions = sys.argv[1:5]
    print(f"N = {int(n):,} users and {int(n):,} devices  ")
    print(f"Machine: {machine}  ")
    print(f"Versions: {versions}")
    print()
    print("Medians; where a floor is named, tokenctl and the floor ran in "
          "interleaved rounds (A B A B …) and the ratio is the median of the "
          "rounds' ratios.")
    print()
    print("| command | median | floor | ratio | goal | met? |")
    print("|---|---:|---|---:|---|---|")
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, label, value, unit, floor_label, floor_value, goal, note, paired = \
                line.rstrip("\n").split("\t")
            v, fv = num(value), num(floor_value)
            if note:
                label = f"{label}; {note}"
            floor = "—"
            if floor_label:
                floor = f"{floor_label}: {show(fv, unit)}"
            ratio = v / fv if v is not None and fv else None
            if paired:
                ratio = num(paired)
            ratio_text = f"{ratio:.2f}×" if ratio is not None else "—"
            print(f"| `{key}` {label} | {show(v, unit)} | {floor} | {ratio_text} | "
                  f"{goal_text(goal)} | {met(goal, v, unit, ratio)} |")


if __name__ == "__main__":
    main()
