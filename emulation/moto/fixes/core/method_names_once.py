"""A response class's method names, listed once per class.

moto: every request lists its response class's members (inspect.getmembers, about 300 of them) to see
whether the action names a method: about a tenth of a small request's CPU.

AWS: nothing to match; here the emulator's CPU is shared with the functions it serves.

The fix: the list is kept by class (a class's methods do not change while the server runs).
"""

import functools

import moto.core.responses as moto_responses


def apply():
    moto_responses.method_names_from_class = functools.cache(moto_responses.method_names_from_class)
