# Redis 7 for BullMQ: AUTH and in-transit TLS on, never evict keys (an evicted job key is a lost
# recording). Memorystore for Redis *instances* offer only RDB persistence — AOF exists only in
# Memorystore for Redis Cluster, whose multi-slot restrictions break BullMQ's Lua scripts unless
# the queue prefix is hash-tagged. So durability here = STANDARD_HA replication (a zone loss fails
# over with no snapshot gap) + RDB snapshots for a whole-instance loss.
resource "google_redis_instance" "this" {
  project                 = var.project_id
  name                    = var.name
  region                  = var.region
  tier                    = var.high_availability ? "STANDARD_HA" : "BASIC"
  memory_size_gb          = var.memory_size_gb
  redis_version           = "REDIS_7_2"
  authorized_network      = var.network_id
  connect_mode            = "PRIVATE_SERVICE_ACCESS"
  auth_enabled            = true
  transit_encryption_mode = "SERVER_AUTHENTICATION"
  replica_count           = var.high_availability ? 1 : null
  read_replicas_mode      = var.high_availability ? "READ_REPLICAS_ENABLED" : "READ_REPLICAS_DISABLED"

  redis_configs = {
    "maxmemory-policy" = "noeviction"
  }

  persistence_config {
    persistence_mode    = "RDB"
    rdb_snapshot_period = var.rdb_snapshot_period
  }

  maintenance_policy {
    weekly_maintenance_window {
      day = "SUNDAY"
      start_time {
        hours   = 3
        minutes = 0
      }
    }
  }

  depends_on = [var.private_services_connection]
}
