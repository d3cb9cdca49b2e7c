variable "aws_region" {
  description = "Region of the bucket, the queue and the KMS key."
  type        = string
  default     = "us-east-1"
}

variable "bucket_name" {
  description = "Globally unique name of the worldview bucket (WORLDVIEW_BUCKET)."
  type        = string
}

variable "access_log_bucket" {
  description = "Existing bucket that receives S3 server access logs; empty: no access logging."
  type        = string
  default     = ""
}

variable "kms_encryption" {
  description = "Encrypt with a customer-managed KMS key (true) or with S3-managed AES256 keys (false)."
  type        = bool
  default     = true
}

# The bucket layout of worldview/storage.py. tests/test_infra.py fails when these defaults drift
# from the code (Settings.incoming_prefix/records_prefix and the storage module's constants).
variable "incoming_prefix" {
  description = "Sources; the pipeline only reads them (WORLDVIEW_INCOMING_PREFIX)."
  type        = string
  default     = "incoming/"
}

variable "records_prefix" {
  description = "Immutable record versions and latest pointers (WORLDVIEW_RECORDS_PREFIX)."
  type        = string
  default     = "records/"
}

variable "index_prefix" {
  description = "The consumers' manifest of every document's latest record."
  type        = string
  default     = "index/"
}

variable "errors_prefix" {
  description = "Error records: which step failed for which source, and why."
  type        = string
  default     = "errors/"
}

variable "quarantine_prefix" {
  description = "Copies of sources that failed."
  type        = string
  default     = "quarantine/"
}

variable "claims_prefix" {
  description = "The watcher's exactly-once markers per uploaded object version."
  type        = string
  default     = "claims/"
}

variable "quarantine_expiration_days" {
  description = "Delete quarantined copies after this many days (the source stays in incoming/); 0 keeps them."
  type        = number
  default     = 90
}

variable "noncurrent_version_expiration_days" {
  description = "Delete superseded object versions (rewritten pointers and index) after this many days."
  type        = number
  default     = 30
}

variable "queue_visibility_timeout_seconds" {
  description = "How long a received upload notification stays hidden while the watcher handles it."
  type        = number
  default     = 120
}

variable "queue_max_receive_count" {
  description = "Deliveries of one notification before it moves to the dead-letter queue."
  type        = number
  default     = 5
}

variable "worker_role_service" {
  description = "AWS service that runs the worker (ec2.amazonaws.com, ecs-tasks.amazonaws.com); empty: no role, attach the policy yourself."
  type        = string
  default     = "ec2.amazonaws.com"
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = { project = "worldview" }
}
