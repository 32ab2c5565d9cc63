import type { ToolCall, Usage } from '../engine/types.ts';

/** Conversations, messages, personas and token usage in the `chat` schema (`store/*.ts`, PostgreSQL or PGlite). */

export interface Conversation {
  id: string;
  ownerId: string;
  title: string;
  /** Set from the first assistant reply ('' until then). */
  preview: string;
  personaId: string | null;
  model: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type MessageStatus = 'complete' | 'partial' | 'error';

/** A tool call the assistant made and what came back, stored with the assistant message. */
export interface StoredToolCall extends ToolCall {
  result?: string;
  isError?: boolean;
}

export interface StoredMessage {
  id: string;
  conversationId: string;
  role: 'user' | 'assistant' | 'system' | 'tool';
  content: string;
  toolCalls: StoredToolCall[] | null;
  /** The caller-facing model id (`<provider>/<model>`); null for user messages. */
  model: string | null;
  provider: string | null;
  usage: Usage | null;
  status: MessageStatus;
  /** Why a reply is partial or failed (client disconnect, timeout, provider error). */
  error: string | null;
  createdAt: Date;
}

export interface NewMessage {
  role: StoredMessage['role'];
  content: string;
  toolCalls?: StoredToolCall[] | null;
  model?: string | null;
  provider?: string | null;
  usage?: Usage | null;
  status?: MessageStatus;
  error?: string | null;
}

export interface Persona {
  id: string;
  name: string;
  description: string;
  systemPrompt: string;
  personalityTraits: Record<string, unknown>;
  capabilities: Record<string, unknown>;
  /** Tool names (or `<server>__*` / `kb_*` patterns) this persona may use; null = every tool. */
  allowedTools: string[] | null;
  /** The model to use when the request names none; null = the platform default. */
  defaultModel: string | null;
  isActive: boolean;
  /** The user who created it (its owner); null for seeded personas. */
  createdBy: string | null;
  /** `private`: its owner and admins see it; `public`: everyone (the seeded ones, and those an admin shared). */
  visibility: PersonaVisibility;
  /** Seeded by the service (`seedPersonas`): it can be deactivated but not deleted. */
  seeded?: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewPersona {
  name: string;
  description?: string;
  systemPrompt: string;
  personalityTraits?: Record<string, unknown>;
  capabilities?: Record<string, unknown>;
  allowedTools?: string[] | null;
  defaultModel?: string | null;
  isActive?: boolean;
  /** Default: `private` for a persona with an owner, `public` for one without (seeded, system). */
  visibility?: PersonaVisibility;
}

export type PersonaVisibility = 'private' | 'public';

/** Who is looking at personas: a user, and whether they see every persona (`chat:admin`). */
export interface PersonaViewer {
  userId: string;
  admin: boolean;
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page; null on the last page. */
  nextCursor: string | null;
}
