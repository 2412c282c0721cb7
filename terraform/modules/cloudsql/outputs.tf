output "instance_name" {
  description = "Instance name."
  value       = google_sql_database_instance.this.name
}

output "connection_name" {
  description = "project:region:instance, for the Cloud SQL connector if used."
  value       = google_sql_database_instance.this.connection_name
}

output "private_ip" {
  description = "Private IP the pods connect to."
  value       = google_sql_database_instance.this.private_ip_address
}

output "database_url" {
  description = "DATABASE_URL for the voicepulse-runtime Secret."
  value       = "postgres://${google_sql_user.app.name}:${urlencode(random_password.app.result)}@${google_sql_database_instance.this.private_ip_address}:5432/${google_sql_database.app.name}?sslmode=require"
  sensitive   = true
}
