import { GaiaError } from '../../../../lib/gaia/errors.ts';
import { DEFAULT_CONVERSATION_TITLE, getConversation } from '../../store/conversations.ts';
import type { ChatStore } from '../../store/store.ts';
import type { Conversation } from '../../store/types.ts';

/** GAIA's 404 for unknown, foreign, deleted and non-UUID conversation ids (never 403). */
export const conversationNotFound = (): GaiaError => new GaiaError(404, 'Conversation not found');

/**
 * The caller's conversation, or a GAIA 404.
 * @example const conversation = await ownedConversation(deps.store, principal.userId, c.req.valid('param').id);
 */
export async function ownedConversation(store: ChatStore, ownerId: string, id: string): Promise<Conversation> {
  const conversation = await getConversation(store, ownerId, id);
  if (!conversation) throw conversationNotFound();
  return conversation;
}

/**
 * The title of a new conversation: as sent, or `New Conversation` when missing, null or blank.
 * @example newConversationTitle(body.title) // 'New Conversation' for undefined
 */
export function newConversationTitle(title: string | null | undefined): string {
  return title == null || title.trim() === '' ? DEFAULT_CONVERSATION_TITLE : title;
}
