"""SetQueueAttributes without Policy keeps the queue's policy.

What moto does: 5.2.1 sets the policy to whatever a SetQueueAttributes call carries, None when it carries
none: a call that changes only VisibilityTimeout clears the queue's policy.

What AWS does: SetQueueAttributes changes only the attributes it names.

This fix: a call that does not name Policy carries the queue's current one.
"""

import functools

from moto.sqs.models import Queue


def apply():
    set_attributes = Queue._set_attributes

    @functools.wraps(set_attributes)
    def set_attributes_keeping_policy(self, attributes, now=None):
        if "Policy" not in attributes:
            attributes = {**attributes, "Policy": self.policy}
        return set_attributes(self, attributes, now)

    Queue._set_attributes = set_attributes_keeping_policy
