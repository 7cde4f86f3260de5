output "table_names" {
  description = "Table names, keyed by the input key."
  value       = { for k, t in aws_dynamodb_table.this : k => t.name }
}

output "table_arns" {
  description = "Table ARNs, keyed by the input key. IAM policies add \"<arn>/index/*\" for the indexes."
  value       = { for k, t in aws_dynamodb_table.this : k => t.arn }
}

output "stream_arns" {
  description = "Stream ARNs of the tables that have a stream (stream_view_type set), keyed by the input key."
  value       = { for k, t in aws_dynamodb_table.this : k => t.stream_arn if var.tables[k].stream_view_type != null }
}

output "key_schemas" {
  description = "Each table's keys, TTL attribute and global secondary indexes (their keys and projection), keyed by the input key: what clients must use."
  value = {
    for k, t in aws_dynamodb_table.this : k => {
      hash_key      = t.hash_key
      range_key     = t.range_key
      ttl_attribute = var.tables[k].ttl_attribute
      global_secondary_indexes = {
        for i in t.global_secondary_index : i.name => { hash_key = i.hash_key, range_key = i.range_key, projection_type = i.projection_type }
      }
    }
  }
}
