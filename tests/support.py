"""What tests share: driving the app by keys against the simulators, the errors the real clients raise
against the simulators, and the hostile-strings corpus.

The harness: a populated demo world on a fixed clock, apps built on one data dir (so restarts share
it), waiting for threads without sleeping blindly (``settle``; ``until_settled`` and the ``*_settled``
conditions for the outbox's writes), and the screen as a terminal would show it.

The clients' errors: ``slack_failure``/``slack_error`` (``slack_sdk.WebClient``) and ``jira_error``
(the ``jira`` library), each the error a call must raise.

The hostile-strings corpus: text every pane must show literally, without crashing or leaking escapes::

    from tests.support import HOSTILE, HOSTILE_IDS, MARKUP_LIKE, probe

    @pytest.mark.parametrize("evil", HOSTILE, ids=HOSTILE_IDS)
    async def test_tickets_pane_survives(evil): ...

``visible``/``visible_line`` say what the literal rendering (``plain`` and ``one_line`` from
``duty_tui.text``, ``content`` from ``duty_tui.widgets.content``) must contain. They are an
independent, deliberately simple restatement of the rules in ``duty_tui/text/clean.py`` (written with
``unicodedata`` instead of hand-listed ranges), so a test that compares the two catches drift in
either. Slack strings here are *also* meant for ``slack_text``, which interprets Slack syntax: for
those, ``visible`` describes the plain rendering only.
"""

from __future__ import annotations

import asyncio
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from rich.console import Console
from textual.app import App
from textual.pilot import Pilot

from duty_tui.app import DutyApp
from duty_tui.clock import ManualClock
from duty_tui.config import Config
from duty_tui.demo import DemoWorld
from duty_tui.demo.scenario import CHANNEL, COMPONENT
from duty_tui.runtime import Runtime, build_runtime

if TYPE_CHECKING:  # the clients load where a test uses them, not in every test process
    from jira import JIRAError
    from slack_sdk.errors import SlackApiError

# Textual's own colour and cursor sequences; anything else starting with ESC came from data.
OWN_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[mHlhJK]")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass
class Harness:
    """A populated demo world on a fixed clock, and apps built on one data dir (so restarts share it)."""

    world: DemoWorld
    clock: ManualClock
    data_dir: Path
    runtimes: list[Runtime] = field(default_factory=list)

    def config(self, **changes: Any) -> Config:
        from dataclasses import replace

        config = self.world.config(poll_seconds=3600)  # tests poll on start and on "r" only
        return replace(config, **changes) if changes else config

    def runtime(
        self,
        data_dir: Path | None = None,
        config: Config | None = None,
        *,
        read_only: bool = False,
        as_user: bool = True,
    ) -> Runtime:
        runtime = build_runtime(
            config or self.config(),
            self.world.secrets(as_user=as_user),
            data_dir or self.data_dir,
            self.clock,
            read_only=read_only,
            demo=True,
        )
        self.runtimes.append(runtime)
        return runtime

    def app(self, config: Config | None = None, *, read_only: bool = False, as_user: bool = True) -> DutyApp:
        return DutyApp(self.runtime(config=config, read_only=read_only, as_user=as_user))

    def close(self) -> None:
        for runtime in self.runtimes:
            runtime.close()
        self.world.stop()

    # -- what the simulated services hold ------------------------------------------------------

    def waiting_keys(self) -> set[str]:
        """The tickets duty-tui should list, worked out from the simulator's own state."""
        world = self.world.jira.world
        keys = set()
        for key in world.issue_keys():
            fields = world.issue(key)["fields"]
            if fields["assignee"] is not None or fields["status"]["statusCategory"]["key"] == "done":
                continue
            components = {c["name"] for c in fields["components"]}
            if key.startswith("LAA-") or (key.startswith("LM-") and COMPONENT in components):
                keys.add(key)
        return keys

    def channel_ts(self) -> set[str]:
        """The messages the channel pane shows: all of history but joins and leaves (folded away)."""
        folded = {"channel_join", "channel_leave"}
        return {
            str(m["ts"]) for m in self.world.slack.world.history(CHANNEL) if m.get("subtype") not in folded
        }


SETTLE_STEP = 0.02  # shorter costs more CPU (some conditions render the screen) than the waits it saves


def make_harness(tmp_path: Path, now: datetime) -> Harness:
    clock = ManualClock(now)
    return Harness(DemoWorld(clock), clock, tmp_path / "data")


