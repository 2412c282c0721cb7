output "host" {
  description = "Private IP of the primary."
  value       = google_redis_instance.this.host
}

output "port" {
  description = "Port (6378 when in-transit encryption is on)."
  value       = google_redis_instance.this.port
}

output "address" {
  description = "host:port, for KEDA's redis scaler."
  value       = "${google_redis_instance.this.host}:${google_redis_instance.this.port}"
}

output "auth_string" {
  description = "AUTH password."
  value       = google_redis_instance.this.auth_string
  sensitive   = true
}

output "redis_url" {
  description = "REDIS_URL (TLS) for the voicepulse-runtime Secret."
  value       = "rediss://:${urlencode(google_redis_instance.this.auth_string)}@${google_redis_instance.this.host}:${google_redis_instance.this.port}/0"
  sensitive   = true
}

output "server_ca_certs" {
  description = "CA certificates to trust for the TLS connection."
  value       = google_redis_instance.this.server_ca_certs
}
