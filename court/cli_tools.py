"""Command-line tools for fees and the court calendar, wired into ``microcourt`` by the app CLI.

Each ``add_*_parser`` registers a sub-command and sets ``func`` on the namespace: a callable
taking the parsed ``argparse.Namespace`` and returning the exit code (0 ok, 2 bad input).
Errors are printed in Chinese and English on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from court.calendar import (
    COURT_TZ,
    DATA_DIR,
    MAX_PERIOD_DAYS,
    CalendarError,
    DueDate,
    court_calendar_path,
    due_date,
    end_of_day_utc,
    load_calendar,
    message_text,
)
from court.fees import CASE_KINDS, TRACKS, FeeError, error_text, parse_amount, property_fee
from court.texts import text

Handler = Callable[[argparse.Namespace], int]

WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


def _cli_text(code: str, locale: str, detail: str) -> str:
    """Render a CLI message code in one language."""
    return text(f"cli.{code}", locale, detail=detail, max_days=f"{MAX_PERIOD_DAYS:,}")


def _fail(lines_zh: str, lines_en: str) -> int:
    """Print a bilingual error on stderr and return exit code 2."""
    print(f"错误：{lines_zh}\nError: {lines_en}", file=sys.stderr)
    return 2


def add_fee_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``fee AMOUNT [--track] [--case-kind] [--counterclaim] [--lang]``."""
    parser = subparsers.add_parser(
        "fee",
        help="compute the case acceptance fee (FM 13, 16, 18, 20)",
        description="Compute the case acceptance fee under the Litigation Fee Measures.",
    )
    parser.add_argument("amount", metavar="AMOUNT", help="amount claimed in yuan (0 if none)")
    parser.add_argument("--track", choices=TRACKS, default="ordinary")
    parser.add_argument("--case-kind", choices=CASE_KINDS, default="property")
    parser.add_argument("--counterclaim", action="store_true", help="a counterclaim (FM 18)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.set_defaults(func=run_fee)


def run_fee(args: argparse.Namespace) -> int:
    """Print the fee due and its explanation; a bad amount gives a bilingual error and 2."""
    try:
        amount = parse_amount(args.amount)
        fee = property_fee(amount, track=args.track, case_kind=args.case_kind, counterclaim=args.counterclaim)
    except FeeError as exc:
        return _fail(error_text(exc.code, "zh"), error_text(exc.code, "en"))
    label = "应预交案件受理费" if args.lang == "zh" else "Fee due"
    unit = "元" if args.lang == "zh" else " yuan"
    print(f"{label}: {fee.fee_due:,}{unit}")
    print(fee.explain(args.lang))
    return 0


def add_calendar_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    data_dir: Path = DATA_DIR,
) -> None:
    """Register ``calendar due --from DATE --days N [--court CODE] [--calendar FILE ...]``.

    ``data_dir`` is where ``calendar_<CODE>.yaml`` court files are looked up.
    """
    parser = subparsers.add_parser("calendar", help="court calendar tools (CPL 85)")
    parser.set_defaults(func=_usage(parser))
    commands = parser.add_subparsers(dest="calendar_command", metavar="COMMAND")
    due = commands.add_parser(
        "due",
        help="the last day of a period (CPL 85)",
        description="The last day of a period: the starting day is not counted; a last day on "
        "a public holiday or weekend moves to the next working day, holidays inside the period "
        "are counted (CPL 85). A year whose State Council holiday notice is not in the data uses "
        "the statutory holidays and the result is marked provisional.",
    )
    due.add_argument("--from", dest="start", required=True, metavar="DATE", help="YYYY-MM-DD")
    due.add_argument("--days", required=True, metavar="N", help="length of the period in days")
    due.add_argument("--court", metavar="CODE", help="use court/data/calendar_<CODE>.yaml")
    due.add_argument(
        "--calendar",
        metavar="FILE",
        nargs="+",
        action="extend",
        type=Path,
        help="extra calendar files; a later file replaces whole years of earlier ones",
    )
    due.set_defaults(func=run_calendar_due, calendar_data_dir=data_dir)


