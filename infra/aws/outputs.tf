output "bucket_name" {
  description = "WORLDVIEW_BUCKET"
  value       = aws_s3_bucket.worldview.id
}

output "bucket_arn" {
  value = aws_s3_bucket.worldview.arn
}

output "uploads_queue_url" {
  description = "The queue the watcher long-polls for new sources (WORLDVIEW_SQS_QUEUE_URL)."
  value       = aws_sqs_queue.uploads.id
}

output "uploads_queue_arn" {
  value = aws_sqs_queue.uploads.arn
}

output "uploads_dead_letter_queue_url" {
  description = "Notifications the watcher failed on repeatedly; the scheduled ingest still covers them."
  value       = aws_sqs_queue.uploads_dead_letter.id
}

output "kms_key_arn" {
  value = var.kms_encryption ? aws_kms_key.bucket[0].arn : null
}

output "worker_policy_arn" {
  value = aws_iam_policy.worker.arn
}

output "worker_policy_json" {
  description = "The worker's policy document, for review."
  value       = data.aws_iam_policy_document.worker.json
}

output "worker_role_arn" {
  value = var.worker_role_service == "" ? null : aws_iam_role.worker[0].arn
}

output "worker_instance_profile" {
  value = var.worker_role_service == "ec2.amazonaws.com" ? aws_iam_instance_profile.worker[0].name : null
}

output "uploader_policy_arn" {
  value = aws_iam_policy.uploader.arn
}

# Paste into the worker's environment (or the compose .env). An empty endpoint means AWS S3;
# credentials come from the instance role through the standard AWS chain.
output "worker_environment" {
  value = {
    WORLDVIEW_S3_ENDPOINT   = ""
    WORLDVIEW_S3_REGION     = var.aws_region
    WORLDVIEW_BUCKET        = aws_s3_bucket.worldview.id
    WORLDVIEW_SQS_QUEUE_URL = aws_sqs_queue.uploads.id
  }
}
