"""The crash harness's parent side: the simulators in this process, the product in child processes.

`CrashRig` runs the populated demo world (Jira and Slack simulators) on a `FastClock` shared with the
children, writes a config file pointing at the simulators, and starts `tests.crash.runner` on one data
dir with the demo tokens in its environment. `queue_writes` stores a seeded mix of every kind of write
the outbox sends, through the store's real API, as the desks do (`desks.queueing.store_writes`, with the
local bookkeeping that goes with them); `duplicates_and_losses` reads the simulators back and says, for
every write, whether its effect is there exactly once.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from duty_tui.config import load_config, load_secrets
from duty_tui.demo import DemoWorld
from duty_tui.demo.scenario import AWS_BOARD, CHANNEL, COMPONENT, SIXDG_BOARD
from duty_tui.demo.scenario_data import DUTY_ENGINEER, PRODUCT_MANAGER, TEAM
from duty_tui.desks.queueing import store_writes
from duty_tui.models import (
    ChatMessage,
    IncidentEvent,
    IncidentEventKind,
    IncidentPriority,
    IncidentStatus,
    NewTicket,
    Person,
    ReplyDraft,
    Service,
    SourceStatus,
    Write,
    WriteKind,
    WriteState,
)
from duty_tui.rules import actions, channel_actions
from duty_tui.rules.actions import Actor
from duty_tui.rules.channel_actions import CLAIM_REPLY, Board
from duty_tui.rules.happiness import ASK_METADATA
from duty_tui.rules.happiness_asks import mark_done
from duty_tui.rules.incidents import payload
from duty_tui.runtime import Runtime, build_runtime
from duty_tui.store import STORE_FILE
from tests.conftest import MORNING
from tests.crash.runner import ENV_BLIND, ENV_CLOCK, ENV_DATA_DIR, ENV_UNTIL_DONE, FastClock

ROOT = Path(__file__).resolve().parents[2]
START = MORNING  # a Thursday morning in support hours
SPEED = 60.0  # a minute of back-off passes in a second
CONFIG = """\
[jira]
url = "{jira}"
email = "{email}"
poll_seconds = 3600
reconcile_minutes = 2

[[jira.boards]]
name = "{aws}"
id = {aws_id}
label = "AWS"

[[jira.boards]]
name = "{sixdg}"
id = {sixdg_id}
label = "6DG"
component = "{component}"

[slack]
channel = "{channel}"
api_url = "{slack}"

[channel]
product_manager = "{manager}"

