import QRCode from 'qrcode';

/** A QR code of `text` drawn with Unicode half blocks, for a terminal. The only file that imports `qrcode`. */
export async function terminalQr(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'terminal', small: true, errorCorrectionLevel: 'M' });
}
