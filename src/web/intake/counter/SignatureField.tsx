import { Button, Group, Paper, Text } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import SignaturePad from 'signature_pad';

interface Props {
  /** When the member finished a stroke (the signature step's time), or null after "Ký lại". */
  onChange: (signedAt: string | null) => void;
  /** Changing this clears the pad (a new member, or data changed after signing). */
  resetKey: string;
  padRef: React.RefObject<SignaturePad | null>;
}

/** The member signs with a pen, a finger or the mouse (pointer events); the image goes out as a PNG. */
export function SignatureField({ onChange, resetKey, padRef }: Props) {
  const { t } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    const element = canvas.current!;
    // The backing store follows the screen's pixel ratio, or strokes come out blurred and offset.
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    element.width = element.offsetWidth * ratio;
    element.height = element.offsetHeight * ratio;
    element.getContext('2d')!.scale(ratio, ratio);
    const pad = new SignaturePad(element, { backgroundColor: 'rgb(255,255,255)', penColor: 'rgb(10,20,80)', minWidth: 1, maxWidth: 3 });
    pad.addEventListener('endStroke', () => changed.current(new Date().toISOString()));
    padRef.current = pad;
    changed.current(null);
    return () => {
      pad.off();
      padRef.current = null;
    };
    // Rebuilt only for a new member (or data changed after signing).
  }, [resetKey, padRef]);

  return (
    <Paper withBorder p="xs">
      <Text size="sm" fw={500} id="signature-label">
        {t('counter.signature.label')}
      </Text>
      <canvas
        ref={canvas}
        role="img"
        aria-labelledby="signature-label"
        data-testid="signature-pad"
        style={{ width: '100%', height: 160, touchAction: 'none', border: '1px dashed var(--mantine-color-gray-5)', background: 'white' }}
      />
      <Group justify="space-between">
        <Text size="xs" c="dimmed">
          {t('counter.signature.hint')}
        </Text>
        <Button
          size="xs"
          variant="subtle"
          onClick={() => {
            padRef.current?.clear();
            onChange(null);
          }}
        >
          {t('counter.signature.clear')}
        </Button>
      </Group>
    </Paper>
  );
}

/** The signature as the PNG the server checks (not empty). */
export async function signatureBlob(pad: SignaturePad): Promise<Blob> {
  const dataUrl = pad.toDataURL('image/png');
  return (await fetch(dataUrl)).blob();
}
