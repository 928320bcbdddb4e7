"""The service layer: the one write path. Each command is one transaction with the case locked.

load case -> flows.engine.advance(...) -> write state, outbox rows, deadlines and the record
-> commit -> after commit: kick the dispatcher, start payments.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from court.accounts import Route, first_time, recipients
from court.blobs import BlobStore
from court.commands import ConfirmPayment, ExtendDeadline, OpenCase, SubmitAnswer, UploadEvidence
from court.payments import PaymentProvider
from court.postbag import Postbag
from flows.context import DeadlineRule, FlowContext, plain_offset
from flows.effects import CancelDeadlines, Message, ScheduleDeadline, ServiceCall
from flows.engine import Decision, advance
from flows.events import Answer, DeadlineReached, Event, Signal, Start
from flows.library import FlowLibrary
from flows.registry import Registry
from flows.state import CaseState
from identity.models import identity_matches, is_verified
from storage import queries
from storage.models import Case, Deadline, Evidence, Participant, Payment
from storage.outbox import LEASE, Letter
from storage.store import Store, Tx

log = logging.getLogger("microcourt.service")

Clock = Callable[[], datetime]
People = Mapping[str, list[str]]  # role -> person ids


@dataclass(frozen=True)
class CourtSettings:
    court_code: str = "浙0192"
    timezone: str = "Asia/Shanghai"
    max_upload_mb: int = 20
    flow_settings: Mapping[str, Any] = field(default_factory=dict)
    public_url: str | None = None

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024


@dataclass(frozen=True)
class Outcome:
    """What a command did. `error` is a text key under `errors.`; nothing changed if set."""

    case_id: str | None = None
    error: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class NotAnAnswer(Exception):
    """A channel's reading of raw input: it does not answer the prompt shown (nothing is written)."""

    def __init__(self, reason: str, prompt: dict[str, Any] | None) -> None:
        super().__init__(reason)
        self.reason, self.prompt = reason, prompt


@dataclass(frozen=True)
class _Act:
    """What a participant's act feeds the engine, records, and adds as rows if it is accepted."""

    event: Event
    detail: dict[str, Any]
    rows: list[Any] = field(default_factory=list)


@dataclass
class _Pending:
    """Work to start only after the transaction commits.

    `inline`: this command sends its own messages after commit (they are written leased).
    """

    inline: bool = True
    payments: list[tuple[str, str, str]] = field(default_factory=list)
    letters: list[Letter] = field(default_factory=list)
    routes: dict[str, Route] = field(default_factory=dict)
    queued: bool = False


