"""The terminal watch: when the terminal a dashboard started on goes away, it is told to hang up."""

from __future__ import annotations

import os
import threading

from duty_tui.hangup import watch_terminal


def test_a_closed_terminal_hangs_the_process_up_and_an_open_one_does_not() -> None:
    master, slave = os.openpty()
    hung = threading.Event()
    stop = watch_terminal(every=0.02, fds=[slave], hang_up=hung.set)
    assert stop is not None
    try:
        assert not hung.wait(0.2)  # the terminal is there: nothing happens
        os.close(master)  # the terminal window closes
        assert hung.wait(5.0)
    finally:
        stop.set()
        os.close(slave)


def test_no_terminal_means_no_watch() -> None:
    assert watch_terminal(fds=[]) is None
