"""The one helper that turns `keymap` declarations into Textual `Binding`s, by id.

Every widget, screen and the app declare `BINDINGS = bindings("id", …)`: the keys, action, footer
label and flags come from `duty_tui.keymap`, so they are written once and every binding has the id
that `[keys]` in the config remaps it by.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from duty_tui.keymap import KEYS_BY_ID


def bindings(*binding_ids: str) -> list[BindingType]:
    """The bindings with these ids, in this order, as `keymap.KEYS` declares them."""
    found: list[BindingType] = []
    for binding_id in binding_ids:
        spec = KEYS_BY_ID[binding_id]
        found.append(
            Binding(
                spec.keys,
                spec.action,
                spec.label,
                show=spec.show,
                priority=spec.priority,
                id=spec.id,
            )
        )
    return found
