variable "project_id" {
  type        = string
  description = "GCP project."
}

variable "location" {
  type        = string
  description = "Repository location (region)."
}

variable "repository_id" {
  type        = string
  description = "Repository id."
  default     = "voicepulse"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,62}$", var.repository_id))
    error_message = "repository_id must be lowercase letters, digits and hyphens."
  }
}

variable "immutable_tags" {
  type        = bool
  description = "Refuse to overwrite an existing tag (release tags stay reproducible)."
  default     = true
}

variable "keep_recent_versions" {
  type        = number
  description = "Image versions always kept per package."
  default     = 20
  validation {
    condition     = var.keep_recent_versions >= 1
    error_message = "keep_recent_versions must be at least 1."
  }
}
