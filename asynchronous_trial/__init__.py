"""The asynchronous trial: from the defendant's answer to a closed record (DOMAIN §3, §8, §10).

In an asynchronous trial the parties and the judge take part at different times, each within a
window: the court asks, each party answers from its phone when it can before the window closes,
and the judge follows the record as it grows. Nobody has to be online at the same moment.

How a case gets here. The filing flow ends where the defendant has joined online or been served
offline. Its stage there names `next_flow: trial` (filing v4), and the kernel hands the case over
in the same command: the newest version of the trial flow starts with the filing's data (parties,
claims, track, case number) and the case stays pinned to that version (`court.handover`). Cases
that were already waiting at the end of filing v3 are queued by migration 0011 and handed over by
the deadline sweeper, through the same service layer.

What happens, as data in `flows/definitions/trial.v1.yaml` (texts in `flows/texts/{zh,en}.yaml`):

1. Answer (CPL 128, 130). Within 15 days the defendant admits, partly admits or disputes the
   claims (with reasons), may object to the court's jurisdiction (only then: the objection waits
   for the judge's ruling), may counterclaim (a counterclaim takes a small-claims case to summary
   procedure, CPL 166) and uploads evidence, hashed on receipt. If the period ends in silence the
   record says "no answer" and the case goes on; silence is never an admission. Either way the
   plaintiff and the court are told what the defendant said.

2. Mode, per stage (OLR 4, 5, 20(1), 21). Before the evidence exchange each party is asked whether
   it agrees to take part asynchronously. Everyone agrees: asynchronous. Anyone refuses, or does not
   say in time: the case waits at LIVE_HEARING_PENDING (the clerk is told why). During the exchange a
   party may withdraw its consent; the stage then goes live, and what was done stays on the record.
   In version 2 that is possible at any point of any asynchronous stage (the exchange, the inquiry,
   the hearing and the consents before them), and the assigned judge may order the same with
   reasons: the signals `async_consent_withdrawn` and `live_hearing_ordered` (`court.live`), which
   those stages route to their live-hearing stage; `mode_live` and `hearing.live` record who, when,
   which stage and that what was done stays valid (OLR 5, 21).

3. Evidence exchange (OLR 12-16, CPL 68). Each party goes through the other side's evidence item by
   item (the engine's `for_each` loop), each shown with its SHA-256 and when the court received it:
   accept, dispute (authenticity, legality or relevance, with reasons) or ask for the original; then
   it may attach counter-evidence. Items the other side accepted are marked undisputed; the judge
   reads every item's opinions (`formatters.opinions`).

4. Inquiry rounds (trial v2; OLR 20(1), DOMAIN §10). When the exchange closes the assigned judge
   chooses what comes next (`next_act`). For an inquiry each party is first asked, once per case,
   whether it agrees to an asynchronous inquiry (a refusal or silence: LIVE_HEARING_PENDING; the
   mode in question is named by `mode_stage`, so `mode_live` records it for the inquiry). The judge
   writes a round (the same questions to both, one party, different questions to each, or a
   follow-up to one answer); each party asked answers each of its questions in the round's window
   (a `for_each` loop over its own questions) by text or one file, hashed on receipt; the judge is
   told as each party finishes; the round closes when all have answered or the window ends ("no
   answer" on each question left). The judge then reviews (JUDGE_REVIEW) and opens another round
   or moves on. `inquiry` holds the actions, guards and validator and documents the rounds' data
   shape, which the record is compiled from; `inquiry_texts` and `inquiry_draft` what the texts show.

5. Asynchronous hearing (OLR 20(2); trial v2, `hearing`). Invited by the judge, it runs
   asynchronously only when every condition holds, each recorded with when and who: small claims
   or summary, a written application, everyone's agreement, the judge's finding that attending at
   one time is genuinely hard, an online exchange or inquiry, the judge's certification that the
   main facts and evidence are undisputed. Any condition failing, then or later (consent withdrawn
   mid-hearing), sends the case to LIVE_HEARING_PENDING with the condition named. Then court
   investigation, debate and final statement, each a window in which every party records a video
   statement, hashed on receipt; silence is "no answer".

6. The record (OLR 34, CPL 150; `confirmation`). The closed record goes to each party, who
   confirms the transcript or asks for corrections within 5 days; the judge accepts or refuses
   each with a reason; silence leaves the record as compiled. The case then waits at DELIBERATION.
   From version 5 (`trial.v5.yaml`, `record_issue`) what the parties confirm is the compiled record
   itself, issued by the court as a signed PDF and served on each; an accepted correction is written
   into it as an amendment (the entry kept, marked amended), and the settled record is issued again.

Windows (DOMAIN §10.3). Every stage that waits for the parties has a deadline: the answer period's
15 days (CPL 128), the consent and exchange windows' 7 days (a court setting, MICROCOURT_TRIAL_WINDOW),
each closing at 23:59:59 court time on the court calendar, with a reminder 24 hours before and the
time left in every prompt (both channels draw the countdown from the prompt's `due_at`). In the
exchange each party may once extend the window by 7 days itself, after a warning that it delays the
case (`self_extension`). A window closing records "no answer" for whoever said nothing
(`record_no_answer`, `exchange_silence`); silence is never an admission.

Version 2 (`trial.v2.yaml`, what changed since version 1; cases on version 1 keep it):

4. The answer period runs from the complaint copy's effective service (CPL 128, 90; OLR 31), 30
   days for a defendant domiciled abroad (CPL 285, `court.domicile`); a copy served outside the chat is
   recorded by the clerk. A late answer is refused with when the period closed and what to do
   (CPL 86, the kernel's `period_closed`). A counterclaim is charged half the fee (FM 18).
5. A jurisdiction objection goes to the assigned judge first (CPL 130): dismissed, the case goes
   on; upheld, it is transferred and ends here. The ruling is served on both parties.
6. The evidence period of the track (CPL 68, EP 51: court settings), in which both sides may add
   evidence and apply, before it ends, for more time; the judge grants or refuses it with
   `DecideMoreTime`, and a grant moves the one period for everyone (EP 54).
7. Late evidence (after the evidence period, e.g. counter-evidence): the party is asked why; when
   the exchange closes the judge excludes each item or admits it with a reprimand (Interp. 102).

Not built yet (issue 13): paying a counterclaim's fee through the payment port.

What this package holds: the flow's actions (`actions`: what an answer or a lapsed period records),
its guards (`guards`), its formatters (`formatters`: what each text shows), the hearing (`hearing`:
its guard, stages and texts) and the record's confirmation (`confirmation`), the service call only
the court can answer (`service_calls`: who the judge is), `judges`, the one place that says who a
case's judge is (the assigned one); who is domiciled abroad is `court.domicile`'s (the appeal uses it too).
`register` adds them all; the kernel does the rest (deadlines, messages, the record).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from asynchronous_trial import (
    actions,
    confirmation,
    formatters,
    guards,
    hearing,
    inquiry,
    inquiry_texts,
    record_issue,
    service_calls,
)
from court.procedures import Procedures


def register(procedures: Procedures, settings: Mapping[str, Any]) -> None:
    """Add the trial's named behaviour to the engine's registry and its service calls to the court."""
    registry = procedures.registry
    registry.actions.update(
        name_judge=actions.name_judge,
        answer_filed=actions.answer_filed,
        record_no_answer=actions.record_no_answer,
        answer_to_court=actions.answer_to_court,
        consent_lapsed=actions.consent_lapsed,
        mode_live=actions.mode_live,
        mode_asynchronous=actions.mode_asynchronous,
        exchange_silence=actions.exchange_silence,
        exchange_closed=actions.exchange_closed,
        record_complaint_service=actions.record_complaint_service,
        counterclaim_fee=actions.counterclaim_fee,
        jurisdiction_ruled=actions.jurisdiction_ruled,
        evidence_period_opened=actions.evidence_period_opened,
        extension_applied_plaintiff=actions.extension_applied_plaintiff,
        extension_applied_defendant=actions.extension_applied_defendant,
        late_evidence_to_judge=actions.late_evidence_to_judge,
        late_evidence_ruled=actions.late_evidence_ruled,
        inquiry_mode_asked=inquiry.mode_asked,
        inquiry_consent_lapsed=actions.consent_lapsed_for("inquiry"),
        inquiry_asynchronous=actions.mode_asynchronous_for("inquiry"),
        inquiry_draft_started=inquiry.draft_started,
        inquiry_round_opened=inquiry.round_opened,
        inquiry_answer_given=inquiry.answer_given,
        inquiry_silence=inquiry.silence,
        inquiry_round_closed=inquiry.round_closed,
    )
    registry.guards.update(
        defendant_abroad=guards.defendant_abroad,
        small_claims_track=guards.small_claims_track,
        summary_track=guards.summary_track,
        jurisdiction_objected=guards.jurisdiction_objected,
        jurisdiction_upheld=guards.jurisdiction_upheld,
        late_evidence_plaintiff=guards.late_evidence_plaintiff,
        late_evidence_defendant=guards.late_evidence_defendant,
        inquiry_agreed=inquiry.agreed,
        inquiry_has_answers=inquiry.has_answers,
        inquiry_follows_an_answer=inquiry.follows_an_answer,
        inquiry_to_each=inquiry.to_each,
        inquiry_for_both=inquiry.for_both,
        inquiry_for_plaintiff=inquiry.for_plaintiff,
    )
    registry.validators.update(inquiry_questions=inquiry.questions)
    registry.signals.update(judge_named=actions.judge_named)
    registry.formatters.update(
        trial_reference=formatters.trial_reference,
        claims=formatters.claims,
        answer_notice=formatters.answer_notice,
        mode_notice=formatters.mode_notice,
        evidence_of_plaintiff=formatters.evidence_of_plaintiff,
        evidence_of_defendant=formatters.evidence_of_defendant,
        exchange_notice=formatters.exchange_notice,
        evidence_item=formatters.evidence_item,
        evidence_period_notice=formatters.evidence_period_notice,
        jurisdiction_notice=formatters.jurisdiction_notice,
        late_question_plaintiff=formatters.late_question_plaintiff,
        late_question_defendant=formatters.late_question_defendant,
        late_item=formatters.late_item,
        inquiry_review=inquiry_texts.inquiry_review,
        inquiry_follow=inquiry_texts.inquiry_follow,
        inquiry_draft=inquiry_texts.inquiry_draft,
        inquiry_questions_to_plaintiff=inquiry_texts.inquiry_questions_to_plaintiff,
        inquiry_questions_to_defendant=inquiry_texts.inquiry_questions_to_defendant,
        inquiry_question=inquiry_texts.inquiry_question,
    )
    procedures.service_call("name_judge", service_calls.name_judge)
    _register_hearing(procedures)


def _register_hearing(procedures: Procedures) -> None:
    """The asynchronous hearing (OLR 20(2)), the record's confirmation (OLR 34, CPL 150), deliberation."""
    registry = procedures.registry
    registry.actions.update(
        hearing_invited=hearing.invited,
        hearing_check=hearing.check,
        hearing_application_lapsed=hearing.application_lapsed,
        hearing_opened=hearing.opened,
        hearing_live=hearing.live,
        hearing_stated=hearing.stated,
        **{f"{stage}_silence": hearing.silence(stage) for stage in hearing.STAGES},
        record_closed=confirmation.closed,
        record_answered=confirmation.answered,
        record_silence=confirmation.silence,
        corrections_to_parties=confirmation.corrections_to_parties,
        correction_ruled=confirmation.ruled,
        deliberation=confirmation.deliberation,
        record_issue=confirmation.issue,
        record_served=confirmation.served,
        record_settle=confirmation.settle,
    )
    registry.guards.update(hearing_failed=hearing.failed, hearing_impossible=hearing.impossible)
    registry.validators.update(video_statement=hearing.video_statement)
    registry.formatters.update(
        hearing_invitation=hearing.invitation,
        hearing_live_notice=hearing.live_notice,
        **{f"{stage}_notice": hearing.stage_notice(stage) for stage in hearing.STAGES},
        record_transcript=confirmation.record_transcript,
        correction_item=confirmation.correction_item,
        record_outcome=confirmation.record_outcome,
        record_issued_transcript=confirmation.record_issued_transcript,
    )
    procedures.service_call("issue_record", record_issue.issue_record)
