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
  description = "Instance name."
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,38}[a-z0-9]$", var.name))
    error_message = "name must be 2-40 lowercase letters, digits or hyphens."
  }
}

variable "network_id" {
  type        = string
  description = "VPC self link the instance is reachable from."
}

variable "private_services_connection" {
  type        = string
  description = "Service networking connection id (PRIVATE_SERVICE_ACCESS needs the peering)."
}

variable "memory_size_gb" {
  type        = number
  description = "Capacity; with noeviction, writes fail when full, so size for the peak backlog."
  default     = 2
  validation {
    condition     = var.memory_size_gb >= 1 && var.memory_size_gb <= 300
    error_message = "memory_size_gb must be between 1 and 300."
  }
}

variable "high_availability" {
  type        = bool
  description = "STANDARD_HA with a replica and automatic failover instead of BASIC."
  default     = true
}

variable "rdb_snapshot_period" {
  type        = string
  description = "How often RDB snapshots are taken (the only persistence Memorystore instances offer)."
  default     = "ONE_HOUR"
  validation {
    condition     = contains(["ONE_HOUR", "SIX_HOURS", "TWELVE_HOURS", "TWENTY_FOUR_HOURS"], var.rdb_snapshot_period)
    error_message = "rdb_snapshot_period must be ONE_HOUR, SIX_HOURS, TWELVE_HOURS or TWENTY_FOUR_HOURS."
  }
}
