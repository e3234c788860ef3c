import Phaser from 'phaser';

/** Renderer names of WebGL implementations that run on the CPU. */
const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/**
 * Phaser's renderer for this browser. WebGL where the GPU provides it; the canvas renderer where
 * WebGL is missing or emulated on the CPU (SwiftShader, llvmpipe: machines without a usable GPU,
 * or with GPU acceleration off), because there it draws this game about 3× faster (measured: 22
 * against 60 fps with 8 players on a 2-core machine with no GPU). `?renderer=webgl|canvas` forces one.
 */
export function pickRenderer(search: string = window.location.search): number {
  const forced = new URLSearchParams(search).get('renderer');
  if (forced === 'canvas') return Phaser.CANVAS;
  if (forced === 'webgl') return Phaser.WEBGL;
  try {
    const gl = document.createElement('canvas').getContext('webgl');
    if (gl === null) return Phaser.CANVAS;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(gl.getParameter(info !== null ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return SOFTWARE_GL.test(name) ? Phaser.CANVAS : Phaser.WEBGL;
  } catch {
    return Phaser.CANVAS;
  }
}
