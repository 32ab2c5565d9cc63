import { describe, expect, it } from 'vitest';
import { noAssetTools } from './asset.ts';
import { filterTools, matchesToolPattern } from './filter.ts';
import { type Tool, toolOk, toolSet } from './types.ts';

const tool = (name: string): Tool => ({ spec: { name, description: name, parameters: { type: 'object', properties: {} } }, source: 'kb', run: async () => toolOk(name) });
const tools = ['kb_search', 'kb_read', 'docs__search', 'docs__fetch', 'jira__create'].map(tool);
const names = (list: Tool[]) => list.map((t) => t.spec.name);

describe('filterTools', () => {
  it('null allows all, [] none', () => {
    expect(names(filterTools(tools, null))).toEqual(names(tools));
    expect(filterTools(tools, [])).toEqual([]);
  });

  it('matches exact names and prefix* patterns', () => {
    expect(names(filterTools(tools, ['kb_*', 'docs__search']))).toEqual(['kb_search', 'kb_read', 'docs__search']);
    expect(names(filterTools(tools, ['docs__*']))).toEqual(['docs__search', 'docs__fetch']);
    expect(names(filterTools(tools, ['*']))).toEqual(names(tools));
    expect(filterTools(tools, ['kb_', 'docs', 'jira__create_issue'])).toEqual([]);
    expect(matchesToolPattern('kb_search', 'kb_search*')).toBe(true);
  });
});

describe('toolSet and the asset hook', () => {
  it('indexes tools by name, first one wins', () => {
    const first = tool('kb_search');
    const set = toolSet([first, tool('kb_search'), tool('kb_read')]);
    expect(set.names).toEqual(['kb_search', 'kb_read']);
    expect(set.get('kb_search')).toBe(first);
    expect(set.specs().map((s) => s.name)).toEqual(['kb_search', 'kb_read']);
  });

  it('offers no asset tools by default', () => {
    expect(noAssetTools({ principal: { userId: 'u', email: null, roles: ['user'], authType: 'jwt' } })).toEqual([]);
  });
});
