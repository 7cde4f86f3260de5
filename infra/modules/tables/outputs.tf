output "table_names" {
  description = "Table names, keyed by the input key."
  value       = { for k, t in aws_dynamodb_table.this : k => t.name }
}

output "table_arns" {
  description = "Table ARNs, keyed by the input key. IAM policies add \"<arn>/index/*\" for the indexes."
  value       = { for k, t in aws_dynamodb_table.this : k => t.arn }
}
