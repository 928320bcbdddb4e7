"""The documentation stays true to the repository: the tests docs/rules.md names exist, the README
stays a short way in, and every relative link leads to a file that is there."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
README_LIMIT = 10 * 1024

NAMED_TEST = re.compile(r"`(test_\w+)`")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def _documents() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def _defined_tests() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "tests").rglob("*.py"):
        names.update(re.findall(r"^\s*(?:async\s+)?def (test_\w+)\(", path.read_text(encoding="utf-8"), re.MULTILINE))
    return names


def _anchors(doc: Path) -> set[str]:
    """The anchors of a Markdown file's headings, as GitHub spells them."""
    headings = re.findall(r"^#+\s+(.+?)\s*$", FENCE.sub("", doc.read_text(encoding="utf-8")), re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def _relative_links(text: str) -> list[str]:
    """The link targets of a Markdown text that point inside the repository (code blocks aside)."""
    targets = LINK.findall(FENCE.sub("", text))
    return [t for t in targets if not urlsplit(t).scheme and not t.startswith(("//", "mailto:"))]


def test_every_test_named_in_the_rules_exists() -> None:
    """docs/rules.md tells a lawyer which tests check each rule: each must be a real test."""
    named = set(NAMED_TEST.findall((DOCS / "rules.md").read_text(encoding="utf-8")))
    assert len(named) > 50, "rules.md should name the tests that check its rules"
    missing = sorted(named - _defined_tests())
    assert not missing, f"docs/rules.md names tests that do not exist under tests/: {missing}"


def test_a_missing_test_name_would_be_caught() -> None:
    """The check above is not vacuous: a made-up name is not found among the tests."""
    defined = _defined_tests()
    assert "test_every_test_named_in_the_rules_exists" in defined
    assert "test_no_such_rule_is_checked_anywhere" not in defined


def test_the_readme_is_a_short_way_in() -> None:
    """README.md stays under 10 KB: the rest belongs in docs/."""
    size = len(README.read_bytes())
    assert size < README_LIMIT, f"README.md is {size} bytes; move detail into docs/"


def test_every_relative_link_leads_to_a_file_that_exists() -> None:
    """Links in README.md and docs/*.md that stay in the repository point at existing files (and,
    with a #part, at a heading of that file)."""
    broken = []
    for doc in _documents():
        for target in _relative_links(doc.read_text(encoding="utf-8")):
            parts = urlsplit(target)
            file = (doc.parent / unquote(parts.path)) if parts.path else doc
            if not file.exists():
                broken.append(f"{doc.relative_to(ROOT)}: {target}")
            elif parts.fragment and file.suffix == ".md" and parts.fragment not in _anchors(file):
                broken.append(f"{doc.relative_to(ROOT)}: {target} (no such heading)")
    assert not broken, f"links to missing files: {broken}"


def test_the_link_check_reads_links_and_skips_outside_ones() -> None:
    """What counts as a relative link: files, images and headings yes; web addresses and code no."""
    text = (
        "[a](docs/a.md) ![b](docs/b.png) [c](docs/c.md#part) [d](https://example.org/x) [e](#here)\n"
        "```\n[f](docs/f.md)\n```\n"
    )
    assert _relative_links(text) == ["docs/a.md", "docs/b.png", "docs/c.md#part", "#here"]


def test_heading_anchors_are_spelled_as_github_does(tmp_path: Path) -> None:
    """A heading's anchor: lower case, punctuation dropped, spaces as hyphens."""
    doc = tmp_path / "a.md"
    doc.write_text("# Acts, access and the record\n## Not enforced yet\n```\n# not a heading\n```\n")
    assert _anchors(doc) == {"acts-access-and-the-record", "not-enforced-yet"}


def test_the_readme_sends_nobody_outside_the_repository() -> None:
    """A newcomer understands Micro Court from the repository alone: no web links, no ../ paths."""
    text = README.read_text(encoding="utf-8")
    outside = [t for t in LINK.findall(text) if urlsplit(t).scheme or t.startswith(("//", "../"))]
    assert not outside, f"README.md links outside the repository: {outside}"
    assert "../" not in text
