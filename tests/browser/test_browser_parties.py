"""Parties in headless Chromium: the defendant follows the court's invitation (OLR 10), a party
invites an agent, an unverified agent is sent to verify first, the clerk's agent and delivery
queues, and the mini-app's sign-in from Telegram's signed initData."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser_helpers import (
    WAIT_MS,
    browser,  # noqa: F401 - Debian's Chromium, a fixture shared by the browser tests
    choose,
    composer_at,
    demo_server,
    file_against_a_company,
    judge_decides_track,
    new_page,
    require_chromium,
    shot,
    sign_in_demo,
)

pytestmark = pytest.mark.browser

# What Telegram puts after '#' when it opens a mini-app: the signed initData, URL-encoded once more.
INIT_DATA = (
    "query_id=AAHdF6IQAAAAAN0XohDhrOrc"
    "&user=%7B%22id%22%3A279058397%2C%22first_name%22%3A%22Li%22%2C%22language_code%22%3A%22en%22%7D"
    "&auth_date=1790000000&hash=c501b71e775f74ce10e377dea85a7ea24ecd640b223ea86dfe453e0eaed2e2b2"
)
LINK = "https://t.me/microcourt_demo_bot?start=link_Zx9-code"
TG_PERSON = {"id": "tg-person", "name": "Li (Telegram)", "staff_role": None}
LINK_QUESTION = "Link this browser with the Telegram account “Li”? Do this only if that Telegram account is yours."


@pytest.fixture
def party_court(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, bool]]:
    """(address, whether the invitations carry it): our own demo server's public address is its
    own, so the court's web link leads back to it; a shared `running_server` may have none."""
    require_chromium()
    try:
        yield str(request.getfixturevalue("running_server")).rstrip("/"), False
        return
    except pytest.FixtureLookupError:
        pass
    with demo_server(tmp_path, public_url=True) as url:
        yield url, True