class CourtService:
    def __init__(
        self,
        store: Store,
        library: FlowLibrary,
        registry: Registry,
        settings: CourtSettings,
        clock: Clock,
        blobs: BlobStore,
        payments: PaymentProvider,
        deadline_rule: DeadlineRule = plain_offset,
        after_commit: Callable[[Postbag], Awaitable[None]] | None = None,
    ) -> None:
        self.store, self.library, self.registry = store, library, registry
        self.settings, self.clock, self.blobs, self.payments = settings, clock, blobs, payments
        self.deadline_rule = deadline_rule
        self.after_commit = after_commit
        self.telegram_username: str | None = None  # set once the bot has introduced itself

    def _pending(self) -> _Pending:
        """A command's after-commit work; it sends its own messages when someone delivers them."""
        return _Pending(inline=self.after_commit is not None)

    def context(self, now: datetime) -> FlowContext:
        settings = {**self.settings.flow_settings, "timezone": self.settings.timezone}
        return FlowContext(now=now, settings=settings, due=self.deadline_rule)

    # -- commands -------------------------------------------------------------------------

    async def open_case(self, cmd: OpenCase) -> Outcome:
        """Start a new case on the newest version of a flow, with the person as its first party."""
        flow = self.library.latest(cmd.flow_id)
        now = self.clock()
        pending = self._pending()
        async with self.store.tx() as tx:
            if not await self._first_time(tx, cmd.channel, cmd.idempotency_key, now):
                return Outcome(error="duplicate_update")
            case_id = str(uuid.uuid4())
            reference = _reference(now, self.settings.timezone)
            state = CaseState(flow.id, flow.version, data={"reference": reference})
            case = Case(
                id=case_id,
                court_code=self.settings.court_code,
                reference=reference,
                flow_id=flow.id,
                flow_version=flow.version,
                stage="",
                status="DRAFT",
                state=tx.sealer.seal(state.to_json()),
                version=1,
                created_at=now,
                updated_at=now,
            )
            tx.add(case)
            first_role = flow.roles[0]
            tx.add(Participant(case_id=case_id, role=first_role, person_id=cmd.person_id))
            await tx.flush()
            decision = await self._decide(tx, case, state, Start(), now, pending)
            await self._write(
                tx,
                case,
                decision,
                now,
                pending,
                kind="opened",
                who={"actor_id": cmd.person_id, "role": first_role, "channel": cmd.channel},
            )
        await self._after(pending)
        return Outcome(case_id=case_id)

    async def submit_answer(self, cmd: SubmitAnswer) -> Outcome:
        """A participant answers the prompt it was shown; stale or foreign answers change nothing."""

        async def answer(tx: Tx, case: Case, role: str, now: datetime) -> _Act:
            detail = {"step": cmd.step, "seq": cmd.seq, "value": cmd.value}
            return _Act(Answer(role, cmd.step, cmd.seq, cmd.value), detail)

        return await self._act(cmd.person_id, cmd.case_id, cmd.channel, cmd.idempotency_key, "answer", answer)

    async def answer_prompt(
        self,
        person_id: str,
        case_id: str,
        channel: str,
        idempotency_key: str | None,
        interpret: Callable[[dict[str, Any] | None], Any],
    ) -> Outcome:
        """Answer the prompt the person was last shown, read under the case lock (no race with a
        newer prompt). `interpret` turns the raw input into the answer's value, or raises
        NotAnAnswer, which leaves everything unchanged and reaches the caller.
        """

        async def answer(tx: Tx, case: Case, role: str, now: datetime) -> _Act:
            shown = await self._prompt_of(tx, case, person_id, role)
            value = interpret(shown)
            if shown is None:
                raise NotAnAnswer("waiting", None)
            step, seq = shown["prompt"]["step"], shown["prompt"]["seq"]
            return _Act(Answer(role, step, seq, value), {"step": step, "seq": seq, "value": value})

        return await self._act(person_id, case_id, channel, idempotency_key, "answer", answer)

    async def upload_evidence(self, cmd: UploadEvidence) -> Outcome:
        """Hash a file on receipt, chain it (OLR 16) and hand it to the current `files` step."""
        problem = self._file_problem(cmd)
        if problem:
            return Outcome(cmd.case_id, *problem)
        sha256 = await self.blobs.put(cmd.content)
        meta: dict[str, Any] = {}

        async def upload(tx: Tx, case: Case, role: str, now: datetime) -> _Act:
            previous = await tx.last_evidence(case.id)
            chain = hashlib.sha256(((previous.chain_hash if previous else "") + sha256).encode()).hexdigest()
            evidence = Evidence(
                id=str(uuid.uuid4()),
                case_id=case.id,
                uploader_id=cmd.person_id,
                name=cmd.name[:255],
                content_type=cmd.content_type[:100],
                size=len(cmd.content),
                sha256=sha256,
                chain_hash=chain,
                blob_key=sha256,
                received_at=now,
            )
            meta.update(evidence_id=evidence.id, name=evidence.name, size=evidence.size, sha256=sha256)
            return _Act(Answer(role, cmd.step, cmd.seq, dict(meta)), {**meta, "chain_hash": chain}, [evidence])

        outcome = await self._act(cmd.person_id, cmd.case_id, cmd.channel, cmd.idempotency_key, "evidence", upload)
        return replace(outcome, evidence=meta) if outcome.ok else outcome

    async def _act(
        self,
        person_id: str,
        case_id: str,
        channel: str,
        idempotency_key: str | None,
        kind: str,
        build: Callable[[Tx, Case, str, datetime], Awaitable[_Act]],
    ) -> Outcome:
        """One participant's act: the case locked, the engine run, state and effects written, once."""
        now = self.clock()
        pending = self._pending()
        async with self.store.tx() as tx:
            if not await self._first_time(tx, channel, idempotency_key, now):
                return Outcome(case_id, "duplicate_update")
            found = await self._case_for(tx, person_id, case_id)
            if isinstance(found, Outcome):
                return found
            case, role, people = found
            act = await build(tx, case, role, now)
            who = await self._who(tx, case, person_id, role, channel, people)
            outcome = await self._apply(tx, case, act.event, now, pending, kind, who, act.detail, act.rows, people)
            if not outcome.ok:
                return outcome
        await self._after(pending)
        return outcome

    async def confirm_payment(self, cmd: ConfirmPayment) -> Outcome:
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
                tx, case, Signal("payment_confirmed"), now, pending, "payment_confirmed", who, detail
            )
            if not outcome.ok:
                return outcome
        await self._after(pending)
        return Outcome(case.id)

    async def fire_deadline(self, tx: Tx, deadline: Deadline, worker: str) -> None:
        """Fire a claimed deadline row (or its reminder) inside the sweeper's transaction."""
        now = self.clock()
        reminder = deadline.due_at > now
        case = await tx.lock_case(deadline.case_id)
        assert case is not None
        state = CaseState.from_json(tx.open_state(case))
        event = DeadlineReached(deadline.kind, deadline.stage_seq, reminder=reminder)
        pending = _Pending(inline=False)  # the sweeper leaves its messages to the dispatcher
        decision = await self._decide(tx, case, state, event, now, pending)
        if reminder:
            deadline.reminded_at = now
        else:
            deadline.status = "fired" if decision.ok else "stale"
            deadline.fired_at, deadline.fired_by = now, worker
            deadline.lag_seconds = (now - deadline.due_at).total_seconds()
        if decision.ok:
            await self._write(
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
            )

    def _invitation(self, case: Case, now: datetime) -> dict[str, Any]:
        """A one-time code binding the defendant's account to the case; only its hash is kept."""
        code = invitation_code(case.id)
        links = self.invitation_links(code)
        return {"hash": hashlib.sha256(code.encode()).hexdigest(), "issued_at": now.isoformat(), "code": code, **links}

    def invitation_links(self, code: str) -> dict[str, str | None]:
        bot, site = self.telegram_username, self.settings.public_url
        return {
            "telegram_link": f"https://t.me/{bot}?start={code}" if bot else None,
            "web_link": f"{site.rstrip('/')}/?join={code}" if site else None,
        }

    async def join_case(self, person_id: str, code: str, channel: str) -> Outcome:
        """The defendant follows the court's invitation: verified, the right person, in time (OLR 10)."""
        case_id = invitation_case(code)
        if case_id is None:
            return Outcome(error="invitation_unknown")
        now = self.clock()
        pending = self._pending()
        async with self.store.tx() as tx:
            case = await tx.lock_case(case_id)
            state = CaseState.from_json(tx.open_state(case)) if case else None
            invitation = state.data.get("invitation", {}) if state else {}
            if (
                case is None
                or state is None
                or not hmac.compare_digest(invitation.get("hash", ""), hashlib.sha256(code.encode()).hexdigest())
            ):
                return Outcome(error="invitation_unknown")
            if invitation.get("used_by") or state.stage != "awaiting_defendant":
                return Outcome(case.id, "invitation_used")
            if not await is_verified(tx.session, person_id):
                return Outcome(case.id, "verify_first")
            if not await identity_matches(tx, person_id, state.data.get("defendant", {})):
                await tx.log(
                    case.id,
                    state.seq,
                    "join_refused",
                    {"reason": "not_the_defendant"},
                    now,
                    actor_id=person_id,
                    channel=channel,
                )
                return Outcome(case.id, "not_the_defendant")
            tx.add(Participant(case_id=case.id, role="defendant", person_id=person_id))
            await tx.flush()
            payload = {"invitation.used_by": person_id, "invitation.used_at": now.isoformat(), "invitation.code": None}
            who = {"actor_id": person_id, "role": "defendant", "channel": channel}
            outcome = await self._apply(
                tx, case, Signal("defendant_joined", payload), now, pending, "defendant_joined", who
            )
            if not outcome.ok:
                return outcome
        await self._after(pending)
        return Outcome(case.id)

    async def identity_rechecked(self, person_id: str, case_id: str, passed: bool) -> Outcome:
        """Feed a session's identity re-check (OLR 7(3)) to the case as an event."""

        async def recheck(tx: Tx, case: Case, role: str, now: datetime) -> _Act:
            return _Act(Signal("identity_rechecked", {"role": role, "passed": passed}), {"passed": passed})

        return await self._act(person_id, case_id, "identity", None, "identity_rechecked", recheck)

    async def identity_verified(self, person_id: str) -> int:
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
                who = {"actor_id": person_id, "channel": "identity"}
                outcome = await self._apply(
                    tx, case, Signal("identity_verified"), now, pending, "identity_verified", who
                )
                moved += outcome.ok  # a case not waiting for identity refuses the signal, unchanged
            await self._after(pending)
        return moved

    async def extend_deadline(self, cmd: ExtendDeadline) -> Outcome:
        """Extend a pending deadline as one operation: the row moves and everyone is told."""
        now = self.clock()
        async with self.store.tx() as tx:
            found = await self._case_for(tx, cmd.person_id, cmd.case_id)
            if isinstance(found, Outcome):
                return found
            case, role, _people = found
            if role != "court":
                return Outcome(case.id, "not_a_party")
            deadline = await tx.pending_deadline(case.id, cmd.kind)
            if deadline is None:
                return Outcome(case.id, "stale_deadline")
            deadline.extended_from = deadline.extended_from or deadline.due_at
            deadline.due_at = deadline.due_at + timedelta(days=cmd.days)
            if deadline.remind_at is not None:
                deadline.remind_at, deadline.reminded_at = deadline.remind_at + timedelta(days=cmd.days), None
            raw = tx.open_state(case)
            raw["data"].setdefault("_due", {})[cmd.kind] = deadline.due_at.isoformat()
            await tx.save_state(case, raw, case.status, now)
            await tx.log(
                case.id,
                raw["seq"],
                "deadline_extended",
                {"kind": cmd.kind, "days": cmd.days, "reason": cmd.reason, "due_at": deadline.due_at.isoformat()},
                now,
                actor_id=cmd.person_id,
                role=role,
            )
        return Outcome(case.id)

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
            return role, await self._prompt_of(tx, case, person_id, role)

    @staticmethod
    async def _prompt_of(tx: Tx, case: Case, person_id: str, role: str) -> dict[str, Any] | None:
        row = await tx.latest_prompt(case.id, person_id, role)
        if row is None:
            return None
        return {"id": row.id, "case_id": case.id, "at": row.created_at.isoformat(), **tx.sealer.open(row.payload)}

    async def _case_for(self, tx: Tx, person_id: str, case_id: str) -> tuple[Case, str, People] | Outcome:
        """The case locked, the person's role in it and everyone taking part; never reveals whether
        a case the person has no part in exists."""
        case = await tx.lock_case(case_id)
        if case is None:
            return Outcome(case_id, "not_a_party")
        role, people = await tx.access(person_id, case)
        if role is None:
            return Outcome(case_id, "not_a_party")
        return case, role, people

    @staticmethod
    async def _who(tx: Tx, case: Case, person_id: str, role: str, channel: str, people: People) -> dict[str, Any]:
        """Who acted, and for whom when an agent acts for a party (an agent shares the party's role,
        so someone alone in their role acts for themselves)."""
        on_behalf_of = None
        if len(people.get(role, ())) > 1:
            on_behalf_of = await tx.session.scalar(queries.MANDATE_FOR, {"case_id": case.id, "agent_id": person_id})
        return {"actor_id": person_id, "on_behalf_of": on_behalf_of, "role": role, "channel": channel}

    def _file_problem(self, cmd: UploadEvidence) -> tuple[str, dict[str, Any]] | None:
        ext = PurePosixPath(cmd.name).suffix.lower().lstrip(".")
        accepted = self.settings.flow_settings.get("accepted_extensions")
        if not cmd.content:
            return "file_empty", {"name": cmd.name}
        if len(cmd.content) > self.settings.max_upload_bytes:
            size_mb = f"{len(cmd.content) / 1048576:.1f}"
            return "file_too_large", {"name": cmd.name, "size_mb": size_mb, "limit_mb": self.settings.max_upload_mb}
        if accepted and ext not in accepted:
            return "file_type", {"ext": ext or "?", "accept": ", ".join(accepted)}
        return None

    # -- the engine and its effects -------------------------------------------------------

    async def _apply(
        self,
        tx: Tx,
        case: Case,
        event: Event,
        now: datetime,
        pending: _Pending,
        kind: str,
        who: dict[str, Any],
        detail: dict[str, Any] | None = None,
        rows: Sequence[Any] = (),
        people: People | None = None,
    ) -> Outcome:
        """Run `event` on the locked case and write the result (and `rows`); an error changes nothing."""
        state = CaseState.from_json(tx.open_state(case))
        decision = await self._decide(tx, case, state, event, now, pending)
        if not decision.ok:
            return Outcome(case.id, decision.error, decision.error_params)
        for row in rows:
            tx.add(row)
        await self._write(tx, case, decision, now, pending, kind=kind, who=who, detail=detail, people=people)
        return Outcome(case.id)

    async def _decide(
        self, tx: Tx, case: Case, state: CaseState, event: Event, now: datetime, pending: _Pending
    ) -> Decision:
        """Run the engine; answer service calls (numbers, payments) by signal in the same transaction."""
        flow = self.library.get(state.flow_id, state.version)
        ctx = self.context(now)
        decision = advance(flow, state, event, ctx, self.registry)
        effects = list(decision.effects)
        for _ in range(10):
            calls = [e for e in decision.effects if isinstance(e, ServiceCall)]
            signal = None
            for call in calls:
                signal = await self._service_call(tx, case, call, decision.state, now, pending) or signal
            if signal is None:
                break
            decision = advance(flow, decision.state, signal, ctx, self.registry)
            effects.extend(decision.effects)
        return Decision(decision.state, _live(effects, decision.state), decision.error, decision.error_params)

    async def _service_call(
        self, tx: Tx, case: Case, call: ServiceCall, state: CaseState, now: datetime, pending: _Pending
    ) -> Signal | None:
        if call.name == "allocate_case_number":
            year = now.astimezone(ZoneInfo(self.settings.timezone)).year
            category = call.params["category"]
            seq = await tx.next_case_number(case.court_code, year, category)
            number = f"({year}){case.court_code}{category}{seq}号"
            return Signal("case_number_allocated", {"case_number": number})
        if call.name == "check_identity":
            people = (await tx.participants(case.id)).get(call.params["role"], [])
            verified = [await is_verified(tx.session, person_id) for person_id in people]
            return Signal("identity_verified") if verified and all(verified) else None
        if call.name == "invite_defendant":
            return Signal("defendant_invited", {"invitation": self._invitation(case, now)})
        if call.name == "request_payment":
            payment = Payment(
                id=str(uuid.uuid4()),
                case_id=case.id,
                amount=call.params["amount"],
                provider=self.payments.name,
                created_at=now,
            )
            tx.add(payment)
            pending.payments.append((payment.id, payment.amount, case.reference))
            return None
        raise ValueError(f"unknown service call {call.name!r}")

    async def _write(
        self,
        tx: Tx,
        case: Case,
        decision: Decision,
        now: datetime,
        pending: _Pending,
        kind: str,
        who: dict[str, Any],
        detail: dict[str, Any] | None = None,
        people: People | None = None,
    ) -> None:
        state = decision.state
        data = state.data
        await tx.save_state(case, state.to_json(), str(data.get("_status", case.status)), now)
        if people is None:
            people = await tx.participants(case.id)
        for effect in decision.effects:
            if isinstance(effect, Message):
                self._queue_message(tx, case, effect, data, people, now)
            elif isinstance(effect, CancelDeadlines):
                await tx.cancel_deadlines(case.id, effect.before_stage_seq)
            elif isinstance(effect, ScheduleDeadline):
                tx.add(
                    Deadline(
                        case_id=case.id,
                        kind=effect.kind,
                        stage=effect.stage,
                        stage_seq=effect.stage_seq,
                        due_at=effect.due_at,
                        remind_at=effect.remind_at,
                        rule=effect.rule,
                        warnings=",".join(effect.warnings),
                    )
                )
        await tx.log(case.id, state.seq, kind, {**(detail or {}), "stage": state.stage}, now, **who)
        await self._post(tx, pending)

    async def _post(self, tx: Tx, pending: _Pending) -> None:
        """Write the messages; keep the leased ones, with their recipients' routes, to send after commit."""
        busy = None
        if pending.inline:
            found, busy = await recipients(tx, tx.queued_for())
            pending.routes.update(found)
        for letter in await tx.write_outbox(busy, self.clock() + LEASE):
            if letter.leased:
                pending.letters.append(letter)
            else:
                pending.queued = True

    def _queue_message(
        self,
        tx: Tx,
        case: Case,
        message: Message,
        data: Mapping[str, Any],
        people: Mapping[str, list[str]],
        now: datetime,
    ) -> None:
        payload: dict[str, Any] = {"text": message.text, "params": message.params}
        if message.prompt is not None:
            prompt = message.prompt
            payload["prompt"] = {"step": prompt.step, "seq": prompt.seq, **prompt.input}
            if prompt.input.get("kind") == "files":
                payload["prompt"]["max_mb"] = self.settings.max_upload_mb
            if prompt.deadline:
                payload["prompt"]["due_at"] = data.get("_due", {}).get(prompt.deadline)
                payload["prompt"]["deadline"] = prompt.deadline
        if message.role == "court":
            tx.outbox(case.id, "court", None, payload, now, case.court_code)
            return
        for person_id in people.get(message.role, []):
            tx.outbox(case.id, message.role, person_id, payload, now, case.court_code)

    async def _after(self, pending: _Pending) -> None:
        """Send this command's messages, then start payments (a provider may confirm at once, and
        the confirmation's messages must come after these)."""
        if self.after_commit is not None:
            await self.after_commit(Postbag(tuple(pending.letters), pending.routes, pending.queued))
        for payment_id, amount, reference in pending.payments:
            await self._start_payment(payment_id, amount, reference)

    async def _start_payment(self, payment_id: str, amount: str, reference: str) -> None:
        async def confirm(pid: str, ref: str) -> None:
            await self.confirm_payment(ConfirmPayment(pid, ref))

        try:
            await self.payments.start(payment_id, amount, reference, confirm)
        except Exception:  # a provider failure leaves the payment pending; the person may retry
            log.exception("payment provider failed", extra={"payment_id": payment_id})


