"""DynamoDB's and DynamoDB Streams' answers written as JSON directly.

What moto does: it serialises every answer by walking the operation's output shape value by value, which costs
about 25 ms for one stream record of an order (a map of lists of maps): GetRecords, Query and an
UpdateItem with ReturnValues were most of the emulator's CPU per order in the benchmark (reading an
order's item cost several times reading one number of it).

What AWS does: an answer's cost grows with its size, not with the depth of its values.

This fix: DynamoDB's answers are JSON already shaped as the wire wants them (attribute values as
{"S": …}); only bytes (base64), datetimes (epoch seconds, to the millisecond, as moto's serialiser
writes them) and absent members need care. Errors, and operations not listed, still go through
moto's serialiser.
"""

import base64
import calendar
import datetime
import json

from moto.core.responses import ActionResult, BaseResponse
from moto.dynamodb.responses import DynamoResult

_DIRECT_JSON = {
    "dynamodb": {"GetItem", "BatchGetItem", "Query", "PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"},
    "dynamodbstreams": {"GetRecords", "GetShardIterator"},
}


def _wire(value):
    if isinstance(value, dict):
        return {key: _wire(item) for key, item in value.items() if item is not None}
    if isinstance(value, (list, tuple)):
        return [_wire(item) for item in value]
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime.datetime):
        return calendar.timegm(value.timetuple()) + (value.microsecond // 1000) / 1000.0
    return value


def apply():
    serialized = BaseResponse.serialized

    def serialized_directly(self, action_result):
        operations = _DIRECT_JSON.get(self.service_name)
        result = action_result.result
        if operations is None or type(action_result) not in (ActionResult, DynamoResult) or not isinstance(result, dict) or self._get_action() not in operations:
            return serialized(self, action_result)
        headers = {"Content-Type": "application/x-amz-json-1.0", **self.response_headers}
        return 200, headers, json.dumps(_wire(result), separators=(",", ":"))

    BaseResponse.serialized = serialized_directly
