"""The `microcourt` command."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from gateway.settings import Settings


def _serve(args: argparse.Namespace) -> int:
    from aiohttp import web

    from app.bootstrap import WrongDataKey, sealer_for
    from app.web import build_app
    from gateway import logs

    settings = Settings.from_env()
    overrides: dict[str, Any] = {}
    if args.host:
        overrides["host"] = args.host
    if args.port:
        overrides["port"] = args.port
    if args.demo:
        overrides["demo"] = True
    settings = _replace(settings, **overrides)
    logs.configure(settings.log_level, secrets=(settings.telegram_token,))
    sealer_for(settings)  # no data key (or a malformed one): refuse before anything says "serving"
    mode = " (demo mode)" if settings.demo else ""
    serving = f"Micro Court serving on http://{settings.host}:{settings.port}{mode}"

    def say_serving(_aiohttp_banner: str) -> None:  # called once the court is built and the port listens
        print(serving, flush=True)

    try:
        web.run_app(build_app(settings), host=settings.host, port=settings.port, print=say_serving)
    except WrongDataKey as refused:
        print(refused, file=sys.stderr)
        return 2
    return 0


def _replace(settings: Settings, **changes: Any) -> Settings:
    from dataclasses import replace

    return replace(settings, **changes)


def _migrate(args: argparse.Namespace) -> int:
    from app.bootstrap import sealer_for
    from storage.migrate import upgrade

    settings = Settings.from_env()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # The data key lets a migration derive columns from sealed data (0005); the app passes it too.
    sealer = sealer_for(settings) if settings.secret_key or settings.demo else None
    try:
        upgrade(settings.db_url, sealer=sealer)
    except RuntimeError as error:
        print(f"not migrated: {error}", file=sys.stderr)
        return 1
    print("database is up to date")
    return 0


def _flows_validate(args: argparse.Namespace) -> int:
    from app.bootstrap import court_procedures
    from flows.library import check_file
    from flows.texts import load_catalog

    registry, catalog = court_procedures({}).registry, load_catalog()
    paths = [p for arg in args.paths for p in (sorted(Path(arg).glob("*.yaml")) if Path(arg).is_dir() else [Path(arg)])]
    problems = []
    for path in paths:
        _flow, found = check_file(path, registry, catalog)
        problems.extend(found)
    for problem in problems:
        print(problem)
    print(f"{len(paths)} file(s), {len(problems)} problem(s)")
    return 1 if problems else 0


def _flows_diagram(args: argparse.Namespace) -> int:
    from app.bootstrap import court_procedures
    from flows.library import load_library
    from flows.mermaid import to_mermaid
    from flows.texts import load_catalog

    library = load_library(court_procedures({}).registry, load_catalog())
    try:
        flow = library.get(args.flow_id, args.version) if args.version else library.latest(args.flow_id)
    except KeyError:
        print(f"no flow {args.flow_id!r}; known: {sorted({f for f, _ in library.flows})}", file=sys.stderr)
        return 2
    print(to_mermaid(flow), end="")
    return 0


def _demo(args: argparse.Namespace) -> int:
    if args.what == "trial":
        return asyncio.run(_run_trial_demo(args.lang, args.out))
    return asyncio.run(_run_demo(args.lang))


async def _run_trial_demo(locale: str, out: Path | None) -> int:
    """One complete asynchronous case (app.trial_demo), printed; its record written as JSON."""
    from datetime import timedelta

    from app.bootstrap import build_court, utc_now
    from app.trial_demo import TrialDemo, make_court_key, write_documents, write_record
    from gateway.demo import seed

    offset = timedelta(0)

    def clock() -> datetime:
        return utc_now() + offset

    def jump(by: timedelta) -> None:
        nonlocal offset
        offset += by

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), demo=True)
        court = await build_court(settings, clock)
        try:
            await seed(court.store, settings.court_code, court.clock())
            async with court.store.tx() as tx:
                people = {
                    key: await tx.person_by_demo_key(key) for key in ("litigant_a", "litigant_b", "clerk", "judge")
                }
            cast = {"plaintiff": people["litigant_a"], "defendant": people["litigant_b"]}
            cast |= {"clerk": people["clerk"], "judge": people["judge"]}
            make_court_key(court)
            case_id = await TrialDemo(court, jump, locale, print).run(cast)  # type: ignore[arg-type]
            folder = out or Path(tmp)
            path = await write_record(court, cast["judge"], case_id, folder)  # type: ignore[arg-type]
            pdfs = await write_documents(court, cast["plaintiff"], cast["judge"], case_id, folder)  # type: ignore[arg-type]
            print(f"\nrecord: {path}\n" + "\n".join(str(p) for p in pdfs) if out else "")
        finally:
            await court.close()
    return 0


async def _run_demo(locale: str) -> int:
    from app.bootstrap import build_court
    from app.simulation import Simulation
    from gateway.demo import seed

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), demo=True)
        court = await build_court(settings)
        try:
            await seed(court.store, settings.court_code, court.clock())
            async with court.store.tx() as tx:
                plaintiff = await tx.person_by_demo_key("litigant_a")
                clerk = await tx.person_by_demo_key("clerk")
            assert plaintiff is not None and clerk is not None
            sim = Simulation(court, locale, print)
            case_id = await sim.file_case(plaintiff)
            await sim.prompt_for(clerk, case_id)
            await sim.accept(clerk, case_id)  # and the judge assigned decides the track (filing v4)
            await sim.answer(plaintiff, case_id, "pay")
            await sim.prompt_for(plaintiff, case_id)
        finally:
            await court.close()
    return 0


def _staff_add(args: argparse.Namespace) -> int:
    return asyncio.run(_add_staff(args.role, args.name))


async def _add_staff(role: str, name: str) -> int:
    import uuid

    from app.bootstrap import build_court
    from court import sessions
    from storage.models import Person

    settings = Settings.from_env()
    court = await build_court(settings)
    try:
        async with court.store.tx() as tx:
            person = Person(
                id=str(uuid.uuid4()),
                display_name=name,
                locale="zh",
                staff_role=role,
                court_code=settings.court_code,
                created_at=court.clock(),
            )
            tx.add(person)
            await tx.flush()
            token = await sessions.issue_signin_link(tx, person.id, court.clock())
    finally:
        await court.close()
    base = settings.public_url or f"http://{settings.host}:{settings.port}"
    print(f"{role} {name!r} added. One-time sign-in link (valid {sessions.SIGNIN_LINK_HOURS} h):")
    print(f"{base.rstrip('/')}/signin/{token}")
    return 0


def _blobs_sweep(args: argparse.Namespace) -> int:
    return asyncio.run(_sweep_blobs(args.older_than_hours, args.dry_run))


async def _sweep_blobs(hours: float, dry_run: bool) -> int:
    from datetime import timedelta

    from app.bootstrap import build_court
    from court.blob_sweep import sweep

    court = await build_court(Settings.from_env())
    try:
        swept = await sweep(court.store, court.service.blobs, court.clock(), timedelta(hours=hours), dry_run)
    finally:
        await court.close()
    verb = ("would remove", "将删除") if dry_run else ("removed", "已删除")
    for stored in swept.removed:
        print(f"{verb[0]} {stored.path}")
    mb = f"{swept.removed_bytes / 1048576:.1f}"
    print(f"{verb[0]} {len(swept.removed)} file(s), {mb} MB, no case refers to; kept {swept.kept} older than {hours} h")
    print(f"{verb[1]} {len(swept.removed)} 个无案件引用的文件（{mb} MB）；保留 {swept.kept} 个超过 {hours} 小时的文件")
    return 0


def _keys_rotate(args: argparse.Namespace) -> int:
    return asyncio.run(_rotate_keys(args.dry_run))


async def _rotate_keys(dry_run: bool) -> int:
    from app.bootstrap import build_court, id_number_keys
    from court.documents.court_key import key_dir
    from court.documents.court_key import reseal as reseal_court_key
    from court.key_rotation import rotate

    settings = Settings.from_env()
    court = await build_court(settings)
    try:
        photo_dir = settings.data_dir / "identity-photos"
        rotation = await rotate(court.store, court.service.blobs, photo_dir, id_number_keys(settings), dry_run)
        if not dry_run and reseal_court_key(key_dir(settings.data_dir), court.store.sealer):
            print("court key: sealed again under the current key / 法院签名密钥已重新加密")
    finally:
        await court.close()
    verb = ("would seal again", "将重新加密") if dry_run else ("sealed again", "已重新加密")
    for kind, tally in rotation.tallies.items():
        print(f"{kind}: {verb[0]} {tally.resealed}, already under the current key {tally.current}")
        for where in tally.unopenable:
            print(f"  does not open with any key given (sealed under another key, or damaged): {where}")
    if not rotation.done:
        print(
            "Some data opens with none of the keys given; everything else is done. If it was sealed under a "
            "key not given, add that key to MICROCOURT_PREVIOUS_SECRET_KEYS and run this again; if it is "
            "damaged, restore it from a backup. Keep the previous keys until then.\n"
            "部分数据无法用已配置的任何密钥解密，其余数据已完成。若它由未配置的密钥加密，请把该密钥加入 "
            "MICROCOURT_PREVIOUS_SECRET_KEYS 后重新运行；若已损坏，请从备份恢复。在此之前请保留旧密钥。",
            file=sys.stderr,
        )
        return 1
    if not dry_run:
        print(
            "Everything is sealed under MICROCOURT_SECRET_KEY: MICROCOURT_PREVIOUS_SECRET_KEYS can be removed.\n"
            "所有数据均已用 MICROCOURT_SECRET_KEY 加密，可以删除 MICROCOURT_PREVIOUS_SECRET_KEYS。"
        )
    else:
        print(f"({verb[1]}：以上为预演，未做任何修改 / a dry run: nothing was changed)")
    return 0


def _court_key(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from app.bootstrap import sealer_for
    from court.documents import court_key

    settings = Settings.from_env()
    make = court_key.init if args.court_key_command == "init" else court_key.rotate
    directory = court_key.key_dir(settings.data_dir)
    try:
        key = make(directory, sealer_for(settings), settings.court_name, settings.court_code, datetime.now(UTC))
    except court_key.CourtKeyError as refused:
        print(refused, file=sys.stderr)
        return 1
    serial = f"{key.certificate.serial_number:x}"
    until = f"{key.certificate.not_valid_after_utc:%Y-%m-%d}"
    print(f"court key ready: {key.signer_name}, certificate {serial}, valid until {until}")
    print(f"法院签名密钥已就绪：{key.signer_name}，证书 {serial}（密钥已用数据密钥加密保存于 {directory}）")
    return 0


def _documents_verify(args: argparse.Namespace) -> int:
    from court.documents import court_key
    from court.documents.verify import verify

    certificates_dir = Path(args.certificates) if args.certificates else court_key.key_dir(Settings.from_env().data_dir)
    verdict = verify(Path(args.file).read_bytes(), court_key.certificates(certificates_dir))
    print(verdict.message(args.lang))
    return verdict.code


def _case_export(args: argparse.Namespace) -> int:
    return asyncio.run(_export_case(args.case, Path(args.dir), args.lang))


async def _export_case(case_id: str, out: Path, locale: str) -> int:
    """The file of an appealed case for the higher court (judgment.export)."""
    from app.bootstrap import build_court, sealer_for
    from court.documents import court_key
    from judgment.export import ExportRefused, export_case

    settings = Settings.from_env()
    court = await build_court(settings)
    try:
        key = court_key.load(court_key.key_dir(settings.data_dir), sealer_for(settings))
    except court_key.CourtKeyError:
        key = None
    try:
        exported = await export_case(
            court.store,
            court.service.blobs.get,
            case_id,
            out,
            court.catalog,
            settings.court_name,
            key,
            court.clock(),
            locale,
        )
    except ExportRefused as refused:
        print(refused, file=sys.stderr)
        return 1
    finally:
        await court.close()
    signed = "signed by the court" if key else "unsigned: run `microcourt court-key init` to sign it"
    print(f"exported {exported.files} file(s) to {exported.directory} (record.pdf {signed}); see manifest.json")
    print(f"已导出 {exported.files} 个文件至 {exported.directory}，清单见 manifest.json")
    if not exported.evidence_intact:
        print("an evidence file does not match the SHA-256 recorded on receipt: see manifest.json", file=sys.stderr)
        print("有证据文件与收到时记录的 SHA-256 不符，详见 manifest.json", file=sys.stderr)
        return 1
    return 0


def _secret_key(args: argparse.Namespace) -> int:
    from storage.sealing import Sealer

    print(Sealer.new_key())
    return 0


def parser() -> argparse.ArgumentParser:
    from court.cli_tools import add_calendar_parser, add_fee_parser
    from identity.cli import add_identity_parser

    root = argparse.ArgumentParser(prog="microcourt", description="Micro Court: an asynchronous chat court.")
    sub = root.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the court (web chat, API, sweeper)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--demo", action="store_true", help="seed demo people and allow one-click sign-in")
    serve.set_defaults(func=_serve)
    sub.add_parser("migrate", help="bring the database schema up to date").set_defaults(func=_migrate)
    flows = sub.add_parser("flows", help="flow definitions").add_subparsers(dest="flows_command", required=True)
    validate = flows.add_parser("validate", help="check flow files; print every problem with file and line")
    validate.add_argument("paths", nargs="+")
    validate.set_defaults(func=_flows_validate)
    diagram = flows.add_parser("diagram", help="print a flow as a Mermaid state diagram")
    diagram.add_argument("flow_id")
    diagram.add_argument("--version", type=int)
    diagram.set_defaults(func=_flows_diagram)
    add_fee_parser(sub)
    add_calendar_parser(sub)
    demo = sub.add_parser("demo", help="drive a complete filing (or `demo trial`: a whole trial) with simulated people")
    demo.add_argument("what", nargs="?", choices=("filing", "trial"), default="filing")
    demo.add_argument("--lang", choices=("zh", "en"), default="zh")
    demo.add_argument("--out", type=Path, help="`demo trial`: write the case record as JSON here")
    demo.set_defaults(func=_demo)
    add_identity_parser(sub)
    sub.add_parser("secret-key", help="print a new data encryption key").set_defaults(func=_secret_key)
    keys = sub.add_parser("keys", help="the data key").add_subparsers(dest="keys_command", required=True)
    rotated = keys.add_parser(
        "rotate", help="seal everything sealed under MICROCOURT_PREVIOUS_SECRET_KEYS again under MICROCOURT_SECRET_KEY"
    )
    rotated.add_argument("--dry-run", action="store_true", help="count what would be sealed again, change nothing")
    rotated.set_defaults(func=_keys_rotate)
    blobs = sub.add_parser("blobs", help="stored files").add_subparsers(dest="blobs_command", required=True)
    swept = blobs.add_parser("sweep", help="remove stored files no case refers to (older than a grace period)")
    swept.add_argument("--older-than-hours", type=float, default=24.0)
    swept.add_argument("--dry-run", action="store_true", help="list what would be removed, remove nothing")
    swept.set_defaults(func=_blobs_sweep)
    court_key = sub.add_parser("court-key", help="the court's signing key for its PDFs").add_subparsers(
        dest="court_key_command", required=True
    )
    court_key.add_parser("init", help="make the court's key and certificate (sealed under the data key)").set_defaults(
        func=_court_key
    )
    court_key.add_parser("rotate", help="a new key and certificate; documents signed before still verify").set_defaults(
        func=_court_key
    )
    documents = sub.add_parser("documents", help="court documents").add_subparsers(
        dest="documents_command", required=True
    )
    verified = documents.add_parser(
        "verify", help="check a court PDF offline: exit 0 intact, 1 changed after signing, 2 not a court document"
    )
    verified.add_argument("file")
    verified.add_argument("--certificates", help="folder of the court's certificates (default: DATA_DIR/court-key)")
    verified.add_argument("--lang", choices=("zh", "en"), default="en")
    verified.set_defaults(func=_documents_verify)
    case = sub.add_parser("case", help="cases").add_subparsers(dest="case_command", required=True)
    exported = case.add_parser(
        "export", help="write an appealed case's file for the higher court: record, documents, evidence, manifest"
    )
    exported.add_argument("case", help="the case id")
    exported.add_argument("dir", help="a new or empty folder")
    exported.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of record.pdf")
    exported.set_defaults(func=_case_export)
    staff = sub.add_parser("staff", help="court staff").add_subparsers(dest="staff_command", required=True)
    add = staff.add_parser("add", help="add a clerk, judge or admin and print a one-time sign-in link")
    add.add_argument("--role", choices=("clerk", "judge", "admin"), required=True)
    add.add_argument("--name", required=True)
    add.set_defaults(func=_staff_add)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
