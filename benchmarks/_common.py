"""Shared helpers for the benchmarks: a seeded warm store, configs, statistics, RSS and tables.

Everything here is deterministic for a given seed and start time, so two runs build the same store
and the figures differ only by the machine's noise. Nothing here imports Textual: the startup
baseline's runner must not pay for duty-tui's imports by accident.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import random
import socket
import statistics
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # run as `.venv/bin/python benchmarks/x.py` from anywhere
    sys.path.insert(0, str(REPO_ROOT))

from duty_tui.config import BoardConfig, Config, JiraConfig, Secrets, SlackConfig  # noqa: E402
from duty_tui.models import BoardInfo, ChatMessage, ChatUser, Reaction, SourceStatus, Ticket  # noqa: E402
from duty_tui.rules.listing import awaiting_triage  # noqa: E402
from duty_tui.store import Store  # noqa: E402

# Thursday 26 November 2026, 10:30 UTC (10:30 in London): inside support hours, as in the tests.
MORNING = datetime(2026, 11, 26, 10, 30, tzinfo=UTC)
CHANNEL = "CEL68S0LD"
AWS = (262, "AWS Ops", "LAA", "AWS")
SIXDG = (265, "6DG Ops", "LM", "6DG")
COMPONENT = "laa-6dg-support"
JIRA_SITE = "https://dsdmoj.atlassian.net"
BENCH_SECRETS = Secrets(jira_token="bench-jira-token", slack_token="xoxb-bench-token")

# -- realistic text ------------------------------------------------------------------------------

SERVICES = ("CCMS", "CIS", "MI", "CWA", "ERIC", "Apply", "Portal", "OBIEE", "Civil Apply", "Crime Apply")
ENVIRONMENTS = ("PROD", "Pre-Prod", "Stage", "UAT", "Dev", "Test", "Training")
PROBLEMS = (
    "providers get 504 Gateway Timeout on the login page",
    "nightly batch job failed with ORA-01555 snapshot too old",
    "TLS certificate for the public endpoint expires in 14 days",
    "please restore the schema from last night's backup",
    "disk usage on /u01 at 92% and climbing",
    "request read access to the S3 bucket for the MI extract",
    "EC2 instance i-0abc123 failed its status check",
    "CloudWatch alarm 'HighCPU' firing since 02:10",
    "new starter needs a VPN account and bastion access",
    "WebLogic managed server stuck in ADMIN state after patching",
    "RDS snapshot copy to the DR region is failing",
    "users see stale data on the dashboard after the release",
    "increase the connection pool for the SOA datasource",
    "password reset emails are not being delivered",
    "rotate the IAM access keys flagged by Security Hub",
    "Jenkins deploy pipeline times out pulling the base image",
    "firewall change: allow 10.26.0.0/16 to reach the reporting DB on 1521",
    "slow queries on the claims table since Tuesday",
    "ECS service keeps restarting: exit code 137 (OOM)",
    "Data Guard lag over 30 minutes on the standby",
)
SUFFIXES = (
    "",
    "",
    "",
    " (follow-up to LAA-1187)",
    " – urgent, providers blocked",
    " [raised by the service desk]",
    " 🔥",
    " — café invoice import",
    " → see runbook §4.2",
    ", again",
)
PRIORITIES = ("Highest", "High", "High", "Medium", "Medium", "Medium", "Medium", "Low", "Low", "Lowest")
ISSUE_TYPES = ("Task", "Bug", "Service Request", "Incident")
REPORTERS = ("Lucy Brennan", "Raj Patel", "Hannah Fox", "Oliver Grant", "Megan Doyle", "Dan Kowalski")
MESSAGE_TEMPLATES = (
    "Morning all :wave: anyone looking at {ticket}?",
    "<@{user}> can you take a look at the *{service} {env}* alarm? :eyes:",
    "Deploying {service} to {env} now, shout if you see anything odd :rocket:",
    "{service} {env} is back up :white_check_mark: root cause was the `{thing}` config",
    "Raised <{url}|{ticket}> for this, <@{user}> has the details",
    "_FYI_: maintenance window tonight 19:00–21:00 for {service} {env}",
    "Is anyone else seeing `ERR_CONNECTION_RESET` on {service}? 🙃",
    "> {problem}\nWe are on it, update in 30 minutes. cc <@{user}> <@{user2}>",
    "Can someone approve my PR? <https://github.com/ministryofjustice/laa-{slug}/pull/{number}>",
    "```\n$ aws ecs describe-services --cluster {slug}\nservice {slug} has reached a steady state.\n```",
    "Handover: {ticket} waiting on 6DG, {ticket2} needs a DBA :coffee:",
    "thanks <@{user}> :pray: :tada:",
    "*Incident*: {service} {env} degraded — {problem}. Next update 11:00. <!here>",
    "{problem}? We saw the same on {env} last week, check the `{thing}` setting ~not the DNS~",
)
THINGS = ("max_connections", "keepalive_timeout", "JAVA_OPTS", "listener.ora", "healthcheck path")
REACTIONS = ("eyes", "white_check_mark", "+1", "pray", "tada", "fire", "thumbsup", "rocket")


def _summary(rng: random.Random) -> str:
    service, env, problem = rng.choice(SERVICES), rng.choice(ENVIRONMENTS), rng.choice(PROBLEMS)
    return f"{service} {env}: {problem}{rng.choice(SUFFIXES)}"


def make_tickets(count: int, now: datetime, *, seed: int = 262) -> dict[int, list[Ticket]]:
    """`count` unassigned, to-do tickets split about 55/45 between the AWS and 6DG boards."""
    rng = random.Random(seed)
    boards: dict[int, list[Ticket]] = {AWS[0]: [], SIXDG[0]: []}
    numbers = {AWS[2]: 1000, SIXDG[2]: 4000}
    for index in range(count):
        board_id, _, project, _ = AWS if rng.random() < 0.55 else SIXDG
        numbers[project] += 1
        created = now - timedelta(minutes=rng.randint(5, 60 * 24 * 60))
        key = f"{project}-{numbers[project]}"
        boards[board_id].append(
            Ticket(
                key=key,
                id=str(20000 + index),
                summary=_summary(rng),
                status="To Do",
                status_category="new",
                priority=rng.choice(PRIORITIES),
                issue_type=rng.choice(ISSUE_TYPES),
                created=created,
                updated=created + timedelta(minutes=rng.randint(0, 600)),
                reporter=rng.choice(REPORTERS),
                assignee_id=None,
                assignee=None,
                components=(COMPONENT,) if project == SIXDG[2] else (),
                labels=tuple(rng.sample(("prod", "ccms", "dba", "access", "cert", "aws"), rng.randint(0, 2))),
                url=f"{JIRA_SITE}/browse/{key}",
            )
        )
    return boards


def make_users(count: int) -> list[ChatUser]:
    first = ("Lucy", "Raj", "Hannah", "Oliver", "Megan", "Dan", "Fiona", "Tom", "Aisha", "Ewan", "Grace")
    last = ("Brennan", "Patel", "Fox", "Grant", "Doyle", "Kowalski", "Reid", "Hargreaves", "Bello", "Okafor")
    return [
        ChatUser(
            id=f"U0BENCH{index:05d}",
            name=f"{first[index % len(first)]} {last[(index // len(first)) % len(last)]}",
            is_bot=index % 50 == 49,
        )
        for index in range(count)
    ]


def make_messages(
    count: int, now: datetime, users: Sequence[ChatUser], *, seed: int = 68, span: timedelta | None = None
) -> list[ChatMessage]:
    """`count` top-level messages spread evenly over `span` (default 20 days) up to `now`."""
    rng = random.Random(seed)
    span = span or timedelta(days=20)
    start = int((now - span).timestamp())
    step = span.total_seconds() / count
    messages: list[ChatMessage] = []
    for index in range(count):
        ts = f"{start + int(index * step)}.{index % 1_000_000:06d}"
        user, other = rng.choice(users), rng.choice(users)
        text = rng.choice(MESSAGE_TEMPLATES).format(
            ticket=f"LAA-{rng.randint(1000, 3800)}",
            ticket2=f"LM-{rng.randint(4000, 6300)}",
            url=f"{JIRA_SITE}/browse/LAA-{rng.randint(1000, 3800)}",
            user=user.id,
            user2=other.id,
            service=rng.choice(SERVICES),
            env=rng.choice(ENVIRONMENTS),
            problem=rng.choice(PROBLEMS),
            thing=rng.choice(THINGS),
            slug=rng.choice(("ccms-ebs", "cwa", "mi-extract", "apply")),
            number=rng.randint(100, 4000),
        )
        if rng.random() < 0.03:  # a few long pastes (stack traces, logs)
            text += "\n" + " ".join(rng.choice(PROBLEMS) for _ in range(12))
        replies = rng.randint(1, 9) if rng.random() < 0.2 else 0
        bot = rng.random() < 0.05
        messages.append(
            ChatMessage(
                ts=ts,
                channel=CHANNEL,
                user_id=None if bot else user.id,
                text=text,
                subtype="bot_message" if bot else "",
                bot_name="deploybot" if bot else None,
                thread_ts=ts if replies else None,
                reply_count=replies,
                latest_reply=f"{start + int(index * step) + 300}.000001" if replies else None,
                reactions=tuple(
                    Reaction(name, rng.randint(1, 4)) for name in rng.sample(REACTIONS, rng.randint(0, 2))
                ),
                edited=rng.random() < 0.04,
            )
        )
    return messages


@dataclass(frozen=True, slots=True)
class WarmStore:
    data_dir: Path
    tickets: int
    messages: int
    users: int


def build_warm_store(
    data_dir: Path, now: datetime, *, tickets: int = 5_000, messages: int = 20_000, users: int = 300
) -> WarmStore:
    """A store as a day's polling leaves it: board infos, listed tickets, messages and the directory."""
    store = Store.in_dir(data_dir)
    try:
        for board_id, name, project, _ in (AWS, SIXDG):
            info = BoardInfo(
                id=board_id,
                name=name,
                filter_id=str(10500 + board_id),
                sub_query=None,
                mapped_status_ids=("10000", "3", "10001"),
                project_key=project,
            )
            store.tickets.save_board_info(info, now)
        for board_id, board_tickets in make_tickets(tickets, now).items():
            store.tickets.save_board_poll(
                board_id, board_tickets, full=True, listed=awaiting_triage, seen_at=now
            )
        people = make_users(users)
        store.chat_users.save(people, now)
        store.messages.save(make_messages(messages, now, people))
        store.meta.set(f"slack.channel_name:{CHANNEL}", "laa-ops")
        # A warm cache means both sources synced before: the app then starts offline instead of
        # treating an unreachable service as a configuration mistake.
        for source in ("jira", "slack"):
            store.statuses.save(SourceStatus(source, last_success=now, last_attempt=now))
        listed = len(store.tickets.on_list())
        stored = store.messages.count(CHANNEL)
    finally:
        store.close()
    return WarmStore(data_dir, listed, stored, users)


