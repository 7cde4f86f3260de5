variable "name_prefix" {
  type        = string
  description = "Prepended to the topic, queue, DLQ and alarm names, so that several environments share an account."
  default     = ""
}

variable "topic_name" {
  type        = string
  description = "Name of the SNS topic every service publishes its events to."
  default     = "order-events"
}

variable "topic_kms_master_key_id" {
  type        = string
  description = "KMS key for the topic's server-side encryption. The AWS managed key's policy already admits this account's principals through SNS, so publishers need no kms: permissions."
  default     = "alias/aws/sns"
}

variable "queues" {
  type = map(object({
    # The eventType message attribute values this queue subscribes to.
    event_types                = list(string)
    visibility_timeout_seconds = optional(number, 60)
    message_retention_seconds  = optional(number, 345600)
  }))
  description = "Consumer queues subscribed to the topic, keyed by queue name."
  default     = {}

  validation {
    condition     = alltrue([for q in values(var.queues) : length(q.event_types) > 0])
    error_message = "Every queue must subscribe to at least one eventType; an empty filter policy would deliver everything."
  }

  validation {
    condition     = alltrue([for q in values(var.queues) : q.visibility_timeout_seconds >= 0 && q.visibility_timeout_seconds <= 43200])
    error_message = "visibility_timeout_seconds must be between 0 and 43200 (12 hours)."
  }
}

variable "dlq_name" {
  type        = string
  description = "Name of the dead-letter queue shared by every consumer queue."
  default     = "order-processing-dlq"
}

variable "dlq_message_retention_seconds" {
  type        = number
  description = "How long poison messages stay in the DLQ: the maximum (14 days), so there is time to redrive them."
  default     = 1209600
}

variable "max_receive_count" {
  type        = number
  description = "Receives after which SQS moves a message to the DLQ (the redrive policy's maxReceiveCount)."
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && floor(var.max_receive_count) == var.max_receive_count
    error_message = "max_receive_count must be a whole number >= 1."
  }
}

variable "alarm_actions" {
  type        = list(string)
  description = "ARNs notified when an alarm (DLQ not empty, a queue's oldest message too old) changes state: the alerts topic. Empty: the alarms only change state."
  default     = []
}

variable "oldest_message_alarm_seconds" {
  type        = number
  description = "Age (seconds) of a queue's oldest message above which its alarm fires."
  default     = 300
}

variable "publisher_role_arns" {
  type        = list(string)
  description = "IAM roles allowed to publish to the topic; the topic policy denies sns:Publish to every other principal. Empty: no topic policy (the account's default)."
  default     = []
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to the topic, the queues and the alarm."
  default     = {}
}

variable "tracing_enabled" {
  type        = bool
  description = "X-Ray active tracing on the topic."
  default     = false
}
