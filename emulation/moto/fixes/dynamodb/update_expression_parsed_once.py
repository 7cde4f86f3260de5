"""An UpdateExpression parsed once per text, not twice per UpdateItem.

What moto does: an UpdateItem parses its UpdateExpression twice (once to validate, once to apply), and a
function sends the same few expressions over and over.

What AWS does: nothing to match (the parse is DynamoDB's own cost); here the emulator's CPU is shared with the
functions it serves, so work repeated for the same answer slows everything else.

This fix: the parsed tree is kept by expression text (at most 1,024 of them). The tree is only read:
the validator that fills in the values works on a deep copy of it, so a kept parse never keeps the
values it was applied with.
"""

import functools

from moto.dynamodb.parsing.expressions import UpdateExpressionParser


def apply():
    UpdateExpressionParser.make = classmethod(functools.lru_cache(maxsize=1024)(UpdateExpressionParser.make.__func__))
