# syntax=docker/dockerfile:1
# Trellis images. Targets: `runtime` (default; server, worker, or both via supervise.ts) and `web`
# (nginx serving the built client and proxying to the servers). Used by docker-compose.yml.
ARG NODE_IMAGE=node:22-bookworm-slim

# --- deps: every workspace's dependencies, with the toolchain better-sqlite3 may need to compile.
FROM ${NODE_IMAGE} AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/schema/package.json shared/schema/
COPY shared/store/package.json shared/store/
COPY shared/runtime/package.json shared/runtime/
COPY shared/engine/package.json shared/engine/
COPY server/package.json server/
COPY worker/package.json worker/
COPY client/package.json client/
RUN npm ci --no-audit --no-fund

# --- build: the web app (client/dist, precompressed) and the compiled server, worker and supervisor
# (dist/*.js, scripts/build-server.ts).
FROM deps AS build
COPY . .
RUN npm run build

# --- prune: production dependencies only (no TypeScript toolchain: the image runs dist/*.js), the
# compiled output and the web app; no sources.
FROM build AS prune
RUN npm prune --omit=dev --no-audit --no-fund \
 && rm -rf client/src client/node_modules dist/*.map \
 && npm cache clean --force

# --- web: nginx with the built client; config in deploy/nginx/trellis.conf.
FROM nginx:1.27-alpine AS web
COPY deploy/nginx/trellis.conf /etc/nginx/conf.d/default.conf
COPY --from=build /app/client/dist /usr/share/nginx/html

# --- runtime: slim Node 22, no build tools, non-root. Code is root-owned (read-only to the app).
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=prune /app /app
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/api/ready').then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Default: server and worker in one container (the `npm start` supervisor, compiled). Compose runs them separately.
# NODE_ENV=production: set SUPABASE_URL or SUPABASE_JWT_SECRET (or DEV_LOGIN=1 for a trial), or the server refuses to start.
CMD ["node", "dist/supervise.js"]
