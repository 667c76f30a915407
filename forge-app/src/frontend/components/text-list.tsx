import { List, ListItem, Text } from '@forge/react';

/** Stable keys for static texts: the text itself, numbered when it repeats. */
export function keyed(items: readonly string[]): { key: string; text: string }[] {
  const seen = new Map<string, number>();
  return items.map((t) => {
    const n = (seen.get(t) ?? 0) + 1;
    seen.set(t, n);
    return { key: n > 1 ? `${t}#${n}` : t, text: t };
  });
}

export function TextList({ items }: { items: readonly string[] }) {
  return (
    <List type="unordered">
      {keyed(items).map((item) => (
        <ListItem key={item.key}>{item.text}</ListItem>
      ))}
    </List>
  );
}

export function Paragraphs({ items }: { items: readonly string[] }) {
  return (
    <>
      {keyed(items).map((item) => (
        <Text key={item.key}>{item.text}</Text>
      ))}
    </>
  );
}
