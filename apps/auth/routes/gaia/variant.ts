/** One of the three prefixes GAIA clients call the auth operations under (GAIA-API §10). */
export interface GaiaAuthVariant {
  prefix: '/auth' | '/api/v1/auth' | '/api/v0.3/auth';
  /** Appended to each operationId, which must be unique in the OpenAPI document. */
  operationSuffix: '' | 'V1' | 'V03';
}

export const GAIA_AUTH_VARIANTS: readonly GaiaAuthVariant[] = [
  { prefix: '/auth', operationSuffix: '' },
  { prefix: '/api/v1/auth', operationSuffix: 'V1' },
  { prefix: '/api/v0.3/auth', operationSuffix: 'V03' },
];

/**
 * A route definition for one prefix: the same route with the variant's operationId.
 * @example router.openapi(forVariant(gaiaLoginRoute, variant), handler);
 */
export function forVariant<R extends { operationId?: string }>(route: R, variant: GaiaAuthVariant): R {
  return { ...route, operationId: `${route.operationId ?? ''}${variant.operationSuffix}` };
}

/**
 * The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), or `undefined`.
 * @example const bearer = bearerToken(c.req.header('authorization'));
 */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^bearer\s+(\S+)\s*$/i);
  return match?.[1];
}
