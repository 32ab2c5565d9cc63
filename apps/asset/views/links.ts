/** Where a caller fetches an asset's files: through the gateway, with their own credentials. */
export const downloadPath = (assetId: string) => `/api/v1/assets/${assetId}/download`;
export const previewPath = (assetId: string) => `/api/v1/assets/${assetId}/preview`;
export const jobPath = (jobId: string) => `/api/v1/assets/jobs/${jobId}`;

/** `path` under the configured public base URL ('' = a relative link). */
export const linkTo = (baseUrl: string, path: string) => `${baseUrl.replace(/\/+$/, '')}${path}`;