async def test_defendant_joins_by_invitation_and_an_unverified_agent_is_sent_to_verify(
    party_court: tuple[str, bool],
    browser,  # noqa: F811 - the imported fixture
    tmp_path: Path,
) -> None:
    """Filing, acceptance and payment; the invitation in the clerk's chat; an unverified person is
    told to verify first (and the join is retried after the identity panel); demo litigant B joins
    as the defendant; the plaintiff's agent code; linking; the clerk's empty queues; Telegram."""
    from playwright.async_api import expect

    base, links_here = party_court
    errors: list[list[str]] = []

    # litigant A files against a company; the clerk accepts; A pays the fee
    a_ctx, a, a_errors = await new_page(browser, base, "en-US")
    errors.append(a_errors)
    await sign_in_demo(a, "litigant_a")
    case_id, _reference = await file_against_a_company(a)

    clerk_ctx, clerk, clerk_errors = await new_page(browser, base, "en-US")
    errors.append(clerk_errors)
    await sign_in_demo(clerk, "clerk")
    await clerk.get_by_test_id("tab-queue").click()
    await clerk.locator(f'[data-testid=queue-item][data-case-id="{case_id}"]').click()
    await composer_at(clerk, "review_decision")
    await choose(clerk, "accept", None)
    await judge_decides_track(browser, base, case_id)  # the judge rules on the track (filing v4)
    await composer_at(a, "pay_fee")
    await choose(a, "pay", None)

    # the clerk's chat carries the invitation for the defendant: a web link and the code
    invitation = clerk.locator("[data-testid=msg][data-kind=court]").filter(has_text="Code:")
    await expect(invitation).to_have_count(1, timeout=WAIT_MS)
    text = await invitation.inner_text()
    code = re.search(r"Code: (\w{4}-\w{4})", text)  # the short code, to read out or print (OLR 10)
    link = re.search(r"\?join=(\S+)", text)  # the long code in the web link, when the court has one
    assert code, text
    join_code = link.group(1) if link else code.group(1)  # ?join= takes either
    join_url = f"{base}/?join={join_code}"
    if links_here:
        assert f"Web: {join_url}" in text, text
    await expect(invitation.get_by_test_id("attachment")).to_have_text(
        "QR code of the join link (print it beside the code)"
    )

    # a new, unverified litigant follows the link: kept across sign-in, then "verify first"
    joins: list[str] = []
    joined_again = asyncio.Event()

    async def spy_on_joins(context) -> None:
        def relay(ws) -> None:
            server = ws.connect_to_server()

            def from_page(message: str | bytes) -> None:
                frame = json.loads(message)
                if frame.get("type") == "join":
                    joins.append(frame.get("code"))
                    if len(joins) == 2:
                        joined_again.set()
                server.send(message)

            ws.on_message(from_page)

        await context.route_web_socket(re.compile(r"/ws$"), relay)

    c_ctx, c, c_errors = await new_page(browser, join_url, "en-US", prepare=spy_on_joins)
    errors.append(c_errors)
    await expect(c.get_by_test_id("join-pending")).to_be_visible()
    await expect(c).to_have_url(f"{base}/")  # the code left the address bar
    await c.get_by_test_id("new-litigant").click()
    join_error = c.get_by_test_id("join-error")
    await expect(join_error).to_have_attribute("data-code", "verify_first", timeout=WAIT_MS)
    await expect(join_error).to_contain_text("verify your identity")
    await shot(c, str(tmp_path / "join_verify_first.png"))
    await c.get_by_test_id("join-verify").click()
    await expect(c.get_by_test_id("identity-dialog")).to_have_attribute("data-phase", "consent", timeout=WAIT_MS)
    await c.get_by_test_id("identity-close").click()
    await expect(c.get_by_test_id("sheet-join")).to_be_visible()  # back where the panel was opened from
    await expect(join_error).to_have_attribute("data-code", "verify_first")
    assert joins == [join_code]  # not verified: no second try

    # once the identity panel says verified (here a stand-in status), the join is tried again
    verified = {
        "verified": True,
        "method": "face_liveness",
        "consent": True,
        "reference": True,
        "attempts_left": 5,
        "in_review": False,
        "consent_text": "",
        "keeps_selfies": False,
    }
    await c_ctx.route("**/api/identity/status", lambda route: route.fulfill(json=verified))
    await c.get_by_test_id("join-verify").click()
    await expect(c.get_by_test_id("identity-dialog")).to_have_attribute("data-phase", "already", timeout=WAIT_MS)
    await c.get_by_test_id("identity-done").click()
    await expect(c.get_by_test_id("sheet-join")).to_be_visible()
    await asyncio.wait_for(joined_again.wait(), WAIT_MS / 1000)
    assert joins == [join_code] * 2
    # the court, which knows better, still says verify first
    await expect(join_error).to_have_attribute("data-code", "verify_first", timeout=WAIT_MS)
    await c_ctx.unroute("**/api/identity/status")
    await c.get_by_test_id("join-code").fill("not-a-code")
    await c.get_by_test_id("join-submit").click()
    await expect(join_error).to_have_attribute("data-code", "invitation_unknown", timeout=WAIT_MS)
    await expect(join_error).to_contain_text("not known")
    await c.get_by_test_id("sheet-close").click()
    await expect(c.get_by_test_id("sheet")).to_have_count(0)

    # litigant B (demo, verified) opens the same link signed out and signs in: to act for the
    # company B first sends the business licence (CPL 51, 62), and sees nothing of the complaint
    b_ctx, b, b_errors = await new_page(browser, join_url, "en-US")
    errors.append(b_errors)
    await expect(b.get_by_test_id("join-pending")).to_be_visible()
    await sign_in_demo(b, "litigant_b")
    await expect(b.get_by_test_id("chat")).to_have_attribute("data-case-id", case_id, timeout=WAIT_MS)
    await composer_at(b, "representative_documents")
    await expect(b.get_by_test_id("conversation")).not_to_contain_text("13800138000")
    await choose(b, "done", None)  # nothing sent yet: told what to do, nothing moves
    await expect(b.get_by_test_id("conversation")).to_contain_text("Please upload at least 1 file", timeout=WAIT_MS)
    licence = b"%PDF-1.4\n% business licence of the company\n"
    await b.get_by_test_id("file-input").set_input_files(
        {"name": "licence.pdf", "mimeType": "application/pdf", "buffer": licence}
    )
    await expect(b.get_by_test_id("conversation")).to_contain_text(hashlib.sha256(licence).hexdigest(), timeout=WAIT_MS)
    await choose(b, "done", "wait_representative_review")

    # the case is in the clerk's queue; the clerk sees who asks, opens the document and admits
    # them; B is then the defendant
    await clerk.get_by_test_id("nav-back").click()
    await clerk.get_by_test_id("tab-queue").click()
    await clerk.locator(f'[data-testid=queue-item][data-case-id="{case_id}"]').click()
    await composer_at(clerk, "representative_decision")
    asking = clerk.locator("[data-testid=msg][data-kind=court][data-step=representative_decision]")
    await expect(asking).to_contain_text(
        "李四 (ID 310104********004X) asks to act for the defendant 某某电子商务有限公司"
    )
    document = asking.get_by_test_id("attachment")
    await expect(document).to_have_text("licence.pdf")
    href = await document.get_attribute("href")
    assert href and href.startswith(f"/api/cases/{case_id}/files/"), href
    opened = await clerk.request.get(base + href)
    assert opened.status == 200 and await opened.body() == licence
    refused = await a.request.get(base + href)  # the plaintiff may not
    assert refused.status == 404
    await shot(clerk, str(tmp_path / "representative_decision.png"))
    await choose(clerk, "admit", None)
    # B is asked first: online (OLR 10), e-service explained (OLR 29, 31), the address (OLR 30)
    await composer_at(b, "defendant_online")
    await choose(b, "yes", "defendant_e_service")
    await expect(b.get_by_test_id("conversation")).to_contain_text("counts as served when it reaches")
    await choose(b, "yes", "defendant_address_confirm")
    await choose(b, "confirm", None)
    welcome = b.locator("[data-testid=msg][data-kind=court]").filter(has_text="You are the defendant")
    await expect(welcome).to_have_count(1, timeout=WAIT_MS)
    await expect(b.get_by_test_id("header-subtitle")).to_contain_text("Defendant", timeout=WAIT_MS)
    await expect(b.get_by_test_id("sheet")).to_have_count(0)
    await expect(b.get_by_test_id("case-menu")).to_be_visible()
    await welcome.evaluate("el => el.scrollIntoView({block: 'start'})")  # the welcome's first lines
    await shot(b, str(tmp_path / "defendant.png"))
    told = "the court serves the complaint copy on the defendant"  # not "has been served": it may be offline
    served = a.locator("[data-testid=msg][data-kind=court]").filter(has_text=told)
    await expect(served).to_have_count(1, timeout=WAIT_MS)

    # the defendant's face data cannot be deleted while the case goes on
    await b.get_by_test_id("identity-menu").click()
    dialog = b.get_by_test_id("identity-dialog")
    await expect(dialog).to_have_attribute("data-phase", "already", timeout=WAIT_MS)
    await b.get_by_test_id("identity-delete").click()
    await b.get_by_test_id("identity-delete-confirm").click()
    await expect(b.get_by_test_id("identity-error")).to_contain_text("still going on", timeout=WAIT_MS)
    await expect(dialog).to_have_attribute("data-phase", "delete")
    await b.get_by_test_id("identity-close").click()

    # the defendant changes its mind about e-service (OLR 5): asked to confirm, then recorded
    await b.get_by_test_id("case-menu").click()
    b.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await b.get_by_test_id("withdraw-e-service").click()
    await expect(b.get_by_test_id("conn-status")).to_contain_text("withdrawn your consent", timeout=WAIT_MS)
    await b.keyboard.press("Escape")

    # the plaintiff invites an agent: a one-time code with its explanation
    await a.get_by_test_id("case-menu").click()
    await expect(a.get_by_test_id("case-facts")).to_contain_text("Plaintiff")
    await a.get_by_test_id("invite-agent").click()
    code_text = a.get_by_test_id("agent-code-text")
    await expect(code_text).to_contain_text("one-time code", timeout=WAIT_MS)
    agent_code = await code_text.get_attribute("data-code")
    assert agent_code and agent_code in await code_text.inner_text()
    await shot(a, str(tmp_path / "agent_code.png"))
    await a.keyboard.press("Escape")
    await expect(a.get_by_test_id("sheet")).to_have_count(0)

    # the unverified litigant tries it as an agent, with a power of attorney: verify first
    await c.get_by_test_id("agent-open").click()
    await c.get_by_test_id("agent-code").fill(agent_code)
    await c.get_by_test_id("agent-submit").click()
    agent_error = c.get_by_test_id("agent-error")
    await expect(agent_error).to_have_text("Please choose the power of attorney file.")
    await c.get_by_test_id("agent-file").set_input_files(
        {"name": "poa.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% power of attorney\n"}
    )
    await expect(c.get_by_test_id("agent-file-chosen")).to_contain_text("poa.pdf")
    await c.get_by_test_id("agent-submit").click()
    await expect(agent_error).to_contain_text("verify your identity", timeout=WAIT_MS)
    await expect(c.get_by_test_id("agent-verify")).to_be_visible()
    await shot(c, str(tmp_path / "agent_verify_first.png"))
    await c.get_by_test_id("sheet-close").click()

    # linking: this court has no bot, and a made-up code from the bot is refused
    await c.get_by_test_id("account-menu").click()
    await shot(c, str(tmp_path / "account_menu.png"))
    await c.get_by_test_id("menu-link-telegram").click()
    await expect(c.get_by_test_id("link-error")).to_contain_text("Telegram is not set up", timeout=WAIT_MS)
    await c.get_by_test_id("link-enter-code").click()
    await c.get_by_test_id("link-code-input").fill("123456")
    await c.get_by_test_id("link-code-submit").click()
    await expect(c.get_by_test_id("link-code-error")).to_contain_text("unknown or has expired", timeout=WAIT_MS)
    await c.get_by_test_id("sheet-close").click()

    # a case in the address that is not this person's: back to their cases, saying why
    await c.goto(f"{base}/?case={case_id}")
    await expect(c.get_by_test_id("conn-status")).to_contain_text("not yours", timeout=WAIT_MS)
    await expect(c.get_by_test_id("new-filing")).to_be_visible()
    await expect(c.get_by_test_id("chat")).to_have_count(0)

    # the clerk: no power of attorney to review (the unverified attempt left none), no failed delivery
    await clerk.get_by_test_id("nav-back").click()
    await clerk.get_by_test_id("tab-agents").click()
    await expect(clerk.get_by_test_id("agents-empty")).to_be_visible(timeout=WAIT_MS)
    await expect(clerk.get_by_test_id("agency-item")).to_have_count(0)
    await clerk.get_by_test_id("tab-deliveries").click()
    await expect(clerk.get_by_test_id("deliveries-empty")).to_be_visible(timeout=WAIT_MS)
    await shot(clerk, str(tmp_path / "clerk_deliveries.png"))

    # opened from Telegram: the page signs in with the initData from its address and opens ?case=
    t_ctx, t_page, t_errors = await new_page(browser, "about:blank", "en-US")
    errors.append(t_errors)
    posted: list[dict[str, str]] = []

    async def telegram_session(route) -> None:
        # the court would check the HMAC with its bot token; this demo court has none, so the
        # stand-in records what the page sent and signs in as the demo defendant instead
        posted.append(json.loads(route.request.post_data or "{}"))
        signed_in = await route.fetch(
            url=f"{base}/api/demo/signin",
            method="POST",
            headers={"Content-Type": "application/json"},
            post_data=json.dumps({"person": "litigant_b"}),
        )
        await route.fulfill(response=signed_in)

    await t_ctx.route("**/api/telegram/session", telegram_session)

    def bot_configured(ws) -> None:
        # this demo court has no bot, so a court with one answers link_telegram here instead;
        # every other frame goes to the real server and back
        server = ws.connect_to_server()

        def from_page(message: str | bytes) -> None:
            frame = json.loads(message)
            if frame.get("type") == "link_telegram":
                ws.send(json.dumps({"type": "link", "deep_link": LINK, "code": "Zx9-code"}))
            elif frame.get("type") == "link_code" and frame.get("code") == "tg-code":
                # the court asks before the bot's /link code takes this browser's record
                ws.send(json.dumps({"type": "link_confirm", "nonce": "n1", "text": LINK_QUESTION, "cases": 0}))
            elif frame.get("type") == "link_answer" and frame.get("nonce") == "n1" and frame.get("accept"):
                # the code names the Telegram person: the session is now theirs
                ws.send(json.dumps({"type": "linked"}))
                ws.send(json.dumps({"type": "welcome", "person": TG_PERSON, "locale": "en", "demo": True}))
                ws.send(json.dumps({"type": "cases", "cases": []}))
            else:
                server.send(message)

        ws.on_message(from_page)

    await t_ctx.route_web_socket(re.compile(r"/ws$"), bot_configured)
    fragment = f"tgWebAppData={urllib.parse.quote(INIT_DATA, safe='')}&tgWebAppVersion=7.10&tgWebAppPlatform=ios"
    await t_page.goto(f"{base}/?case={case_id}#{fragment}")
    await expect(t_page.get_by_test_id("chat")).to_have_attribute("data-case-id", case_id, timeout=WAIT_MS)
    await expect(t_page.locator("[data-testid=msg]").filter(has_text="You are the defendant")).to_have_count(1)
    assert posted == [{"init_data": INIT_DATA}]
    await expect(t_page).to_have_url(f"{base}/")

    # linking with a court that has a bot: the deep link to press, and the manual fallback
    await t_page.get_by_test_id("nav-back").click()
    await t_page.get_by_test_id("account-menu").click()
    await t_page.get_by_test_id("menu-link-telegram").click()
    await expect(t_page.get_by_test_id("link-deep-link")).to_have_attribute("href", LINK, timeout=WAIT_MS)
    await expect(t_page.get_by_test_id("link-deep-link")).to_be_focused()
    await expect(t_page.get_by_test_id("link-code")).to_have_text("/start link_Zx9-code")
    await shot(t_page, str(tmp_path / "link_telegram.png"))
    await t_page.get_by_test_id("link-enter-code").click()
    await t_page.get_by_test_id("link-code-input").fill(" tg-code ")
    await t_page.get_by_test_id("link-code-submit").click()
    await expect(t_page.get_by_test_id("link-confirm-text")).to_have_text(LINK_QUESTION, timeout=WAIT_MS)
    await expect(t_page.get_by_test_id("link-confirm-yes")).to_be_focused()
    await t_page.get_by_test_id("link-confirm-yes").click()
    await expect(t_page.get_by_test_id("sheet")).to_have_count(0, timeout=WAIT_MS)
    await expect(t_page.get_by_test_id("conn-status")).to_contain_text("signed in as “Li (Telegram)”")
    await expect(t_page.get_by_test_id("header-subtitle")).to_have_text("Li (Telegram)")
    await expect(t_page.get_by_test_id("no-cases")).to_be_visible()
    await expect(t_page.get_by_test_id("account-menu")).to_be_focused()

    # forged or stale initData: the court's bilingual refusal is shown on the sign-in screen
    f_ctx, f_page, f_errors = await new_page(browser, "about:blank", "zh-CN")
    errors.append(f_errors)
    refusal = (
        "无法确认小程序是从本机器人打开的，请从聊天中重新打开。 / "
        "The mini-app could not prove it was opened from our bot. Please reopen it from the chat."
    )
    await f_ctx.route(
        "**/api/telegram/session",
        lambda route: route.fulfill(status=401, json={"error": "init_data_bad", "text": refusal}),
    )
    await f_page.goto(f"{base}/?verify=identity#{fragment}")
    await expect(f_page.get_by_test_id("signin-error")).to_have_text(refusal, timeout=WAIT_MS)
    await sign_in_demo(f_page, "litigant_a")  # ?verify=identity: the identity panel opens after sign-in
    await expect(f_page.get_by_test_id("identity-dialog")).to_have_attribute("data-phase", "already", timeout=WAIT_MS)

    assert errors == [[]] * len(errors)
    for context in (a_ctx, clerk_ctx, c_ctx, b_ctx, t_ctx, f_ctx):
        await context.close()


