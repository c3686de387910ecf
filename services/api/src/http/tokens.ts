/** DI tokens: tsx/esbuild emits no decorator metadata, so every constructor parameter names its token. */
export const API_CONTEXT = Symbol('ApiContext');
