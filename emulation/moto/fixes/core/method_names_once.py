"""A response class's method names, listed once per class.

What moto does: every request lists its response class's members (inspect.getmembers, about 300 of them) to see
whether the action names a method: about a tenth of a small request's CPU.

What AWS does: nothing to match; here the emulator's CPU is shared with the functions it serves.

This fix: the list is kept by class (a class's methods do not change while the server runs).
"""

import functools

import moto.core.responses as moto_responses


def apply():
    moto_responses.method_names_from_class = functools.cache(moto_responses.method_names_from_class)
