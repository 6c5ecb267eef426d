import { Alert, Button, FileButton, Group, Image, List, Paper, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { snapshot } from '../canvas.ts';
import { checkFrame, cropToCard, loadFaceModel } from '../face.ts';

interface Props {
  /** The 3×4 portrait and when it was taken, or null after "Chụp lại". */
  onChange: (photo: { blob: Blob; at: string } | null) => void;
  /** A new member clears the photo. */
  resetKey: string;
}

type Issues = { code: string }[];

/** Webcam capture with the face quality check; a file upload when there is no camera. */
export function PhotoCapture({ onChange, resetKey }: Props) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [camera, setCamera] = useState<'starting' | 'on' | 'unavailable'>('starting');
  const [model, setModel] = useState<'loading' | 'ready' | 'failed'>('loading');
  const [live, setLive] = useState<Issues | null>(null);
  const [rejected, setRejected] = useState<Issues | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let stream: MediaStream | null = null;
    let stopped = false;
    loadFaceModel().then(
      () => !stopped && setModel('ready'),
      () => !stopped && setModel('failed'),
    );
    navigator.mediaDevices
      ?.getUserMedia({ video: { width: 640, height: 480 }, audio: false })
      .then(async (s) => {
        if (stopped) return s.getTracks().forEach((track) => track.stop());
        stream = s;
        video.current!.srcObject = s;
        await video.current!.play();
        setCamera('on');
      })
      .catch(() => !stopped && setCamera('unavailable'));
    if (!navigator.mediaDevices) setCamera('unavailable');
    return () => {
      stopped = true;
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, []);

  const changed = useRef(onChange);
  changed.current = onChange;
  // A new member: the previous photo is not theirs.
  useEffect(() => {
    setPreview(null);
    setRejected(null);
    changed.current(null);
  }, [resetKey]);

  // The live hint: one check at a time, about once a second, while nothing is captured.
  useEffect(() => {
    if (camera !== 'on' || model !== 'ready' || preview) return;
    let cancelled = false;
    const tick = async () => {
      while (!cancelled) {
        if (video.current && video.current.readyState >= 2) {
          const verdict = await checkFrame(video.current).catch(() => null);
          if (!cancelled && verdict) setLive(verdict.issues);
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    };
    void tick();
    return () => {
      cancelled = true;
    };
  }, [camera, model, preview]);

  async function accept(source: HTMLCanvasElement) {
    const verdict = await checkFrame(source);
    if (!verdict.ok) {
      setRejected(verdict.issues);
      return;
    }
    const blob = await cropToCard(source, verdict.crop);
    setRejected(null);
    setPreview(URL.createObjectURL(blob));
    onChange({ blob, at: new Date().toISOString() });
  }

  async function capture() {
    const v = video.current;
    if (!v) return;
    setBusy(true);
    try {
      await accept(snapshot(v));
    } finally {
      setBusy(false);
    }
  }

  async function upload(file: File | null) {
    if (!file) return;
    setBusy(true);
    try {
      const bitmap = await createImageBitmap(file).catch(() => null);
      if (!bitmap) {
        setRejected([{ code: 'photo.unreadable' }]);
        return;
      }
      await accept(snapshot(bitmap));
    } finally {
      setBusy(false);
    }
  }

  const issueList = (issues: Issues) => (
    <List size="sm">
      {issues.map((i) => (
        <List.Item key={i.code}>{t(`intake.photo.${i.code.replace(/^photo\./, '')}`)}</List.Item>
      ))}
    </List>
  );

  return (
    <Paper withBorder p="xs">
      <Stack gap="xs">
        <Text size="sm" fw={500}>
          {t('counter.photo.label')}
        </Text>
        {preview && <Image src={preview} alt={t('counter.photo.taken')} w={150} h={200} radius="sm" />}
        {/* Kept mounted while a photo is shown, so "Chụp lại" has the live picture at once. */}
        <video ref={video} muted playsInline aria-label={t('counter.photo.camera')} style={{ width: 320, height: 240, background: '#222', display: camera === 'unavailable' || preview ? 'none' : 'block' }} />
        {camera === 'unavailable' && <Text size="sm">{t('counter.photo.noCamera')}</Text>}
        {model === 'loading' && <Text size="xs" c="dimmed">{t('counter.photo.modelLoading')}</Text>}
        {model === 'failed' && <Alert color="red">{t('counter.photo.modelFailed')}</Alert>}
        {!preview && live && live.length > 0 && !rejected && (
          <Text size="xs" c="orange" aria-live="polite">
            {t('counter.photo.liveHint', { issues: live.map((i) => t(`intake.photo.${i.code.replace(/^photo\./, '')}`)).join(' ') })}
          </Text>
        )}
        {rejected && (
          <Alert color="red" role="alert" title={t('counter.photo.rejected')}>
            {issueList(rejected)}
          </Alert>
        )}
        <Group gap="xs">
          {preview ? (
            <Button variant="default" onClick={() => { setPreview(null); onChange(null); }}>
              {t('counter.photo.retake')}
            </Button>
          ) : (
            <Button onClick={() => void capture()} loading={busy} disabled={camera !== 'on' || model !== 'ready'}>
              {t('counter.photo.capture')}
            </Button>
          )}
          <FileButton onChange={(file) => void upload(file)} accept="image/jpeg,image/png">
            {(props) => (
              <Button variant="subtle" {...props} disabled={model !== 'ready'}>
                {t('counter.photo.upload')}
              </Button>
            )}
          </FileButton>
        </Group>
      </Stack>
    </Paper>
  );
}
