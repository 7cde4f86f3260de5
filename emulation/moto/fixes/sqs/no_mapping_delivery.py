"""A queue's event source mappings are kept, and moto never delivers the queue's messages itself.

What moto does: on every SendMessage (and every SNS delivery to the queue) it receives up to BatchSize messages
for each *enabled* event source mapping of the queue, fails to reach Docker, and makes them visible
again: their receive counts climb and they reach the DLQ with no handler ever run.

What AWS does: Lambda polls the queue for an enabled mapping and invokes the function with each batch.

This fix: a mapping is created, listed and kept with its settings as moto creates it, but the queue
does not keep it, so SendMessage finds no mapping to deliver to. The local runtime polls the queue
as Lambda does: a stack deployed as on AWS (mappings enabled) runs here too.
"""

import functools

from moto.awslambda.models import LambdaBackend
from moto.sqs.models import sqs_backends


def apply():
    create_event_source_mapping = LambdaBackend.create_event_source_mapping

    @functools.wraps(create_event_source_mapping)
    def mapping_without_delivery(self, spec):
        mapping = create_event_source_mapping(self, spec)
        for q in sqs_backends[self.account_id][self.region_name].queues.values():
            if q.queue_arn == mapping.event_source_arn:
                q.lambda_event_source_mappings.pop(mapping.function_arn, None)
        return mapping

    LambdaBackend.create_event_source_mapping = mapping_without_delivery
