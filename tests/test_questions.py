"""Questions about the story answered offline, from story.json, changing nothing."""

from __future__ import annotations

import pytest
from conftest import small_project

from agent.offline import OfflineDirector
from story import DialogueLine


def asked(question: str):
    project = small_project()
    plan = OfflineDirector().turn(project, question)
    assert plan.edits == [] and plan.action == "none"
    return plan


@pytest.mark.parametrize(
    ("question", "needle"),
    [
        ("who is in shot 2?", "Shot 2: Mara."),
        ("Who's in the last shot", "shot 5"),
        ("who speaks in shot 3?", "In shot 3: Tom."),
        ("what happens in shot 3?", "Tom looks up from his nets."),
        ("what does Tom say?", "“You came back.”"),
        ("where is shot 1?", "Shot 1: the harbour, day."),
        ("which shots is Mara in?", "Mara is in shot"),
        ("how long is the film?", "in all (5 shots)"),
        ("how long is shot 2", "Shot 2 runs 4.0s."),
        ("how many shots are there?", "5 shots."),
        ("how many characters?", "2: Mara and Tom."),
    ],
)
def test_a_question_about_the_story_is_answered_from_it(question: str, needle: str) -> None:
    plan = asked(question)
    assert needle in plan.reply and not plan.refused, plan.reply


def test_a_question_about_a_shot_that_is_not_there_says_which_there_are() -> None:
    plan = OfflineDirector().turn(small_project(), "who is in shot 9?")
    assert plan.refused and "There is no shot 9" in plan.reply and plan.edits == []


def test_an_instruction_is_still_an_instruction() -> None:
    plan = OfflineDirector().turn(small_project(), "make shot 2 a close-up")
    assert plan.edits and plan.action == "edit"


def test_who_speaks_names_each_speaker_once() -> None:
    project = small_project()
    shot = project.shots[2]
    more = [*shot.dialogue, DialogueLine(speaker="mara", text="I did."), DialogueLine(speaker="tom", text="Why?")]
    shots = [*project.shots[:2], shot.model_copy(update={"dialogue": more}), *project.shots[3:]]
    project = project.model_copy(update={"shots": shots})
    plan = OfflineDirector().turn(project, "who talks in shot 3")
    assert plan.reply == "In shot 3: Tom and Mara."


@pytest.mark.parametrize(
    "message",
    ["show me two versions of the first shot", "what if we try three takes of shot 2?", "can you surprise me?"],
)
def test_a_request_for_work_is_not_taken_for_a_question(message: str) -> None:
    from agent.offline.questions import answer

    assert answer(small_project(), message) is None
