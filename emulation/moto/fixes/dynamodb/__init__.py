"""DynamoDB: transactions isolated and rolled back per item, a Query that reads one partition, answers written as JSON, parses kept."""
