"""SNS: a topic keeps only its latest published messages, not all of them.

What moto does: every Publish appends (message id, message, subject, attributes, group id) to the
topic's `sent_notifications`, a list that is never emptied (moto's documentation offers it as an
internal API for tests to check what was published). Every event the pipeline publishes stays in the
emulator's memory for as long as it runs: about eight per order, each with its whole body.

What AWS does: SNS keeps no message once it is delivered; there is no API to read a topic's past
messages.

This fix keeps the latest MOTO_SNS_KEPT_NOTIFICATIONS (default 100) per topic, oldest dropped first,
so that the internal API still shows what was published last, and the memory is flat.

Register: call apply() once after moto's SNS models are imported, before the server starts.
"""

from bounded import keep_latest
from moto.sns.models import Topic


def apply():
    """Every topic created from now on keeps its latest MOTO_SNS_KEPT_NOTIFICATIONS published messages."""
    keep_latest(Topic, "sent_notifications", "MOTO_SNS_KEPT_NOTIFICATIONS", 100)
