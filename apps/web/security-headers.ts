import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/**
 * The web UI's Content-Security-Policy. Every script and stylesheet is a file of its own server (`/static/*`), so
 * no inline script, inline style, `eval` or other origin is allowed: an injected `<script>`, `onclick=`,
 * `javascript:` URL or `<style>` (CSS can read attribute values out through selectors) does nothing. Requests go
 * only to this server (htmx, the chat stream, an asset job's progress), images and audio come only from it, forms post only here, and no site may frame the pages.
 */
export const WEB_CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  mediaSrc: ["'self'"],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

/**
 * The headers on every response of the web UI (pages, fragments, the chat stream, errors, 404, static files):
 * {@link WEB_CSP}, `X-Frame-Options: DENY` for browsers without `frame-ancestors`, `nosniff`, `Referrer-Policy:
 * same-origin` (a page's URL names a conversation or a document: other sites never see it), cross-origin isolation
 * of windows and resources, and no HSTS: whether the UI is served over HTTPS is the TLS terminator's call.
 * @example app.use(webSecurityHeaders());
 */
export function webSecurityHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: WEB_CSP,
    xFrameOptions: 'DENY',
    referrerPolicy: 'same-origin',
    strictTransportSecurity: false,
  });
}
