import type { z } from '@hono/zod-openapi';

/** An OpenAPI JSON response. @example responses: { 200: json(UserSchema, 'The user') } */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A required JSON request body. @example request: { body: jsonBody(CreateUserSchema) } */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});
