locals {
  # Every key attribute (table and index) must be declared exactly once per table.
  attributes = {
    for name, t in var.tables : name => merge(
      { (t.hash_key) = t.hash_key_type },
      t.range_key == null ? {} : { (t.range_key) = t.range_key_type },
      merge([
        for i in values(t.global_secondary_indexes) : merge(
          { (i.hash_key) = i.hash_key_type },
          i.range_key == null ? {} : { (i.range_key) = i.range_key_type },
        )
      ]...),
    )
  }
}

resource "aws_dynamodb_table" "this" {
  for_each = var.tables

  name                        = "${var.name_prefix}${each.key}"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = each.value.hash_key
  range_key                   = each.value.range_key
  deletion_protection_enabled = var.deletion_protection_enabled
  stream_enabled              = each.value.stream_view_type != null
  stream_view_type            = each.value.stream_view_type

  dynamic "attribute" {
    for_each = local.attributes[each.key]
    content {
      name = attribute.key
      type = attribute.value
    }
  }

  dynamic "global_secondary_index" {
    for_each = each.value.global_secondary_indexes
    content {
      name               = global_secondary_index.key
      hash_key           = global_secondary_index.value.hash_key
      range_key          = global_secondary_index.value.range_key
      projection_type    = global_secondary_index.value.projection_type
      non_key_attributes = global_secondary_index.value.non_key_attributes
    }
  }

  # Only declared when used: an empty ttl block would still be sent as "disabled".
  dynamic "ttl" {
    for_each = each.value.ttl_attribute == null ? [] : [each.value.ttl_attribute]
    content {
      attribute_name = ttl.value
      enabled        = true
    }
  }

  # enabled = true means KMS (aws/dynamodb or the given key) instead of the AWS owned key,
  # so key use shows in CloudTrail.
  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery_enabled
  }

  tags = var.tags
}
