"""Where a new ticket can go: the watched boards whose Jira project the store has learnt (at the first
Jira sync). Read on a worker thread; used by the channel desk (`n`) and the incident desk (an
improvement's ticket)."""

from __future__ import annotations

from duty_tui.rules.channel_actions import Board
from duty_tui.runtime import Runtime


def watched_boards(runtime: Runtime) -> list[Board]:
    boards = []
    for board in runtime.config.jira.boards:
        info = runtime.store.tickets.board_info(board.id)
        if info is not None and info.project_key:
            boards.append(Board(board.id, board.name, info.project_key, board.component))
    return boards
