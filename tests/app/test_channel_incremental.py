"""The channel pane keeps its title counts, its day markers and its window's order from the rows that
change, judging again only what a change or the clock can move. Whatever the pane is handed, in any
order, they must be what a full recount of the window says: seeded random sequences of polls, older
pages, claims, tickets, pending writes, read markers, team changes and clock moves check it."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from textual.app import App, ComposeResult

from duty_tui.clock import ManualClock
from duty_tui.config import ChannelConfig
from duty_tui.models import ChatMessage, Reaction, WriteKind, ts_key
from duty_tui.rules.calendar import SupportCalendar
from duty_tui.rules.requests import CLAIM, RequestState
from duty_tui.widgets import channel as channel_module
from duty_tui.widgets.channel import ChannelPane
from duty_tui.widgets.channel_rows import FOLDED_SUBTYPES

ZONE = ZoneInfo("Europe/London")
START = datetime(2026, 11, 26, 10, 30, tzinfo=UTC)  # a Thursday, in support hours
TEAM = ("U-priya", "U-sam", "U-li")
ME = "U-priya"
OUTSIDERS = ("U-dan", "U-ann", "U-joe", "U-kim")
NOTICE_WITHIN = timedelta(minutes=30)  # the triage notices' look-back, wide so the random claims reach it
SMALL_WINDOW = 40  # small, so trimming happens often
SUBTYPES = ("", "", "", "", "", "bot_message", "channel_join", "channel_leave", "tombstone", "channel_topic")


def first_of_each_day(messages: list[ChatMessage], zone: ZoneInfo) -> set[str]:
    """The full recount the window's day markers are checked against: each local day's first shown row."""
    firsts: dict[date, str] = {}
    for message in messages:
        if message.subtype in FOLDED_SUBTYPES:
            continue  # not shown, so it cannot carry the day
        day = message.sent_at.astimezone(zone).date()
        known = firsts.get(day)
        if known is None or ts_key(message.ts) < ts_key(known):
            firsts[day] = message.ts
    return set(firsts.values())


class Host(App[None]):
    def __init__(self, pane: ChannelPane) -> None:
        super().__init__()
        self.pane = pane

    def compose(self) -> ComposeResult:
        yield self.pane


class Story:
    """Random messages and changes to them, in the shapes Slack and the desk hand the pane."""

    def __init__(self, rng: random.Random, clock: ManualClock) -> None:
        self.rng = rng
        self.clock = clock
        self.made: dict[str, ChatMessage] = {}

    def ts(self) -> str:
        # Within three days and around midnight too, so rows land on several local days.
        seconds = int(self.clock.now().timestamp()) - self.rng.randint(0, 3 * 24 * 3600)
        return f"{seconds}.{self.rng.randint(0, 999_999):06d}"

    def message(self, ts: str | None = None) -> ChatMessage:
        rng = self.rng
        ts = ts or self.ts()
        subtype = rng.choice(SUBTYPES)
        user = rng.choice((*OUTSIDERS, *OUTSIDERS, *TEAM, None))
        reactions = []
        if rng.random() < 0.4:
            reactions.append(Reaction(CLAIM, 1, (rng.choice((*TEAM, *OUTSIDERS)),)))
        if rng.random() < 0.15:
            reactions.append(Reaction("white_check_mark", 1, (rng.choice(TEAM),)))
        if rng.random() < 0.15:
            reactions.append(Reaction("thumbsup", 1, (rng.choice((*TEAM, *OUTSIDERS)),)))
        reply_users = (rng.choice((*TEAM, *OUTSIDERS)),) if rng.random() < 0.2 else ()
        message = ChatMessage(
            ts=ts,
            channel="C1",
            user_id=user,
            text=f"message {ts}",
            subtype=subtype,
            bot_id="B1" if subtype == "bot_message" else None,
            thread_ts=ts if reply_users else None,
            reply_count=len(reply_users),
            reply_users=reply_users,
            reactions=tuple(reactions),
        )
        self.made[ts] = message
        return message

    def known(self, pane: ChannelPane, count: int) -> list[str]:
        keys = [m.ts for m in pane.table.items()]
        return self.rng.sample(keys, min(count, len(keys)))

    def claim_time(self) -> datetime:
        return self.clock.now() - timedelta(minutes=self.rng.choice([0, 3, 14, 16, 40]))


def recount(pane: ChannelPane) -> dict[str, Any]:
    """What the pane's title, markers and window ends are, worked out from every row afresh."""
    messages = pane.table.items()
    unread = {m.ts for m in messages if pane.rows.is_unread(m)}
    waiting = {m.ts for m in messages if pane.rows.needs_attention(m)}
    parts = [f"{len(unread)} unread" if unread else "", f"{len(waiting)} waiting" if waiting else ""]
    keys = sorted((m.ts for m in messages), key=lambda ts: (ts_key(ts), ts))
    by_ts = {m.ts: m for m in messages}
    return {
        "counts": " · ".join(p for p in parts if p) or f"{pane.table.row_count} shown",
        "unread": unread,
        "waiting": waiting,
        "days": first_of_each_day(messages, ZONE),
        "order": keys,
        "oldest": keys[0] if keys else None,
        "newest": keys[-1] if keys else None,
        "read_to_end": pane.left_at is not None and not unread,
        "over_triage": [
            ts
            for ts in keys
            if (request := pane.rows.request(by_ts[ts])).state is RequestState.TRIAGE_OVER
            and request.in_triage < pane.rows.config.triage + NOTICE_WITHIN
        ],
    }


