/** RFC 5321 limits: 254 characters in all, 64 before the `@`. */
const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_LENGTH = 64;
/** The WHATWG `input type=email` grammar, with at least one dot in the domain. */
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/**
 * The form emails are stored and compared in: trimmed and lower-cased.
 * @example normalizeEmail('  Ada@Example.COM '); // 'ada@example.com'
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Whether `email` (already normalised) is an address we accept: `local@domain.tld`, within the RFC 5321 lengths.
 * @example isValidEmail('ada@example.com'); // true
 */
export function isValidEmail(email: string): boolean {
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL.test(email)) return false;
  return email.indexOf('@') <= MAX_LOCAL_LENGTH;
}

/**
 * The domain part of an address, lower-cased.
 * @example emailDomain('ada@Example.com'); // 'example.com'
 */
export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}
