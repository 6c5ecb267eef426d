import { Button, Group, List, Modal, Radio, Stack, Text, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { fieldMessages, focusFirstError } from '../common/errors.ts';
import { DECISION_CHOICES, type DecisionChoice, type MemberReconciliation, type ResultView } from './api.ts';
import { CHOICE_KEYS, decisionBody, decisionFormErrors, FIELD_KEYS, REASON_MAX, shownValue } from './labels.ts';
import { useDecision } from './queries.ts';

interface Props {
  opened: boolean;
  result: ResultView;
  onClose: () => void;
  onDecided: (answer: MemberReconciliation) => void;
}

interface Values {
  decision: DecisionChoice | '';
  reason: string;
}

const FIELDS = ['decision', 'reason'];

/** Xử lý sai lệch: correct the party record from the register, keep it (with a reason), or refer the register to the police. */
export function DecisionModal({ opened, result, onClose, onDecided }: Props) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('reconciliation.decision.title', { name: result.fullName })} size="lg">
      {opened && <DecisionForm result={result} onCancel={onClose} onDecided={onDecided} />}
    </Modal>
  );
}

function DecisionForm({ result, onCancel, onDecided }: { result: ResultView; onCancel: () => void; onDecided: (answer: MemberReconciliation) => void }) {
  const { t } = useTranslation();
  const decide = useDecision(result.memberId);
  const gender = (value: 'male' | 'female') => t(`gender.${value}`);
  const blocking = result.differences.filter((difference) => difference.blocking);
  // a member missing from the register has nothing to copy from it
  const canCorrect = blocking.length > 0;

  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { decision: '', reason: '' },
    validate: (values) => {
      const keys = decisionFormErrors(values.decision, values.reason);
      return Object.fromEntries(Object.entries(keys).map(([field, key]) => [field, t(key)]));
    },
  });

  const submit = form.onSubmit(
    (values) => {
      if (values.decision === '') return;
      decide.mutate(decisionBody(values.decision, values.reason), {
        onSuccess: (answer) => onDecided(answer),
        onError: (error) => {
          const messages = Object.fromEntries(Object.entries(fieldMessages(error)).filter(([field]) => FIELDS.includes(field)));
          form.setErrors(messages);
          focusFirstError(FIELDS.filter((field) => field in messages));
        },
      });
    },
    (errors) => focusFirstError(FIELDS.filter((field) => field in errors)),
  );

  const reasonRequired = form.values.decision === 'keep' || form.values.decision === 'refer';

  return (
    <form onSubmit={submit} noValidate aria-label={t('reconciliation.decision.formLabel')}>
      <Stack gap="md">
        <Text size="sm">
          {t('reconciliation.decision.member', { name: result.fullName, personalId: result.personalId ?? '' })}
        </Text>
        {decide.error ? <ErrorAlert error={decide.error} knownFields={FIELDS} /> : null}
        <Radio.Group label={t('reconciliation.decision.choiceLabel')} withAsterisk {...form.getInputProps('decision')}>
          <Stack gap="sm" mt="xs">
            {DECISION_CHOICES.map((choice) => (
              <Radio
                key={choice}
                value={choice}
                label={t(CHOICE_KEYS[choice])}
                disabled={choice === 'correct' && !canCorrect}
                description={
                  choice === 'correct' ? (
                    canCorrect ? (
                      <>
                        {t('reconciliation.decision.correctHelp')}
                        <List size="xs" mt={2}>
                          {blocking.map((difference) => (
                            <List.Item key={difference.field}>
                              {t('reconciliation.decision.correctField', {
                                field: t(FIELD_KEYS[difference.field]),
                                from: shownValue(difference.field, difference.party, gender) || t('reconciliation.empty'),
                                to: shownValue(difference.field, difference.population, gender) || t('reconciliation.empty'),
                              })}
                            </List.Item>
                          ))}
                        </List>
                      </>
                    ) : (
                      t('reconciliation.decision.correctUnavailable')
                    )
                  ) : choice === 'keep' ? (
                    t('reconciliation.decision.keepHelp')
                  ) : (
                    t('reconciliation.decision.referHelp')
                  )
                }
              />
            ))}
          </Stack>
        </Radio.Group>
        <Textarea
          label={t('reconciliation.decision.reason')}
          description={t('reconciliation.decision.reasonHint', { max: REASON_MAX })}
          placeholder={form.values.decision === 'keep' ? t('reconciliation.decision.keepExample') : undefined}
          withAsterisk={reasonRequired}
          autosize
          minRows={3}
          maxLength={REASON_MAX}
          {...form.getInputProps('reason')}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={decide.isPending}>
            {t('reconciliation.decision.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
