import type { Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import { chromiumAvailable, useBrowserPlatform, watchSecurity } from './support/browser-platform.ts';

/**
 * Signing up, chatting with a streamed reply, the knowledge base and signing out, in headless Chromium against
 * `npm start`, with no Content-Security-Policy violation or script error on any page and the security headers on
 * every response.
 */
describe.skipIf(!chromiumAvailable)('web chat and knowledge base in a browser', () => {
  const env = useBrowserPlatform('gaia-web-chat-');

  const path = (page: Page) => new URL(page.url()).pathname;

  it('signs up, streams a reply, keeps the history, writes and finds a KB document, signs out', async () => {
    const { platform, browser } = env;
    const context = await browser.newContext();
    const watch = await watchSecurity(context, platform.web.url);
    const page = await context.newPage();
    const external: string[] = [];
    page.on('request', (req) => {
      if (!req.url().startsWith(platform.web.url)) external.push(req.url());
    });
    const web = (p: string) => `${platform.web.url}${p}`;

    // Signed out, the chat sends the browser to the sign-in page.
    await page.goto(web('/chat'));
    expect(path(page)).toBe('/login');

    // A wrong password shows the gateway's refusal in the form.
    const email = `ada-${Date.now()}@example.com`;
    await page.fill('#login-form input[name=email]', email);
    await page.fill('#login-form input[name=password]', 'not-the-password');
    await page.click('#login-form button[type=submit]');
    expect(await page.locator('#login-form [role=alert]').textContent()).toContain('Invalid login credentials');

    // The watch sees what the policy blocks: an injected style, an inline event handler.
    await page.evaluate(() => {
      const style = document.createElement('style');
      style.textContent = 'body { color: red }';
      document.head.append(style);
      document.body.insertAdjacentHTML('beforeend', '<img src="/static/web.css" onerror="document.title = 1">');
    });
    await expect.poll(() => watch.take().map((p) => p.replace(/ blocked .*/, '')), { timeout: 5_000 }).toEqual([
      `CSP violation on ${web('/login')}: style-src-elem`,
      `CSP violation on ${web('/login')}: script-src-attr`,
    ]);

    // A refused sign-up shows the platform's reason in its form.
    await page.fill('#register-form input[name=email]', email);
    await page.fill('#register-form input[name=password]', 'short');
    await page.click('#register-form button[type=submit]');
    expect(await page.locator('#register-form [role=alert]').textContent()).toMatch(/password/i);

    // Sign up through the form, landing on the chat.
    await page.fill('#register-form input[name=email]', email);
    await page.fill('#register-form input[name=password]', 'a long enough passphrase 42');
    await page.click('#register-form button[type=submit]');
    await page.waitForURL(web('/chat'));
    expect(await page.locator('#signed-in-as').textContent()).toBe(email);

    // The session cookie is HttpOnly (page scripts never see it) and SameSite=Lax.
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'gaia_session', httpOnly: true, sameSite: 'Lax' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('gaia_session');

    // Send a message: the local provider's reply streams in, with the KB tool it used.
    await page.fill('#chat-form textarea[name=message]', 'What is in my notes?');
    await page.press('#chat-form textarea[name=message]', 'Enter');
    const reply = page.locator('#messages .message.assistant[data-done=true]');
    await reply.waitFor({ timeout: 10_000 });
    expect(await reply.locator('.content').textContent()).toMatch(/^\[GAIA local\] /);
    expect(await reply.locator('.tool-note').allTextContents()).toContain('used tool kb_context');
    await expect.poll(() => path(page)).toMatch(/^\/chat\/[0-9a-f-]{36}$/);
    const conversationPath = path(page);

    // The new conversation appears in the sidebar, marked current.
    const entry = page.locator(`#conversations li.current a[href="${conversationPath}"]`);
    await entry.waitFor({ timeout: 5_000 });
    expect(watch.take()).toEqual([]);

    // After a reload the history is there.
    await page.reload();
    const history = page.locator('#messages .message .content');
    expect(await history.allTextContents()).toEqual(['What is in my notes?', expect.stringMatching(/^\[GAIA local\] /)]);

    // Write a document into the user's own folder, then find it by a word in it.
    await page.click('nav a[href="/kb"]');
    await page.fill('#kb-write-form input[name=name]', 'animals/zebras');
    await page.fill('#kb-write-form textarea[name=content]', '# Zebras\n\nThe quagga & "plains" zebra: 3 < 4.\n');
    await page.click('#kb-write-form button[type=submit]');
    await expect.poll(() => path(page)).toMatch(/^\/kb\/doc\/users\/[0-9a-f-]{36}\/animals\/zebras\.md$/);
    expect(await page.locator('#kb-document').textContent()).toContain('The quagga & "plains" zebra: 3 < 4.');

    await page.goto(web('/kb'));
    await page.fill('#kb-q', 'quagga');
    await page.press('#kb-q', 'Enter');
    const hit = page.locator('#kb-results ul.results li');
    await hit.first().waitFor({ timeout: 5_000 });
    expect(await hit.first().locator('mark').first().textContent()).toBe('quagga');
    expect(await hit.first().locator('.snippet').textContent()).toContain('quagga & "plains"');
    expect(await hit.first().locator('.snippet *').evaluateAll((els) => els.map((el) => el.tagName))).toEqual(
      expect.arrayContaining(['MARK']),
    );
    expect(await hit.first().locator('.snippet :not(mark)').count()).toBe(0);
    expect(await hit.first().textContent()).toContain('animals/zebras.md');

    // The folder tree loads and opens over htmx.
    await page.locator('#kb-tree li.dir summary').first().click();
    await page.locator('#kb-tree .subtree li').first().waitFor({ timeout: 5_000 });

    // A second tab stays on the conversation while the first signs out.
    const other = await context.newPage();
    await other.goto(web(conversationPath));
    await other.locator('#conversations li.current').waitFor({ timeout: 5_000 });

    // Sign out: the chat sends the browser to the sign-in page again.
    await page.click('#sign-out');
    await page.waitForURL(web('/login'));
    await page.goto(web('/chat'));
    expect(path(page)).toBe('/login');

    // The other tab's next message finds the session ended: its script goes to the sign-in page, to come back.
    await other.fill('#chat-form textarea[name=message]', 'Still there?');
    await other.press('#chat-form textarea[name=message]', 'Enter');
    // Polled rather than awaited as one navigation: the page may replace a navigation in flight (ERR_ABORTED).
    const signIn = web(`/login?next=${encodeURIComponent(conversationPath)}`);
    await vi.waitFor(() => expect(other.url()).toBe(signIn), { timeout: 10_000, interval: 50 });
    await other.waitForLoadState('load');
    expect(await other.locator('#login-form input[name=next]').inputValue()).toBe(conversationPath);

    expect(watch.take()).toEqual([]);
    const paths = watch.responses.map((r) => r.path.replace(/\?v=.*$/, ''));
    for (const expected of ['/login', '/chat', '/static/htmx.min.js', '/static/chat.js', '/static/web.css', '/chat/stream', '/partials/conversations']) {
      expect(paths).toContain(expected);
    }
    expect(paths).toEqual(expect.arrayContaining(['/kb', '/partials/kb/search?q=quagga', '/logout', '/register']));
    expect(paths.some((p) => p.startsWith('/partials/kb/tree'))).toBe(true);
    expect(paths.some((p) => p.startsWith('/kb/doc/'))).toBe(true);
    expect(watch.responses.filter((r) => r.missing.length > 0)).toEqual([]);
    expect(external).toEqual([]);
    await context.close();
  });
});
