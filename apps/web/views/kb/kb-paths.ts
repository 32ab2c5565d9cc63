/**
 * The page showing a KB document.
 * @example documentHref('users/42/my notes.md') // '/kb/doc/users/42/my%20notes.md'
 */
export const documentHref = (path: string) => `/kb/doc/${path.split('/').map(encodeURIComponent).join('/')}`;

/** The user's own folder in the knowledge base, where the UI writes. */
export const userFolder = (userId: string) => `users/${userId}`;
