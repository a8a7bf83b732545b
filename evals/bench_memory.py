"""Speed benchmark of project memory: recall latency at 10,000 memories, query embedding
included, and insertion throughput.

Each figure is also given as a ratio to baselines measured in the same run, because these
machines are shared and noisy:

  (a) embedding one query alone (the model's floor for any recall);
  (b) embedding plus a bare chromadb query with that vector on the largest collection, no
      filter, no result shaping (the floor for recall on chromadb).

Target: recall p95 <= 25 ms. Run: `python -m evals.bench_memory [--memories 10000] [--queries 200]`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from memory import DATA_DIR_ENV, ProjectMemory
from memory.embedding import embed, load_model
from story import Bible, Character, Location, Project, ReplaceStory, Shot, apply

TARGET_P95_MS = 25.0

ADJECTIVES = ["old", "young", "tall", "quiet", "nervous", "cheerful", "tired", "stern", "gentle", "restless"]
COLOURS = ["red", "blue", "green", "yellow", "black", "white", "grey", "brown", "purple", "orange"]
GARMENTS = ["coat", "scarf", "hat", "jacket", "dress", "boots", "sweater", "cloak"]
ROLES = ["fisherman", "teacher", "doctor", "baker", "sailor", "painter", "pilot", "farmer", "nurse", "thief"]
PLACES = ["harbour", "lighthouse", "kitchen", "market", "forest", "station", "church", "bridge", "school", "attic"]
PLACE_WORDS = ["foggy", "crowded", "empty", "sunlit", "ruined", "narrow", "windy", "cosy", "vast", "flooded"]
VERBS = ["waits", "runs", "argues", "laughs", "hides", "searches", "sings", "falls", "climbs", "watches"]
TOPICS = [
    "the ending",
    "the music",
    "the colour palette",
    "the pacing",
    "the title",
    "the opening shot",
    "the storm scene",
    "the dog",
    "the flashback",
    "the voice-over",
]


def synthetic_project(rng: random.Random, characters: int = 100, places: int = 100, shots: int = 500) -> Project:
    """A large, varied project within the model's limits (200 characters, 200 places, 500 shots)."""
    cast = [
        Character(
            id=f"c{i}",
            name=f"Person {i}",
            traits={rng.choice(GARMENTS): rng.choice(COLOURS)},
            description=f"a {rng.choice(ADJECTIVES)} {rng.choice(ROLES)} in a {rng.choice(COLOURS)} "
            f"{rng.choice(GARMENTS)}",
        )
        for i in range(characters)
    ]
    locations = [
        Location(
            id=f"l{i}",
            name=f"the {rng.choice(PLACE_WORDS)} {rng.choice(PLACES)} {i}",
            description=f"a {rng.choice(PLACE_WORDS)} {rng.choice(PLACES)} near the {rng.choice(PLACES)}",
        )
        for i in range(places)
    ]
    shot_list = []
    for i in range(shots):
        who = rng.sample(range(characters), 2)
        shot_list.append(
            Shot(
                id=f"s{i + 1}",
                scene=1 + i // 10,
                characters=[f"c{w}" for w in who],
                location=f"l{rng.randrange(places)}",
                action=f"Person {who[0]} {rng.choice(VERBS)} while Person {who[1]} {rng.choice(VERBS)} "
                f"by the {rng.choice(PLACES)}",
            )
        )
    story = ReplaceStory(bible=Bible(title="Benchmark"), characters=cast, locations=locations, shots=shot_list)
    return apply(Project(), story)


def decision_text(rng: random.Random, i: int) -> str:
    return (
        f"decision {i}: for {rng.choice(TOPICS)} we keep it {rng.choice(PLACE_WORDS)} and "
        f"{rng.choice(ADJECTIVES)}, with {rng.choice(COLOURS)} light at the {rng.choice(PLACES)}"
    )