def invitation_code(case_id: str) -> str:
    """`j` + the case id (22 base64url characters) + 20 random characters: fits a /start payload."""
    case_part = base64.urlsafe_b64encode(uuid.UUID(case_id).bytes).decode().rstrip("=")
    return "j" + case_part + secrets.token_urlsafe(15)[:20]


def invitation_case(code: str) -> str | None:
    code = code.strip()
    if len(code) != 43 or not code.startswith("j"):
        return None
    try:
        return str(uuid.UUID(bytes=base64.urlsafe_b64decode(code[1:23] + "==")))
    except ValueError:
        return None


def _live(effects: list[Any], state: CaseState) -> list[Any]:
    """Drop prompts superseded within the same command (e.g. 'verify' when already verified)."""
    current = {role: cursor.seq for role, cursor in state.cursors.items()}
    return [
        e
        for e in effects
        if not (isinstance(e, Message) and e.prompt is not None and current.get(e.role) != e.prompt.seq)
    ]


def _reference(now: datetime, timezone: str) -> str:
    """A filing reference shown on the receipt, e.g. `MC-20261129-7Q2K9X`."""
    day = now.astimezone(ZoneInfo(timezone)).strftime("%Y%m%d")
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return f"MC-{day}-" + "".join(secrets.choice(alphabet) for _ in range(6))
