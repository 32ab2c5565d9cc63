/** The first document of a new local knowledge base (`npm start` without a remote), so search and chat have something. */
export const WELCOME_PATH = 'shared/getting-started.md';

export const WELCOME_DOCUMENT = `---
title: Getting started with GAIA
tags: [gaia, guide]
---
# Getting started with GAIA

This knowledge base is a Git repository of markdown files. Everything you write here is a commit, and everything in
it can be searched, read by the chat, and used by MCP clients.

## Where documents live

- \`shared/\` is readable by everyone; editors (kb_editor and above) write it.
- \`users/<your id>/\` is yours alone: write your own notes there.
- \`teams/<team id>/\` belongs to the members of a team.

## Connecting a Git repository

Set \`KB_GIT_REPO_URL\` (and \`KB_GIT_TOKEN\`) to follow a repository on GitHub, GitLab or any Git host over HTTPS.
The platform pulls on an interval and on the host's push webhook, and pushes the edits made here.

## Talking to a model

Without a model, the chat answers from this knowledge base with the passages it finds and their sources. Set
\`OPENAI_API_KEY\`, \`ANTHROPIC_API_KEY\` or \`OPENAI_COMPATIBLE_BASE_URL\` (Ollama, vLLM, LM Studio) to talk to a model
that can use the knowledge base as a tool.
`;
