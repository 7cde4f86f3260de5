"""RedriveAllowPolicy is stored and returned (by name and under All), as compact JSON; "" removes it.

What moto does: 5.2.1 stores a queue's RedriveAllowPolicy but never returns it, and GetQueueAttributes even
refuses the name. The AWS provider's propagation waiter never sees the value it set and waits until
it times out.

What AWS does: GetQueueAttributes returns it as compact JSON, whatever spacing it was given; SetQueueAttributes
refuses a value that is not a policy (InvalidParameterValue) and removes it when given "".

This fix: the value is checked and kept as compact JSON beside moto's own attributes, and
GetQueueAttributes accepts and returns the name; a queue created without one has none.
"""

import functools
import json

from moto.sqs.exceptions import InvalidParameterValue
from moto.sqs.models import Queue


def _redrive_allow_policy(value):
    """The stored form of a RedriveAllowPolicy value: compact JSON, or None to remove it ("")."""
    if value is None or value == "":
        return None
    try:
        policy = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        raise InvalidParameterValue(f"Value {value} for parameter RedriveAllowPolicy is invalid. Reason: Invalid JSON.")
    if not isinstance(policy, dict) or policy.get("redrivePermission") not in ("allowAll", "denyAll", "byQueue"):
        raise InvalidParameterValue(f"Value {value} for parameter RedriveAllowPolicy is invalid. Reason: redrivePermission must be allowAll, denyAll or byQueue.")
    if policy["redrivePermission"] == "byQueue" and not policy.get("sourceQueueArns"):
        raise InvalidParameterValue(f"Value {value} for parameter RedriveAllowPolicy is invalid. Reason: byQueue needs sourceQueueArns.")
    return json.dumps(policy, separators=(",", ":"))


def apply():
    set_attributes = Queue._set_attributes

    @functools.wraps(set_attributes)
    def set_attributes_with_allow(self, attributes, now=None):
        allow = _redrive_allow_policy(attributes["RedriveAllowPolicy"]) if "RedriveAllowPolicy" in attributes else self.redrive_allow_policy
        set_attributes(self, attributes, now)
        self.redrive_allow_policy = allow

    Queue.BASE_ATTRIBUTES = [*Queue.BASE_ATTRIBUTES, "RedriveAllowPolicy"]  # GetQueueAttributes accepts and returns it
    Queue.redrive_allow_policy = None  # a queue created without one has none
    Queue._set_attributes = set_attributes_with_allow
