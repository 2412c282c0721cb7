variable "project_id" {
  type        = string
  description = "GCP project that owns the network."
}

variable "region" {
  type        = string
  description = "Region of the subnet, router and NAT."
}

variable "name" {
  type        = string
  description = "Prefix for every network resource."
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name))
    error_message = "name must be lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "nodes_cidr" {
  type        = string
  description = "Primary range of the node subnet."
  validation {
    condition     = can(cidrhost(var.nodes_cidr, 0))
    error_message = "nodes_cidr must be a valid CIDR block."
  }
}

variable "pods_cidr" {
  type        = string
  description = "Secondary range for pod IPs."
  validation {
    condition     = can(cidrhost(var.pods_cidr, 0))
    error_message = "pods_cidr must be a valid CIDR block."
  }
}

variable "services_cidr" {
  type        = string
  description = "Secondary range for Service IPs."
  validation {
    condition     = can(cidrhost(var.services_cidr, 0))
    error_message = "services_cidr must be a valid CIDR block."
  }
}

variable "private_services_prefix_length" {
  type        = number
  description = "Size of the range peered to Google-managed services (Cloud SQL, Memorystore)."
  default     = 20
  validation {
    condition     = var.private_services_prefix_length >= 16 && var.private_services_prefix_length <= 24
    error_message = "private_services_prefix_length must be between 16 and 24."
  }
}
