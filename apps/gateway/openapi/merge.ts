import { serviceForPath } from '../routes/proxy-table.ts';
import type { ServiceName } from '../../../lib/service/types.ts';

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths?: Record<string, unknown>;
  components?: { schemas?: Record<string, unknown>; [k: string]: unknown };
  tags?: { name: string; description?: string }[];
  [k: string]: unknown;
}

/**
 * The gateway's public document: its own routes plus, from each service's document, the paths the gateway
 * forwards to that service. Component schemas are merged by name.
 */
export function mergeDocuments(gateway: OpenApiDocument, services: Partial<Record<ServiceName, OpenApiDocument>>): OpenApiDocument {
  const paths: Record<string, unknown> = { ...gateway.paths };
  const schemas: Record<string, unknown> = { ...gateway.components?.schemas };
  for (const [name, doc] of Object.entries(services) as [ServiceName, OpenApiDocument | undefined][]) {
    if (!doc) continue;
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      if (serviceForPath(path) === name) paths[path] = item;
    }
    Object.assign(schemas, doc.components?.schemas);
  }
  const sorted = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  return { ...gateway, paths: sorted, components: { ...gateway.components, schemas } };
}
