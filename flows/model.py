"""Frozen dataclasses that a flow definition loads into."""

from __future__ import annotations

from dataclasses import dataclass, field

from flows.durations import Duration

INPUT_KINDS = frozenset(
    {"text", "long_text", "amount", "choice", "files", "statement", "summary", "info", "wait", "identity"}
)
"""`info` shows a message with a continue button; `wait` shows a message and takes no input;
`identity` asks the person to verify in the mini-app (or by selfie) and resumes by signal;
`statement` takes one answer that is either a text or one file (a voice message, a video note, a
video recorded in the mini-app, a document), hashed on receipt like evidence, and stores
`{"text": ...}` or `{"file": {...}}`."""


@dataclass(frozen=True)
class Option:
    value: str
    text: str  # text key
    guard: str | None = None  # registered guard (case data, this option's value): offered only when it holds


@dataclass(frozen=True)
class InputSpec:
    kind: str
    options: tuple[Option, ...] = ()
    validator: str | None = None  # registered validator name
    max_length: int = 2000
    max_amount: str | None = None  # decimal string
    accept: tuple[str, ...] = ()  # file extensions for `files`
    max_files: int = 20
    min_files: int = 0  # files needed before `done` is taken


@dataclass(frozen=True)
class Transition:
    """Where an answer leads: the first transition whose conditions hold wins."""

    goto_step: str | None = None
    goto_stage: str | None = None
    done: bool = False  # the role has finished its part of the stage
    answer: str | None = None  # matches when the answer equals this value
    guard: str | None = None  # registered guard name
    next_item: bool = False  # inside a per-item loop: this item is done, ask about the next one
    line: int = 0


@dataclass(frozen=True)
class EditTarget:
    """A summary's edit button: jump to `step`, come back when the flow would reach `until`."""

    step: str
    until: str | None = None
    clears: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    id: str
    role: str
    text: str
    input: InputSpec
    store: str | None = None
    actions: tuple[str, ...] = ()
    params: str | None = None  # registered formatter giving the text's parameters
    transitions: tuple[Transition, ...] = ()
    edit_targets: tuple[EditTarget, ...] = ()
    for_each: str | None = None  # a list in the case data: this step and its body are asked once per item
    after: tuple[Transition, ...] = ()  # for `for_each`: where the flow goes after the last item (or none)
    line: int = 0
    source: str = ""  # the file it was inherited from (`based_on`); empty: the flow's own
    ruling: bool = False  # answering it is a ruling: only the judge assigned to the case may
    period: str | None = None  # a stage `timers` kind: the step belongs to the role's own period of it
    starts: tuple[str, ...] = ()  # stage `timers` kinds started for the step's role when it is answered


@dataclass(frozen=True)
class DurationCase:
    """`duration_if: [{if: <guard>, duration: <ISO-8601>, setting: <court setting>}]`: a deadline's
    length when the guard holds for the case data (e.g. 30 days for a party domiciled abroad, or
    an evidence period per track); the court setting, when set, replaces the duration."""

    guard: str
    duration: Duration
    duration_text: str
    setting: str | None = None


@dataclass(frozen=True)
class DeadlineSpec:
    """A stage's procedural deadline, stored as a row and fired by the sweeper."""

    kind: str
    duration: Duration
    duration_text: str
    remind_before: Duration | None = None
    on_expire: str | None = None  # stage to enter when it fires
    notify: tuple[str, ...] = ()  # roles told when it fires
    expire_text: str | None = None
    params: str | None = None  # registered formatter giving the expiry text's parameters
    rule: str = ""  # the legal source, e.g. "FM 22"
    remind_text: str | None = None  # `remind_before` as written
    starts_on: str | None = None  # a served document's text: the period runs from its effective service
    served_to: str | None = None  # the role it is served on (`starts_on`'s recipient)
    actions: tuple[str, ...] = ()  # registered actions run when it fires, before `on_expire` is entered
    duration_setting: str | None = None  # a court setting (an ISO-8601 duration) that, when set, replaces `duration`
    self_extension: Duration | None = None  # each party may once move it this much later, after a warning
    duration_if: tuple[DurationCase, ...] = ()  # the first whose guard holds replaces duration and duration_setting
    each: tuple[str, ...] = ()  # `starts_on: {to: [roles]}`: each role's own period (see `kind_for`)

    def kind_for(self, role: str) -> str:
        """The kind of `role`'s own period (`<kind>_<role>`) when each role named in `starts_on`
        has one (an appeal window runs from each party's own service, CPL 171); else `kind`."""
        return f"{self.kind}_{role}" if role in self.each else self.kind

    @property
    def kinds(self) -> tuple[str, ...]:
        """Every kind of deadline row this spec makes: one per role in `each`, else `kind`."""
        return tuple(self.kind_for(role) for role in self.each) or (self.kind,)


