"""The keys every searchable picker shares (assign, react, incident lead): move, page, pick, click, cancel.

A picker screen lists `shown` in its `options` OptionList and mixes this in before `Dialog`; it
says what picking a shown item dismisses with by overriding `picked` (the item itself by default).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from textual.widgets import OptionList


class OptionPicker:
    options: OptionList
    shown: Sequence[Any]

    if TYPE_CHECKING:  # provided by the screen this is mixed into

        def dismiss(self, result: Any = None) -> Any: ...

    def picked(self, item: Any) -> Any:
        return item

    def highlighted_item(self) -> Any | None:
        index = self.options.highlighted
        return self.shown[index] if index is not None and index < len(self.shown) else None

    def action_cursor(self, step: int) -> None:
        if step > 0:
            self.options.action_cursor_down()
        else:
            self.options.action_cursor_up()

    def action_page(self, step: int) -> None:
        if step > 0:
            self.options.action_page_down()  # type: ignore[no-untyped-call]
        else:
            self.options.action_page_up()  # type: ignore[no-untyped-call]

    def action_pick(self) -> None:
        item = self.highlighted_item()
        if item is not None:
            self.dismiss(self.picked(item))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # a mouse click on a row
        if event.option_index < len(self.shown):
            self.dismiss(self.picked(self.shown[event.option_index]))

    def action_cancel(self) -> None:
        self.dismiss(None)
