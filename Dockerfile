FROM node:20-bookworm-slim
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json .npmrc ./
COPY apps/web/package.json apps/web/
COPY apps/worker/package.json apps/worker/
COPY apps/gateway/package.json apps/gateway/
COPY apps/runtime/package.json apps/runtime/
COPY packages/core/package.json packages/core/
COPY packages/db/package.json packages/db/
COPY packages/queue/package.json packages/queue/
COPY packages/controller/package.json packages/controller/
COPY packages/storage/package.json packages/storage/
COPY packages/onnx-builder/package.json packages/onnx-builder/
COPY packages/artifacts/package.json packages/artifacts/
COPY packages/testkit/package.json packages/testkit/
COPY packages/environments/package.json packages/environments/
RUN npm ci --no-audit --no-fund
COPY . .
# Gateway, worker and runtime run as bundles (apps/*/dist, esbuild); the web as its Next.js build.
RUN node scripts/bootstrap.mjs generate && node scripts/bootstrap.mjs build && npx tsc -b apps/web && cd apps/web && npx next build