@dataclass(frozen=True)
class DutySpec:
    """A period the court itself must keep (a `duty:` on a stage): it starts when the case first
    enters that stage, keeps running through the stages after it (the trial's included), and is
    done when the court sends the document `until_sent` to the role `sent_to`, in the chat or by
    the clerk's record of serving it. Lapsed, the roles in `notify` are told and the case is marked
    overdue; nothing else happens to the case. A final stage ends it."""

    kind: str
    duration: Duration
    duration_text: str
    until_sent: str  # the text of the document whose sending fulfils the duty
    sent_to: str  # the role it is sent to
    notify: tuple[str, ...] = ()
    expire_text: str | None = None
    params: str | None = None  # registered formatter giving the expiry text's parameters
    rule: str = ""


@dataclass(frozen=True)
class TimerSpec:
    """One of a stage's extra per-role periods (`timers:`), beside the stage's own deadline: each
    role in `roles` has its own, of kind `<kind>_<role>`, started by a step that names it in
    `starts` (from the answer) or, with `starts_on`, when that served text's service on the role
    takes effect (CPL 90). It ends the stage for nobody: when it fires and its guard (`if`, asked
    with the role) still holds, its actions run, the role is told `expire_text` and, if it is on
    a step of this period (`period:`), goes back to its home step."""

    kind: str
    duration: Duration
    duration_text: str
    roles: tuple[str, ...]
    guard: str | None = None
    actions: tuple[str, ...] = ()  # `{role}` in a name stands for the role whose period it is
    expire_text: str | None = None
    remind_before: Duration | None = None
    remind_text: str | None = None
    starts_on: str | None = None
    rule: str = ""

    def kind_for(self, role: str) -> str:
        return f"{self.kind}_{role}"


@dataclass(frozen=True)
class Stage:
    id: str
    status: str
    entry: dict[str, str]  # role -> first step
    on_enter: tuple[str, ...] = ()
    recheck: tuple[str, ...] = ()  # actions whose service calls are asked again when someone verifies
    deadline: DeadlineSpec | None = None
    duty: DutySpec | None = None  # the court's own period, started here (see DutySpec)
    on_signal: dict[str, tuple[Transition, ...]] = field(default_factory=dict)  # first route whose guard holds
    when_all_done: str | None = None
    final: bool = False
    reverify: tuple[str, ...] = ()  # roles that re-verify identity before acting here (OLR 7(3))
    unadmitted: tuple[str, ...] = ()  # roles held by someone the court has not admitted yet (CPL 51)
    next_flow: str | None = None  # entering it hands the case over to the newest version of that flow
    skip_to: tuple[Transition, ...] = ()  # on entering, the first route whose guard holds is entered instead
    home: dict[str, str] = field(default_factory=dict)  # role -> its home step (see flows.homes)
    timers: tuple[TimerSpec, ...] = ()  # per-role periods beside the stage's deadline
    signal_actions: dict[str, tuple[str, ...]] = field(default_factory=dict)  # signal -> actions; no stage change
    line: int = 0
    source: str = ""  # the file it was inherited from (`based_on`); empty: the flow's own

    def deadline_kind(self, role: str) -> str | None:
        """The kind of the stage deadline's period that `role`'s prompts count down to."""
        return self.deadline.kind_for(role) if self.deadline else None


@dataclass(frozen=True)
class FlowDefinition:
    id: str
    version: int
    roles: tuple[str, ...]
    start_stage: str
    stages: dict[str, Stage]
    steps: dict[str, Step]
    source: str = ""

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)
