"""SQS: queue attributes as AWS answers them, no recount of the queue per message, no delivery of its own to Lambda."""
