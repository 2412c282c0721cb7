output "network_id" {
  description = "Self link of the VPC."
  value       = google_compute_network.this.id
}

output "network_name" {
  description = "Name of the VPC."
  value       = google_compute_network.this.name
}

output "subnetwork_id" {
  description = "Self link of the node subnet."
  value       = google_compute_subnetwork.nodes.id
}

output "pods_range_name" {
  description = "Secondary range name for pods."
  value       = google_compute_subnetwork.nodes.secondary_ip_range[0].range_name
}

output "services_range_name" {
  description = "Secondary range name for Services."
  value       = google_compute_subnetwork.nodes.secondary_ip_range[1].range_name
}

output "private_services_connection" {
  description = "The service networking peering; Cloud SQL and Memorystore depend on it."
  value       = google_service_networking_connection.private_services.id
}