def as_kept(pane: ChannelPane) -> dict[str, Any]:
    """The same, as the pane keeps them (the title as the last change left it: the clock only moves in a
    tick, which counts again)."""
    return {
        "counts": pane.counts,
        "unread": set(pane.window.unread),
        "waiting": set(pane.window.attention),
        "days": set(pane.state.first_of_day),
        "order": pane.window.order,
        "oldest": pane.oldest_ts(),
        "newest": pane.newest_ts(),
        "read_to_end": pane.read_to_end() is not None,
        "over_triage": [m.ts for m, _mine in pane.over_triage(NOTICE_WITHIN)],
    }


def drawn_days(pane: ChannelPane) -> dict[str, str]:
    """The time column of each row the table has drawn and kept, against how it reads now: a row that
    gained or lost its day's marker must have been drawn again."""
    table, stale = pane.table, {}
    for key, (_width, strip) in table._strips.items():
        drawn = "".join(segment.text for segment in strip)[:9].strip()
        now = pane.rows.time_cell(table._items[key]).plain
        if drawn != now:
            stale[key] = f"{drawn!r} drawn, {now!r} now"
    return stale


def steps(story: Story, pane: ChannelPane) -> list[tuple[float, Callable[[], None]]]:
    """Each kind of change the desk makes, with how often it comes."""
    rng, clock = story.rng, story.clock

    def poll() -> None:
        changed = [story.message() for _ in range(rng.choice([0, 1, 1, 2, 5, 12]))]
        changed += [story.message(ts) for ts in story.known(pane, rng.choice([0, 1, 3]))]  # edits
        if rng.random() < 0.2 and story.made:  # one Slack had sent before comes back (or again)
            changed.append(story.made[rng.choice(list(story.made))])
        removed = story.known(pane, rng.choice([0, 0, 0, 1, 2]))
        reading = pane.table.cursor_key
        pane.apply(changed, removed)
        # Bounded, unless the engineer reads the oldest rows (or the row they were on went: the next poll).
        keys, cursor = pane.window.order, pane.table.cursor_key
        assert len(keys) <= SMALL_WINDOW or cursor in keys[: len(keys) - SMALL_WINDOW] or reading in removed

    def older() -> None:  # a page from the store, above the first row (across midnight, often)
        oldest = pane.oldest_ts()
        top = int(oldest.partition(".")[0]) if oldest else int(clock.now().timestamp())
        pane.prepend(
            story.message(f"{top - rng.randint(1, 8 * 3600)}.{rng.randint(0, 999_999):06d}")
            for _ in range(rng.randint(1, 6))
        )

    def claims() -> None:
        found = {
            ts: {rng.choice(TEAM): story.claim_time() for _ in range(rng.randint(1, 2))}
            for ts in story.known(pane, rng.choice([0, 1, 2]))
        }
        tickets = {ts: (f"LAA-{rng.randint(1, 99)}",) for ts in story.known(pane, rng.choice([0, 0, 1]))}
        pane.set_claims(found, tickets)

    def own_claim() -> None:
        for ts in story.known(pane, 1):
            if rng.random() < 0.6:
                pane.add_own_claim(ts, story.claim_time())
            else:
                pane.remove_own_claim(ts)

    def pending() -> None:
        kinds = (WriteKind.REPLY, WriteKind.REACT, WriteKind.CREATE)
        pane.set_pending({ts: (rng.choice(kinds),) for ts in story.known(pane, rng.choice([0, 1, 3]))})

    def seen() -> None:  # mostly a row of the window; now and then a ts outside it, or nothing read
        roll, keys = rng.random(), story.known(pane, 1)
        pane.set_seen(None if roll < 0.05 else story.ts() if roll < 0.2 or not keys else keys[0])

    def team() -> None:
        members = frozenset(rng.sample(TEAM, rng.randint(1, len(TEAM))))
        pane.set_team(members, rng.choice([ME, None, "U-sam"]))

    def tick() -> None:
        if rng.random() < 0.05:
            clock.set(clock.now() - timedelta(minutes=rng.choice([1, 10, 30])))  # a clock set back
        else:
            clock.advance(timedelta(minutes=rng.choice([0, 1, 5, 13, 16, 60, 7 * 60])))
        pane.tick()

    def cursor() -> None:
        keys = pane.table.row_keys()
        if keys:
            pane.table.move_cursor_to(keys[rng.choice([0, 1, len(keys) // 2, -1])])

    def leave() -> None:
        pane.left_at = clock.now()  # as leaving the pane does, with the read marker moved to the end
        if (newest := pane.newest_ts()) is not None:
            pane.set_seen(newest)

    def fresh() -> None:
        pane.show(story.message() for _ in range(rng.randint(0, 30)))

    return [
        (30, poll),
        (6, older),
        (10, claims),
        (6, own_claim),
        (6, pending),
        (8, seen),
        (3, team),
        (12, tick),
        (6, cursor),
        (4, leave),
        (1, fresh),
    ]


@pytest.mark.parametrize("seed", range(6))
async def test_counts_markers_and_window_kept_from_changes_equal_a_full_recount(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(channel_module, "WINDOW", SMALL_WINDOW)
    rng, clock = random.Random(seed), ManualClock(START)
    config = ChannelConfig(waiting=timedelta(minutes=10), triage=timedelta(minutes=15))
    pane = ChannelPane(clock.now, ZONE, SupportCalendar(ZONE), config)
    story = Story(rng, clock)
    async with Host(pane).run_test(size=(120, 30)) as pilot:
        pane.set_team(frozenset(TEAM), ME)
        pane.show(story.message() for _ in range(30))
        kinds = steps(story, pane)
        weights = [weight for weight, _ in kinds]
        trimmed = waited = told = 0
        for step in range(150):
            [(_, act)] = rng.choices(kinds, weights)
            act()
            expected, kept = recount(pane), as_kept(pane)
            assert kept == expected, f"seed {seed}, step {step}: {act.__name__}"
            if step % 5 == 0:
                await pilot.pause()  # paint, so kept strips are checked against the markers
                assert drawn_days(pane) == {}, f"seed {seed}, step {step}: {act.__name__}"
            trimmed += pane.table.total_count >= SMALL_WINDOW
            waited += bool(expected["waiting"])
            told += bool(expected["over_triage"])
        # The sequences reached the window's bound, had requests waiting and claims past their triage time.
        assert trimmed and waited and told


async def test_a_claim_passing_its_triage_time_is_counted_by_the_clock_alone() -> None:
    """Only the clock moves: the claimed request crosses its triage time and the title says so."""
    clock = ManualClock(START)
    pane = ChannelPane(clock.now, ZONE, SupportCalendar(ZONE), ChannelConfig(triage=timedelta(minutes=15)))
    asked = ChatMessage(
        f"{int((START - timedelta(minutes=30)).timestamp())}.000100",
        "C1",
        "U-dan",
        "can someone restore the schema?",
        reactions=(Reaction(CLAIM, 1, ("U-sam",)),),
    )
    async with Host(pane).run_test(size=(120, 30)):
        pane.set_team(frozenset(TEAM), ME)
        pane.show([asked])
        pane.set_claims({asked.ts: {"U-sam": START - timedelta(minutes=5)}}, {})
        assert pane.counts == "1 shown" and asked.ts in pane.window.later
        clock.advance(timedelta(minutes=9))
        pane.tick()
        assert pane.counts == "1 shown"
        clock.advance(timedelta(minutes=1))
        pane.tick()
        assert pane.counts == "1 waiting" and not pane.window.later
        assert [m.ts for m, _mine in pane.over_triage(timedelta(minutes=5))] == [asked.ts]
