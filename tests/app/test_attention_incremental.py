"""The attention facts kept from the tickets pane's journal of changed tally entries are the facts read
from the whole pane, whatever the tickets pane is handed; and the list made from them is the list made
from scratch as the clock moves on."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

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
