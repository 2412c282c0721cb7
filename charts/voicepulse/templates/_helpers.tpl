{{/* Naming ---------------------------------------------------------------- */}}
{{- define "voicepulse.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "voicepulse.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* "<fullname>-<component>", kept within the 63-character DNS label limit. */}}
{{- define "voicepulse.componentName" -}}
{{- printf "%s-%s" (include "voicepulse.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "voicepulse.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels ---------------------------------------------------------------- */}}
{{- define "voicepulse.selectorLabels" -}}
app.kubernetes.io/name: {{ include "voicepulse.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "voicepulse.labels" -}}
helm.sh/chart: {{ include "voicepulse.chart" .root }}
{{ include "voicepulse.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: voicepulse
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Images ---------------------------------------------------------------- */}}
{{- define "voicepulse.image" -}}
{{- $img := .svc.image -}}
{{- $repo := printf "%s/%s" (.root.Values.image.registry | trimSuffix "/") $img.name -}}
{{- if $img.digest -}}
{{- printf "%s@%s" $repo $img.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (default (default .root.Chart.AppVersion .root.Values.image.tag) $img.tag) -}}
{{- end -}}
{{- end -}}

{{- define "voicepulse.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "voicepulse.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Secrets --------------------------------------------------------------- */}}
{{- define "voicepulse.secretName" -}}
{{- default (include "voicepulse.componentName" (dict "root" . "component" "secrets")) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "voicepulse.databaseUrl" -}}
{{- if .Values.postgresql.enabled -}}
{{- $pg := .Values.postgresql.auth -}}
{{- printf "postgres://%s:%s@%s:5432/%s" $pg.username (urlquery $pg.password) (include "voicepulse.componentName" (dict "root" . "component" "postgresql")) $pg.database -}}
{{- else -}}
{{- .Values.externalDatabase.url -}}
{{- end -}}
{{- end -}}

{{- define "voicepulse.redisPassword" -}}
{{- if .Values.redis.enabled -}}{{ .Values.redis.password }}{{- else -}}{{ .Values.externalRedis.password }}{{- end -}}
{{- end -}}

{{- define "voicepulse.redisUrl" -}}
{{- if .Values.redis.enabled -}}
{{- printf "redis://:%s@%s:6379/0" (urlquery .Values.redis.password) (include "voicepulse.componentName" (dict "root" . "component" "redis")) -}}
{{- else -}}
{{- .Values.externalRedis.url -}}
{{- end -}}
{{- end -}}

{{- define "voicepulse.secretData" -}}
{{ .Values.secrets.keys.databaseUrl }}: {{ include "voicepulse.databaseUrl" . | b64enc | quote }}
{{ .Values.secrets.keys.redisUrl }}: {{ include "voicepulse.redisUrl" . | b64enc | quote }}
{{- with include "voicepulse.redisPassword" . }}
{{ $.Values.secrets.keys.redisPassword }}: {{ . | b64enc | quote }}
{{- end }}
{{- with .Values.secrets.authJwtSecret }}
{{ $.Values.secrets.keys.authJwtSecret }}: {{ . | b64enc | quote }}
{{- end }}
{{- if .Values.minio.enabled }}
{{ .Values.secrets.keys.s3AccessKeyId }}: {{ .Values.minio.rootUser | b64enc | quote }}
{{ .Values.secrets.keys.s3SecretAccessKey }}: {{ .Values.minio.rootPassword | b64enc | quote }}
{{- else }}
{{- with .Values.secrets.s3AccessKeyId }}
{{ $.Values.secrets.keys.s3AccessKeyId }}: {{ . | b64enc | quote }}
{{- end }}
{{- with .Values.secrets.s3SecretAccessKey }}
{{ $.Values.secrets.keys.s3SecretAccessKey }}: {{ . | b64enc | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Config ---------------------------------------------------------------- */}}
{{/* Read by every Node service (scripts/shipped-config.test.ts checks each reads all it is given). */}}
{{- define "voicepulse.configData" -}}
NODE_ENV: {{ .Values.config.nodeEnv | quote }}
LOG_LEVEL: {{ .Values.config.logLevel | quote }}
QUEUE_PREFIX: {{ .Values.config.queuePrefix | quote }}
SHUTDOWN_TIMEOUT_MS: {{ .Values.config.shutdownTimeoutMs | int64 | quote }}
DATABASE_POOL_MAX: {{ .Values.config.databasePoolMax | int64 | quote }}
{{- end -}}

{{/* Read by the services that use object storage (gateway, transcoder, scorer). */}}
{{- define "voicepulse.storageConfigData" -}}
STORAGE_DRIVER: {{ .Values.storage.driver | quote }}
STORAGE_BUCKET: {{ .Values.storage.bucket | quote }}
STORAGE_FS_ROOT: {{ .Values.storage.fsRoot | quote }}
{{- if .Values.minio.enabled }}
S3_ENDPOINT: {{ printf "http://%s:9000" (include "voicepulse.componentName" (dict "root" . "component" "minio")) | quote }}
S3_FORCE_PATH_STYLE: "true"
{{- else }}
S3_ENDPOINT: {{ .Values.storage.s3.endpoint | quote }}
S3_FORCE_PATH_STYLE: {{ .Values.storage.s3.forcePathStyle | quote }}
{{- end }}
S3_REGION: {{ .Values.storage.s3.region | quote }}
GCS_PROJECT_ID: {{ .Values.storage.gcs.projectId | quote }}
GCS_API_ENDPOINT: {{ .Values.storage.gcs.apiEndpoint | quote }}
{{- end -}}

{{/* Rolls pods whenever config or chart-managed secrets change. */}}
{{- define "voicepulse.checksums" -}}
checksum/config: {{ print (include "voicepulse.configData" .) (include "voicepulse.storageConfigData" .) | sha256sum }}
{{- if not .Values.secrets.existingSecret }}
checksum/secret: {{ include "voicepulse.secretData" . | sha256sum }}
{{- end }}
{{- end -}}

{{/* Env shared by every Node service: ConfigMap + secret references (with key mapping). */}}
{{- define "voicepulse.secretEnv" -}}
{{- $secret := include "voicepulse.secretName" .root -}}
{{- $keys := .root.Values.secrets.keys -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: {{ $keys.databaseUrl }} }
- name: REDIS_URL
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: {{ $keys.redisUrl }} }
{{- if .storage }}
{{- /* Optional: on GKE/EKS the cloud credential chain replaces static keys. */}}
- name: S3_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: {{ $keys.s3AccessKeyId }}, optional: true }
- name: S3_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: {{ $keys.s3SecretAccessKey }}, optional: true }
{{- end }}
{{- end -}}

{{/* Extra per-service env from a plain map. */}}
{{- define "voicepulse.extraEnv" -}}
{{- range $k, $v := . }}
- name: {{ $k }}
  value: {{ $v | toString | quote }}
{{- end }}
{{- end -}}

{{/* What migrate.mjs needs: the database, and how long to wait for it (apply) or for the Job (wait). */}}
{{- define "voicepulse.migrateEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef: { name: {{ include "voicepulse.secretName" . }}, key: {{ .Values.secrets.keys.databaseUrl }} }
- name: LOG_LEVEL
  value: {{ .Values.config.logLevel | quote }}
- name: MIGRATE_WAIT_S
  value: {{ .Values.migrations.activeDeadlineSeconds | int64 | quote }}
{{- end -}}

{{/* Every Node service pod starts only once the schema its image expects is in place. */}}
{{- define "voicepulse.waitForSchema" -}}
- name: wait-for-schema
  image: {{ include "voicepulse.image" (dict "root" . "svc" .Values.gateway) }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  args: ["apps/gateway/dist/migrate.mjs", "--wait"]
  env:
    {{- include "voicepulse.migrateEnv" . | nindent 4 }}
  resources:
    requests: { cpu: 10m, memory: 64Mi }
    limits: { memory: 128Mi }
  securityContext:
    {{- toYaml .Values.containerSecurityContext | nindent 4 }}
{{- end -}}

{{- define "voicepulse.probes" -}}
{{- $p := .root.Values.probes -}}
startupProbe:
  httpGet: { path: /healthz, port: {{ .port }} }
  periodSeconds: {{ $p.startup.periodSeconds }}
  failureThreshold: {{ $p.startup.failureThreshold }}
livenessProbe:
  httpGet: { path: /healthz, port: {{ .port }} }
  periodSeconds: {{ $p.liveness.periodSeconds }}
  timeoutSeconds: {{ $p.liveness.timeoutSeconds }}
  failureThreshold: {{ $p.liveness.failureThreshold }}
readinessProbe:
  httpGet: { path: {{ default "/readyz" .readinessPath }}, port: {{ .port }} }
  periodSeconds: {{ $p.readiness.periodSeconds }}
  timeoutSeconds: {{ $p.readiness.timeoutSeconds }}
  failureThreshold: {{ $p.readiness.failureThreshold }}
{{- end -}}

{{- define "voicepulse.podScheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "voicepulse.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Queue each worker is scaled on (`scaleOn` in its apps/<svc>/src/manifest.ts; scripts/shipped-config.test.ts checks); KEDA watches its wait list. */}}
{{- define "voicepulse.workerQueue" -}}
{{- get (dict "transcoder" "transcode" "scorer" "score" "ingestor" "metrics") . -}}
{{- end -}}

{{- define "voicepulse.kedaRedisAddress" -}}
{{- if .Values.keda.redis.address -}}
{{- .Values.keda.redis.address -}}
{{- else if .Values.redis.enabled -}}
{{- printf "%s:6379" (include "voicepulse.componentName" (dict "root" . "component" "redis")) -}}
{{- end -}}
{{- end -}}
