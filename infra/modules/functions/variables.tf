variable "functions" {
  type = map(object({
    description = optional(string, "")
    handler     = optional(string, "handler.handler")
    # Lambda deprecated nodejs20.x on 2026-04-30; the bundles target node20 (the oldest Node that
    # runs them, the local runtime's), so the same zip runs on both.
    runtime     = optional(string, "nodejs22.x")
    timeout     = optional(number, 10)
    memory_size = optional(number, 256)
    # Function-specific variables; LOG_LEVEL and extra_environment are added to every function.
    environment = optional(map(string), {})
    # Tables the function may touch, keyed by a logical name (known at plan time, unlike ARNs),
    # each with exactly the DynamoDB item actions its code sends to it.
    tables = optional(map(object({
      arn     = string
      actions = list(string)
    })), {})
    # The queue the function consumes, if any: its ARN for the IAM policy (known at plan time, so
    # the role and the function need not wait for the queue; the mapping reads event_source_arns).
    # Its visibility timeout is passed in so the module can hold it against the function's timeout;
    # maximum_concurrency bounds the concurrent invocations its mapping may start (2, the AWS minimum, to 1000).
    queue = optional(object({
      arn                        = string
      visibility_timeout_seconds = number
      maximum_concurrency        = optional(number, 2)
    }))
    # The DynamoDB stream the function reads, if any: a stream mapping beside the queue ones,
    # with Lambda's stream settings. The defaults bound every retry: a record is retried at most
    # maximum_retry_attempts times (halving the batch on each function error) and for at most
    # maximum_record_age_in_seconds, then described to the on-failure destination.
    stream = optional(object({
      arn                                = string
      starting_position                  = optional(string, "TRIM_HORIZON")
      batch_size                         = optional(number, 100)
      maximum_batching_window_in_seconds = optional(number, 0)
      maximum_retry_attempts             = optional(number, 10)
      maximum_record_age_in_seconds      = optional(number, 3600)
      bisect_batch_on_function_error     = optional(bool, true)
      # Lambda event filter patterns (JSON): only matching records reach the function.
      filter_patterns = optional(list(string), [])
      # An SQS queue that receives Lambda's description of each batch it gave up on.
      on_failure_destination_arn = optional(string)
    }))
    # Concurrency reserved for (and limiting) the function; null: none.
    reserved_concurrency = optional(number)
    publishes            = optional(bool, false) # sns:Publish to topic_arn
    sends_email          = optional(bool, false) # ses:SendEmail as email_identity_arn
  }))
  description = "Functions to deploy, keyed by function name; the code is <dist_dir>/<name>.zip."
  default     = {}

  validation {
    condition = alltrue(flatten([
      for f in values(var.functions) : [
        for t in values(f.tables) : length(t.actions) > 0 && alltrue([
          for a in t.actions : contains(["dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"], a)
        ])
      ]
    ]))
    error_message = "Table actions must be DynamoDB item actions (BatchGetItem, ConditionCheckItem, DeleteItem, GetItem, PutItem, Query, UpdateItem): never Scan, batch writes or wildcards."
  }

  validation {
    condition = alltrue([
      for f in values(var.functions) : f.queue == null ? true : f.queue.maximum_concurrency >= 2 && f.queue.maximum_concurrency <= 1000
    ])
    error_message = "A mapping's maximum_concurrency must be between 2 and 1000 (Lambda's limits)."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : f.reserved_concurrency == null ? true : f.reserved_concurrency >= 0])
    error_message = "reserved_concurrency must be >= 0 (0 stops the function), or null for none."
  }

  # Lambda's limits for a DynamoDB stream source: the API refuses anything outside them.
  validation {
    condition = alltrue([
      for f in values(var.functions) : f.stream == null ? true : (
        contains(["TRIM_HORIZON", "LATEST"], f.stream.starting_position) &&
        f.stream.batch_size >= 1 && f.stream.batch_size <= 10000 &&
        f.stream.maximum_batching_window_in_seconds >= 0 && f.stream.maximum_batching_window_in_seconds <= 300 &&
        f.stream.maximum_retry_attempts >= -1 && f.stream.maximum_retry_attempts <= 10000 &&
        (f.stream.maximum_record_age_in_seconds == -1 || (f.stream.maximum_record_age_in_seconds >= 60 && f.stream.maximum_record_age_in_seconds <= 604800))
      )
    ])
    error_message = "A stream mapping needs starting_position TRIM_HORIZON or LATEST, batch_size 1-10000, a batching window of 0-300 s, maximum_retry_attempts -1 (unbounded) to 10000 and maximum_record_age_in_seconds -1 (unbounded) or 60-604800."
  }

  # At most 5 filters per event source mapping (Lambda's default quota), each a JSON object.
  validation {
    condition = alltrue([
      for f in values(var.functions) : f.stream == null ? true : (
        length(f.stream.filter_patterns) <= 5 && alltrue([for p in f.stream.filter_patterns : can(keys(jsondecode(p)))])
      )
    ])
    error_message = "A stream mapping takes at most 5 filter patterns, each a JSON object."
  }

  # The module grants sqs:SendMessage on the destination: it must be a queue.
  validation {
    condition = alltrue([
      for f in values(var.functions) : try(f.stream.on_failure_destination_arn, null) == null ? true : can(regex("^arn:aws[a-z-]*:sqs:", f.stream.on_failure_destination_arn))
    ])
    error_message = "A stream mapping's on_failure_destination_arn must be an SQS queue ARN."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : f.timeout >= 1 && f.timeout <= 900])
    error_message = "Function timeouts must be between 1 and 900 seconds."
  }

  # AWS's rule for SQS event sources: a message whose handler is still running when the
  # visibility timeout ends is handed to another invocation and processed twice.
  validation {
    condition = alltrue([
      for f in values(var.functions) : f.queue == null ? true : f.queue.visibility_timeout_seconds >= 6 * f.timeout
    ])
    error_message = "A consumed queue's visibility timeout must be at least 6 times its function's timeout."
  }
}