[team]
members = [{members}]
"""

# Where each kind of write goes, for faults aimed at it ("METHOD path", as the simulators match).
JIRA_WRITES = (
    r"PUT .*/assignee$",
    r"POST .*/transitions$",
    r"POST .*/comment$",
    r"POST .*/issue$",
    r"POST .*/remotelink$",
)
JIRA_CHECKS = (r"GET .*/issue/[A-Z]+-\d+$", r"GET .*/comment$", r"GET .*/search", r"GET .*/properties/")
SLACK_WRITES = (r"chat\.postMessage", r"reactions\.add")
SLACK_CHECKS = (r"conversations\.replies", r"conversations\.history", r"auth\.test", r"chat\.getPermalink")


@dataclass
class Child:
    """One product process and what it has said."""

    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    said: threading.Condition = field(default_factory=threading.Condition)

    def read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self.said:
                self.lines.append(line.rstrip("\n"))
                self.said.notify_all()
        with self.said:
            self.said.notify_all()

    def wait_for(self, prefixes: tuple[str, ...], timeout: float) -> str | None:
        """The first line starting with one of `prefixes`, once it is said (None: not within `timeout`, or
        the process ended first)."""
        deadline = time.monotonic() + timeout
        with self.said:
            while True:
                for line in self.lines:
                    if line.startswith(prefixes):
                        return line
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    return None
                self.said.wait(min(left, 0.1))

    def wait_sent(self, count: int, timeout: float) -> int:
        """Wait until it has sent `count` writes (or `timeout` passes, or it ends); how many it has sent."""
        deadline = time.monotonic() + timeout
        with self.said:
            while True:
                sent = sum(line.startswith("sent ") for line in self.lines)
                left = deadline - time.monotonic()
                if sent >= count or left <= 0 or self.process.poll() is not None:
                    return sent
                self.said.wait(min(left, 0.1))

    def sent(self) -> list[str]:
        with self.said:
            return [line.split()[1] for line in self.lines if line.startswith("sent ")]

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)


class CrashRig:
    """The simulators here, a config and a data dir for the product's processes."""

    def __init__(self, tmp: Path, *, as_user: bool = True, speed: float = SPEED) -> None:
        self.tmp = tmp
        self.data_dir = tmp / "data"
        self.clock = FastClock(START, time.time(), speed)
        self.world = DemoWorld(self.clock)
        # Slack's standing limits are in real seconds (a post a second in a channel): 60 posts would take
        # a minute. Off here; the 429s come from the seeded fault plan instead.
        self.world.slack.enable_rate_limits(False)
        self.as_user = as_user
        self.config_path = tmp / "config.toml"
        members = ", ".join(f'"{self.world.cast.jira[p.handle]}"' for p in TEAM)
        self.config_path.write_text(
            CONFIG.format(
                jira=self.world.jira.url,
                email=DUTY_ENGINEER.email,
                aws=AWS_BOARD[1],
                aws_id=AWS_BOARD[0],
                sixdg=SIXDG_BOARD[1],
                sixdg_id=SIXDG_BOARD[0],
                component=COMPONENT,
                channel=CHANNEL,
                slack=self.world.slack.api_url,
                manager=self.world.cast.slack[PRODUCT_MANAGER.handle],
                members=members,
            ),
            encoding="utf-8",
        )
        secrets = self.world.secrets(as_user=as_user)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("JIRA_", "SLACK_", "DUTY_TUI_"))},
            "DUTY_TUI_CONFIG": str(self.config_path),
            "JIRA_API_TOKEN": secrets.jira_token or "",
            "SLACK_BOT_TOKEN": secrets.slack_token or "",
            ENV_DATA_DIR: str(self.data_dir),
            ENV_CLOCK: self.clock.env(),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        if secrets.slack_user_token:
            self.env["SLACK_USER_TOKEN"] = secrets.slack_user_token
        self.children: list[Child] = []
        self.stderr = tmp / "children.stderr"

    # -- the product ---------------------------------------------------------------------------------

    def runtime(self) -> Runtime:
        """A runtime on the data dir in this process, built as a child builds it."""
        return build_runtime(load_config(self.config_path), load_secrets(self.env), self.data_dir, self.clock)

    def start(self, *, until_done: bool = False, blind: bool = False) -> Child:
        env = {**self.env, ENV_UNTIL_DONE: "1" if until_done else "0", ENV_BLIND: "1" if blind else "0"}
        with self.stderr.open("a", encoding="utf-8") as log:
            log.write(f"--- child {len(self.children) + 1}\n")
            log.flush()
            process = subprocess.Popen(
                [sys.executable, "-m", "tests.crash.runner"],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
        child = Child(process)
        threading.Thread(target=child.read, daemon=True).start()
        self.children.append(child)
        return child

    def stop(self) -> None:
        for child in self.children:
            child.kill()
        self.world.stop()

    def stderr_tail(self, lines: int = 30) -> str:
        if not self.stderr.exists():
            return ""
        return "\n".join(self.stderr.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])

    def log_tail(self, lines: int = 30) -> str:
        path = self.data_dir / "duty-tui.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])

    # -- the store, as SQLite sees it ----------------------------------------------------------------

    def sql(self, query: str) -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(self.data_dir / STORE_FILE, timeout=10)
        try:
            return conn.execute(query).fetchall()
        finally:
            conn.close()

    def integrity(self) -> str:
        return ", ".join(str(row[0]) for row in self.sql("PRAGMA integrity_check"))

    def outbox_states_pending(self) -> int:
        return int(self.sql("SELECT count(*) FROM outbox WHERE state = 'pending'")[0][0])

    def outbox_states(self) -> dict[str, tuple[str, str | None, int]]:
        """uid → (state, last error, attempts)."""
        rows = self.sql("SELECT uid, state, last_error, attempts FROM outbox")
        return {uid: (state, error, attempts) for uid, state, error, attempts in rows}

    # -- faults --------------------------------------------------------------------------------------

    def faults_met(self) -> dict[str, int]:
        """How many requests each kind of injected fault answered, per service (the log records them)."""
        met: dict[str, int] = {}
        for name, sim in (("jira", self.world.jira), ("slack", self.world.slack)):
            for entry in sim.log:
                if entry.fault and entry.fault != "through":
                    label = f"{name} {entry.fault}" + (f" {entry.status}" if entry.fault == "status" else "")
                    met[label] = met.get(label, 0) + 1
        return met

    def inject_faults(self, rng: random.Random, count: int) -> list[str]:
        """`count` one-shot faults on the simulators, aimed at writes and at the checks before resends:
        accept-then-drop, a truncated answer, 5xx, 429 with Retry-After. Returns them in words."""
        said: list[str] = []
        for _ in range(count):
            jira = rng.random() < 0.5
            faults = self.world.jira.faults if jira else self.world.slack.faults
            aimed = rng.choice(JIRA_WRITES if jira else SLACK_WRITES)
            checks = rng.choice(JIRA_CHECKS if jira else SLACK_CHECKS)
            kind = rng.choice(("drop", "drop", "malformed", "5xx", "5xx", "429", "any-5xx"))
            n = rng.randint(1, 3)
            if kind == "drop":
                faults.drop_next(1, match=aimed)
                said.append(f"{'jira' if jira else 'slack'} drop {aimed}")
            elif kind == "malformed":
                faults.malformed_next(1, match=aimed)
                said.append(f"{'jira' if jira else 'slack'} malformed {aimed}")
            elif kind == "5xx":
                status = rng.choice((500, 502, 503))
                target = rng.choice((aimed, checks))
                faults.fail_next(n, status=status, match=target, after=rng.randint(0, 2))
                said.append(f"{'jira' if jira else 'slack'} {n}×{status} {target}")
            elif kind == "429":
                wait = rng.randint(1, 30)
                target = rng.choice((aimed, checks))
                faults.rate_limit_next(n, retry_after=wait, match=target)
                said.append(f"{'jira' if jira else 'slack'} {n}×429 (Retry-After {wait}) {target}")
            else:
                faults.fail_next(n, status=500)
                said.append(f"{'jira' if jira else 'slack'} {n}×500 on any request")
        return said


