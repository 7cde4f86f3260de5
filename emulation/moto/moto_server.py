"""moto_server, with moto's DynamoDB made safe for concurrent requests and its SQS answering as AWS does.

DynamoDB. moto_server answers each request on its own thread, and its DynamoDB backend is not
thread-safe. TransactWriteItems snapshots every table it touches and, when one of its conditions
fails, rolls back by putting the whole snapshots back: a write another thread committed in between
is undone. Under concurrent orders that lost stock decrements, and the pipeline confirmed more
orders than there were units (real DynamoDB isolates transactions; our code relies on it). The
snapshot itself can also fail ("dictionary changed size during iteration") while another thread
writes. This launcher serialises the DynamoDB backend's item reads and writes with one lock. SQS
long polls and every other service stay concurrent.

The whole-table snapshot has two more costs. It deep-copies every table a transaction touches,
stream records included, so each transaction costs more than the last (after a few hundred orders
a POST took seconds). And a rollback puts the *copy* in the table's place, with a copy of its stream
shard: every shard iterator handed out before follows the old shard, which gets no new records, so
a stream reader silently stops after the first cancelled transaction. This launcher snapshots only
the items a transaction names, and on a rollback puts those items back in the same table and drops
the stream records the transaction appended (AWS emits none for a cancelled transaction).

Two costs AWS does not charge: moto answers a Query on a table by sorting every item of the table
(this launcher has it read the key's partition only), and serialises every answer by walking the
operation's output shape value by value (this launcher writes DynamoDB's and its streams' answers as
JSON directly). Together they were half of the emulator's CPU per order in the benchmark.
And it does once what moto redoes per request with the same result: listing the response class's
methods (a tenth of a small request's CPU) and parsing a function's UpdateExpression (twice per
UpdateItem); an UpdateItem of an order costs about a fifth less.

DynamoDB Streams. The launcher stops moto from delivering stream records itself: moto invokes the function of
every stream event source mapping of a table on each write, enabled or not (AWS never invokes a
disabled one); without Docker that invocation fails with a truthy error text, which moto takes
for success and clears the shard: GetRecords then finds nothing, and the next sequence numbers
repeat old ones. The local runtime reads the stream with GetShardIterator/GetRecords and applies
the mapping's settings instead, as it does for SQS. Between reads that found nothing, the runtime may wait on
POST /_aws/dynamodbstreams/wait for the next record (no AWS API) instead of sleeping its quarter-second.

It also answers LocalStack's `GET /_aws/ses`: the emails SES accepted ({"messages": [{Id, Region,
Source, Destination, Subject, Body, Timestamp}]}), oldest first, so that the local console (and
any script written against LocalStack) can show what was sent. moto keeps them; it has no API for them.

Output. moto_server logs every request on the request's own thread, before it sends the answer
(werkzeug's log_request, in send_response), through one stream handler with one lock. When nobody
reads the emulator's output for a while (the process that started it is busy: `spawnSync` of a
Terraform run in a test, a paused terminal), the pipe fills, the thread holding the handler's lock
blocks in write(), and every other request waits for that lock, its answer unsent: the emulator
stops answering until the reader comes back, and forever if it never does. This launcher hands the
log lines to one writer thread through a queue, so a request never waits for its log line.

SQS delivery. The launcher also stops moto from delivering SQS messages itself: on every SendMessage
(and every SNS delivery to the queue) moto receives up to BatchSize messages for each *enabled*
event source mapping of the queue, fails to reach Docker, and makes them visible again, so that
their receive counts climb and they reach the DLQ with no handler ever run. A mapping is still
created, listed and kept with its settings, and the local runtime polls the queue as Lambda does:
a stack deployed as on AWS (mappings enabled: `make rehearse` applies infra/envs/aws) runs here too.

SQS. ReceiveMessage recounts the whole queue for every message it hands out, and SendMessage for every
message it takes (each to read one attribute): this launcher has both read that attribute alone. And moto 5.2.1 differs from AWS in three ways
that the AWS provider trips over:
- RedriveAllowPolicy is stored but never returned (GetQueueAttributes even refuses the name), so the
  provider's propagation waiter never sees it and waits until it times out;
- RedrivePolicy comes back as json.dumps() output, with Python's spaces; AWS returns compact JSON,
  and the provider's queue schema compares the text, so every plan showed a diff;
- SetQueueAttributes without Policy clears the queue's policy; AWS changes only the attributes named.

Profiling: MOTO_PROFILE=<file> samples where the emulator's CPU goes (collapsed stacks in <file>, each
request's own CPU by service and operation in <file>.calls.json); bench/README.md says how to read them.

    python3 emulation/moto/moto_server.py -H 127.0.0.1 -p 4566      (the same arguments as moto_server)
    python3 emulation/moto/moto_server.py --check-version          (exit 0 when moto is the pinned version)

Version. The patches below reach into moto's internals and were tested with one version of moto,
the one emulation/moto/requirements.txt pins; the launcher refuses any other before it imports them.
"""