def query_text(rng: random.Random) -> str:
    return rng.choice(
        [
            f"the {rng.choice(ADJECTIVES)} {rng.choice(ROLES)} with the {rng.choice(COLOURS)} {rng.choice(GARMENTS)}",
            f"the {rng.choice(PLACE_WORDS)} {rng.choice(PLACES)}",
            f"what did we decide about {rng.choice(TOPICS)}",
            f"the shot where someone {rng.choice(VERBS)} by the {rng.choice(PLACES)}",
        ]
    )


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    ordered = sorted(samples)
    return statistics.median(ordered) * 1e3, ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1e3


def timed(calls: list[Callable[[], object]]) -> list[float]:
    samples = []
    for call in calls:
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memories", type=int, default=10_000, help="memories in the store (at least 1,000)")
    parser.add_argument("--queries", type=int, default=200, help="distinct queries timed per measurement")
    args = parser.parse_args()
    rng = random.Random(7)

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "film"
        root.mkdir()
        os.environ[DATA_DIR_ENV] = str(Path(scratch) / "data")
        load_model()
        memory = ProjectMemory(root)

        project = synthetic_project(rng)
        started = time.perf_counter()
        derived = memory.sync(project).embedded
        sync_seconds = time.perf_counter() - started

        notes = [decision_text(rng, i) for i in range(max(0, args.memories - derived))]
        collection = memory.store.collection("decision")
        started = time.perf_counter()
        for at in range(0, len(notes), 500):
            batch = notes[at : at + 500]
            collection.add(
                ids=[f"decision:bench{at + i}" for i in range(len(batch))],
                documents=batch,
                metadatas=[{"kind": "decision"} for _ in batch],
            )
        insert_seconds = time.perf_counter() - started
        total = memory.count()

        queries = [query_text(rng) for _ in range(args.queries)]
        for query in queries[:10]:  # warm the model and chromadb's caches
            memory.recall(query)
        vectors = embed(queries)

        embed_only = timed([lambda q=q: embed([q]) for q in queries])
        bare = timed([lambda v=v: collection.query(query_embeddings=[v], n_results=5) for v in vectors])
        floor = [e + b for e, b in zip(embed_only, bare, strict=True)]
        cases = {
            "recall, characters only (resolve)": timed(
                [lambda q=q: memory.recall(q, kinds=["character"]) for q in queries]
            ),
            "recall, all project kinds": timed([lambda q=q: memory.recall(q) for q in queries]),
            "recall, shots with a filter": timed(
                [
                    lambda q=q, i=i: memory.recall(
                        q, kinds=["shot"], where={"characters": {"$contains": f"c{i % 100}"}}
                    )
                    for i, q in enumerate(queries)
                ]
            ),
        }
        memory.close()

    embed_p50, embed_p95 = percentiles(embed_only)
    floor_p50, floor_p95 = percentiles(floor)
    print(f"memories: {total} ({derived} from a project of {len(project.shots)} shots, the rest decisions)")
    print(
        f"insertion: sync {derived} memories in {sync_seconds:.2f} s ({derived / sync_seconds:.0f}/s); "
        f"bulk {len(notes)} in {insert_seconds:.2f} s ({len(notes) / max(insert_seconds, 1e-9):.0f}/s), "
        "embedding included"
    )
    print(f"baseline (a) embedding alone:            p50 {embed_p50:6.2f} ms  p95 {embed_p95:6.2f} ms")
    print(f"baseline (b) embedding + bare chromadb:  p50 {floor_p50:6.2f} ms  p95 {floor_p95:6.2f} ms")
    worst = 0.0
    for name, samples in cases.items():
        p50, p95 = percentiles(samples)
        worst = max(worst, p95)
        print(
            f"{name:38s}  p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  "
            f"p95 ratio: {p95 / embed_p95:.2f}x (a), {p95 / floor_p95:.2f}x (b)"
        )
    verdict = "meets" if worst <= TARGET_P95_MS else "MISSES"
    print(f"worst recall p95 {worst:.2f} ms {verdict} the target of {TARGET_P95_MS:.0f} ms")


if __name__ == "__main__":
    main()
