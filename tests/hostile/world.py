"""The simulated world for the terminal tests, seeded with a corpus of text everywhere the services let it in.

Each corpus entry becomes, in Jira, a ticket on the AWS board (its summary and description are the entry)
reported by a user named by the entry, and, in Slack, a message in #laa-ops by a user named by the entry.
Two more carry the whole corpus at once, for the dialogs: the *omnibus* ticket has one comment per entry
(by the user named by it) and the *omnibus* message one reply per entry in its thread. The channel's
name, a bot's name and the engineer's own Jira name are hostile too. The same builder with a benign corpus
gives the baseline run: the same panes and screens, only harmless words.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

from duty_tui.config.notify import NotifyConfig
from duty_tui.demo.scenario import CHANNEL
from tests.conftest import MORNING
from tests.support import Harness, make_harness

CHANNEL_NAME = "[laa-ops] $text \x1b[2J\x1b]0;chan\x07"
BOT_NAME = "[@click=app.bell]bot[/] $accent \x1b]8;;https://evil.example\x1b\\"
BOT_TEXT = "bot says [@click=app.quit]hi[/]"
ME = "[@click=app.quit]Priya[/] \x1b[31mShah"
OMNIBUS = "Omnibus: every entry of the corpus"
LONG = 1000  # characters of a long entry in the omnibus ticket and thread


@dataclass
class World:
    """The harness, the corpus, and where each entry went."""

    h: Harness
    corpus: list[str]
    spec: Path
    postmortems: Path
    keys: list[str] = field(default_factory=list)  # the ticket of corpus[n]
    messages: list[str] = field(default_factory=list)  # the message ts of corpus[n]
    people: list[str] = field(default_factory=list)  # the Jira account named by corpus[n]
    authors: list[str] = field(default_factory=list)  # the Slack user named by corpus[n]
    omnibus_key: str = ""
    omnibus_ts: str = ""

    def close(self) -> None:
        self.h.close()


def build(tmp_path: Path, corpus: list[str], *, hostile: bool = True) -> World:
    """The demo world plus the corpus, and the spec file `tty_app` starts duty-tui from."""
    h = make_harness(tmp_path, MORNING)
    jira, slack = h.world.jira.world, h.world.slack.world
    world = World(h, corpus, tmp_path / "spec.pickle", tmp_path / "postmortems")
    if hostile:
        jira.set_api_user(jira.add_user(ME, email="priya.hostile@example.com"))
    authors = world.authors
    for n, value in enumerate(corpus):
        shown = value or "(empty)"
        # An account id of our own: the simulator derives one by hashing the name, and some are not UTF-8.
        person = jira.add_user(
            shown, email=f"reporter{n}@example.com", account_id=f"5b10ac8d82e05b22cc7d{n:04d}"
        )
        world.people.append(person)
        world.keys.append(
            jira.create_issue(
                "LAA",
                shown,
                priority="Highest",
                reporter=person,
                created=MORNING - timedelta(minutes=n + 1),
                description=value,
                labels=["hostile" if hostile else "benign"],
            )
        )
        authors.append(slack.add_user(f"user{n}", shown, display_name=shown))
        at = MORNING - timedelta(minutes=len(corpus) - n + 1)
        world.messages.append(slack.post(CHANNEL, authors[-1], shown, at=at))
    # In the omnibus ticket and thread a long entry is cut to its first LONG characters (the whole of it is
    # in its own ticket and message, and the tests open its own ticket too): a dialog then takes a few
    # pages per entry, not fifty.
    short = [value[:LONG] for value in corpus]
    world.omnibus_key = jira.create_issue(
        "LAA", OMNIBUS, priority="Low", created=MORNING - timedelta(hours=3), description="\n".join(short)
    )
    world.omnibus_ts = slack.post(CHANNEL, authors[0], OMNIBUS, at=MORNING - timedelta(minutes=1))
    for n, value in enumerate(short):
        at = MORNING - timedelta(seconds=59 - n * 50 / max(len(corpus), 1))
        jira.add_comment(world.omnibus_key, world.people[n], value or "(empty)", at=at)
        slack.post(CHANNEL, authors[n], value or "(empty)", thread_ts=world.omnibus_ts, at=at)
    if hostile:
        slack.post(CHANNEL, None, BOT_TEXT, subtype="bot_message", username=BOT_NAME)
        slack.add_channel(CHANNEL, CHANNEL_NAME)
    config = h.config()
    config = replace(
        config,
        # Desktop notifications by the terminal's own escape (OSC 777), so the one OSC duty-tui builds from
        # untrusted words is in the stream; no bell, so any BEL outside an OSC would be from the data.
        notify=NotifyConfig(bell=False, desktop=True, method="osc777"),
        incidents=replace(config.incidents, postmortem_dir=world.postmortems),
    )
    world.spec.write_bytes(pickle.dumps((config, h.world.secrets(), str(h.data_dir), MORNING)))
    return world
