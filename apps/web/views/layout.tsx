import type { Child } from 'hono/jsx';

const STYLE = `
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { max-width: 60rem; margin: 0 auto; padding: 1.5rem; line-height: 1.5; }
  header { display: flex; align-items: baseline; gap: 1rem; border-bottom: 1px solid #8884; margin-bottom: 1rem; }
  h1 { margin: 0; font-size: 1.6rem; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #8883; }
  .healthy { color: #1a7f37; } .degraded, .warning { color: #9a6700; } .unhealthy, .error { color: #cf222e; }
  .muted { opacity: .7; font-size: .9rem; }
`;

/** The page shell: htmx from our own server, no external requests. */
export function Layout(props: { title: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <style>{STYLE}</style>
        <script src="/static/htmx.min.js" defer />
      </head>
      <body>{props.children}</body>
    </html>
  );
}