async def settle(pilot: Pilot[Any], until: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait for worker threads to post and the UI to apply it: poll the condition, never sleep blindly.

    Between checks the event loop runs the app (its messages, and its screen updates on their own
    timer). `pilot.pause(step)` there made every widget answer a callback at each check: a fifth of a
    core spent waiting, and each step half as long again. Once the condition holds, `pilot.pause()`
    lets the UI finish applying it, as before.
    """
    for _ in range(int(timeout / SETTLE_STEP)):
        if until():
            await pilot.pause()
            return
        await asyncio.sleep(SETTLE_STEP)
    raise AssertionError("the condition never held")


def polled(app: DutyApp, source: str) -> bool:
    status = app.statuses.get(source)
    return status is not None and status.last_attempt is not None and app.painted


def both_polled(app: DutyApp) -> Callable[[], bool]:
    return lambda: polled(app, "jira") and polled(app, "slack") and app.tickets.table.row_count > 0


def screen_dump(app: App[Any]) -> tuple[str, str]:
    """(terminal output, plain text) of the current screen, rendered the way export_screenshot does."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(app.screen._compositor.render_update(full=True))
    output = console.file.getvalue()  # type: ignore[attr-defined]
    return output, console.export_text()


def screen_text(app: App[Any]) -> str:
    return screen_dump(app)[1]


def assert_screen_clean(app: App[Any]) -> str:
    """Nothing from the data reached the terminal as a control sequence; returns the screen's plain text
    (what ``screen_text`` would render again)."""
    raw, plain = screen_dump(app)
    rest = OWN_ESCAPES.sub("", raw).replace("\r", "")
    assert "\x1b" not in rest, repr(rest[max(0, rest.index("\x1b") - 30) : rest.index("\x1b") + 30])
    assert not CONTROL.search(rest.replace("\n", "")), "control character on screen"
    assert not CONTROL.search(plain.replace("\n", ""))
    return plain


# -- the outbox's writes, settled -------------------------------------------------------------------


def settled(app: DutyApp) -> bool:
    """Every write sent, and nothing the channel desk shows as pending."""
    return app.pending_writes == 0 and not app.channel_desk.pending


def incidents_settled(app: DutyApp) -> bool:
    """Every write sent, and no incident waiting for one."""
    return app.pending_writes == 0 and all(not i.pending for i in app.incident_desk.incidents)


def cover_settled(app: DutyApp) -> bool:
    """Every write sent, and the cover set and no longer pending."""
    cover = app.cover_desk.cover
    return app.pending_writes == 0 and cover is not None and not cover.pending


OUTBOX_STEP = 0.2  # seconds the outbox has to try again after each move of the clock


async def until_settled(
    pilot: Pilot[Any], app: DutyApp, h: Harness, *, done: Callable[[], bool] | None = None, limit: int = 60
) -> None:
    """Let the outbox work through retries (until ``done``, by default ``settled``): the test clock moves on
    10 s past each back-off and the outbox is given OUTBOX_STEP to try again. A step ends as soon as
    ``done`` holds: the clock moves exactly as when each step slept its whole length, without the wait."""
    finished = done or (lambda: settled(app))
    for _ in range(limit):
        if finished():
            return
        h.clock.advance(timedelta(seconds=10))
        if app.outbox is not None:
            app.outbox.wake()
        await within(pilot, finished, OUTBOX_STEP)
    raise AssertionError("the outbox never emptied")


async def within(pilot: Pilot[Any], until: Callable[[], bool], seconds: float) -> None:
    """Run the app for up to ``seconds``, less if ``until`` holds first (then let the UI apply it)."""
    for _ in range(max(1, round(seconds / SETTLE_STEP))):
        await asyncio.sleep(SETTLE_STEP)
        if until():
            break
    await pilot.pause()


async def on_message(pilot: Pilot[Any], app: DutyApp, ts: str) -> None:
    """Both sources polled, the channel pane shown, and its cursor on the message ``ts``."""
    await settle(pilot, both_polled(app))
    await pilot.press("2")
    assert app.channel.table.move_cursor_to(ts)


# -- the errors the real clients raise against the simulators -------------------------------------


def slack_failure(call: Callable[[], Any], *, status: int | None = None) -> SlackApiError:
    """The ``SlackApiError`` that ``call`` (a ``WebClient`` method) raises; with ``status``, its status."""
    from slack_sdk.errors import SlackApiError

    with pytest.raises(SlackApiError) as info:
        call()
    if status is not None:
        assert info.value.response.status_code == status
    return info.value


def slack_error(call: Callable[[], Any]) -> str:
    """The ``error`` of the logical error ``call`` raises: Slack answers those with HTTP 200."""
    err = slack_failure(call)
    assert err.response.status_code == 200, "logical errors are HTTP 200"
    return str(err.response["error"])


def jira_error(call: Callable[[], Any]) -> JIRAError:
    """The ``JIRAError`` that ``call`` (a ``jira.JIRA`` method) raises."""
    from jira import JIRAError

    with pytest.raises(JIRAError) as caught:
        call()
    return caught.value


# -- the hostile-strings corpus ----------------------------------------------------------------------

LONG_MESSAGE = "[b]" * 5000 + "x"  # 15,001 characters of unclosed tags
LONG_WORD = "W" * 5000
HUGE_MESSAGE = ("lorem [i]ipsum[/i] <@U1> *dolor* :skull: &amp; " * 500)[:20_000]

_CASES: list[tuple[str, str]] = [
    # Markup that Textual or Rich would parse, crash on, or turn into an action.
    ("close-tag", "[/foo]"),
    ("link-unquoted", "[link=https://x]y[/link]"),
    ("link-quoted", "[link='https://evil']click[/link]"),
    ("click-quit", "[@click=app.quit]x[/]"),
    ("click-bell", "[@click=app.bell]ring[/]"),
    ("style-open", "[bold red]x"),
    ("unclosed-b", "[b]unclosed"),
    ("lone-bracket-word", "a [b + c"),
    ("variable-tag", "[$accent]v"),
    ("variable-accent", "$accent"),
    ("variable-text", "$text"),
    ("close-all", "[/]"),
    ("double-brackets", "[[double]]"),
    ("escaped-bracket", "\\[escaped]"),
    ("close-bracket", "]"),
    ("open-bracket", "["),
    # Terminal escapes: titles, hyperlinks, clipboard, colours, screen clearing, 8-bit CSI.
    ("osc-title", "\x1b]0;PWNED title\x07"),
    ("osc8-link", "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\"),
    ("osc52-clipboard", "\x1b]52;c;aGFjaw==\x07"),
    ("csi-red", "\x1b[31mred\x1b[0m"),
    ("csi-clear", "\x1b[2J\x1b[H"),
    ("csi-8bit", "\x9b31m"),
    ("dcs", "\x1bPq#0;2;0;0;0#1;2;100;100;0\x1b\\"),
    ("nul", "\x00nul"),
    ("bell", "\x07bell"),
    ("backspace", "\x08\x08backspace"),
    ("carriage-return", "\r carriage"),
    ("del-c1", "del\x7f c1\x85\x90\x9d"),
    # Invisible and reordering characters.
    ("rtl-override", "\u202eevil\u202c"),
    ("isolate", "\u2066isolate\u2069"),
    ("zero-width", "zero\u200bwidth\u200cjoin\u2060\ufeff"),
    ("zwj-emoji", "👩\u200d💻 ZWJ emoji"),
    ("vs16-emoji", "❤\ufe0f and ☎\ufe0e"),
    ("tag-smuggling", "hi\U000e0041\U000e0042\U000e0043"),
    ("flag-scotland", "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f Scotland"),
    ("soft-hyphen", "soft\u00adhyphen"),
    ("line-separator", "line\u2028separator\u2029para"),
    ("lone-surrogate", "broken \ud800 surrogate"),
    ("surrogate-pair", "pair \ud83d\ude00 joined"),
    # Slack mrkdwn that must not smuggle markup through entities, labels or styles.
    ("slack-escaped-mention", "&lt;@U1&gt;"),
    ("slack-mention-label", "<@U1|[/b]>"),
    ("slack-here-label", "<!here|[@click=app.quit]x[/]>"),
    ("slack-link-label", "<https://evil|[link=x]y>"),
    ("slack-emoji-tag", ":skull:[/]"),
    ("slack-bold-tag", "*[bold]*"),
    ("slack-italic-tag", "_[i]_"),
    ("slack-code-tag", "`[code]`"),
    ("slack-pre-tag", "```[/]\n[@click=app.quit]x[/]```"),
    ("slack-amp", "&amp;lt;b&amp;gt; &amp;amp;"),
    ("slack-unterminated", "<@U1 <#C1| <https://x.io|"),
    # Jira wiki.
    ("wiki-code-tag", "{code}[/]{code}"),
    ("wiki-link-tag", "[[/b]|https://x.io] !evil[/].png!"),
    ("wiki-color", "{color:red}[bold]x{color}"),
    # Injection strings from other worlds (harmless here, but must stay literal).
    ("sql", "Robert'); DROP TABLE tickets;--"),
    ("jndi", "${jndi:ldap://x}"),
    ("format", "%s%n%x {0} {}"),
    ("html", "<script>alert(1)</script>"),
    # Shape: lines, tabs, length, width.
    ("many-lines", "\n\n\nmany\nlines\n"),
    ("tab", "\t"),
    ("crlf", "windows\r\nline\r\nends"),
    ("long-message", LONG_MESSAGE),
    ("huge-mixed", HUGE_MESSAGE),
    ("long-word", LONG_WORD),
    ("zalgo", "Z̴̡̧̛̠͓̗a̶̢̛͎l̷̨̛g̸̡o̵̧"),
    ("cjk", "漢字テスト"),
    ("rtl-text", "שלום עולם مرحبا"),
    ("empty", ""),
    ("whitespace", "   \u00a0\u3000  "),
]

HOSTILE: list[str] = [value for _, value in _CASES]
HOSTILE_IDS: list[str] = [name for name, _ in _CASES]
HOSTILE_BY_ID: dict[str, str] = dict(_CASES)

# Strings whose danger is markup: the literal brackets/dollars must be visible in any rendering.
MARKUP_LIKE: list[str] = [
    HOSTILE_BY_ID[name]
    for name in (
        "close-tag",
        "link-unquoted",
        "link-quoted",
        "click-quit",
        "click-bell",
        "style-open",
        "unclosed-b",
        "lone-bracket-word",
        "variable-tag",
        "variable-accent",
        "variable-text",
        "close-all",
        "double-brackets",
        "escaped-bracket",
        "close-bracket",
        "open-bracket",
    )
]

# One of each way markup bites (a closing tag, an action, a link, a variable, an open style), for the
# loops that push a whole screen per string: the full list goes through the shared renderers elsewhere.
MARKUP_SAMPLE: list[str] = [
    HOSTILE_BY_ID[name]
    for name in ("close-tag", "click-quit", "link-quoted", "variable-accent", "style-open")
]

# Characters no rendered output may contain, whatever the input.
FORBIDDEN = frozenset(
    [chr(code) for code in range(0x20) if chr(code) not in "\t\n"]
    + [chr(code) for code in range(0x7F, 0xA0)]
    + list("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
    + list("\u200b\u200c\u2060\ufeff\u00ad\u180e\u2028\u2029")
)

_ZWJ = "\u200d"
_FLAG = "\U0001f3f4"
_TAG_FIRST, _TAG_CANCEL = 0xE0020, 0xE007F


def _is_combining(char: str) -> bool:
    code = ord(char)
    return (
        0x0300 <= code <= 0x036F
        or 0x1AB0 <= code <= 0x1AFF
        or 0x1DC0 <= code <= 0x1DFF
        or 0x20D0 <= code <= 0x20FF
        or 0xFE20 <= code <= 0xFE2F
    )


def _dropped(char: str) -> bool:
    code = ord(char)
    if char == _ZWJ:
        return False
    if unicodedata.category(char) == "Cf" or 0xE0000 <= code <= 0xE007F:
        return True
    return 0xFE00 <= code <= 0xFE0D or 0xE0100 <= code <= 0xE01EF


def visible(value: str) -> str:
    """What a literal rendering of ``value`` shows: the documented sanitising rules, restated simply."""
    # Surrogates first: join pairs, replace lone ones.
    value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    index = 0
    combining = 0
    while index < len(value):
        char = value[index]
        code = ord(char)
        if char == _FLAG:  # a subdivision flag keeps its tag characters
            end = index + 1
            while end < len(value) and _TAG_FIRST <= ord(value[end]) < _TAG_CANCEL:
                end += 1
            if end > index + 1 and end < len(value) and ord(value[end]) == _TAG_CANCEL:
                out.append(value[index : end + 1])
                index = end + 1
                combining = 0
                continue
        index += 1
        if _is_combining(char):
            combining += 1
            if combining > 4:
                continue
        else:
            combining = 0
        if char in "\x0b\x0c":
            out.append(" ")
        elif char in "\x85\u2028\u2029":
            out.append("\n")
        elif (code < 0x20 and char not in "\t\n") or 0x7F <= code < 0xA0 or _dropped(char):
            continue
        else:
            out.append(char)
    return "".join(out)


def visible_line(value: str) -> str:
    """``visible`` on one line, uncapped: whitespace runs → one space, a run with a line break → " ⏎ "."""
    words: list[str] = []
    for number, line in enumerate(visible(value).split("\n")):
        if number and line.strip() and words:  # a break between two non-blank lines
            words.append("⏎")
        words += line.split()
    return " ".join(words)


def probe(value: str, length: int = 12) -> str:
    """A short piece of ``value`` that any literal rendering at least ``length`` cells wide must show."""
    return visible_line(value)[:length].rstrip()


def world_config_file(folder: Path, world: DemoWorld, *, aws_board: str = "AWS Ops", extra: str = "") -> Path:
    """`folder/config.toml` for a `duty-tui` subprocess: both boards and the channel, on `world`'s
    simulators, plus `extra` TOML (e.g. a `[team]` table)."""
    path = folder / "config.toml"
    path.write_text(
        f"""
[jira]
url = "{world.jira.url}"
email = "{world.jira.email}"
[[jira.boards]]
name = "{aws_board}"
id = 262
[[jira.boards]]
name = "6DG Ops"
id = 265
component = "laa-6dg-support"
[slack]
channel = "CEL68S0LD"
api_url = "{world.slack.api_url}"
{extra}""",
        encoding="utf-8",
    )
    return path