# -- configs -------------------------------------------------------------------------------------


def closed_port() -> int:
    """A local port nobody listens on: connections are refused at once, so pollers fail fast."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def offline_config(jira_url: str | None = None, slack_api_url: str | None = None) -> Config:
    """The team's config (both boards, the channel) pointed at services that refuse connections."""
    jira_url = jira_url or f"http://127.0.0.1:{closed_port()}"
    slack_api_url = slack_api_url or f"http://127.0.0.1:{closed_port()}/api/"
    return Config(
        jira=JiraConfig(
            url=jira_url,
            email="duty@example.com",
            boards=(
                BoardConfig(id=AWS[0], name=AWS[1], label=AWS[3]),
                BoardConfig(id=SIXDG[0], name=SIXDG[1], label=SIXDG[3], component=COMPONENT),
            ),
        ),
        slack=SlackConfig(channel=CHANNEL, api_url=slack_api_url),
    )


def _shipped(cls: type[JiraConfig | SlackConfig], name: str) -> float:
    default = next(f.default for f in dataclasses.fields(cls) if f.name == name)
    assert isinstance(default, int | float), f"{cls.__name__}.{name} has no default"
    return float(default)


def shipped_cadence(config: Config) -> Config:
    """`config` with the poll, reconcile and rescan settings users get (the demo's are faster)."""
    return dataclasses.replace(
        config,
        jira=dataclasses.replace(
            config.jira,
            poll_seconds=_shipped(JiraConfig, "poll_seconds"),
            reconcile_minutes=_shipped(JiraConfig, "reconcile_minutes"),
        ),
        slack=dataclasses.replace(
            config.slack,
            rescan_minutes=_shipped(SlackConfig, "rescan_minutes"),
            rescan_hours=_shipped(SlackConfig, "rescan_hours"),
        ),
    )


