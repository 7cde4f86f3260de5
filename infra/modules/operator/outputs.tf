output "role_arn" {
  description = "ARN of the operator role."
  value       = aws_iam_role.operator.arn
}

output "role_name" {
  description = "Name of the operator role."
  value       = aws_iam_role.operator.name
}

output "policy" {
  description = "The operator role's inline policy (JSON)."
  value       = aws_iam_role_policy.operator.policy
}
