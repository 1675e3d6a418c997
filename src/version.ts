/** The product version: `voipwatch --version`, CEF's Device Version, ECS observer.version, User-Agent. Kept equal to package.json's (a test checks). */
export const VOIPWATCH_VERSION = '0.1.0';
