"""DynamoDB Streams: records kept for GetRecords, and a wait for the next record."""
