# Points every service this stack uses at one emulator (moto_server, or LocalStack). tflocal
# replaces this whole block with its own override, which is why nothing else depends on it.
provider "aws" {
  region     = var.region
  access_key = "test"
  secret_key = "test"

  skip_credentials_validation = true
  skip_metadata_api_check     = true
  # The emulators answer sts:GetCallerIdentity (000000000000). Skipping it would leave the
  # account out of every ARN the provider builds itself: the API's execution ARN (and so the
  # lambda:InvokeFunction source ARNs) and the SES identity ARN in the notification policy
  # came out as "arn:aws:ses:us-east-1::identity/...".
  skip_requesting_account_id = false
  s3_use_path_style          = true

  endpoints {
    apigateway = var.endpoint
    cloudwatch = var.endpoint
    cognitoidp = var.endpoint
    dynamodb   = var.endpoint
    events     = var.endpoint
    iam        = var.endpoint
    kms        = var.endpoint
    lambda     = var.endpoint
    logs       = var.endpoint
    ses        = var.endpoint
    sesv2      = var.endpoint
    sns        = var.endpoint
    sqs        = var.endpoint
    sts        = var.endpoint
  }
}
