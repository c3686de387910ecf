/**
 * Every port the embedded default listens on, set to a free one (0): tests start several whole
 * platforms at once (the integration project runs two files side by side), and one left on its
 * default (7808, 7809, 8080, 8081, 9400) collides with the other's — or with `npm start`.
 */
export const FREE_PLATFORM_PORTS = {
  GATEWAY_PORT: '0',
  JT809_PORT: '0',
  WIM_HTTP_PORT: '0',
  OPS_PORT: '0',
  API_PORT: '0',
} as const;
