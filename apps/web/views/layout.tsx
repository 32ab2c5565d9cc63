import type { Child } from 'hono/jsx';
import { VERSION } from '../../../lib/version.ts';

/**
 * htmx's settings (read from this meta tag when it loads): no inline `<style>` for its indicators (web.css has them),
 * no `eval` (hx-on, js: values, trigger filters), no running `<script>`s that arrive in fragments. With these the
 * pages work under a Content-Security-Policy without `unsafe-inline` or `unsafe-eval`.
 */
const HTMX_CONFIG = JSON.stringify({ includeIndicatorStyles: false, allowEval: false, allowScriptTags: false });

/**
 * One of the UI's static files (`/static/...`), its URL naming this version so a cached copy never outlives an
 * upgrade.
 * @example staticUrl('chat.js') // '/static/chat.js?v=0.1.0'
 */
export const staticUrl = (file: string) => `/static/${file}?v=${encodeURIComponent(VERSION)}`;

export type Section = 'status' | 'chat' | 'kb' | 'assets' | 'login';

/** Who is signed in, for the navigation. */
export interface SignedInUser {
  email: string;
}

function Nav(props: { user?: SignedInUser | null; active?: Section }) {
  const current = (section: Section) => (props.active === section ? { 'aria-current': 'page' as const } : {});
  return (
    <nav class="top">
      <a href="/chat" {...current('chat')}>
        Chat
      </a>
      <a href="/kb" {...current('kb')}>
        Knowledge base
      </a>
      <a href="/assets" {...current('assets')}>
        Assets
      </a>
      <a href="/" {...current('status')}>
        Status
      </a>
      <span class="spacer" />
      {props.user ? (
        <>
          <span class="muted" id="signed-in-as">
            {props.user.email}
          </span>
          <form method="post" action="/logout">
            <button type="submit" class="link" id="sign-out">
              Sign out
            </button>
          </form>
        </>
      ) : (
        <a href="/login" {...current('login')}>
          Sign in
        </a>
      )}
    </nav>
  );
}

/**
 * The page shell: navigation, htmx, the stylesheet and the page's `scripts`, all from our own server (no inline
 * script or style, no external requests).
 */
export function Layout(props: {
  title: string;
  children: Child;
  user?: SignedInUser | null;
  active?: Section;
  wide?: boolean;
  /** The page's own scripts among the static files, loaded after htmx (`defer`). */
  scripts?: string[];
}) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <link rel="stylesheet" href={staticUrl('web.css')} />
        <script src={staticUrl('htmx.min.js')} defer />
        {(props.scripts ?? []).map((file) => (
          <script src={staticUrl(file)} defer />
        ))}
      </head>
      <body class={props.wide ? 'wide' : undefined}>
        <Nav user={props.user ?? null} active={props.active ?? 'status'} />
        {props.children}
      </body>
    </html>
  );
}
