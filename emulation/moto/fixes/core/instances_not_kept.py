"""moto's models: an object moto no longer uses is freed, not kept in a list of every one ever made.

What moto does: every model object it makes (BaseModel: each DynamoDB item and each new version of
it, each SQS message, each stream record, each email) is appended, as it is made, to its class's
`instances_tracked` list, for its dashboard's GET /moto-api/data.json; only POST /moto-api/reset
empties it. Nothing else is ever freed: measured on the soak, about 28 DynamoDB items (each version
of each write), 18 SQS messages and 6 stream records per order stay in memory for as long as moto
runs, deleted messages and trimmed records included: the emulator's memory grew by about 150 KB per
order, whatever the tables, queues and streams still held.

What AWS does: a deleted message, an overwritten item version, a record past the stream's retention
are gone.

This fix: each model class keeps its instances in a weak set instead: the dashboard still lists the
live objects, and an object nothing else holds is freed. A class whose objects cannot be weakly
referenced is not tracked (none of moto's does so today).

Register: call apply() once after moto is imported, before the server starts.
"""

import weakref

from moto.core.common_models import BaseModel


def apply():
    def tracked_weakly(cls, *args, **kwargs):
        instance = object.__new__(cls)
        tracked = cls.__dict__.get("instances_tracked")
        if not isinstance(tracked, weakref.WeakSet):
            tracked = weakref.WeakSet()  # the class's list (or reset_model_data's new one), weakly from now on
            setattr(cls, "instances_tracked", tracked)
        try:
            tracked.add(instance)
        except TypeError:
            pass  # not weakly referenceable: not tracked
        return instance

    BaseModel.__new__ = tracked_weakly
