import { describe, expect, it } from 'vitest';
import { checkPath, isNamespace, namespaceOf } from './paths.ts';

describe('document paths', () => {
  it('accepts repository-relative document paths', () => {
    expect(checkPath('shared/guides/set up (v2).md', 'file')).toEqual({ ok: true, path: 'shared/guides/set up (v2).md' });
    expect(checkPath('users/3f0c/notes.markdown', 'file')).toMatchObject({ ok: true });
    expect(checkPath('shared/guides/', 'dir')).toEqual({ ok: true, path: 'shared/guides' });
    expect(checkPath('', 'dir')).toEqual({ ok: true, path: '' });
  });

  it.each([
    ['', 'empty'],
    ['/etc/passwd.md', 'absolute'],
    ['C:/x.md', 'absolute'],
    ['shared/../users/x.md', 'traversal'],
    ['shared/./x.md', 'traversal'],
    ['.git/config.md', 'git'],
    ['shared/.Git/x.md', 'git'],
    ['shared\\x.md', 'characters'],
    ['shared//x.md', 'characters'],
    ['shared/x\u0000.md', 'characters'],
    ['shared/run.sh', 'extension'],
    [`shared/${'a'.repeat(600)}.md`, 'too_long'],
  ])('refuses %j (%s)', (path, problem) => {
    expect(checkPath(path, 'file')).toMatchObject({ ok: false, problem });
  });

  it('names namespaces', () => {
    expect(namespaceOf('shared/a.md')).toBe('shared');
    expect(namespaceOf('users/u1/a/b.md')).toBe('users/u1');
    expect(namespaceOf('teams/t1/a.md')).toBe('teams/t1');
    expect(namespaceOf('users/u1')).toBeNull();
    expect(namespaceOf('README.md')).toBeNull();
    expect(namespaceOf('projects/x.md')).toBeNull();
    expect(isNamespace('teams/t1')).toBe(true);
    expect(isNamespace('teams/t1/x')).toBe(false);
    expect(isNamespace('users/%')).toBe(false);
  });
});
