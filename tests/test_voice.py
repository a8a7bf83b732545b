"""Scratch voices: espeak-ng (the library from the espeakng-loader wheel) speaks each line at its
time in its shot, one remembered voice per character, a person's recording replaces a line,
and a new voice backend plugs in by the same door."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import wave
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from listening import dominant_hz, new_film, reel_audio, rms, talking_story, tone, write_wav

from story import CharacterChanges, Project, UpdateCharacter, VoiceChoice
from tools.media.audio import RATE
from tools.voice.base import SpeechRequest, Voice, VoiceError, get_voice, known_voices, register
from tools.voice.casting import cast_voices, choose_voice, voice_edits
from tools.voice.espeak import FEMALE_VARIANTS
from tools.voice.lines import GAP, LEAD_IN

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _no_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYREEL_MEMORY", "off")


@pytest.fixture(scope="module")
def film(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One rendered project with dialogue, shared by the read-only checks."""
    with pytest.MonkeyPatch.context() as patch:  # module-wide, and given back after (other files need memory)
        patch.setenv("STORYREEL_MEMORY", "off")
        production = new_film(tmp_path_factory.mktemp("voice") / "film", talking_story(short_shot=True))
        production.close()
    return production.folder.root


def test_speech_is_heard_at_each_lines_time_and_silence_elsewhere(film: Path) -> None:
    sound = reel_audio(film / "cut" / "storyreel.mp4")
    # shot 1 (0-1 s) has no lines; shot 2 starts at 1 s, its line LEAD_IN later
    assert rms(sound, 0.0, 1.0 + LEAD_IN - 0.02) < 1e-3
    first = 1.0 + LEAD_IN
    assert rms(sound, first, first + 0.4) > 0.05
    # shot 3 starts at 4 s: Tomas first, then Mara after his line and the gap
    assert rms(sound, 4.0, 4.0 + LEAD_IN - 0.02) < 1e-3
    assert rms(sound, 4.0 + LEAD_IN, 4.0 + LEAD_IN + 0.4) > 0.05
    subtitles = (film / "cut" / "storyreel.srt").read_text()
    assert "MARA: Is anyone out there?" in subtitles and "TOMAS: Only the gulls." in subtitles


def test_a_shot_too_short_for_its_lines_is_reported_with_the_seconds_it_needs(tmp_path: Path) -> None:
    production = new_film(tmp_path / "film", talking_story(short_shot=True))
    result = production.render()
    warnings = [w for w in result.warnings if "too short" in w]
    assert len(warnings) == 1 and warnings[0].startswith("shot 4 is too short for its lines")
    needed = float(warnings[0].split("need ")[1].split("s")[0])
    assert needed > 1.5 and "the shot is 0.5s" in warnings[0]


def test_each_character_gets_a_distinct_voice_that_is_kept(film: Path) -> None:
    data = json.loads((film / "story.json").read_text())
    voices = {c["id"]: c["voice"] for c in data["characters"]}
    assert voices["mara"] and voices["tomas"] and voices["mara"]["name"] != voices["tomas"]["name"]
    assert voices["mara"]["name"].split("+")[1] in FEMALE_VARIANTS  # "a young woman"
    assert voices["tomas"]["pitch"] < voices["mara"]["pitch"]  # old man, young woman
    project = Project.model_validate(data)
    assert voice_edits(project) == []  # nothing left to cast
    assert cast_voices(project)["mara"] == VoiceChoice.model_validate(voices["mara"])


def test_casting_is_deterministic_and_avoids_taken_voices() -> None:
    project = Project.model_validate({"characters": [{"id": f"p{n}", "name": f"P{n}"} for n in range(12)]})
    first, second = cast_voices(project), cast_voices(project)
    assert first == second
    assert len({v.name for v in first.values()}) == 12  # 12 variants for 12 people: all different
    assert choose_voice(project.characters[0], set()) == choose_voice(project.characters[0], set())


def test_renaming_keeps_the_voice_and_does_not_redraw_for_a_voice_change(tmp_path: Path) -> None:
    production = new_film(tmp_path / "film", talking_story())
    before = production.project
    voice = before.character("mara").voice
    changed = VoiceChoice(name="en+f5", pitch=70, speed=200)
    result = production.apply(
        [UpdateCharacter(character_id="mara", changes=CharacterChanges(name="Marta", voice=changed))], message="x"
    )
    after = production.project
    assert after.character("mara").voice == changed != voice
    assert "Mara: voice" in " ".join(result.changes)
    # a voice is heard, not seen: only the shots whose captions show her name are drawn again
    assert sorted(result.rendered) == [2, 3]


class ToneVoice(Voice):
    """A test backend: every line is a 660 Hz tone, a second long."""

    name = "test-tone"

    def speak(self, request: SpeechRequest) -> None:
        self.check_inputs(request)
        write_wav(request.output, tone(660, 1.0))