# -- the writes ---------------------------------------------------------------------------------------


@dataclass
class Keypress:
    """What one keypress stores: its writes, and the desk's local bookkeeping that goes with them."""

    writes: list[Write]
    also: Callable[[Runtime], None] | None = None
    incident: str | None = None  # an incident's posts keep their order (the desk makes them in turn)


def _ids(prefix: str) -> Iterator[str]:
    return (f"{prefix}-{n:03d}" for n in itertools.count())


def queue_writes(rig: CrashRig, rng: random.Random, total: int = 100) -> list[Write]:
    """Poll once (as the app does before its keys can act), then store `total` writes of every kind, in
    a seeded order, through the store's real API. Returns them as stored."""
    runtime = rig.runtime()
    try:
        runtime.jira_poller.poll(SourceStatus("jira"))
        account = runtime.account.fetch()
        me = Actor(account.account_id, account.display_name)
        keypresses = _keypresses(rig, runtime, me, rng)
        rng.shuffle(keypresses)
        _keep_incident_order(keypresses)
        stored: list[Write] = []
        pause = threading.Event()
        for keypress in keypresses:
            writes = [replace(w, created_at=rig.clock.now()) for w in keypress.writes]
            also = partial(keypress.also, runtime) if keypress.also else None
            stored += store_writes(runtime.store, writes, pause, also)
        assert len(stored) == total, f"queued {len(stored)} writes, meant {total}"
        return stored
    finally:
        runtime.close()


