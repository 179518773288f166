export function dawnEnv(base?: NodeJS.ProcessEnv): Record<string, string>;