# -- measuring and printing ----------------------------------------------------------------------


def rss_mb() -> float:
    """Resident set size of this process now (not the peak), in MB, from /proc."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@contextmanager
def no_collections() -> Iterator[None]:
    """Garbage collected before the block and not during it, for a timed press or round: which one a
    collection lands in is luck (the bare DataTable's dialog close took 55 to 170 ms from one run to the
    next), and what collections cost over a day is the soak's figure. Used alike for duty-tui and for
    the baselines."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain text table: first column left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def verdict(value: float, goal: float) -> str:
    return "meets goal" if value <= goal else "MISSES goal"


# -- headline figures, for `--json PATH` and benchmarks/all.py ------------------------------------


@dataclass(frozen=True, slots=True)
class Figure:
    """One headline figure as `all.py` tabulates it: `value` formatted with its units, `goal` in words
    ("" when the figure has none), `met` None when there is no goal to meet."""

    figure: str
    value: str
    goal: str = ""
    met: bool | None = None

    def as_json(self) -> dict[str, object]:
        return {"figure": self.figure, "value": self.value, "goal": self.goal, "met": self.met}


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json",
        type=Path,
        metavar="PATH",
        help="also write the headline figures to PATH as a JSON list of "
        '{"figure", "value", "goal", "met"} (what benchmarks/all.py reads)',
    )


def write_figures(path: Path | None, figures: Sequence[Figure]) -> None:
    """Write `figures` to `path` (nothing when None) as a JSON list of objects."""
    if path is None:
        return
    path.write_text(
        json.dumps([f.as_json() for f in figures], ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def read_figures(path: Path) -> list[Figure]:
    """The figures a script wrote with `write_figures`; ValueError when the file is not such a list."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a JSON list of figures")
    found = []
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("figure"), str):
            raise ValueError(f"{path}: not a figure: {item!r}")
        met = item.get("met")
        found.append(
            Figure(
                item["figure"],
                str(item.get("value", "")),
                str(item.get("goal") or ""),
                met if isinstance(met, bool) else None,
            )
        )
    return found
