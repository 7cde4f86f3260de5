// Placeholder until the end-to-end stack lands: starts nothing.
export default async function globalSetup(): Promise<void> {}
