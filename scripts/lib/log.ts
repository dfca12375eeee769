export const step = (message: string) => console.log(`› ${message}`);
export const done = (message: string) => console.log(`✓ ${message}`);
export const warn = (message: string) => console.warn(`! ${message}`);
