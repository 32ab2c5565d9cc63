import type { Message, Model, Persona } from '../../gateway/schemas.ts';
import { Layout, type SignedInUser } from '../layout.tsx';

export interface ChatPageProps {
  user: SignedInUser;
  conversationId: string | null;
  messages: Message[];
  models: Model[];
  personas: Persona[];
  /** A problem loading the page's data, in words. */
  error?: string;
}

function MessageView(props: { message: Message }) {
  const { message } = props;
  return (
    <article class={`message ${message.role}`} data-id={message.id}>
      <div class="content">{message.content}</div>
      {message.role === 'assistant' && message.model ? (
        <p class="muted">{message.provider ? `${message.provider} · ${message.model}` : message.model}</p>
      ) : null}
    </article>
  );
}

/** `GET /chat[/{id}]`: the conversations (an htmx partial), the current thread and the message form. */
export function ChatPage(props: ChatPageProps) {
  return (
    <Layout title="Chat · GAIA" user={props.user} active="chat" wide scripts={['chat.js']}>
      <div class="chat">
        <aside>
          <a href="/chat">+ New conversation</a>
          <div id="conversations" hx-get="/partials/conversations" hx-trigger="load, conversations-changed from:body" hx-swap="innerHTML">
            <p class="muted">Loading…</p>
          </div>
        </aside>
        <main>
          {props.error ? (
            <p class="error" role="alert">
              {props.error}
            </p>
          ) : null}
          <div id="messages">
            {props.messages.map((message) => (
              <MessageView message={message} />
            ))}
          </div>
          <form id="chat-form" method="post" action="/chat/stream" data-state="idle">
            <input type="hidden" name="conversation_id" value={props.conversationId ?? ''} />
            <textarea name="message" rows={3} required placeholder="Ask something… (Enter sends, Shift+Enter for a new line)" />
            <div class="row">
              <label>
                Model{' '}
                <select name="model">
                  {props.models.map((model) => (
                    <option value={model.id} selected={model.default}>
                      {model.id}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Persona{' '}
                <select name="persona">
                  <option value="">Default</option>
                  {props.personas.map((persona) => (
                    <option value={persona.id} title={persona.description}>
                      {persona.name}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit">Send</button>
            </div>
          </form>
        </main>
      </div>
    </Layout>
  );
}