def _keep_incident_order(keypresses: list[Keypress]) -> None:
    """After the shuffle, each incident's posts in the order they were made (declared first)."""
    by_incident: dict[str, list[int]] = {}
    for index, keypress in enumerate(keypresses):
        if keypress.incident:
            by_incident.setdefault(keypress.incident, []).append(index)
    for places in by_incident.values():
        ordered = sorted((keypresses[i] for i in places), key=lambda k: k.writes[0].uid)
        for place, keypress in zip(places, ordered, strict=True):
            keypresses[place] = keypress


def _keypresses(rig: CrashRig, runtime: Runtime, me: Actor, rng: random.Random) -> list[Keypress]:
    world = rig.world
    new_id = _ids("w").__next__
    now = rig.clock.now()
    tickets = {t.key: t for t in runtime.store.tickets.on_list()}
    waiting = sorted(k for k, t in tickets.items() if t.assignee_id is None and t.status_category == "new")
    rng.shuffle(waiting)
    tom = Person(world.cast.jira["tom"], "Tom Hargreaves")
    out: list[Keypress] = []

    # Jira: 6 takes (assign + move + comment), 4 assignments, 3 moves onward, 15 comments = 40 writes.
    for key in waiting[:6]:
        out.append(Keypress(actions.take(tickets[key], me, f"Taking this [{new_id()}]", now, new_id)))
    for key in waiting[6:10]:
        out.append(Keypress(actions.assign(tickets[key], me, tom, now, new_id)))
    for key in waiting[10:13]:
        onward = [t for t in runtime.jira_writer.transitions(key) if t.to_category != "new"]
        out.append(Keypress(actions.move(tickets[key], me, rng.choice(onward), now, new_id)))
    for _ in range(15):
        key = rng.choice(waiting[:14])
        out.append(Keypress(actions.comment(tickets[key], me, _said(new_id), now, new_id)))

    # Slack: fresh requests in #laa-ops to act on.
    requesters = ["dan", "fiona", "kate", "megan", "oliver", "hannah"]
    messages = []
    for n in range(23):
        who = world.cast.slack[requesters[n % len(requesters)]]
        text = f"Request {n}: could someone look at the CCMS batch job?"
        ts = world.slack.world.post(CHANNEL, who, text)
        messages.append(ChatMessage(ts, CHANNEL, who, text))
    raised, replied, reacted, done = messages[:6], messages[6:14], messages[14:20], messages[20:23]

    # 6 tickets raised from messages (create + announce + link) = 18 writes; half without a permalink
    # yet (the link asks Slack for it).
    boards = (
        Board(AWS_BOARD[0], AWS_BOARD[1], AWS_BOARD[2]),
        Board(SIXDG_BOARD[0], SIXDG_BOARD[1], SIXDG_BOARD[2], COMPONENT),
    )
    for n, message in enumerate(raised):
        board = boards[n % 2]
        ticket = NewTicket(board.id, f"Raised from #laa-ops [{new_id()}]", "Medium", "From the channel.")
        link = f"https://laa.slack.com/archives/{CHANNEL}/p{message.ts.replace('.', '')}" if n % 2 else None
        out.append(
            Keypress(
                channel_actions.raise_ticket(
                    message, me, ticket, board, permalink=link, now=now, new_id=new_id
                )
            )
        )

    # 14 replies (some threads get two, one broadcast), 10 reactions (claims among them), 3 marked done
    # with the happiness ask (6 writes).
    for n in range(14):
        message = replied[n % len(replied)]
        draft = ReplyDraft(_said(new_id), broadcast=n == 3)
        out.append(Keypress(channel_actions.reply(message, me, draft, now, new_id)))
    emoji = ["thumbsup", "heart", "tada", "rocket", "pray", "fire", "100", "raised_hands"]
    for n in range(10):
        message = reacted[n % len(reacted)]
        if n < 2:
            out.append(Keypress(channel_actions.claim(message, me, now, new_id, as_user=rig.as_user)))
        else:
            out.append(Keypress(channel_actions.react(message, me, emoji[n - 2], now, new_id)))
    for message in done:
        out.append(Keypress(mark_done(message, me, now, new_id, ask="How did we do? React 👍 or 👎.")))

    # 2 incidents: declared, then 3 updates each (8 posts in their threads); 4 top-level posts.
    slack_me = world.cast.slack[DUTY_ENGINEER.handle]
    for n in range(2):
        incident = f"incident-{n}"
        base = IncidentEvent(
            incident_id=incident,
            kind=IncidentEventKind.DECLARED,
            at=now,
            by=slack_me,
            title=f"CCMS down [{incident}]",
            priority=IncidentPriority.NORMAL,
            status=IncidentStatus.INVESTIGATING,
            lead=slack_me,
            services=("CCMS",),
            next_update=now + timedelta(minutes=30),
            text="Caseworkers cannot log in.",
        )
        statuses = (IncidentStatus.INVESTIGATING, IncidentStatus.IDENTIFIED, IncidentStatus.MONITORING)
        events = [base] + [
            replace(base, kind=IncidentEventKind.UPDATED, status=status, text=f"Update {i}")
            for i, status in enumerate(statuses)
        ]
        for event in events:
            out.append(_incident_post(event, me, new_id))
    for n in range(4):
        uid = new_id()
        event_type = "duty_tui_cover" if n % 2 else "duty_tui_handover"
        write = Write(
            uid=uid,
            batch=uid,
            kind=WriteKind.POST,
            key=event_type,
            created_at=now,
            actor_id=me.account_id,
            actor=me.name,
            service=Service.SLACK,
            body=f"*{event_type}* number {n} [{uid}]",
            metadata=json.dumps({"day": "2026-11-26", "n": n}),
        )
        out.append(Keypress([write]))
    if not rig.as_user:  # the bot's claim is a 👀 and a reply: two writes each, so two reactions fewer
        for _ in range(2):
            out.remove(next(k for k in out if k.writes[0].kind is WriteKind.REACT and len(k.writes) == 1))
    return out