import base64
import calendar
import copy
import datetime
import functools
import json
import logging
import logging.handlers
import os
import queue
import sys
import threading


def _pinned_moto():
    """The version emulation/moto/requirements.txt pins (its `moto[server]==X` line)."""
    import re

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "requirements.txt")
    with open(path, encoding="utf-8") as requirements:
        for line in requirements:
            match = re.match(r"\s*moto\[server\]==([^\s#;]+)", line)
            if match:
                return match.group(1)
    raise SystemExit(f"{path} pins no moto[server]==<version>")


def _check_moto_version():
    """Exits (status 1) unless moto is the pinned version with its server extra, saying how to get it."""
    pinned = _pinned_moto()
    how = (
        f"`make install` puts it in the project's .venv (or: {sys.executable} -m pip install -r emulation/moto/requirements.txt"
        " in a virtual environment; PYTHON=<interpreter> chooses the Python that runs it)"
    )
    try:
        import moto
    except ImportError:
        raise SystemExit(f"moto_server.py needs moto {pinned} (moto[server]=={pinned}); {sys.executable} has no moto: {how}")
    if moto.__version__ != pinned:
        raise SystemExit(
            f"moto_server.py needs moto {pinned} (moto[server]=={pinned}), the version its patches are tested with;"
            f" {sys.executable} has moto {moto.__version__}: {how}"
        )
    try:
        import moto.server  # noqa: F401  (the server extra: flask, werkzeug)
    except ImportError as missing:
        raise SystemExit(f"moto {pinned} is installed without its server extra ({missing}): {how}")


if __name__ == "__main__":
    _check_moto_version()
    if sys.argv[1:] == ["--check-version"]:
        print(f"moto {_pinned_moto()} ({sys.executable})")
        sys.exit(0)

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import StreamRecord, StreamShard, Table
from moto.dynamodb.responses import DynamoResult
import moto.core.responses as moto_responses
from moto.core.responses import ActionResult, BaseResponse
from moto.dynamodb.parsing.ast_nodes import DepthFirstTraverser
from moto.dynamodb.parsing.expressions import UpdateExpressionParser
from moto import backends
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.server import main
from moto.ses.models import SESBackend, ses_backends
from moto.sqs.exceptions import InvalidParameterValue
from moto.sqs.models import Queue, SQSBackend, sqs_backends
from moto.awslambda.models import LambdaBackend
from moto.core.utils import unix_time
from moto.logs.responses import LogsResponse

# ── DynamoDB: one lock around the backend's item reads and writes ──────────────────────────────

_lock = threading.RLock()  # re-entrant: a transaction calls get_item, put_item and update_item


def _serialised(method):
    @functools.wraps(method)
    def locked(*args, **kwargs):
        with _lock:
            return method(*args, **kwargs)

    return locked


class _TablesKeptInPlace:
    """The `copy` moto's DynamoDB backend sees: a Table "copies" as itself, so a rollback puts the same table back.

    Everything else is copied as before (update_item keeps a deep copy of the old item for its stream record).
    """

    @staticmethod
    def deepcopy(value, memo=None):
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


dynamodb_models.copy = _TablesKeptInPlace


def _item_snapshot(backend, transact_items):
    """Each named item as it is now (a deep copy, or None when absent), and each stream shard's length."""
    items, shards = [], {}
    for entry in transact_items:
        _, op = next(iter(entry.items()))
        table = backend.tables.get(op.get("TableName"))
        if table is None:
            continue
        try:
            keys = op.get("Key") or {name: op["Item"][name] for name in (table.hash_key_attr, table.range_key_attr) if name is not None}
            hash_key, range_key = backend.get_keys_value(table, keys)
        except Exception:
            continue  # a malformed key: moto refuses the transaction before writing this item
        current = table.get_item(hash_key, range_key)
        items.append((table, hash_key, range_key, copy.deepcopy(current)))
        if table.stream_shard is not None:
            shards.setdefault(id(table), (table.stream_shard, len(table.stream_shard.items)))
    return items, shards.values()


