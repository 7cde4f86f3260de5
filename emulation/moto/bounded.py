"""What the memory-bound fixes share: an attribute moto appends to for ever, kept latest-first only."""

import collections
import os


def keep_latest(cls, attribute, variable, default):
    """Every `cls` made from now on keeps only the latest N entries of its `attribute` list (N: the
    environment `variable`, else `default`), the oldest dropped first."""
    kept = max(0, int(os.environ.get(variable, str(default))))
    original_init = cls.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        setattr(self, attribute, collections.deque(getattr(self, attribute), maxlen=kept))

    cls.__init__ = init
