output "sender_email" {
  description = "The sender address (SENDER_EMAIL of the notification function)."
  value       = aws_sesv2_email_identity.sender.email_identity
}

output "identity_arn" {
  description = "ARN of the sender identity, the resource of ses:SendEmail grants."
  value       = aws_sesv2_email_identity.sender.arn
}
