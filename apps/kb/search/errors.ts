/** Semantic or hybrid search was asked for, but there is no embeddings provider or no pgvector. */
export class SemanticUnavailableError extends Error {
  constructor(readonly reason: 'no_embedder' | 'no_vectors') {
    super(
      reason === 'no_embedder'
        ? 'Semantic search is not available: configure an embeddings provider (KB_EMBEDDINGS_URL for an OpenAI-compatible server, or OPENAI_API_KEY), or use mode "fulltext"'
        : 'Semantic search is not available: the database has no pgvector extension (use PostgreSQL with pgvector, or the embedded PGlite), or use mode "fulltext"',
    );
    this.name = 'SemanticUnavailableError';
  }
}