async def test_an_agent_submits_a_power_of_attorney_and_the_clerk_refuses_it_with_a_reason(
    party_court: tuple[str, bool],
    browser,  # noqa: F811 - the imported fixture
    tmp_path: Path,
) -> None:
    """A verified person takes the party's code with a power of attorney; the clerk sees it in the
    Agents tab, must give a reason to refuse, and both the party and the agent are told."""
    from playwright.async_api import expect

    base, _ = party_court
    errors: list[list[str]] = []
    a_ctx, a, a_errors = await new_page(browser, base, "zh-CN")
    errors.append(a_errors)
    await a.get_by_test_id("signin-lang-en").click()
    await sign_in_demo(a, "litigant_a")
    await shot(a, str(tmp_path / "cases_tools.png"))
    case_id, reference = await file_against_a_company(a)
    await a.get_by_test_id("case-menu").click()
    await shot(a, str(tmp_path / "case_menu.png"))
    await a.get_by_test_id("invite-agent").click()
    agent_code = await a.get_by_test_id("agent-code-text").get_attribute("data-code", timeout=WAIT_MS)
    assert agent_code
    await a.get_by_test_id("sheet-close").click()

    # the agent (demo litigant B, verified) works in Chinese: code, file, the fingerprint back
    b_ctx, b, b_errors = await new_page(browser, base, "zh-CN")
    errors.append(b_errors)
    await sign_in_demo(b, "litigant_b")
    await b.get_by_test_id("agent-open").click()
    await expect(b.get_by_test_id("sheet-agent")).to_contain_text("授权委托书")
    await b.get_by_test_id("agent-code").fill(f"  {agent_code} ")
    poa = tmp_path / "委托书.pdf"
    poa.write_bytes(b"%PDF-1.4\n% power of attorney signed by Zhang San\n")
    await b.get_by_test_id("agent-file").set_input_files(str(poa))
    await shot(b, str(tmp_path / "agent_form.png"))
    await b.get_by_test_id("agent-submit").click()
    digest = hashlib.sha256(poa.read_bytes()).hexdigest()
    await expect(b.get_by_test_id("agent-sha256")).to_have_text(digest, timeout=WAIT_MS)
    await expect(b.get_by_test_id("agent-done")).to_have_text("已提交，等待书记员审查")
    await shot(b, str(tmp_path / "agent_done.png"))
    await b.get_by_test_id("agent-close").click()

    # the clerk's Agents tab: the filing, whose agent, the file and its fingerprint
    clerk_ctx, clerk, clerk_errors = await new_page(browser, base, "en-US")
    errors.append(clerk_errors)
    await sign_in_demo(clerk, "clerk")
    await expect(clerk.get_by_test_id("agents-count")).to_have_text("1", timeout=WAIT_MS)
    await clerk.get_by_test_id("tab-agents").click()
    item = clerk.get_by_test_id("agency-item")
    await expect(item).to_have_count(1, timeout=WAIT_MS)
    await expect(item).to_have_attribute("data-case-id", case_id)
    await expect(item).to_contain_text(reference)
    await expect(item).to_contain_text("Agent for the plaintiff")
    await expect(item.get_by_test_id("agency-who")).to_have_text("Agent 李四, appointed by 张三")  # verified names
    await expect(item.get_by_test_id("agency-company")).to_have_count(0)  # a person, not a company
    await expect(item.get_by_test_id("agency-poa")).to_contain_text("委托书.pdf")
    await expect(item.get_by_test_id("agency-sha256")).to_have_text(f"SHA-256 {digest}")
    await item.get_by_test_id("agency-refuse").click()
    await expect(item.get_by_test_id("agency-reason")).to_be_focused()
    await item.get_by_test_id("agency-refuse-confirm").click()
    await expect(item.get_by_test_id("agency-error")).to_have_text("Please give the reason for refusing.")
    await item.get_by_test_id("agency-reason").fill("The power of attorney is not signed.")
    await shot(clerk, str(tmp_path / "clerk_agents.png"))
    await item.get_by_test_id("agency-refuse-confirm").click()
    await expect(clerk.get_by_test_id("agents-empty")).to_be_visible(timeout=WAIT_MS)
    await expect(clerk.get_by_test_id("conn-status")).to_contain_text(f"Refused the power of attorney in {reference}")
    await expect(clerk.get_by_test_id("agents-count")).to_have_text("")

    # the party hears it in the case's chat; the agent, who cannot open the case, in a notice
    refused = a.locator("[data-testid=msg][data-kind=court]").filter(has_text="did not accept the power of attorney")
    await expect(refused).to_contain_text("The power of attorney is not signed.", timeout=WAIT_MS)
    await expect(b.get_by_test_id("conn-status")).to_contain_text("The power of attorney is not signed.")

    # B has no case going on, so deleting face data is allowed; a demo account holds none
    await b.get_by_test_id("identity-menu").click()
    await expect(b.get_by_test_id("identity-dialog")).to_have_attribute("data-phase", "already", timeout=WAIT_MS)
    await b.get_by_test_id("identity-delete").click()
    await b.get_by_test_id("identity-delete-confirm").click()
    await expect(b.get_by_test_id("identity-deleted")).to_have_text("没有可删除的人脸信息。", timeout=WAIT_MS)
    await b.get_by_test_id("identity-done").click()
    await expect(b.get_by_test_id("identity-menu")).to_have_attribute("data-verified", "true")

    assert errors == [[]] * len(errors)
    for context in (a_ctx, b_ctx, clerk_ctx):
        await context.close()
