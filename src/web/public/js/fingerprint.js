// Documents and evidence are referenced by their SHA-256, computed here in the browser: the file itself never
// leaves the office.
export async function sha256OfFile(file) {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
