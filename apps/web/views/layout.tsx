import type { Child } from 'hono/jsx';

const STYLE = `
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { max-width: 60rem; margin: 0 auto; padding: 1.5rem; line-height: 1.5; }
  body.wide { max-width: 72rem; }
  header { display: flex; align-items: baseline; gap: 1rem; border-bottom: 1px solid #8884; margin-bottom: 1rem; }
  h1 { margin: 0; font-size: 1.6rem; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #8883; }
  .healthy { color: #1a7f37; } .degraded, .warning { color: #9a6700; } .unhealthy, .error { color: #cf222e; }
  .muted { opacity: .7; font-size: .9rem; }
  nav.top { display: flex; align-items: center; gap: 1rem; padding-bottom: .6rem; margin-bottom: 1rem; border-bottom: 1px solid #8884; }
  nav.top a { text-decoration: none; } nav.top a[aria-current] { font-weight: 600; text-decoration: underline; }
  nav.top .spacer { flex: 1; } nav.top form { margin: 0; }
  button.link { background: none; border: none; padding: 0; color: LinkText; cursor: pointer; font: inherit; text-decoration: underline; }
  input, textarea, select, button { font: inherit; }
  input[type=text], input[type=email], input[type=password], input[type=search], textarea { width: 100%; box-sizing: border-box; padding: .35rem .5rem; }
  form.card { display: grid; gap: .6rem; padding: 1rem; border: 1px solid #8884; border-radius: .4rem; } form.card h2 { margin: 0; }
  .forms { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: 1.5rem; }
  p.error { margin: 0; } .notice { color: #1a7f37; }
  .chat { display: grid; grid-template-columns: 15rem 1fr; gap: 1.5rem; align-items: start; }
  .chat aside ul { list-style: none; padding: 0; margin: .5rem 0; }
  .chat aside li { display: flex; gap: .3rem; align-items: baseline; padding: .15rem .3rem; border-radius: .3rem; }
  .chat aside li a { flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .chat aside li.current { background: #8882; }
  #messages { display: grid; gap: .6rem; margin-bottom: 1rem; }
  .message { padding: .5rem .75rem; border-radius: .5rem; border: 1px solid #8883; }
  .message.user { background: #8881; justify-self: end; max-width: 85%; }
  .message .content { white-space: pre-wrap; overflow-wrap: anywhere; }
  .tool-note { font-size: .8rem; opacity: .7; font-style: italic; }
  #chat-form .row { display: flex; flex-wrap: wrap; gap: .8rem; align-items: center; margin-top: .4rem; }
  #chat-form .row button { margin-left: auto; }
  .kb { display: grid; grid-template-columns: 16rem 1fr; gap: 1.5rem; align-items: start; }
  ul.tree { list-style: none; padding-left: .9rem; margin: .2rem 0; } ul.tree summary { cursor: pointer; }
  ul.results { list-style: none; padding: 0; } ul.results li { margin-bottom: .8rem; }
  .snippet { margin: .2rem 0; } mark { padding: 0 .1rem; border-radius: .15rem; }
  pre.document { white-space: pre-wrap; overflow-wrap: anywhere; padding: 1rem; border: 1px solid #8884; border-radius: .4rem; }
  @media (max-width: 45rem) { .chat, .kb { grid-template-columns: 1fr; } }
`;

export type Section = 'status' | 'chat' | 'kb' | 'login';

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

/** The page shell: navigation, htmx from our own server, no external requests. */
export function Layout(props: { title: string; children: Child; user?: SignedInUser | null; active?: Section; wide?: boolean }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <style>{STYLE}</style>
        <script src="/static/htmx.min.js" defer />
      </head>
      <body class={props.wide ? 'wide' : undefined}>
        <Nav user={props.user ?? null} active={props.active ?? 'status'} />
        {props.children}
      </body>
    </html>
  );
}
