export { type CreateRateLimiterOptions, createRateLimiter } from './create-rate-limiter.ts';
export { rateLimitHeaders } from './headers.ts';
export { createMemoryRateLimiter } from './memory.ts';
export { createRedisRateLimiter, type RedisRateLimiterOptions, type RedisRateLimiterTarget } from './redis.ts';
export type { RateLimitDecision, RateLimiter, RateLimitRule } from './types.ts';
export { createUpstashRateLimiter, type UpstashRateLimiterOptions } from './upstash.ts';
