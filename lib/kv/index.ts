export { type CreateKvOptions, createKv } from './create-kv.ts';
export { createMemoryKv, type MemoryKvOptions } from './memory.ts';
export { createRedisKv, type RedisKvOptions } from './redis.ts';
export type { Kv, SetOptions, Unsubscribe } from './types.ts';
export { createUpstashKv, type UpstashKvOptions } from './upstash.ts';
