variable "project_id" {
  type        = string
  description = "GCP project of the instance."
}

variable "region" {
  type        = string
  description = "Region of the instance."
}

variable "name" {
  type        = string
  description = "Instance name (not reusable for a week after deletion)."
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,96}$", var.name))
    error_message = "name must start with a letter and use lowercase letters, digits and hyphens."
  }
}

variable "network_id" {
  type        = string
  description = "VPC self link for the private IP."
}

variable "private_services_connection" {
  type        = string
  description = "Service networking connection id; the instance needs the peering first."
}

variable "tier" {
  type        = string
  description = "Machine tier, e.g. db-custom-2-7680."
  default     = "db-custom-2-7680"
  validation {
    condition     = can(regex("^db-", var.tier))
    error_message = "tier must be a Cloud SQL tier name (db-...)."
  }
}

variable "high_availability" {
  type        = bool
  description = "REGIONAL (standby in another zone) instead of ZONAL."
  default     = true
}

variable "disk_size_gb" {
  type        = number
  description = "Initial disk size; it grows automatically."
  default     = 50
  validation {
    condition     = var.disk_size_gb >= 10
    error_message = "disk_size_gb must be at least 10."
  }
}

variable "backup_retention_count" {
  type        = number
  description = "Daily backups kept."
  default     = 14
  validation {
    condition     = var.backup_retention_count >= 1 && var.backup_retention_count <= 365
    error_message = "backup_retention_count must be between 1 and 365."
  }
}

variable "pitr_days" {
  type        = number
  description = "Days of WAL kept for point-in-time recovery."
  default     = 7
  validation {
    condition     = var.pitr_days >= 1 && var.pitr_days <= 7
    error_message = "pitr_days must be between 1 and 7 (Enterprise edition limit)."
  }
}

variable "max_connections" {
  type        = number
  description = "Postgres max_connections."
  default     = 200
  validation {
    condition     = var.max_connections >= 25
    error_message = "max_connections must be at least 25."
  }
}

variable "database_name" {
  type        = string
  description = "Application database."
  default     = "voicepulse"
}

variable "user_name" {
  type        = string
  description = "Application user."
  default     = "voicepulse"
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse deletion of the instance (both Terraform and API level)."
  default     = true
}