def _restore(items, shards):
    for table, hash_key, range_key, item in reversed(items):  # reversed: the first snapshot of an item wins
        if range_key is None:
            holder, slot = table.items, hash_key
        else:
            holder, slot = table.items.setdefault(hash_key, {}), range_key
        if item is None:
            holder.pop(slot, None)
        else:
            holder[slot] = item
    for shard, length in shards:
        del shard.items[length:]


def _item_level(transact_write_items):
    @functools.wraps(transact_write_items)
    def transaction(self, transact_items):
        items, shards = _item_snapshot(self, transact_items)
        try:
            return transact_write_items(self, transact_items)
        except Exception:
            _restore(items, shards)
            raise

    return transaction


DynamoDBBackend.transact_write_items = _item_level(DynamoDBBackend.transact_write_items)

for _name in ("get_item", "batch_get_item", "query", "scan", "put_item", "update_item", "delete_item", "batch_write_item", "transact_write_items"):
    setattr(DynamoDBBackend, _name, _serialised(getattr(DynamoDBBackend, _name)))

# ── DynamoDB: a Query reads one partition ──────────────────────────────────────────────────────
# moto answers a Query on the table (no index) by sorting every item of the table and keeping those
# with the hash key: each Query costs more as the table grows (20 ms at 1,000 orders, 5 ms at 20),
# where DynamoDB reads only the partition. The query itself is moto's; while it runs on this thread,
# the table's all_items() lists that partition only (a GSI query still sees every item).

_query_scope = threading.local()
_all_items = Table.all_items
_table_query = Table.query


def _items_in_scope(self):
    scope = getattr(_query_scope, "partition", None)
    if scope is None or scope[0] is not self:
        return _all_items(self)
    partition = self.items.get(scope[1])
    if partition is None:
        return []
    return list(partition.values()) if self.range_key_attr else [partition]


def _query_one_partition(self, hash_key, *args, **kwargs):
    index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
    if index_name or hash_key is None:
        return _table_query(self, hash_key, *args, **kwargs)
    _query_scope.partition = (self, hash_key)
    try:
        return _table_query(self, hash_key, *args, **kwargs)
    finally:
        _query_scope.partition = None


Table.all_items = _items_in_scope
Table.query = _query_one_partition

# ── DynamoDB and its streams: answers written as JSON directly ─────────────────────────────────
# moto serialises every answer by walking the operation's output shape value by value, which costs
# about 25 ms for one stream record of an order (a map of lists of maps): GetRecords, Query and an
# UpdateItem with ReturnValues were most of the emulator's CPU per order. DynamoDB's answers are
# JSON already shaped as the wire wants them (attribute values as {"S": …}); only bytes (base64),
# datetimes (epoch seconds, to the millisecond, as moto's serialiser writes them) and absent members
# need care. Errors, and operations not listed, still go through moto's serialiser.

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


_serialized = BaseResponse.serialized


def _serialized_directly(self, action_result):
    operations = _DIRECT_JSON.get(self.service_name)
    result = action_result.result
    if operations is None or type(action_result) not in (ActionResult, DynamoResult) or not isinstance(result, dict) or self._get_action() not in operations:
        return _serialized(self, action_result)
    headers = {"Content-Type": "application/x-amz-json-1.0", **self.response_headers}
    return 200, headers, json.dumps(_wire(result), separators=(",", ":"))


BaseResponse.serialized = _serialized_directly

# ── DynamoDB Streams: records kept for GetRecords, never delivered by moto ─────────────────────


def _append_only(shard, old, new):
    """StreamShard.add without moto's own Lambda delivery: the record is kept for GetRecords."""
    event_name = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
    sequence_number = len(shard.items) + shard.starting_sequence_number
    shard.items.append(StreamRecord(shard.table, shard.table.stream_specification["StreamViewType"], event_name, old, new, sequence_number))
    with _appended:
        _appended.notify_all()


StreamShard.add = _append_only

