#!/usr/bin/env python3
"""Short samples for the pipeline's throughput (docs/BENCHMARKS.md, "Short samples"): N JSONL
lines of about 90 bytes, e.g.

    {"id": 0, "response": "<think>add them</think> The answer is 332.", "reference": "331"}

about 60 % of them right (the answer equal to the reference), the rest one off. Seeded: the same
N gives the same file.

    python3 scripts/gen/short.py 1000000 > /tmp/short1m.jsonl
"""
import random
import sys


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rnd = random.Random(18)
    out = sys.stdout
    for i in range(n):
        ref = rnd.randrange(10, 600)
        ans = ref if rnd.random() < 0.6 else ref + 1
        out.write(f'{{"id": {i}, "response": "<think>add them</think> The answer is {ans}.", '
                  f'"reference": "{ref}"}}\n')


if __name__ == "__main__":
    main()
