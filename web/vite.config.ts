import { defineConfig } from 'vite';

// Relative base: the API serves the built app from its staticDir on the same origin,
// and the e2e test builds into a temp dir with the same config.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: {
    proxy: {
      '/v1': 'http://localhost:8080',
      '/socket.io': { target: 'ws://localhost:8080', ws: true },
    },
  },
});
