# The whole pipeline, wired once; envs/local and envs/aws differ only in provider and settings.

locals {
  # Names and keys are the contract (docs/api.md, Contracts): the functions and tests rely on them.
  tables = {
    # The stream is the outbox: order-publisher announces every order inserted here.
    orders = {
      hash_key = "orderId", range_key = "createdAt", stream_view_type = "NEW_IMAGE"
      # Sparse: only PLACED orders carry its key (order-api writes it, the update that makes the
      # order final removes it). The sweeper reads it, oldest first: never a Scan.
      global_secondary_indexes = {
        (local.placed_orders_index) = { hash_key = "placedIndexKey", range_key = "createdAt" }
      }
    }
    inventory              = { hash_key = "productId" }
    notifications          = { hash_key = "notificationId", range_key = "createdAt" }
    billing                = { hash_key = "billingId", range_key = "orderId" }
    idempotency            = { hash_key = "idempotencyKey", ttl_attribute = "expiresAt" }
    inventory-reservations = { hash_key = "orderId" }
  }

  # queue => its consumer and the eventType values it subscribes to (each queue's filter policy):
  # the routing contract, written once in routing.json, which the consumers' dispatch maps and
  # README's services table are held to by test/unit/routing.test.ts.
  queues              = jsondecode(file("${path.module}/routing.json")).queues
  queue_of            = { for q, v in local.queues : v.consumer => q }
  visibility_timeouts = { for q in keys(local.queues) : q => lookup(var.queue_visibility_timeout_seconds, q, 6 * local.default_timeout) }

  # 10 s leaves room for a DynamoDB transaction and a publish with SDK retries; API Gateway
  # would cut order-api off at 29 s anyway.
  default_timeout     = 10
  default_memory_size = 256
  # Concurrent invocations each consumer's mapping may start (AWS minimum 2). notification is
  # held lowest: SES sends ~14 emails/s on a new production account, 1/s in the sandbox.
  default_maximum_concurrency = { inventory = 5, billing = 5, notification = 2, order-status = 5 }
  # Namespace of the functions' own metrics (EMF): one per environment, like every name.
  metrics_namespace   = "${var.name_prefix}order-fanout"
  placed_orders_index = "placed-orders"

  t = module.tables.table_arns
  n = module.tables.table_names

  functions = {
    order-api = {
      description = "POST /orders and GET /orders/{orderId}"
      environment = {
        ORDERS_TABLE      = local.n["orders"]
        INVENTORY_TABLE   = local.n["inventory"]
        IDEMPOTENCY_TABLE = local.n["idempotency"]
        # The browsers' origins it answers CORS for (the API routes their preflight to it).
        CORS_ALLOWED_ORIGINS = join(",", var.cors_allowed_origins)
      }
      # The exact DynamoDB actions each adapter sends (TransactWriteItems counts as its items'). One
      # BatchGetItem reads the products and the Idempotency-Key's record: DynamoDB authorises a batch
      # per table, so both tables need the action, or every keyed POST is denied. GetItem: a key
      # taken by a concurrent request is read again; PutItem: the key is claimed in the order's
      # transaction (nothing updates a claim since the outbox, d9ee1da).
      tables = {
        orders      = { arn = local.t["orders"], actions = ["dynamodb:PutItem", "dynamodb:Query"] }
        inventory   = { arn = local.t["inventory"], actions = ["dynamodb:BatchGetItem"] } # prices only: never writes stock
        idempotency = { arn = local.t["idempotency"], actions = ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem"] }
      }
      # It only stores the order: the orders stream announces it (order-publisher, the outbox).
      publishes   = false
      sends_email = false
    }
    order-publisher = {
      description = "Announces every new order (OrderPlaced) from the orders table's stream: the outbox"
      environment = {
        TOPIC_ARN = module.messaging.topic_arn
        # Where the function sets aside a stream record that is not an order, with the reason. The
        # ARN, not the URL: an emulator's URL names its own host, and the ARN is known at plan time.
        DEAD_LETTER_QUEUE_ARN = module.messaging.dlq_arn_at_plan
      }
      stream = {
        arn = module.tables.stream_arns["orders"]
        # New orders only: order-status's updates of the same items never reach the function.
        filter_patterns = [jsonencode({ eventName = ["INSERT"] })]
        # The outbox blocks, it never drops: a batch whose publish fails is retried until it
        # succeeds, for as long as the stream keeps the record (24 h). A bounded budget would
        # describe the batch to the DLQ and move on, leaving each of its orders PLACED for ever
        # (a few minutes of SNS or KMS errors, a denying topic policy or a release that fails at
        # start would do it). The iterator-age alarm fires long before the retention ends, and
        # the function sets aside what can never be published (an item that is not an order)
        # itself, so only publish failures hold the shard.
        maximum_retry_attempts        = -1
        maximum_record_age_in_seconds = -1
        iterator_age_alarm_seconds    = var.outbox_iterator_age_alarm_seconds
        # Known at plan time, for the role (see queue below); the mapping itself waits for the DLQ.
        # Only a record the stream expires before it was published would be described there.
        on_failure_destination_arn = module.messaging.dlq_arn_at_plan
      }
      publishes   = true
      sends_email = false
    }
    inventory = {
      description = "Reserves and releases stock"
      environment = {
        INVENTORY_TABLE    = local.n["inventory"]
        RESERVATIONS_TABLE = local.n["inventory-reservations"]
        TOPIC_ARN          = module.messaging.topic_arn
      }
      tables = {
        inventory              = { arn = local.t["inventory"], actions = ["dynamodb:GetItem", "dynamodb:UpdateItem"] }
        inventory-reservations = { arn = local.t["inventory-reservations"], actions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"] }
      }
      publishes   = true
      sends_email = false
    }
    billing = {
      description = "Charges, voids and refunds payments"
      environment = {
        BILLING_TABLE = local.n["billing"]
        TOPIC_ARN     = module.messaging.topic_arn
      }
      tables = {
        billing = { arn = local.t["billing"], actions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"] }
      }
      publishes   = true
      sends_email = false
    }
    notification = {
      description = "Emails the customer and keeps the history"
      environment = {
        NOTIFICATIONS_TABLE = local.n["notifications"]
        TOPIC_ARN           = module.messaging.topic_arn
        SENDER_EMAIL        = module.email.sender_email
      }
      tables = {
        notifications = { arn = local.t["notifications"], actions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"] }
      }
      publishes   = true
      sends_email = true
    }
    order-sweeper = {
      description = "Finds the orders still PLACED after a while and announces them again; reports the oldest one's age"
      environment = {
        ORDERS_TABLE                 = local.n["orders"]
        PLACED_ORDERS_INDEX          = local.placed_orders_index
        TOPIC_ARN                    = module.messaging.topic_arn
        STUCK_AFTER_SECONDS          = tostring(var.stuck_order_seconds)
        POWERTOOLS_METRICS_NAMESPACE = local.metrics_namespace
      }
      tables = {
        # The index only: the sweeper reads what it projects (the whole order).
        orders-placed-index = { arn = "${local.t["orders"]}/index/${local.placed_orders_index}", actions = ["dynamodb:Query"] }
      }
      schedule    = { expression = var.sweeper_schedule_expression }
      publishes   = true
      sends_email = false
    }
    order-status = {
      description = "Projects result events onto the order's status"
      environment = {
        ORDERS_TABLE                 = local.n["orders"]
        TOPIC_ARN                    = module.messaging.topic_arn
        POWERTOOLS_METRICS_NAMESPACE = local.metrics_namespace
      }
      tables = {
        orders = { arn = local.t["orders"], actions = ["dynamodb:Query", "dynamodb:UpdateItem"] }
      }
      publishes   = true
      sends_email = false
    }
  }
}

module "tables" {
  source = "../tables"

  tables                         = local.tables
  name_prefix                    = var.name_prefix
  point_in_time_recovery_enabled = var.point_in_time_recovery_enabled
  deletion_protection_enabled    = var.deletion_protection_enabled
  tags                           = var.tags
}

module "messaging" {
  source = "../messaging"

  tracing_enabled = var.observability_enabled

  queues = {
    for q, v in local.queues : q => {
      event_types                = v.event_types
      visibility_timeout_seconds = local.visibility_timeouts[q]
    }
  }
  name_prefix                  = var.name_prefix
  max_receive_count            = var.max_receive_count
  alarm_actions                = local.alarm_actions
  oldest_message_alarm_seconds = var.oldest_message_alarm_seconds
  publisher_role_arns          = [for name, f in local.functions : module.functions.role_arns[name] if f.publishes]
  tags                         = var.tags
}

module "alerts" {
  source = "../alerts"

  account_arn = module.messaging.topic_arn

  name_prefix                = var.name_prefix
  alarm_email                = var.alarm_email
  extra_alarm_actions        = var.alarm_actions
  metrics_namespace          = local.metrics_namespace
  placed_order_alarm_seconds = var.placed_order_alarm_seconds
  tags                       = var.tags
}

locals {
  # Every alarm notifies the alerts topic, and whatever else the environment adds.
  alarm_actions = concat([module.alerts.topic_arn], var.alarm_actions)
}

module "email" {
  source = "../email"

  sender_email = var.sender_email
  tags         = var.tags
}

module "functions" {
  source = "../functions"

  name_prefix   = var.name_prefix
  alarm_actions = local.alarm_actions

  functions = {
    for name, f in local.functions : name => merge(f, {
      timeout     = coalesce(try(var.function_settings[name].timeout, null), local.default_timeout)
      memory_size = coalesce(try(var.function_settings[name].memory_size, null), local.default_memory_size)
      # The ARN known at plan time: the roles and functions are created while the queues wait
      # for SQS (the provider creates functions one at a time, see modules/functions).
      queue = contains(keys(local.queue_of), name) ? {
        arn                        = module.messaging.queue_arns_at_plan[local.queue_of[name]]
        visibility_timeout_seconds = local.visibility_timeouts[local.queue_of[name]]
        maximum_concurrency        = coalesce(try(var.function_settings[name].maximum_concurrency, null), local.default_maximum_concurrency[name])
      } : null
      reserved_concurrency = name == "order-api" ? var.order_api_reserved_concurrency : null
    })
  }
  # The mappings, though, wait for their queues and their on-failure destination.
  event_source_arns                  = { for f, q in local.queue_of : f => module.messaging.queue_arns[q] }
  on_failure_destination_arns        = { order-publisher = module.messaging.dlq_arn }
  dist_dir                           = var.dist_dir
  log_level                          = var.log_level
  source_maps                        = var.source_maps
  extra_environment                  = var.extra_environment
  log_retention_in_days              = var.log_retention_in_days
  tracing_enabled                    = var.observability_enabled
  topic_arn                          = module.messaging.topic_arn
  email_identity_arn                 = module.email.identity_arn
  ses_sandbox                        = var.ses_sandbox
  event_source_mappings_enabled      = var.event_source_mappings_enabled
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
  tags                               = var.tags
}

module "auth" {
  source = "../auth"

  name_prefix           = var.name_prefix
  password_auth_enabled = var.password_auth_enabled
  ses_email = var.user_pool_ses_from_address == null ? null : {
    identity     = module.email.sender_email
    identity_arn = module.email.identity_arn
    from_address = var.user_pool_ses_from_address
  }
  deletion_protection_enabled = var.deletion_protection_enabled
  tags                        = var.tags
}

module "api" {
  source = "../api"

  user_pool_arns = [module.auth.user_pool_arn]

  name                   = "${var.name_prefix}order-api"
  function_name          = module.functions.function_names["order-api"]
  function_invoke_arn    = module.functions.invoke_arns["order-api"]
  stage_name             = var.api_stage_name
  throttling_burst_limit = var.api_throttling_burst_limit
  throttling_rate_limit  = var.api_throttling_rate_limit
  cors_allowed_origins   = var.cors_allowed_origins
  xray_tracing_enabled   = var.observability_enabled
  tags                   = var.tags
}

# Off by default: the role the operator tools run as against AWS (modules/operator).
module "operator" {
  source = "../operator"
  count  = var.operator_role_enabled ? 1 : 0

  name_prefix             = var.name_prefix
  topic_arn               = module.messaging.topic_arn
  queue_arns              = values(module.messaging.queue_arns)
  dlq_arn                 = module.messaging.dlq_arn
  table_arns              = values(module.tables.table_arns)
  function_arns           = values(module.functions.function_arns)
  rest_api_id             = module.api.api_id
  orders_table_arn        = module.tables.table_arns["orders"]
  notifications_table_arn = module.tables.table_arns["notifications"]
  notification_queue_arn  = module.messaging.queue_arns["notification-queue"]
  trusted_principal_arns  = var.operator_trusted_principal_arns
  tags                    = var.tags
}

# AWS only (envs/aws): a dashboard of the pipeline and the saved order-timeline query.
module "observability" {
  source = "../observability"
  count  = var.observability_enabled ? 1 : 0

  name_prefix     = var.name_prefix
  function_names  = module.functions.function_names
  log_group_names = module.functions.log_group_names
  queue_names     = module.messaging.queue_names
  dlq_name        = module.messaging.dlq_name
}
