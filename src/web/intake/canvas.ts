/** A still of what a video, bitmap or image shows now, at its own size: what the face check and the QR reader read. */
export function snapshot(source: HTMLVideoElement | ImageBitmap): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = source instanceof HTMLVideoElement ? source.videoWidth : source.width;
  canvas.height = source instanceof HTMLVideoElement ? source.videoHeight : source.height;
  canvas.getContext('2d')!.drawImage(source, 0, 0);
  return canvas;
}