variable "event_source_arns" {
  type        = map(string)
  description = "The ARN of the queue each consumer's event source mapping reads, keyed by function: the queue resource's own attribute, so that the mapping is created once the queue exists. Must equal that function's queue.arn."
  default     = {}
}

variable "on_failure_destination_arns" {
  type        = map(string)
  description = "The on-failure destination of each stream reader's mapping, keyed by function: the destination resource's own ARN, so that the mapping is created once it exists. Must equal that function's stream.on_failure_destination_arn."
  default     = {}
}

variable "name_prefix" {
  type        = string
  description = "Prepended to every function, role, log group and alarm name, so that several environments share an account."
  default     = ""
}

variable "alarm_actions" {
  type        = list(string)
  description = "ARNs notified when a function's Errors or Throttles alarm changes state: the alerts topic."
  default     = []
}

variable "dist_dir" {
  type        = string
  description = "Directory holding <function>.zip, relative to the directory Terraform runs in, or absolute."
  default     = "dist"
}

variable "architectures" {
  type        = list(string)
  description = "Instruction set of every function. The bundles are plain JavaScript, so the cheaper arm64 fits."
  default     = ["arm64"]
}

variable "log_level" {
  type        = string
  description = "LOG_LEVEL given to every function."
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"], var.log_level)
    error_message = "log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT."
  }
}

variable "source_maps" {
  type        = bool
  description = "NODE_OPTIONS=--enable-source-maps on every function: stack traces name the TypeScript file and line (the zips carry the maps), for 6 to 15 ms more CPU per cold start."
  default     = false
}

variable "extra_environment" {
  type        = map(string)
  description = "Variables added to every function (AWS_ENDPOINT_URL on the local stack)."
  default     = {}
}

variable "log_retention_in_days" {
  type        = number
  description = "Retention of each function's log group."
  default     = 14

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ...)."
  }
}

variable "topic_arn" {
  type        = string
  description = "The topic functions with publishes = true may publish to."
  default     = null
}

variable "email_identity_arn" {
  type        = string
  description = "The SES identity functions with sends_email = true may send as."
  default     = null
}

variable "ses_sandbox" {
  type        = bool
  description = "The account is in the SES sandbox, where SES also authorises each send on every recipient's (verified) identity: functions with sends_email = true may then send to the account's identities too, from the sender's address only."
  default     = false
}

variable "event_source_mappings_enabled" {
  type        = bool
  description = "Whether Lambda polls the queues. False on the local stack, where the emulator's own delivery is harmful and the local runtime polls instead."
  default     = true
}

variable "batch_size" {
  type        = number
  description = "Maximum messages per invocation of a queue consumer."
  default     = 10

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000
    error_message = "batch_size must be between 1 and 10000."
  }

  # Lambda's own rule: batches above 10 messages need a batching window.
  validation {
    condition     = var.batch_size <= 10 || var.maximum_batching_window_in_seconds >= 1
    error_message = "batch_size above 10 requires maximum_batching_window_in_seconds >= 1."
  }
}

variable "maximum_batching_window_in_seconds" {
  type        = number
  description = "Seconds Lambda may wait to fill a batch before invoking."
  default     = 0

  validation {
    condition     = var.maximum_batching_window_in_seconds >= 0 && var.maximum_batching_window_in_seconds <= 300
    error_message = "maximum_batching_window_in_seconds must be between 0 and 300."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to every role, log group and function."
  default     = {}
}
