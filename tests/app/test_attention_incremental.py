"""The attention facts kept from the tickets pane's journal of changed tally entries are the facts read
from the whole pane, whatever the tickets pane is handed; and the list made from them is the list made
from scratch as the clock moves on."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

from duty_tui.models import ChatMessage
from duty_tui.rules.attention import Engineer, ListMemo, Situation, needs_attention
from duty_tui.widgets.attention_facts import AttentionFacts
from tests.support import Harness, both_polled, settle

SIZE = (160, 35)


async def test_facts_kept_from_the_journal_are_the_facts_read_from_scratch(h: Harness) -> None:
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        pane, rng = app.tickets, random.Random(7)
        kept = AttentionFacts()
        me = Engineer(jira_name="Priya Shah")

        def gather(facts: AttentionFacts) -> Situation:
            return facts.gather(
                now=h.clock.now(),
                calendar=app.runtime.calendar,
                me=me,
                tickets=pane,
                channel=app.channel,
                incidents=(),
                reminders={},
                checklist=app.checklist,
                end_of_day=app.config.checklist.end_of_day,
            )

        originals = pane.table.items()
        assert originals
        memo_situation = gather(kept)

        memo = ListMemo()
        needs_attention(memo_situation, app.runtime.calendar, memo)
        for step in range(40):
            rows = pane.table.items()
            changed, removed = [], []
            for ticket in rng.sample(rows, min(len(rows), rng.choice([0, 1, 3]))):
                roll = rng.random()
                if roll < 0.15:
                    removed.append(ticket.key)
                elif roll < 0.35:
                    changed.append(replace(ticket, assignee_id=None if ticket.assignee_id else "acc-x"))
                elif roll < 0.5:
                    changed.append(replace(ticket, acknowledged_at=None))
                else:
                    changed.append(replace(ticket, summary=f"{ticket.summary} ({step})", pending=("edit",)))
            if rng.random() < 0.2:
                changed.append(rng.choice(originals))  # back as it was (or a removed one again)
            pane.apply(changed, removed)
            h.clock.advance(timedelta(minutes=rng.choice([0, 1, 7, 45])))
            situation = gather(kept)
            scratch = gather(AttentionFacts())
            assert {f.key: f for f in situation.tickets} == {f.key: f for f in scratch.tickets}
            listed = needs_attention(situation, app.runtime.calendar, memo)
            fresh = needs_attention(replace(scratch, tickets=list(scratch.tickets)), app.runtime.calendar)
            assert [i.key for i in listed.items] == [i.key for i in fresh.items]
            assert [i.said for i in listed.items] == [i.said for i in fresh.items]
            assert listed.summary() == fresh.summary()


async def test_requests_kept_across_polls_are_the_requests_read_from_scratch(h: Harness) -> None:
    """The requests are gathered again only when the channel's window says a row, a claim, a ticket, the
    team or the engineer changed: every way the channel pane changes must say so, or the list goes stale
    (and a Jira poll, which changes none of them, must find the same list)."""
    app = h.app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, both_polled(app))
        pane, tickets, rng = app.channel, app.tickets, random.Random(11)
        kept = AttentionFacts()
        me = Engineer(jira_name="Priya Shah", slack_id=pane.me)
        team = sorted(pane.team.members)
        assert pane.table.items() and team

        def requests(facts: AttentionFacts) -> list[object]:
            return list(
                facts.gather(
                    now=h.clock.now(),
                    calendar=app.runtime.calendar,
                    me=me,
                    tickets=tickets,
                    channel=pane,
                    incidents=(),
                    reminders={},
                    checklist=app.checklist,
                    end_of_day=app.config.checklist.end_of_day,
                ).requests
            )

        stranger = "U0STRANGER"
        last = requests(kept)
        assert last, "the demo channel has requests waiting"
        moved = 0  # steps that changed the list: the test must see it change, not only stand
        for step in range(160):
            waiting = [request.ts for request in last]
            message = pane.table.item(rng.choice(waiting)) if waiting and rng.random() < 0.7 else None
            message = message or rng.choice(pane.table.items())
            roll = rng.randrange(9)
            if roll == 0:  # a poll brings an edited message, or a new one (unanswered, just sent)
                user = stranger if rng.random() < 0.7 else rng.choice(team)
                if rng.random() < 0.5:
                    ts = f"{int(h.clock.now().timestamp()) - 30}.{step:06d}"
                    message = ChatMessage(ts, message.channel, user, f"Could someone look at this? ({step})")
                pane.apply([replace(message, text=f"{message.text} ({step})", user_id=user)])
            elif roll == 1:  # a colleague's 👀, seen by the poll (claims with the message)
                pane.apply([message.with_reaction("eyes", rng.choice(team))])
                pane.set_claims({message.ts: {team[0]: h.clock.now()}}, {})
            elif roll == 2:
                pane.add_own_claim(message.ts, h.clock.now())
            elif roll == 3:
                pane.remove_own_claim(message.ts)
            elif roll == 4:  # a ticket raised from it
                pane.set_claims({}, {message.ts: (f"LAA-{900 + step}",)})
            elif roll == 5:  # who the team is
                # The stranger joins the team and leaves it again (None: the team as it was).
                members = frozenset(rng.sample(team, max(1, len(team) - 1)))
                pane.set_team(rng.choice([members | {stranger}, members, None]))
            elif roll == 6 and len(pane.table.items()) > 8:  # a message gone from the channel
                pane.apply([], [message.ts])
            elif roll == 7:  # the clock: a claim's triage time may pass
                h.clock.advance(timedelta(minutes=rng.choice([1, 9, 20])))
                app.on_clock_tick()
            else:  # a Jira poll: the channel unchanged
                row = rng.choice(tickets.table.items())
                tickets.apply([replace(row, summary=f"{row.summary} ({step})")], ())
            now = requests(kept)
            assert now == requests(AttentionFacts()), (step, roll)
            moved += now != last
            last = now
        assert moved >= 5
