"""RedrivePolicy is returned as compact JSON.

What moto does: 5.2.1 returns it as json.dumps() output, with Python's spaces.

What AWS does: SQS returns compact JSON. The AWS provider's queue schema compares the text, so every plan
against moto showed a diff on redrive_policy.

This fix: GetQueueAttributes writes the stored policy compact.
"""

import json

from moto.sqs.models import Queue


def apply():
    attributes = Queue.attributes.fget

    def attributes_with_compact_redrive(self):
        result = attributes(self)
        if self.redrive_policy:
            result["RedrivePolicy"] = json.dumps(self.redrive_policy, separators=(",", ":"))
        return result

    Queue.attributes = property(attributes_with_compact_redrive)
