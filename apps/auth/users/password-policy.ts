/** GAIA's minimum; its message is part of the wire format (GAIA-API §10). */
export const MIN_PASSWORD_LENGTH = 6;
/** Longer input is refused so nobody makes us hash megabytes. */
export const MAX_PASSWORD_LENGTH = 1024;

export const PASSWORD_TOO_SHORT = `Password must be at least ${MIN_PASSWORD_LENGTH} characters long`;
export const PASSWORD_TOO_LONG = `Password must be at most ${MAX_PASSWORD_LENGTH} characters long`;
export const PASSWORD_TOO_COMMON = 'Password is too common. Please choose a less guessable password';

/** The most used passwords of the public breach lists (compared case-insensitively). */
const COMMON_PASSWORDS = new Set([
  '000000', '111111', '112233', '121212', '123123', '123321', '1234567', '12345678', '123456789', '1234567890',
  '123456', '123qwe', '1q2w3e', '1q2w3e4r', '1qaz2wsx', '654321', '666666', '696969', '7777777', '987654321',
  'aaaaaa', 'abc123', 'abcdef', 'admin', 'admin123', 'asdfgh', 'asdfghjkl', 'azerty', 'baseball', 'changeme',
  'charlie', 'dragon', 'football', 'freedom', 'hello123', 'iloveyou', 'letmein', 'login', 'master', 'michael',
  'monkey', 'mustang', 'passw0rd', 'password', 'password1', 'password123', 'princess', 'qazwsx', 'qwerty',
  'qwerty123', 'qwertyuiop', 'secret', 'shadow', 'starwars', 'sunshine', 'superman', 'trustno1', 'welcome',
  'welcome1', 'whatever', 'zaq12wsx',
]);

/**
 * Why a new password is refused, or `null` when it is acceptable: shorter than GAIA's 6 characters, absurdly long,
 * or one of the most common passwords.
 * @example passwordProblem('qwerty'); // 'Password is too common. Please choose a less guessable password'
 */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return PASSWORD_TOO_SHORT;
  if (password.length > MAX_PASSWORD_LENGTH) return PASSWORD_TOO_LONG;
  if (COMMON_PASSWORDS.has(password.toLowerCase())) return PASSWORD_TOO_COMMON;
  return null;
}
