variable "name_prefix" {
  type        = string
  description = "Prepended to the role's name, so that several environments share an account."
  default     = ""
}

variable "trusted_principal_arns" {
  type        = list(string)
  description = "The principals (users, roles, an account root) that may assume the operator role."
  default     = []

  validation {
    condition     = alltrue([for arn in var.trusted_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:", arn))])
    error_message = "trusted_principal_arns must be IAM ARNs (arn:aws:iam::<account>:...)."
  }
}

variable "orders_table_arn" {
  type        = string
  description = "The orders table: the re-send reads the order to rebuild the event that asked for the email."
}

variable "notifications_table_arn" {
  type        = string
  description = "The notifications table: the re-send finds an order's FAILED records and turns them back into a claim."
}

variable "notification_queue_arn" {
  type        = string
  description = "notification-queue: the re-send sends the rebuilt event there (the topic admits only the functions)."
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to the role."
  default     = {}
}