def _incident_post(event: IncidentEvent, me: Actor, new_id: Callable[[], str]) -> Keypress:
    uid = new_id()
    write = Write(
        uid=uid,
        batch=uid,
        kind=WriteKind.ANNOUNCE,
        key=event.incident_id,
        created_at=event.at,
        actor_id=me.account_id,
        actor=me.name,
        service=Service.SLACK,
        body=f"*{event.kind.value}*: {event.title} — {event.text} [{uid}]",
        metadata=json.dumps(payload(event, outbox_id=uid)),
    )
    pending = replace(event, pending=True, ref=uid)
    return Keypress(
        [write], lambda runtime: runtime.store.incidents.save([(uid, pending)]), event.incident_id
    )


def _said(new_id: Callable[[], str]) -> str:
    return f"Looked at it: the batch ran at 09:00 & <b>failed</b> [{new_id()}]"


# -- what the simulators hold ----------------------------------------------------------------------


def _acted(entry: Any) -> bool:
    """Whether the simulator acted on a logged request (an injected 5xx or 429 did not)."""
    return entry.fault in ("drop", "malformed") or (entry.status is not None and 200 <= entry.status < 300)


def duplicates_and_losses(rig: CrashRig, stored: list[Write]) -> list[str]:
    """For every stored write, what is wrong with its effect in the simulators (nothing: exactly once)."""
    jira, slack = rig.world.jira, rig.world.slack
    all_messages = slack.world.messages(CHANNEL)
    states = rig.outbox_states()
    created: dict[str, str] = {}  # batch → the key Jira made
    for key in jira.world.issue_keys():
        summary = str(jira.world.issue(key)["fields"]["summary"])
        for write in stored:
            if write.kind is WriteKind.CREATE and write.ticket and write.ticket.summary == summary:
                if write.batch in created:
                    created[write.batch] += f",{key}"
                else:
                    created[write.batch] = key
    problems: list[str] = []

    def once(write: Write, found: int, what: str) -> None:
        if found != 1:
            state, error, attempts = states.get(write.uid, ("missing", None, 0))
            problems.append(
                f"{write.uid} ({write.describe()} on {write.key}): {what} {found} times "
                f"[outbox: {state}, attempts {attempts}, last error {error!r}]"
            )

    def marker(write: Write) -> str:
        return f"[{(write.body or '').rsplit('[', 1)[-1]}"

    for write in stored:
        if write.kind is WriteKind.ASSIGN:
            acted = [e for e in jira.log.find("PUT", f"/issue/{write.key}/assignee") if _acted(e)]
            assignee = (jira.world.issue(write.key)["fields"]["assignee"] or {}).get("accountId")
            once(write, len(acted) if assignee == write.assignee_id else 0, "assigned")
        elif write.kind is WriteKind.TRANSITION:
            acted = [e for e in jira.log.find("POST", f"/issue/{write.key}/transitions") if _acted(e)]
            category = jira.world.issue(write.key)["fields"]["status"]["statusCategory"]["key"]
            once(write, len(acted) if category == write.to_category else 0, "moved")
        elif write.kind is WriteKind.COMMENT:
            bodies = [str(c["body"]) for c in jira.world.comments(write.key)]
            once(write, sum(marker(write) in b for b in bodies), "commented")
        elif write.kind is WriteKind.CREATE:
            keys = created.get(write.batch, "")
            once(write, len(keys.split(",")) if keys else 0, "created")
        elif write.kind is WriteKind.LINK:
            keys = created.get(write.batch, "")
            links = sum(len(jira.world.remote_link_views(k)) for k in keys.split(",") if k)
            once(write, links, "linked")
        elif write.kind is WriteKind.REACT:
            # The messages are new: every reaction on them is one of these writes.
            reactions = slack.world.message(CHANNEL, write.key).get("reactions", [])
            users = [u for r in reactions if r["name"] == write.body for u in r["users"]]
            once(write, len(users), f"reacted :{write.body}:")
        elif write.kind is WriteKind.REPLY:
            thread = slack.world.thread(CHANNEL, write.key, include_metadata=True)[1:]
            if write.metadata:
                asks = [m for m in thread if (m.get("metadata") or {}).get("event_type") == ASK_METADATA]
                once(write, len(asks), "asked")
            elif write.announces:
                keys = created.get(write.batch, "")
                once(
                    write, sum(f"|{keys}>" in str(m.get("text")) for m in thread) if keys else 0, "announced"
                )
            elif write.body == CLAIM_REPLY:
                once(write, sum(str(m.get("text")).startswith(CLAIM_REPLY) for m in thread), "claimed")
            else:
                once(write, sum(marker(write) in str(m.get("text")) for m in thread), "replied")
        elif write.kind in (WriteKind.ANNOUNCE, WriteKind.POST):
            posted = [
                m
                for m in all_messages
                if ((m.get("metadata") or {}).get("event_payload") or {}).get("outbox") == write.uid
            ]
            once(write, len(posted), "posted")
        else:  # a kind added later: this check must learn it
            problems.append(f"{write.uid}: no check for {write.kind}")  # type: ignore[unreachable]
    not_sent = {uid: s for uid, s in states.items() if s[0] != WriteState.SENT.value}
    if not_sent:
        problems.append(f"writes not sent: {not_sent}")
    return problems


def kinds(writes: list[Write]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for write in writes:
        name = write.kind.value + (" (ask)" if write.metadata and write.kind is WriteKind.REPLY else "")
        counts[name] = counts.get(name, 0) + 1
    return counts
