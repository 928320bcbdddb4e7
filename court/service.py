"""The service layer: the one write path. Each command is one transaction with the case locked.

load case -> flows.engine.advance(...) -> write state, outbox rows, deadlines and the record
-> commit -> after commit: kick the dispatcher, start payments.

The steps live beside it: `decisions` (the engine and its service calls), `writes` (state, outbox,
deadlines, record), `access` (who takes part), `invitations`, `evidence`, `cases`, `deadlines`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from court import e_service, judges, judgment_drafts
from court.access import People, case_for, court_case, prompt_of, ruling_refusal, who_acted
from court.accounts import first_time
from court.blobs import BlobStore
from court.cases import new_case
from court.commands import (
    AcknowledgeService,
    AnswerPrompt,
    ApplyForMoreTime,
    ApplyToWithdraw,
    ConfirmPayment,
    DecideMoreTime,
    ExtendDeadline,
    IssueDocument,
    JoinCase,
    OpenCase,
    OrderLiveHearing,
    ReassignJudge,
    RefuseWithdrawal,
    SaveJudgmentDraft,
    SignServedDocument,
    StateWithdrawalView,
    SubmitAnswer,
    UnpublishJudgment,
    UploadEvidence,
    WithdrawAsynchronousConsent,
    WithdrawEServiceConsent,
)
from court.deadlines import (
    apply_for_more_time,
    closed_period_refusal,
    decide_more_time,
    extend,
    link_earlier_served,
)
from court.decisions import decide
from court.deliveries import TurnDeliveries
from court.documents import court_key
from court.documents.layout import CourtDocument, render
from court.documents.served import IssuedCopy, served_document
from court.documents.signing import Signed, page_count, sign
from court.evidence import chained_evidence, file_problem, upload_refusal
from court.handover import HANDOVER_KIND, waiting_handover
from court.identity_check import identity_answer
from court.invitations import (
    forget_short_codes,
    invitation_case,
    invitation_links,
    join_refusal,
    joined_as,
    short_code_case,
    used_invitation,
)
from court.linking import aliases
from court.live import ORDERED, WENT_LIVE, WITHDRAWN, live_refusal
from court.outcomes import Act, NotAnAnswer, Outcome, Pending
from court.payments import PaymentProvider, refund_due, start_payment
from court.postbag import KICK, Postbag
from court.procedures import CallContext, Procedures
from court.publication.publishing import publication_view, unpublish
from court.settings import CourtSettings
from court.withdrawal import apply_to_withdraw, refuse_withdrawal, state_view
from court.withdrawal_view import VIEW_PERIOD
from court.writes import write
from flows.context import DeadlineRule, FlowContext, plain_offset
from flows.durations import parse_duration
from flows.effects import ServiceCall
from flows.engine import Decision, handed_over, stage_calls
from flows.events import Answer, DeadlineReached, Event, Signal, Start
from flows.library import FlowLibrary
from flows.state import CaseState
from flows.texts import Catalog
from identity.models import is_verified
from storage.models import Case, Deadline, Evidence, IssuedDocument, Participant
from storage.store import Store, Tx

Clock = Callable[[], datetime]
log = logging.getLogger("microcourt.service")


class CourtService:
    def __init__(
        self,
        store: Store,
        library: FlowLibrary,
        procedures: Procedures,
        settings: CourtSettings,
        clock: Clock,
        blobs: BlobStore,
        payments: PaymentProvider,
        deadline_rule: DeadlineRule = plain_offset,
        after_commit: Callable[[Postbag], Awaitable[None]] | None = None,
    ) -> None:
        self.store, self.library, self.procedures = store, library, procedures
        self.registry = procedures.registry
        self.settings, self.clock, self.blobs, self.payments = settings, clock, blobs, payments
        self.deadline_rule = deadline_rule
        self.after_commit = after_commit
        self.telegram_username: str | None = None  # set once the bot has introduced itself
        self.number_hashes: Callable[[str], list[str]] | None = None  # set with the identity service

    def _pending(self) -> Pending:
        """A command's after-commit work; it sends its own messages when someone delivers them."""
        return Pending(inline=self.after_commit is not None)

    def context(self, now: datetime) -> FlowContext:
        settings = {**self.settings.flow_settings, "timezone": self.settings.timezone}
        return FlowContext(now=now, settings=settings, due=self.deadline_rule)

    # -- commands -------------------------------------------------------------------------

    async def open_case(self, cmd: OpenCase, deliveries: TurnDeliveries | None = None) -> Outcome:
        """Start a new case on the newest version of a flow, with the person as its first party.
        `deliveries` (every command takes one): a turn that collects the sends, see court.deliveries."""
        flow = self.library.latest(cmd.flow_id)
        now = self.clock()
        pending = self._pending()
        async with self.store.tx() as tx:
            if not await self._first_time(tx, cmd.channel, cmd.idempotency_key, now):
                return Outcome(error="duplicate_update")
            person = await tx.person_shared(cmd.person_id)
            if person is None:
                return Outcome(error="not_signed_in")
            if person.merged_into is not None:  # linked meanwhile: its cases moved to the kept record
                return Outcome(error="account_linked_meanwhile")
            if person.staff_role is not None:  # court staff (clerk, judge, admin) do not file cases
                return Outcome(error="staff_do_not_file")
            case, state = new_case(flow, self.settings, tx.sealer, now)
            case_id = case.id
            tx.add(case)
            first_role = flow.roles[0]
            tx.add(Participant(case_id=case_id, role=first_role, person_id=cmd.person_id))
            await tx.flush()
            decision = await self._decide(tx, case, state, Start(), now, pending)
            await write(
                tx,
                case,
                decision,
                now,
                pending,
                kind="opened",
                who={"actor_id": cmd.person_id, "role": first_role, "channel": cmd.channel},
                max_upload_mb=self.settings.max_upload_mb,
                clock=self.clock,
            )
        await self._after(pending, deliveries)
        return Outcome(case_id=case_id)

    async def submit_answer(self, cmd: SubmitAnswer, deliveries: TurnDeliveries | None = None) -> Outcome:
        """A participant answers the prompt it was shown; stale or foreign answers change nothing.
        A channel answers with text: a file reaches a case only through `upload_evidence`, which
        stores and hashes it (OLR 16), never as a description sent in its place."""
        if isinstance(cmd.value, dict | list):
            return Outcome(cmd.case_id, "send_the_file")

        async def answer(tx: Tx, case: Case, role: str, now: datetime) -> Act:
            detail = {"step": cmd.step, "seq": cmd.seq, "value": cmd.value}
            return Act(Answer(role, cmd.step, cmd.seq, cmd.value), detail)

        return await self._act(
            cmd.person_id, cmd.case_id, cmd.channel, cmd.idempotency_key, "answer", answer, deliveries
        )

    async def answer_prompt(self, cmd: AnswerPrompt, deliveries: TurnDeliveries | None = None) -> Outcome:
        """Answer the prompt the person was last shown, read under the case lock (no race with a
        newer prompt). NotAnAnswer from `cmd.interpret` leaves everything unchanged (but the
        delivery, recorded as seen) and reaches the caller.
        """

        async def answer(tx: Tx, case: Case, role: str, now: datetime) -> Act:
            shown = await prompt_of(tx, case, cmd.person_id, role)
            value = cmd.interpret(shown)
            if shown is None:
                raise NotAnAnswer("waiting", None)
            step, seq = shown["prompt"]["step"], shown["prompt"]["seq"]
            return Act(Answer(role, step, seq, value), {"step": step, "seq": seq, "value": value})

        return await self._act(
            cmd.person_id, cmd.case_id, cmd.channel, cmd.idempotency_key, "answer", answer, deliveries
        )

    async def upload_evidence(self, cmd: UploadEvidence, deliveries: TurnDeliveries | None = None) -> Outcome:
        """Hash a file on receipt, chain it (OLR 16) and hand it to the current `files` step."""
        async with self.store.tx() as tx:  # before a byte is written: theirs, and asked for now
            problem = file_problem(cmd, self.settings)
            refused = Outcome(cmd.case_id, *problem) if problem else await upload_refusal(tx, cmd, self.library)
            if refused is not None and not await self._first_time(tx, cmd.channel, cmd.idempotency_key, self.clock()):
                return Outcome(cmd.case_id, "duplicate_update")  # a refusal is recorded as seen, like an act
        if refused is not None:
            return refused
        sha256 = await self.blobs.put(cmd.content)
        meta: dict[str, Any] = {}

        async def upload(tx: Tx, case: Case, role: str, now: datetime) -> Act:
            evidence = chained_evidence(cmd, case.id, sha256, await tx.last_evidence(case.id), now)
            meta.update(evidence_id=evidence.id, name=evidence.name, size=evidence.size, sha256=sha256)
            meta["received_at"] = now.isoformat()  # listed with the item to the other side (OLR 15)
            detail = {**meta, "chain_hash": evidence.chain_hash, "step": cmd.step, "seq": cmd.seq}  # for the record
            return Act(Answer(role, cmd.step, cmd.seq, dict(meta)), detail, [evidence])

        outcome = await self._act(
            cmd.person_id, cmd.case_id, cmd.channel, cmd.idempotency_key, "evidence", upload, deliveries
        )
        return replace(outcome, evidence=meta) if outcome.ok else outcome

    async def _act(
        self,
        person_id: str,
        case_id: str,
        channel: str,
        idempotency_key: str | None,
        kind: str,
        build: Callable[[Tx, Case, str, datetime], Awaitable[Act]],
        deliveries: TurnDeliveries | None = None,
    ) -> Outcome:
        """One participant's act: the case locked, the engine run, state and effects written, once.

        A refusal records the delivery as seen too (a channel's repeat of it is `duplicate_update`,
        answered by nobody): a NotAnAnswer from `build` is raised only after that is committed."""
        now = self.clock()
        pending = self._pending()
        not_an_answer: NotAnAnswer | None = None
        async with self.store.tx() as tx:
            if not await self._first_time(tx, channel, idempotency_key, now):
                return Outcome(case_id, "duplicate_update")
            found = await case_for(tx, person_id, case_id)
            if isinstance(found, Outcome):
                return found
            case, role, people = found
            try:
                act = await build(tx, case, role, now)
            except NotAnAnswer as refused:  # nothing is written but the delivery, seen
                not_an_answer = refused
            else:
                refusal = await ruling_refusal(tx, case, person_id, role, self._is_ruling(case, act.event))
                if refusal is not None:
                    return refusal
                who = await who_acted(tx, case, person_id, role, channel, people)
                outcome = await self._apply(tx, case, act.event, now, pending, kind, who, act.detail, act.rows, people)
                if not outcome.ok:
                    return await self._late(tx, case, person_id, role, act.event, outcome)
        if not_an_answer is not None:
            raise not_an_answer
        await self._after(pending, deliveries)
        return outcome

    async def _late(self, tx: Tx, case: Case, person_id: str, role: str, event: Event, outcome: Outcome) -> Outcome:
        """A stale answer to a question whose period has closed (also one's own period, which
        ends one's turn: an appeal window, CPL 171) is refused with when it closed and what to
        do (CPL 86); any other refusal stands as it is."""
        if outcome.error not in ("stale_step", "not_your_turn") or not isinstance(event, Answer):
            return outcome
        return await closed_period_refusal(tx, case, person_id, role, event.step, event.seq) or outcome

    def _is_ruling(self, case: Case, event: Event) -> bool:
        """Whether the event answers a step the flow marks as a ruling (the judge's alone)."""
        if not isinstance(event, Answer):
            return False
        step = self.library.get(case.flow_id, case.flow_version).steps.get(event.step)
        return step is not None and step.ruling

    async def confirm_payment(self, cmd: ConfirmPayment, deliveries: TurnDeliveries | None = None) -> Outcome:
        """The provider says the fee arrived: the case moves on once, however often it says so."""
        now = self.clock()
        pending = self._pending()
        async with self.store.tx() as tx:
            payment = await tx.payment(cmd.payment_id)
            if payment is None or payment.status == "confirmed":
                return Outcome(error="stale_step")
            case = await tx.lock_case(payment.case_id)
            assert case is not None
            payment.status, payment.provider_ref, payment.confirmed_at = "confirmed", cmd.provider_ref, now
            detail = {"payment_id": payment.id, "amount": payment.amount}
            who = {"channel": payment.provider}
            outcome = await self._apply(
                tx,
                case,
                Signal("payment_confirmed", {"_paid": payment.id}),
                now,
                pending,
                "payment_confirmed",
                who,
                detail,
            )
            if not outcome.ok:  # the case no longer takes a fee (closed by a ruling): never kept
                await refund_due(tx, case, payment, now)
                return outcome
        await self._after(pending, deliveries)
        return Outcome(case.id)

    async def fire_deadline(self, tx: Tx, deadline: Deadline, worker: str) -> None:
        """Fire a claimed deadline row (or its reminder) inside the sweeper's transaction."""
        now = self.clock()
        assert deadline.due_at is not None  # only started (pending) rows are claimed
        reminder = deadline.due_at > now
        case = await tx.lock_case(deadline.case_id)
        assert case is not None
        state = CaseState.from_json(tx.open_state(case))
        event: Event = DeadlineReached(deadline.kind, deadline.stage_seq, reminder=reminder)
        pending = Pending(inline=False)  # the sweeper leaves its messages to the dispatcher
        people = await tx.participants(case.id)  # as in _apply: those released are still told
        if deadline.kind == HANDOVER_KIND:  # a waiting case moved on (migration 0011): or stale
            target = waiting_handover(self.library, state, deadline.stage)
            state, event = (handed_over(state, target), Start()) if target else (state, Signal(HANDOVER_KIND))
        decision = await self._decide(tx, case, state, event, now, pending)
        if reminder:
            deadline.reminded_at = now
        else:
            deadline.status = "fired" if decision.ok else "stale"
            deadline.fired_at, deadline.fired_by = now, worker
            deadline.lag_seconds = (now - deadline.due_at).total_seconds()
        if decision.ok:
            await write(
                tx,
                case,
                decision,
                now,
                pending,
                kind="reminder" if reminder else "deadline_fired",
                who={"channel": "sweeper"},
                detail={
                    "kind": deadline.kind,
                    "due_at": deadline.due_at.isoformat(),
                    "late_by_seconds": deadline.lag_seconds,
                },
                people=people,
                max_upload_mb=self.settings.max_upload_mb,
                clock=self.clock,
            )
            await self._after_write(tx, case, now, pending, people)
            if deadline.kind == HANDOVER_KIND:  # its documents were served before it moved
                await link_earlier_served(tx, case.id)

    async def case_file(self, person_id: str, case_id: str, file_id: str) -> tuple[str, bytes] | None:
        """A file received in the case, by its evidence id: the court may open any, a party only
        those it sent (None for anyone else, as for a file that does not exist)."""
        async with self.store.tx() as tx:
            case = await tx.get_case(case_id)
            found = await tx.session.get(Evidence, file_id) if case else None
            if case is None or found is None or found.case_id != case.id:
                return None
            role = (await tx.access(person_id, case))[0]
            if role == "court" and case.received_at is None:
                return None  # a draft is the litigant's own until the court receives it
            if role != "court" and not (role and found.uploader_id in await aliases(tx, person_id)):
                return None  # their own, also when sent from an account linked to them since
            name, key = found.name, found.blob_key
        return name, await self.blobs.get(key)

    async def acknowledge_service(self, cmd: AcknowledgeService) -> Outcome:
        """The recipient of a served document says they received it (OLR 31)."""
        async with self.store.tx() as tx:
            return await e_service.acknowledge(tx, cmd.person_id, cmd.message_id, cmd.channel, self.clock())

    async def service_certificates(self, person_id: str, case_id: str) -> list[dict[str, Any]] | Outcome:
        """The e-service certificates of a case's served documents (OLR 31), for the court or the party."""
        async with self.store.tx() as tx:
            return await e_service.certificates(tx, case_id, person_id)

    async def served_document_pdf(self, cmd: SignServedDocument, catalog: Catalog) -> Signed | Outcome:
        """A served document or its certificate as a PDF signed by the court; its SHA-256 and
        signing time go into the case record (`document_signed`). Nothing half-made: a document
        that cannot be signed (no court key) is refused whole. A document the court issued as a
        signed file (a judgment) is that file, as stored when it was issued."""
        async with self.store.tx() as tx:
            document = await served_document(
                tx, cmd.person_id, cmd.case_id, cmd.message_id, cmd.part, cmd.locale, catalog, self.settings.court_name
            )
        if isinstance(document, Outcome):
            return document
        if isinstance(document, IssuedCopy):
            pdf = await self.blobs.get(document.sha256)
            return Signed(pdf, document.sha256, document.signed_at, document.signer)
        signed = await self._signed(document)
        if isinstance(signed, Outcome):
            return replace(signed, case_id=cmd.case_id)
        detail = {
            "message_id": cmd.message_id,
            "part": cmd.part,
            "document": document.kind,
            "sha256": signed.sha256,
            "signed_at": signed.signed_at.isoformat(),
            "signer": signed.signer,
        }
        async with self.store.tx() as tx:
            await tx.log(cmd.case_id, 0, "document_signed", detail, self.clock(), actor_id=cmd.person_id)
        return signed

    async def _signed(self, document: CourtDocument) -> Signed | Outcome:
        """The document rendered and signed with the court's key; a refusal if there is no key or
        it cannot be rendered or signed (then nothing is made)."""
        directory = self.settings.court_key_dir
        try:
            if directory is None:
                raise court_key.CourtKeyError("no folder for the court key is configured")
            key = await asyncio.to_thread(court_key.load, directory, self.store.sealer)
        except court_key.CourtKeyError:
            return Outcome(error="court_key_missing")
        try:  # pyHanko runs an event loop of its own: in a thread
            now = self.clock()
            return await asyncio.to_thread(lambda: sign(render(document), key, document.kind, now))
        except Exception as error:  # any failure to lay out or sign: the judge is told, nothing is issued
            log.exception("could not make the %s", document.kind)
            return Outcome(error="document_failed", params={"problem": type(error).__name__})

    async def issue_document(self, cmd: IssueDocument, deliveries: TurnDeliveries | None = None) -> Outcome:
        """The assigned judge issues a document that moves the case (a judgment, a ruling): refused
        unless the case is at `cmd.status`; then rendered and signed by the court, stored, and fed
        to the case as `cmd.signal` with `cmd.record` (and the file's SHA-256) under
        `cmd.data_key`, in one transaction with the messages that serve it. A document that cannot
        be made refuses the whole command: nothing is stored in the case, nothing is served."""
        async with self.store.tx() as tx:
            refused = await self._issue_refusal(tx, cmd)
        if isinstance(refused, Outcome):
            return refused
        signed = await self._signed(cmd.document)
        if isinstance(signed, Outcome):
            return replace(signed, case_id=cmd.case_id)
        row = await self._kept(cmd.case_id, cmd.document.kind, signed, cmd.person_id)
        now = self.clock()
        pending = self._pending()
        async with self.store.tx() as tx:
            found = await self._issue_refusal(tx, cmd)  # again, with the case locked: it may have moved
            if isinstance(found, Outcome):
                return found
            case, role, people = found
            issued = {
                **cmd.record,
                "document_sha256": signed.sha256,
                "document_signed_at": signed.signed_at.isoformat(),
                "document_signer": signed.signer,
            }
            detail = {"document": cmd.document.kind, "sha256": signed.sha256, "signed_at": issued["document_signed_at"]}
            who = await who_acted(tx, case, cmd.person_id, role, cmd.channel, people)
            event = Signal(cmd.signal, {cmd.data_key: issued})
            outcome = await self._apply(tx, case, event, now, pending, "document_issued", who, detail, [row], people)
            if not outcome.ok:
                return outcome
            await judgment_drafts.clear(tx, case.id)  # issued: the judge's draft is not kept
        await self._after(pending, deliveries)
        return replace(outcome, params={"sha256": signed.sha256})

    async def _kept(self, case_id: str, kind: str, signed: Signed, issued_by: str) -> IssuedDocument:
        """The signed file stored under its SHA-256, and its row in the case's issued documents."""
        await self.blobs.put(signed.pdf)
        return IssuedDocument(
            case_id=case_id,
            kind=kind,
            blob_key=signed.sha256,
            signer=signed.signer,
            signed_at=signed.signed_at,
            issued_by=issued_by,
            issued_at=self.clock(),
        )

    async def _issue_refusal(self, tx: Tx, cmd: IssueDocument) -> tuple[Case, str, People] | Outcome:
        """The locked case, the person's role and who takes part, if the person may issue the
        document now: the case's assigned judge (a ruling), with the case at `cmd.status`."""
        found = await case_for(tx, cmd.person_id, cmd.case_id)
        if isinstance(found, Outcome):
            return found
        case, role, _people = found
        refused = await ruling_refusal(tx, case, cmd.person_id, role, ruling=True)
        if refused is not None:
            return refused
        if case.status != cmd.status:
            return Outcome(case.id, "document_not_due", {"stage": {"t": f"status.{case.status}"}})
        return found

    def invitation_links(self, code: str) -> dict[str, str | None]:
        return invitation_links(code, self.telegram_username, self.settings.public_url)

    async def join_case(self, cmd: JoinCase, deliveries: TurnDeliveries | None = None) -> Outcome:
        """The defendant follows the court's invitation: verified, the right person, in time (OLR 10)."""
        person_id, code, channel = cmd.person_id, cmd.code, cmd.channel
        now = self.clock()
        pending = self._pending()
        async with self.store.tx() as tx:
            case_id = invitation_case(code) or await short_code_case(tx, code)
            if case_id is None:
                return Outcome(error="invitation_unknown")
            case = await tx.lock_case(case_id)
            if case is None:
                return Outcome(error="invitation_unknown")
            state = CaseState.from_json(tx.open_state(case))
            refused = await join_refusal(tx, case, state, person_id, code, channel, now)
            if refused is not None:
                return refused
            tx.add(Participant(case_id=case.id, role="defendant", person_id=person_id))
            await forget_short_codes(tx, case.id)
            await tx.flush()
            payload = {**used_invitation(person_id, now), "invitation.joined_as": await joined_as(tx, person_id)}
            who = {"actor_id": person_id, "role": "defendant", "channel": channel}
            outcome = await self._apply(
                tx, case, Signal("defendant_joined", payload), now, pending, "defendant_joined", who
            )
            if not outcome.ok:
                return outcome
        await self._after(pending, deliveries)
        return Outcome(case.id)

    async def identity_rechecked(self, person_id: str, case_id: str, passed: bool) -> Outcome:
        """Feed a session's identity re-check (OLR 7(3)) to the case as an event."""

        async def recheck(tx: Tx, case: Case, role: str, now: datetime) -> Act:
            return Act(Signal("identity_rechecked", {"role": role, "passed": passed}), {"passed": passed})

        return await self._act(person_id, case_id, "identity", None, "identity_rechecked", recheck)

    async def identity_verified(self, person_id: str, deliveries: TurnDeliveries | None = None) -> int:
        """A person just verified: every case of theirs waiting on it moves on. Returns how many."""
        async with self.store.tx() as tx:
            if not await is_verified(tx.session, person_id):
                return 0
            waiting = [case.id for case, _role in await tx.cases_of(person_id)]
        moved = 0
        for case_id in waiting:
            now = self.clock()
            pending = self._pending()
            async with self.store.tx() as tx:
                case = await tx.lock_case(case_id)
                assert case is not None
                signal = await self._identity_answer(tx, case, now)
                if signal is None:
                    continue  # not waiting for identity, or waiting for someone else's check too
                who = {"actor_id": person_id, "channel": "identity"}
                outcome = await self._apply(tx, case, signal, now, pending, signal.name, who)
                moved += outcome.ok
            await self._after(pending, deliveries)
        return moved

    async def _identity_answer(self, tx: Tx, case: Case, now: datetime) -> Signal | None:
        """The case's identity question asked again, if its stage asked one (filing v2 also asks
        whether the verified person is the plaintiff named: OLR 7, ICP 6)."""
        state = CaseState.from_json(tx.open_state(case))
        flow = self.library.get(state.flow_id, state.version)
        calls = stage_calls(flow, state, self.context(now), self.registry)
        call = next((c for c in calls if c.name == "check_identity"), None)
        return None if call is None else await identity_answer(tx, case.id, call.params)

    async def extend_deadline(self, cmd: ExtendDeadline) -> Outcome:
        """Extend a pending deadline as one operation: the row moves and everyone is told."""

        async def act(tx: Tx, case: Case, role: str, now: datetime) -> Outcome:
            return await extend(tx, case, role, cmd, now, self.deadline_rule)

        return await self._in_case(cmd.person_id, cmd.case_id, act, judge_only=True)  # CPL 85, 86: the judge

    async def withdraw_e_service_consent(self, cmd: WithdrawEServiceConsent) -> Outcome:
        """A party withdraws its consent to e-service, at any stage of any procedure (OLR 4-5):
        the `e_service_consent_withdrawn` signal records it and tells the court."""

        async def build(tx: Tx, case: Case, role: str, now: datetime) -> Act:
            return Act(Signal("e_service_consent_withdrawn", {"role": role}), {"role": role})

        return await self._act(cmd.person_id, cmd.case_id, cmd.channel, None, "e_service_withdrawn", build)

    async def withdraw_asynchronous_consent(
        self, cmd: WithdrawAsynchronousConsent, deliveries: TurnDeliveries | None = None
    ) -> Outcome:
        """A party withdraws its consent to the asynchronous trial at any point of an asynchronous
        stage (OLR 5): the stage goes live, what was done stays valid (OLR 21), all are told."""
        went = {"why": "withdrawn"}
        return await self._go_live(cmd.person_id, cmd.case_id, cmd.channel, WITHDRAWN, went, deliveries)

    async def order_live_hearing(self, cmd: OrderLiveHearing, deliveries: TurnDeliveries | None = None) -> Outcome:
        """The assigned judge sends the case from an asynchronous stage to a live hearing, with the
        reasons on the record (a ruling; OLR 21)."""
        reasons = cmd.reasons.strip()
        if not reasons:
            return Outcome(cmd.case_id, "live_reasons_needed")
        went = {"why": "ordered", "by": "judge", "judge": cmd.person_id, "reasons": reasons}
        return await self._go_live(cmd.person_id, cmd.case_id, cmd.channel, ORDERED, went, deliveries)

    async def _go_live(
        self,
        person_id: str,
        case_id: str,
        channel: str,
        signal: str,
        went: dict[str, Any],
        deliveries: TurnDeliveries | None,
    ) -> Outcome:
        """Send the case live from the asynchronous stage it is in, by `signal`, which only those
        stages route (their `on_signal`); recorded with who, when, which stage and that what was
        done stays valid (OLR 21)."""
        now = self.clock()
        pending = self._pending()
        async with self.store.tx() as tx:
            found = await case_for(tx, person_id, case_id)
            if isinstance(found, Outcome):
                return found
            case, role, people = found
            refused = live_refusal(case, role, signal) or await ruling_refusal(
                tx, case, person_id, role, ruling=signal == ORDERED
            )
            if refused is not None:
                return refused
            state = CaseState.from_json(tx.open_state(case))
            if signal not in self.library.get(state.flow_id, state.version).stages[state.stage].on_signal:
                return Outcome(case.id, "not_asynchronous")
            went = {"by": role, **went, "stage": state.stage, "at": now.isoformat(), "kept": "OLR 21"}
            who = await who_acted(tx, case, person_id, role, channel, people)
            event = Signal(signal, {WENT_LIVE: went})
            outcome = await self._apply(tx, case, event, now, pending, signal, who, {WENT_LIVE: went}, people=people)
            if not outcome.ok:
                return outcome
        await self._after(pending, deliveries)
        return outcome

    async def apply_for_more_time(self, cmd: ApplyForMoreTime) -> Outcome:
        """A party asks the judge for more time after an obstacle (CPL 86)."""

        async def act(tx: Tx, case: Case, role: str, now: datetime) -> Outcome:
            return await apply_for_more_time(tx, case, role, cmd, now, self.deadline_rule, self.settings.timezone)

        return await self._in_case(cmd.person_id, cmd.case_id, act)

    async def decide_more_time(self, cmd: DecideMoreTime) -> Outcome:
        """The judge assigned to the case grants or refuses an application for more time (CPL 86)."""

        async def act(tx: Tx, case: Case, role: str, now: datetime) -> Outcome:
            return await decide_more_time(tx, case, role, cmd, now, self.deadline_rule)

        return await self._in_case(cmd.person_id, cmd.case_id, act, judge_only=True)

    async def apply_to_withdraw(self, cmd: ApplyToWithdraw) -> Outcome:
        """The plaintiff applies to withdraw the suit (CPL 148); the assigned judge decides."""

        async def act(tx: Tx, case: Case, role: str, now: datetime) -> Outcome:
            return await apply_to_withdraw(tx, case, role, cmd, now, self._withdrawal_view_until(now))

        return await self._told_at_once(await self._in_case(cmd.person_id, cmd.case_id, act))

    def _withdrawal_view_until(self, now: datetime) -> datetime:
        """When the defendant's period to state its view on a withdrawal ends: the court's setting
        (`MICROCOURT_WITHDRAWAL_VIEW_PERIOD`), counted as the court counts periods (CPL 85)."""
        period = self.settings.flow_settings.get("withdrawal_view_period", VIEW_PERIOD)
        return self.deadline_rule(now, parse_duration(period)).at

    async def state_withdrawal_view(self, cmd: StateWithdrawalView) -> Outcome:
        """The defendant states whether it agrees to the plaintiff's withdrawal (Interp. 238(2));
        it informs the judge's decision and never holds it up."""

        async def act(tx: Tx, case: Case, role: str, now: datetime) -> Outcome:
            return await state_view(tx, case, role, cmd, now)

        return await self._told_at_once(await self._in_case(cmd.person_id, cmd.case_id, act))

    async def _told_at_once(self, outcome: Outcome) -> Outcome:
        """Wake the dispatcher after a command that tells others (the defendant of a withdrawal
        application, both parties of a refusal), so that they are told now, not at its next round."""
        if outcome.ok and self.after_commit is not None:
            await self.after_commit(KICK)
        return outcome

    async def refuse_withdrawal(self, cmd: RefuseWithdrawal) -> Outcome:
        """The assigned judge refuses an application to withdraw, with reasons (CPL 148); approving
        it is issuing the ruling from the judgment desk (`issue_document`)."""

        async def act(tx: Tx, case: Case, role: str, now: datetime) -> Outcome:
            return await refuse_withdrawal(tx, case, role, cmd, now)

        return await self._told_at_once(await self._in_case(cmd.person_id, cmd.case_id, act, judge_only=True))

    async def _in_case(
        self,
        person_id: str,
        case_id: str,
        act: Callable[[Tx, Case, str, datetime], Awaitable[Outcome]],
        judge_only: bool = False,
    ) -> Outcome:
        """Run `act` in one transaction on a case the person takes part in (and, for a ruling, only
        as the case's assigned judge: `court.access.ruling_refusal`)."""
        now = self.clock()
        async with self.store.tx() as tx:
            found = await case_for(tx, person_id, case_id)
            if isinstance(found, Outcome):
                return found
            case, role, _people = found
            refused = await ruling_refusal(tx, case, person_id, role, ruling=True) if judge_only else None
            return refused or await act(tx, case, role, now)

    async def unpublish_judgment(self, cmd: UnpublishJudgment) -> Outcome:
        """The case's assigned judge withdraws its published judgment from the public (OLR 27)."""

        async def act(tx: Tx, case: Case, role: str, now: datetime) -> Outcome:
            return await unpublish(tx, case, cmd.person_id, cmd.ground, cmd.reason, now, cmd.channel)

        return await self._in_case(cmd.person_id, cmd.case_id, act, judge_only=True)

    async def save_judgment_draft(self, cmd: SaveJudgmentDraft) -> Outcome:
        """The case's judge saves the judgment it is writing (one per case, sealed, until a
        document is issued): `saved_at` in the outcome's params."""
        if len(json.dumps(cmd.content, ensure_ascii=False)) > judgment_drafts.MAX_SEALED_CHARS:
            return Outcome(cmd.case_id, "judgment_draft_too_long")

        async def act(tx: Tx, case: Case, role: str, now: datetime) -> Outcome:
            saved = await judgment_drafts.save(tx, case.id, cmd.person_id, cmd.content, now)
            return Outcome(case.id, params={"saved_at": saved.isoformat()})

        return await self._in_case(cmd.person_id, cmd.case_id, act, judge_only=True)

    async def judgment_draft(self, person_id: str, case_id: str) -> dict[str, Any] | Outcome | None:
        """The judgment the case's judge is writing, as last saved (None: nothing saved); only
        for the case's judge (`court.access.ruling_refusal`)."""
        async with self.store.tx() as tx:
            found = await case_for(tx, person_id, case_id)
            if isinstance(found, Outcome):
                return found
            case, role, _people = found
            refused = await ruling_refusal(tx, case, person_id, role, ruling=True)
            return refused or await judgment_drafts.read(tx, case.id)

    async def reassign_judge(self, cmd: ReassignJudge) -> Outcome:
        """An admin gives the case to another of the court's judges."""
        async with self.store.tx() as tx:
            return await judges.reassign(tx, cmd, self.clock())

    # -- reading --------------------------------------------------------------------------

    async def _first_time(self, tx: Tx, channel: str, key: str | None, now: datetime) -> bool:
        return key is None or await first_time(tx, channel, key, now)

    async def current_prompt(self, person_id: str, case_id: str) -> tuple[str, dict[str, Any] | None] | Outcome:
        """The role a person holds in a case and the newest prompt it was sent (None: waiting)."""
        async with self.store.tx() as tx:
            case = await tx.get_case(case_id)
            role = (await tx.access(person_id, case))[0] if case else None
            if case is None or role is None:
                return Outcome(case_id, "not_a_party")
            return role, await prompt_of(tx, case, person_id, role)

    async def publication(self, person_id: str, case_id: str) -> dict[str, Any] | Outcome:
        """For the case's court: whether its judgment is published, or was withdrawn and why."""
        async with self.store.tx() as tx:
            case = await court_case(tx, person_id, case_id)
            return case if isinstance(case, Outcome) else await publication_view(tx, case)

    # -- the engine and its effects -------------------------------------------------------

    async def _apply(
        self,
        tx: Tx,
        case: Case,
        event: Event,
        now: datetime,
        pending: Pending,
        kind: str,
        who: dict[str, Any],
        detail: dict[str, Any] | None = None,
        rows: Sequence[Any] = (),
        people: People | None = None,
    ) -> Outcome:
        """Run `event` on the locked case and write the result (and `rows`); an error changes nothing.
        Its messages go to whoever took part when it began, so a person the event releases (a
        refused representative) is still told why; those after the release to who takes part then."""
        state = CaseState.from_json(tx.open_state(case))
        people = people if people is not None else await tx.participants(case.id)
        decision = await self._decide(tx, case, state, event, now, pending)
        if not decision.ok:
            return Outcome(case.id, decision.error, decision.error_params)
        for row in rows:
            tx.add(row)
        upload_mb = self.settings.max_upload_mb
        await write(
            tx, case, decision, now, pending, kind, who, detail, people, max_upload_mb=upload_mb, clock=self.clock
        )
        await self._after_write(tx, case, now, pending, people)
        return Outcome(case.id)

    async def _after_write(self, tx: Tx, case: Case, now: datetime, pending: Pending, people: People) -> None:
        """The work service calls left for after the act was written (the record issued from a log
        that holds the act that closed it, OLR 34): each signal fed to the case in turn."""
        while pending.after_write:
            signal = await pending.after_write.pop(0)(tx, case)
            if signal is None:
                continue
            detail = {k: v for k, v in signal.payload.items() if isinstance(v, dict)}
            outcome = await self._apply(
                tx, case, signal, now, pending, signal.name, {"channel": "court"}, detail, (), people
            )
            if not outcome.ok:  # the case moved on meanwhile: nothing to feed it
                log.warning("case %s: signal %s refused (%s)", case.id, signal.name, outcome.error)

    async def _issue_by_court(self, tx: Tx, case: Case, document: CourtDocument) -> dict[str, Any] | Outcome:
        """A document the court issues of its own motion (the record, OLR 34), under the assigned
        judge's name: signed, stored, listed; refused without a judge or the court's key."""
        if case.judge_id is None:
            return Outcome(case.id, "no_judge")
        signed = await self._signed(document)
        if isinstance(signed, Outcome):
            return replace(signed, case_id=case.id)
        tx.add(await self._kept(case.id, document.kind, signed, case.judge_id))
        return {
            "sha256": signed.sha256,
            "signed_at": signed.signed_at.isoformat(),
            "signer": signed.signer,
            "pages": page_count(signed.pdf),
        }

    async def _decide(
        self, tx: Tx, case: Case, state: CaseState, event: Event, now: datetime, pending: Pending
    ) -> Decision:
        """Run the engine on the locked case; the court answers its service calls in this transaction."""
        flow = self.library.get(state.flow_id, state.version)

        timezone, provider = self.settings.timezone, self.payments.name
        call_ctx = CallContext(
            tx,
            case,
            now,
            pending,
            timezone,
            provider,
            self.invitation_links,
            self.deadline_rule,
            self.number_hashes,
            self.library,
            self._issue_by_court,
        )

        async def answer(call: ServiceCall) -> Signal | None:
            return await self.procedures.answer(call_ctx, call)

        changing = self.procedures.changes_participants
        newest = self.library.latest
        return await decide(flow, state, event, self.context(now), self.registry, answer, changing, newest)

    async def _after(self, pending: Pending, deliveries: TurnDeliveries | None) -> None:
        """Send this command's messages (or start sending them, into `deliveries`), then start
        payments (a provider may confirm at once, and the confirmation's messages must come after
        these)."""
        if self.after_commit is not None:
            await self.after_commit(Postbag(tuple(pending.letters), pending.routes, pending.queued, deliveries))

        async def confirm(payment_id: str, provider_ref: str) -> None:
            await self.confirm_payment(ConfirmPayment(payment_id, provider_ref), deliveries)

        for payment_id, amount, reference in pending.payments:
            await start_payment(self.payments, payment_id, amount, reference, confirm)
