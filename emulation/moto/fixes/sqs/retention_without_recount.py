"""ReceiveMessage checks a message's retention without recounting the queue.

What moto does: ReceiveMessage checks each message it hands out against the queue's retention period by asking
for the queue's attributes, which computes all of them, the approximate counts included (a pass over
every message of the queue for each): receiving 10 messages from a queue of 2,000 took 1.6 s of CPU
(23 ms from a queue of 20).

What AWS does: a receive costs the same whatever the queue's depth.

This fix: the period is read from the queue itself.
"""

from moto.core.utils import unix_time
from moto.sqs.models import SQSBackend


def apply():
    def retained(self, queue_name, message):
        retention = int(self.get_queue(queue_name).message_retention_period)
        return retention + message.sent_timestamp / 1000 > unix_time()

    SQSBackend.is_message_valid_based_on_retention_period = retained
