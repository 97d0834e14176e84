#!/usr/bin/env python3
"""Times a command against its floor in interleaved rounds (A B A B …).

    paired.py NAME ROUNDS RUNS WARMUP DIR [--prepare CMD] -- A -- B

A and B are each one command line as hyperfine reads it (`hyperfine -N`
splits it like a shell). Each round is one hyperfine call timing RUNS runs
of A and then RUNS runs of B (the warm-up runs are in the first round
only), its JSON kept in DIR/NAME.N.json. On a noisy machine both sides of a
round see the same noise, so the ratio is taken round by round.

Prints "A B RATIO": the median of A's round medians, the same for B, and the
median of the rounds' ratios (A's median over B's). Exit 1 when a hyperfine
call fails (its log in DIR/NAME.N.log).
"""

import json
import statistics
import subprocess
import sys


def parse(argv):
    name, rounds, runs, warmup, out_dir = argv[:5]
    rest = argv[5:]
    prepare = []
    if rest and rest[0] == "--prepare":
        prepare = ["--prepare", rest[1]]
        rest = rest[2:]
    if len(rest) != 4 or rest[0] != "--" or rest[2] != "--":
        sys.exit("paired.py: expected -- A -- B")
    return name, int(rounds), int(runs), int(warmup), out_dir, prepare, rest[1], rest[3]


def one_round(name, n, runs, warmup, out_dir, prepare, a, b):
    """The medians of A and B in round N."""
    export = f"{out_dir}/{name}.{n}.json"
    command = ["hyperfine", "-N", "--style", "basic", "--runs", str(runs),
               "--warmup", str(warmup if n == 0 else 0), *prepare,
               "--export-json", export, a, b]
    with open(f"{out_dir}/{name}.{n}.log", "w", encoding="utf-8") as log:
        if subprocess.run(command, stdout=log, stderr=subprocess.STDOUT).returncode != 0:
            sys.exit(1)
    with open(export, encoding="utf-8") as f:
        results = json.load(f)["results"]
    return results[0]["median"], results[1]["median"]


def main():
    name, rounds, runs, warmup, out_dir, prepare, a, b = parse(sys.argv[1:])
    medians = [one_round(name, n, runs, warmup, out_dir, prepare, a, b) for n in range(rounds)]
    a_median = statistics.median(m[0] for m in medians)
    b_median = statistics.median(m[1] for m in medians)
    ratio = statistics.median(m[0] / m[1] for m in medians)
    print(f"{a_median} {b_median} {ratio}")


if __name__ == "__main__":
    main()
