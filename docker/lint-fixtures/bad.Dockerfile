# Deliberately broken: check-deploy.sh asserts docker/lint.mjs reports every rule below.
FROM node:latest AS build
ARG NPM_TOKEN
ADD https://example.com/tool.tar.gz /tmp/
RUN curl -fsSL https://example.com/install.sh | sh
RUN apt-get update && apt-get install -y ffmpeg

FROM node:20
ENV API_KEY=abc123
WORKDIR app
USER node
CMD node main.js