# A reader may wait for a shard's next record instead of polling for it: POST /_aws/dynamodbstreams/wait
# {"StreamArn", "AfterSequenceNumber"?, "TimeoutMs"} answers {"appended": true} as soon as the stream's
# shard has a record after that sequence number (without one: a record appended after the request
# came), or {"appended": false} after TimeoutMs (at most 20 s). It is no AWS API: the local runtime's
# stream pollers use it to read a record when it is written rather than at their next quarter-second
# poll, with about the GetRecords calls of Lambda's polling (4.34 per order at 1 in flight in the
# benchmark, 4.16 with the quarter-second sleep; see emulation/runtime/README.md).

_appended = threading.Condition()


def _wait_for_record(request):
    arn = request["StreamArn"]
    region, account, resource = arn.split(":", 5)[3:6]
    table = dynamodb_models.dynamodb_backends[account][region].get_table(resource.split("/")[1])
    shard = table.stream_shard
    if shard is None:
        raise ValueError(f"{arn}: the table has no stream")
    after = request.get("AfterSequenceNumber")
    floor = int(after) if after is not None else len(shard.items) + shard.starting_sequence_number - 1
    timeout = min(max(int(request.get("TimeoutMs", 0)), 0), 20_000) / 1000
    with _appended:
        return _appended.wait_for(lambda: len(shard.items) + shard.starting_sequence_number - 1 > floor, timeout)


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


# ── CloudWatch Logs: saved queries ─────────────────────────────────────────────────────────────
# moto 5.2.1 does not implement PutQueryDefinition (a 500, NotImplementedError), and the AWS provider
# retries a 500 for many minutes: an apply with a saved Logs Insights query (envs/aws's
# observability) never ended. Kept per backend, with Logs' answers: an id on put (the same id
# updates), the definitions by name prefix, success on delete.
def _query_definitions(response):
    return response.logs_backend.__dict__.setdefault("_query_definitions", {})


def _put_query_definition(self):
    definitions = _query_definitions(self)
    definition_id = self._get_param("queryDefinitionId") or str(__import__("uuid").uuid4())
    definitions[definition_id] = {
        "queryDefinitionId": definition_id,
        "name": self._get_param("name"),
        "queryString": self._get_param("queryString"),
        "logGroupNames": self._get_param("logGroupNames") or [],
        "lastModified": int(datetime.datetime.now(datetime.timezone.utc).timestamp() * 1000),
    }
    return json.dumps({"queryDefinitionId": definition_id})


def _describe_query_definitions(self):
    prefix = self._get_param("queryDefinitionNamePrefix") or ""
    found = [d for d in _query_definitions(self).values() if (d["name"] or "").startswith(prefix)]
    return json.dumps({"queryDefinitions": found})


def _delete_query_definition(self):
    removed = _query_definitions(self).pop(self._get_param("queryDefinitionId"), None)
    return json.dumps({"success": removed is not None})


LogsResponse.put_query_definition = _put_query_definition
LogsResponse.describe_query_definitions = _describe_query_definitions
LogsResponse.delete_query_definition = _delete_query_definition


# ── Output: log lines written by one thread of their own ───────────────────────────────────────
# werkzeug adds its own stream handler only when none handles its logger: with this one on the
# root logger, request lines and moto's warnings go through the queue. A reader that never comes
# back costs memory (a line per request), never an answer.

def _stderr():
    """stderr as werkzeug's own handler writes it: through colorama, which drops its colours when stderr is no terminal."""
    try:
        import colorama
    except ImportError:
        return sys.stderr
    return colorama.AnsiToWin32(sys.stderr)


_log_lines = queue.SimpleQueue()
logging.handlers.QueueListener(_log_lines, logging.StreamHandler(_stderr())).start()
logging.getLogger().addHandler(logging.handlers.QueueHandler(_log_lines))

# ── moto_server's dispatch: which service a request is for ────────────────────────────────────
# Every request takes one process-wide lock to find its service, and under it lists moto's package
# folder (about 150 directory checks) to see whether the host names a moto module: the emulator
# answers one request at a time there, and under load requests queue behind it for seconds.
# The folder does not change while the server runs, so it is listed once.

_moto_modules = frozenset(backends.list_of_moto_modules())
backends.list_of_moto_modules = lambda: _moto_modules

