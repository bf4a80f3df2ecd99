// UUIDv7 (RFC 9562, section 5.7), made on the tablet when an answer is captured: 48 bits of Unix time in
// milliseconds, the version 7, 74 random bits from the browser's cryptographic source, the variant 10.
// The time in front keeps answers in capture order; the random part keeps two tablets from ever
// making the same id.

export function uuid7(now = Date.now()) {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let time = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
