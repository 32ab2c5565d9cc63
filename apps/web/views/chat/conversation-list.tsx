import type { Conversation } from '../../gateway/schemas.ts';

/** The conversations sidebar (an htmx fragment): newest first, the current one marked, each with a delete button. */
export function ConversationList(props: { conversations: Conversation[]; currentId: string | null }) {
  if (props.conversations.length === 0) return <p class="muted">No conversations yet.</p>;
  return (
    <ul>
      {props.conversations.map((conversation) => (
        <li class={conversation.id === props.currentId ? 'current' : undefined} data-id={conversation.id}>
          <a href={`/chat/${encodeURIComponent(conversation.id)}`} title={conversation.preview}>
            {conversation.title || 'Untitled'}
          </a>
          <button
            type="button"
            class="link"
            title="Delete this conversation"
            aria-label={`Delete ${conversation.title}`}
            hx-delete={`/chat/${encodeURIComponent(conversation.id)}`}
            hx-confirm="Delete this conversation?"
            hx-target="closest li"
            hx-swap="outerHTML"
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
