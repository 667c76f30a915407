import { describe, expect, it } from 'vitest';
import { evaluateJql, type JqlBinding, JqlError, parseJql } from './jql.js';

interface Doc {
  key: string;
  project: string;
  labels: string[];
  parent?: string;
  points?: number;
  summary: string;
}

const docs: Doc[] = [
  { key: 'A-1', project: 'A', labels: ['x'], summary: 'Guest checkout', points: 3 },
  { key: 'A-2', project: 'A', labels: [], parent: 'A-1', summary: 'Saved cards', points: 8 },
  { key: 'B-1', project: 'B', labels: ['x', 'y'], parent: 'A-1', summary: 'Guest e-mail' },
];

const binding: JqlBinding<Doc> = {
  values(d, field) {
    switch (field.toLowerCase()) {
      case 'key':
        return [d.key];
      case 'project':
        return [d.project];
      case 'labels':
        return d.labels;
      case 'parent':
        return d.parent ? [d.parent] : [];
      case 'story points':
        return d.points === undefined ? [] : [d.points];
      default:
        throw new JqlError(`Field '${field}' does not exist or you do not have permission to view it.`);
    }
  },
  fn: (name) => (name === 'mine' ? ['A-2'] : []),
  checkLiteral: () => {},
  textValues: (d) => d.summary,
};

const run = (jql: string) => {
  const q = parseJql(jql);
  return docs.filter((d) => evaluateJql(q.where, d, binding)).map((d) => d.key);
};

describe('JQL subset', () => {
  it('gives AND precedence over OR and honours parentheses and NOT', () => {
    expect(run('project = B OR project = A AND labels = x')).toEqual(['A-1', 'B-1']);
    expect(run('(project = B OR project = A) AND labels = x')).toEqual(['A-1', 'B-1']);
    expect(run('NOT project = A')).toEqual(['B-1']);
    expect(run('project = A and not labels = x')).toEqual(['A-2']);
  });

  it('supports in, not in, is EMPTY, comparisons, text search and functions', () => {
    expect(run('key in (A-1, "B-1")')).toEqual(['A-1', 'B-1']);
    expect(run('key not in (A-1)')).toEqual(['A-2', 'B-1']);
    expect(run('parent is EMPTY')).toEqual(['A-1']);
    expect(run('parent is not empty')).toEqual(['A-2', 'B-1']);
    expect(run('"Story Points" >= 5')).toEqual(['A-2']);
    expect(run('summary ~ "guest"')).toEqual(['A-1', 'B-1']);
    expect(run('summary !~ guest')).toEqual(['A-2']);
    expect(run('key = mine()')).toEqual(['A-2']);
    expect(run('labels != x')).toEqual([]);
  });

  it('parses ORDER BY with directions', () => {
    expect(parseJql('project = A ORDER BY created DESC, key').orderBy).toEqual([
      { field: 'created', desc: true },
      { field: 'key', desc: false },
    ]);
    expect(parseJql('order by rank').where).toBeNull();
  });

  it('reports syntax errors and unknown fields the way Jira words them', () => {
    expect(() => parseJql('project =')).toThrow(/Expecting a value/);
    expect(() => parseJql('project = A AND')).toThrow(JqlError);
    expect(() => parseJql('summary ~ "open')).toThrow(/has not been completed/);
    expect(() => run('projct = A')).toThrow("Field 'projct' does not exist");
  });
});
