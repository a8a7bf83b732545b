"""storyreel's domain: the typed story, its edits, and the project folder on disk.

Imports nothing of ours and no heavy library, so anything may depend on it cheaply.
"""

from story.edits import (
    AddCharacter,
    AddLocation,
    AddShot,
    AnyEdit,
    CharacterChanges,
    ChooseTake,
    EditError,
    MoveShot,
    RecordCut,
    RecordTake,
    RemoveShot,
    ReplaceStory,
    RequestTakes,
    SetBackend,
    SetBible,
    SetBudget,
    SetMusic,
    SetStyle,
    ShotChanges,
    UpdateCharacter,
    UpdateShot,
    apply,
    describe_changes,
)
from story.folder import NotAProject, NothingToUndo, ProjectError, ProjectFolder, dump_project, parse_project
from story.model import (
    Angle,
    Bible,
    Character,
    Cut,
    DialogueLine,
    Location,
    MissingTake,
    Movement,
    Music,
    Project,
    Shot,
    ShotSize,
    Style,
    Take,
    TimeOfDay,
    Transition,
    VoiceChoice,
)

__all__ = [
    "AddCharacter", "AddLocation", "AddShot", "Angle", "AnyEdit", "Bible", "Character", "CharacterChanges",
    "ChooseTake", "Cut", "DialogueLine", "EditError", "Location", "MissingTake", "MoveShot", "Movement",
    "NotAProject", "NothingToUndo", "Project", "ProjectError", "ProjectFolder", "RecordCut", "RecordTake",
    "RemoveShot", "ReplaceStory", "RequestTakes", "SetBackend", "SetBudget", "SetBible", "SetMusic", "SetStyle",
    "Shot", "ShotChanges", "ShotSize", "Style", "Take", "TimeOfDay", "Transition", "UpdateCharacter", "UpdateShot",
    "VoiceChoice", "Music", "apply", "describe_changes", "dump_project", "parse_project",
]
