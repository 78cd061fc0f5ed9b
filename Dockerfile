# syntax=docker/dockerfile:1

# Build stage: every dependency, the TypeScript build, then only the production dependencies are kept.
FROM node:20.19.5-bookworm-slim AS build
# better-sqlite3 compiles from source when its prebuilt binary cannot be downloaded.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# Exactly the lockfile: `npm ci` fails rather than resolve anything anew.
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# Runtime stage: the build and its production dependencies, owned by root and run by the unprivileged `node` user,
# which may write only to the data directory (the SQLite store, when it is the one in use).
FROM node:20.19.5-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    SINERGI_DATA_DIR=/var/lib/sinergi
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
RUN mkdir -p /var/lib/sinergi && chown node:node /var/lib/sinergi
USER node
EXPOSE 3000
# The slim image has no curl: Node's own fetch asks the liveness probe (readiness is /health/ready, for balancers).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# V8 grows its heap by 30% over what a collection keeps, not up to 4 times, and its young generation's semi-spaces
# are 4 MB, not 16: the server's memory stays near its live data (README, national benchmark).
CMD ["node", "--heap-growing-percent=30", "--max-semi-space-size=4", "dist/src/main.js"]
