variable "name_prefix" {
  type        = string
  description = "Prepended to the role's name, so that several environments share an account."
  default     = ""
}

variable "topic_arn" {
  type        = string
  description = "The event topic (make status lists its subscriptions); its ARN also gives the partition, region and account."
  default     = null

  validation {
    condition     = var.topic_arn != null && can(regex("^arn:aws[a-z-]*:sns:", var.topic_arn))
    error_message = "topic_arn must be an SNS topic ARN."
  }
}

variable "queue_arns" {
  type        = list(string)
  description = "The consumer queues: their depth is read, and the DLQ's messages are sent back to them."
  default     = []
}

variable "dlq_arn" {
  type        = string
  description = "The dead-letter queue the DLQ tools list and redrive from."
  default     = null

  validation {
    condition     = var.dlq_arn != null && can(regex("^arn:aws[a-z-]*:sqs:", var.dlq_arn))
    error_message = "dlq_arn must be an SQS queue ARN."
  }
}

variable "table_arns" {
  type        = list(string)
  description = "The tables make status describes."
  default     = []
}

variable "function_arns" {
  type        = list(string)
  description = "The functions make status reads the configuration of."
  default     = []
}

variable "rest_api_id" {
  type        = string
  description = "The REST API whose stage and routes make status reads."
  default     = null
}

variable "trusted_principal_arns" {
  type        = list(string)
  description = "Principals allowed to assume the role (an SSO role, a CI role); empty: the account, so that any of its principals whose own policy allows sts:AssumeRole on the role may."
  default     = []
}

variable "max_session_duration" {
  type        = number
  description = "Longest session (seconds) an assumption of the role may ask for."
  default     = 3600

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200
    error_message = "max_session_duration must be between 3600 and 43200 seconds (IAM's limits)."
  }
}

variable "orders_table_arn" {
  type        = string
  description = "The orders table: notifications-resend reads an order to rebuild the event that asked for its email."
}

variable "notifications_table_arn" {
  type        = string
  description = "The notifications table: notifications-resend finds an order's FAILED notifications and claims them again."
}

variable "notification_queue_arn" {
  type        = string
  description = "notification's queue: notifications-resend delivers the rebuilt event there, as SNS would."
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to the role."
  default     = {}
}
