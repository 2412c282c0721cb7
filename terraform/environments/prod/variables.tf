# What differs between installations of this environment (see terraform.tfvars.example); the types
# are repeated here for the root, the validation lives in modules/platform.
variable "project_id" {
  type        = string
  description = "GCP project to deploy into."
}

variable "region" {
  type        = string
  description = "Region for every regional resource."
  default     = "europe-west1"
}

variable "hostname" {
  type        = string
  description = "Public hostname of the app (Ingress host, bucket CORS origin)."
}

variable "master_authorized_networks" {
  type = list(object({
    cidr = string
    name = string
  }))
  description = "CIDRs allowed to reach the Kubernetes API."
  default     = []
}

variable "ci_members" {
  type        = list(string)
  description = "IAM members allowed to push images."
  default     = []
}