# ── Work moto repeats on every request that gives the same answer each time ───────────────────
# - Every request lists its response class's members (inspect.getmembers, about 300 of them) to see
#   whether the action names a method: about a tenth of a small request's CPU.
# - An UpdateItem parses its UpdateExpression twice (once to validate, once to apply); a function
#   sends the same few expressions over and over. The parsed tree is only read: the validator that
#   fills in the values works on a deep copy of it.
# - The update validator walks the tree ten times, and at every node each walk rebuilds the tuple of
#   node types it handles, which is the same for every instance of a walker's class.
# Each is kept once, by class or by expression text.

moto_responses.method_names_from_class = functools.cache(moto_responses.method_names_from_class)
UpdateExpressionParser.make = classmethod(functools.lru_cache(maxsize=1024)(UpdateExpressionParser.make.__func__))
_handled_types = {}


def _nodes_to_be_processed(self):
    kind = type(self)
    handled = _handled_types.get(kind)
    if handled is None:
        handled = _handled_types[kind] = tuple(self._processing_map())
    return handled


DepthFirstTraverser.nodes_to_be_processed = _nodes_to_be_processed

_dispatch = DomainDispatcherApplication.__call__


def _answer(start_response, status, document):
    body = json.dumps(document).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _with_local_endpoints(self, environ, start_response):
    if _PROFILE:
        _request.name = _call_name(environ)
    route = (environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"))
    if route == ("GET", "/_aws/ses"):
        return _answer(start_response, "200 OK", {"messages": _sent_emails()})
    if route == ("POST", "/_aws/dynamodbstreams/wait"):
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            appended = _wait_for_record(json.loads(environ["wsgi.input"].read(length)))
        except Exception as error:  # a malformed request or an unknown stream: say which
            return _answer(start_response, "400 Bad Request", {"message": f"{type(error).__name__}: {error}"})
        return _answer(start_response, "200 OK", {"appended": appended})
    return _dispatch(self, environ, start_response)


DomainDispatcherApplication.__call__ = _with_local_endpoints

# ── SQS: queue attributes as AWS answers them ──────────────────────────────────────────────────


def _compact(document):
    return json.dumps(document, separators=(",", ":"))


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
    return _compact(policy)


_set_queue_attributes = Queue._set_attributes
_queue_attributes = Queue.attributes.fget


def _set_attributes_as_aws(self, attributes, now=None):
    if "Policy" not in attributes:
        # moto sets the policy to whatever the call carries, None when it carries none.
        attributes = {**attributes, "Policy": self.policy}
    allow = _redrive_allow_policy(attributes["RedriveAllowPolicy"]) if "RedriveAllowPolicy" in attributes else self.redrive_allow_policy
    _set_queue_attributes(self, attributes, now)
    self.redrive_allow_policy = allow


def _attributes_as_aws(self):
    if getattr(_sending, "active", False):
        deduplication = getattr(self, "content_based_deduplication", None) if self.fifo_queue else None
        return {} if deduplication is None else {"ContentBasedDeduplication": str(deduplication).lower()}
    result = _queue_attributes(self)
    if self.redrive_policy:
        result["RedrivePolicy"] = _compact(self.redrive_policy)
    return result


# ReceiveMessage checks each message it hands out against the queue's retention period by asking for
# the queue's attributes, which computes all of them, the approximate counts included (a pass over
# every message of the queue for each): receiving 10 messages from a queue of 2,000 took 1.6 s of CPU
# (23 ms from a queue of 20). The period is read from the queue itself.


def _retained(self, queue_name, message):
    retention = int(self.get_queue(queue_name).message_retention_period)
    return retention + message.sent_timestamp / 1000 > unix_time()


SQSBackend.is_message_valid_based_on_retention_period = _retained

# SendMessage (and each SNS delivery to a queue) asks for the queue's attributes to read one of them,
# ContentBasedDeduplication: the same recount of the queue, three passes over its messages per send.
# While a send runs on a thread, the queue's attributes are that one (the only one a send reads).
_sending = threading.local()
_send_message = SQSBackend.send_message


def _send_without_recount(self, *args, **kwargs):
    _sending.active = True
    try:
        return _send_message(self, *args, **kwargs)
    finally:
        _sending.active = False


SQSBackend.send_message = _send_without_recount

# Enabled SQS event source mappings (see the docstring): the mapping is created as moto creates it,
# but the queue does not keep it, so SendMessage finds no mapping to deliver to.
_create_event_source_mapping = LambdaBackend.create_event_source_mapping


def _mapping_without_delivery(self, spec):
    mapping = _create_event_source_mapping(self, spec)
    for q in sqs_backends[self.account_id][self.region_name].queues.values():
        if q.queue_arn == mapping.event_source_arn:
            q.lambda_event_source_mappings.pop(mapping.function_arn, None)
    return mapping


LambdaBackend.create_event_source_mapping = _mapping_without_delivery
Queue.BASE_ATTRIBUTES = [*Queue.BASE_ATTRIBUTES, "RedriveAllowPolicy"]  # GetQueueAttributes accepts and returns it
Queue.redrive_allow_policy = None  # a queue created without one has none
Queue._set_attributes = _set_attributes_as_aws
Queue.attributes = property(_attributes_as_aws)

# ── Profiling (MOTO_PROFILE=<file>): where the emulator's CPU goes ────────────────────────────
# A sampler thread reads every thread's stack 100 times a second and weighs it by the CPU time the
# thread used since the last look (/proc/self/task/<tid>/schedstat, in nanoseconds): a thread that
# waits for a socket, a lock, the GIL or a long poll costs nothing. Collapsed stacks, "a;b;c µs",
# are rewritten to the file every few seconds (flame-graph tools read the format; so does `sort -k2 -n`).


_PROFILE = os.environ.get("MOTO_PROFILE")


def _frame_name(frame):
    code = frame.f_code
    return f"{code.co_filename.rsplit('site-packages/', 1)[-1]}:{code.co_name}"


def _cpu_ns(native_id):
    try:
        with open(f"/proc/self/task/{native_id}/schedstat") as stat:
            return int(stat.read().split()[0])
    except (OSError, ValueError):
        return None


def _sample_forever(path, interval=0.01, every=5.0):
    import collections
    import time

    stacks = collections.Counter()
    seen = {}  # native thread id → CPU ns at the last look
    me = threading.get_ident()
    written = time.monotonic()
    while True:
        time.sleep(interval)
        frames = sys._current_frames()
        for thread in threading.enumerate():
            frame = frames.get(thread.ident)
            if thread.ident == me or frame is None or thread.native_id is None:
                continue
            used = _cpu_ns(thread.native_id)
            if used is None:
                continue
            # A thread first seen now spent all of its CPU since it began (one per connection: most are new).
            spent, seen[thread.native_id] = used - seen.get(thread.native_id, 0), used
            if spent <= 0:
                continue
            names = []
            while frame is not None:
                names.append(_frame_name(frame))
                frame = frame.f_back
            stacks[";".join(reversed(names))] += spent // 1000
        if time.monotonic() - written >= every:
            written = time.monotonic()
            live = {thread.native_id for thread in threading.enumerate()}
            for gone in seen.keys() - live:
                del seen[gone]
            with open(path + ".tmp", "w") as out:
                out.writelines(f"{stack} {count}\n" for stack, count in stacks.most_common())
            os.replace(path + ".tmp", path)
            with open(path + ".calls.tmp", "w") as out:
                json.dump({"processCpuMs": round(time.process_time() * 1000), "byCall": dict(sorted(_call_cpu.items()))}, out, indent=1)
            os.replace(path + ".calls.tmp", path + ".calls.json")


# And each request's own CPU (parsing, the work, the answer), by service and operation: what one call costs the emulator.
_call_cpu = {}
_request = threading.local()


def _call_name(environ):
    target = environ.get("HTTP_X_AMZ_TARGET")
    scope = environ.get("HTTP_AUTHORIZATION", "").split("Credential=", 1)[-1].split("/")
    service = scope[3] if len(scope) > 3 else "?"
    return f"{service}.{target.rsplit('.', 1)[-1]}" if target else f"{service} {environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO', '')[:40]}"


def _measured(handle_one_request):
    import time

    @functools.wraps(handle_one_request)
    def handle(self):
        began = time.thread_time()
        _request.name = None
        handle_one_request(self)
        name = _request.name
        if name is not None:
            calls, cpu = _call_cpu.get(name, (0, 0.0))
            _call_cpu[name] = (calls + 1, round(cpu + (time.thread_time() - began) * 1000, 3))

    return handle


if _PROFILE:
    import werkzeug.serving

    werkzeug.serving.WSGIRequestHandler.handle_one_request = _measured(werkzeug.serving.WSGIRequestHandler.handle_one_request)
    threading.Thread(target=_sample_forever, args=(_PROFILE,), daemon=True, name="profile").start()


if __name__ == "__main__":
    sys.exit(main())
