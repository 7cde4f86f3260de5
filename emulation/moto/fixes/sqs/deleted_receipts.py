"""SQS: a deleted message's receipt handles are forgotten once their visibility timeout is over.

What moto does: every DeleteMessage adds every receipt handle the message ever had to the queue's
`deleted_messages`, a set that is never emptied, so that deleting the same message again succeeds.
It is the emulator's one per-message memory that outlives the message: a queue that has carried a
million messages holds a million or more handles (each about 170 bytes of text) for ever, and the
emulator's memory grows with every order, whatever the queue holds now.

What AWS does: it keeps nothing of a deleted message. A receipt handle is good for deleting or
changing the visibility of the message it came with while that receive's visibility timeout runs;
deleting the same message twice within it succeeds.

This fix keeps each deleted handle until the queue's visibility timeout (at most 12 hours, SQS's
maximum) has passed since its deletion — long enough for any retry of the delete by the receiver
that held it (a lost response, a runtime's second try) — and forgets it after, as AWS does. Deleting
again after that is answered as moto answers an unknown handle (ReceiptHandleIsInvalid). The memory
held is the handles deleted within one visibility timeout: flat under a steady load.

Register: call apply() once after moto's SQS models are imported, before the server starts.
"""

import collections
import time

from moto.sqs.models import Queue

_MAX_SECONDS = 12 * 60 * 60  # SQS's longest visibility timeout


class ExpiringHandles:
    """A set of receipt handles, each forgotten `ttl()` seconds after it was added (oldest first)."""

    def __init__(self, ttl, now=time.monotonic):
        self._ttl = ttl
        self._now = now
        self._expiry = collections.OrderedDict()  # handle -> when it is forgotten; added in time order

    def _prune(self):
        now = self._now()
        while self._expiry:
            handle, expires = next(iter(self._expiry.items()))
            if expires > now:
                break
            self._expiry.popitem(last=False)

    def __contains__(self, handle):
        expires = self._expiry.get(handle)
        return expires is not None and expires > self._now()

    def add(self, handle):
        self._prune()
        self._expiry.pop(handle, None)  # re-added: moves to the end with its new expiry
        self._expiry[handle] = self._now() + min(max(float(self._ttl()), 0.0), _MAX_SECONDS)

    def update(self, handles):
        for handle in handles:
            self.add(handle)

    def discard(self, handle):
        self._expiry.pop(handle, None)

    def __len__(self):
        self._prune()
        return len(self._expiry)

    def __iter__(self):
        self._prune()
        return iter(list(self._expiry))


def apply():
    """Every queue created from now on forgets its deleted handles after its visibility timeout."""
    original_init = Queue.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.deleted_messages = ExpiringHandles(lambda: self.visibility_timeout)

    Queue.__init__ = init
