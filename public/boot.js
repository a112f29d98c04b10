// Starts the console. trunk preloads the wasm-bindgen glue and the wasm in <head>; we read
// their (hashed) addresses from those links instead of an inline script, so the
// Content-Security-Policy can stay `script-src 'self' 'wasm-unsafe-eval'`.
const glue = document.querySelector('link[rel="modulepreload"][href$=".js"]');
const wasm = document.querySelector('link[rel="preload"][href$=".wasm"]');
if (!glue || !wasm) {
  document.body.textContent = 'The console files are incomplete: rebuild with `cargo xtask dist`.';
} else {
  const { default: init } = await import(glue.href);
  await init({ module_or_path: wasm.href });
}
