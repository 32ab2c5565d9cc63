import type { ResolvedModel } from '../providers/registry.ts';
import { updateConversation } from '../store/conversations.ts';
import { updateMessage } from '../store/messages.ts';
import type { ChatStore } from '../store/store.ts';
import type { Conversation, MessageStatus, StoredToolCall } from '../store/types.ts';
import type { Usage } from './types.ts';

export interface FinishedReply {
  text: string;
  toolCalls: StoredToolCall[] | null;
  usage: Usage;
  status: MessageStatus;
  /** What the caller was told went wrong (never a provider or model name). */
  error: string | null;
  /** The model that actually answered (after any fallback). */
  answered: ResolvedModel;
}

/**
 * Fills in the assistant's placeholder row as the turn ends, and gives the conversation its preview from its first
 * reply.
 * @example await storeReply(store, replyId, conversation, { text, toolCalls, usage, status: 'complete', error: null, answered });
 */
export async function storeReply(store: ChatStore, replyId: string, conversation: Conversation, reply: FinishedReply): Promise<void> {
  await updateMessage(store, replyId, {
    content: reply.text,
    toolCalls: reply.toolCalls,
    usage: reply.usage,
    status: reply.status,
    error: reply.error,
    model: reply.answered.info.id,
    provider: reply.answered.info.provider,
  });
  if (conversation.preview === '' && reply.text !== '') {
    await updateConversation(store, conversation.ownerId, conversation.id, { preview: reply.text.slice(0, 200) });
  }
}
