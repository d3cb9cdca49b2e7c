# The worldview bucket on AWS: versioned, encrypted, private; new sources under incoming/ are
# announced on an SQS queue for the watcher; the worker gets exactly the access the pipeline needs.

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.40, < 7.0"
    }
  }
}

provider "aws" {
  region = var.aws_region
  default_tags {
    tags = var.tags
  }
}

data "aws_caller_identity" "current" {}

locals {
  # Prefixes the worker lists; records and errors are listed to find versions and past failures.
  listed_prefixes = [
    var.incoming_prefix,
    var.records_prefix,
    var.index_prefix,
    var.errors_prefix,
    var.quarantine_prefix,
    var.claims_prefix,
  ]
  # Prefixes the worker reads back (besides the sources): pointers, the index, error records, claims.
  read_prefixes = [var.records_prefix, var.index_prefix, var.errors_prefix, var.claims_prefix]
  # Prefixes the worker writes. Never incoming/: sources are the publishers'.
  written_prefixes = [
    var.records_prefix,
    var.index_prefix,
    var.errors_prefix,
    var.quarantine_prefix,
    var.claims_prefix,
  ]
  kms_key_arns = var.kms_encryption ? [aws_kms_key.bucket[0].arn] : []
}

# ---------------------------------------------------------------------------------------------
# Bucket
# ---------------------------------------------------------------------------------------------

resource "aws_kms_key" "bucket" {
  count                   = var.kms_encryption ? 1 : 0
  description             = "worldview bucket ${var.bucket_name}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  # The account administers the key; who may use it is granted by IAM policies (worker, uploader).
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdministersKeyUseIsGrantedByIam"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_kms_alias" "bucket" {
  count         = var.kms_encryption ? 1 : 0
  name          = "alias/worldview-${var.bucket_name}"
  target_key_id = aws_kms_key.bucket[0].key_id
}

resource "aws_s3_bucket" "worldview" {
  #checkov:skip=CKV_AWS_144:one region is enough; versioning already keeps every source and record
  #checkov:skip=CKV_AWS_18:access logs go to var.access_log_bucket when set (aws_s3_bucket_logging)
  bucket = var.bucket_name
}

resource "aws_s3_bucket_logging" "worldview" {
  count         = var.access_log_bucket == "" ? 0 : 1
  bucket        = aws_s3_bucket.worldview.id
  target_bucket = var.access_log_bucket
  target_prefix = "s3-access/${var.bucket_name}/"
}

resource "aws_s3_bucket_ownership_controls" "worldview" {
  bucket = aws_s3_bucket.worldview.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "worldview" {
  bucket                  = aws_s3_bucket.worldview.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# Every source and record version stays recoverable; records are also immutable by key.
resource "aws_s3_bucket_versioning" "worldview" {
  bucket = aws_s3_bucket.worldview.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "worldview" {
  bucket = aws_s3_bucket.worldview.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_encryption ? "aws:kms" : "AES256"
      kms_master_key_id = var.kms_encryption ? aws_kms_key.bucket[0].arn : null
    }
    bucket_key_enabled = var.kms_encryption
  }
}

data "aws_iam_policy_document" "bucket" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.worldview.arn,
      "${aws_s3_bucket.worldview.arn}/*",
    ]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "worldview" {
  bucket     = aws_s3_bucket.worldview.id
  policy     = data.aws_iam_policy_document.bucket.json
  depends_on = [aws_s3_bucket_public_access_block.worldview]
}

resource "aws_s3_bucket_lifecycle_configuration" "worldview" {
  bucket = aws_s3_bucket.worldview.id

  # Quarantined copies are diagnostics: the source itself stays in incoming/.
  rule {
    id     = "expire-quarantine"
    status = var.quarantine_expiration_days > 0 ? "Enabled" : "Disabled"
    filter {
      prefix = var.quarantine_prefix
    }
    expiration {
      days = max(var.quarantine_expiration_days, 1)
    }
    noncurrent_version_expiration {
      noncurrent_days = 1
    }
  }

  # latest.json pointers and the index are rewritten (compare-and-swap); their old object
  # versions are history nobody reads. Record versions v<N>.json are never overwritten.
  rule {
    id     = "expire-superseded-pointers"
    status = "Enabled"
    filter {
      prefix = var.records_prefix
    }
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }
  }

  rule {
    id     = "expire-superseded-index"
    status = "Enabled"
    filter {
      prefix = var.index_prefix
    }
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }
  }

  rule {
    id     = "abort-incomplete-uploads"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.worldview]
}

# ---------------------------------------------------------------------------------------------
# Upload notifications: S3 -> SQS for the incoming prefix
# ---------------------------------------------------------------------------------------------

resource "aws_sqs_queue" "uploads_dead_letter" {
  name                      = "${var.bucket_name}-uploads-dlq"
  message_retention_seconds = 1209600 # 14 days, the maximum
  sqs_managed_sse_enabled   = true
}