def test_a_new_voice_backend_plugs_in_by_the_same_door(tmp_path: Path) -> None:
    register(ToneVoice)
    assert "test-tone" in known_voices() and "espeak" in known_voices()
    production = new_film(tmp_path / "film", talking_story())
    changes = CharacterChanges(voice=VoiceChoice(backend="test-tone", name="any"))
    production.apply([UpdateCharacter(character_id="mara", changes=changes)], message="mara sounds like a tone")
    sound = reel_audio(production.folder.root / "cut" / "storyreel.mp4")
    assert abs(dominant_hz(sound, 1.0 + LEAD_IN + 0.1, 1.0 + LEAD_IN + 0.9) - 660) < 10


def test_an_unknown_voice_backend_lists_the_known_ones() -> None:
    with pytest.raises(VoiceError, match="unknown voice backend 'nope'; known: .*espeak"):
        get_voice("nope")


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=os.environ | {"COLUMNS": "200", "STORYREEL_MEMORY": "off"},
    )


def test_a_persons_recording_replaces_the_scratch_voice(tmp_path: Path) -> None:
    production = new_film(tmp_path / "film", talking_story())
    root = production.folder.root
    production.close()
    recording = write_wav(tmp_path / "my take.wav", tone(440, 1.2))
    done = run_cli("voice", root, "3", "2", recording)
    assert done.returncode == 0, done.stderr
    line = json.loads((root / "story.json").read_text())["shots"][2]["dialogue"][1]
    assert line["recording"].startswith("media/voice/s3-line2-") and (root / line["recording"]).is_file()
    sound = reel_audio(root / "cut" / "storyreel.mp4")
    srt = (root / "cut" / "storyreel.srt").read_text().split("\n\n")[2]  # the third subtitle: Mara's line in shot 3
    start = srt.splitlines()[1].split(" --> ")[0]
    hours, minutes, rest = start.split(":")
    at = int(hours) * 3600 + int(minutes) * 60 + float(rest.replace(",", "."))
    assert abs(dominant_hz(sound, at + 0.1, at + 1.0) - 440) < 10
    assert at == pytest.approx(4.0 + LEAD_IN + GAP + 0.5, abs=1.5)  # after Tomas's line in shot 3


def test_a_bad_recording_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    production = new_film(tmp_path / "film", talking_story())
    root = production.folder.root
    production.close()
    before = (root / "story.json").read_bytes()
    fake = tmp_path / "line.wav"
    fake.write_text("this is not audio")
    done = run_cli("voice", root, "2", "1", fake)
    assert done.returncode == 2 and "line.wav is not an audio file" in done.stderr
    wrong = run_cli("voice", root, "2", "3", fake)
    assert wrong.returncode == 2 and "shot 2 has 1 line of dialogue, not 3" in wrong.stderr
    assert (root / "story.json").read_bytes() == before
    assert [p.name for p in (root / "media" / "voice").iterdir()] == ["scratch"]


def test_espeak_speaks_whispers_quieter_but_audibly(tmp_path: Path) -> None:
    voice = get_voice("espeak")
    choice = VoiceChoice(name="en+m3")
    for name, how in (("plain.wav", ""), ("whisper.wav", "whispering")):
        request = SpeechRequest(text="Keep your voice down.", voice=choice, output=tmp_path / name, parenthetical=how)
        voice.speak(request)
    from tools.media.audio import decode_audio

    plain, whisper = decode_audio(tmp_path / "plain.wav")[:, 0], decode_audio(tmp_path / "whisper.wav")[:, 0]
    assert len(plain) > RATE * 0.5 and float(np.abs(whisper).max()) > 0.01
    assert not np.array_equal(plain[: len(whisper)], whisper[: len(plain)])


def test_the_director_makes_room_for_the_lines_of_a_short_shot(tmp_path: Path) -> None:
    production = new_film(tmp_path / "film", talking_story(short_shot=True))
    from agent.offline import OfflineDirector

    direction = OfflineDirector().turn(production.project, "make room for the lines")
    assert direction.action == "edit" and "shot 4 0.5s ->" in direction.reply
    result = production.apply(direction.edits, message="make room for the lines", reply=direction.reply)
    assert result.changes and all("shot 4: duration" in line for line in result.changes)
    assert not [w for w in result.warnings if "too short" in w]
    again = OfflineDirector().turn(production.project, "make room for the lines")
    assert again.edits == [] and "already has room" in again.reply


def test_without_espeak_the_reel_still_assembles_and_says_why_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STORYREEL_ESPEAK", str(tmp_path / "no-espeak-here"))
    production = new_film(tmp_path / "film", talking_story())
    result = production.render()
    silent = [w for w in result.warnings if "silent" in w]
    assert len(silent) == 1 and silent[0].startswith("3 lines (2.1, 3.1, 3.2) silent: STORYREEL_ESPEAK=")
    assert result.reel is not None and rms(reel_audio(result.reel), 0, 5) < 1e-4


