# syntax=docker/dockerfile:1.7
# Static web UI: vite build, served by unprivileged nginx on 8080. /v1 is routed to the gateway by
# the Ingress on Kubernetes; compose mounts docker/web/gateway-proxy.conf into
# /etc/nginx/voicepulse.d/ so this nginx proxies it there.
#   docker build -f docker/web.Dockerfile -t voicepulse/web .

ARG NODE_IMAGE=node:20.20.2-bookworm-slim
ARG NGINX_IMAGE=nginxinc/nginx-unprivileged:1.28.0-alpine3.21

FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV NX_DAEMON=false \
    NX_NO_CLOUD=true \
    ONNXRUNTIME_NODE_INSTALL=skip
COPY . .
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
RUN npx nx run @voicepulse/web:build && test -f apps/web/dist/index.html

FROM ${NGINX_IMAGE} AS runtime
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="voicepulse-web" \
      org.opencontainers.image.description="voicepulse web UI (static assets)" \
      org.opencontainers.image.source="https://github.com/voicepulse/voicepulse" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="nginxinc/nginx-unprivileged:1.28.0-alpine3.21"
COPY docker/web/nginx.conf /etc/nginx/nginx.conf
COPY docker/web/voicepulse.d/ /etc/nginx/voicepulse.d/
COPY --from=build /src/apps/web/dist /usr/share/nginx/html
# nginx-unprivileged's own user (uid 101), numeric so runAsNonRoot can verify it.
USER 101:101
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --retries=3 \
  CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["nginx", "-g", "daemon off;"]
