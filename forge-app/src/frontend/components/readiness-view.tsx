import {
  Button,
  Heading,
  Inline,
  Lozenge,
  ProgressBar,
  SectionMessage,
  Spinner,
  Stack,
  Text,
} from '@forge/react';
import { useCallback, useEffect, useState } from 'react';
import type { AppFailure, Envelope, StoryReadiness } from '../../types';
import { FailureMessage } from './failure-message';
import { TextList } from './text-list';

const LEVEL: Record<StoryReadiness['level'], { label: string; appearance: 'success' | 'moved' | 'removed' }> =
  {
    ready: { label: 'Ready', appearance: 'success' },
    needs_work: { label: 'Needs work', appearance: 'moved' },
    not_ready: { label: 'Not ready', appearance: 'removed' },
  };

const SIGNAL_LABEL: Record<string, string> = {
  acceptance_criteria: 'Acceptance criteria',
  testable_criteria: 'Testable criteria',
  description: 'Description',
  links_only: 'Description',
  open_questions: 'Open questions',
  story_shape: 'Story shape',
};

/**
 * The story's readiness for generation: score, level, the points per signal and what to fix first, so a
 * weak ticket is improved before tasks and tests are generated from it.
 */
export function ReadinessView({ load }: { load: () => Promise<Envelope<StoryReadiness>> }) {
  const [readiness, setReadiness] = useState<StoryReadiness | null>(null);
  const [failure, setFailure] = useState<AppFailure | null>(null);
  const [loading, setLoading] = useState(true);

  const refresh = useCallback(async () => {
    setLoading(true);
    setFailure(null);
    const res = await load();
    if (res.ok) setReadiness(res.data);
    else setFailure(res.error);
    setLoading(false);
  }, [load]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  if (failure) return <FailureMessage failure={failure} onRetry={refresh} />;
  if (!readiness) return <Spinner label="Checking readiness" />;
  const level = LEVEL[readiness.level];
  return (
    <Stack space="space.150">
      <Heading size="small">Readiness for generation</Heading>
      <Inline space="space.100" alignBlock="center">
        <Text>{`Readiness: ${readiness.score}/100`}</Text>
        <Lozenge appearance={level.appearance}>{level.label}</Lozenge>
      </Inline>
      <ProgressBar value={readiness.score / 100} ariaLabel="Readiness score" />
      <TextList
        items={readiness.reasons.map(
          (r) => `${SIGNAL_LABEL[r.signal] ?? r.signal}: ${r.points}/${r.max_points} — ${r.message}`,
        )}
      />
      {readiness.suggestions.length > 0 ? (
        <SectionMessage
          appearance={readiness.level === 'ready' ? 'information' : 'warning'}
          title="Fix before generating"
        >
          <TextList items={readiness.suggestions} />
        </SectionMessage>
      ) : null}
      <Button onClick={refresh} isDisabled={loading}>
        Check again
      </Button>
    </Stack>
  );
}
