"""Rendering on a real Ray cluster on 127.0.0.1: a head plus two worker nodes as processes.

One cluster serves the whole module (Ray start-up is slow on a small machine). Worker nodes are
killed mid-render to check that takes are not lost, and the `storyreel render --executor ray`
reel is compared frame by frame with the local executor's.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from probing import frames_rgb, probe
from scripted import small_story

from agent.production import Production
from story import Project, ProjectFolder, apply

REPO = Path(__file__).resolve().parent.parent
KILL_FRAMES = 240  # a shot takes long enough that the killed node is mid-shot
RAY_ENV = {
    "RAY_USAGE_STATS_ENABLED": "0",
    "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",  # keeps Ray's own addresses on 127.0.0.1
}
for _name, _value in RAY_ENV.items():  # read by Ray when it is imported, so before importorskip
    os.environ.setdefault(_name, _value)
pytest.importorskip("ray")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A head with no CPUs (it schedules nothing) and two one-CPU worker nodes, all on 127.0.0.1."""
    import ray
    from ray.cluster_utils import Cluster

    local = {"node_ip_address": "127.0.0.1"}
    head = Cluster(initialize_head=True, head_node_args={"num_cpus": 0, "include_dashboard": False, **local})
    for _ in range(2):
        head.add_node(num_cpus=1, **local)
    head.wait_for_nodes()
    assert head.address.startswith("127.0.0.1:"), head.address
    try:
        yield head
    finally:
        ray.shutdown()
        head.shutdown()


def workers(cluster: Any) -> list[Any]:  # noqa: ANN401
    return [node for node in cluster.list_all_nodes() if node is not cluster.head_node]


def restore_two_workers(cluster: Any) -> None:  # noqa: ANN401
    while len(workers(cluster)) < 2:
        cluster.add_node(num_cpus=1, node_ip_address="127.0.0.1")
    cluster.wait_for_nodes()


def planned(root: Path, *, frames: int = 24) -> ProjectFolder:
    """Six shots at 640x360; `frames` long each (long enough that a kill lands mid-shot)."""
    project = apply(Project(), [small_story(shots=6, width=640, height=360)])
    shots = [shot.model_copy(update={"duration_frames": frames}) for shot in project.shots]
    return ProjectFolder.create(root, project.model_copy(update={"shots": shots}))


def executor(cluster: Any, **options: Any) -> Any:  # noqa: ANN401
    from tools.render.ray_executor import RayExecutor

    return RayExecutor(cluster.address, **options)


def children(pid: int) -> list[int]:
    """Process ids whose parent is `pid` (read from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def busy_workers(node: Any) -> list[int]:  # noqa: ANN401
    """The node's worker processes that are running a shot now (Ray titles them after the task)."""
    busy = []
    raylets = node.all_processes.get("raylet") or []  # gone once the node is removed
    for pid in children(raylets[0].process.pid) if raylets else []:
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"render_on_worker" in title:
            busy.append(pid)
    return busy


def kill_after_first_take(cluster: Any, ray_executor: Any) -> tuple[Any, list[int]]:  # noqa: ANN401
    """A progress callback that, once a take has landed, kills a worker node while it is mid-shot."""
    killed: list[int] = []
    lock = threading.Lock()  # progress comes from several render threads

    def progress(label: str, done: int, total: int) -> None:
        with lock:
            kill_a_busy_node()

    def kill_a_busy_node() -> None:
        if killed or not ray_executor.nodes:
            return
        for node in workers(cluster):
            pids = busy_workers(node)
            if pids:
                killed.extend(pids)
                for pid in pids:
                    os.kill(pid, signal.SIGKILL)
                cluster.remove_node(node, allow_graceful=False)
                return

    return progress, killed


