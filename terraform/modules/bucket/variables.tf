variable "project_id" {
  type        = string
  description = "GCP project of the bucket."
}

variable "name" {
  type        = string
  description = "Globally unique bucket name."
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$", var.name))
    error_message = "name must be 3-63 lowercase letters, digits, hyphens or underscores."
  }
}

variable "location" {
  type        = string
  description = "Bucket location (region or multi-region); keep it next to the cluster."
}

variable "cors_origins" {
  type        = list(string)
  description = "Origins allowed to upload directly from the browser."
  validation {
    condition     = alltrue([for o in var.cors_origins : can(regex("^https?://[^/*]+$", o))])
    error_message = "cors_origins must be scheme://host[:port] origins without paths or wildcards."
  }
}

variable "versioning" {
  type        = bool
  description = "Keep overwritten/deleted objects (removed after noncurrent_retention_days)."
  default     = false
}

variable "noncurrent_retention_days" {
  type        = number
  description = "Days a noncurrent version is kept when versioning is on."
  default     = 30
}

variable "nearline_after_days" {
  type        = number
  description = "Move recordings to NEARLINE after this many days."
  default     = 30
  validation {
    condition     = var.nearline_after_days >= 1
    error_message = "nearline_after_days must be at least 1."
  }
}

variable "delete_after_days" {
  type        = number
  description = "Delete recordings after this many days (null = keep forever)."
  default     = null
  validation {
    condition     = var.delete_after_days == null || try(var.delete_after_days >= 1, false)
    error_message = "delete_after_days must be null or at least 1."
  }
}

variable "force_destroy" {
  type        = bool
  description = "Allow terraform destroy of a non-empty bucket (dev only)."
  default     = false
}
