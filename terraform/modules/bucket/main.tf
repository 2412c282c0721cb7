# Recording storage: uniform bucket-level access (no per-object ACLs), public access prevented,
# CORS for browser direct uploads via signed URLs, lifecycle to cheaper classes and expiry.
resource "google_storage_bucket" "this" {
  project                     = var.project_id
  name                        = var.name
  location                    = var.location
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.force_destroy

  versioning {
    enabled = var.versioning
  }

  cors {
    origin          = var.cors_origins
    method          = ["GET", "HEAD", "PUT", "POST"]
    response_header = ["Content-Type", "Content-MD5", "x-goog-resumable", "x-goog-content-sha256", "ETag"]
    max_age_seconds = 3600
  }

  lifecycle_rule {
    condition {
      age = var.nearline_after_days
    }
    action {
      type          = "SetStorageClass"
      storage_class = "NEARLINE"
    }
  }

  dynamic "lifecycle_rule" {
    for_each = var.delete_after_days == null ? [] : [var.delete_after_days]
    content {
      condition {
        age = lifecycle_rule.value
      }
      action {
        type = "Delete"
      }
    }
  }

  # Abandoned resumable uploads otherwise accrue storage forever.
  lifecycle_rule {
    condition {
      age = 1
    }
    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }

  dynamic "lifecycle_rule" {
    for_each = var.versioning ? [1] : []
    content {
      condition {
        days_since_noncurrent_time = var.noncurrent_retention_days
      }
      action {
        type = "Delete"
      }
    }
  }
}
