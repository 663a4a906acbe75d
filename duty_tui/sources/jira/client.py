"""Jira: the unassigned, not-done tickets of each configured board, through the real `jira` client.

Uses the enhanced search (`/search/jql`, `nextPageToken`) with an explicit field list, the board's
own filter from its configuration, and the board's component where one is configured. The client
is built on first use, on a background thread, so neither its import nor its serverInfo call delays
the first paint. Library retries are off (max_retries=0): the poll loop does its own back-off and
honours Retry-After, so a Jira outage never blocks a thread in a library sleep.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from duty_tui.config import BoardConfig, JiraConfig
from duty_tui.models import BoardInfo, Ticket
from duty_tui.rules.sla import Event
from duty_tui.sources.errors import PollCancelled, SourceError
from duty_tui.sources.jira import history
from duty_tui.sources.jira.errors import TranslateErrors
from duty_tui.sources.jira.history import StatusCategories
from duty_tui.sources.redirects import refuse_redirects
from duty_tui.sources.values import items, mapping, text

if TYPE_CHECKING:
    from jira import JIRA

TICKET_FIELDS = (
    "summary",
    "status",
    "priority",
    "issuetype",
    "created",
    "updated",
    "reporter",
    "assignee",
    "components",
    "labels",
    "comment",  # with expand=changelog: what the acknowledgement is read from, in the same request
)
Acknowledge = Callable[[list[Event]], Event | None]
ISSUE_KEY = re.compile(r"[A-Z][A-Z0-9_]{0,49}-\d{1,9}")
PAGE_SIZE = 100
MAX_PAGES = 500  # a server that keeps handing out tokens must not keep a thread busy forever


@dataclass(frozen=True, slots=True)
class JiraUser:
    account_id: str
    display_name: str
    time_zone: str

    def to_json(self) -> str:
        return json.dumps(
            {"accountId": self.account_id, "displayName": self.display_name, "timeZone": self.time_zone}
        )

    @classmethod
    def from_json(cls, text: str) -> JiraUser:
        raw = json.loads(text)
        return cls(str(raw["accountId"]), str(raw["displayName"]), str(raw.get("timeZone") or "UTC"))


class JiraSource:
    """Talks to one Jira site. Thread-safe: the client is built once, under a lock."""

    def __init__(self, config: JiraConfig, token: str) -> None:
        self.config = config
        self._token = token
        self._client: JIRA | None = None
        self._lock = threading.Lock()

    def browse_url(self, key: str) -> str:
        return f"{self.config.url}/browse/{key}"

    def client(self) -> JIRA:
        with self._lock:
            if self._client is None:
                self._client = self._connect()
            return self._client

    def secrets(self) -> tuple[str, ...]:
        """The credentials in every form this source sends them: kept out of its error sentences."""
        if not self._token:
            return ()
        if self.config.auth == "pat":
            return (self._token,)
        pair = f"{self.config.email}:{self._token}"
        try:  # as requests encodes the Basic credentials
            raw = pair.encode("latin-1")
        except UnicodeEncodeError:
            raw = pair.encode("utf-8")
        return (self._token, base64.b64encode(raw).decode("ascii"))

    def _connect(self) -> JIRA:
        from jira import JIRA

        auth: dict[str, Any]
        if self.config.auth == "pat":
            auth = {"token_auth": self._token}
        else:
            auth = {"basic_auth": (self.config.email, self._token)}
        with self.translate_errors("connecting to Jira"):
            # Built without its serverInfo call, so that redirects are refused before the first request
            # (`sources.redirects`); then the same call, and what the library keeps of it. TLS
            # verification is always on (the library's default, said here so no option can drop it).
            client = JIRA(
                server=self.config.url,
                max_retries=0,
                timeout=(5, self.config.timeout_seconds),
                options={"check_update": False, "verify": True},
                get_server_info=False,
                **auth,
            )
            refuse_redirects(client._session)
            info = client.server_info()
            client._version = tuple(info["versionNumbers"])
            client.deploymentType = info.get("deploymentType")
        if self.config.auth == "pat" and not client._is_cloud:
            raise SourceError(
                f"{self.config.url} is Jira Data Center, which duty-tui cannot search yet: "
                'it needs Jira Cloud (auth = "basic" with an API token).',
                permanent=True,
            )
        if self.config.auth == "basic" and not client._is_cloud:
            raise SourceError(
                f'{self.config.url} is not Jira Cloud: set auth = "pat" in [jira] and put a Data Center '
                "personal access token in JIRA_API_TOKEN.",
                permanent=True,
            )
        return client

    # -- calls ----------------------------------------------------------------------------------

    def myself(self) -> JiraUser:
        with self.translate_errors("reading your Jira profile"):
            raw = self.client().myself()
            return JiraUser(
                account_id=text(raw["accountId"]),
                display_name=text(raw.get("displayName") or raw["accountId"]),
                time_zone=text(raw.get("timeZone") or "UTC"),
            )

    def board_info(self, board: BoardConfig) -> BoardInfo:
        """The board's saved filter, kanban sub-query and column statuses."""
        client = self.client()
        with self.translate_errors(f"reading the configuration of board {board.id} ({board.name})"):
            raw = client._get_json(f"board/{board.id}/configuration", base=client.AGILE_BASE_URL)
            filter_id = str(raw["filter"]["id"])
            if not filter_id.isdigit():
                raise ValueError(f"filter id {filter_id!r} is not numeric")
            statuses = tuple(
                str(status["id"])
                for column in raw.get("columnConfig", {}).get("columns", [])
                for status in column.get("statuses", [])
            )
            if not all(s.isdigit() for s in statuses):
                raise ValueError("column status ids are not numeric")
            sub_query = (raw.get("subQuery") or {}).get("query") or None
            location = raw.get("location") or {}
            return BoardInfo(
                id=board.id,
                name=board.name,
                filter_id=filter_id,
                sub_query=str(sub_query) if sub_query else None,
                mapped_status_ids=statuses,
                project_key=location.get("key") or location.get("projectKey"),
            )

    def search(
        self,
        jql: str,
        acknowledge: Acknowledge | None = None,
        categories: StatusCategories | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> list[Ticket]:
        """Every issue matching `jql`, following nextPageToken to the last page.

        With `acknowledge`, each ticket also gets its first acknowledgement, read from the changelog
        and comments that come with the search results (fetched separately only when Jira cut them short).
        """
        tickets: list[Ticket] = []
        for page in self._pages(jql, cancelled):
            for raw in page:
                ticket = self.parse_ticket(raw)
                if ticket is not None and acknowledge is not None:
                    ticket = self._acknowledged(ticket, raw, acknowledge, categories or {})
                if ticket is not None:
                    tickets.append(ticket)
        return tickets

    def _acknowledged(
        self, ticket: Ticket, raw: Mapping[str, Any], acknowledge: Acknowledge, categories: StatusCategories
    ) -> Ticket:
        entries, history_cut = history.histories(raw.get("changelog"))
        notes, comments_cut = history.comments(mapping(raw.get("fields")).get("comment"))
        if history_cut:  # the embedded changelog is the newest 100: the earliest events are missing
            entries = self.changelog(ticket.key)
        first = acknowledge(history.events(entries, notes, categories))
        if comments_cut and (first is None or first.at > _last_comment_time(notes, first.at)):
            # The comments Jira left out come after the ones it sent: they matter only if they can
            # still be earlier than what was found.
            notes = self.comment_entries(ticket.key)
            first = acknowledge(history.events(entries, notes, categories))
        if first is None:
            return ticket
        return replace(ticket, acknowledged_at=first.at, acknowledged_by=first.describe())

    def changelog(self, key: str) -> list[Mapping[str, Any]]:
        """The oldest page of a ticket's full changelog (oldest first): enough for the acknowledgement,
        which wants the earliest events. The metrics read the whole changelog (`sources.jira.changelog`)."""
        client = self.client()
        with self.translate_errors(f"reading the history of {key}"):
            page = client._get_json(f"issue/{key}/changelog", params={"startAt": 0, "maxResults": 100})
        return [h for h in items(mapping(page).get("values")) if isinstance(h, Mapping)]

    def comment_entries(self, key: str) -> list[Mapping[str, Any]]:
        """A ticket's comments, oldest first (all pages, up to a bound no duty ticket reaches)."""
        client = self.client()
        entries: list[Mapping[str, Any]] = []
        for _ in range(20):
            with self.translate_errors(f"reading the comments of {key}"):
                page = client._get_json(
                    f"issue/{key}/comment",
                    params={"startAt": len(entries), "maxResults": 100, "orderBy": "created"},
                )
            found, more = history.comments(page)
            entries.extend(found)
            if not found or not more:
                break
        return entries

    def status_categories(self) -> dict[str, str]:
        """Status id → category key for every status on the site (to tell a move out of To Do)."""
        return {status_id: category for status_id, (_, category) in self.statuses().items()}

    def statuses(self) -> dict[str, tuple[str, str]]:
        """Status id → (current name, category key) for every status on the site."""
        client = self.client()
        with self.translate_errors("reading Jira's statuses"):
            statuses = client._get_json("status")
        return {
            text(status.get("id")): (
                text(status.get("name")),
                text(mapping(status.get("statusCategory")).get("key")),
            )
            for status in items(statuses)
            if isinstance(status, Mapping)
        }

    def search_pages(
        self, jql: str, fields: Sequence[str], cancelled: Callable[[], bool] = lambda: False
    ) -> Iterator[list[Any]]:
        """The raw issues matching `jql` with these fields and their embedded changelog, a page at a time
        (following nextPageToken to the last page)."""
        return self._pages(jql, cancelled, fields)

    def matching_ids(self, jql: str, cancelled: Callable[[], bool] = lambda: False) -> set[str]:
        """The ids of the issues matching `jql`: an id-only search (no fields, no changelog)."""
        return {
            text(raw.get("id"))
            for page in self._pages(jql, cancelled, fields=(), expand=None)
            for raw in page
            if isinstance(raw, Mapping)
        }

    def issue_count(self, jql: str) -> int:
        """Jira's approximate count of the issues matching `jql` (for progress, never for logic)."""
        client = self.client()
        with self.translate_errors("counting Jira issues"):
            count = client.approximate_issue_count(jql)
        return count if isinstance(count, int) else 0

    def _pages(
        self,
        jql: str,
        cancelled: Callable[[], bool],
        fields: Sequence[str] = TICKET_FIELDS,
        expand: str | None = "changelog",
    ) -> Iterator[list[Any]]:
        client = self.client()
        token: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            if cancelled():
                raise PollCancelled
            with self.translate_errors("searching Jira"):
                response = client.enhanced_search_issues(
                    jql,
                    nextPageToken=token,
                    maxResults=PAGE_SIZE,
                    fields=list(fields),
                    expand=expand,
                    json_result=True,
                )
                if not isinstance(response, dict) or not isinstance(response.get("issues"), list):
                    raise ValueError("the search response has no issues list")
            yield response["issues"]
            token = response.get("nextPageToken") or None
            if token is None:
                return
            if token in seen:
                raise SourceError("Jira returned the same page token twice; the search was stopped.")
            seen.add(token)
        raise SourceError(
            f"Jira returned more than {MAX_PAGES} pages for one search; the search was stopped."
        )

    def parse_ticket(self, raw: Any) -> Ticket | None:
        """One search result → Ticket; None for an entry duty-tui cannot read."""
        if (
            not isinstance(raw, Mapping)
            or not isinstance(raw.get("key"), str)
            or not ISSUE_KEY.fullmatch(raw["key"])
        ):
            return None
        try:
            return self._ticket(raw)
        except (ValueError, TypeError, KeyError):  # one unreadable issue must not hide the others
            return None

    def _ticket(self, raw: Mapping[str, Any]) -> Ticket:
        fields = raw.get("fields")
        fields = fields if isinstance(fields, Mapping) else {}
        status = mapping(fields.get("status"))
        assignee = mapping(fields.get("assignee"))
        key = raw["key"]
        created = _timestamp(fields.get("created"))
        return Ticket(
            key=key,
            id=text(raw.get("id")),
            summary=text(fields.get("summary")),
            status=text(status.get("name")),
            status_id=text(status.get("id")),
            status_category=text(mapping(status.get("statusCategory")).get("key")) or "undefined",
            priority=text(mapping(fields.get("priority")).get("name")),
            issue_type=text(mapping(fields.get("issuetype")).get("name")),
            created=created,
            updated=_timestamp(fields.get("updated")) if fields.get("updated") else created,
            reporter=text(mapping(fields.get("reporter")).get("displayName")),
            assignee_id=text(assignee["accountId"]) if assignee.get("accountId") else None,
            assignee=text(assignee.get("displayName")) or None,
            components=tuple(text(mapping(c).get("name")) for c in items(fields.get("components"))),
            labels=tuple(text(label) for label in items(fields.get("labels"))),
            url=self.browse_url(key),
        )

    # -- errors ---------------------------------------------------------------------------------

    def translate_errors(self, doing: str) -> TranslateErrors:
        return TranslateErrors(self.config.url, doing, self.secrets())


def _last_comment_time(notes: list[Mapping[str, Any]], default: datetime) -> datetime:
    times = [m for note in notes if (m := history.moment(note.get("created"))) is not None]
    return max(times, default=default - timedelta(seconds=1))


def _timestamp(value: Any) -> datetime:
    """Jira's "2025-01-17T12:34:00.000+0000"; a missing or bad value raises (caught as malformed)."""
    if not isinstance(value, str):
        raise ValueError("missing timestamp")
    return datetime.fromisoformat(value)
