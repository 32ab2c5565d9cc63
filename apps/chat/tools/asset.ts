import type { Principal } from '../../../lib/auth/types.ts';
import type { Tool } from './types.ts';

/** What the asset service's tools may depend on for one chat request. */
export interface AssetToolContext {
  /** Who is chatting: asset tools act as this caller. */
  principal: Principal;
  /** The conversation, when the request belongs to one. */
  conversationId?: string;
}

/**
 * The asset service's contribution to a chat request's tools. The asset issue fills it (e.g. tools to find and
 * read the caller's files); until then {@link noAssetTools} offers nothing.
 */
export type AssetToolHook = (ctx: AssetToolContext) => Tool[];

/** The default hook: no asset tools. */
export const noAssetTools: AssetToolHook = () => [];
