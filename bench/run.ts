/** `npm run bench -- <name>`: runs bench/<name>.ts. */
const BENCHES = ['gateway', 'auth', 'kb', 'chat', 'revocation', 'asset'] as const;
const which = process.argv[2];
if (!which || !(BENCHES as readonly string[]).includes(which)) {
  console.error(`usage: npm run bench -- <${BENCHES.join('|')}>`);
  process.exit(2);
}
await import(`./${which}.ts`);
export {};