def _usage(parser: argparse.ArgumentParser) -> Handler:
    """A handler that prints ``parser``'s usage and returns 2 (no sub-command given)."""

    def handler(args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2

    return handler


def _parse_due_args(args: argparse.Namespace) -> tuple[date, int] | int:
    """The start date and day count, or exit code 2 after a bilingual error."""
    try:
        start = date.fromisoformat(args.start)
    except ValueError:
        detail = repr(args.start)
        return _fail(_cli_text("date_invalid", "zh", detail), _cli_text("date_invalid", "en", detail))
    try:
        days = int(args.days)
    except ValueError:
        days = 0
    if days < 1:
        detail = repr(args.days)
        return _fail(_cli_text("days_invalid", "zh", detail), _cli_text("days_invalid", "en", detail))
    if days > MAX_PERIOD_DAYS:
        detail = repr(args.days)
        return _fail(_cli_text("days_too_many", "zh", detail), _cli_text("days_too_many", "en", detail))
    return start, days


def run_calendar_due(args: argparse.Namespace) -> int:
    """Print the due date, whether and why it moved, and calendar warnings in zh and en."""
    parsed = _parse_due_args(args)
    if isinstance(parsed, int):
        return parsed
    start, days = parsed
    notes: list[str] = []
    try:
        files: list[Path] = []
        if args.court:
            court_file = court_calendar_path(args.court, args.calendar_data_dir)
            if court_file is None:
                notes += [_cli_text("court_calendar_absent", lang, args.court) for lang in ("zh", "en")]
            else:
                files.append(court_file)
        files += args.calendar or []
        calendar = load_calendar(files)
    except CalendarError as exc:
        zh, en = (message_text(exc.code, lang, detail=exc.detail) for lang in ("zh", "en"))
        return _fail(zh, en)
    try:
        result = due_date(start, days, calendar)
    except ValueError:
        detail = f"{days} days from {start.isoformat()}"
        zh = _cli_text("date_out_of_range", "zh", f"自 {start.isoformat()} 起 {days} 日")
        return _fail(zh, _cli_text("date_out_of_range", "en", detail))
    print("\n".join(_due_lines(start, days, result) + notes))
    print("日历 / Calendar: " + ", ".join(calendar.sources))
    return 0


def _due_lines(start: date, days: int, result: DueDate) -> list[str]:
    """Human lines for a computed due date, each fact in Chinese then English."""
    end = result.date
    close = end_of_day_utc(end).strftime("%Y-%m-%dT%H:%M:%SZ")
    weekday = f"{WEEKDAYS_ZH[end.weekday()]} / {WEEKDAYS_EN[end.weekday()]}"
    counted = f"{days} days from {start.isoformat()}, the starting day not counted (CPL 85)"
    provisional = "是，可能顺延 / yes, may move later" if result.provisional else "否 / no"
    lines = [
        f"期间届满日 / Due date: {end.isoformat()} ({weekday})",
        f"  自 {start.isoformat()} 起 {days} 日，起算日不计入 / {counted}",
        "  仅最后一日遇节假日才顺延，期间中间的节假日照常计入 / only a last day on a holiday moves; "
        "holidays inside the period are counted",
        f"  截止 / Closes: {end.isoformat()} 23:59:59 {COURT_TZ} = {close}",
        f"暂定 / Provisional: {provisional}",
    ]
    if result.moved_from is None:
        lines.append("顺延 / Moved: 否 / no")
    else:
        day = result.moved_from.isoformat()
        reason = result.moved_reason or ""
        lines += [
            f"顺延 / Moved: 是，自 {day} 顺延 / yes, from {day}",
            "  原因：" + message_text(reason, "zh", day=day),
            "  Why: " + message_text(reason, "en", day=day),
        ]
    for code in result.warnings:
        lines += [
            f"警告 / Warning: {code}",
            "  " + message_text(code, "zh"),
            "  " + message_text(code, "en"),
        ]
    return lines
