# Incident Command in a container: `podman build -t incident-command .` (or docker), then see
# compose.yaml for a server with PostgreSQL. README: "Running in a container".

# Build: the full image has the compilers better-sqlite3 falls back to when no prebuilt binary fits.
FROM docker.io/library/node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY console console
RUN npm run build --silent && npm prune --omit=dev --no-audit --no-fund

# Run: only what `node dist/cli/main.js serve` needs, as the unprivileged `node` user of the base image.
FROM docker.io/library/node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    INCIDENT_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# The shipped drill scripts, found next to dist/ (README "Drills"); a team's own go in INCIDENT_DRILLS_DIR.
COPY drills drills
# The SQLite database and the admin token file live here; with DATABASE_URL only the token file does.
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form, node itself as PID 1: the runtime's SIGTERM reaches the server, which drains and exits
# within its 10 s grace (npm would not pass it on).
STOPSIGNAL SIGTERM
CMD ["node", "dist/cli/main.js", "serve"]
