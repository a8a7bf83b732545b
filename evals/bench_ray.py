"""Ray scaling on this machine: the same reel rendered on a cluster with one worker node, then two.

Starts a private cluster on 127.0.0.1 (head with no CPUs plus one-CPU worker nodes), renders
N animatic shots through the Ray executor with one worker, adds a second worker, renders a fresh
copy, and prints seconds for each and the speed-up ratio (1 worker / 2 workers).

    python -m evals.bench_ray [--shots 12] [--frames 120]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # keep the cluster on 127.0.0.1


def _project(shots: int, frames: int):  # noqa: ANN202
    from story import Bible, Character, Location, Project, Shot, Style

    cast = [Character(id="mara", name="Mara", description="a young woman in a red coat")]
    places = [Location(id="harbour", name="the harbour")]
    shot_list = [
        Shot(
            id=f"s{n}", action=f"Mara walks, beat {n}.", characters=["mara"], location="harbour", duration_frames=frames
        )
        for n in range(1, shots + 1)
    ]
    return Project(
        bible=Bible(title="Bench"),
        characters=cast,
        locations=places,
        shots=shot_list,
        style=Style(width=640, height=360),
    )


def _render(root: Path, shots: int, frames: int, address: str) -> float:
    from story import ProjectFolder
    from tools.render.engine import render_shots
    from tools.render.ray_executor import RayExecutor

    folder = ProjectFolder.create(root, _project(shots, frames))
    started = time.perf_counter()
    report = render_shots(folder, folder.load(), executor=RayExecutor(address))
    seconds = time.perf_counter() - started
    assert not report.failed and len(report.rendered) == shots, report
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=int, default=12)
    parser.add_argument("--frames", type=int, default=120)
    args = parser.parse_args()
    from ray.cluster_utils import Cluster

    cluster = Cluster(
        initialize_head=True,
        head_node_args={"num_cpus": 0, "include_dashboard": False, "node_ip_address": "127.0.0.1"},
    )
    cluster.add_node(num_cpus=1, node_ip_address="127.0.0.1")
    cluster.wait_for_nodes()
    try:
        with tempfile.TemporaryDirectory() as scratch:
            _render(Path(scratch) / "warm", 2, 24, cluster.address)  # worker start-up and imports, not measured
            one = _render(Path(scratch) / "one", args.shots, args.frames, cluster.address)
            cluster.add_node(num_cpus=1, node_ip_address="127.0.0.1")
            cluster.wait_for_nodes()
            _render(Path(scratch) / "warm2", 2, 24, cluster.address)
            two = _render(Path(scratch) / "two", args.shots, args.frames, cluster.address)
    finally:
        import ray

        ray.shutdown()
        cluster.shutdown()
    print(f"{args.shots} shots x {args.frames} frames, 640x360, animatic, {os.cpu_count()} cores")
    print(f"1 worker: {one:.2f} s ({args.shots * args.frames / one:.0f} frames/s)")
    print(f"2 workers: {two:.2f} s ({args.shots * args.frames / two:.0f} frames/s)")
    print(f"speed-up 1->2 workers: {one / two:.2f}x")


if __name__ == "__main__":
    main()
