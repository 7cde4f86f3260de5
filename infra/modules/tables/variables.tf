variable "tables" {
  type = map(object({
    hash_key       = string
    hash_key_type  = optional(string, "S")
    range_key      = optional(string)
    range_key_type = optional(string, "S")
    # Attribute that holds an epoch-seconds expiry; DynamoDB deletes the item some time after it.
    ttl_attribute = optional(string)
    # A stream of the table's changes (an outbox, say): what each record carries. null: no stream.
    stream_view_type = optional(string)
    global_secondary_indexes = optional(map(object({
      hash_key           = string
      hash_key_type      = optional(string, "S")
      range_key          = optional(string)
      range_key_type     = optional(string, "S")
      projection_type    = optional(string, "ALL")
      non_key_attributes = optional(list(string))
    })), {})
  }))
  description = "Tables to create, keyed by table name. Billing is always PAY_PER_REQUEST."
  default     = {}

  validation {
    condition = alltrue(flatten([
      for t in values(var.tables) : [
        for type in concat(
          [t.hash_key_type, t.range_key_type],
          flatten([for i in values(t.global_secondary_indexes) : [i.hash_key_type, i.range_key_type]]),
        ) : contains(["S", "N", "B"], type)
      ]
    ]))
    error_message = "Key attribute types must be one of S, N, B."
  }

  validation {
    condition = alltrue([
      for t in values(var.tables) : t.stream_view_type == null ? true : contains(["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"], t.stream_view_type)
    ])
    error_message = "stream_view_type must be one of KEYS_ONLY, NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES (or null: no stream)."
  }
}

variable "name_prefix" {
  type        = string
  description = "Prepended to every table name, so that several environments share an account."
  default     = ""
}

variable "point_in_time_recovery_enabled" {
  type        = bool
  description = "Continuous backups (PITR). On for real environments; emulators may not implement it."
  default     = true
}

variable "deletion_protection_enabled" {
  type        = bool
  description = "Refuse DeleteTable, so a stray destroy cannot drop order data."
  default     = false
}

variable "kms_key_arn" {
  type        = string
  description = "Customer managed KMS key for server-side encryption; null uses the AWS managed key aws/dynamodb."
  default     = null
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to every table."
  default     = {}
}
