# syntax=docker/dockerfile:1
#
# One image for the worker and the web app (see docker-compose.yml).
# Debian (glibc) rather than Alpine: @temporalio/core-bridge, @swc/core,
# esbuild and better-sqlite3 ship prebuilt glibc binaries.

# --- dependencies: compilers are needed only if better-sqlite3 has to be
#     built from source (no prebuilt binary for this Node/arch) -------------
FROM node:20-bookworm-slim AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# Full install, dev dependencies included: TypeScript runs through tsx at
# runtime. NODE_ENV must not be "production" here, or npm omits them.
RUN npm ci --no-audit --no-fund \
 && npm cache clean --force

# --- runtime --------------------------------------------------------------
FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node . .
# /app/data is created here, owned by `node`, so a fresh named volume mounted
# on it inherits that ownership.
RUN mkdir -p /app/data && chown node:node /app /app/data
# The workflow code bundled at build time: a worker that bundles it at start keeps webpack's
# memory (about 130 MB) for its life.
RUN npm run build:workflows -- /app/dist/workflows.js

ENV NODE_ENV=production \
    DATA_DIR=/app/data \
    WORKFLOW_BUNDLE=/app/dist/workflows.js \
    NPM_CONFIG_UPDATE_NOTIFIER=false
USER node
VOLUME /app/data
EXPOSE 3000
CMD ["npm", "run", "worker"]
