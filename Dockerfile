# syntax=docker/dockerfile:1
# Multi-stage build: compile the service with dev dependencies; the runtime stage holds production
# dependencies and the compiled service (dist/src, dist/migrations, dist/web) only — no bench/,
# scripts/ or test/ code. Checked end to end by deploy/verify-image.sh (npm run verify:image).
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# the frontend kit's packages are npm workspaces of the root: npm ci links them
COPY packages ./packages
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY deploy/tsconfig.image.json ./deploy/
COPY src ./src
COPY migrations ./migrations
COPY web ./web
# the metric's WebAssembly kernels (AssemblyScript), loaded from next to their module
COPY wasm ./wasm
RUN npm run build:packages --silent && npm run build:wasm --silent && npx tsc -p deploy/tsconfig.image.json \
 && cp src/modules/quality/ssimulacra2.wasm dist/src/modules/quality/ && npm run build:web --silent

FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci wants the workspaces' manifests; the service itself imports none of the kit's packages
COPY packages ./packages
# type declarations, source maps, docs and typeorm's browser build are never loaded by the service
RUN npm ci --omit=dev --omit=peer --no-audit --no-fund \
 && find node_modules -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' -o -name '*.md' \) -delete \
 && rm -rf node_modules/typeorm/browser

FROM node:24-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=196608 \
    NODE_OPTIONS=--max-semi-space-size=16
WORKDIR /app
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/migrations ./dist/migrations
COPY --from=build /app/dist/web ./dist/web
# The embedded PostgreSQL refuses to run as root: run everything as the unprivileged node user (uid 1000).
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/main.js", "serve"]
