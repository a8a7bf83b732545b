"""storyreel's vector memory: what a project (and its person) has told us, recalled by meaning.

- `ProjectMemory(root)`: characters, locations, style, shots and decisions of one project in
  chromadb under `root/memory/`; `sync(project)` after every revision, undo and redo;
  `recall(query, kinds=..., k=..., where=...)`; `resolve_character` / `resolve_location`;
  `canonical_description`; `remember(note)`; `rebuild(project)` / `ProjectMemory.recover`.
- `PreferenceStore()`: the person's taste across projects, in their data folder
  (`$STORYREEL_DATA_DIR` overrides it).

Importing this package is cheap: chromadb and the embedding model load on first use.
"""

from memory.chroma import Hit, MemoryCorrupt, MemoryStoreError
from memory.documents import PROJECT_KINDS, canonical_text, project_memos
from memory.preferences import DATA_DIR_ENV, PreferenceStore, data_dir
from memory.store import DECISIONS_FILE, MEMORY_DIR, RESOLVE_THRESHOLD, ProjectMemory, SyncReport

__all__ = [
    "DATA_DIR_ENV",
    "DECISIONS_FILE",
    "MEMORY_DIR",
    "PROJECT_KINDS",
    "RESOLVE_THRESHOLD",
    "Hit",
    "MemoryCorrupt",
    "MemoryStoreError",
    "PreferenceStore",
    "ProjectMemory",
    "SyncReport",
    "canonical_text",
    "data_dir",
    "project_memos",
]
