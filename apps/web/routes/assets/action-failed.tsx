import type { Context } from 'hono';
import type { SignedInEnv } from '../../session/require-session.ts';
import { AssetMissingPage } from '../../views/assets/assets-page.tsx';
import { isHtmx } from './gallery.ts';

/**
 * A card's action (cancel, delete) the platform refused or could not do: htmx adds the reason to the card (it stays
 * as it was); a plain form post gets a page saying it.
 */
export function actionFailed(c: Context<SignedInEnv>, message: string): Response {
  if (isHtmx(c)) {
    return c.html(
      <p class="error" role="alert">
        {message}
      </p>,
      200,
      { 'HX-Reswap': 'beforeend' },
    ) as Response;
  }
  return c.html(<AssetMissingPage user={c.get('session').user} message={message} />, 200) as Response;
}
