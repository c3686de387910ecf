/**
 * The audible cue for severe alerts: two short Web Audio beeps. Browsers only let an
 * AudioContext play after a user gesture, so `unlockAudio()` is called from the login
 * click (or any click) and the context is reused.
 */
let ctx: AudioContext | undefined;
let muted = false;

export const unlockAudio = (): void => {
  try {
    ctx ??= new AudioContext();
    // A browser that still refuses plays no beep; the alert shows on the feed all the same.
    if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
  } catch {
    ctx = undefined;
  }
};

export const setMuted = (m: boolean): void => {
  muted = m;
};
export const isMuted = (): boolean => muted;

/** Counts beeps so the e2e test can tell one was played (no audio device in CI). */
export let beepCount = 0;

export const beep = (): void => {
  beepCount++;
  if (muted || !ctx) return;
  const start = ctx.currentTime;
  for (const offset of [0, 0.3]) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'square';
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.2, start + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.22);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start + offset);
    osc.stop(start + offset + 0.25);
  }
};
