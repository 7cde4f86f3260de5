output "role_arn" {
  description = "ARN of the operator role: assume it to run make status, make dlq and make dlq-redrive against AWS."
  value       = aws_iam_role.operator.arn
}

output "role_name" {
  description = "Name of the operator role."
  value       = aws_iam_role.operator.name
}

output "policy" {
  description = "The role's inline policy (JSON)."
  value       = aws_iam_role_policy.operator.policy
}
