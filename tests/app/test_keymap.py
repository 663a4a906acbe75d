"""Every key binding in the UI is registered in keymap.py with its real keys, so it is documented,
shown in help and remappable by id."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.binding import Binding

import duty_tui.views
import duty_tui.widgets
from duty_tui.keymap import KEYS, KEYS_BY_ID


def ui_bindings() -> dict[str, tuple[str, str]]:
    modules = ["duty_tui.app"] + [
        f"{package.__name__}.{m.name}"
        for package in (duty_tui.widgets, duty_tui.views)
        for m in pkgutil.iter_modules(package.__path__)
    ]
    found: dict[str, tuple[str, str]] = {}
    for name in modules:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != name:
                continue
            for binding in cls.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding):
                    assert binding.id, (
                        f"{cls.__name__} binds {binding.key} without an id: it cannot be remapped"
                    )
                    found[binding.id] = (binding.key, cls.__name__)
    return found


def test_every_binding_is_registered_with_its_keys() -> None:
    bindings = ui_bindings()
    assert len(bindings) > 40
    for binding_id, (keys, owner) in bindings.items():
        assert binding_id in KEYS_BY_ID, f"{owner}: {binding_id} is not in keymap.KEYS"
        assert KEYS_BY_ID[binding_id].keys == keys, f"{owner}: {binding_id} binds {keys}"


def test_every_registered_key_is_bound_somewhere() -> None:
    assert {spec.id for spec in KEYS} == set(ui_bindings())
