"""moto_server, with moto's DynamoDB made safe for concurrent requests.

moto_server answers each request on its own thread, and its DynamoDB backend is not thread-safe.
TransactWriteItems snapshots every table it touches and, when one of its conditions fails,
rolls back by putting the whole snapshots back: a write another thread committed in between is
undone. Under concurrent orders that lost stock decrements, and the pipeline confirmed more
orders than there were units (real DynamoDB isolates transactions; our code relies on it). The
snapshot itself can also fail ("dictionary changed size during iteration") while another thread
writes.

This launcher serialises the DynamoDB backend's item reads and writes with one lock, then runs
moto_server unchanged. SQS long polls and every other service stay concurrent.

It also stops moto from delivering DynamoDB stream records itself. moto invokes the function of
every stream event source mapping of a table on each write, enabled or not (AWS never invokes a
disabled one); without Docker that invocation fails with a truthy error text, which moto takes
for success and clears the shard: GetRecords then finds nothing, and the next sequence numbers
repeat old ones. The local runtime reads the stream with GetShardIterator/GetRecords and applies
the mapping's settings instead, as it does for SQS.

It also answers LocalStack's `GET /_aws/ses`: the emails SES accepted ({"messages": [{Id, Region,
Source, Destination, Subject, Body, Timestamp}]}), oldest first, so that the local console (and
any script written against LocalStack) can show what was sent. moto keeps them; it has no API for them.

    python3 local/moto_server.py -H 127.0.0.1 -p 4566      (the same arguments as moto_server)
"""

import datetime
import functools
import json
import sys
import threading

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import StreamRecord, StreamShard
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.server import main
from moto.ses.models import SESBackend, ses_backends

_lock = threading.RLock()  # re-entrant: a transaction calls get_item, put_item and update_item


def _serialised(method):
    @functools.wraps(method)
    def locked(*args, **kwargs):
        with _lock:
            return method(*args, **kwargs)

    return locked


for _name in ("get_item", "batch_get_item", "query", "scan", "put_item", "update_item", "delete_item", "batch_write_item", "transact_write_items"):
    setattr(DynamoDBBackend, _name, _serialised(getattr(DynamoDBBackend, _name)))



def _append_only(shard, old, new):
    """StreamShard.add without moto's own Lambda delivery: the record is kept for GetRecords."""
    event_name = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
    sequence_number = len(shard.items) + shard.starting_sequence_number
    shard.items.append(StreamRecord(shard.table, shard.table.stream_specification["StreamViewType"], event_name, old, new, sequence_number))


StreamShard.add = _append_only


_send_email = SESBackend.send_email


def _stamped_send_email(self, *args, **kwargs):
    message = _send_email(self, *args, **kwargs)
    message.timestamp = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return message


SESBackend.send_email = _stamped_send_email


def _sent_emails():
    messages = []
    for account_id, regions in ses_backends.items():
        for region, backend in regions.items():
            for message in backend.sent_messages:
                if not hasattr(message, "subject"):
                    continue  # raw and templated messages: not sent by this project
                messages.append({
                    "Id": message.id,
                    "Region": region,
                    "Source": message.source,
                    "Destination": message.destinations,
                    "Subject": message.subject,
                    "Body": {"text_part": message.body, "html_part": None},
                    "Timestamp": getattr(message, "timestamp", None),
                })
    return sorted(messages, key=lambda m: m["Timestamp"] or "")


_dispatch = DomainDispatcherApplication.__call__


def _with_sent_emails(self, environ, start_response):
    if environ.get("PATH_INFO") == "/_aws/ses" and environ.get("REQUEST_METHOD") == "GET":
        body = json.dumps({"messages": _sent_emails()}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    return _dispatch(self, environ, start_response)


DomainDispatcherApplication.__call__ = _with_sent_emails

if __name__ == "__main__":
    sys.exit(main())