resource "aws_sqs_queue" "uploads" {
  name                       = "${var.bucket_name}-uploads"
  visibility_timeout_seconds = var.queue_visibility_timeout_seconds
  message_retention_seconds  = 345600 # 4 days; the scheduled ingest reconciles anything older
  receive_wait_time_seconds  = 20     # long polling
  # SQS-managed keys: S3 can publish to the queue without a KMS key policy of its own.
  sqs_managed_sse_enabled = true
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.uploads_dead_letter.arn
    maxReceiveCount     = var.queue_max_receive_count
  })
}

data "aws_iam_policy_document" "uploads_queue" {
  statement {
    sid       = "AllowWorldviewBucketNotifications"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.uploads.arn]
    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_s3_bucket.worldview.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_sqs_queue_policy" "uploads" {
  queue_url = aws_sqs_queue.uploads.id
  policy    = data.aws_iam_policy_document.uploads_queue.json
}

resource "aws_s3_bucket_notification" "incoming" {
  bucket = aws_s3_bucket.worldview.id
  queue {
    id            = "worldview-incoming"
    queue_arn     = aws_sqs_queue.uploads.arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = var.incoming_prefix
  }
  # S3 test-publishes to the queue when the notification is created: the policy must exist first.
  depends_on = [aws_sqs_queue_policy.uploads]
}

# ---------------------------------------------------------------------------------------------
# Least-privilege access for the worker (flows and watcher)
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "worker" {
  statement {
    sid       = "ListPipelinePrefixes"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.worldview.arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [for p in local.listed_prefixes : "${p}*"]
    }
  }

  # Revisions of a source, newest first: a late run on an older upload must not make a newer
  # record version (RecordStore.put_version; without it, only the current object may).
  statement {
    sid       = "ListSourceRevisions"
    effect    = "Allow"
    actions   = ["s3:ListBucketVersions"]
    resources = [aws_s3_bucket.worldview.arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.incoming_prefix}*"]
    }
  }

  statement {
    sid       = "ReadSources"
    effect    = "Allow"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = ["${aws_s3_bucket.worldview.arn}/${var.incoming_prefix}*"]
  }

  statement {
    sid       = "ReadPipelineObjects"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = [for p in local.read_prefixes : "${aws_s3_bucket.worldview.arn}/${p}*"]
  }

  # Conditional puts (If-None-Match / If-Match) need nothing beyond s3:PutObject.
  statement {
    sid       = "WritePipelineObjects"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = [for p in local.written_prefixes : "${aws_s3_bucket.worldview.arn}/${p}*"]
  }

  # Belt and braces: whatever else gets attached to the worker, it never changes a source and
  # never deletes anything.
  statement {
    sid    = "NeverModifySourcesOrDelete"
    effect = "Deny"
    actions = [
      "s3:PutObject",
      "s3:DeleteObject",
      "s3:DeleteObjectVersion",
      "s3:PutObjectAcl",
      "s3:PutObjectVersionAcl",
    ]
    resources = ["${aws_s3_bucket.worldview.arn}/${var.incoming_prefix}*"]
  }

  statement {
    sid       = "NeverDelete"
    effect    = "Deny"
    actions   = ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:DeleteBucket"]
    resources = [aws_s3_bucket.worldview.arn, "${aws_s3_bucket.worldview.arn}/*"]
  }

  statement {
    sid    = "ConsumeUploadNotifications"
    effect = "Allow"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:ChangeMessageVisibility",
      "sqs:GetQueueAttributes",
      "sqs:GetQueueUrl",
    ]
    resources = [aws_sqs_queue.uploads.arn]
  }

  dynamic "statement" {
    for_each = var.kms_encryption ? [1] : []
    content {
      sid       = "UseBucketKey"
      effect    = "Allow"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = local.kms_key_arns
    }
  }
}

resource "aws_iam_policy" "worker" {
  name        = "worldview-worker-${var.bucket_name}"
  description = "worldview worker: read sources, write records/index/errors/quarantine/claims, consume upload notifications"
  policy      = data.aws_iam_policy_document.worker.json
}

resource "aws_iam_role" "worker" {
  count = var.worker_role_service == "" ? 0 : 1
  name  = "worldview-worker-${var.bucket_name}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = var.worker_role_service }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "worker" {
  count      = var.worker_role_service == "" ? 0 : 1
  role       = aws_iam_role.worker[0].name
  policy_arn = aws_iam_policy.worker.arn
}

resource "aws_iam_instance_profile" "worker" {
  count = var.worker_role_service == "ec2.amazonaws.com" ? 1 : 0
  name  = "worldview-worker-${var.bucket_name}"
  role  = aws_iam_role.worker[0].name
}

# Publishers (whoever drops analyses into the bucket) may only add sources.
data "aws_iam_policy_document" "uploader" {
  statement {
    sid       = "AddSources"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.worldview.arn}/${var.incoming_prefix}*"]
  }

  dynamic "statement" {
    for_each = var.kms_encryption ? [1] : []
    content {
      sid       = "EncryptWithBucketKey"
      effect    = "Allow"
      actions   = ["kms:GenerateDataKey"]
      resources = local.kms_key_arns
    }
  }
}

resource "aws_iam_policy" "uploader" {
  name        = "worldview-uploader-${var.bucket_name}"
  description = "worldview publishers: add sources under the incoming prefix, nothing else"
  policy      = data.aws_iam_policy_document.uploader.json
}
