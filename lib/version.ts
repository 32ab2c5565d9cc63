/** The platform version reported by `/health` and the OpenAPI documents (kept equal to package.json by a test). */
export const VERSION = '0.1.0';
