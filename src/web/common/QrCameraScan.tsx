import { Button, Modal, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { snapshot } from '../intake/canvas.ts';

/** Reads the chip ID card's QR code with the webcam (for counters without a USB scanner); gives its text. */
export function QrCameraScan({ onText }: { onText: (text: string) => void }) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  return (
    <>
      <Button variant="default" onClick={() => setOpened(true)}>
        {t('counter.scan.camera')}
      </Button>
      <Modal opened={opened} onClose={() => setOpened(false)} title={t('counter.scan.cameraTitle')}>
        {opened && (
          <Reader
            onText={(text) => {
              setOpened(false);
              onText(text);
            }}
          />
        )}
      </Modal>
    </>
  );
}

function Reader({ onText }: { onText: (text: string) => void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [failed, setFailed] = useState(false);
  const found = useRef(onText);
  found.current = onText;
  useEffect(() => {
    let stream: MediaStream | null = null;
    let stopped = false;
    void (async () => {
      // Loaded when first used: most counters scan with a USB scanner.
      const { BrowserQRCodeReader } = await import('@zxing/browser');
      // The same camera request as the photo's, and our own frame loop: a frame a third of a second, until a code reads.
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
      if (stopped) return;
      const v = video.current!;
      v.srcObject = stream;
      await v.play();
      const reader = new BrowserQRCodeReader();
      while (!stopped) {
        if (v.videoWidth) {
          try {
            const text = reader.decodeFromCanvas(snapshot(v)).getText();
            stopped = true;
            found.current(text);
            break;
          } catch {
            // No code in this frame.
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    })()
      .catch(() => setFailed(true))
      .finally(() => stream?.getTracks().forEach((track) => track.stop()));
    return () => {
      stopped = true;
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, []);
  return (
    <Stack gap="xs">
      <video ref={video} muted playsInline aria-label={t('counter.scan.cameraVideo')} style={{ width: '100%', background: '#222' }} />
      <Text size="sm" c={failed ? 'red' : 'dimmed'}>
        {failed ? t('counter.photo.noCamera') : t('counter.scan.cameraHint')}
      </Text>
    </Stack>
  );
}
