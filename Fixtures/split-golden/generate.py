#!/usr/bin/env python3
"""Expected manifests for `segprep split --ratio 0.75 --shuffle --seed 7` on
Fixtures/cells, computed here from the algorithm as docs/split.md states it,
independently of SegKit's Swift code:

  - pairs in natural order of the image path: 0.png, 1.png, …, 19.png;
  - SplitMix64 seeded with 7; below(b) draws until r >= (2^64 - b) % b, returns r % b;
  - Fisher-Yates from the last index down: swap i with below(i + 1);
  - sizes by the largest-remainder rule: 0.75 * 20 = 15 train, 5 val;
  - the first 15 shuffled pairs are train, the rest val; each manifest lists
    its pairs in natural order, paths relative to the manifest folder.

Run from the repo root (standard library only; any Python 3 gives the same bytes, the
reference environment included):

    bash scripts/reference-env && .venv-reference/bin/python Fixtures/split-golden/generate.py
"""
import os

M = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & M
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
        return z ^ (z >> 31)

    def below(self, bound):
        threshold = ((1 << 64) - bound) % bound
        while True:
            r = self.next()
            if r >= threshold:
                return r % bound


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    names = [f"{k}.png" for k in range(20)]  # natural order
    order = list(range(20))
    g = SplitMix64(7)
    for i in range(len(order) - 1, 0, -1):
        j = g.below(i + 1)
        order[i], order[j] = order[j], order[i]
    train, val = sorted(order[:15]), sorted(order[15:])
    # The test writes the manifests into a folder beside Fixtures/cells: ../cells/... from it.
    for split, members in (("train", train), ("val", val)):
        with open(os.path.join(here, f"{split}.txt"), "w") as f:
            for k in members:
                f.write(f"../cells/image/{names[k]}\t../cells/label/{names[k]}\n")
    print("train", train, "val", val)


if __name__ == "__main__":
    main()
