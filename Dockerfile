# One image per service: `docker build --target <service> .` (gateway, auth, chat, asset, kb, web).
# The `dev` target is what docker-compose.yml runs, with the sources mounted for hot reload.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM deps AS dev
RUN npm ci --no-audit --no-fund
COPY . .
ENV PORT=8000 HOST=0.0.0.0
EXPOSE 8000

FROM deps AS runtime
COPY tsconfig.json ./
COPY lib lib
COPY apps apps
ENV NODE_ENV=production PORT=8000 HOST=0.0.0.0
USER node
EXPOSE 8000

FROM runtime AS gateway
CMD ["node_modules/.bin/tsx", "apps/gateway/main.ts"]

FROM runtime AS auth
CMD ["node_modules/.bin/tsx", "apps/auth/main.ts"]

FROM runtime AS chat
CMD ["node_modules/.bin/tsx", "apps/chat/main.ts"]

FROM runtime AS asset
CMD ["node_modules/.bin/tsx", "apps/asset/main.ts"]

FROM runtime AS kb
CMD ["node_modules/.bin/tsx", "apps/kb/main.ts"]

FROM runtime AS web
CMD ["node_modules/.bin/tsx", "apps/web/main.ts"]
