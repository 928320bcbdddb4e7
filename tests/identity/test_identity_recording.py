"""The live check on real recordings (OLR 7, ICP 6; issue 14): test photos animated into takes
(tests/support/recordings.py), encoded with PyAV, decoded and observed by the real face library,
decided by identity.liveness. Each distinct recording is observed once per module (~3-6 s)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from identity.decisions import Check, recording_outcome
from identity.encoder import observe_recording
from identity.liveness import Challenge, ChallengeKind, RecordingObservation
from identity.recording import RecordingUnreadable, decode_recording
from tests.support import recordings
from tests.support.faces import FacePhotos

NOW = datetime.datetime(2026, 12, 6, 2, 0, tzinfo=datetime.UTC)
LEFT_RIGHT: tuple[ChallengeKind, ...] = ("turn_left", "turn_right")

TAKES: dict[str, Callable[[], bytes]] = {
    "live": lambda: recordings.live("obama_1.jpg", LEFT_RIGHT),
    "live_mp4": lambda: recordings.live("obama_1.jpg", ("turn_right", "turn_left"), container="mp4"),
    "impostor": lambda: recordings.live("biden_1.jpg", LEFT_RIGHT),
    "held_photo": lambda: recordings.held_photo("obama_1.jpg", LEFT_RIGHT),
    "probe": lambda: recordings.stills(["obama_1.jpg", "obama_3.jpg", "obama_4.jpg"]),
    "probe_sparse": lambda: recordings.stills(["obama_1.jpg", "obama_3.jpg", "obama_4.jpg"], fps=0.5),
    "spliced": lambda: recordings.spliced(
        recordings.live("obama_1.jpg", ("turn_left",)), recordings.live("obama_3.jpg", ("turn_right",))
    ),
}


@pytest.fixture(scope="module")
def observed() -> Callable[[str], RecordingObservation]:
    """The observation of a named take, made and observed once."""
    cache: dict[str, RecordingObservation] = {}

    def get(name: str) -> RecordingObservation:
        if name not in cache:
            cache[name] = observe_recording(TAKES[name]())
        return cache[name]

    return get


def challenge(*actions: ChallengeKind, issued_s_ago: float = 15.0) -> Challenge:
    """A challenge issued ``issued_s_ago`` before NOW, valid 60 s from then."""
    issued = NOW - datetime.timedelta(seconds=issued_s_ago)
    return Challenge(actions, "nonce", issued, issued + datetime.timedelta(seconds=60))


def outcome(faces: FacePhotos, take: RecordingObservation, asked: Challenge, reference: str = "obama_2.jpg") -> Check:
    """The decision on a take, against a reference photo of the verified person."""
    template = faces.probe(reference).encoding
    assert template is not None
    return recording_outcome(template, asked, take, NOW, 0.6)


def test_olr_7_one_live_take_doing_the_challenge_in_order_verifies(
    observed: Callable[[str], RecordingObservation], faces: FacePhotos
) -> None:
    """A hand-held WebM take turning left then right passes that challenge, and an MP4 (a
    Telegram video note) turning right then left passes the reverse one."""
    live = outcome(faces, observed("live"), challenge(*LEFT_RIGHT))
    assert (live.outcome, live.reason, live.liveness) == ("match", None, "passed:turn_left+turn_right")
    mp4 = outcome(faces, observed("live_mp4"), challenge("turn_right", "turn_left"))
    assert (mp4.outcome, mp4.reason) == ("match", None)


def test_olr_7_the_issue_14_probe_of_separate_stills_is_refused(
    observed: Callable[[str], RecordingObservation], faces: FacePhotos
) -> None:
    """Issue 14's attack: three public photos of the person, frontal then more and more turned.
    Shown one after the other in a video they are a cut; one frame every 2 s, not continuous."""
    assert outcome(faces, observed("probe"), challenge(*LEFT_RIGHT)).reason == "cut"
    assert outcome(faces, observed("probe_sparse"), challenge(*LEFT_RIGHT)).reason == "not_continuous"


def test_olr_7_a_photo_held_to_the_camera_and_tilted_is_refused_as_flat(
    observed: Callable[[str], RecordingObservation], faces: FacePhotos
) -> None:
    """A printed photo tilted left then right as asked, in one continuous take: flat_face."""
    assert outcome(faces, observed("held_photo"), challenge(*LEFT_RIGHT)).reason == "flat_face"


def test_olr_7_a_replayed_recording_of_another_challenge_is_refused(
    observed: Callable[[str], RecordingObservation], faces: FacePhotos
) -> None:
    """The left-then-right take sent for right-then-left, or for a turn and a blink, fails."""
    assert outcome(faces, observed("live"), challenge("turn_right", "turn_left")).reason == "wrong_order"
    assert outcome(faces, observed("live"), challenge("turn_left", "blink")).reason == "no_blink"
    assert outcome(faces, observed("live"), challenge("blink", "turn_right")).reason == "no_blink"


def test_olr_7_a_recording_older_than_the_challenge_is_refused(
    observed: Callable[[str], RecordingObservation], faces: FacePhotos
) -> None:
    """The 3.8 s take arriving 1 s after the challenge was issued began before it."""
    stale = outcome(faces, observed("live"), challenge(*LEFT_RIGHT, issued_s_ago=1.0))
    assert (stale.outcome, stale.reason) == ("no_match", "recorded_before_challenge")


def test_olr_7_two_takes_cut_together_are_refused(
    observed: Callable[[str], RecordingObservation], faces: FacePhotos
) -> None:
    """A left turn from one take and a right turn from another, spliced: a cut."""
    assert outcome(faces, observed("spliced"), challenge(*LEFT_RIGHT)).reason == "cut"


def test_olr_7_another_persons_live_take_is_not_the_verified_person(
    observed: Callable[[str], RecordingObservation], faces: FacePhotos
) -> None:
    """Biden doing the challenge live against Obama's reference: not_same_person."""
    impostor = outcome(faces, observed("impostor"), challenge(*LEFT_RIGHT))
    assert (impostor.outcome, impostor.reason) == ("no_match", "not_same_person")


def test_the_take_is_measured_over_every_frame(observed: Callable[[str], RecordingObservation]) -> None:
    """Every frame is decoded (39 at 10 fps), one size, 0.1 s apart, ~10 sampled a second, four
    of them encoded; the measured change between frames stays under the cut limit."""
    take = observed("live")
    assert (take.frame_count, take.sizes, take.largest_gap) == (39, ((640, 480),), pytest.approx(0.1))
    assert len(take.frames) == 39 and sum(f.seen.encoding is not None for f in take.frames) == 4
    assert take.largest_change < 8


def test_a_file_that_is_not_a_video_is_unreadable_and_a_still_picture_is_too_short(faces: FacePhotos) -> None:
    """Nothing, or bytes that only start like WebM, are unreadable. FFmpeg reads a JPEG as a
    video of one frame (the HTTP route refuses it first, by its first bytes): far too short."""
    for data in (b"", b"\x1a\x45\xdf\xa3 not really"):
        with pytest.raises(RecordingUnreadable):
            decode_recording(data, 15)
    still = decode_recording(faces.raw("obama_1.jpg"), 15).continuity
    assert still is not None and (still.frame_count, still.duration) == (1, 0.0)
    assert outcome(faces, observe_recording(faces.raw("obama_1.jpg")), challenge(*LEFT_RIGHT)).reason == "too_short"
