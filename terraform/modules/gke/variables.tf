variable "project_id" {
  type        = string
  description = "GCP project of the cluster."
}

variable "region" {
  type        = string
  description = "Region; the cluster is regional (control plane and nodes across zones)."
}

variable "name" {
  type        = string
  description = "Cluster name."
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,38}[a-z0-9]$", var.name))
    error_message = "name must be 3-40 lowercase letters, digits or hyphens."
  }
}

variable "network_id" {
  type        = string
  description = "VPC self link."
}

variable "subnetwork_id" {
  type        = string
  description = "Node subnet self link."
}

variable "pods_range_name" {
  type        = string
  description = "Secondary range for pods."
}

variable "services_range_name" {
  type        = string
  description = "Secondary range for Services."
}

variable "autopilot" {
  type        = bool
  description = "Use GKE Autopilot instead of a Standard cluster with a managed node pool."
  default     = false
}

variable "release_channel" {
  type        = string
  description = "GKE release channel."
  default     = "REGULAR"
  validation {
    condition     = contains(["RAPID", "REGULAR", "STABLE"], var.release_channel)
    error_message = "release_channel must be RAPID, REGULAR or STABLE."
  }
}

variable "master_cidr" {
  type        = string
  description = "/28 for the control plane's private endpoint (Standard mode)."
  default     = "172.16.0.0/28"
  validation {
    condition     = can(cidrhost(var.master_cidr, 0)) && endswith(var.master_cidr, "/28")
    error_message = "master_cidr must be a /28 CIDR block."
  }
}

variable "master_authorized_networks" {
  type = list(object({
    cidr = string
    name = string
  }))
  description = "Networks allowed to reach the public control-plane endpoint (empty = none)."
  default     = []
}

variable "node_pool" {
  type = object({
    machine_type       = string
    min_nodes_per_zone = number
    max_nodes_per_zone = number
    disk_size_gb       = number
    spot               = bool
  })
  description = "Node pool shape (Standard mode only)."
  default = {
    machine_type       = "e2-standard-4"
    min_nodes_per_zone = 1
    max_nodes_per_zone = 5
    disk_size_gb       = 100
    spot               = false
  }
  validation {
    condition     = var.node_pool.min_nodes_per_zone >= 0 && var.node_pool.max_nodes_per_zone >= var.node_pool.min_nodes_per_zone
    error_message = "node_pool needs 0 <= min_nodes_per_zone <= max_nodes_per_zone."
  }
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse terraform destroy of the cluster."
  default     = true
}