def test_the_director_changes_a_voice_in_words(tmp_path: Path) -> None:
    from agent.offline import OfflineDirector

    production = new_film(tmp_path / "film", talking_story())
    before = production.project.character("tomas").voice
    assert before is not None
    direction = OfflineDirector().turn(production.project, "give Tomas a deeper voice")
    result = production.apply(direction.edits, message="deeper")
    after = production.project.character("tomas").voice
    assert after is not None and after.pitch == max(0, before.pitch - 15) and after.name == before.name
    assert result.rendered == []  # heard, not seen: no shot is drawn again
    faster = OfflineDirector().turn(production.project, "mara speaks faster")
    assert "Mara's voice faster" in faster.reply
    assert OfflineDirector().turn(production.project, "make shot 2 slower").edits[0].op == "update_shot"


def spoken_bytes(voice: Voice, tmp_path: Path, name: str, text: str, choice: VoiceChoice, how: str = "") -> bytes:
    output = tmp_path / name
    voice.speak(SpeechRequest(text=text, voice=choice, output=output, parenthetical=how))
    return output.read_bytes()


def test_the_wheels_espeak_says_a_line_the_same_way_every_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng program anywhere: the wheel's library speaks
    voice, mara = get_voice("espeak"), VoiceChoice(name="en+f3", pitch=55, speed=165)
    first = spoken_bytes(voice, tmp_path, "a.wav", "Is anyone out there?", mara)
    spoken_bytes(voice, tmp_path, "other.wav", "Something else, said by someone else.", VoiceChoice(name="en+m7"))
    assert spoken_bytes(voice, tmp_path, "b.wav", "Is anyone out there?", mara) == first
    whispered = spoken_bytes(voice, tmp_path, "w1.wav", "Keep your voice down.", mara, "whispering")
    assert spoken_bytes(voice, tmp_path, "w2.wav", "Keep your voice down.", mara, "whispering") == whispered
    assert spoken_bytes(voice, tmp_path, "c.wav", "Is anyone out there?", VoiceChoice(name="en+m3")) != first
    with wave.open(str(tmp_path / "a.wav"), "rb") as stream:
        assert (stream.getframerate(), stream.getnchannels(), stream.getsampwidth()) == (22050, 1, 2)
        assert 0.8 < stream.getnframes() / 22050 < 3.0
    assert not list(tmp_path.glob(".*.partial"))


def test_the_library_speaks_one_line_at_a_time_from_many_threads(tmp_path: Path) -> None:
    voice, choice = get_voice("espeak"), VoiceChoice(name="en+m2")
    alone = spoken_bytes(voice, tmp_path, "alone.wav", "Only the gulls.", choice)
    with ThreadPoolExecutor(4) as pool:
        made = list(pool.map(lambda n: spoken_bytes(voice, tmp_path, f"t{n}.wav", "Only the gulls.", choice), range(8)))
    assert made == [alone] * 8


def test_an_unknown_espeak_voice_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(VoiceError, match="espeak-ng has no voice 'xx\\+nobody'"):
        spoken_bytes(get_voice("espeak"), tmp_path, "x.wav", "Hello.", VoiceChoice(name="xx+nobody"))
    assert not list(tmp_path.iterdir())


def test_an_espeak_ng_program_given_by_name_is_run_instead_of_the_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    program = tmp_path / "my-espeak"  # writes a 0.5 s 440 Hz tone where -w says, and the arguments beside it
    program.write_text(
        f"#!{sys.executable}\n"
        "import sys, wave, math\n"
        "out = sys.argv[sys.argv.index('-w') + 1]\n"
        "open(out + '.args', 'w').write(' '.join(sys.argv[1:]) + '|' + sys.stdin.read())\n"
        "with wave.open(out, 'wb') as w:\n"
        "    w.setnchannels(1); w.setsampwidth(2); w.setframerate(22050)\n"
        "    w.writeframes(b''.join(int(9000 * math.sin(6.2832 * 440 * n / 22050)).to_bytes(2, 'little', signed=True)"
        " for n in range(11025)))\n"
    )
    program.chmod(0o755)
    monkeypatch.setenv("STORYREEL_ESPEAK", str(program))
    sound = spoken_bytes(get_voice("espeak"), tmp_path, "line.wav", "-v nonsense", VoiceChoice(name="en+f2", pitch=40))
    assert len(sound) == 44 + 11025 * 2
    args = next(tmp_path.glob(".line.wav.partial.args")).read_text()
    assert args.startswith("-v en+f2 -p 40 -s 165 -a 120 -g 0 -w ") and args.endswith("--stdin|-v nonsense")