def test_a_killed_worker_loses_no_takes(cluster: Any, tmp_path: Path) -> None:
    folder = planned(tmp_path / "film", frames=KILL_FRAMES)
    ray_executor = executor(cluster)
    progress, killed = kill_after_first_take(cluster, ray_executor)
    result = Production.open(folder.root, progress=progress).render(ray_executor)
    try:
        assert killed, "a worker process was killed mid-shot, and its node with it"
        project = folder.load()
        assert result.failed == {}, result.failed
        assert sorted(result.rendered) == [1, 2, 3, 4, 5, 6]
        takes = [shot.takes[-1] for shot in project.shots]
        assert all(not take.failed and (folder.root / take.path).is_file() for take in takes)
        for take in takes:
            assert probe(folder.root / take.path).frames == KILL_FRAMES
        assert probe(result.reel).frames == project.total_frames()  # type: ignore[arg-type]
        assert not list(folder.root.glob("media/shots/*/.*")), "no half-landed take is left"
    finally:
        restore_two_workers(cluster)


def test_a_shot_that_keeps_failing_becomes_the_placeholder(cluster: Any, tmp_path: Path) -> None:
    folder = planned(tmp_path / "film", frames=KILL_FRAMES)
    ray_executor = executor(cluster, max_retries=0)  # the shot on the killed node is not tried again
    progress, killed = kill_after_first_take(cluster, ray_executor)
    try:
        result = Production.open(folder.root, progress=progress).render(ray_executor)
    finally:
        restore_two_workers(cluster)
    assert killed
    assert result.failed, "the shot in flight on the killed node failed"
    assert all("lost on the cluster" in why for why in result.failed.values())
    project = folder.load()
    for number in result.failed:
        take = project.shots[number - 1].takes[-1]
        assert take.failed and take.path.endswith(".failed.mp4") and (folder.root / take.path).is_file()
    assert probe(result.reel).frames == project.total_frames()  # type: ignore[arg-type]
    again = Production.open(folder.root).render(executor(cluster))
    assert sorted(again.rendered) == sorted(result.failed) and again.failed == {}


def test_ctrl_c_cancels_the_shots_still_on_the_cluster(cluster: Any, tmp_path: Path) -> None:
    import ray

    folder = planned(tmp_path / "film", frames=72)
    ray_executor = executor(cluster)

    def interrupt(label: str, done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        Production.open(folder.root, progress=interrupt).render(ray_executor)
    landed = list(folder.root.glob("media/shots/*/*.mp4"))
    assert 1 <= len(landed) < 6, "the render stopped before the remaining shots came home"
    deadline = time.monotonic() + 30
    while ray.available_resources().get("CPU", 0) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert ray.available_resources().get("CPU", 0) == 2, "cancelled tasks gave their workers back"
    time.sleep(2)  # a task that was not cancelled would land nothing now anyway, but its CPU would be busy
    resumed = Production.open(folder.root).render(executor(cluster))
    assert len(resumed.rendered) == 6 - len(landed) and resumed.failed == {}


def reel_hashes(reel: Path) -> list[str]:
    return [hashlib.sha256(frame).hexdigest() for frame in frames_rgb(reel)]


def test_cli_ray_reel_has_the_same_frames_as_local(cluster: Any, tmp_path: Path) -> None:
    local = planned(tmp_path / "local")
    remote = planned(tmp_path / "remote")
    local_result = Production.open(local.root).render()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ui.cli",
            "render",
            str(remote.root),
            "--executor",
            "ray",
            "--ray-address",
            cluster.address,
        ],  # noqa: E501
        capture_output=True,
        text=True,
        cwd=REPO,
        env=os.environ | {"COLUMNS": "200"},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    remote_reel = remote.root / local_result.reel.relative_to(local.root)  # type: ignore[union-attr]
    local_hashes = reel_hashes(local_result.reel)  # type: ignore[arg-type]
    assert len(local_hashes) == local.load().total_frames()
    assert reel_hashes(remote_reel) == local_hashes


def test_unknown_executor_is_a_clear_error() -> None:
    from tools.render.base import RenderError
    from tools.render.executors import get_executor

    with pytest.raises(RenderError, match="unknown executor 'slurm'; known: local, ray"):
        get_executor("slurm")
