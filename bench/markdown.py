"""What rendering a note costs: Markdown to sanitised HTML, first time and from the
cache, and the list's plain-text excerpt, for notes of 1,000 to 50,000 characters.

    .venv/bin/python bench/markdown.py [--rounds 20]

Each figure is the median of `rounds` timings in this process (time.perf_counter).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from notesweb.limits import BODY_MAX
from notesweb.notes import markdown
from notesweb.notes.seed import SampleText

BLOCKS = [
    "## A heading\n",
    "Some **bold**, _emphasis_, `code`, ~~struck~~ and a link to https://example.com/page.\n",
    "- [ ] a task\n- [x] a done task\n- a plain item with [a link](https://example.com)\n",
    "| name | amount |\n|:-----|-------:|\n| tea | 3.50 |\n| bread | 2.20 |\n",
    "```python\ndef f(x):\n    return x * 2\n```\n",
    "> A quotation, with *emphasis*,\n> over two lines.\n",
]


def sample(size: int, rng: random.Random) -> str:
    """Prose from the seed's pool with every kind of Markdown mixed in, `size` long."""
    prose = SampleText(rng)
    parts, length = [], 0
    while length < size:
        part = rng.choice(BLOCKS) if rng.random() < 0.4 else prose.body()
        parts.append(part)
        length += len(part) + 2
    return "\n\n".join(parts)[:size]


def median_ms(work, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(1)
    print("| note size | render, first time | render, cached | excerpt |")
    print("|---|---|---|---|")
    for size in (1_000, 5_000, 20_000, BODY_MAX):
        body = sample(size, rng)

        def first_time(body=body):
            markdown.render.cache_clear()
            markdown.render(body)

        first = median_ms(first_time, args.rounds)
        cached = median_ms(lambda body=body: markdown.render(body), args.rounds)
        excerpt = median_ms(lambda body=body: markdown.excerpt(body), args.rounds)
        print(f"| {size:,} characters | {first:.2f} ms | {cached:.4f} ms | {excerpt:.3f} ms |")


if __name__ == "__main__":
    main()
