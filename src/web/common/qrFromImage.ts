/**
 * The text of a QR code in a picture (a photo of a card, a rendered card). zxing's JavaScript reader misses some
 * clean codes at one size (its finder pattern search; measured: about one code in six of our cards' size) and reads
 * them at another, so the picture is tried at a few scales before giving up.
 */
const SCALES = [1, 0.75, 1.3, 0.5, 1.6, 0.6, 0.9];

export async function qrFromImage(file: Blob): Promise<string> {
  const [{ BrowserQRCodeReader }, bitmap] = await Promise.all([import('@zxing/browser'), createImageBitmap(file)]);
  const reader = new BrowserQRCodeReader();
  let lastError: unknown;
  for (const scale of SCALES) {
    // Drawn on a canvas and read there (as the camera's frames are): no image element, no load timeout.
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    try {
      return reader.decodeFromCanvas(canvas).getText();
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
