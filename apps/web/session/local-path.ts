/** Where a redirect target is resolved to check it; never sent anywhere. */
const BASE = 'http://gaia.invalid';
/** C0 and C1 control characters and DEL: browsers drop tabs and newlines from URLs, and none belongs in a path. */
const CONTROL = /\p{Cc}/u;

/** `form` with its ASCII escapes (`%2F`, `%5C`, `%09`...) decoded: the characters that could make it leave the site. */
const decodeAscii = (form: string) => form.replace(/%([0-7][0-9a-f])/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

/** Each form a browser or a proxy may read `raw` as: as written, and percent-decoded up to three times. */
function readings(raw: string): string[] {
  const forms = [raw];
  for (let form = raw, i = 0; i < 3; i++) {
    const decoded = decodeAscii(form);
    if (decoded === form) break;
    forms.push(decoded);
    form = decoded;
  }
  return forms;
}

/** True when a browser could read `form` as another host (`//host`, `/\host`) or a scheme (`https:`, `javascript:`). */
function leavesSite(form: string): boolean {
  if (CONTROL.test(form)) return true;
  const slashed = form.replace(/\\/g, '/');
  return !slashed.startsWith('/') || slashed.startsWith('//');
}

/**
 * `raw` as a same-origin path (with its query and fragment), normalised and percent-encoded the way a browser would
 * resolve it; `null` for anything that could leave the site or that a browser would rewrite: control characters
 * (tabs and newlines, which browsers drop), `//host`, `/\host`, schemes (`https:`, `javascript:`), and their
 * percent-encoded forms (`/%2F%2Fhost`), dot segments that collapse into `//host` (`/.//host`).
 * @example localPath('/chat?c=1') // '/chat?c=1'
 * @example localPath('/\t/evil.example/x') // null
 */
export function localPath(raw: string): string | null {
  if (readings(raw).some(leavesSite)) return null;
  const url = new URL(raw, BASE);
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (url.origin !== BASE || leavesSite(path)) return null;
  return path;
}

/** Pages that make no sense to come back to after signing in (they would loop back to the form). */
const SESSION_PAGES = new Set(['/login', '/logout', '/register']);

/**
 * Where to continue after signing in: `next` when it is a local path ({@link localPath}), `/chat` when there is none,
 * `/` for anything else (another site, a scheme, a sign-in page).
 * @example safeNext('/kb/doc/a.md') // '/kb/doc/a.md'
 * @example safeNext('https://evil.example') // '/'
 */
export function safeNext(next: string | undefined): string {
  if (next === undefined || next === '') return '/chat';
  const path = localPath(next);
  if (!path || SESSION_PAGES.has(new URL(path, BASE).pathname)) return '/';
  return path;
}
