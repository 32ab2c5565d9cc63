export { createRouter, createServiceApp, type RouterOptions, type ServiceAppOptions } from './service-app.ts';
export {
  healthRoute,
  ReadySchema,
  readyRoute,
  registerHealthRoute,
  registerReadyRoute,
  registerSystemRoutes,
  ServiceHealthSchema,
} from './system-routes.ts';
