/**
 * Whether the host that served this page still answers over HTTP: after a failed connect request
 * this tells a host that is gone (stopped, or its address changed) from a request that failed in
 * this browser, which have different remedies. Asks for a small file of the page's own.
 */
export async function hostAnswers(): Promise<boolean> {
  try {
    const response = await fetch('./network-profiles.json', { method: 'HEAD', cache: 'no-store' });
    return response.status < 500;
  } catch {
    return false;
  }
}
