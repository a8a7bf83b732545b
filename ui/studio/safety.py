"""What the studio lets in and out: who may connect, which uploads it accepts, which files it serves.

The studio never hands the web server a folder to serve. A file leaves only when a handler has
checked that it lies inside the person's open project; it is then copied into Gradio's cache
under a name derived from its content and a per-process secret, so no other path on the disk
(another project, story.json, agent.sqlite) can be asked for by URL.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

AUTH_ENV = "STORYREEL_STUDIO_AUTH"
LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}
MB = 1024 * 1024


class StudioError(ValueError):
    """A request the studio refuses; the message says why in one line, for the person."""


# Who may connect --------------------------------------------------------------------------------


def bare_host(host: str) -> str:
    """The address without the brackets a URL puts around an IPv6 literal (`[::1]` -> `::1`)."""
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def url_host(host: str) -> str:
    """The address as a URL writes it: an IPv6 literal in brackets (`::1` -> `[::1]`)."""
    host = bare_host(host)
    return f"[{host}]" if ":" in host else host


def is_loopback(host: str) -> bool:
    """True when `host` only accepts connections from this machine."""
    host = bare_host(host)
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_auth(raw: str | None) -> list[tuple[str, str]]:
    """Accounts from `user:pass[,user2:pass2]` (the --auth option or STORYREEL_STUDIO_AUTH)."""
    if raw is None or not raw.strip():
        return []
    accounts = []
    for entry in raw.split(","):
        user, sep, password = entry.strip().partition(":")
        if not sep or not user.strip() or not password:
            raise StudioError(f"auth entry {entry.strip()!r} is not user:password")
        if len(password) < 8:
            raise StudioError(f"the password for {user.strip()!r} is {len(password)} characters; use at least 8")
        accounts.append((user.strip(), password))
    return accounts


def check_binding(host: str, accounts: list[tuple[str, str]]) -> None:
    """Refuse to listen beyond this machine without accounts to log in with."""
    if not is_loopback(host) and not accounts:
        raise StudioError(
            f"--host {host} lets other machines connect; set {AUTH_ENV}=user:password (or --auth) "
            "so they must log in, or keep the default 127.0.0.1"
        )


# Uploads ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadKind:
    """One kind of file a person may upload: its suffixes, size limit and leading bytes."""

    name: str
    suffixes: tuple[str, ...]
    max_bytes: int

    def describe(self) -> str:
        """How the limit reads to a person."""
        return f"{', '.join(self.suffixes)} up to {self.max_bytes // MB} MB"


BRIEF = UploadKind("brief", (".txt", ".fountain", ".md"), 1 * MB)
IMAGE = UploadKind("reference image", (".png", ".jpg", ".jpeg"), 20 * MB)
MUSIC = UploadKind("music", (".wav", ".mp3", ".ogg", ".flac"), 100 * MB)
RECORDING = UploadKind("recording", (".wav", ".mp3", ".ogg", ".flac"), 50 * MB)
UPLOAD_KINDS = {"brief": BRIEF, "image": IMAGE, "music": MUSIC, "recording": RECORDING}
MAX_UPLOAD_BYTES = max(kind.max_bytes for kind in UPLOAD_KINDS.values())


def _looks_like(suffix: str, head: bytes) -> bool:
    """Whether the first bytes match what the suffix promises (a renamed file is refused)."""
    if suffix == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if suffix in {".jpg", ".jpeg"}:
        return head.startswith(b"\xff\xd8\xff")
    if suffix == ".wav":
        return head[:4] == b"RIFF" and head[8:12] == b"WAVE"
    if suffix == ".ogg":
        return head.startswith(b"OggS")
    if suffix == ".flac":
        return head.startswith(b"fLaC")
    if suffix == ".mp3":  # an ID3 tag, or straight into an MPEG audio frame (11 sync bits)
        return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)
    return b"\x00" not in head  # text: the brief reader checks the rest


def check_upload(path: str | Path | None, kind: UploadKind) -> Path:
    """The uploaded file if it is of the kind and within its size; `StudioError` saying why otherwise."""
    if path is None or str(path) == "":
        raise StudioError(f"no {kind.name} file was uploaded")
    source = Path(path)
    suffix = source.suffix.lower()
    if suffix not in kind.suffixes:
        raise StudioError(f"{source.name!r} is not a {kind.name} file; expected {kind.describe()}")
    size = source.stat().st_size
    if size > kind.max_bytes:
        raise StudioError(f"{source.name!r} is {size / MB:.1f} MB; a {kind.name} may be at most {kind.describe()}")
    if size == 0:
        raise StudioError(f"{source.name!r} is empty")
    with source.open("rb") as handle:
        head = handle.read(4096)
    if not _looks_like(suffix, head):
        raise StudioError(f"{source.name!r} is named {suffix} but its contents are not a {kind.name} file")
    if kind is IMAGE:
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(source) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError) as exc:
            raise StudioError(f"{source.name!r} is not a readable image ({exc})") from None
    return source


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str, fallback: str = "file") -> str:
    """A file or folder name with no path, no leading dots and only plain characters."""
    cleaned = _UNSAFE.sub("-", Path(name).name).strip("-.")[:80]
    return cleaned or fallback


def keep_upload(source: Path, project_root: Path, folder: str) -> Path:
    """Copy a checked upload into the project (under `folder`), never over an existing file."""
    target_dir = inside(project_root, project_root / folder)
    target_dir.mkdir(parents=True, exist_ok=True)
    stem, suffix = Path(safe_name(source.name)).stem, source.suffix.lower()
    target = target_dir / f"{stem}{suffix}"
    counter = 2
    while target.exists():
        target = target_dir / f"{stem}-{counter}{suffix}"
        counter += 1
    shutil.copyfile(source, target)
    return target


# Files going out --------------------------------------------------------------------------------


def inside(project_root: Path, path: Path) -> Path:
    """The resolved path if it lies inside the project folder; `StudioError` otherwise."""
    root = Path(project_root).resolve()
    resolved = Path(path).resolve()
    if not resolved.is_relative_to(root):
        raise StudioError(f"{path} is outside the open project; the studio serves only the project's own files")
    return resolved


SERVED = ("story.json", "history", "media", "cut")
"""What the studio reads or hands out from a project; none of it may lead outside the project."""


def check_contained(project_root: Path) -> None:
    """Refuse, in one line, a project whose served parts (cut/, the reel, media/...) link outside it."""
    root = Path(project_root).resolve()
    cut = root / "cut"
    parts = [root / name for name in SERVED]
    if cut.is_dir() and not cut.is_symlink():
        parts += sorted(cut.iterdir())
    for part in parts:
        target = part.resolve()
        if not target.is_relative_to(root):
            shown = part.relative_to(root).as_posix() + ("/" if target.is_dir() else "")
            raise StudioError(
                f"{root.name} cannot be opened: {shown} links outside the project (to {target}); "
                "the studio serves only a project's own files"
            )


def publish(project_root: Path, path: Path) -> str:
    """A copy of a project file in Gradio's cache, for the browser to fetch; refuses files outside the project."""
    from gradio import processing_utils, utils

    resolved = inside(project_root, path)
    if not resolved.is_file():
        raise StudioError(f"{resolved.name} does not exist (yet)")
    return processing_utils.save_file_to_cache(resolved, cache_dir=str(utils.get_upload_folder()))


def studio_cache(*parts: str) -> Path:
    """A folder for the studio's derived files (thumbnails) inside Gradio's cache."""
    from gradio import utils

    folder = Path(utils.get_upload_folder(), "storyreel", *parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def secret_digest(*parts: str) -> str:
    """A digest of `parts` salted with this process's secret, so derived file names cannot be guessed."""
    import hashlib

    from gradio import processing_utils

    digest = hashlib.sha256(processing_utils.hash_seed)
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\x00")
    return digest.hexdigest()[:32]


def disable_analytics() -> None:
    """Gradio must not phone home: set before gradio is first imported."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
