"""False-accept and false-reject rates of the live check on recordings made from the test photos.

For every test photo of a person with another photo (the reference), the script makes takes
with tests/support/recordings.py (encoded with PyAV, decoded and observed by the real face
library, decided by identity.liveness through identity.decisions.recording_outcome):

- genuine: a hand-held live take turning left then right (WebM/VP8), and right then left
  (MP4/H.264, as a Telegram video note), each against its own challenge: should verify;
- attacks, each should be refused: the photo held to the camera and tilted as asked; the
  issue's probe (this photo and the person's other photos shown in turn, as a video); the
  live take replayed for the reverse challenge; the live take arriving 1 s after its challenge
  (recorded before it); the live take against another person's reference.

It prints every trial and the rates: false rejects / genuine trials, false accepts / attacks.
Also the time to decide one recording against decoding it alone (bench/face_verify.py has the
still-photo figures). Usage: ``python bench/liveness_rates.py``
"""

from __future__ import annotations

import datetime
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from identity.decisions import recording_outcome
from identity.encoder import encode_image, observe_recording
from identity.liveness import Challenge, ChallengeKind, RecordingObservation
from identity.recording import decode_recording
from tests.support import recordings
from tests.support.faces import FACES

PEOPLE = {
    "obama": ["obama_1.jpg", "obama_2.jpg", "obama_3.jpg", "obama_4.jpg", "obama_5_480p.jpg"],
    "biden": ["biden_1.jpg", "biden_2.jpg"],
    "lacamoire": ["lacamoire_1.jpg", "lacamoire_2.jpg", "lacamoire_3.png"],
}
NOW = datetime.datetime(2026, 12, 6, 2, 0, tzinfo=datetime.UTC)
LR: tuple[ChallengeKind, ...] = ("turn_left", "turn_right")
RL: tuple[ChallengeKind, ...] = ("turn_right", "turn_left")


def challenge(actions: tuple[ChallengeKind, ...], issued_s_ago: float = 15.0) -> Challenge:
    issued = NOW - datetime.timedelta(seconds=issued_s_ago)
    return Challenge(actions, "bench", issued, issued + datetime.timedelta(seconds=60))


def main() -> None:
    templates = {}
    for names in PEOPLE.values():
        for name in names:
            probe = encode_image((FACES / name).read_bytes())
            if probe.encoding is not None:
                templates[name] = probe.encoding
    genuine: list[tuple[str, bool, str | None]] = []
    attacks: list[tuple[str, bool, str | None]] = []
    decide_s: list[float] = []
    decode_s: list[float] = []

    def judge(label: str, take: RecordingObservation, asked: Challenge, reference: str, into: list) -> None:
        check = recording_outcome(templates[reference], asked, take, NOW, 0.6)
        into.append((label, check.outcome == "match", check.reason))
        print(f"{label:55s} {check.outcome:10s} {check.reason}", flush=True)

    for person, names in PEOPLE.items():
        for name in names:
            others = [n for n in names if n != name and n in templates]
            stranger = next(n for p, ns in PEOPLE.items() if p != person for n in ns if n in templates)
            try:
                recordings.portrait_of(name)
            except AssertionError:
                print(f"{name}: no single face found for a portrait, left out", flush=True)
                continue
            video = recordings.live(name, LR)
            started = time.perf_counter()
            decode_recording(video, 15)
            decode_s.append(time.perf_counter() - started)
            started = time.perf_counter()
            live = observe_recording(video)
            decide_s.append(time.perf_counter() - started)
            live_mp4 = observe_recording(recordings.live(name, RL, container="mp4"))
            held = observe_recording(recordings.held_photo(name, LR))
            judge(f"{name} live L>R webm", live, challenge(LR), others[0], genuine)
            judge(f"{name} live R>L mp4", live_mp4, challenge(RL), others[0], genuine)
            judge(f"{name} held photo tilted L>R", held, challenge(LR), others[0], attacks)
            judge(f"{name} live L>R replayed for R>L", live, challenge(RL), others[0], attacks)
            judge(f"{name} live L>R, challenge 1 s old", live, challenge(LR, 1.0), others[0], attacks)
            judge(f"{name} live L>R as {stranger}", live, challenge(LR), stranger, attacks)
            if len(names) >= 3:
                probe = observe_recording(recordings.stills([name, *others[:2]]))
                judge(f"{name} probe: stills in turn", probe, challenge(LR), others[0], attacks)
    rejected = sum(not passed for _, passed, _ in genuine)
    accepted = sum(passed for _, passed, _ in attacks)
    print(f"false rejects: {rejected}/{len(genuine)}; false accepts: {accepted}/{len(attacks)}")
    print(
        f"one 3.8 s 640x480 recording: decide median {statistics.median(decide_s):.2f} s, "
        f"decode alone {statistics.median(decode_s):.3f} s"
    )


if __name__ == "__main__":
    main()
