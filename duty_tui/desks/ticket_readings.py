"""Which reading of a ticket the pane may show: never one older than the reading it shows.

The ticket pane is painted from readings made on three threads: a Jira poll (the tickets it changed,
read inside its transaction), the outbox writer (the ticket a delivery changed, read after it) and a
keypress (the row's ticket with the engineer's new writes, before the store has them). Their messages
can reach the UI thread in another order than the readings were made: a poll that read a ticket while
its writes still waited, posted after the outbox had delivered them and said so, put "⟳" back on the
row until the next poll (and an older reading could hide a newer one the same way).

Each store reading carries the store's version (`Database.version`): a reading with a higher version
saw every commit the lower one saw, so a reading older than the row's is simply dropped. A reading
made before a keypress's writes were stored knows nothing of them, and the row shows them: it is
dropped too, and the desk reads the ticket again once the store has answered for the writes (stored
or refused), so what else the reading said (another engineer's comment) is not lost. A reread is
only asked for once the keypress has settled, so readings and rereads cannot chase each other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from duty_tui.models import Ticket

UNREAD = -1  # the version of a row no dated reading has touched yet (the cache's, at start)
GONE_KEPT = 1000  # tickets taken off the pane whose last reading is remembered (the newest)


@dataclass(frozen=True, slots=True)
class Admitted:
    """What of one reading the pane should show, and which tickets to read again."""

    changed: tuple[Ticket, ...]
    removed: tuple[str, ...]
    again: tuple[str, ...]  # read again now: made before the engineer's writes on them were stored


class TicketReadings:
    def __init__(self) -> None:
        self._shown: dict[str, int] = {}  # key → version of the reading its row shows, or took it off
        self._unstored: Counter[str] = Counter()  # key → keypresses shown before the store has them
        self._stored_at: dict[str, int] = {}  # key → version the row's last keypress was stored at
        self._gone: dict[str, None] = {}  # keys taken off the pane, oldest first (kept: `GONE_KEPT`)
        self._after_store: set[str] = set()  # keys whose reading was dropped while a keypress was unstored

    # -- keypresses -------------------------------------------------------------------------------

    def keypress(self, key: str) -> None:
        """The row shows writes the store does not have yet."""
        self._unstored[key] += 1

    def stored(self, key: str, version: int) -> bool:
        """The store has a keypress's writes, as of `version` (or later: a version read after the
        commit only sends a reading that had them to be read again). True: read the ticket again."""
        self._stored_at[key] = max(self._stored_at.get(key, UNREAD), version)
        return self._settled(key)

    def not_stored(self, key: str) -> bool:
        """The store refused a keypress's writes: the row is back to the reading it showed before.
        True: read the ticket again."""
        return self._settled(key)

    def _settled(self, key: str) -> bool:
        """One keypress less in flight; whether a reading dropped meanwhile should be made again now."""
        self._unstored[key] -= 1
        if self._unstored[key] > 0:
            return False
        del self._unstored[key]
        if key in self._after_store:
            self._after_store.discard(key)
            return True
        return False

    # -- readings ---------------------------------------------------------------------------------

    def admit(self, changed: Iterable[Ticket], removed: Iterable[str], version: int) -> Admitted:
        """What of a reading made at `version` may replace what the rows show (remembered as shown)."""
        shown: list[Ticket] = []
        gone: list[str] = []
        again: list[str] = []
        for ticket in changed:
            if self._take(ticket.key, version, again):
                shown.append(ticket)
        for key in removed:
            if self._take(key, version, again):
                gone.append(key)
                self._gone[key] = None
        if len(self._gone) > GONE_KEPT:  # a reading older than the oldest of these is long delivered
            for key in list(self._gone)[: len(self._gone) - GONE_KEPT]:
                del self._gone[key]
                del self._shown[key]
                self._stored_at.pop(key, None)
        return Admitted(tuple(shown), tuple(gone), tuple(again))

    def _take(self, key: str, version: int, again: list[str]) -> bool:
        if version < self._shown.get(key, UNREAD):
            return False  # the row shows a newer reading, which saw everything this one saw
        if self._unstored[key]:
            self._after_store.add(key)  # newer than the row's maybe, but without the engineer's writes
            return False
        if version < self._stored_at.get(key, UNREAD):
            again.append(key)  # the same, and the writes are stored: a reading now has them
            return False
        self._shown[key] = version
        self._stored_at.pop(key, None)
        self._gone.pop(key, None)  # back on the pane, or taken off again (and last, below)
        return True

    def __len__(self) -> int:
        """How many tickets are remembered: those on the pane, and at most `GONE_KEPT` others."""
        return len(self._shown)
